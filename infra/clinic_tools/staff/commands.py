"""`clinic requests list|show|set-status|export|delete`: the staff's command line.

Runs with the staff member's own AWS credentials (the stack's StaffPolicy);
the table comes from --table, or from the stack's outputs with --stack.
"""

from __future__ import annotations

import argparse
import getpass
import heapq
import io
import re
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from clinic_tools.exit_codes import ExitCode
from clinic_tools.staff import STATUSES

# This module's names for the shared table's codes (clinic_tools.exit_codes).
EXIT_NOT_FOUND, EXIT_USAGE, EXIT_AWS = ExitCode.NOT_FOUND, ExitCode.USAGE, ExitCode.AWS
EXIT_STALE, EXIT_CANCELLED = ExitCode.STALE, ExitCode.CANCELLED
_DURATION = re.compile(r"(\d+)([hdw])")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def since(text: str) -> str:
    """`7d`, `12h`, `2w` ago, or a date (`2026-11-01`), as a createdAt to compare with."""
    match = _DURATION.fullmatch(text.strip())
    try:
        moment = (
            datetime.now(UTC) - timedelta(**{_UNITS[match[2]]: int(match[1])})
            if match
            else datetime.fromisoformat(text).replace(tzinfo=UTC)
        )
    except ValueError:
        raise argparse.ArgumentTypeError("use 7d, 12h, 2w or a date like 2026-11-01") from None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number from 1")
    return int(text)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    where = argparse.ArgumentParser(add_help=False)
    table = where.add_mutually_exclusive_group(required=True)
    table.add_argument("--table", help="the requests table's name")
    table.add_argument("--stack", help="read the table from this stack's RequestsTableName output")
    where.add_argument(
        "--content", type=Path, default=Path("content"), help="for site.yaml's phone region"
    )
    where.add_argument("--phone-region", help="e.g. US; default: phoneRegion in site.yaml")
    requests = commands.add_parser(
        "requests", help="work the appointment requests (staff)", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    actions = requests.add_subparsers(dest="action", required=True)

    listing = actions.add_parser("list", parents=[where], help="newest first, by status")
    listing.add_argument("--status", choices=(*STATUSES, "all"), default="new", help="default: new")
    listing.add_argument("--since", type=since, help="7d, 12h, 2w or a date")
    listing.add_argument("--limit", type=positive, default=50, help="at most (default: 50)")
    listing.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="default: table"
    )

    show = actions.add_parser("show", parents=[where], help="one request in full, with history")
    show.add_argument("request", metavar="ID_OR_REFERENCE")

    change = actions.add_parser("set-status", parents=[where], help="record what happened")
    change.add_argument("request", metavar="ID_OR_REFERENCE")
    change.add_argument("status", choices=STATUSES)
    change.add_argument("--note", help="what happened, for the history")
    change.add_argument("--by", help="who, for the history (default: your user name)")

    export = actions.add_parser("export", parents=[where], help="CSV to standard output")
    export.add_argument("--status", choices=(*STATUSES, "all"), default="all", help="default: all")
    export.add_argument("--since", type=since, help="7d, 12h, 2w or a date")

    delete = actions.add_parser("delete", parents=[where], help="forget a request (asks first)")
    delete.add_argument("request", metavar="ID_OR_REFERENCE")
    delete.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    requests.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    from clinic_tools.staff.table import RequestNotFound, StaleRequest

    try:
        return _ACTIONS[args.action](args)
    except RequestNotFound:
        _say(f"No request {args.request} in {args.table or args.stack}.")
        return EXIT_NOT_FOUND
    except StaleRequest as stale:
        _say(f"Someone changed it meanwhile: it is now {stale.current!r}. Run show, then retry.")
        return EXIT_STALE
    except StackWithoutTable:
        _say(f"Stack {args.stack!r} has no RequestsTableName output: is it this project's stack?")
        return EXIT_AWS
    except MissingPhoneRegion:
        _say(f"No {args.content / 'site.yaml'} for the clinic's phone region: run from the project")
        _say("folder, or pass --content DIR or --phone-region (e.g. US).")
        return EXIT_USAGE
    except BrokenPipeError:  # `| head` closed the pipe: what was wanted was written
        return 0
    except NoCredentialsError:
        _say("No AWS credentials: set AWS_PROFILE (or run `aws configure`) and retry.")
        return EXIT_AWS
    except ClientError as error:
        _say(_explain(error, args))
        return EXIT_AWS
    except BotoCoreError as error:
        _say(f"Could not reach AWS: {error}")
        return EXIT_AWS


def _explain(error: Any, args: argparse.Namespace) -> str:
    from clinic_api.core.aws_errors import error_code

    code = error_code(error)
    if code == "ResourceNotFoundException":
        return f"No table {args.table!r} in this account and region (check --table and AWS_REGION)."
    if code in {"AccessDeniedException", "AccessDenied", "UnrecognizedClientException"}:
        return "Access denied: ask for the stack's StaffPolicy to be attached to your user or role."
    if code == "ValidationError" and args.stack:
        return f"No stack {args.stack!r} in this account and region."
    return f"AWS refused: {code or error}"


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _table(args: argparse.Namespace) -> Any:
    import boto3

    from clinic_tools.staff.table import RequestTable

    name = args.table or _stack_table(boto3.client("cloudformation"), args.stack)
    args.table = name
    return RequestTable(boto3.client("dynamodb"), name)


class StackWithoutTable(Exception):
    pass


def _stack_table(cloudformation: Any, stack: str) -> str:
    (described,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    outputs = {item["OutputKey"]: item["OutputValue"] for item in described.get("Outputs", [])}
    if "RequestsTableName" not in outputs:
        raise StackWithoutTable(stack)
    return outputs["RequestsTableName"]


class MissingPhoneRegion(Exception):
    pass


def _region(args: argparse.Namespace) -> str:
    """The clinic's phone region: --phone-region, else content/site.yaml (its one source)."""
    import yaml

    if args.phone_region:
        return str(args.phone_region).upper()
    site = args.content / "site.yaml"
    if not site.is_file():
        raise MissingPhoneRegion
    return str(yaml.safe_load(site.read_text(encoding="utf-8"))["phoneRegion"])


def _requests(table: Any, status: str, after: str | None) -> Iterator[dict[str, Any]]:
    statuses = STATUSES if status == "all" else (status,)
    streams = [table.newest(each, after) for each in statuses]
    return heapq.merge(*streams, key=lambda request: request["createdAt"], reverse=True)


def _list(args: argparse.Namespace) -> int:
    from itertools import islice

    from clinic_tools.staff import render

    rows = islice(_requests(_table(args), args.status, args.since), args.limit)
    if args.format == "csv":
        render.write_csv(rows, sys.stdout, _region(args))
    elif args.format == "json":
        render.write_json(rows, sys.stdout)
    elif render.write_table(rows, sys.stdout) == 0:
        _say(f"No {args.status} requests.")
    return 0


def _show(args: argparse.Namespace) -> int:
    from clinic_tools.staff import render

    render.write_request(_table(args).find(args.request), sys.stdout, _region(args))
    return 0


def _set_status(args: argparse.Namespace) -> int:
    table = _table(args)
    request = table.find(args.request)
    if request["status"] == args.status:
        _say(f"{request['reference']} is already {args.status}; nothing changed.")
        return 0
    table.set_status(request, args.status, args.by or _user(), args.note)
    print(f"{request['reference']}: {request['status']} -> {args.status}")
    return 0


def _user() -> str:
    try:
        return getpass.getuser()
    except OSError:  # a container with no user name
        return "staff"


def _export(args: argparse.Namespace) -> int:
    from clinic_tools.staff import render

    if isinstance(sys.stdout, io.TextIOWrapper):  # CSV: UTF-8, its own line endings
        sys.stdout.reconfigure(encoding="utf-8", newline="")
    count = render.write_csv(
        _requests(_table(args), args.status, args.since), sys.stdout, _region(args)
    )
    _say(f"exported {count} request{'s' if count != 1 else ''}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    table = _table(args)
    request = table.find(args.request)
    reference = request["reference"]
    if not args.yes:
        _say(
            f"Delete request {reference} ({request['createdAt']})? It is gone from the table at"
            " once; point-in-time recovery backups keep it for up to 35 days."
        )
        try:
            answer = input(f"Type {reference} to delete it: ")
        except EOFError:
            answer = ""
        if answer.strip().upper() != reference:
            _say("Cancelled; nothing was deleted.")
            return EXIT_CANCELLED
    table.delete(request["id"])
    print(f"deleted {reference}")
    return 0


_ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {
    "list": _list,
    "show": _show,
    "set-status": _set_status,
    "export": _export,
    "delete": _delete,
}
