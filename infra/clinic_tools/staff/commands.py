"""`clinic requests list|show|note|assign|set-status|export|delete|audit`: the staff's command line.

Runs with the staff member's own AWS credentials (the stack's StaffPolicy). The
tables come from --table/--stack, else CLINIC_REQUESTS_TABLE and
CLINIC_AUDIT_TABLE, else (with AWS_ENDPOINT_URL) the local stack's, else the
stack in samconfig.toml. show, export, delete and every change are audited.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import heapq
import io
import re
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_tools.exit_codes import ExitCode
from clinic_tools.staff import STATUSES

if TYPE_CHECKING:
    from clinic_api.staff.audit import Actor, AuditLog
    from clinic_api.staff.requests import Change, RequestStore
    from clinic_api.staff.view import ClinicView
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
    from clinic_api.core.timestamps import iso

    return iso(moment)


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number from 1")
    return int(text)


def _where() -> argparse.ArgumentParser:
    where = argparse.ArgumentParser(add_help=False)
    table = where.add_mutually_exclusive_group()
    table.add_argument("--table", help="the requests table (default: see below)")
    table.add_argument("--stack", help="read the tables from this stack's outputs")
    where.add_argument("--audit-table", help="the audit table (default: as the requests table)")
    where.add_argument(
        "--content", type=Path, default=Path("content"), help="for site.yaml's settings"
    )
    where.add_argument("--phone-region", help="e.g. US; default: phoneRegion in site.yaml")
    where.add_argument("--by", help="who you are, for history and audit (default: user name)")
    return where


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    where = _where()
    requests = commands.add_parser(
        "requests", help="work the appointment requests (staff)", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    actions = requests.add_subparsers(dest="action", required=True)

    def action(name: str, help: str, *arguments: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, parents=[where], help=help)
        for argument in arguments:
            parser.add_argument(argument, metavar=argument.upper())
        return parser

    listing = action("list", "newest first, by status: phone, local time, service")
    listing.add_argument("--status", choices=(*STATUSES, "all"), default="new", help="default: new")
    listing.add_argument("--since", type=since, help="7d, 12h, 2w or a date")
    listing.add_argument("--limit", type=positive, default=50, help="at most (default: 50)")
    listing.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="default: table; csv has the table's columns (the whole requests: export)",
    )
    show = action("show", "one request in full, with its history (audited)", "reference")
    show.add_argument("--raw", action="store_true", help="every stored attribute, internals too")
    action("note", "add a note to the history, status unchanged", "reference", "text")
    assign = action("assign", "name who works the request", "reference")
    who = assign.add_mutually_exclusive_group(required=True)
    who.add_argument("name", nargs="?", help="the person")
    who.add_argument("--unassign", action="store_true", help="nobody works it now")
    change = action("set-status", "record what happened", "reference")
    change.add_argument("status", choices=STATUSES)
    change.add_argument("--note", help="what happened, for the history")
    export = action("export", "CSV to standard output (audited)")
    export.add_argument("--status", choices=(*STATUSES, "all"), default="all", help="default: all")
    export.add_argument("--since", type=since, help="7d, 12h, 2w or a date")
    delete = action("delete", "forget a request (asks first; audited)", "reference")
    delete.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    action("audit", "who read or changed a request, oldest first", "reference")
    requests.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    from clinic_api.staff.requests import RequestNotFound, StaleRequest
    from clinic_tools.stack_outputs import StackError
    from clinic_tools.staff.tables import NoTable

    try:
        return _ACTIONS[args.action](Session(args))
    except RequestNotFound:
        _say(f"No request {args.reference} in {args.table or args.stack}.")
        return ExitCode.NOT_FOUND
    except StaleRequest as stale:
        now = stale.current["status"]
        _say(f"Someone changed it meanwhile: it is now {now!r}. Run show, then retry.")
        return ExitCode.STALE
    except StackError as error:
        _say(str(error))
        return ExitCode.AWS
    except NoTable as missing:
        _say(f"Which table? Pass --table or --stack, set {missing.kind}, or run from the")
        _say("project folder (samconfig.toml names the stack).")
        return ExitCode.USAGE
    except MissingPhoneRegion:
        _say(f"No {args.content / 'site.yaml'} for the clinic's phone region: run from the project")
        _say("folder, or pass --content DIR or --phone-region (e.g. US).")
        return ExitCode.USAGE
    except BrokenPipeError:  # `| head` closed the pipe: what was wanted was written
        return 0
    except NoCredentialsError:
        _say("No AWS credentials: set AWS_PROFILE (or run `aws configure`) and retry.")
        return ExitCode.AWS
    except ClientError as error:
        _say(_explain(error, args))
        return ExitCode.AWS
    except BotoCoreError as error:
        _say(f"Could not reach AWS: {error}")
        return ExitCode.AWS


def _explain(error: Any, args: argparse.Namespace) -> str:
    from clinic_api.core.aws_errors import error_code

    code = error_code(error)
    if code == "ResourceNotFoundException":
        return f"No table {args.table!r} in this account and region (check --table and AWS_REGION)."
    if code in {"AccessDeniedException", "AccessDenied", "UnrecognizedClientException"}:
        return "Access denied: ask for the stack's StaffPolicy to be attached to your user or role."
    return f"AWS refused: {code or error}"


def _say(message: str) -> None:
    print(message, file=sys.stderr)


class MissingPhoneRegion(Exception):
    pass


class Session:
    """One command's tables, clinic settings and actor, each found when first needed."""

    def __init__(self, args: argparse.Namespace) -> None:
        import boto3

        from clinic_tools.staff.tables import TableFinder

        self.args = args
        self._boto3 = boto3
        self._finder = TableFinder(lambda: boto3.client("cloudformation"), lambda: self._dynamodb)

    @functools.cached_property
    def _dynamodb(self) -> Any:
        """One DynamoDB client for the command's finder, store and audit log (each costs
        tens of milliseconds to make)."""
        return self._boto3.client("dynamodb")

    def store(self) -> RequestStore:
        from clinic_api.staff.requests import RequestStore
        from clinic_tools.staff.tables import REQUESTS

        args = self.args
        args.table = self._finder.find(REQUESTS, args.table, args.stack)
        return RequestStore(self._dynamodb, args.table)

    def audit(self) -> AuditLog:
        from clinic_api.staff.audit import AuditLog
        from clinic_tools.staff.tables import AUDIT

        name = self._finder.find(AUDIT, self.args.audit_table, self.args.stack)
        return AuditLog(self._dynamodb, name)

    def actor(self) -> Actor:
        """The caller's IAM identity (its ARN), and the name they give or log in with."""
        from clinic_api.staff.audit import Actor

        arn = self._boto3.client("sts").get_caller_identity()["Arn"]
        return Actor(arn, self.by())

    def by(self) -> str:
        return self.args.by or _user()

    def clinic(self) -> ClinicView:
        """Service labels, phone region and time zone: content/site.yaml, their one source;
        providers' names: content/authors.yaml."""
        import yaml

        from clinic_api.staff.view import ClinicView

        site_yaml = self.args.content / "site.yaml"
        site = yaml.safe_load(site_yaml.read_text(encoding="utf-8")) if site_yaml.is_file() else {}
        region = self.args.phone_region or site.get("phoneRegion")
        if not region:
            raise MissingPhoneRegion
        authors_yaml = self.args.content / "authors.yaml"
        authors = (
            yaml.safe_load(authors_yaml.read_text(encoding="utf-8"))
            if authors_yaml.is_file()
            else {}
        )
        providers = [
            {"slug": str(key), "name": str(person["name"])}
            for key, person in (authors or {}).items()
            if isinstance(person, dict) and person.get("name")
        ]
        site = {"services": [], **site, "phoneRegion": str(region).upper(), "providers": providers}
        return ClinicView.parse(site)


def _user() -> str:
    try:
        return getpass.getuser()
    except OSError:  # a container with no user name
        return "staff"


def _requests(store: RequestStore, status: str, after: str | None) -> Iterator[dict[str, Any]]:
    statuses = STATUSES if status == "all" else (status,)
    streams = [store.newest(each, after) for each in statuses]
    return heapq.merge(*streams, key=lambda request: request["createdAt"], reverse=True)


def _list(session: Session) -> int:
    from itertools import islice

    from clinic_tools.staff import render

    args = session.args
    clinic = session.clinic()
    rows = islice(_requests(session.store(), args.status, args.since), args.limit)
    if args.format == "csv":
        render.write_list_csv(rows, sys.stdout, clinic)
    elif args.format == "json":
        render.write_json(rows, sys.stdout, clinic)
    elif render.write_table(rows, sys.stdout, clinic) == 0:
        _say(f"No {args.status} requests.")
    return 0


def _show(session: Session) -> int:
    from clinic_tools.staff import render

    request = session.store().find(session.args.reference)
    session.audit().record(request["reference"], "read", session.actor())
    if session.args.raw:
        render.write_raw(request, sys.stdout)
    else:
        render.write_request(request, sys.stdout, session.clinic())
    return 0


def _note(session: Session) -> int:
    from clinic_api.staff.requests import Change

    return _change(session, Change(note=session.args.text), "note added")


def _assign(session: Session) -> int:
    from clinic_api.staff.requests import Change

    name = None if session.args.unassign else session.args.name
    return _change(session, Change(assignee=name), f"assigned to {name}" if name else "unassigned")


def _set_status(session: Session) -> int:
    from clinic_api.staff.requests import Change

    change = Change(status=session.args.status, note=session.args.note)
    return _change(session, change, None)


def _change(session: Session, change: Change, said: str | None) -> int:
    """Make one change, conditional on the copy just read; audited with the fields' names."""
    store = session.store()
    request = store.find(session.args.reference)
    reference = request["reference"]
    fields = change.fields(request)
    if not fields:
        _say(f"{reference} is already so; nothing changed.")
        return 0
    audit, actor = session.audit(), session.actor()
    store.update(request, change, session.by())
    audit.record(reference, "update", actor, fields)
    if "status" in fields:
        print(f"{reference}: {request['status']} -> {change.status}")
    if said:
        print(f"{reference}: {said}")
    return 0


def _export(session: Session) -> int:
    from clinic_tools.staff import render

    args = session.args
    if isinstance(sys.stdout, io.TextIOWrapper):  # CSV: UTF-8, its own line endings
        sys.stdout.reconfigure(encoding="utf-8", newline="")
    region = session.clinic().phone_region
    audit, actor = session.audit(), session.actor()

    def audited(requests: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for request in requests:
            audit.record(request["reference"], "export", actor)
            yield request

    count = render.write_csv(
        audited(_requests(session.store(), args.status, args.since)), sys.stdout, region
    )
    _say(f"exported {count} request{'s' if count != 1 else ''}")
    return 0


def _delete(session: Session) -> int:
    store = session.store()
    request = store.find(session.args.reference)
    reference = request["reference"]
    if not session.args.yes and not _confirmed(request):
        _say("Cancelled; nothing was deleted.")
        return ExitCode.CANCELLED
    session.audit().record(reference, "delete", session.actor())  # first: never unrecorded
    store.delete(request["id"])
    print(f"deleted {reference}")
    return 0


def _confirmed(request: dict[str, Any]) -> bool:
    reference = request["reference"]
    _say(
        f"Delete request {reference} ({request['createdAt']})? It is gone from the table at"
        " once; point-in-time recovery backups keep it for up to 35 days."
    )
    try:
        answer = input(f"Type {reference} to delete it: ")
    except EOFError:
        answer = ""
    return answer.strip().upper() == reference


def _audit(session: Session) -> int:
    from clinic_api.core.reference import is_reference, normalise_reference
    from clinic_tools.staff import render

    given = session.args.reference
    # A deleted request's trail is read by its reference alone.
    reference = normalise_reference(given) if is_reference(given) else None
    if reference is None:
        reference = session.store().find(given)["reference"]
    records = session.audit().trail(reference)
    if render.write_trail(records, sys.stdout, session.clinic().time_zone) == 0:
        _say(f"No audit records for {reference}.")
    return 0


_ACTIONS: dict[str, Callable[[Session], int]] = {
    "list": _list,
    "show": _show,
    "note": _note,
    "assign": _assign,
    "set-status": _set_status,
    "export": _export,
    "delete": _delete,
    "audit": _audit,
}
