"""Fixtures shared by every test: fake AWS settings, a moto bucket, events."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from clinic_tools.local.lambda_context import LambdaContext

ROOT = Path(__file__).resolve().parents[1]
# The tests' own articles (see tests/fixture_content.py); the clinic's content/ is only
# validated (tests/unit/test_live_content.py), so that editing it never breaks a test.
CONTENT = ROOT / "tests" / "fixtures" / "content"
LIVE_CONTENT = ROOT / "content"
BUCKET = "clinic-content-test"

# Powertools reads these when a handler module is first imported, which may
# happen while a test module is collected, before any fixture runs.
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ClinicTest")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "clinic-test")


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test can reach a real AWS account, whatever the developer's shell has."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    # moto's DynamoDB Streams answer only without account-based endpoints.
    monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    monkeypatch.setenv("CONTENT_BUCKET", BUCKET)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "ClinicTest")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "clinic-test")


@pytest.fixture
def s3(fake_aws: None) -> Iterator[Any]:
    """An empty content bucket in moto, and the function's caches emptied around it."""
    from clinic_api.content.store import article_store
    from clinic_api.core.clients import s3_client

    with mock_aws():
        s3_client.cache_clear()
        article_store.cache_clear()
        client = boto3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        yield client
        s3_client.cache_clear()
        article_store.cache_clear()


@cache
def _sample_objects() -> dict[str, Any]:
    from clinic_tools.publish.publisher import build_objects

    return build_objects(CONTENT)


def publish_sample_content(bucket: str, client: Any) -> None:
    """The real upload of the fixture content, compiled once per session (compiling is pure)."""
    from clinic_tools.publish.publisher import upload

    upload(_sample_objects(), bucket, client, report=lambda _: None)


@pytest.fixture
def published(s3: Any) -> Any:
    """The fixture content, published with the real publisher."""

    publish_sample_content(BUCKET, s3)
    return s3


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
