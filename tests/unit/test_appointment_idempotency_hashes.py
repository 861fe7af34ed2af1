"""The idempotency guard keeps keyed hashes only: no digest a guess could be checked against."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from clinic_api.appointments import handler
from tests.unit.stack import VALID, Stack, post_json

KEY = "b2f4c6e8-0a1c-4e3f-9a7b-5d6c7e8f9a0b"


def unkeyed_digests(value: Any) -> set[str]:
    """What an unkeyed hash of `value` would be, as Powertools or anyone else would make it."""
    texts = {
        json.dumps(value, sort_keys=True),
        json.dumps(value, sort_keys=True, separators=(",", ":")),
        value if isinstance(value, str) else "",
    }
    return {
        hashlib.new(algorithm, text.encode()).hexdigest()
        for text in texts - {""}
        for algorithm in ("md5", "sha1", "sha256")
    }


@pytest.fixture
def hashed_requests(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Each normalised request the handler handed to the idempotency guard."""
    seen: list[dict[str, Any]] = []
    original = handler.idempotency_hashes

    def recording(key: str, request: dict[str, Any]) -> dict[str, str]:
        seen.append(request)
        return original(key, request)

    monkeypatch.setattr(handler, "idempotency_hashes", recording)
    return seen


def test_the_guard_table_holds_no_unkeyed_digest_of_the_request_or_key(
    stack: Stack, hashed_requests: list[dict[str, Any]]
) -> None:
    assert post_json(VALID, headers={"idempotency-key": KEY}).status == 201
    (request,) = hashed_requests
    guard = json.dumps(stack.dynamodb.scan(TableName=stack.guard_table)["Items"])
    assert '"validation"' in guard  # the payload check is on
    for digest in unkeyed_digests(request) | unkeyed_digests(VALID) | unkeyed_digests(KEY):
        assert digest not in guard
    for value in (VALID["firstName"], VALID["lastName"], VALID["email"], KEY):
        assert value not in guard


def test_another_request_under_the_same_key_is_still_refused(stack: Stack) -> None:
    assert post_json(VALID, headers={"idempotency-key": KEY}).status == 201
    changed = post_json({**VALID, "lastName": "Quenbyx"}, headers={"idempotency-key": KEY})
    assert changed.status == 422
    assert changed.json()["errors"][0]["code"] == "key_reused"
    again = post_json(VALID, headers={"idempotency-key": KEY})
    assert again.status == 201
    assert len(stack.requests()) == 1


def test_the_hashes_are_keyed_by_purpose_and_by_the_secret(stack: Stack) -> None:
    from clinic_api.appointments.identity import idempotency_hashes
    from clinic_api.core import identity

    first = idempotency_hashes(KEY, {"a": 1})
    assert first["keyHash"] != first["payloadHash"]
    assert idempotency_hashes(KEY, {"a": 2})["payloadHash"] != first["payloadHash"]
    identity._hash_key.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(identity, "_hash_key", lambda: b"another secret")
            assert idempotency_hashes(KEY, {"a": 1}) != first
    finally:
        identity._hash_key.cache_clear()
