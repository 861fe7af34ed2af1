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

from botocore.exceptions import BotoCoreError, ClientError

from clinic_api.core.aws_errors import DependencyUnavailable
from clinic_api.core.clients import secrets_client
from clinic_api.core.settings import Environment

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
    return _secret(Environment().text("CLIENT_HASH_SECRET")).encode()


@cache
def _edge_secret() -> str:
    """Empty when no distribution is in front: then a viewer header is never trusted."""
    secret_id = Environment().optional("EDGE_ORIGIN_SECRET")
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
