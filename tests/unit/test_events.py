"""events/ holds one sample HTTP API event per route, for `sam local invoke -e`; each one works.

That there is one per declared route is tests/unit/test_routes.py's to check.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinic_api.routes import all_routes
from tests.conftest import ROOT
from tests.fixture_content import ABOUT, ANXIETY, PHYSICIAN
from tests.unit.stack import VALID, Stack, invoke, post_json

EVENTS = sorted((ROOT / "events").glob("*.json"))
FUNCTION_OF_ROUTE = {route.key: function.function for function, route in all_routes()}


@pytest.mark.parametrize("path", EVENTS, ids=lambda path: path.stem)
def test_each_sample_event_gets_its_success_answer(stack: Stack, path: Path) -> None:
    event = json.loads(path.read_text())
    if "slug" in event.get("pathParameters", {}):  # it names content/'s: ask for ours
        ours = {"/pages/": ABOUT, "/providers/": PHYSICIAN}.get(
            event["rawPath"][: event["rawPath"].rfind("/") + 1], ANXIETY
        )
        event = json.loads(path.read_text().replace(event["pathParameters"]["slug"], ours))
    if "reference" in event.get("pathParameters", {}):  # a request of the local stack: send one
        event = _for_a_new_request(path.read_text(), event)
    answer = invoke(FUNCTION_OF_ROUTE[event["routeKey"]], event)
    if event["routeKey"].startswith("PATCH"):  # the sample change: made, with a new ETag
        assert answer.status == 200, answer.body
        assert answer.json()["status"] == "contacted"
    elif event["routeKey"] == "POST /appointments":  # a form post: on to the thank-you page
        assert answer.status == 303, answer.body
        assert answer.headers["location"].startswith(stack.environment["THANK_YOU_URL"])
        assert len(stack.requests()) == 1
    else:  # a read, or the inbox's search
        assert answer.status == 200, answer.body
        assert answer.headers["content-type"] == "application/json"
        assert answer.json()


def _for_a_new_request(text: str, event: dict) -> dict:
    from clinic_api.staff.requests import etag

    receipt = post_json(VALID).json()
    text = text.replace(event["pathParameters"]["reference"], receipt["reference"])
    if_match = event["headers"].get("if-match")
    if if_match:
        text = text.replace(if_match.replace('"', '\\"'), etag(receipt).replace('"', '\\"'))
    return json.loads(text)
