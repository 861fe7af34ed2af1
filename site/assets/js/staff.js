// The staff inbox (/staff/): sign-in (staff-auth.js), the list, and one request opened
// beside it (staff-detail.js). Nothing is kept after sign-out.

import { config } from './config.js';
import { InboxApi } from './staff-api.js';
import { CognitoError, StaffSession } from './staff-auth.js';
import { RequestDetail } from './staff-detail.js';
import { label, requestRow } from './staff-view.js';

const $ = (id) => document.getElementById(id);
const STEPS = ['password-form', 'code-form', 'new-password-form', 'setup-form'];
const STEP_OF = { SOFTWARE_TOKEN_MFA: 'code-form', NEW_PASSWORD_REQUIRED: 'new-password-form', MFA_SETUP: 'setup-form' };

const SIGNED_OUT = {
  idle: 'You were signed out after 15 minutes without activity. Sign in again to go on.',
  expired: 'Your session has ended. Sign in again to go on.',
  'not-staff': 'This account is not on the clinic’s staff: ask an administrator to add it to the staff group.',
  'signed-out': 'You are signed out.',
};

const session = new StaffSession(signedOut);
const api = new InboxApi(session);
const list = { status: 'new', q: '', cursor: null, timeZone: 'UTC', rows: new Map(), loads: 0, failed: false };
const detail = new RequestDetail(api, {
  announce,
  notice: (text) => alertText('inbox-problem', text),
  problem,
  me: () => session.email,
  changed: (request) => replaceRow(request),
  open: openRequest,
  closed: (reference) => {
    $('inbox-layout').classList.remove('showing-detail');
    markOpen(null);
    (list.rows.get(reference)?.querySelector('button') ?? $('inbox-title')).focus();
  },
});

function announce(text) {
  $('announce').textContent = '';
  setTimeout(() => { $('announce').textContent = text; }, 50); // read again if repeated
}

function alertText(id, text) {
  $(id).textContent = text;
}

// Sign-in

function showStep(step) {
  for (const id of STEPS) $(id).hidden = id !== step;
  const first = $(step).querySelector('input:not([type="hidden"])');
  first?.focus();
}

const CODE_WRONG = 'That code is not right. Enter the 6-digit code your authenticator app shows now.';
const TOO_MANY = 'Too many tries. Wait a few minutes, then try again.';
const COGNITO_PROBLEMS = {
  NotConfigured: 'Staff sign-in is not set up for this site yet (config.json names no user pool).',
  NetworkError: 'The sign-in service could not be reached. Check the connection and try again.',
  NotAuthorizedException: 'The e-mail address or password is not right.',
  CodeMismatchException: CODE_WRONG,
  EnableSoftwareTokenMFAException: CODE_WRONG,
  ExpiredCodeException: 'That code has expired or was already used. Wait for the next one.',
  PasswordResetRequiredException: 'Your password must be reset: ask an administrator.',
  TooManyRequestsException: TOO_MANY,
  TooManyFailedAttemptsException: TOO_MANY,
  LimitExceededException: TOO_MANY,
};

/** What went wrong, in words; Cognito's own text only for its password policy. */
function cognitoProblem(error) {
  if (isExpiredSession(error)) return 'The sign-in took too long. Start again with your e-mail and password.';
  if (error?.type === 'InvalidPasswordException') return `Choose another password. ${error.message}`;
  return COGNITO_PROBLEMS[error?.type] ?? 'Sign-in failed. Try again.';
}

function isExpiredSession(error) {
  return error instanceof CognitoError && error.type === 'NotAuthorizedException' && /session/i.test(error.message);
}

/** Runs one sign-in step; the next step's form, or the inbox. */
async function step(form, action) {
  const button = form.querySelector('button[type="submit"]');
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  alertText('signin-problem', '');
  try {
    const result = await action();
    if (result.done) return enterInbox();
    if (result.challenge === 'MFA_SETUP') await showSetup(); // the secret before its code field
    showStep(STEP_OF[result.challenge]);
  } catch (error) {
    alertText('signin-problem', cognitoProblem(error));
    if (isExpiredSession(error)) showStep('password-form');
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

async function showSetup() {
  const { secret, uri } = await session.associate();
  $('setup-secret').textContent = secret.replace(/(.{4})/g, '$1 ').trim();
  $('setup-uri').textContent = uri;
  $('setup-link').href = uri;
}

function startSignIn() {
  $('password-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const password = $('password');
    step(event.target, () => session.start($('email').value.trim(), password.value)).finally(() => {
      password.value = '';
    });
  });
  $('code-form').addEventListener('submit', (event) => {
    event.preventDefault();
    step(event.target, () => session.respond({ code: takeValue('code') }));
  });
  $('setup-form').addEventListener('submit', (event) => {
    event.preventDefault();
    step(event.target, () => session.verify(takeValue('setup-code')));
  });
  $('new-password-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if ($('new-password').value !== $('new-password-again').value) {
      alertText('signin-problem', 'The two new passwords are not the same.');
      $('new-password-again').focus();
      return;
    }
    step(event.target, () => session.respond({ newPassword: $('new-password').value })).finally(() => {
      $('new-password').value = '';
      $('new-password-again').value = '';
    });
  });
  $('sign-out').addEventListener('click', () => session.signOut('signed-out'));
}

function takeValue(id) {
  const value = $(id).value.replace(/\s/g, '');
  $(id).value = '';
  return value;
}

function enterInbox() {
  $('signin').hidden = true;
  $('inbox').hidden = false;
  $('account').hidden = false;
  $('account-email').textContent = session.email;
  alertText('inbox-problem', '');
  $('inbox-title').focus();
  return loadList({ reset: true });
}

/** Everything shown is dropped; the sign-in form comes back with the reason. */
function signedOut(reason) {
  detail.clear();
  $('inbox-layout').classList.remove('showing-detail');
  list.rows.clear();
  $('requests').replaceChildren();
  $('list-status').textContent = '';
  $('search-q').value = '';
  list.q = '';
  $('inbox').hidden = true;
  $('account').hidden = true;
  $('account-email').textContent = '';
  $('signin').hidden = false;
  alertText('signin-problem', reason === 'signed-out' ? '' : SIGNED_OUT[reason]);
  if (reason === 'signed-out') announce(SIGNED_OUT[reason]);
  showStep('password-form');
}

// The list

function problem(error, context) {
  const status = error?.status;
  if (status === 401) return session.signOut('expired');
  if (status === 403) return session.signOut('not-staff');
  if (error instanceof CognitoError && !session.signedIn) return undefined;
  let text = status >= 500
    ? 'The inbox is not answering just now. Try again in a moment.'
    : 'The inbox could not be reached. Check the connection and try again.';
  if (status === 412) {
    text = 'Someone else changed this request while you had it open. It now shows their change: make yours again if it is still needed.';
  } else if (status === 404 && context === 'open') {
    text = 'This request is no longer in the inbox.';
  }
  alertText('inbox-problem', text);
  return undefined;
}

/** A new filter (`reset`) replaces the list only once its answer has come: a search that
 * fails leaves what was shown, and what it was for. */
async function loadList({ reset, status = list.status, q = list.q }) {
  const load = ++list.loads;
  $('list-status').textContent = 'Loading requests…';
  $('requests').setAttribute('aria-busy', 'true');
  try {
    const answer = await api.list({ status, q, cursor: reset ? '' : list.cursor ?? '' });
    if (load !== list.loads) return; // superseded by a later load
    if (reset) {
      list.rows.clear();
      $('requests').replaceChildren();
    }
    Object.assign(list, { status, q, timeZone: answer.timeZone || 'UTC', cursor: answer.nextCursor ?? null });
    if (list.failed) alertText('inbox-problem', ''); // the list's own problem is over
    list.failed = false;
    const rows = (answer.items ?? []).map((request) => addRow(request));
    $('more').hidden = !list.cursor;
    // a caller may quote a request in another status
    $('search-all').hidden = !list.q || list.status === 'all';
    $('list-status').textContent = listSummary();
    if (!reset) rows[0]?.querySelector('button')?.focus();
  } catch (error) {
    if (load !== list.loads) return;
    $('list-status').textContent = list.rows.size ? listSummary() : '';
    list.failed = true;
    problem(error, 'list');
  } finally {
    if (load === list.loads) $('requests').removeAttribute('aria-busy');
  }
}

/** "2 new requests." A row changed here stays till the list reloads (none jumps away
 * under the pointer), but counts no longer. */
function listSummary() {
  const rows = [...list.rows.values()];
  const moved = list.status === 'all' ? 0 : rows.filter((row) => row.dataset.status !== list.status).length;
  const count = rows.length - moved;
  const status = label('status', list.status);
  const which = list.status === 'all' ? '' : `${status.toLowerCase()} `;
  const matching = list.q ? ` matching “${list.q}”` : '';
  const summary = `${count || 'No'} ${which}request${count === 1 ? '' : 's'}${matching}${list.cursor ? ' so far' : ''}.`;
  if (!moved) return summary;
  return `${summary} ${moved} shown ${moved === 1 ? 'is' : 'are'} no longer ${status}.`;
}

function addRow(request) {
  const row = requestRow(request, list.timeZone, openRequest);
  list.rows.set(request.reference, row);
  $('requests').append(row);
  return row;
}

function replaceRow(request) {
  const old = list.rows.get(request.reference);
  if (!old) return;
  const row = requestRow(request, list.timeZone, openRequest);
  old.replaceWith(row);
  list.rows.set(request.reference, row);
  markOpen(request.reference);
  const summary = listSummary();
  if ($('list-status').textContent !== summary) $('list-status').textContent = summary; // live: said once
}

function markOpen(reference) {
  for (const [key, row] of list.rows) {
    const button = row.querySelector('button');
    if (key === reference) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
  }
}

function openRequest(reference) {
  alertText('inbox-problem', '');
  markOpen(reference);
  $('inbox-layout').classList.add('showing-detail');
  detail.open(reference, list.timeZone);
}

function startList() {
  $('status-filter').addEventListener('change', () => {
    loadList({ reset: true, status: $('status-filter').value });
  });
  $('filter-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadList({ reset: true, status: $('status-filter').value, q: $('search-q').value.trim() });
  });
  $('more').addEventListener('click', () => loadList({ reset: false }));
  $('search-all').addEventListener('click', () => {
    $('status-filter').value = 'all';
    $('search-q').focus(); // the button hides
    loadList({ reset: true, status: 'all', q: list.q });
  });
}

async function start() {
  startSignIn();
  startList();
  $('signin').hidden = false;
  showStep('password-form');
  try {
    const settings = await config();
    if (!settings.staff?.cognitoEndpoint) alertText('signin-problem', cognitoProblem(new CognitoError('NotConfigured')));
  } catch {
    alertText('signin-problem', 'The site’s settings (config.json) could not be read. Reload the page to try again.');
  }
}

start();
