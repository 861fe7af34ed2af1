"""Faults rehearsed: DynamoDB refused or hung under the appointments function.

The local stack's AppointmentsFunction reaches DynamoDB through `FaultProxy`
(AWS_ENDPOINT_URL_DYNAMODB, which botocore prefers to AWS_ENDPOINT_URL). A POST
during the fault gets 503 with a Retry-After that holds (no 500, no timeout),
nothing half-written stays in the tables, and after recovery the same
Idempotency-Key gets the stored answer: nothing lost, nothing twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import CONTENT
from tests.integration.conftest import (
    ONE_WORKER,
    LocalStack,
    Reply,
    call,
    local_aws,
    running_clinic_dev,
)
from tests.integration.fault_proxy import FaultProxy
from tests.integration.test_appointments_http import APPOINTMENTS, REQUEST

Faulty = tuple[LocalStack, FaultProxy]


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faulty]:
    proxy = FaultProxy()
    overrides = tmp_path_factory.mktemp("faults") / "env.json"
    function = {"RATE_LIMIT_MAX": "1000", "AWS_ENDPOINT_URL_DYNAMODB": proxy.url}
    overrides.write_text(json.dumps({"AppointmentsFunction": function}))
    try:
        with running_clinic_dev(
            *ONE_WORKER, "--env-vars", str(overrides), "--content", str(CONTENT)
        ) as stack:
            proxy.upstream = stack.aws
            yield stack, proxy
    finally:
        proxy.stop()


def _post(stack: LocalStack, key: str, **changes: Any) -> Reply:
    return call(
        f"{stack.api}/appointments",
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        data=json.dumps({**REQUEST, **changes}).encode(),
    )


def _items(stack: LocalStack, table: str) -> list[dict[str, Any]]:
    dynamodb = local_aws().client("dynamodb", endpoint_url=stack.aws)
    return dynamodb.scan(TableName=APPOINTMENTS[table])["Items"]


def _marks(stack: LocalStack) -> list[str]:
    """The guard table's idempotency records (not rate counters or duplicate markers)."""
    ids = [item["id"]["S"] for item in _items(stack, "GUARD_TABLE")]
    return [i for i in ids if not i.startswith(("rate#", "dup#"))]


def test_refused_dynamodb_gets_503_and_the_retry_is_stored_once(faulty: Faulty) -> None:
    stack, proxy = faulty
    before, marks = len(_items(stack, "REQUESTS_TABLE")), _marks(stack)
    proxy.refuse()
    try:
        during = _post(stack, "fault-refused-1", firstName="Refused")
    finally:
        proxy.recover()
    assert during.status == 503
    assert during.json()["status"] == 503
    # Nothing reached DynamoDB, so the usual few seconds are the honest wait.
    assert during.headers["retry-after"] == "5"
    assert len(_items(stack, "REQUESTS_TABLE")) == before
    assert _marks(stack) == marks
    first = _post(stack, "fault-refused-1", firstName="Refused")
    again = _post(stack, "fault-refused-1", firstName="Refused")
    assert first.status == again.status == 201
    assert first.json() == again.json()
    assert len(_items(stack, "REQUESTS_TABLE")) == before + 1


def test_a_hang_gets_503_whose_retry_after_outlasts_every_409(faulty: Faulty) -> None:
    stack, proxy = faulty
    before = len(_items(stack, "REQUESTS_TABLE"))
    # The in-progress mark is written, then the request's write and the mark's
    # removal hang: the mark stays until this invocation's deadline.
    proxy.hang("TransactWriteItems", "DeleteItem")
    started = time.monotonic()
    try:
        during = _post(stack, "fault-hung-1", firstName="Hung")
    finally:
        proxy.recover()
    assert during.status == 503  # the SDK's bounded retries, well inside the 20 s timeout
    answered, said = time.monotonic(), int(during.headers["retry-after"])
    deadline = started + 20  # the template's timeout: the mark's expiry
    assert said >= 5
    assert "PutItem" in proxy.seen  # the mark went through the proxy, as everything did
    assert len(_items(stack, "REQUESTS_TABLE")) == before  # nothing half-written
    # Timed from when each retry was sent, not answered: on a busy machine the local stack
    # takes a while to answer, and a late answer is no 409 the client was wrongly told.
    sent = time.monotonic()
    retry = _post(stack, "fault-hung-1", firstName="Hung")
    while retry.status == 409:  # the mark still stands: its Retry-After says until when
        assert sent + int(retry.headers["retry-after"]) <= deadline + 2
        assert sent - answered <= said + 1  # no 409 after the 503's Retry-After
        time.sleep(0.5)
        sent = time.monotonic()
        retry = _post(stack, "fault-hung-1", firstName="Hung")
    assert retry.status == 201
    again = _post(stack, "fault-hung-1", firstName="Hung")
    assert again.status == 201 and again.json() == retry.json()
    assert len(_items(stack, "REQUESTS_TABLE")) == before + 1
