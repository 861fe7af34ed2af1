"""StaffFunction's routes: the inbox API (declared in `routes`). HTTP in, HTTP out.

Behind the JWT authorizer; the caller must be in `staff` or `admin`. Every
read of a request's details and every change is written to the audit table
before the answer leaves, and every answer is `no-store`. No patient data in
logs: references, outcomes and field names only.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError

from clinic_api.core import snapstart
from clinic_api.core.aws_errors import DependencyUnavailable
from clinic_api.core.clients import dynamodb_client
from clinic_api.core.edge import edge_secret
from clinic_api.core.identity import client_address, forget_hash_key, hash_key, keyed_hash
from clinic_api.core.prefetch import Warmup
from clinic_api.core.problems import (
    Problem,
    dependency_unavailable,
    foreign_cursor,
    not_found,
)
from clinic_api.core.query import parse_query
from clinic_api.core.resolver import answer_errors, entry_point, http_function
from clinic_api.core.routes import handles
from clinic_api.core.s3_cache import ObjectMissing
from clinic_api.core.site import forget_site
from clinic_api.staff import inbox, routes, view
from clinic_api.staff.audit import Actor, AuditLog
from clinic_api.staff.changes import read_change
from clinic_api.staff.claims import StaffCaller, staff_caller
from clinic_api.staff.requests import RequestNotFound, RequestStore, StaleRequest, etag
from clinic_api.staff.settings import clinic_view, staff_settings

app, logger, metrics = http_function()


@handles(app, routes.LIST_REQUESTS)
def list_requests() -> Response[Any]:
    _caller()
    event = app.current_event
    query = parse_query(event.query_string_parameters, routes.LIST_QUERY, event.raw_query_string)
    clinic = clinic_view()
    try:
        found = inbox.page(
            _store(), query["status"] or "new", query["q"], query["limit"], query["cursor"]
        )
    except inbox.InvalidCursor:
        raise foreign_cursor() from None
    items = [view.summary(request, clinic) for request in found.items]
    logger.info("Inbox listed", extra={"status": query["status"] or "new", "count": len(items)})
    return _json({"items": items, "nextCursor": found.next_cursor, "timeZone": clinic.time_zone})


@handles(app, routes.GET_REQUEST)
def get_request(reference: str) -> Response[Any]:
    actor = _actor(_caller())
    request = _find(reference)
    _audit().record(request["reference"], "read", actor)
    _count("RequestRead")
    return _detail(request)


@handles(app, routes.UPDATE_REQUEST)
def update_request(reference: str) -> Response[Any]:
    caller = _caller()
    event = app.current_event
    if_match = event.headers.get("if-match")
    if not if_match:
        raise Problem(428, "Precondition Required", "Send If-Match with the request's ETag.")
    change = read_change(
        event.body, bool(event.is_base64_encoded), event.headers.get("content-type")
    )
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
        return staff_caller(app.current_event.raw_event)
    except Problem:
        _count("Refused403")
        raise


def _actor(caller: StaffCaller) -> Actor:
    event = app.current_event
    address = client_address(event.headers, event.request_context.http.source_ip)
    return Actor(caller.id, caller.email, keyed_hash("staff-address", address))


def _find(reference: str) -> dict[str, Any]:
    try:
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


def _detail(request: dict[str, Any]) -> Response[Any]:
    return _json(view.detail(request, clinic_view()), {"ETag": etag(request)})


def _json(document: Any, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(
        status_code=200,
        content_type="application/json",
        body=json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=_number),
        headers={"Cache-Control": "no-store", **(headers or {})},
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
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


@app.exception_handler([DependencyUnavailable, ObjectMissing, BotoCoreError, ClientError])
def _unavailable(error: Exception) -> Response[Any]:
    logger.warning("Storage unavailable", extra={"error": type(error).__name__})
    return dependency_unavailable("The inbox is unavailable; please try again.").to_response()


answer_errors(app, logger)

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
lambda_handler = entry_point(app, logger, metrics, warmup)
