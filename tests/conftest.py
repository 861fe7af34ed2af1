"""Fixtures shared by every test: fake AWS settings, one moto world, events."""

from __future__ import annotations

import base64
import functools
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import boto3
import pytest
from hypothesis import settings

from clinic_api.core.clients import dynamodb_client, s3_client, secrets_client, sns_client
from clinic_tools.local.cognito import LocalStaffPool
from clinic_tools.local.lambda_context import LambdaContext
from clinic_tools.local.template import load_template
from tests.aws_world import AwsWorld
from tests.fixture_content import CONTENT as CONTENT  # re-exported for the tests
from tests.fixture_content import fixture_objects
from tests.kept_clients import KeptClients

ROOT = Path(__file__).resolve().parents[1]
LIVE_CONTENT = ROOT / "content"
TEMPLATE = load_template(ROOT / "template.yaml")
BUCKET = TEMPLATE.functions["ContentFunction"].environment["CONTENT_BUCKET"]
# Variables that could point boto3 at a real account or at other credentials.
REAL_AWS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN")
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    # moto's DynamoDB Streams answer only without account-based endpoints.
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}

# An example's time measures how busy the machine is (moto runs in-process), not the code.
settings.register_profile("clinic", deadline=None)
settings.load_profile("clinic")

# Powertools reads these when a handler module is first imported, which may
# happen while a test module is collected, before any fixture runs.
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ClinicTest")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "clinic-test")


def isolate(monkeypatch: pytest.MonkeyPatch) -> None:
    """No boto3 client can reach a real AWS account, whatever the developer's shell has."""
    for name in REAL_AWS:
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_AWS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch)
    monkeypatch.setenv("CONTENT_BUCKET", BUCKET)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "ClinicTest")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "clinic-test")


# The functions' boto3 clients (clinic_api.core.clients), kept from test to test.
CLIENTS = (s3_client, dynamodb_client, secrets_client, sns_client)
kept_clients = KeptClients(CLIENTS)


@pytest.fixture(scope="session")
def aws_world() -> Iterator[AwsWorld]:
    """moto for the whole session (one per xdist worker), the template's resources in it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch)
        world = AwsWorld(TEMPLATE, fixture_objects())
        world.start()
    yield world
    world.stop()


def forget_containers() -> None:
    """Empty every per-container cache, as a new Lambda execution environment would be:
    each functools cache of the functions' loaded modules (settings, the article store,
    the idempotency layer), so that a cache added tomorrow is emptied too. The boto3
    clients are the exception: `kept_clients` keeps each one that is as it was made."""
    for module in _functions_modules():
        for value in list(vars(module).values()):
            if isinstance(value, functools._lru_cache_wrapper) and value not in CLIENTS:
                value.cache_clear()
    kept_clients.check()


_looked_at: set[str] = set()  # every name sys.modules has had since the last look
_functions: dict[str, Any] = {}  # clinic_api and its modules, by name


def _functions_modules() -> list[Any]:
    """The loaded modules of clinic_api, as sys.modules has them now. Only names new since the
    last look are checked (a set difference, in C: the loop over some 5,000 names took a
    millisecond, at every test twice); a module removed or imported anew is seen by name."""
    fresh = sys.modules.keys() - _looked_at
    _looked_at.update(fresh)
    for name in fresh:
        if name == "clinic_api" or name.startswith("clinic_api."):
            _functions[name] = None
    for name in list(_functions):
        module = sys.modules.get(name)
        if module is None:
            del _functions[name]
            _looked_at.discard(name)
        else:
            _functions[name] = module
    return list(_functions.values())


@contextmanager
def fresh_world(world: AwsWorld, *, published: bool) -> Iterator[None]:
    """The world as no test has touched it, seen by functions in new containers."""
    world.ready(published=published)
    forget_containers()
    yield
    forget_containers()


@functools.cache
def shared_client(service: Literal["s3", "dynamodb"]) -> Any:
    """One boto3 client per service for the tests' own calls, made once per process: a
    client costs 5-20 ms to make. Tests hook events on the functions' own clients (which
    `forget_containers` then replaces), never on these."""
    return boto3.client(service)


@pytest.fixture
def s3(aws_world: AwsWorld, fake_aws: None) -> Iterator[Any]:
    """The content bucket, empty (the template's other resources exist too)."""
    with fresh_world(aws_world, published=False):
        yield shared_client("s3")


@pytest.fixture
def published(aws_world: AwsWorld, fake_aws: None) -> Iterator[Any]:
    """The content bucket holding the fixture content, published with the real publisher."""
    with fresh_world(aws_world, published=True):
        yield shared_client("s3")


@pytest.fixture
def staff_pool(aws_world: AwsWorld, fake_aws: None) -> Iterator[LocalStaffPool]:
    """The template's staff user pool in moto (client and groups, no users yet)."""
    with fresh_world(aws_world, published=False):
        assert aws_world.staff_pool is not None, "the template has no staff user pool"
        yield aws_world.staff_pool


def http_event(
    method: str,
    path: str,
    *,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    route: str | None = None,
    path_parameters: dict[str, str] | None = None,
    body: bytes | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, shaped as the gateway sends it."""
    headers = {key.lower(): value for key, value in (headers or {}).items()}
    raw_query = "&".join(f"{key}={value}" for key, value in (query or {}).items())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {route or path}",
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": {"host": "api.example.test", "user-agent": "pytest", **headers},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.test",
            "domainPrefix": "api",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.10",
                "userAgent": "pytest",
            },
            "requestId": "req-1",
            "routeKey": f"{method} {route or path}",
            "stage": "$default",
            "time": "27/Nov/2026:10:00:00 +0000",
            "timeEpoch": 1795860000000,
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body is not None:
        event["body"] = base64.b64encode(body).decode()
        event["isBase64Encoded"] = True
    return event


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def invoke_content(event: dict[str, Any]) -> Answer:
    from clinic_api.content.handler import lambda_handler

    response = lambda_handler(event, LambdaContext("ContentFunction"))
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    headers = {key.lower(): value for key, value in response.get("headers", {}).items()}
    return Answer(response["statusCode"], headers, body)
