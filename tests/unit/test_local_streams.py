"""The local stack's stand-in for Lambda's stream event source mapping."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from clinic_tools.local.streams import (
    IDLE_POLL_SECONDS,
    POLL_SECONDS,
    StreamPoller,
    matches,
    next_interval,
)
from tests.unit.stack import TEMPLATE, Stack
from tests.worker_plugin import shared_client

(MAPPING,) = TEMPLATE.stream_mappings
# The tests' pollers poll every 50 ms while records come, not clinic dev's POLL_SECONDS: the
# three tests that wait for deliveries spent 2.5 s of a worker's time asleep.
INTERVAL = 0.05


def test_filter_patterns_match_like_lambdas() -> None:
    assert matches({"eventName": ["INSERT"]}, {"eventName": "INSERT"})
    assert not matches({"eventName": ["INSERT"]}, {"eventName": "MODIFY"})
    assert matches(
        {"dynamodb": {"Keys": {"id": {"S": ["a"]}}}}, {"dynamodb": {"Keys": {"id": {"S": "a"}}}}
    )
    assert not matches({"dynamodb": {"Keys": ["x"]}}, {"eventName": "INSERT"})


def test_an_idle_stream_is_polled_less_often_and_a_busy_one_at_once() -> None:
    waits = [POLL_SECONDS]
    for _ in range(5):
        waits.append(next_interval(waits[-1], delivered=False))
    assert waits == [0.5, 1.0, 2.0, 2.0, 2.0, 2.0]
    assert max(waits) == IDLE_POLL_SECONDS
    assert next_interval(IDLE_POLL_SECONDS, delivered=True) == POLL_SECONDS


def test_the_template_mapping_is_read_as_written() -> None:
    assert MAPPING.function == "NotifyFunction"
    assert MAPPING.filters == ({"eventName": ["INSERT"]},)
    assert MAPPING.max_retries == 5
    assert MAPPING.starting_position == "TRIM_HORIZON"
    assert MAPPING.on_failure_queue is not None


def put(stack: Stack, request_id: str) -> None:
    item = {"id": {"S": request_id}, "status": {"S": "new"}, "createdAt": {"S": "2026-11-27"}}
    stack.dynamodb.put_item(TableName=stack.requests_table, Item=item)


def wait_for(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not check():
        assert time.monotonic() < deadline, "the poller did not deliver in time"
        time.sleep(0.01)


@pytest.fixture
def poller(stack: Stack) -> Any:
    started: list[StreamPoller] = []

    def start(invoke: Callable[[str, dict[str, Any]], Any]) -> list[str]:
        said: list[str] = []
        poller = StreamPoller(MAPPING, invoke, said.append, INTERVAL)
        poller.start()
        started.append(poller)
        return said

    yield start
    for each in started:
        each.stop()


def test_inserts_reach_the_function_as_lambda_shapes_them(stack: Stack, poller: Any) -> None:
    events: list[dict[str, Any]] = []
    poller(lambda function, event: events.append(event) or {"batchItemFailures": []})
    put(stack, "first")
    stack.dynamodb.update_item(  # a MODIFY: filtered out, as in the template
        TableName=stack.requests_table,
        Key={"id": {"S": "first"}},
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "closed"}},
    )
    put(stack, "second")
    wait_for(lambda: sum(len(event["Records"]) for event in events) >= 2)
    time.sleep(4 * INTERVAL)  # two more polls: nothing else may come
    records = [record for event in events for record in event["Records"]]
    assert [record["dynamodb"]["Keys"]["id"]["S"] for record in records] == ["first", "second"]
    assert {record["eventName"] for record in records} == {"INSERT"}
    record = records[0]
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"].startswith("arn:aws:dynamodb:")
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], float)


def test_records_after_a_cancelled_transaction_still_arrive(stack: Stack, poller: Any) -> None:
    from botocore.exceptions import ClientError

    seen: list[str] = []

    def collect(function: str, event: dict[str, Any]) -> dict[str, Any]:
        seen.extend(record["dynamodb"]["Keys"]["id"]["S"] for record in event["Records"])
        return {"batchItemFailures": []}

    poller(collect)
    put(stack, "before")
    wait_for(lambda: seen == ["before"])
    conflicting = {
        "Put": {
            "TableName": stack.requests_table,
            "Item": {"id": {"S": "before"}},
            "ConditionExpression": "attribute_not_exists(id)",
        }
    }
    with pytest.raises(ClientError):  # as two identical submissions at once can cause
        stack.dynamodb.transact_write_items(TransactItems=[conflicting])
    put(stack, "after")
    wait_for(lambda: seen == ["before", "after"])


def stream_record(request_id: str, number: int) -> dict[str, Any]:
    keys = {"Keys": {"id": {"S": request_id}}, "SequenceNumber": str(number)}
    return {"eventName": "INSERT", "eventSource": "aws:dynamodb", "dynamodb": keys}


def test_a_partial_failure_is_retried_from_that_record(stack: Stack) -> None:
    seen: list[list[str]] = []

    def fail_second_once(function: str, event: dict[str, Any]) -> dict[str, Any]:
        seen.append([record["dynamodb"]["Keys"]["id"]["S"] for record in event["Records"]])
        if len(seen) == 1:
            return {"batchItemFailures": [{"itemIdentifier": "2"}]}
        return {"batchItemFailures": []}

    poller = StreamPoller(MAPPING, fail_second_once, print)
    poller.deliver([stream_record(name, number) for number, name in enumerate("abc", 1)])
    assert seen == [["a", "b", "c"], ["b", "c"]]


def test_a_record_that_keeps_failing_goes_to_the_dead_letter_queue(
    stack: Stack, poller: Any
) -> None:
    calls: list[int] = []

    def always_fail(function: str, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(1)
        raise RuntimeError("the function failed")

    said = poller(always_fail)
    put(stack, "poison")
    wait_for(lambda: any("gave up" in line for line in said))
    assert len(calls) == MAPPING.max_retries + 1
    sqs = shared_client("sqs")
    assert MAPPING.on_failure_queue is not None
    queue = sqs.get_queue_url(QueueName=MAPPING.on_failure_queue)["QueueUrl"]
    (message,) = sqs.receive_message(QueueUrl=queue)["Messages"]
    body = message.get("Body", "")
    info = json.loads(body)
    assert info["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert info["DDBStreamBatchInfo"]["batchSize"] == 1
    assert "poison" not in body  # where, not what
