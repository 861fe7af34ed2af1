"""The counts' EMF line is the one Powertools' Metrics writes for the same counts, which
CloudWatch turns into the metrics the template's alarms watch."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

from clinic_api.core.metrics import Counts
from tests.conftest import http_event, invoke_content
from tests.fixture_content import ANXIETY


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def _timeless(line: dict[str, Any]) -> dict[str, Any]:
    return {**line, "_aws": {**line["_aws"], "Timestamp": 0}}


def test_the_line_is_powertools_line_for_the_same_counts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Clinic")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "clinic-content")
    counts, theirs = Counts(), Metrics()
    for _ in range(2):  # the second line is made from the first's (kept) encoding
        for name in ("SearchServed", "SearchWithoutHits", "SearchServed"):
            counts.add(name)
            theirs.add_metric(name=name, unit=MetricUnit.Count, value=1)
        before = int(time.time() * 1000)

        counts.flush()
        theirs.flush_metrics()

        ours, powertools = _lines(capsys)
        assert _timeless(ours) == _timeless(powertools)
        assert list(ours) == list(powertools)  # the same keys in the same order
        assert before <= ours["_aws"]["Timestamp"] <= int(time.time() * 1000)


def test_each_invocation_writes_its_own_counts_and_none_without_any(
    capsys: pytest.CaptureFixture[str],
) -> None:
    counts = Counts()

    @counts.written_after
    def handler(name: str | None) -> None:
        if name:
            counts.add(name)
        if name == "Boom":
            raise RuntimeError

    handler("RequestStored")
    handler(None)
    with pytest.raises(RuntimeError):
        handler("Boom")

    written = _lines(capsys)
    assert [[key for key in line if key[0].isupper()] for line in written] == [
        ["RequestStored"],
        ["Boom"],
    ]


def test_a_function_counts_what_it_served_under_its_namespace_and_service(
    published: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    capfd.readouterr()
    event = http_event(
        "GET", f"/articles/{ANXIETY}", route="/articles/{slug}", path_parameters={"slug": ANXIETY}
    )

    assert invoke_content(event).status == 200

    lines = [json.loads(line) for line in capfd.readouterr().out.splitlines() if '"_aws"' in line]
    (line,) = lines
    (metrics,) = line["_aws"]["CloudWatchMetrics"]
    # Namespace and service are the environment's when the handler was first imported (as
    # Lambda's init reads them), which another test of this process may have set: the line
    # names some, under the one dimension the alarms use.
    assert metrics["Namespace"] and line["service"]
    assert metrics["Dimensions"] == [["service"]]
    assert metrics["Metrics"] == [{"Name": "ArticleServed", "Unit": "Count"}]
    assert line["ArticleServed"] == [1.0]


def test_without_a_namespace_the_function_fails_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    # Powertools raised at every flush; CloudWatch drops a line without a namespace.
    monkeypatch.delenv("POWERTOOLS_METRICS_NAMESPACE")

    with pytest.raises(ValueError, match="POWERTOOLS_METRICS_NAMESPACE"):
        Counts()
