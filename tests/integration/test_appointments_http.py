"""POST /appointments over HTTP against the local stack, as a browser and a frontend send it."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from clinic_tools.local.template import load_template
from tests.conftest import ROOT
from tests.integration.conftest import LocalStack, call, local_aws, preflight

pytestmark = pytest.mark.integration

TEMPLATE = load_template(ROOT / "template.yaml")
APPOINTMENTS = TEMPLATE.functions["AppointmentsFunction"].environment
REQUEST: dict[str, Any] = {
    "patientStatus": "existing",
    "firstName": "Tomasz",
    "lastName": "Wójcik",
    "phone": "+1 503 555 0188",
    "preferredContact": "text",
    "okToText": True,
    "service": "medication-management",
    "consent": True,
}


def send(
    stack: LocalStack, body: bytes, content_type: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    reply = call(
        f"{stack.api}/appointments",
        method="POST",
        headers={"Content-Type": content_type, **(headers or {})},
        data=body,
    )
    return reply.status, reply.headers, reply.body


def stored(stack: LocalStack, request_id: str) -> dict[str, Any] | None:
    dynamodb = local_aws().client("dynamodb", endpoint_url=stack.aws)
    found = dynamodb.get_item(
        TableName=APPOINTMENTS["REQUESTS_TABLE"], Key={"id": {"S": request_id}}
    )
    return found.get("Item")


def assert_site_page(stack: LocalStack, location: str, page: str, parameter: str) -> None:
    """The template's page, on the local site's origin when `clinic dev` serves the site."""
    url = urlsplit(location)
    assert url.path == urlsplit(page).path
    assert url.query.startswith(f"{parameter}=")
    if url.scheme:  # the site is served: the redirect names its origin, whatever its port
        assert f"{url.scheme}://{url.netloc}" == stack.site


def test_a_json_request_is_stored_in_the_table(local_stack: LocalStack) -> None:
    status, _, body = send(local_stack, json.dumps(REQUEST).encode(), "application/json")
    assert status == 201
    receipt = json.loads(body)
    item = stored(local_stack, receipt["id"])
    assert item is not None
    assert item["reference"]["S"] == receipt["reference"]
    assert item["phone"]["S"] == "+15035550188"
    assert item["status"]["S"] == "new"


def test_the_local_stack_has_no_edge_and_refuses_nothing(local_stack: LocalStack) -> None:
    """Deployed, a request without the distribution's X-Origin-Verify is 403; locally
    there is no distribution, so a request without it (or with a guess) is served."""
    for headers in ({}, {"X-Origin-Verify": "guess", "X-Viewer-Address": "203.0.113.5"}):
        status, _, body = send(
            local_stack, json.dumps(REQUEST).encode(), "application/json", headers
        )
        assert status == 201, body
        assert call(f"{local_stack.api}/health", headers=headers).status == 200


def test_a_plain_form_post_is_redirected_to_the_thank_you_page(local_stack: LocalStack) -> None:
    form = {key: value for key, value in REQUEST.items() if isinstance(value, str)}
    form |= {"okToText": "on", "consent": "on", "lastName": "Nowak"}
    status, headers, _ = send(
        local_stack, urlencode(form).encode(), "application/x-www-form-urlencoded"
    )
    assert status == 303
    assert_site_page(local_stack, headers["location"], APPOINTMENTS["THANK_YOU_URL"], "reference")
    assert "content-type" not in headers  # no body, so no type: as API Gateway passes it on


def test_a_json_body_in_latin_1_reaches_the_function_as_its_bytes(local_stack: LocalStack) -> None:
    body = json.dumps({**REQUEST, "lastName": "Müller"}, ensure_ascii=False).encode("latin-1")
    status, _, reply = send(local_stack, body, "application/json; charset=iso-8859-1")
    assert status == 201, reply
    item = stored(local_stack, json.loads(reply)["id"])
    assert item is not None and item["lastName"]["S"] == "Müller"


def test_a_multipart_form_post_is_redirected_like_any_form(local_stack: LocalStack) -> None:
    form = {key: value for key, value in REQUEST.items() if isinstance(value, str)}
    form |= {"okToText": "on", "consent": "on", "lastName": "Kowalska", "send": "Send"}
    boundary = "----formBoundaryHttpTest"
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in form.items()
    )
    body = f"{parts}--{boundary}--\r\n".encode()
    status, headers, _ = send(local_stack, body, f"multipart/form-data; boundary={boundary}")
    assert status == 303
    assert_site_page(local_stack, headers["location"], APPOINTMENTS["THANK_YOU_URL"], "reference")


def test_a_post_with_no_body_and_no_content_type_is_415(local_stack: LocalStack) -> None:
    # data=None: urllib would add a form Content-Type to any body, even an empty one.
    reply = call(f"{local_stack.api}/appointments", method="POST", data=None)
    assert reply.status == 415
    assert reply.headers["content-type"] == "application/problem+json"


def test_a_refused_form_post_goes_to_the_error_page_without_values(
    local_stack: LocalStack,
) -> None:
    form = {"firstName": "Tomasz", "email": "not-an-address"}
    status, headers, _ = send(
        local_stack, urlencode(form).encode(), "application/x-www-form-urlencoded"
    )
    assert status == 303
    assert_site_page(local_stack, headers["location"], APPOINTMENTS["FORM_ERROR_URL"], "errors")
    assert "Tomasz" not in headers["location"] and "not-an-address" not in headers["location"]


def test_twenty_concurrent_submissions_with_one_key_leave_one_item(
    local_stack: LocalStack,
) -> None:
    body = json.dumps({**REQUEST, "firstName": "Concurrent"}).encode()
    key = {"Idempotency-Key": "integration-concurrency-0001"}
    with ThreadPoolExecutor(20) as pool:
        answers = list(
            pool.map(lambda _: send(local_stack, body, "application/json", key), range(20))
        )
    statuses = [status for status, _, _ in answers]
    assert set(statuses) <= {201, 409}, statuses
    receipts = {raw for status, _, raw in answers if status == 201}
    ids = {json.loads(raw)["id"] for raw in receipts}
    assert len(ids) == 1
    assert stored(local_stack, ids.pop()) is not None
    for status, headers, _ in answers:
        if status == 409:
            assert int(headers["retry-after"]) > 0


def test_the_browser_may_send_an_idempotency_key_cross_origin(local_stack: LocalStack) -> None:
    url, origin = f"{local_stack.api}/appointments", "http://localhost:5173"
    allowed = preflight(url, origin, "POST", "content-type,idempotency-key")
    assert allowed.status == 204
    assert "idempotency-key" in allowed.headers["access-control-allow-headers"].lower()
