"""Request ids, keyed hashes of what identifies a sender, and the sender's address.

The hashing key is a secret the template generates (Secrets Manager), read once
per container; the local stack puts a fixed dev key in its moto secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from functools import cache
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from clinic_api.appointments.settings import appointments_settings
from clinic_api.core.aws_errors import DependencyUnavailable
from clinic_api.core.clients import secrets_client

VIEWER_ADDRESS_HEADER = "x-viewer-address"  # set by the site distribution's /api function
ORIGIN_VERIFY_HEADER = "x-origin-verify"  # the distribution's secret origin header


def _secret(secret_id: str) -> str:
    try:
        answer = secrets_client().get_secret_value(SecretId=secret_id)
    except (ClientError, BotoCoreError) as error:
        raise DependencyUnavailable("secretsmanager") from error
    return answer["SecretString"]


@cache
def _hash_key() -> bytes:
    return _secret(appointments_settings().client_hash_secret).encode()


@cache
def _edge_secret() -> str:
    secret_id = appointments_settings().edge_origin_secret
    return _secret(secret_id) if secret_id else ""


def client_address(headers: dict[str, str], source_ip: str) -> str:
    """Who sent the request: the viewer CloudFront names, or the connection's address.

    Through the site's distribution every request comes from an edge server, so
    visitors would share one rate limit; the viewer's address is trusted only
    beside the distribution's secret header, which a client cannot know. The
    secret is read only for requests that carry that header.
    """
    viewer = headers.get(VIEWER_ADDRESS_HEADER)
    claimed = headers.get(ORIGIN_VERIFY_HEADER)
    if not viewer or not claimed:
        return source_ip
    secret = _edge_secret()
    if secret and hmac.compare_digest(claimed.encode(), secret.encode()):
        return viewer
    return source_ip


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
