"""boto3 clients, created once per container and only when first used.

Endpoints and credentials come from the usual AWS variables (AWS_ENDPOINT_URL
points them at the local stack); nothing here names an endpoint.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from clinic_api.core.aws_errors import DependencyUnavailable

if TYPE_CHECKING:  # boto3's stubs: for the type checker only, never in the Lambda bundle
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sns import SNSClient

# The SDK's debug logs print request bodies, which may hold patient data: keep
# them quiet even when an operator turns the function's log level to DEBUG.
for _sdk in ("boto3", "botocore", "urllib3"):
    logging.getLogger(_sdk).setLevel(logging.WARNING)

# A visitor is waiting: fail fast (at worst about 7 s a call, well inside the
# function's 20 s timeout) and let the caller serve stale or answer 503.
_CONFIG = Config(
    connect_timeout=1,
    read_timeout=2,
    retries={"mode": "standard", "max_attempts": 2},
)


@cache
def s3_client() -> S3Client:
    return boto3.client("s3", config=_CONFIG)


@cache
def dynamodb_client() -> DynamoDBClient:
    return boto3.client("dynamodb", config=_CONFIG)


@cache
def secrets_client() -> SecretsManagerClient:
    return boto3.client("secretsmanager", config=_CONFIG)


@cache
def sns_client() -> SNSClient:
    return boto3.client("sns", config=_CONFIG)


def secret_string(secret_id: str) -> str:
    """A Secrets Manager secret's value; DependencyUnavailable when it cannot be read."""
    try:
        return secrets_client().get_secret_value(SecretId=secret_id)["SecretString"]
    except (ClientError, BotoCoreError) as error:
        raise DependencyUnavailable("secretsmanager") from error
