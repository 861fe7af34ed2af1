"""The context object Lambda hands a Python handler, for the local stack, tests and benchmarks.

One definition, so that whatever a handler or Powertools reads from it (the
Logger's function fields, Idempotency's remaining time) behaves the same in
`clinic dev`, in unit tests and in `make bench`.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from clinic_tools.local.template import ACCOUNT_ID, REGION

# Lambda's own defaults for a function that sets neither MemorySize nor Timeout.
DEFAULT_MEMORY_MB = 128
DEFAULT_TIMEOUT_S = 3


def _deadline_ms(timeout_s: int) -> float:
    return time.time() * 1000 + timeout_s * 1000


@dataclass
class LambdaContext:
    """The attributes of Lambda's Python context object that handlers and Powertools read.

    Every field has a default, so a test can write `LambdaContext("ContentFunction")`;
    the ARN and log group follow from the function name unless given.
    """

    function_name: str = "local"
    memory_limit_in_mb: int = DEFAULT_MEMORY_MB
    invoked_function_arn: str = ""
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    deadline_ms: float = field(default_factory=lambda: _deadline_ms(DEFAULT_TIMEOUT_S))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    identity: None = None  # set only for invocations through the mobile SDKs
    client_context: None = None

    def __post_init__(self) -> None:
        name = self.function_name
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"
        self.invoked_function_arn = self.invoked_function_arn or arn
        self.log_group_name = self.log_group_name or f"/aws/lambda/{name}"

    @classmethod
    def for_invocation(
        cls,
        function_name: str,
        *,
        memory_mb: int = DEFAULT_MEMORY_MB,
        timeout_s: int = DEFAULT_TIMEOUT_S,
        request_id: str | None = None,
    ) -> LambdaContext:
        """The context of one invocation starting now: its deadline is `timeout_s` away."""
        return cls(
            function_name=function_name,
            memory_limit_in_mb=memory_mb,
            aws_request_id=request_id or str(uuid.uuid4()),
            deadline_ms=_deadline_ms(timeout_s),
        )

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self.deadline_ms - time.time() * 1000))
