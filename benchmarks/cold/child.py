"""One cold invocation in a fresh process, as Lambda's runtime makes it: import the
handler, answer one event, report when the answer was ready. Run by the benchmark.

`python child.py HANDLER EVENT_FILE [--count WARM_EVENT_FILE]`: HANDLER is
`module.attribute`. The event is read before the clock starts (the runtime parses
it, not the function). With --count, every AWS call is counted through a botocore
hook that every session made afterwards hands its clients (so the handler's do),
and a second event (another visitor's) is then answered, warm; a counted run is
never a timed one.
"""

import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any

RESULT = "BENCH-RESULT "


class Context:
    """What the runtime hands the handler (the runtime's cost, not the function's)."""

    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    memory_limit_in_mb = 512
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 20_000


def count_calls() -> list[str]:
    """Every AWS call of every botocore session made from now on (boto3's and ours)."""
    from botocore.handlers import BUILTIN_HANDLERS

    calls: list[str] = []

    def note(model: Any, **_: Any) -> None:
        calls.append(f"{model.service_model.service_name}.{model.name}")

    BUILTIN_HANDLERS.append(("before-call", note))
    return calls


def main() -> None:
    handler_path, event_path = sys.argv[1], sys.argv[2]
    event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    warm_event = (
        json.loads(Path(sys.argv[4]).read_text(encoding="utf-8")) if "--count" in sys.argv else None
    )
    calls = count_calls() if warm_event is not None else None
    started = time.perf_counter()
    module_name, _, attribute = handler_path.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    imported = time.perf_counter()
    answer: dict[str, Any] = handler(event, Context())
    answered = time.time_ns()
    result: dict[str, Any] = {
        "answered_ns": answered,
        "import_s": imported - started,
        "handler_s": time.perf_counter() - imported,
        "status": answer.get("statusCode"),
        "body": str(answer.get("body", ""))[:400],
    }
    if calls is not None:
        result["cold_calls"] = list(calls)
        calls.clear()
        handler(warm_event, Context())
        result["warm_calls"] = list(calls)
    print(RESULT + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
