"""AWS clients, created once per container and only when first used.

Endpoints and credentials come from the usual AWS variables (AWS_ENDPOINT_URL
points them at the local stack); nothing here names an endpoint.

The clients are botocore's, which is what boto3's low-level clients are: boto3's own
import (its resource layer and s3transfer, which pulls in multiprocessing and
concurrent.futures) costs a cold start about a third of botocore's and none of our
functions uses it. One botocore session per container, made on first use, holds the
endpoint and credential data every client shares; a lock keeps two threads (SnapStart's
restore hook, a prefetch) from making one client twice.

Its model files (each service's operations and endpoint rules, ~4 MB of JSON for S3,
DynamoDB and Secrets Manager) are read into plain dicts (`ModelFiles`), not the
OrderedDicts botocore asks `json` for: the same keys in the same order, in a third of
the time, most of it a cold start's.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.loaders import JSONFileLoader

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


class ModelFiles(JSONFileLoader):
    """botocore's data files as plain dicts. botocore passes `object_pairs_hook=OrderedDict`
    (a Python 2 habit: dicts keep their order since 3.7), which makes a list of pairs for
    every JSON object and then an OrderedDict of it: S3's, DynamoDB's and Secrets Manager's
    models and the endpoint data took 81 ms to parse that way, 29 ms without it."""

    def load_file(self, file_path: str) -> Any:
        """As botocore's: the first of `.json` and `.json.gz` that is a file holding more
        than `null`, read as UTF-8; None when there is none."""
        for suffix, opener in ((".json", open), (".json.gz", gzip.open)):
            path = file_path + suffix
            if not os.path.isfile(path):  # noqa: PTH113 (as exists(), below)
                continue
            with opener(path, "rb") as file:
                data = json.loads(file.read().decode("utf-8"))
            if data is not None:
                return data
        return None

    def exists(self, file_path: str) -> bool:
        # The gzipped name first: botocore ships every service's models so, and asks this of
        # each of some 445 services twice per cold start (to check a name): 9 ms of 44 saved.
        # os.path, not pathlib: a Path object per look would cost about what the look does.
        gzipped, plain = file_path + ".json.gz", file_path + ".json"
        return os.path.isfile(gzipped) or os.path.isfile(plain)  # noqa: PTH113


_MAKING = threading.Lock()
_session: botocore.session.Session | None = None
_models: Any = None  # the session's data loader: the service models it has parsed


def _client(service: str) -> Any:
    global _session, _models  # one per container; not functools caches, so tests keep them
    with _MAKING:
        if _session is None:
            _session = botocore.session.get_session()
            if _models is not None:  # a new session after a restore: the models are as they were
                _session.register_component("data_loader", _models)
            _models = _session.get_component("data_loader")
            _models.file_loader = ModelFiles()
        return _session.create_client(service, config=_CONFIG)


@cache
def s3_client() -> S3Client:
    return _client("s3")


@cache
def dynamodb_client() -> DynamoDBClient:
    return _client("dynamodb")


@cache
def secrets_client() -> SecretsManagerClient:
    return _client("secretsmanager")


@cache
def sns_client() -> SNSClient:
    return _client("sns")


def forget_clients() -> None:
    """Drop every client and the session, so that the next use makes them anew (after a
    SnapStart restore: new connections, credentials read again); the parsed service
    models are kept."""
    global _session
    with _MAKING:
        _session = None
    for make in (s3_client, dynamodb_client, secrets_client, sns_client):
        make.cache_clear()


def secret_string(secret_id: str) -> str:
    """A Secrets Manager secret's value; DependencyUnavailable when it cannot be read."""
    try:
        return secrets_client().get_secret_value(SecretId=secret_id)["SecretString"]
    except (ClientError, BotoCoreError) as error:
        raise DependencyUnavailable("secretsmanager") from error
