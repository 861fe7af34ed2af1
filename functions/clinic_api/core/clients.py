"""boto3 clients, created once per container and only when first used.

Endpoints and credentials come from the usual AWS variables (AWS_ENDPOINT_URL
points them at the local stack); nothing here names an endpoint.
"""

from __future__ import annotations

from functools import cache

import boto3
from botocore.client import BaseClient
from botocore.config import Config

# A visitor is waiting: fail fast and let the caller serve stale or answer 503.
_CONFIG = Config(
    connect_timeout=2,
    read_timeout=3,
    retries={"mode": "standard", "max_attempts": 3},
)


@cache
def s3_client() -> BaseClient:
    return boto3.client("s3", config=_CONFIG)
