"""Request ids: random, or derived from an Idempotency-Key and the request."""

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
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"))
    digest = bytes.fromhex(keyed_hash("request-id", f"{idempotency_key}\x00{canonical}"))
    return str(uuid.UUID(bytes=digest[:16], version=4))
