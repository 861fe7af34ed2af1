"""The staff user pool `clinic dev` makes in moto: the template's settings, and a local
staff member whose sign-in goes password → TOTP challenge, as it does deployed."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from clinic_tools.local.cognito import (
    LOCAL_STAFF_EMAIL,
    LocalStaffPool,
    create_local_staff,
    create_staff_user,
    find_staff_pool,
    local_password,
    sign_in,
    totp_code,
)
from tests.conftest import TEMPLATE
from tests.worker_plugin import shared_client


def test_the_pool_takes_the_templates_settings(staff_pool: LocalStaffPool) -> None:
    idp = shared_client("cognito-idp")
    pool = idp.describe_user_pool(UserPoolId=staff_pool.pool_id)["UserPool"]
    assert pool.get("AdminCreateUserConfig", {}).get("AllowAdminCreateUserOnly") is True
    assert pool.get("Policies", {}).get("PasswordPolicy", {}).get("MinimumLength", 0) >= 12
    assert pool.get("UsernameAttributes") == ["email"]
    mfa = idp.get_user_pool_mfa_config(UserPoolId=staff_pool.pool_id)
    assert mfa.get("MfaConfiguration") == "ON"
    assert mfa.get("SoftwareTokenMfaConfiguration") == {"Enabled": True}
    groups = idp.list_groups(UserPoolId=staff_pool.pool_id)["Groups"]
    assert sorted(group.get("GroupName", "") for group in groups) == ["admin", "staff"]
    client = idp.describe_user_pool_client(
        UserPoolId=staff_pool.pool_id, ClientId=staff_pool.client_id
    )["UserPoolClient"]
    assert "ClientSecret" not in client
    assert find_staff_pool(TEMPLATE, None) == staff_pool


def test_a_weak_password_is_refused_as_the_policy_says(staff_pool: LocalStaffPool) -> None:
    with pytest.raises(ClientError, match="InvalidPasswordException"):
        create_staff_user(staff_pool, "weak@clinic.example", "short1!", ["staff"])


def test_the_local_staff_member_signs_in_with_password_then_a_totp_code(
    staff_pool: LocalStaffPool,
) -> None:
    staff = create_local_staff(TEMPLATE, None)
    assert staff is not None and staff.email == LOCAL_STAFF_EMAIL
    idp = shared_client("cognito-idp")
    first = idp.initiate_auth(
        ClientId=staff.pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": staff.email, "PASSWORD": staff.password},
    )
    assert first.get("ChallengeName") == "SOFTWARE_TOKEN_MFA"
    user = idp.admin_get_user(UserPoolId=staff.pool.pool_id, Username=staff.email)
    assert user.get("UserMFASettingList") == ["SOFTWARE_TOKEN_MFA"]
    assert user.get("UserStatus") == "CONFIRMED"
    assert sign_in(staff.pool, staff.email, staff.password).id_token.count(".") == 2


def test_a_wrong_password_is_refused(staff_pool: LocalStaffPool) -> None:
    create_staff_user(staff_pool, "desk@clinic.example", local_password(), ["staff"])
    with pytest.raises(ClientError, match="NotAuthorizedException"):
        sign_in(staff_pool, "desk@clinic.example", local_password())


def test_totp_codes_follow_rfc_6238() -> None:
    # RFC 6238's SHA-1 test key, at T = 59 s: 94287082, of which an app shows six digits.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp_code(secret, at=59) == "287082"


def test_sign_out_revokes_the_refresh_token_and_its_access_tokens(
    staff_pool: LocalStaffPool,
) -> None:
    """moto lacks RevokeToken, which the inbox's sign-out calls: the local pool has it."""
    password = local_password()
    create_staff_user(staff_pool, "desk@clinic.example", password, ["staff"])
    kept = sign_in(staff_pool, "desk@clinic.example", password)  # another session: kept
    tokens = sign_in(staff_pool, "desk@clinic.example", password)
    idp = shared_client("cognito-idp")

    idp.revoke_token(Token=tokens.refresh_token, ClientId=staff_pool.client_id)

    with pytest.raises(ClientError, match="NotAuthorizedException"):
        refresh(staff_pool, tokens.refresh_token)
    with pytest.raises(ClientError, match="NotAuthorizedException"):
        idp.get_user(AccessToken=tokens.access_token)
    assert refresh(staff_pool, kept.refresh_token)["AccessToken"]
    assert idp.get_user(AccessToken=kept.access_token)["Username"]
    # Signing out twice is no error; another client's token, or an unknown client, is.
    idp.revoke_token(Token=tokens.refresh_token, ClientId=staff_pool.client_id)
    made = idp.create_user_pool_client(UserPoolId=staff_pool.pool_id, ClientName="other")
    other = made["UserPoolClient"].get("ClientId", "")
    with pytest.raises(ClientError, match="UnauthorizedException"):
        idp.revoke_token(Token=kept.refresh_token, ClientId=other)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        idp.revoke_token(Token=kept.refresh_token, ClientId="unknown")


def refresh(pool: LocalStaffPool, refresh_token: str) -> Any:
    idp = shared_client("cognito-idp")
    answer = idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token},
    )
    return answer["AuthenticationResult"]
