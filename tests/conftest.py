"""Fixtures shared by every test: fake AWS settings, events; one moto world
(`tests/worker_plugin.py`, in each process that runs tests)."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clinic_tools.local.lambda_context import LambdaContext
from clinic_tools.local.template import load_template
from tests.fixture_content import CONTENT as CONTENT  # re-exported for the tests

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

# Powertools reads these when a handler module is first imported, which may
# happen while a test module is collected, before any fixture runs.
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ClinicTest")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "clinic-test")


def hands_tests_out(config: pytest.Config) -> bool:
    """Whether this process is pytest-xdist's controller, which runs no test itself (as
    xdist decides it: tests distributed, this no worker, more than collection asked for)."""
    return (
        config.getoption("dist", "no") != "no"
        and not hasattr(config, "workerinput")
        and not config.getoption("collectonly")
    )


@pytest.hookimpl(tryfirst=True)  # before tests/unit/conftest.py's, whose plugins import it
def pytest_configure(config: pytest.Config) -> None:
    if not hands_tests_out(config):
        config.pluginmanager.import_plugin("tests.worker_plugin")


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
