"""A deployed stack's outputs, by key: how every `clinic` command finds what a deploy made."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient


def stack_outputs(cloudformation: CloudFormationClient, stack: str) -> dict[str, str]:
    """`OutputKey` → `OutputValue` (none for a stack still being created)."""
    (described,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    return {
        item.get("OutputKey", ""): item.get("OutputValue", "")
        for item in described.get("Outputs", ())
    }
