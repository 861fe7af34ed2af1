"""The Lambda bundle (CodeUri: functions/) needs only what the functions import."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

FUNCTIONS = ROOT / "functions"
# Provided by the Lambda runtime itself.
RUNTIME = {"boto3", "botocore"}
# Imported only by `*/schemas.py`, the contract that `clinic openapi` and tests read.
DOCS_ONLY = {"pydantic"}


def imported_top_levels(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def requirement_names(lines: list[str]) -> set[str]:
    return {
        re.split(r"[<>=!~\[ ;]", line.strip(), maxsplit=1)[0].lower()
        for line in lines
        if line.strip() and not line.startswith("#")
    }


def test_functions_never_import_the_tools() -> None:
    for path in FUNCTIONS.rglob("*.py"):
        assert "clinic_tools" not in imported_top_levels(path), path


def test_every_third_party_import_is_in_the_bundle_requirements() -> None:
    bundled = {"aws_lambda_powertools"}
    requirements = requirement_names((FUNCTIONS / "requirements.txt").read_text().splitlines())
    assert {"aws-lambda-powertools"} <= requirements
    for path in FUNCTIONS.rglob("*.py"):
        third_party = imported_top_levels(path) - set(sys.stdlib_module_names) - {"clinic_api"}
        allowed = bundled | RUNTIME | (DOCS_ONLY if path.name == "schemas.py" else set())
        assert third_party <= allowed, f"{path}: {third_party - allowed}"


def test_bundle_requirements_are_pinned_and_within_the_project_bounds() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = requirement_names(project["dependencies"])
    for line in (FUNCTIONS / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"pin the deployed version exactly: {line}"
            assert requirement_names([line]) <= declared
