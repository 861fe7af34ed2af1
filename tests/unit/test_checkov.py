"""checkov on template.yaml and on the SAM-translated template: no unexplained failure.

A real finding is fixed in the template; any other is skipped inline in the
resource's Metadata (`checkov:skip=CKV_...:reason`), so the reason sits beside
the resource. checkov runs from .venv-checkov (`make checkov`): it pins boto3
1.35, which the dev venv must not be held to.

One checkov run reads both templates (its own start-up is half of a run's seconds),
and its report is kept for the same templates and the same checkov (tests/tool_cache.py).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.tool_cache import installed, tool_report
from tests.unit.sam_template import TEMPLATE_PATH

CHECKOV_VENV = ROOT / ".venv-checkov"
CHECKOV = CHECKOV_VENV / "bin" / "checkov"
COMMAND = ["--framework", "cloudformation", "--output", "json", "--compact", "--skip-download"]

pytestmark = pytest.mark.checkov


def checkov(templates: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """checkov's JSON report on each CloudFormation template, from one run; fails (never
    skips) without checkov."""
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: run `make checkov` (`make test` builds it first)")
    files = [option for path in templates.values() for option in ("--file", str(path))]
    done = subprocess.run(
        [str(CHECKOV), *files, *COMMAND],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.stdout, done.stderr
    report = json.loads(done.stdout)
    report = report[0] if isinstance(report, list) else report
    return {name: of_file(report, path) for name, path in templates.items()}


def of_file(report: dict[str, Any], path: Path) -> dict[str, Any]:
    """The part of a report on several files that is about `path` (checks, parsing errors)."""

    def about(entry: dict[str, Any] | str) -> bool:
        where = entry["file_abs_path"] if isinstance(entry, dict) else entry
        return (ROOT / where).resolve() == path.resolve()

    results = report.get("results", {})
    return {"results": {outcome: list(filter(about, got)) for outcome, got in results.items()}}


@pytest.fixture(scope="module")
def reports(
    cfn: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> dict[str, dict[str, Any]]:
    translated = tmp_path_factory.mktemp("checkov") / "translated.json"
    translated.write_text(json.dumps(cfn), encoding="utf-8")
    templates = {"template.yaml": TEMPLATE_PATH, "translated": translated}
    inputs = [*COMMAND, installed(CHECKOV_VENV), *templates, *templates.values()]
    return tool_report(pytestconfig, "checkov", inputs, lambda: checkov(templates))


def results(report: dict[str, Any], outcome: str) -> list[str]:
    """'CKV_... LogicalId' of every check with this outcome (SAM's and translated types alike).

    Not `--quiet`: it would leave the passed and the skipped checks out of the report.
    """
    return sorted(
        f"{check['check_id']} {check['resource'].rpartition('.')[2]}"
        for check in report.get("results", {}).get(f"{outcome}_checks", [])
    )


def unexplained_skips(report: dict[str, Any]) -> list[str]:
    return [
        f"{check['check_id']} {check['resource']}"
        for check in report.get("results", {}).get("skipped_checks", [])
        if len((check.get("check_result", {}).get("suppress_comment") or "").strip()) < 10
    ]


# Fixed in the template for issue 12: these must pass, never be skipped.
FIXED = {
    "CKV_AWS_158 AppointmentsFunctionLogGroup",  # the logs key
    "CKV_AWS_158 StaffFunctionLogGroup",
    "CKV_AWS_158 NotifyFunctionLogGroup",
    "CKV_AWS_18 ContentBucket",  # access logs to AccessLogBucket
    "CKV_AWS_115 AppointmentsFunction",  # reserved concurrency
    "CKV_AWS_68 SiteDistribution",  # WebACLId from WebAclArn
}


def assert_nothing_unexplained(report: dict[str, Any]) -> None:
    assert results(report, "failed") == []
    assert results(report, "skipped"), "no skipped check in the report: is it --quiet?"
    assert unexplained_skips(report) == []
    assert FIXED - set(results(report, "passed")) == set()


def test_checkov_finds_nothing_unexplained_in_template_yaml(
    reports: dict[str, dict[str, Any]],
) -> None:
    assert_nothing_unexplained(reports["template.yaml"])


def test_checkov_finds_nothing_unexplained_in_the_translated_template(
    reports: dict[str, dict[str, Any]],
) -> None:
    assert_nothing_unexplained(reports["translated"])
