"""Patient data never reaches logs, metrics, error bodies or redirect URLs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.unit.stack import VALID, Stack, post_form, post_json

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
]


@pytest.fixture
def function_log() -> Iterator[io.StringIO]:
    """Everything the function's logger writes, at its most talkative (DEBUG)."""
    from clinic_api.appointments.handler import logger

    written = io.StringIO()
    handlers = [
        handler
        for handler in logging.getLogger(logger.name).handlers
        if isinstance(handler, logging.StreamHandler)
    ]
    assert handlers
    streams = [handler.setStream(written) for handler in handlers]
    previous = logger.log_level
    logger.setLevel(logging.DEBUG)
    yield written
    logger.setLevel(previous)
    for handler, stream in zip(handlers, streams, strict=True):
        handler.setStream(stream)


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
        post_json(VALID),  # rate-limited by now
    ]


def test_no_submitted_value_reaches_logs_metrics_answers_or_urls(
    stack: Stack,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    function_log: io.StringIO,
) -> None:
    caplog.set_level(logging.DEBUG)
    answers = every_outcome()
    assert {answer.status for answer in answers} >= {201, 303, 413, 422, 429}
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
