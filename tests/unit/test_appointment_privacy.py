"""Patient data never reaches logs, metrics, error bodies or redirect URLs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.unit.stack import VALID, Stack, post, post_form, post_json

TRACKING = "spring-campaign-xq7"  # a form's tracking field, ignored
SUBMIT = "Send my request xq7"  # a form's named submit button, ignored
SECRETS = [
    VALID["firstName"],
    VALID["lastName"],
    VALID["email"],
    "marisol.qh",
    "5550199",
    "+15035550199",
    VALID["message"],
    "low mood",
    VALID["insuranceCarrier"],
    "198.51.100.7",  # the client address
    "203.0.113.9",  # another client's address
    TRACKING,
    SUBMIT,
    "Ñúñez",  # sent in latin-1 and in multipart
]
OTHER_CLIENT = "203.0.113.9"
JSON = {"accept": "application/json"}
BOUNDARY = "xq7-boundary"


@contextmanager
def captured(logger: Any) -> Iterator[io.StringIO]:
    """Everything a function's logger writes, at its most talkative (DEBUG)."""
    written = io.StringIO()
    handlers = [
        handler
        for handler in logging.getLogger(logger.name).handlers
        if isinstance(handler, logging.StreamHandler)
    ]
    assert handlers
    # Swapped by hand: setStream() flushes the old stream first, and the stream the logger
    # took at import may be an earlier test's captured stdout, closed by now.
    streams = [handler.stream for handler in handlers]
    for handler in handlers:
        handler.stream = written
    previous = logger.log_level
    logger.setLevel(logging.DEBUG)
    yield written
    logger.setLevel(previous)
    for handler, stream in zip(handlers, streams, strict=True):
        handler.stream = stream


@pytest.fixture
def function_log() -> Iterator[io.StringIO]:
    from clinic_api.appointments.handler import logger

    with captured(logger) as written:
        yield written


def every_outcome() -> list[Any]:
    form = {key: value for key, value in VALID.items() if isinstance(value, str)}
    key = {"idempotency-key": "privacy-check-1"}
    return [
        post_json(VALID),  # stored
        post_json(VALID),  # stored as a duplicate
        post_json(VALID, headers=key),
        post_json(VALID, headers=key),  # idempotent replay
        post_json({**VALID, "message": "other"}, headers=key),  # key reused
        post_json({**VALID, "email": VALID["firstName"] + "@"}),  # invalid e-mail
        post_json({**VALID, "phone": VALID["message"]}),  # invalid phone
        post_json({**VALID, "lastName": VALID["email"]}),  # invalid name
        post_json({**VALID, VALID["email"]: VALID["lastName"]}),  # unknown field
        post_json({**VALID, "website": VALID["firstName"]}),  # honeypot
        post_form({**form, "consent": "on"}),  # form: thank-you redirect
        post_form({**form, "email": "broken " + VALID["lastName"]}),  # form: error redirect
        post_json({**VALID, "message": "x" * 20_000 + VALID["firstName"]}),  # too large
        post_json({**VALID, "service": "other"}),
        post_json({**VALID, "provider": VALID["lastName"]}),  # not a provider: never echoed
        post_form({**form, "provider": VALID["email"]}),  # form: error redirect names the field
        *inputs_found_by_hand(form),
        post_json(VALID),  # rate-limited by now
    ]


def inputs_found_by_hand(form: dict[str, str]) -> list[Any]:
    """Surrogates, other charsets, ignored form fields, multipart: from another client."""
    other: dict[str, Any] = {"source_ip": OTHER_CLIENT}
    tracked = [*form.items(), ("consent", "on"), ("utm_campaign", TRACKING)]
    latin = json.dumps({**VALID, "firstName": "Zoë", "lastName": "Ñúñez"}, ensure_ascii=False)
    parts = [*form.items(), ("consent", "on"), ("firstName", "Zoë"), ("lastName", "Ñúñez")]
    multipart = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in parts
    )
    return [
        post_json({**VALID, "message": VALID["message"] + "\ud800"}, **other),  # invalid_text
        post_json({**VALID, "lastName": "\udfff" + VALID["lastName"]}, **other),
        post_form([*tracked, ("send", SUBMIT)], **other),  # ignored fields: stored
        post_form([*tracked, ("email", "broken " + VALID["email"])], **other),
        post(latin.encode("iso-8859-1"), "application/json; charset=iso-8859-1", **other),
        post(latin, "application/json; charset=x-" + VALID["lastName"], **other),  # 415
        post(
            multipart + f"--{BOUNDARY}--\r\n", f"multipart/form-data; boundary={BOUNDARY}", **other
        ),
        post(multipart, f"multipart/form-data; boundary={BOUNDARY}", headers=JSON, **other),  # 400
        post(b"", None),  # 415
    ]


def test_no_submitted_value_reaches_logs_metrics_answers_or_urls(
    stack: Stack,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    function_log: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    # Every submission takes a rate slot, valid or not: room for every outcome but the
    # last (16 from 198.51.100.7, 8 from the other client), which is then rate-limited.
    monkeypatch.setenv("RATE_LIMIT_MAX", "15")
    answers = every_outcome()
    assert {answer.status for answer in answers} >= {201, 303, 400, 413, 415, 422, 429}
    output = capfd.readouterr()  # metrics (EMF) and anything printed
    written = function_log.getvalue() + output.out + output.err + caplog.text
    assert "Appointment request stored" in written  # the logs are really captured
    exposed = " ".join(answer.body + str(answer.headers) for answer in answers)
    for secret in SECRETS:
        assert secret not in written, f"{secret!r} reached a log or metric"
        assert secret not in exposed, f"{secret!r} reached an answer or a URL"


def test_logs_name_the_failing_fields_and_codes_only(
    stack: Stack, function_log: io.StringIO
) -> None:
    post_json({**VALID, "email": "nope", "phone": "12"})
    log = function_log.getvalue()
    assert "email:invalid_email" in log
    assert "phone:invalid_phone" in log
    assert "nope" not in log


def staff_outcomes(reference: str) -> list[Any]:
    """Every answer of the inbox API: lists and searches by name and phone, reads, changes."""
    from tests.unit.inbox import FRONT_DESK, change, inbox, open_request, search

    outsider = {**FRONT_DESK, "cognito:groups": "[billing]"}
    tag = open_request(reference).headers["etag"]
    return [
        inbox(),
        search({"q": VALID["lastName"], "status": "all"}),
        search({"q": "5550199"}),
        search({"q": VALID["firstName"] * 30}),  # too long: 422
        search({"q": VALID["lastName"], VALID["email"]: VALID["firstName"]}),  # unknown: 422
        search(VALID["lastName"]),  # not JSON: 400
        inbox({"q": VALID["lastName"]}),  # a search in the URL: 422
        open_request(reference),
        change(reference, {"note": VALID["message"], "assignee": VALID["firstName"]}, tag),
        change(reference, {"note": VALID["message"]}, tag),  # stale: 412
        change(reference, {"note": VALID["message"]}, None),  # 428
        change(reference, {VALID["email"]: VALID["lastName"]}, "*"),  # 422
        change(reference, {"note": VALID["lastName"] * 200}, "*"),  # too long: 422
        open_request("ZZZZZZZZ"),  # 404
        inbox(claims=outsider),  # 403
    ]


def test_no_patient_data_reaches_the_inbox_apis_logs_metrics_errors_or_audit(
    stack: Stack, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    from clinic_api.staff.handler import logger
    from tests.unit.inbox import CALLER_ADDRESS

    caplog.set_level(logging.DEBUG)
    reference = post_json(VALID).json()["reference"]
    with captured(logger) as log:
        answers = staff_outcomes(reference)
    assert {answer.status for answer in answers} == {200, 400, 403, 404, 412, 422, 428}
    output = capfd.readouterr()
    written = log.getvalue() + output.out + output.err + caplog.text
    assert "Request updated" in written  # the logs are really captured
    audit = str(stack.dynamodb.scan(TableName=stack.environment["AUDIT_TABLE"])["Items"])
    errors = " ".join(answer.body for answer in answers if answer.status >= 400)
    for secret in [*SECRETS, CALLER_ADDRESS]:  # the staff member's address: hashed only
        assert secret not in written, f"{secret!r} reached a log or metric"
        assert secret not in audit, f"{secret!r} reached an audit record"
        assert secret not in errors, f"{secret!r} reached an error answer"
