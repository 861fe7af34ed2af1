"""HTTP API's JWT authorizer, run by the local gateway as the template declares it.

API Gateway takes the token from the identity source (with or without `Bearer `),
checks its RSA signature against the issuer's JWKS (by `kid`), `iss`, `aud` (or
`client_id` when there is no `aud`) against the audience, `exp`, `nbf` and `iat`,
and the route's scopes; a refusal is its own 401 `{"message":"Unauthorized"}`
and the function never runs. A token it accepts reaches the function as
`requestContext.authorizer.jwt.claims`, every value a string: numbers in decimal,
an array as "[a b]" (so `cognito:groups` arrives as "[admin staff]"; as measured
in aws-solutions-library-samples/guidance-for-claude-code-with-amazon-bedrock#803
and floci-io/floci#2011; the bare token: AWS's "HTTP API JWT authorizer" guide).

Locally the issuer is Cognito's real URL (moto writes it into its tokens) while
the keys are moto's: a Cognito issuer's JWKS is fetched from moto's endpoint.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from clinic_tools.local.template import JwtAuthorizer

# RSA only, as API Gateway's JWT authorizer.
ALGORITHMS = ("RS256", "RS384", "RS512")
# API Gateway keeps an issuer's public keys for up to two hours.
JWKS_TTL_S = 2 * 60 * 60
UNAUTHORIZED = b'{"message":"Unauthorized"}'
_COGNITO_ISSUER = re.compile(r"https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/(?P<pool>[\w-]+)")

Fetch = Callable[[str], bytes]


class Unauthorized(Exception):
    """The gateway's 401; `challenge` is its WWW-Authenticate value."""

    def __init__(self, description: str | None = None) -> None:
        super().__init__(description or "no token")
        self.challenge = (
            "Bearer"
            if description is None
            else f'Bearer scope="" error="invalid_token" error_description="{description}"'
        )


def jwks_url(issuer: str, endpoint: str | None) -> str:
    """Where the issuer's keys are: moto's copy for a Cognito pool when moto runs."""
    found = _COGNITO_ISSUER.fullmatch(issuer)
    if endpoint is not None and found:
        return f"{endpoint.rstrip('/')}/{found['pool']}/.well-known/jwks.json"
    return f"{issuer.rstrip('/')}/.well-known/jwks.json"


def fetch_url(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http(s) URLs only)
        return response.read()


class JwksCache:
    """Each issuer's key set, fetched once and kept for a while (again for an unknown kid)."""

    def __init__(self, endpoint: str | None, fetch: Fetch = fetch_url) -> None:
        self.endpoint, self.fetch = endpoint, fetch
        self._sets: dict[str, tuple[float, KeySet]] = {}
        self._lock = threading.Lock()

    def keys(self, issuer: str, kid: str | None) -> KeySet:
        with self._lock:
            cached = self._sets.get(issuer)
            fresh = cached is not None and time.monotonic() - cached[0] < JWKS_TTL_S
            if cached is None or not fresh or not _has_kid(cached[1], kid):
                document = json.loads(self.fetch(jwks_url(issuer, self.endpoint)))
                cached = (time.monotonic(), KeySet.import_key_set(document))
                self._sets[issuer] = cached
            return cached[1]


def _has_kid(keys: KeySet, kid: str | None) -> bool:
    return any(key.kid == kid for key in keys.keys)


class JwtVerifier:
    """One authorizer of the template: a request's headers in, API Gateway's claims out."""

    def __init__(
        self,
        authorizer: JwtAuthorizer,
        jwks: JwksCache,
        clock: Callable[[], float] = time.time,
    ) -> None:
        prefix = "$request.header."
        if not authorizer.identity_source.startswith(prefix):
            raise ValueError(
                f"authorizer {authorizer.name}: only a header identity source is run "
                f"locally, not {authorizer.identity_source}"
            )
        self.authorizer, self.jwks, self.clock = authorizer, jwks, clock
        self.header = authorizer.identity_source.removeprefix(prefix).lower()

    def authorize(self, headers: Mapping[str, str], scopes: tuple[str, ...] = ()) -> dict[str, Any]:
        """`requestContext.authorizer` for the function, or Unauthorized."""
        token = _bearer(headers.get(self.header, ""))
        claims = self._verified_claims(token)
        self._check_claims(claims)
        granted = str(claims.get("scope", "")).split()
        if scopes and not set(scopes) & set(granted):
            raise Unauthorized("the token does not have a valid scope")
        return {
            "jwt": {
                "claims": {name: gateway_claim(value) for name, value in claims.items()},
                "scopes": granted if scopes else None,
            }
        }

    def _verified_claims(self, token: str) -> dict[str, Any]:
        try:
            header = extract_compact(token.encode()).protected
            if header.get("alg") not in ALGORITHMS:
                raise Unauthorized(f"signing method {header.get('alg')} is invalid")
            keys = self.jwks.keys(self.authorizer.issuer, header.get("kid"))
            return dict(jwt.decode(token, keys, algorithms=list(ALGORITHMS)).claims)
        except (JoseError, ValueError, KeyError, IndexError):
            raise Unauthorized("the token is not valid") from None
        except OSError:  # the issuer's keys could not be fetched
            raise Unauthorized("the keys of the issuer could not be read") from None

    def _check_claims(self, claims: dict[str, Any]) -> None:
        if claims.get("iss") != self.authorizer.issuer:
            raise Unauthorized("the token does not have a valid issuer")
        audience = claims.get("aud", claims.get("client_id"))
        audiences = audience if isinstance(audience, list) else [audience]
        if not set(map(str, audiences)) & set(self.authorizer.audience):
            raise Unauthorized("the token does not have a valid audience")
        now = self.clock()
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now:
            raise Unauthorized("the token has expired")
        if isinstance(claims.get("nbf"), int | float) and claims["nbf"] > now:
            raise Unauthorized("the token is not valid yet")
        if isinstance(claims.get("iat"), int | float) and claims["iat"] > now:
            raise Unauthorized("the token was issued in the future")


def gateway_claim(value: Any) -> str:
    """A claim as HTTP API passes it to the function: always a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(gateway_claim(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def verifiers(authorizers: Mapping[str, JwtAuthorizer], jwks: JwksCache) -> dict[str, JwtVerifier]:
    return {name: JwtVerifier(authorizer, jwks) for name, authorizer in authorizers.items()}


def _bearer(value: str) -> str:
    """The token, with or without the `Bearer ` prefix; none is Unauthorized."""
    token = value.strip()
    if token[:7].lower() == "bearer ":
        token = token[7:].strip()
    if not token:
        raise Unauthorized()
    return token
