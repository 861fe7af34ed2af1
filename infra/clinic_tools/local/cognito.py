"""The template's staff user pool in moto, and staff users who can sign in to it.

`clinic dev` makes the pool, its app client and its groups from template.yaml's own
resources (password policy, MFA, admin-only sign-up as declared), then a local staff
user with a TOTP authenticator set up, so that signing in goes as it does deployed:
password, then the SOFTWARE_TOKEN_MFA challenge. moto's differences from Cognito
(which codes it accepts, the e-mails it never sends) are in docs/local-development.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from clinic_tools.local.moto_cognito import teach_moto_cognito
from clinic_tools.local.stack import moto_session
from clinic_tools.local.template import (
    REGION,
    USER_POOL,
    USER_POOL_CLIENT,
    USER_POOL_GROUP,
    LocalTemplate,
    Resource,
)

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

LOCAL_STAFF_EMAIL = "staff@clinic.local"
# CreateUserPool's parameters that CloudFormation's AWS::Cognito::UserPool names alike.
_POOL_SETTINGS = (
    "Policies",
    "DeletionProtection",
    "AutoVerifiedAttributes",
    "UsernameAttributes",
    "UsernameConfiguration",
    "MfaConfiguration",
    "AdminCreateUserConfig",
    "AccountRecoverySetting",
    "UserAttributeUpdateSettings",
)
_CLIENT_SETTINGS = (
    "GenerateSecret",
    "ExplicitAuthFlows",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "IdTokenValidity",
    "AccessTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
)
_TOTP_STEP_S = 30


@dataclass(frozen=True)
class LocalStaffPool:
    """Where the local staff pool answers and what its tokens say."""

    pool_id: str
    client_id: str
    region: str
    endpoint: str | None  # moto's URL; None in-process (the unit tests' mock_aws)
    issuer: str  # the `iss` of its tokens: Cognito's own URL, as deployed


@dataclass(frozen=True)
class LocalStaffUser:
    """The staff member `clinic dev` makes, whose sign-in it prints."""

    pool: LocalStaffPool
    email: str
    password: str


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str
    refresh_token: str


def issuer_of(pool_id: str, region: str = REGION) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


@cache
def cognito_client(endpoint: str | None) -> CognitoIdentityProviderClient:
    """A client for moto's Cognito only: fake keys, whatever the shell holds. One per
    endpoint: a new session reads Cognito's service model from disk anew (about 0.1 s)."""
    return moto_session().client("cognito-idp", endpoint_url=endpoint)


def staff_resources(template: LocalTemplate) -> tuple[Resource, Resource] | None:
    """The template's user pool and the app client that belongs to it, if it has them."""
    for pool in template.named(USER_POOL):
        for client in template.named(USER_POOL_CLIENT):
            if client.properties.get("UserPoolId") == pool.name:
                return pool, client
    return None


def pool_ids(template: LocalTemplate, pool: LocalStaffPool) -> dict[str, str]:
    """The template's logical ids of the pool and its client → the ids moto gave them."""
    found = staff_resources(template)
    if found is None:
        return {}
    return {found[0].logical_id: pool.pool_id, found[1].logical_id: pool.client_id}


def create_staff_pool(template: LocalTemplate, endpoint: str | None) -> LocalStaffPool | None:
    """The template's pool, its client and its groups, made in moto with its settings, and
    the RevokeToken moto lacks, which the inbox's sign-out calls."""
    found = staff_resources(template)
    if found is None:
        return None
    teach_moto_cognito()
    pool_resource, client_resource = found
    idp = cognito_client(endpoint)
    settings = _present(pool_resource.properties, _POOL_SETTINGS)
    made: Any = idp.create_user_pool(PoolName=pool_resource.name, **settings)
    pool_id = str(made["UserPool"]["Id"])
    _set_mfa(idp, pool_id, pool_resource.properties)
    client: Any = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=client_resource.name,
        **_present(client_resource.properties, _CLIENT_SETTINGS),
    )
    for group in template.named(USER_POOL_GROUP):
        if group.properties.get("UserPoolId") == pool_resource.name:
            description = str(group.properties.get("Description", ""))
            idp.create_group(GroupName=group.name, UserPoolId=pool_id, Description=description)
    return _local_pool(pool_id, str(client["UserPoolClient"]["ClientId"]), endpoint)


def find_staff_pool(template: LocalTemplate, endpoint: str | None) -> LocalStaffPool | None:
    """The pool `create_staff_pool` made in a running moto, found by the template's names."""
    found = staff_resources(template)
    if found is None:
        return None
    idp = cognito_client(endpoint)
    pools: Any = idp.list_user_pools(MaxResults=60)["UserPools"]
    for pool in pools:
        if pool.get("Name") != found[0].name:
            continue
        clients: Any = idp.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)
        for client in clients["UserPoolClients"]:
            if client.get("ClientName") == found[1].name:
                return _local_pool(str(pool["Id"]), str(client["ClientId"]), endpoint)
    return None


def _local_pool(pool_id: str, client_id: str, endpoint: str | None) -> LocalStaffPool:
    return LocalStaffPool(pool_id, client_id, REGION, endpoint, issuer_of(pool_id))


def create_local_staff(template: LocalTemplate, endpoint: str | None) -> LocalStaffUser | None:
    """The template's pool in moto and the local staff member (group `staff`), if any pool."""
    pool = create_staff_pool(template, endpoint)
    if pool is None:
        return None
    password = local_password()
    create_staff_user(pool, LOCAL_STAFF_EMAIL, password, ["staff"])
    return LocalStaffUser(pool, LOCAL_STAFF_EMAIL, password)


def create_staff_user(
    pool: LocalStaffPool, email: str, password: str, groups: Iterable[str]
) -> None:
    """A confirmed user in `groups`, with a TOTP authenticator set up and preferred."""
    idp = cognito_client(pool.endpoint)
    idp.admin_create_user(
        UserPoolId=pool.pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(
        UserPoolId=pool.pool_id, Username=email, Password=password, Permanent=True
    )
    for group in groups:
        idp.admin_add_user_to_group(UserPoolId=pool.pool_id, Username=email, GroupName=group)
    # Before the authenticator is set up, moto signs in without a challenge (Cognito
    # would ask for MFA_SETUP): the access token it returns sets the authenticator up.
    signed_in: Any = _initiate(idp, pool, email, password)
    access_token = signed_in["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access_token)["SecretCode"]
    idp.verify_software_token(AccessToken=access_token, UserCode=totp_code(secret))
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool.pool_id,
        Username=email,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )


def sign_in(pool: LocalStaffPool, email: str, password: str) -> Tokens:
    """Password, then the SOFTWARE_TOKEN_MFA challenge with a current code: the tokens."""
    idp = cognito_client(pool.endpoint)
    answer: Any = _initiate(idp, pool, email, password)
    if answer.get("ChallengeName") == "SOFTWARE_TOKEN_MFA":
        answer = idp.respond_to_auth_challenge(
            ClientId=pool.client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=answer["Session"],
            ChallengeResponses={
                "USERNAME": email,
                "SOFTWARE_TOKEN_MFA_CODE": totp_code(MOTO_TOTP_SECRET),
            },
        )
    result = answer["AuthenticationResult"]
    return Tokens(result["IdToken"], result["AccessToken"], result["RefreshToken"])


def new_staff_token(pool: LocalStaffPool, groups: Iterable[str]) -> str:
    """An ID token for a new user in `groups` (none: no group), signed in with password and
    TOTP code: what the tests and `make fuzz` send to the routes behind the authorizer."""
    email = f"staff-{secrets.token_hex(5)}@clinic.test"
    password = local_password()
    create_staff_user(pool, email, password, groups)
    return sign_in(pool, email, password).id_token


# moto gives every user this authenticator secret (Cognito makes one per user).
MOTO_TOTP_SECRET = "asdfasdfasdf"  # noqa: S105 (moto's fixed, public value)


def totp_code(secret: str, at: float | None = None) -> str:
    """The 6-digit RFC 6238 code an authenticator app shows for this base32 secret."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // _TOTP_STEP_S)
    digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def local_password() -> str:
    """A fresh password that passes the template's policy (any sensible one)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(16)) + "aA7!"


def _initiate(
    idp: CognitoIdentityProviderClient, pool: LocalStaffPool, email: str, password: str
) -> Any:
    return idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )


def _set_mfa(idp: CognitoIdentityProviderClient, pool_id: str, props: dict[str, Any]) -> None:
    mode = props.get("MfaConfiguration", "OFF")
    if mode not in ("ON", "OPTIONAL"):
        return
    totp = "SOFTWARE_TOKEN_MFA" in (props.get("EnabledMfas") or [])
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": totp},
        MfaConfiguration=mode,
    )


def _present(props: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: props[name] for name in names if name in props}
