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

import boto3
import pytest
from moto import mock_aws

from clinic_tools.local.lambda_context import LambdaContext
from clinic_tools.local.template import load_template
from tests.conftest import ROOT, Answer, http_event, publish_sample_content
from tests.fixture_content import ANXIETY

TEMPLATE = load_template(ROOT / "template.yaml")
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
        read = boto3.dynamodb.types.TypeDeserializer().deserialize
        return [{key: read(value) for key, value in item.items()} for item in items]


def forget_containers() -> None:
    """Empty every per-container cache, as a new Lambda execution environment would be."""
    from clinic_api.appointments import handler, identity, settings
    from clinic_api.content.store import article_store
    from clinic_api.core import clients

    for cached in (
        clients.s3_client,
        clients.dynamodb_client,
        clients.secrets_client,
        clients.sns_client,
        identity._hash_key,
        settings.intake_settings,
        settings._site_cache,
        handler._accept_once,
        article_store,
    ):
        cached.cache_clear()


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch, fake_aws: None) -> Iterator[Stack]:
    """Every bucket, table and secret of the template, content published, env as deployed."""
    from clinic_tools.local.stack import create_resources

    environment: dict[str, str] = {}
    for function in TEMPLATE.functions.values():
        environment.update(function.environment)
    with mock_aws():
        forget_containers()
        create_resources(TEMPLATE, None)
        publish_sample_content(environment["CONTENT_BUCKET"], boto3.client("s3"))
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        yield Stack(environment, boto3.client("dynamodb"))
        forget_containers()


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
