"""Staff sign-in in template.yaml, translated: the user pool, its client and groups, and
the HTTP API's JWT authorizer that the staff routes sit behind."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.sam_template import resources_of_type

POOL = {"Ref": "StaffUserPool"}
CLIENT = {"Ref": "StaffUserPoolClient"}


@pytest.fixture(scope="module")
def pool(cfn: dict[str, Any]) -> dict[str, Any]:
    resource = cfn["Resources"]["StaffUserPool"]
    assert resource["Type"] == "AWS::Cognito::UserPool"
    return resource


@pytest.fixture(scope="module")
def client(cfn: dict[str, Any]) -> dict[str, Any]:
    resource = cfn["Resources"]["StaffUserPoolClient"]
    assert resource["Type"] == "AWS::Cognito::UserPoolClient"
    return resource["Properties"]


def api_body(cfn: dict[str, Any]) -> dict[str, Any]:
    return cfn["Resources"]["HttpApi"]["Properties"]["Body"]


def test_only_an_administrator_creates_staff_accounts_named_by_email(
    pool: dict[str, Any],
) -> None:
    props = pool["Properties"]
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert props["UsernameAttributes"] == ["email"]
    assert props["UsernameConfiguration"] == {"CaseSensitive": False}
    invitation = props["AdminCreateUserConfig"]["InviteMessageTemplate"]["EmailMessage"]
    assert "{username}" in invitation and "{####}" in invitation


def test_passwords_are_strong_and_every_sign_in_needs_a_totp_code(pool: dict[str, Any]) -> None:
    props = pool["Properties"]
    policy = props["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    kinds = ("Lowercase", "Uppercase", "Numbers", "Symbols")
    assert all(policy[f"Require{kind}"] for kind in kinds)
    assert props["MfaConfiguration"] == "ON"
    assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]  # no SMS codes


def test_the_pool_outlives_a_deleted_stack_and_recovers_by_verified_email(
    pool: dict[str, Any],
) -> None:
    assert pool["DeletionPolicy"] == pool["UpdateReplacePolicy"] == "Retain"
    assert pool["Properties"]["DeletionProtection"] == "ACTIVE"
    recovery = pool["Properties"]["AccountRecoverySetting"]["RecoveryMechanisms"]
    assert recovery == [{"Name": "verified_email", "Priority": 1}]


def test_the_inbox_client_is_public_short_lived_and_revocable(client: dict[str, Any]) -> None:
    assert client["UserPoolId"] == POOL
    assert client["GenerateSecret"] is False  # a browser cannot keep a secret
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is True
    units = client["TokenValidityUnits"]
    assert units["IdToken"] == units["AccessToken"] == "minutes"
    assert client["IdTokenValidity"] <= 60 and client["AccessTokenValidity"] <= 60


def test_the_pool_has_a_staff_and_an_admin_group(cfn: dict[str, Any]) -> None:
    groups = resources_of_type(cfn, "AWS::Cognito::UserPoolGroup")
    assert {name: group["Properties"]["GroupName"] for name, group in groups.items()} == {
        "StaffGroup": "staff",
        "AdminGroup": "admin",
    }
    assert all(group["Properties"]["UserPoolId"] == POOL for group in groups.values())


def test_the_jwt_authorizer_trusts_the_pool_and_the_inbox_client_only(
    cfn: dict[str, Any],
) -> None:
    scheme = api_body(cfn)["components"]["securitySchemes"]["StaffAuthorizer"]
    authorizer = scheme["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "jwt"
    assert authorizer["identitySource"] == "$request.header.Authorization"
    assert authorizer["jwtConfiguration"] == {
        "issuer": {"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${StaffUserPool}"},
        "audience": [CLIENT],
    }


def test_staff_routes_and_only_they_sit_behind_the_authorizer(cfn: dict[str, Any]) -> None:
    for path, operations in api_body(cfn)["paths"].items():
        for method, operation in operations.items():
            security = operation.get("security") or []
            guarded = security == [{"StaffAuthorizer": []}]
            assert guarded == path.startswith("/staff/"), f"{method.upper()} {path}"


def test_the_pool_and_client_ids_are_outputs(cfn: dict[str, Any]) -> None:
    outputs = cfn["Outputs"]
    assert outputs["StaffUserPoolId"]["Value"] == POOL
    assert outputs["StaffUserPoolClientId"]["Value"] == CLIENT
