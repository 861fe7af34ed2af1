"""Request ids, and keyed hashes of what identifies a sender.

The hashing key is a secret the template generates (Secrets Manager), read once
per container; the local stack puts a fixed dev key in its moto secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from functools import cache
from typing import Any

from clinic_api.core.clients import secrets_client


@cache
def _hash_key() -> bytes:
    secret = secrets_client().get_secret_value(SecretId=os.environ["CLIENT_HASH_SECRET"])
    return secret["SecretString"].encode()


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 of `value` for one purpose: the same input never links across purposes."""
    return hmac.new(_hash_key(), f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()[:32]


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
