"""Every `clinic` command that reads a deployed stack says, in the same words, that the stack
is not there or is not this project's, and exits with the AWS code (not CloudFormation's
"ValidationError ... does not exist")."""

from __future__ import annotations

import json

import pytest

from clinic_tools.cli import main
from clinic_tools.exit_codes import ExitCode
from tests.conftest import CONTENT
from tests.worker_plugin import shared_client

# Each command that takes --stack, and an output it reads first.
FIXTURE = ["--content", str(CONTENT)]
COMMANDS = {
    "publish": (["publish", *FIXTURE], "ContentBucketName"),
    "site deploy": (["site", "deploy", *FIXTURE], "SiteUrl"),
    "staff list": (["staff", "list"], "StaffUserPoolId"),
    "requests list": (["requests", "list"], "RequestsTableName"),
    "notify redrive": (["notify", "redrive", *FIXTURE], "NotifyDeadLetterQueueUrl"),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_stack_not_in_the_account_is_named(
    s3: object, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments, _ = COMMANDS[command]
    assert main([*arguments, "--stack", "clinic-gone"]) == ExitCode.AWS
    said = capsys.readouterr().err
    assert "No stack 'clinic-gone' in this account and region." in said
    assert "ValidationError" not in said


@pytest.mark.parametrize("command", COMMANDS)
def test_a_stack_of_another_project_is_named_with_the_output_it_lacks(
    s3: object, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    shared_client("cloudformation").create_stack(
        StackName="other-app", TemplateBody=json.dumps(template)
    )
    arguments, output = COMMANDS[command]
    assert main([*arguments, "--stack", "other-app"]) == ExitCode.AWS
    assert f"Stack 'other-app' has no {output}" in capsys.readouterr().err
