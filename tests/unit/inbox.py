"""Calling the StaffFunction as HTTP API does after its JWT authorizer passed the token."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Answer, http_event
from tests.unit.stack import invoke

STAFF = "StaffFunction"
FRONT_DESK = {
    "sub": "0c5d8f1e-6b2a-4f7e-9d3c-2a1b0e9f8d7c",
    "email": "front.desk@clinic.example",
    "cognito:groups": "[staff]",  # as API Gateway passes an array claim
    "token_use": "id",
    "exp": "1795863600",
}
CALLER_ADDRESS = "198.51.100.44"
SEARCH = "/staff/requests/search"


def staff_event(
    method: str,
    reference: str | None = None,
    *,
    claims: dict[str, Any] | None = FRONT_DESK,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    body: Any = None,
    collection: str = "/staff/requests",
) -> dict[str, Any]:
    route = collection + ("/{reference}" if reference is not None else "")
    path = collection + (f"/{reference}" if reference is not None else "")
    event = http_event(
        method,
        path,
        route=route,
        query=query,
        headers=headers,
        path_parameters={"reference": reference} if reference is not None else None,
    )
    event["requestContext"]["http"]["sourceIp"] = CALLER_ADDRESS
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
        event["headers"].setdefault("content-type", "application/json")
    return event


def inbox(query: dict[str, str] | None = None, **kwargs: Any) -> Answer:
    return invoke(STAFF, staff_event("GET", query=query, **kwargs))


def search(body: Any, **kwargs: Any) -> Answer:
    """POST /staff/requests/search: what staff look for, in the body."""
    return invoke(STAFF, staff_event("POST", body=body, collection=SEARCH, **kwargs))


def open_request(reference: str, **kwargs: Any) -> Answer:
    return invoke(STAFF, staff_event("GET", reference, **kwargs))


def change(reference: str, body: Any, if_match: str | None, **kwargs: Any) -> Answer:
    headers = {**kwargs.pop("headers", {}), **({"if-match": if_match} if if_match else {})}
    return invoke(STAFF, staff_event("PATCH", reference, headers=headers, body=body, **kwargs))
