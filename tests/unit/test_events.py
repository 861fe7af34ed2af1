"""events/ holds one sample HTTP API event per route, for `sam local invoke -e`; each one works."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

from tests.conftest import ROOT, invoke_content

EVENTS = sorted((ROOT / "events").glob("*.json"))


def template_routes() -> set[str]:
    template = yaml_parse((ROOT / "template.yaml").read_text())
    return {
        f"{event['Properties']['Method']} {event['Properties']['Path']}"
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
        for event in resource["Properties"].get("Events", {}).values()
        if event["Type"] == "HttpApi"
    }


def test_every_route_in_the_template_has_one_sample_event() -> None:
    route_keys = [json.loads(path.read_text())["routeKey"] for path in EVENTS]
    assert sorted(route_keys) == sorted(template_routes())


@pytest.mark.parametrize("path", EVENTS, ids=lambda path: path.stem)
def test_each_sample_event_gets_a_200_from_the_handler(published: Any, path: Path) -> None:
    answer = invoke_content(json.loads(path.read_text()))
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()
