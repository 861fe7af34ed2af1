"""What `clinic dev` teaches moto's Cognito (moto 5.2), in this process (in-process moto,
or the server): the two calls the staff tools make that moto lacks or gets wrong.

- **RevokeToken**, the inbox's sign-out, which moto lacks. Without it moto answered with
  a 500, a traceback in `clinic dev`'s output and no CORS headers (the browser reported a
  CORS failure), and the signed-out refresh token still worked. Here, as Cognito documents
  RevokeToken: the refresh token can no longer be exchanged for tokens, and the access
  tokens issued from it (those that carry its `origin_jti`) no longer work with Cognito's
  user APIs. ID tokens are checked by their signature and expiry alone, by API Gateway's
  JWT authorizer as by the local gateway: they last until they expire, deployed and here
  alike. An unknown or already revoked token is not an error (the sign-out is done either
  way); another client's token is.
- **AdminCreateUser with MessageAction RESEND** (`clinic staff invite --resend`), which
  moto made a second account of, without groups, in a pool whose users are named by
  e-mail. Here, as in Cognito: the invitation goes to the account that exists (none is
  sent locally), and one that has already signed in cannot be invited again.
"""

from __future__ import annotations

import json
from typing import Any

from joserfc.jws import extract_compact
from moto.core.exceptions import JsonRESTError


def teach_moto_cognito() -> None:
    """RevokeToken, and RESEND as Cognito does it (see above); once per process."""
    from moto.cognitoidp.models import CognitoIdpBackend
    from moto.cognitoidp.responses import CognitoIdpResponse

    if not hasattr(CognitoIdpResponse, "revoke_token"):  # a later moto may have its own
        CognitoIdpResponse.revoke_token = _revoke_token  # pyright: ignore[reportAttributeAccessIssue]
    created = CognitoIdpBackend.admin_create_user
    if not getattr(created, "resends", False):

        def admin_create_user(
            backend: Any, pool_id: str, username: str, action: str, *rest: Any
        ) -> Any:
            if action == "RESEND":
                return _resent(backend, pool_id, username)
            return created(backend, pool_id, username, action, *rest)

        admin_create_user.resends = True  # pyright: ignore[reportFunctionMemberAccess]
        CognitoIdpBackend.admin_create_user = admin_create_user  # pyright: ignore[reportAttributeAccessIssue]


def _resent(backend: Any, pool_id: str, username: str) -> Any:
    """The account itself (UserNotFoundException if none), still waiting for its first
    sign-in: the invitation is for a temporary password."""
    from moto.cognitoidp.models import UserStatus

    user = backend.admin_get_user(pool_id, username)
    if user.status != UserStatus.FORCE_CHANGE_PASSWORD:
        raise JsonRESTError(
            "UnsupportedUserStateException",
            f"Resend not possible. {username} status is not FORCE_CHANGE_PASSWORD.",
        )
    return user


def _revoke_token(self: Any) -> str:
    client_id = self._get_param("ClientId")
    token = self._get_param("Token")
    pool = _pool_of_client(self.backend, client_id)
    client = pool.clients[client_id]
    if not client.extended_config.get("EnableTokenRevocation", True):
        raise JsonRESTError(
            "UnsupportedOperationException", "Token revocation is not enabled for this client."
        )
    issued = pool.refresh_tokens.get(token)
    if issued is not None:
        issued_to, _, origin_jti = issued
        if issued_to != client_id:
            raise JsonRESTError("UnauthorizedException", "The token was issued to another client.")
        pool.refresh_tokens[token] = None  # moto's mark for a signed-out refresh token
        for access_token in list(pool.access_tokens):
            if _claims(access_token).get("origin_jti") == origin_jti:
                del pool.access_tokens[access_token]
    return "{}"


def _pool_of_client(backend: Any, client_id: str | None) -> Any:
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool
    raise JsonRESTError("ResourceNotFoundException", f"Client {client_id} does not exist.")


def _claims(jwt: str) -> dict[str, Any]:
    """A moto-made token's claims (moto checks no signature of its own tokens either)."""
    return json.loads(extract_compact(jwt.encode()).payload)
