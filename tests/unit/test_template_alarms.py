"""The alarms page on what matters, each with its runbook section (translated template)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.unit.sam_template import resources_of_type

RUNBOOK = Path(__file__).resolve().parents[2] / "docs" / "runbook.md"
TOPIC = {"Ref": "StaffTopic"}


def _alarms(cfn: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: alarm["Properties"]
        for name, alarm in resources_of_type(cfn, "AWS::CloudWatch::Alarm").items()
    }


def _stat(props: dict[str, Any], metric_id: str) -> dict[str, Any]:
    (query,) = [m for m in props["Metrics"] if m["Id"] == metric_id]
    return query["MetricStat"]


def _anchors() -> set[str]:
    headings = re.findall(r"^## (.+)$", RUNBOOK.read_text(encoding="utf-8"), re.MULTILINE)
    return {heading.strip().lower() for heading in headings}


def test_every_alarm_pages_staff_and_links_its_own_runbook_section(cfn: dict[str, Any]) -> None:
    anchors = _anchors()
    for name, props in _alarms(cfn).items():
        assert props["AlarmActions"] == [TOPIC], name
        assert props["TreatMissingData"] == "notBreaching", name
        links = re.findall(r"docs/runbook\.md#([a-z0-9-]+)", props["AlarmDescription"])
        assert links == [name.lower()], f"{name} links {links}"
        assert name.lower() in anchors, f"docs/runbook.md has no section {name}"


def test_the_api_5xx_alarm_is_a_sustained_rate_over_a_minimum_of_requests(
    cfn: dict[str, Any],
) -> None:
    props = _alarms(cfn)["Api5xxAlarm"]
    (rate,) = [m for m in props["Metrics"] if "Expression" in m]
    assert rate["Expression"] == "IF(FILL(requests, 0) >= 20, FILL(errors, 0) / requests, 0)"
    assert _stat(props, "errors")["Metric"]["MetricName"] == "5xx"
    assert _stat(props, "requests")["Metric"]["MetricName"] == "Count"
    # Not one 5xx: a share (5 %) in 3 of the last 5 periods.
    assert 0 < props["Threshold"] < 1
    assert (props["DatapointsToAlarm"], props["EvaluationPeriods"]) == (3, 5)


def test_dynamodb_errors_and_throttles_are_watched_on_every_table(cfn: dict[str, Any]) -> None:
    tables = set(resources_of_type(cfn, "AWS::DynamoDB::Table"))
    alarms = _alarms(cfn)
    query = alarms["DynamoDbErrorsAlarm"]["Metrics"][0]["Expression"]
    assert "SUM(SystemErrors)" in json.dumps(query)
    assert {t for t in tables if "${" + t + "}" in json.dumps(query)} == tables
    throttles = alarms["DynamoDbThrottlesAlarm"]
    metrics = [m["MetricStat"]["Metric"] for m in throttles["Metrics"] if "MetricStat" in m]
    watched = {(m["MetricName"], m["Dimensions"][0]["Value"]["Ref"]) for m in metrics}
    events = ("ReadThrottleEvents", "WriteThrottleEvents")
    assert watched == {(event, table) for event in events for table in tables}
    (total,) = [m for m in throttles["Metrics"] if "Expression" in m]
    assert total["Expression"].count("FILL(") == len(watched)


def test_a_surge_of_refusals_as_too_many_pages_but_one_sender_does_not(
    cfn: dict[str, Any],
) -> None:
    props = _alarms(cfn)["AppointmentsRateLimitedAlarm"]
    # The appointments function's own metric: `Refused{status}` under its service name.
    assert (props["Namespace"], props["MetricName"]) == ("Clinic", "Refused429")
    assert props["Dimensions"] == [{"Name": "service", "Value": "clinic-appointments"}]
    assert props["Threshold"] >= 50 and props["EvaluationPeriods"] >= 2


def test_the_surge_alarm_watches_the_appointments_functions_own_namespace_and_service(
    cfn: dict[str, Any],
) -> None:
    props = _alarms(cfn)["AppointmentsRateLimitedAlarm"]
    function = cfn["Resources"]["AppointmentsFunction"]["Properties"]["Environment"]["Variables"]
    assert props["Namespace"] == function["POWERTOOLS_METRICS_NAMESPACE"]
    assert props["Dimensions"][0]["Value"] == function["POWERTOOLS_SERVICE_NAME"]
