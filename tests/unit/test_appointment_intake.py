"""No lost submissions, no duplicates, no floods: idempotency, duplicates, rate limit, failures."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import EndpointConnectionError

from tests.unit.stack import VALID, Stack, post, post_form, post_json
from tests.unit.test_appointment_privacy import captured

KEY = {"idempotency-key": "7f1c0e2a-5b7d-4c39-9d51-0b7b1b3d9e11"}


def test_the_same_key_and_body_give_the_same_answer_and_one_item(stack: Stack) -> None:
    first = post_json(VALID, headers=KEY)
    again = post_json(VALID, headers=KEY)
    assert first.status == again.status == 201
    assert first.json() == again.json()
    assert len(stack.requests()) == 1


def test_a_form_retry_with_the_same_key_is_answered_from_the_record(stack: Stack) -> None:
    fields = {"patientStatus": "new", "firstName": "Ida", "lastName": "Berg"}
    fields |= {"phone": "503-555-0101", "preferredContact": "phone"}
    fields |= {"service": "other", "consent": "on"}
    first = post_form(fields, headers=KEY)
    again = post_form(fields, headers=KEY)
    assert first.headers["location"] == again.headers["location"]
    assert len(stack.requests()) == 1


def test_the_same_key_with_another_body_is_422(stack: Stack) -> None:
    assert post_json(VALID, headers=KEY).status == 201
    answer = post_json({**VALID, "message": "Something else entirely"}, headers=KEY)
    assert answer.status == 422
    assert answer.json()["errors"] == [
        {
            "field": "Idempotency-Key",
            "code": "key_reused",
            "message": "was already used for a different request",
        }
    ]
    assert len(stack.requests()) == 1


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "caf\u00e9", "tab\there"])
def test_a_malformed_idempotency_key_is_422(stack: Stack, key: str) -> None:
    answer = post_json(VALID, headers={"idempotency-key": key})
    assert answer.status == 422
    assert answer.json()["errors"][0]["field"] == "Idempotency-Key"
    assert stack.requests() == []


def test_a_replay_while_the_first_is_in_progress_is_409_with_retry_after(stack: Stack) -> None:
    from clinic_api.core.clients import dynamodb_client

    answers: list[Any] = []

    def replay_meanwhile(**_: Any) -> None:
        if not answers:
            answers.append(post_json(VALID, headers=KEY))

    dynamodb_client().meta.events.register(
        "before-call.dynamodb.TransactWriteItems", replay_meanwhile
    )
    assert post_json(VALID, headers=KEY).status == 201
    (replay,) = answers
    assert replay.status == 409
    assert int(replay.headers["retry-after"]) > 0
    assert len(stack.requests()) == 1


def forget_idempotency_records(stack: Stack) -> None:
    """As 24 hours (their expiry) or a lost write would leave the guard table."""
    for record in stack.dynamodb.scan(TableName=stack.guard_table)["Items"]:
        if not record["id"]["S"].startswith(("rate#", "dup#")):
            stack.dynamodb.delete_item(TableName=stack.guard_table, Key={"id": record["id"]})


def test_a_lost_idempotency_record_still_cannot_store_twice(stack: Stack) -> None:
    first = post_json(VALID, headers=KEY).json()
    forget_idempotency_records(stack)
    again = post_json(VALID, headers=KEY)
    assert again.status == 201
    assert (again.json()["id"], again.json()["reference"]) == (first["id"], first["reference"])
    assert len(stack.requests()) == 1


def test_a_key_reused_after_its_record_expired_stores_the_new_request(stack: Stack) -> None:
    first = post_json(VALID, headers=KEY).json()
    forget_idempotency_records(stack)
    other = {**VALID, "firstName": "Someone", "lastName": "Else", "phone": "503-555-0111"}
    second = post_json(other, headers=KEY, source_ip="203.0.113.5")
    assert second.status == 201
    assert second.json()["id"] != first["id"]
    assert {item["firstName"] for item in stack.requests()} == {"Marisol", "Someone"}


def test_an_identical_submission_without_a_key_is_kept_and_marked_duplicate(
    stack: Stack,
) -> None:
    first = post_json(VALID).json()
    second = post_json(
        {**VALID, "message": "Sorry, pressed twice", "email": "MARISOL.QH@example.org"}
    )
    assert second.status == 201
    items = {item["id"]: item for item in stack.requests()}
    assert len(items) == 2
    assert "duplicateOf" not in items[first["id"]]
    assert items[second.json()["id"]]["duplicateOf"] == first["id"]


def test_two_identical_submissions_at_once_are_both_stored_not_503(stack: Stack) -> None:
    from botocore.exceptions import ClientError

    from clinic_api.core.clients import dynamodb_client

    conflicts = [1]

    def conflict_once(**_: Any) -> None:
        # What DynamoDB answers when a concurrent transaction writes the same marker.
        if conflicts:
            conflicts.pop()
            raise ClientError(
                {
                    "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                    "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}],
                },
                "TransactWriteItems",
            )

    post_json({**VALID, "message": "warm"})
    dynamodb_client().meta.events.register("before-call.dynamodb.TransactWriteItems", conflict_once)
    assert post_json(VALID).status == 201
    assert len(stack.requests()) == 2


def test_another_service_is_not_a_duplicate(stack: Stack) -> None:
    post_json(VALID)
    post_json({**VALID, "service": "psychiatric-evaluation"})
    assert all("duplicateOf" not in item for item in stack.requests())


def test_after_ten_minutes_the_same_submission_is_new_again(stack: Stack) -> None:
    post_json(VALID)
    for record in stack.dynamodb.scan(TableName=stack.guard_table)["Items"]:
        if record["id"]["S"].startswith("dup#"):
            record["expiration"] = {"N": "1"}  # as the marker is ten minutes later
            stack.dynamodb.put_item(TableName=stack.guard_table, Item=record)
    post_json(VALID)
    assert all("duplicateOf" not in item for item in stack.requests())


def test_duplicate_markers_hold_no_contact_data(stack: Stack) -> None:
    post_json(VALID)
    guard = str(stack.dynamodb.scan(TableName=stack.guard_table)["Items"])
    for value in ("Marisol", "Quenby", "marisol.qh", "5550199", "198.51.100.7"):
        assert value not in guard


def test_the_sixth_request_from_one_address_in_the_window_is_429(stack: Stack) -> None:
    limit = int(stack.environment["RATE_LIMIT_MAX"])
    for number in range(limit):
        assert post_json({**VALID, "message": f"try {number}"}).status == 201
    answer = post_json({**VALID, "message": "one too many"})
    assert answer.status == 429
    assert (
        0
        < int(answer.headers["retry-after"])
        <= int(stack.environment["RATE_LIMIT_WINDOW_SECONDS"])
    )
    form = {key: value for key, value in VALID.items() if isinstance(value, str)}
    limited = post_form({**form, "consent": "on"})
    # The error page says how long to wait: the seconds go in its query (no patient data).
    query = parse_qs(urlsplit(limited.headers["location"]).query)
    assert query["error"] == ["rate_limited"]
    assert 0 < int(query["retryAfter"][0]) <= int(stack.environment["RATE_LIMIT_WINDOW_SECONDS"])
    assert post_json(VALID, source_ip="203.0.113.99").status == 201
    assert len(stack.requests()) == limit + 1


def test_a_flood_of_invalid_posts_is_429_for_its_address_and_another_is_served(
    stack: Stack,
) -> None:
    limit = int(stack.environment["RATE_LIMIT_MAX"])
    flood = [
        lambda: post_json({**VALID, "email": "nope"}),  # 422
        lambda: post("{not json", "application/json"),  # 400
        lambda: post(b"", None),  # 415
    ]
    answers = [flood[number % len(flood)]().status for number in range(limit)]
    assert 429 not in answers  # each took a slot before it was read
    assert post_json({**VALID, "email": "nope"}).status == 429  # checked before validation
    assert post_json(VALID).status == 429
    assert post_json(VALID, source_ip="203.0.113.99").status == 201
    assert len(stack.requests()) == 1


def test_a_submission_whose_storage_failed_gives_its_slot_back(stack: Stack) -> None:
    from clinic_api.core.clients import dynamodb_client

    limit = int(stack.environment["RATE_LIMIT_MAX"])
    outage = [True]

    def fail_during_outage(**_: Any) -> None:
        if outage:
            raise EndpointConnectionError(endpoint_url="https://dynamodb.example")

    post_json({**VALID, "message": "warm"}, source_ip="203.0.113.99")
    dynamodb_client().meta.events.register(
        "before-send.dynamodb.TransactWriteItems", fail_during_outage
    )
    for _ in range(limit + 2):
        assert post_json(VALID).status == 503
    outage.clear()
    for number in range(limit):  # none of the failed attempts used the address's slots
        assert post_json({**VALID, "message": f"after the outage {number}"}).status == 201
    assert post_json(VALID).status == 429


def fail_dynamodb(operation: str) -> None:
    from clinic_api.core.clients import dynamodb_client

    def fail(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://dynamodb.example")

    dynamodb_client().meta.events.register(f"before-send.dynamodb.{operation}", fail)
    return


def test_when_dynamodb_fails_the_answer_is_503_and_nothing_is_half_written(
    stack: Stack,
) -> None:
    post_json({**VALID, "message": "warm the container"})
    before = stack.requests()
    fail_dynamodb("TransactWriteItems")
    answer = post_json(VALID, headers=KEY)
    assert answer.status == 503
    assert int(answer.headers["retry-after"]) > 0
    assert stack.requests() == before
    guard = str(stack.dynamodb.scan(TableName=stack.guard_table)["Items"])
    assert "INPROGRESS" not in guard  # the key is free for the retry


def test_the_log_says_what_storage_met_and_nothing_that_was_sent(stack: Stack) -> None:
    # Which failure it was (a timeout, throttling, a refused connection) is the first thing
    # an operator asks of a 503; the SDK's exception names it without quoting the request.
    from clinic_api.appointments.handler import logger

    post_json({**VALID, "message": "warm the container"})
    fail_dynamodb("UpdateItem")
    with captured(logger) as log:
        assert post_json(VALID).status == 503
    (said,) = [json.loads(line) for line in log.getvalue().splitlines() if "unavailable" in line]
    assert (said["error"], said["cause"]) == ("DependencyUnavailable", "EndpointConnectionError")
    assert VALID["lastName"] not in log.getvalue()


def test_a_retry_after_a_failure_with_the_same_key_stores_once(stack: Stack) -> None:
    from clinic_api.core.clients import dynamodb_client

    outage = [True]

    def fail_during_outage(**_: Any) -> None:
        if outage:  # every attempt of the SDK's retries
            raise EndpointConnectionError(endpoint_url="https://dynamodb.example")

    post_json({**VALID, "message": "warm"})
    dynamodb_client().meta.events.register(
        "before-send.dynamodb.TransactWriteItems", fail_during_outage
    )
    assert post_json(VALID, headers=KEY).status == 503
    outage.clear()
    assert post_json(VALID, headers=KEY).status == 201
    assert post_json(VALID, headers=KEY).status == 201
    assert len(stack.requests()) == 2


def test_a_form_client_is_sent_to_the_error_page_when_storage_fails(stack: Stack) -> None:
    post_json({**VALID, "message": "warm"})
    fail_dynamodb("UpdateItem")
    answer = post_form({**{k: v for k, v in VALID.items() if isinstance(v, str)}, "consent": "on"})
    assert answer.status == 303
    assert answer.headers["location"].endswith("error=unavailable")


def test_site_settings_unavailable_is_503_not_500(stack: Stack) -> None:
    from clinic_api.core.clients import s3_client

    def fail(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://s3.example")

    s3_client().meta.events.register("before-send.s3", fail)
    assert post_json(VALID).status == 503
