"""The events the local gateway sends, and those in events/, have the shape API Gateway sends.

The reference is SAM CLI's own sample of an HTTP API payload 2.0 event (`sam local
generate-event apigateway http-api-proxy`, no Docker needed). Shapes are compared
as {dotted key: type}: every key of the sample must be there with the same type,
except those API Gateway itself leaves out when they do not apply (ABSENT_UNLESS),
and no event may have a key the sample lacks.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from clinic_tools.local.gateway import Gateway, RouteTable
from clinic_tools.local.stack import free_port
from clinic_tools.local.template import load_template
from clinic_tools.local.workers import Workers
from tests.conftest import ROOT
from tests.integration.sam_cli import sam

pytestmark = pytest.mark.sam

# Keys whose own keys are free (any header name, any parameter): compared as maps of strings.
MAPS = {
    "headers",
    "queryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext.authorizer.jwt.claims",
}
# What API Gateway omits from the event, and when (the sample shows them all).
ABSENT_UNLESS = {
    "body": "the request has a body",
    "cookies": "the request has a Cookie header",
    "queryStringParameters": "the URL has a query string",
    "pathParameters": "the route has {parameters}",
    "stageVariables": "the stage defines stage variables (ours defines none)",
    "requestContext.authorizer": "the route has an authorizer (the staff routes)",
    "requestContext.authentication": "the API uses mutual TLS (ours does not)",
}
# What API Gateway sends as null, and when (the sample shows a value).
NULL_UNLESS = {
    "requestContext.authorizer.jwt.scopes": "the route asks for scopes (ours ask for none)",
}
EVENTS = sorted((ROOT / "events").glob("*.json"))

ECHO_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: code/
      Handler: echo.handler
      Runtime: python3.13
      Events:
        One: {Type: HttpApi, Properties: {Method: GET, Path: "/things/{name}"}}
        Add: {Type: HttpApi, Properties: {Method: POST, Path: /things}}
"""
ECHO_HANDLER = """\
import json


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event)}
"""


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    return json.loads(sam("local", "generate-event", "apigateway", "http-api-proxy").stdout)


@pytest.fixture(scope="module")
def echo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The local gateway and a worker over HTTP, serving a function that returns its event."""
    folder = tmp_path_factory.mktemp("echo")
    (folder / "template.yaml").write_text(ECHO_TEMPLATE)
    (folder / "code").mkdir()
    (folder / "code" / "echo.py").write_text(ECHO_HANDLER)
    template = load_template(folder / "template.yaml")
    workers = Workers(template.functions, {}, {}, size=1)
    port = free_port()
    gateway = Gateway(RouteTable(template.routes), template.cors, workers.invoke, _quiet, port)
    server = make_server("127.0.0.1", port, gateway, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        workers.stop()


def test_the_sample_still_has_what_this_test_allows_to_be_absent(sample: dict[str, Any]) -> None:
    assert set(ABSENT_UNLESS) <= set(shape(sample))


@pytest.mark.parametrize("path", EVENTS, ids=lambda path: path.stem)
def test_each_sample_event_has_api_gateways_shape(sample: dict[str, Any], path: Path) -> None:
    assert differences(json.loads(path.read_text()), sample) == []


def test_a_get_through_the_local_gateway_has_api_gateways_shape(
    sample: dict[str, Any], echo_api: str
) -> None:
    request = urllib.request.Request(
        f"{echo_api}/things/abc?tag=a&tag=b&empty=", headers={"Cookie": "a=1; b=2"}
    )
    event = echo(request)
    assert differences(event, sample) == []
    # The keys that apply to this request are there.
    assert event["pathParameters"] == {"name": "abc"}
    assert event["queryStringParameters"] == {"tag": "a,b", "empty": ""}
    assert event["cookies"] == ["a=1", "b=2"]


def test_a_form_post_through_the_local_gateway_has_api_gateways_shape(
    sample: dict[str, Any], echo_api: str
) -> None:
    form = b"firstName=Ada&consent=true"
    request = urllib.request.Request(
        f"{echo_api}/things",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    event = echo(request)
    assert differences(event, sample) == []
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == form


# --- shapes ---------------------------------------------------------------------


def shape(value: Any, path: str = "") -> dict[str, str]:
    """{dotted key: type name}; a map's keys are free, a list is typed by its items."""
    if isinstance(value, dict) and path in MAPS:
        kinds = sorted({type(item).__name__ for item in value.values()})
        return {path: f"map[{','.join(kinds)}]"}
    if isinstance(value, dict):
        found = {path: "object"} if path else {}
        for key, item in value.items():
            found |= shape(item, f"{path}.{key}" if path else key)
        return found
    if isinstance(value, list):
        return {path: f"list[{','.join(sorted({type(item).__name__ for item in value}))}]"}
    return {path: type(value).__name__}


def differences(event: dict[str, Any], sample: dict[str, Any]) -> list[str]:
    ours, theirs = shape(event), shape(sample)
    found = [f"unexpected {key}" for key in sorted(ours.keys() - theirs.keys())]
    for key, kind in theirs.items():
        if key not in ours:
            if not any(key == absent or key.startswith(f"{absent}.") for absent in ABSENT_UNLESS):
                found.append(f"missing {key}")
        elif ours[key] != kind and not (key in NULL_UNLESS and ours[key] == "NoneType"):
            found.append(f"{key} is {ours[key]}, API Gateway sends {kind}")
    return found


def echo(request: urllib.request.Request) -> dict[str, Any]:
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _quiet(*_: Any) -> None:
    return None
