"""StaffFunction's routes: the inbox API (declared in `routes`). HTTP in, HTTP out.

Behind the JWT authorizer; the caller must be in `staff` or `admin`. Every
read of a request's details and every change is written to the audit table
before the answer leaves, and every answer is `no-store`. No patient data in
logs: references, outcomes and field names only.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from clinic_api.core import snapstart
from clinic_api.core.aws_errors import DependencyUnavailable, failure
from clinic_api.core.clients import dynamodb_client
from clinic_api.core.edge import edge_secret
from clinic_api.core.http import Response
from clinic_api.core.identity import client_address, forget_hash_key, hash_key, keyed_hash
from clinic_api.core.prefetch import Warmup
from clinic_api.core.problems import (
    FieldError,
    Problem,
    dependency_unavailable,
    foreign_cursor,
    invalid_input,
    not_found,
)
from clinic_api.core.query import parse_query
from clinic_api.core.reference import is_reference
from clinic_api.core.resolver import HttpFunction
from clinic_api.core.s3_cache import ObjectMissing
from clinic_api.core.site import forget_site
from clinic_api.staff import inbox, routes, view
from clinic_api.staff.audit import Actor, AuditLog
from clinic_api.staff.changes import read_change
from clinic_api.staff.claims import StaffCaller, staff_caller
from clinic_api.staff.requests import RequestNotFound, RequestStore, StaleRequest, etag
from clinic_api.staff.searches import read_search
from clinic_api.staff.settings import clinic_view, staff_settings

app = HttpFunction()
logger, counts = app.logger, app.counts


@app.handles(routes.LIST_REQUESTS)
def list_requests() -> Response:
    _caller()
    request = app.request
    if "q" in (request.query or {}):  # an old client's search: its words are in the URL
        raise invalid_input(
            [FieldError("q", "not_here", "search with POST /staff/requests/search")]
        )
    query = parse_query(request.query, routes.LIST_QUERY, request.raw_query)
    return _page(query["status"] or "new", None, query["limit"], query["cursor"])


@app.handles(routes.SEARCH_REQUESTS)
def search_requests() -> Response:
    _caller()
    sent = app.request
    search = read_search(sent.body, sent.is_base64_encoded, sent.headers.get("content-type"))
    return _page(search.status, search.q, search.limit, search.cursor)


def _page(status: str, q: str | None, limit: int, cursor: str | None) -> Response:
    clinic = clinic_view()
    try:
        found = inbox.page(_store(), status, q, limit, cursor)
    except inbox.InvalidCursor:
        raise foreign_cursor() from None
    items = [view.summary(request, clinic) for request in found.items]
    logger.info(
        "Inbox listed", extra={"status": status, "searched": q is not None, "count": len(items)}
    )
    return _json({"items": items, "nextCursor": found.next_cursor, "timeZone": clinic.time_zone})


@app.handles(routes.GET_REQUEST)
def get_request(reference: str) -> Response:
    actor = _actor(_caller())
    request = _find(reference)
    _audit().record(request["reference"], "read", actor)
    _count("RequestRead")
    return _detail(request)


@app.handles(routes.UPDATE_REQUEST)
def update_request(reference: str) -> Response:
    caller = _caller()
    sent = app.request
    if_match = sent.headers.get("if-match")
    if not if_match:
        raise Problem(428, "Precondition Required", "Send If-Match with the request's ETag.")
    change = read_change(sent.body, sent.is_base64_encoded, sent.headers.get("content-type"))
    request = _find(reference)
    if not _matches(if_match, request):
        raise _stale(request)
    fields = change.fields(request)
    actor = _actor(caller)
    if not fields:  # nothing to change: the request as it is, and that it was read
        _audit().record(request["reference"], "read", actor)
        return _detail(request)
    try:
        updated = _store().update(request, change, caller.email or caller.id)
    except StaleRequest as stale:
        raise _stale(stale.current) from None
    _audit().record(request["reference"], "update", actor, fields)
    logger.info("Request updated", extra={"reference": request["reference"], "fields": fields})
    _count("RequestUpdated")
    return _detail(updated)


def _caller() -> StaffCaller:
    try:
        return staff_caller(app.request.event)
    except Problem:
        _count("Refused403")
        raise


# The path's reference as the document declares it (is_reference also takes spaces and
# more dashes, as the inbox's search does for a reference read out over the phone).
_REFERENCE = re.compile(routes.REFERENCE.pattern)


def _actor(caller: StaffCaller) -> Actor:
    sent = app.request
    address = client_address(sent.headers, sent.source_ip)
    return Actor(caller.id, caller.email, keyed_hash("staff-address", address))


def _find(reference: str) -> dict[str, Any]:
    """The request a reference names: the path takes references only (an id, which receipts
    and cursors carry, is no key to it here, nor a 3,000-letter path DynamoDB's to refuse)."""
    try:
        if not _REFERENCE.fullmatch(reference) or not is_reference(reference):
            raise RequestNotFound(reference)
        return _store().find(reference)
    except RequestNotFound:
        raise not_found("No request has this reference.") from None


def _matches(if_match: str, request: dict[str, Any]) -> bool:
    """RFC 9110 If-Match: `*`, or one of the listed ETags, compared strongly."""
    tags = [tag.strip() for tag in if_match.split(",")]
    return "*" in tags or etag(request) in tags


def _stale(current: dict[str, Any]) -> Problem:
    _count("Refused412")
    return Problem(
        412,
        "Precondition Failed",
        "The request was changed meanwhile: read it again, then retry.",
        headers={"ETag": etag(current)},
    )


def _detail(request: dict[str, Any]) -> Response:
    return _json(view.detail(request, clinic_view()), {"ETag": etag(request)})


def _json(document: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        200,
        json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=_number),
        "application/json",
        {"Cache-Control": "no-store", **(headers or {})},
    )


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):  # DynamoDB's numbers
        return int(value) if value == int(value) else float(value)
    raise TypeError(type(value).__name__)


@cache
def _store() -> RequestStore:
    return RequestStore(dynamodb_client(), staff_settings().requests_table)


@cache
def _audit() -> AuditLog:
    return AuditLog(dynamodb_client(), staff_settings().audit_table)


def _count(name: str) -> None:
    counts.add(name)


@app.answers(DependencyUnavailable, ObjectMissing, BotoCoreError, ClientError)
def _unavailable(error: Exception) -> Response:
    logger.warning("Storage unavailable", extra=failure(error))
    return dependency_unavailable("The inbox is unavailable; please try again.").to_response()


# What a restored SnapStart container reads again in the background (not at an on-demand
# init: nothing is left to import after this module to overlap the reads with).
warmup = Warmup(edge_secret, hash_key, clinic_view, dynamodb_client, at_init=False)


def before_snapshot() -> None:
    """SnapStart: the snapshot carries site.json as staff see it."""
    warmup.wait()
    clinic_view()


def after_restore() -> None:
    """SnapStart: this container's own clients and secrets; site.json read again."""
    snapstart.forget_per_environment_state(edge_secret.cache_clear, forget_hash_key, forget_site)
    warmup.restart()


snapstart.register(before_snapshot, after_restore)
lambda_handler = app.entry_point(warmup)
