"""A deployed stack's outputs, by key: how every `clinic` command finds what a deploy made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient

THIS_PROJECTS = "is it this project's?"


class StackError(Exception):
    """The named stack is not in this account and region, or lacks an output a command
    reads: every command says it in the same words (exit code AWS)."""


def stack_outputs(cloudformation: CloudFormationClient, stack: str) -> dict[str, str]:
    """`OutputKey` → `OutputValue` (none for a stack still being created)."""
    try:
        (described,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:  # CloudFormation's "Stack with id X does not exist"
        # Here, not at the top: `clinic` loads no function code until a subcommand runs.
        from clinic_api.core.aws_errors import error_code

        if error_code(error) == "ValidationError" and "does not exist" in str(error):
            raise StackError(f"No stack {stack!r} in this account and region.") from None
        raise
    return {
        item.get("OutputKey", ""): item.get("OutputValue", "")
        for item in described.get("Outputs", ())
    }


def required_output(
    outputs: Mapping[str, str], stack: str, *keys: str, hint: str = THIS_PROJECTS
) -> list[str]:
    """The values of `keys`, or a StackError naming every one the stack lacks."""
    missing = [key for key in keys if key not in outputs]
    if missing:
        noun = "output" if len(missing) == 1 else "outputs"
        raise StackError(f"Stack {stack!r} has no {', '.join(missing)} {noun}: {hint}")
    return [outputs[key] for key in keys]
