"""What is measured: each function's routes, the floors they are measured against, and the
FastAPI + Mangum peer. Every subject is a Lambda handler the child process imports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from . import events
from .events import Event

FLOOR_S3 = "floor-s3"
FLOOR_DYNAMODB = "floor-dynamodb"
FLOOR_SNS = "floor-sns"
CONTENT_GOAL = 1.2
APPOINTMENTS_GOAL = 1.5


@dataclass(frozen=True)
class Subject:
    key: str
    label: str
    function: str  # the template function whose environment it runs with
    handler: str  # module.attribute
    event: Callable[[int], Event]  # run number -> the event
    floor: str | None = None  # the floor it is measured against (None: it is one)
    goal: float | None = None  # at most this many times its floor


@dataclass(frozen=True)
class Seed:
    """A stored request, for the staff routes and the notifier."""

    request_id: str
    reference: str


CONTENT = "clinic_api.content.handler.lambda_handler"
APPOINTMENTS = "clinic_api.appointments.handler.lambda_handler"
STAFF = "clinic_api.staff.handler.lambda_handler"
NOTIFY = "clinic_api.notify.handler.lambda_handler"


def _fixed(event: Callable[[], Event]) -> Callable[[int], Event]:
    return lambda _run: event()


def _content(
    key: str, label: str, event: Callable[[], Event], goal: float | None = None
) -> Subject:
    return Subject(key, label, "ContentFunction", CONTENT, _fixed(event), FLOOR_S3, goal)


def floors() -> list[Subject]:
    return [
        Subject(
            FLOOR_S3,
            "Floor: boto3, one S3 client, GetObject",
            "ContentFunction",
            "floor_s3.lambda_handler",
            events.article,
        ),
        Subject(
            FLOOR_DYNAMODB,
            "Floor: boto3, one DynamoDB client, PutItem",
            "AppointmentsFunction",
            "floor_dynamodb.lambda_handler",
            events.appointment_json,
        ),
        Subject(
            FLOOR_SNS,
            "Floor: boto3, one SNS client, Publish",
            "NotifyFunction",
            "floor_sns.lambda_handler",
            _fixed(partial(events.stream_insert, "floor")),
        ),
    ]


def content() -> list[Subject]:
    route = events.content_route
    return [
        _content("article", "Content GET /articles/{slug}", events.article, CONTENT_GOAL),
        _content("list", "Content GET /articles", partial(route, "list-articles", "/articles", {})),
        _content("site", "Content GET /site", partial(route, "site", "/site")),
        _content("tags", "Content GET /tags", partial(route, "list-tags", "/tags")),
        _content(
            "search",
            "Content GET /search?q=",
            partial(route, "search", "/search", {"q": "ketamine anxiety"}),
        ),
        _content("health", "Content GET /health", partial(route, "health", "/health")),
        Subject(
            "fastapi",
            "FastAPI + Mangum GET /articles/{slug} (peer)",
            "ContentFunction",
            "fastapi_handler.lambda_handler",
            events.article,
            FLOOR_S3,
        ),
    ]


def appointments() -> list[Subject]:
    def subject(key: str, label: str, event: Callable[[int], Event], goal: float | None) -> Subject:
        return Subject(
            key, label, "AppointmentsFunction", APPOINTMENTS, event, FLOOR_DYNAMODB, goal
        )

    return [
        subject(
            "form-json",
            "Appointments POST JSON, no key",
            events.appointment_json,
            APPOINTMENTS_GOAL,
        ),
        subject(
            "form-post", "Appointments POST form (303)", events.appointment_form, APPOINTMENTS_GOAL
        ),
        subject(
            "form-keyed", "Appointments POST JSON + Idempotency-Key", events.appointment_keyed, None
        ),
    ]


def staff_and_notify(seed: Seed) -> list[Subject]:
    return [
        Subject(
            "staff-list",
            "Staff GET /staff/requests",
            "StaffFunction",
            STAFF,
            events.staff_list,
            FLOOR_DYNAMODB,
        ),
        Subject(
            "staff-get",
            "Staff GET /staff/requests/{reference}",
            "StaffFunction",
            STAFF,
            _fixed(partial(events.staff_get, seed.reference)),
            FLOOR_DYNAMODB,
        ),
        Subject(
            "notify",
            "Notify: stream record -> SNS",
            "NotifyFunction",
            NOTIFY,
            _fixed(partial(events.stream_insert, seed.request_id)),
            FLOOR_SNS,
        ),
    ]
