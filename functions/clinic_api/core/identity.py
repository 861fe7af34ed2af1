"""Who sent a request: the sender's address, and keyed hashes of what identifies a sender.

Shared by the appointments function (rate limits, duplicate fingerprints) and the
staff function (the audit record's addressHash). The hashing key is a secret the
template generates (Secrets Manager), read once per container; the local stack
puts a fixed dev key in its moto secret.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from clinic_api.core.clients import secret_string
from clinic_api.core.edge import came_through_edge
from clinic_api.core.settings import Environment

VIEWER_ADDRESS_HEADER = "x-viewer-address"  # set by the site distribution's /api function


@cache
def _hash_key() -> bytes:
    return secret_string(Environment().text("CLIENT_HASH_SECRET")).encode()


def hash_key() -> bytes:
    """The hashing key, read once per container (a cold start's prefetch reads it early)."""
    return _hash_key()


def forget_hash_key() -> None:
    """After a SnapStart restore: read the key again (it may have been rotated meanwhile)."""
    _hash_key.cache_clear()


def client_address(headers: dict[str, str], source_ip: str) -> str:
    """Who sent the request: the viewer CloudFront names, or the connection's address.

    Through the site's distribution every request comes from an edge server, so
    visitors would share one rate limit; the viewer's address is trusted only
    beside the distribution's secret header, which a client cannot know. The
    secret is read only for requests that carry that header.
    """
    viewer = headers.get(VIEWER_ADDRESS_HEADER)
    return viewer if viewer and came_through_edge(headers) else source_ip


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 of `value` for one purpose: the same input never links across purposes."""
    return hmac.new(_hash_key(), f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()[:32]
