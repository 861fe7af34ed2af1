"""The events each subject answers: the repository's sample events (events/*.json, as
API Gateway sends them), pointed at the fixture clinic and sent through the edge."""

from __future__ import annotations

import base64
import copy
import json
from functools import cache
from typing import Any
from urllib.parse import urlencode

from .world import EDGE_HEADER, ROOT

SLUG = "ketamine-for-anxiety-how-soon-it-helps"
Event = dict[str, Any]


@cache
def _sample(name: str) -> Event:
    return json.loads((ROOT / "events" / f"{name}.json").read_text(encoding="utf-8"))


def http_event(sample: str, path: str | None = None, query: dict[str, str] | None = None) -> Event:
    event = copy.deepcopy(_sample(sample))
    event["headers"] = {**event["headers"], **EDGE_HEADER}
    if path is not None:
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
    if query is not None:
        event["rawQueryString"] = urlencode(query)
        event["queryStringParameters"] = query
    return event


def article(_: int = 0) -> Event:
    event = http_event("get-article", f"/articles/{SLUG}")
    event["pathParameters"] = {"slug": SLUG}
    return event


def content_route(sample: str, path: str, query: dict[str, str] | None = None) -> Event:
    return http_event(sample, path, query)


def _person(run: int) -> dict[str, Any]:
    """A first request from someone new each run (no duplicate, no rate limit in the way)."""
    return {
        "patientStatus": "new",
        "firstName": "Marisol",
        "lastName": f"Quenby-Hart{'a' * (run % 20)}",
        "email": f"marisol.qh+{run}@example.org",
        "phone": "(503) 555-0199",
        "preferredContact": "phone",
        "okToText": True,
        "preferredDays": ["tue", "thu"],
        "preferredTimes": ["morning"],
        "service": "ketamine-consultation",
        "visitFormat": "telehealth",
        "payment": "insurance",
        "insuranceCarrier": "Cascade Mutual",
        "message": "Persistent low mood since spring; my GP suggested asking about ketamine.",
        "sourceArticle": SLUG,
        "consent": True,
    }


def _from(event: Event, run: int) -> Event:
    address = f"198.51.{100 + run // 250 % 100}.{run % 250 + 1}"
    event["requestContext"]["http"]["sourceIp"] = address
    return event


def appointment_json(run: int, idempotency_key: bool = False) -> Event:
    event = _from(http_event("request-appointment"), run)
    headers = {k: v for k, v in event["headers"].items() if k not in ("content-length", "origin")}
    headers.update({"content-type": "application/json", "accept": "application/json"})
    if idempotency_key:
        headers["idempotency-key"] = f"bench-{run}-{id(event)}"
    event["headers"] = headers
    event["body"] = json.dumps(_person(run))
    event["isBase64Encoded"] = False
    return event


def appointment_keyed(run: int) -> Event:
    return appointment_json(run, idempotency_key=True)


def appointment_form(run: int) -> Event:
    """The page's form without JavaScript: urlencoded, base64 as HTTP API delivers it."""
    event = _from(http_event("request-appointment"), run)
    person = _person(run)
    fields: list[tuple[str, str]] = []
    for name, value in person.items():
        values = value if isinstance(value, list) else [value]
        for one in values:
            fields.append((name, "on" if one is True else str(one)))
    event["body"] = base64.b64encode(urlencode(fields).encode()).decode()
    event.pop("headers", None)
    event["headers"] = {
        "content-type": "application/x-www-form-urlencoded",
        "accept": "text/html",
        "host": "abc123.execute-api.us-east-1.amazonaws.com",
        **EDGE_HEADER,
    }
    return event


def staff_list(_: int = 0) -> Event:
    return http_event("list-requests")


def staff_get(reference: str) -> Event:
    event = http_event("get-request", f"/staff/requests/{reference}")
    event["pathParameters"] = {"reference": reference}
    return event


def stream_insert(request_id: str) -> Event:
    """A DynamoDB Streams batch (KEYS_ONLY) of one new request, as Lambda delivers it."""
    record = {
        "eventID": "event-1",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1795860000,
            "Keys": {"id": {"S": request_id}},
            "SequenceNumber": "1000",
            "SizeBytes": 50,
            "StreamViewType": "KEYS_ONLY",
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
    }
    return {"Records": [record]}
