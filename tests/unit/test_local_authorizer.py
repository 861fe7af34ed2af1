"""The local gateway's JWT authorizer, with real tokens from the template's pool in moto.

moto serves each pool's JWKS at Cognito's own URL inside `mock_aws` (through
`requests`), as the issuer would; the local stack reads it from moto's endpoint.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from clinic_tools.local.authorizer import (
    JwksCache,
    JwtVerifier,
    Unauthorized,
    gateway_claim,
    jwks_url,
)
from clinic_tools.local.cognito import (
    LocalStaffPool,
    Tokens,
    create_staff_user,
    local_password,
    sign_in,
)
from clinic_tools.local.template import JwtAuthorizer


def fetch(url: str) -> bytes:
    return requests.get(url, timeout=5).content


def signed_in(pool: LocalStaffPool, *groups: str) -> Tokens:
    email, password = "desk@clinic.example", local_password()
    create_staff_user(pool, email, password, groups)
    return sign_in(pool, email, password)


def verifier(
    pool: LocalStaffPool, *, audience: str | None = None, issuer: str | None = None, **kw: Any
) -> JwtVerifier:
    authorizer = JwtAuthorizer(
        "StaffAuthorizer",
        "$request.header.Authorization",
        issuer or pool.issuer,
        (audience or pool.client_id,),
    )
    return JwtVerifier(authorizer, JwksCache(None, fetch), **kw)


def refusal(check: JwtVerifier, headers: dict[str, str]) -> Unauthorized:
    with pytest.raises(Unauthorized) as refused:
        check.authorize(headers)
    return refused.value


def test_a_staff_members_id_token_passes_with_its_claims_as_api_gateway_writes_them(
    staff_pool: LocalStaffPool,
) -> None:
    tokens = signed_in(staff_pool, "staff", "admin")
    context = verifier(staff_pool).authorize({"authorization": f"Bearer {tokens.id_token}"})
    claims = context["jwt"]["claims"]
    assert context["jwt"]["scopes"] is None
    assert claims["email"] == "desk@clinic.example"
    assert claims["token_use"] == "id"
    assert claims["aud"] == staff_pool.client_id
    assert claims["iss"] == staff_pool.issuer
    assert claims["cognito:groups"] in ("[admin staff]", "[staff admin]")
    assert claims["exp"].isdigit() and int(claims["exp"]) > time.time()
    assert all(isinstance(value, str) for value in claims.values())


def test_the_token_may_come_without_the_bearer_prefix(staff_pool: LocalStaffPool) -> None:
    tokens = signed_in(staff_pool, "staff")
    context = verifier(staff_pool).authorize({"authorization": tokens.id_token})
    assert context["jwt"]["claims"]["cognito:groups"] == "[staff]"


def test_an_access_token_is_checked_by_its_client_id(staff_pool: LocalStaffPool) -> None:
    tokens = signed_in(staff_pool, "staff")
    claims = verifier(staff_pool).authorize({"authorization": f"Bearer {tokens.access_token}"})
    assert claims["jwt"]["claims"]["client_id"] == staff_pool.client_id


def test_no_token_is_refused_with_a_bare_bearer_challenge(staff_pool: LocalStaffPool) -> None:
    assert refusal(verifier(staff_pool), {}).challenge == "Bearer"
    assert refusal(verifier(staff_pool), {"authorization": "Bearer "}).challenge.startswith(
        'Bearer scope="" error="invalid_token"'
    )


def test_a_token_signed_by_another_key_is_refused(staff_pool: LocalStaffPool) -> None:
    tokens = signed_in(staff_pool, "staff")
    forged_key = RSAKey.generate_key(2048, parameters={"kid": "dummy"})  # moto's kid
    payload = {**_raw_claims(tokens.id_token), "cognito:groups": ["admin"]}
    forged = jwt.encode({"alg": "RS256", "kid": "dummy"}, payload, forged_key)
    refused = refusal(verifier(staff_pool), {"authorization": f"Bearer {forged}"})
    assert "invalid_token" in refused.challenge


def test_a_symmetric_token_is_refused(staff_pool: LocalStaffPool) -> None:
    tokens = signed_in(staff_pool, "staff")
    key = OctKey.import_key("a shared secret anyone could guess")
    forged = jwt.encode({"alg": "HS256", "kid": "dummy"}, _raw_claims(tokens.id_token), key)
    refused = refusal(verifier(staff_pool), {"authorization": forged})
    assert "signing method HS256 is invalid" in refused.challenge


def test_an_expired_token_is_refused(staff_pool: LocalStaffPool) -> None:
    tokens = signed_in(staff_pool, "staff")
    later = verifier(staff_pool, clock=lambda: time.time() + 2 * 60 * 60)
    assert "the token has expired" in refusal(later, {"authorization": tokens.id_token}).challenge


def test_a_token_for_another_client_is_refused(staff_pool: LocalStaffPool) -> None:
    tokens = signed_in(staff_pool, "staff")
    other = verifier(staff_pool, audience="another-app-client")
    refused = refusal(other, {"authorization": tokens.id_token})
    assert "the token does not have a valid audience" in refused.challenge


def test_a_token_from_another_pool_is_refused(staff_pool: LocalStaffPool) -> None:
    tokens = signed_in(staff_pool, "staff")
    other = verifier(staff_pool, issuer=staff_pool.issuer.replace("us-east-1_", "us-east-1_x"))
    refused = refusal(other, {"authorization": tokens.id_token})
    assert "invalid_token" in refused.challenge


def test_a_route_with_scopes_needs_a_token_granting_one(staff_pool: LocalStaffPool) -> None:
    tokens = signed_in(staff_pool, "staff")
    check = verifier(staff_pool)
    with pytest.raises(Unauthorized):
        check.authorize({"authorization": tokens.id_token}, ("clinic/staff",))
    granted = check.authorize(
        {"authorization": tokens.access_token}, ("aws.cognito.signin.user.admin",)
    )
    assert granted["jwt"]["scopes"] == ["aws.cognito.signin.user.admin"]


def test_claims_are_strings_as_api_gateway_passes_them() -> None:
    assert gateway_claim(1764400000) == "1764400000"
    assert gateway_claim(True) == "true"
    assert gateway_claim(["admin", "staff"]) == "[admin staff]"
    assert gateway_claim([]) == "[]"
    assert gateway_claim("staff") == "staff"


def test_a_cognito_issuers_keys_are_read_from_moto_when_it_runs() -> None:
    issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
    assert jwks_url(issuer, "http://127.0.0.1:5000") == (
        "http://127.0.0.1:5000/us-east-1_abc/.well-known/jwks.json"
    )
    assert jwks_url(issuer, None) == f"{issuer}/.well-known/jwks.json"


def _raw_claims(token: str) -> dict[str, Any]:
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
