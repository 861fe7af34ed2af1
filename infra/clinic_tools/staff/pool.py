"""`clinic staff invite|remove|list`: the administrator's commands for inbox accounts.

Runs with the administrator's own AWS credentials against the stack's staff user
pool: --pool-id, else $CLINIC_STAFF_POOL, else --stack's StaffUserPoolId output;
with AWS_ENDPOINT_URL pointing at `clinic dev`'s moto, the local pool is found by
itself. Exit codes: 0 done, 1 no such account, 2 usage, 3 AWS refused or
unreachable, 5 cancelled.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from clinic_tools.exit_codes import ExitCode
from clinic_tools.stack_outputs import StackError, required_output, stack_outputs

POOL_VARIABLE = "CLINIC_STAFF_POOL"
STAFF_GROUP, ADMIN_GROUP = "staff", "admin"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class NoPool(Exception):
    """No pool named, or the stack has no StaffUserPoolId: a usage error."""


@dataclass(frozen=True)
class StaffAccount:
    email: str
    groups: list[str]
    status: str  # CONFIRMED, FORCE_CHANGE_PASSWORD (invited, not signed in yet), ...
    enabled: bool
    mfa: bool  # an authenticator app is set up
    created: str  # ISO 8601


def email_address(text: str) -> str:
    if not _EMAIL.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError("an e-mail address, like front.desk@clinic.example")
    return text.strip().lower()


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    where = argparse.ArgumentParser(add_help=False)
    pool = where.add_mutually_exclusive_group()
    pool.add_argument("--pool-id", help=f"the staff user pool's id (default: ${POOL_VARIABLE})")
    pool.add_argument("--stack", help="read the pool from this stack's StaffUserPoolId output")
    staff = commands.add_parser(
        "staff", help="invite, remove and list staff accounts of the inbox (administrators)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    actions = staff.add_subparsers(dest="action", required=True)

    invite = actions.add_parser("invite", parents=[where], help="e-mail an invitation")
    invite.add_argument("email", type=email_address)
    invite.add_argument("--admin", action="store_true", help="also in the admin group")
    invite.add_argument("--resend", action="store_true", help="send the invitation again")

    remove = actions.add_parser("remove", parents=[where], help="sign out and delete an account")
    remove.add_argument("email", type=email_address)
    remove.add_argument("--yes", action="store_true", help="do not ask (for scripts)")

    listing = actions.add_parser("list", parents=[where], help="every account, with MFA state")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    staff.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    from clinic_api.core.aws_errors import error_code

    try:
        idp = boto3.client("cognito-idp")
        pool_id = _pool_id(args)
        return {"invite": _invite, "remove": _remove, "list": _list}[args.action](
            idp, pool_id, args
        )
    except NoPool as error:
        _say(str(error))
        return ExitCode.USAGE
    except StackError as error:
        _say(str(error))
        return ExitCode.AWS
    except NoCredentialsError:
        _say("No AWS credentials: set AWS_PROFILE or run `aws configure`.")
        return ExitCode.AWS
    except ClientError as error:
        code = error_code(error)
        if code == "UserNotFoundException":
            _say(f"No staff account {args.email} in the pool.")
            return ExitCode.NOT_FOUND
        _say(_explain(code, error, args))
        return ExitCode.AWS
    except BotoCoreError as error:
        _say(f"Could not reach Cognito: {error}")
        return ExitCode.AWS


def _explain(code: str, error: Exception, args: argparse.Namespace) -> str:
    if code in {"AccessDeniedException", "NotAuthorizedException"}:
        return "Access denied: managing staff needs cognito-idp:Admin* rights on the pool."
    if code == "ResourceNotFoundException":
        return "No such user pool: check --pool-id, $CLINIC_STAFF_POOL or --stack."
    if code == "UnsupportedUserStateException":  # --resend for someone who has signed in
        return f"{args.email} has signed in already: there is no invitation to resend."
    return f"Cognito refused: {error}"


def _pool_id(args: argparse.Namespace) -> str:
    import boto3

    if args.pool_id:
        return str(args.pool_id)
    if args.stack:
        return _stack_pool(boto3.client("cloudformation"), args.stack)
    if os.environ.get(POOL_VARIABLE):
        return os.environ[POOL_VARIABLE]
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        local = _local_pool(endpoint)
        if local:
            return local
    raise NoPool(f"Name the staff pool: --pool-id ID, ${POOL_VARIABLE}, or --stack NAME.")


def _stack_pool(cloudformation: Any, stack: str) -> str:
    (pool,) = required_output(stack_outputs(cloudformation, stack), stack, "StaffUserPoolId")
    return pool


def _local_pool(endpoint: str) -> str | None:
    """`clinic dev`'s pool, found in its moto by the name template.yaml gives it."""
    from clinic_tools.local.cognito import find_staff_pool
    from clinic_tools.local.template import load_template

    template = Path("template.yaml")
    if not template.is_file():
        return None
    pool = find_staff_pool(load_template(template), endpoint)
    return pool.pool_id if pool else None


def _invite(idp: Any, pool_id: str, args: argparse.Namespace) -> int:
    """Cognito e-mails the invitation (the pool's template) with a temporary password."""
    request: dict[str, Any] = {
        "UserPoolId": pool_id,
        "Username": args.email,
        "UserAttributes": [
            {"Name": "email", "Value": args.email},
            {"Name": "email_verified", "Value": "true"},
        ],
        "DesiredDeliveryMediums": ["EMAIL"],
    }
    if args.resend:
        request["MessageAction"] = "RESEND"
    try:
        idp.admin_create_user(**request)
    except idp.exceptions.UsernameExistsException:
        _say(f"{args.email} already has an account (--resend sends the invitation again).")
        return ExitCode.USAGE
    groups = [STAFF_GROUP, ADMIN_GROUP] if args.admin else [STAFF_GROUP]
    for group in groups:
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=args.email, GroupName=group)
    print(f"Invited {args.email} ({', '.join(groups)}): the e-mail holds a temporary password;")
    print("at first sign-in they choose a password and set up an authenticator app.")
    return 0


def _remove(idp: Any, pool_id: str, args: argparse.Namespace) -> int:
    """Signs the account out everywhere first: its refresh tokens stop working at once."""
    idp.admin_get_user(UserPoolId=pool_id, Username=args.email)  # not found: exit 1
    if not args.yes:
        answer = input(f"Type {args.email} to remove this staff account: ")
        if answer.strip().lower() != args.email:
            _say("Nothing removed.")
            return ExitCode.CANCELLED
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username=args.email)
    idp.admin_delete_user(UserPoolId=pool_id, Username=args.email)
    print(f"Removed {args.email}; a token already issued works until it expires (≤ 60 min).")
    return 0


def _list(idp: Any, pool_id: str, args: argparse.Namespace) -> int:
    accounts = [_account(idp, pool_id, user) for user in _users(idp, pool_id)]
    accounts.sort(key=lambda account: account.email)
    if args.format == "json":
        print(json.dumps([asdict(account) for account in accounts], indent=2))
        return 0
    print(f"{'EMAIL':<36} {'GROUPS':<12} {'STATUS':<22} {'MFA':<4} CREATED")
    for account in accounts:
        status = account.status if account.enabled else f"{account.status} (disabled)"
        mfa = "yes" if account.mfa else "no"
        groups = ",".join(account.groups)
        print(f"{account.email:<36} {groups:<12} {status:<22} {mfa:<4} {account.created}")
    return 0


def _users(idp: Any, pool_id: str) -> Iterator[dict[str, Any]]:
    page: dict[str, Any] = {"UserPoolId": pool_id, "Limit": 60}
    while True:
        answer = idp.list_users(**page)
        yield from answer.get("Users", [])
        if not answer.get("PaginationToken"):
            return
        page["PaginationToken"] = answer["PaginationToken"]


def _account(idp: Any, pool_id: str, user: dict[str, Any]) -> StaffAccount:
    username = user["Username"]
    attributes = {item["Name"]: item["Value"] for item in user.get("Attributes", [])}
    groups = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)["Groups"]
    detail = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    created = user.get("UserCreateDate")
    return StaffAccount(
        email=attributes.get("email", username),
        groups=sorted(group["GroupName"] for group in groups),
        status=str(user.get("UserStatus", "")),
        enabled=bool(user.get("Enabled", True)),
        mfa="SOFTWARE_TOKEN_MFA" in (detail.get("UserMFASettingList") or []),
        created=created.isoformat(timespec="seconds") if created else "",
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr)
