"""template.yaml as CloudFormation will receive it: translated offline by aws-sam-translator."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.tool_cache import installed, tool_report

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "template.yaml"

# CloudFormation hands a CommaDelimitedList parameter to the transform as a list. These
# origins appear nowhere in the template, so finding them in the translated CORS
# configuration proves the origins come from the AllowedOrigins parameter.
TEST_ORIGINS = ["https://clinic.example", "https://www.clinic.example"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def resources_of_type(cfn: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in cfn["Resources"].items()
        if resource["Type"] == resource_type
    }


@pytest.fixture(scope="session")
def cfn() -> dict[str, Any]:
    # Imported here: the translator takes most of a second to import, and this conftest
    # fixture module is imported by every test process, most of which never use it.
    from samtranslator.translator.arn_generator import ArnGenerator
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    class NoManagedPolicies(ManagedPolicyLoader):
        """The template names no managed policies: no IAM client, `load` never asks IAM."""

        def __init__(self) -> None:
            pass

        def load(self) -> dict[str, str]:
            return {}

    sam_template = yaml_parse(TEMPLATE_PATH.read_text(encoding="utf-8"))
    template = copy.deepcopy(sam_template)
    # `sam build`/`sam package` replace the local CodeUri with the uploaded artifact;
    # the translator only accepts an S3 location.
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://artifacts.example/functions.zip"
    # The translator derives the partition from the region: pin it so the result does
    # not depend on the machine's AWS configuration.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        mp.delenv("AWS_PROFILE", raising=False)
        mp.setattr(ArnGenerator, "BOTO_SESSION_REGION_NAME", "us-east-1")
        return transform(template, {"AllowedOrigins": TEST_ORIGINS}, NoManagedPolicies())


def cfn_lint(config: pytest.Config, template: Path) -> list[str]:
    """cfn-lint's errors and warnings on a template (kept for the same bytes and cfn-lint:
    its rules and schemas take seconds to load)."""

    def run() -> list[str]:
        from cfnlint.api import lint_file

        return [
            f"{match.rule.id} {match.message} (line {match.linenumber})"
            for match in lint_file(template)
            if match.rule.severity.lower() in ("error", "warning")
        ]

    inputs = [installed(Path(sys.prefix)), template.name, template]
    return tool_report(config, f"cfn-lint/{template.name}", inputs, run)


def role_statements(cfn: dict[str, Any], function: str) -> list[dict[str, Any]]:
    """Every statement of the inline policies of a function's role."""
    role = cfn["Resources"][f"{function}Role"]["Properties"]
    return [
        statement
        for policy in role.get("Policies", [])
        for statement in as_list(policy["PolicyDocument"]["Statement"])
    ]


def grants(statements: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Every allowed action with the resources it is allowed on (no wildcards, no Not*)."""
    allowed: dict[str, list[Any]] = {}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert "NotAction" not in statement and "NotResource" not in statement
        for action in as_list(statement["Action"]):
            assert "*" not in action, f"wildcard action {action!r}"
            allowed.setdefault(action, []).extend(as_list(statement["Resource"]))
    return allowed
