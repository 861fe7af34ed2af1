"""checkov on template.yaml and on the SAM-translated template: no unexplained failure.

A real finding is fixed in the template; any other is skipped inline in the
resource's Metadata (`checkov:skip=CKV_...:reason`), so the reason sits beside
the resource. checkov runs from .venv-checkov (`make checkov`): it pins boto3
1.35, which the dev venv must not be held to.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.unit.sam_template import TEMPLATE_PATH

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"

pytestmark = pytest.mark.checkov


def checkov(template: Path) -> dict[str, Any]:
    """checkov's JSON report on one CloudFormation template; fails (never skips) without it."""
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: run `make checkov` (`make test` builds it first)")
    done = subprocess.run(
        [str(CHECKOV), "--file", str(template), "--framework", "cloudformation",
         "--output", "json", "--compact", "--skip-download"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.stdout, done.stderr
    report = json.loads(done.stdout)
    return report[0] if isinstance(report, list) else report


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


def test_checkov_finds_nothing_unexplained_in_template_yaml() -> None:
    assert_nothing_unexplained(checkov(TEMPLATE_PATH))


def test_checkov_finds_nothing_unexplained_in_the_translated_template(
    cfn: dict[str, Any], tmp_path: Path
) -> None:
    translated = tmp_path / "translated.json"
    translated.write_text(json.dumps(cfn), encoding="utf-8")
    assert_nothing_unexplained(checkov(translated))
