"""Retry-After tells the real wait: a 409 says when the in-progress mark expires, no later."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import time_machine
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from clinic_tools.local.lambda_context import LambdaContext
from tests.conftest import http_event
from tests.unit.stack import APPOINTMENTS, VALID, Stack, invoke, post_json

KEY = {"idempotency-key": "c7a4e3f0-waits-0001"}
SHORT_TIMEOUT_S = 6  # room for a slow machine to post again before the mark expires


class LambdaKilled(BaseException):
    """What Lambda's timeout does to an invocation: it stops, and nothing runs after."""


def _die_after_marking_in_progress(**_: Any) -> None:
    raise LambdaKilled


def _post_with_timeout(timeout_s: int) -> Any:
    from clinic_api.appointments.handler import lambda_handler

    event = http_event("POST", "/appointments", headers={"content-type": "application/json", **KEY})
    event["body"] = json.dumps(VALID)
    return lambda_handler(event, LambdaContext.for_invocation(APPOINTMENTS, timeout_s=timeout_s))


def test_a_409_lasts_as_long_as_its_retry_after_says(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clinic_api.core.clients import dynamodb_client

    # The test polls: its posts must not use up the address's rate slots.
    monkeypatch.setenv("RATE_LIMIT_MAX", "1000")

    events = dynamodb_client().meta.events
    events.register("before-call.dynamodb.TransactWriteItems", _die_after_marking_in_progress)
    with pytest.raises(LambdaKilled):
        _post_with_timeout(SHORT_TIMEOUT_S)
    events.unregister("before-call.dynamodb.TransactWriteItems", _die_after_marking_in_progress)

    first = post_json(VALID, headers=KEY)
    assert first.status == 409
    said = int(first.headers["retry-after"])
    # The dead invocation's in-progress mark, as stored: Retry-After is its expiry,
    # rounded up (not a fixed 2), whatever the machine's speed.
    remaining_s = _in_progress_expiry_ms(stack) / 1000 - time.time()
    assert remaining_s - 1 <= said <= remaining_s + 1
    assert said <= SHORT_TIMEOUT_S
    # What a client told so waits (on a clock moved on rather than slept through: the
    # mark's expiry is compared with `datetime.now()` in this process)...
    with time_machine.travel(time.time() + said):
        answer = post_json(VALID, headers=KEY)
    assert answer.status == 201  # ...and then is served: no 409 after the wait it was told
    assert len(stack.requests()) == 1


def _in_progress_expiry_ms(stack: Stack) -> float:
    items = stack.dynamodb.scan(TableName=stack.guard_table)["Items"]
    (expiry,) = [
        item["in_progress_expiration"]["N"] for item in items if "in_progress_expiration" in item
    ]
    return float(expiry)


def test_a_503_whose_in_progress_mark_may_stay_says_to_wait_out_this_invocation(
    stack: Stack,
) -> None:
    from clinic_api.core.clients import dynamodb_client

    def hang(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="http://dynamodb")  # the write may have landed

    dynamodb_client().meta.events.register("before-call.dynamodb.PutItem", hang)
    answer = post_json(VALID, headers=KEY)
    assert answer.status == 503
    # The template's 20 s timeout, less the moment spent: the mark expires with it.
    assert 15 <= int(answer.headers["retry-after"]) <= 20


def test_a_503_whose_write_was_refused_says_the_usual_few_seconds(stack: Stack) -> None:
    from clinic_api.core.clients import dynamodb_client

    def refuse(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="http://dynamodb")

    dynamodb_client().meta.events.register("before-call.dynamodb.PutItem", refuse)
    answer = post_json(VALID, headers=KEY)
    assert answer.status == 503
    assert answer.headers["retry-after"] == "5"
    assert stack.requests() == []


def test_without_a_key_a_503_says_the_usual_few_seconds(stack: Stack) -> None:
    from clinic_api.core.clients import dynamodb_client

    def hang(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="http://dynamodb")

    dynamodb_client().meta.events.register("before-call.dynamodb.TransactWriteItems", hang)
    dynamodb_client().meta.events.register("before-call.dynamodb.PutItem", hang)
    answer = invoke(APPOINTMENTS, _keyless_event())
    assert answer.status == 503
    assert answer.headers["retry-after"] == "5"


def _keyless_event() -> dict[str, Any]:
    event = http_event("POST", "/appointments", headers={"content-type": "application/json"})
    event["body"] = json.dumps(VALID)
    return event
