"""The deployed world in moto, created from template.yaml itself, and clients for it.

Tables, bucket and secret come from the template's own definitions (the local
stack's reader), so the tests cannot drift from the infrastructure; every
function's environment is set as the template sets it.
"""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from boto3.dynamodb.types import TypeDeserializer

from clinic_tools.local.lambda_context import LambdaContext
from tests.aws_world import AwsWorld
from tests.conftest import TEMPLATE, Answer, http_event
from tests.fixture_content import ANXIETY
from tests.worker_plugin import fresh_world, shared_client

# Every function's environment as the template sets it (the local stack's names).
ENVIRONMENT = {
    name: value
    for function in TEMPLATE.functions.values()
    for name, value in function.environment.items()
}
APPOINTMENTS = "AppointmentsFunction"
VALID: dict[str, Any] = {
    "patientStatus": "new",
    "firstName": "Marisol",
    "lastName": "Quenby-Hart",
    "email": "marisol.qh@example.org",
    "phone": "(503) 555-0199",
    "preferredContact": "phone",
    "okToText": True,
    "okToLeaveVoicemail": False,
    "preferredDays": ["tue", "thu"],
    "preferredTimes": ["morning"],
    "service": "ketamine-consultation",
    "visitFormat": "telehealth",
    "payment": "insurance",
    "insuranceCarrier": "Cascade Mutual",
    "message": "Persistent low mood since spring; my GP suggested asking about ketamine.",
    "sourceArticle": ANXIETY,
    "consent": True,
}


@dataclass
class Stack:
    environment: dict[str, str]
    dynamodb: Any

    @property
    def requests_table(self) -> str:
        return self.environment["REQUESTS_TABLE"]

    @property
    def guard_table(self) -> str:
        return self.environment["GUARD_TABLE"]

    def requests(self) -> list[dict[str, Any]]:
        items = self.dynamodb.scan(TableName=self.requests_table)["Items"]
        read = TypeDeserializer().deserialize
        return [{key: read(value) for key, value in item.items()} for item in items]


@pytest.fixture
def stack(aws_world: AwsWorld, monkeypatch: pytest.MonkeyPatch, fake_aws: None) -> Iterator[Stack]:
    """Every bucket, table and secret of the template, content published, env as deployed."""
    with fresh_world(aws_world, published=True):
        for name, value in ENVIRONMENT.items():
            monkeypatch.setenv(name, value)
        yield Stack(ENVIRONMENT, shared_client("dynamodb"))


def invoke_function(function: str, event: dict[str, Any]) -> Any:
    """Call a template function's handler as Lambda would; its raw answer."""
    spec = TEMPLATE.functions[function]
    module, _, attribute = spec.handler.rpartition(".")
    handler = getattr(importlib.import_module(module), attribute)
    return handler(event, LambdaContext.for_invocation(function, timeout_s=spec.timeout_s))


def invoke(function: str, event: dict[str, Any]) -> Answer:
    """Call a function behind the HTTP API; its answer as the gateway reads it."""
    response = invoke_function(function, event)
    headers = {key.lower(): value for key, value in response.get("headers", {}).items()}
    return Answer(response["statusCode"], headers, response.get("body") or "")


def post(
    body: bytes | str,
    content_type: str | None,
    headers: dict[str, str] | None = None,
    source_ip: str = "198.51.100.7",
    base64_body: bool | None = None,
) -> Answer:
    """POST /appointments as HTTP API delivers it (non-text bodies base64-encoded)."""
    raw = body.encode() if isinstance(body, str) else body
    all_headers = {**({"content-type": content_type} if content_type else {}), **(headers or {})}
    event = http_event("POST", "/appointments", headers=all_headers)
    event["requestContext"]["http"]["sourceIp"] = source_ip
    encode = base64_body if base64_body is not None else content_type != "application/json"
    if raw:
        event["body"] = base64.b64encode(raw).decode() if encode else raw.decode()
        event["isBase64Encoded"] = encode
    return invoke(APPOINTMENTS, event)


def post_json(fields: dict[str, Any], **kwargs: Any) -> Answer:
    return post(json.dumps(fields), "application/json", **kwargs)


def post_form(pairs: list[tuple[str, str]] | dict[str, str], **kwargs: Any) -> Answer:
    return post(urlencode(pairs), "application/x-www-form-urlencoded", **kwargs)
