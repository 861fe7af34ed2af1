"""Every API answer says `X-Content-Type-Options: nosniff`, whatever made it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import http_event, invoke_content
from tests.unit.stack import VALID, Stack, invoke, post, post_json

NOSNIFF = "nosniff"


@pytest.mark.parametrize(
    ("path", "status"), [("/health", 200), ("/articles/no-such-article", 404), ("/nowhere", 404)]
)
def test_content_answers_say_nosniff(published: Any, path: str, status: int) -> None:
    answer = invoke_content(http_event("GET", path))
    assert answer.status == status
    assert answer.headers["x-content-type-options"] == NOSNIFF


def test_appointment_answers_say_nosniff_created_refused_and_malformed(stack: Stack) -> None:
    answers = [
        post_json(VALID),
        post_json({"firstName": "Ida"}),
        post(b"{not json", "application/json"),
        post(b"x", "text/plain"),
    ]
    assert [answer.status for answer in answers] == [201, 422, 400, 415]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == NOSNIFF


def test_staff_answers_say_nosniff_even_when_refused(stack: Stack) -> None:
    answer = invoke("StaffFunction", http_event("GET", "/staff/requests"))
    assert answer.status >= 400  # no signed-in staff member's claims
    assert answer.headers["x-content-type-options"] == NOSNIFF
