"""Staff sign-in on the local stack: the printed staff member signs in with password and
TOTP code, `clinic staff` finds the local pool, and the gateway guards the routes the
template puts behind the JWT authorizer, with real tokens from moto's pool."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from clinic_tools.cli import main
from clinic_tools.local.cognito import LOCAL_STAFF_EMAIL, LocalStaffPool, cognito_client, sign_in
from tests.conftest import ROOT, TEMPLATE
from tests.integration.conftest import LocalStack, StaffToken, call

pytestmark = pytest.mark.integration

GUARDED = [route for route in TEMPLATE.routes if route.authorizer is not None]


def printed_password(stack: LocalStack) -> str:
    found = re.search(r"password (\S+)", stack.log.read_text())
    assert found, "clinic dev printed no staff password"
    return found[1]


def claims_of(token: str) -> dict[str, Any]:
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def test_the_banner_says_where_and_how_staff_sign_in(local_stack: LocalStack) -> None:
    banner = local_stack.log.read_text()
    assert f"sign in at {local_stack.site}/staff/" in banner
    assert LOCAL_STAFF_EMAIL in banner
    assert "MFA code" in banner


def test_the_printed_staff_member_signs_in_with_password_and_totp(
    local_stack: LocalStack, local_staff_pool: LocalStaffPool
) -> None:
    tokens = sign_in(local_staff_pool, LOCAL_STAFF_EMAIL, printed_password(local_stack))
    claims = claims_of(tokens.id_token)
    assert claims["email"] == LOCAL_STAFF_EMAIL
    assert claims["cognito:groups"] == ["staff"]
    assert claims["iss"] == local_staff_pool.issuer


def test_the_inboxs_sign_out_revokes_its_refresh_token_as_cognito_would(
    local_stack: LocalStack, local_staff_pool: LocalStaffPool
) -> None:
    """The inbox's RevokeToken, sent as its page sends it (unsigned, from the site's origin):
    moto lacks it and answered 500 without CORS headers; the local pool has it."""
    tokens = sign_in(local_staff_pool, LOCAL_STAFF_EMAIL, printed_password(local_stack))
    body = {"Token": tokens.refresh_token, "ClientId": local_staff_pool.client_id}
    answer = call(
        f"{local_stack.aws}/",
        "POST",
        {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.RevokeToken",
            "Origin": local_stack.site,
        },
        json.dumps(body).encode(),
    )
    assert answer.status == 200
    assert answer.headers.get("access-control-allow-origin") in ("*", local_stack.site)
    idp = cognito_client(local_staff_pool.endpoint)
    with pytest.raises(ClientError, match="NotAuthorizedException"):
        idp.initiate_auth(
            ClientId=local_staff_pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens.refresh_token},
        )
    assert "NotImplementedError" not in local_stack.log.read_text()


def test_staff_token_gives_a_token_for_the_groups_asked(staff_token: StaffToken) -> None:
    assert claims_of(staff_token(groups=("staff", "admin")))["cognito:groups"] in (
        ["staff", "admin"],
        ["admin", "staff"],
    )
    assert "cognito:groups" not in claims_of(staff_token(groups=()))


def test_clinic_staff_finds_the_local_pool_by_the_endpoint(
    local_stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("AWS_ENDPOINT_URL", local_stack.aws)
    assert main(["staff", "list", "--format", "json"]) == 0
    accounts = {account["email"]: account for account in json.loads(capsys.readouterr().out)}
    assert accounts[LOCAL_STAFF_EMAIL]["mfa"] is True
    assert accounts[LOCAL_STAFF_EMAIL]["groups"] == ["staff"]


@pytest.mark.skipif(not GUARDED, reason="no route of the template names an authorizer yet")
@pytest.mark.parametrize("route", GUARDED, ids=lambda route: route.key)
def test_a_guarded_route_answers_401_without_a_valid_token(
    local_stack: LocalStack, staff_token: StaffToken, route: Any
) -> None:
    path = re.sub(r"\{[^}]+\}", "R-TEST-0000", route.path)
    method = "GET" if route.method == "ANY" else route.method
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        refused = call(f"{local_stack.api}{path}", method, headers=headers)
        assert refused.status == 401, headers
        assert refused.json() == {"message": "Unauthorized"}
        assert refused.headers["www-authenticate"].startswith("Bearer")
    token = staff_token()
    body = b"{}" if method in ("POST", "PATCH", "PUT") else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    assert call(f"{local_stack.api}{path}", method, headers=headers, data=body).status != 401
