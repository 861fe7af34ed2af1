"""Request ids (random, or derived from an Idempotency-Key and the request), and
what the idempotency guard may hash: keyed hashes only."""

from __future__ import annotations

import json
import uuid
from typing import Any

from clinic_api.core.identity import keyed_hash


def request_id(idempotency_key: str | None, request: dict[str, Any]) -> str:
    """Random; or, with an Idempotency-Key, derived from the key and the request.

    A retry of the same request can then never store twice, while a key that is
    reused (after its 24-hour record) for another request makes another item.
    """
    if idempotency_key is None:
        return str(uuid.uuid4())
    digest = bytes.fromhex(keyed_hash("request-id", f"{idempotency_key}\x00{_canonical(request)}"))
    return str(uuid.UUID(bytes=digest[:16], version=4))


def idempotency_hashes(idempotency_key: str, request: dict[str, Any]) -> dict[str, str]:
    """The record's key and payload check for Powertools' idempotency, as keyed hashes.

    Powertools stores an unkeyed MD5 of what it is pointed at; pointed at these, the
    guard table holds nothing a guess at a name or phone number could be checked against.
    """
    return {
        "keyHash": keyed_hash("idempotency-key", idempotency_key),
        "payloadHash": keyed_hash("idempotency-payload", _canonical(request)),
    }


def _canonical(request: dict[str, Any]) -> str:
    return json.dumps(request, sort_keys=True, separators=(",", ":"))
