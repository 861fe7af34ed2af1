// Staff sign-in: Cognito's JSON API called with fetch, no SDK. The tokens live in this
// module's memory only (never the browser's storage, never a cookie): a reload or a
// closed tab signs out. The ID token is refreshed before it expires while the page is
// in use, and 15 minutes without a touch, click or key signs out.

import { config } from './config.js';

export const IDLE_LIMIT_MS = 15 * 60 * 1000;
const REFRESH_MARGIN_MS = 5 * 60 * 1000; // refresh this long before the ID token expires
const TARGET = 'AWSCognitoIdentityProviderService.';
const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'];

/** Cognito refused: `type` is its exception name ("NotAuthorizedException", ...). */
export class CognitoError extends Error {
  constructor(type, message, status) {
    super(message || type);
    this.name = 'CognitoError';
    this.type = type;
    this.status = status;
  }
}

async function staffConfig() {
  const staff = (await config()).staff;
  if (!staff?.cognitoEndpoint || !staff?.clientId) throw new CognitoError('NotConfigured', '', 0);
  return staff;
}

/** One call of Cognito's API: POST {endpoint} with the action in X-Amz-Target. */
export async function cognito(action, body) {
  const { cognitoEndpoint } = await staffConfig();
  let response;
  try {
    response = await fetch(cognitoEndpoint, {
      method: 'POST',
      credentials: 'omit',
      cache: 'no-store',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': TARGET + action,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CognitoError('NetworkError', '', 0);
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const type = String(answer.__type ?? answer.code ?? 'UnknownError').split('#').pop();
    throw new CognitoError(type, String(answer.message ?? answer.Message ?? ''), response.status);
  }
  return answer;
}

/**
 * A sign-in in progress, then a signed-in session. `step()` results are either
 * {done: true} or {challenge: 'SOFTWARE_TOKEN_MFA' | 'NEW_PASSWORD_REQUIRED' | 'MFA_SETUP'}.
 */
export class StaffSession {
  constructor(onSignedOut) {
    this.onSignedOut = onSignedOut; // (reason) => void: 'idle' | 'expired' | 'signed-out'
    this.tokens = null;
    this.pending = null; // {username, session, challenge}
    this.username = null;
    this.refreshTimer = 0;
    this.idleTimer = 0;
    this.lastActive = Date.now();
    this.noteActivity = () => { this.lastActive = Date.now(); };
  }

  get signedIn() {
    return this.tokens !== null;
  }

  /** The e-mail signed in with (the pool's username is the e-mail address). */
  get email() {
    return this.username ?? '';
  }

  async start(username, password) {
    const { clientId } = await staffConfig();
    this.username = username;
    const answer = await cognito('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    return this.next(answer, username);
  }

  /** Answers the pending challenge: {code} for MFA, {newPassword} for a first sign-in. */
  async respond(responses) {
    const { clientId } = await staffConfig();
    const { username, session, challenge } = this.pending;
    const challengeResponses = { USERNAME: username };
    if (challenge === 'SOFTWARE_TOKEN_MFA') challengeResponses.SOFTWARE_TOKEN_MFA_CODE = responses.code;
    if (challenge === 'NEW_PASSWORD_REQUIRED') challengeResponses.NEW_PASSWORD = responses.newPassword;
    const answer = await cognito('RespondToAuthChallenge', {
      ChallengeName: challenge,
      ClientId: clientId,
      Session: session,
      ChallengeResponses: challengeResponses,
    });
    return this.next(answer, username);
  }

  /** MFA_SETUP, first half: the secret to put into an authenticator app. */
  async associate() {
    const answer = await cognito('AssociateSoftwareToken', { Session: this.pending.session });
    this.pending.session = answer.Session ?? this.pending.session;
    const secret = String(answer.SecretCode ?? '');
    return { secret, uri: otpauthUri(secret, this.username) };
  }

  /** MFA_SETUP, second half: the app's first code proves it, then the challenge is answered. */
  async verify(code) {
    const answer = await cognito('VerifySoftwareToken', {
      Session: this.pending.session,
      UserCode: code,
      FriendlyDeviceName: 'Staff inbox',
    });
    if (answer.Status !== 'SUCCESS') throw new CognitoError('CodeMismatchException', '', 400);
    this.pending.session = answer.Session ?? this.pending.session;
    return this.respond({});
  }

  next(answer, username) {
    if (answer.AuthenticationResult) {
      this.pending = null;
      this.keep(answer.AuthenticationResult);
      this.watchIdle();
      return { done: true };
    }
    const known = ['SOFTWARE_TOKEN_MFA', 'NEW_PASSWORD_REQUIRED', 'MFA_SETUP'];
    if (!known.includes(answer.ChallengeName)) {
      throw new CognitoError('UnsupportedChallenge', String(answer.ChallengeName ?? ''), 0);
    }
    const user = answer.ChallengeParameters?.USER_ID_FOR_SRP || username;
    this.pending = { username: user, session: answer.Session, challenge: answer.ChallengeName };
    return { challenge: answer.ChallengeName };
  }

  keep(result) {
    const expiresIn = Number(result.ExpiresIn) > 0 ? Number(result.ExpiresIn) : 3600;
    this.tokens = {
      idToken: result.IdToken,
      refreshToken: result.RefreshToken ?? this.tokens?.refreshToken,
      expiresAt: Date.now() + expiresIn * 1000,
    };
    clearTimeout(this.refreshTimer);
    const wait = Math.max(1000, expiresIn * 1000 - REFRESH_MARGIN_MS);
    this.refreshTimer = setTimeout(() => this.refresh().catch(() => {}), wait);
  }

  /** The ID token for `Authorization: Bearer`, refreshed first if it is about to expire. */
  async idToken() {
    if (!this.tokens) throw new CognitoError('NotSignedIn', '', 401);
    if (Date.now() > this.tokens.expiresAt - 60_000) await this.refresh();
    return this.tokens.idToken;
  }

  async refresh() {
    if (!this.tokens) return;
    if (Date.now() - this.lastActive >= IDLE_LIMIT_MS) return this.signOut('idle');
    const { clientId } = await staffConfig();
    try {
      const answer = await cognito('InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: clientId,
        AuthParameters: { REFRESH_TOKEN: this.tokens.refreshToken },
      });
      if (this.tokens) this.keep(answer.AuthenticationResult ?? {});
    } catch (error) {
      if (error instanceof CognitoError && error.status === 400) await this.signOut('expired');
      throw error;
    }
  }

  watchIdle() {
    for (const name of ACTIVITY) document.addEventListener(name, this.noteActivity, { passive: true, capture: true });
    this.lastActive = Date.now();
    clearInterval(this.idleTimer);
    this.idleTimer = setInterval(() => {
      if (Date.now() - this.lastActive >= IDLE_LIMIT_MS) this.signOut('idle');
    }, 15_000);
  }

  /** Forgets the tokens at once; asks Cognito to revoke the refresh token (and its tokens). */
  async signOut(reason = 'signed-out') {
    const tokens = this.tokens;
    this.tokens = null;
    this.pending = null;
    this.username = null;
    clearTimeout(this.refreshTimer);
    clearInterval(this.idleTimer);
    for (const name of ACTIVITY) document.removeEventListener(name, this.noteActivity, { capture: true });
    this.onSignedOut(reason);
    if (tokens?.refreshToken) {
      const { clientId } = await staffConfig();
      await cognito('RevokeToken', { Token: tokens.refreshToken, ClientId: clientId }).catch(() => {});
    }
  }
}

/** The URI an authenticator app reads (RFC 6238 key URI format). */
export function otpauthUri(secret, account) {
  const issuer = document.querySelector('[data-site="name"]')?.textContent?.trim() || 'Clinic';
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${encodeURIComponent(secret)}&issuer=${encodeURIComponent(issuer)}`;
}
