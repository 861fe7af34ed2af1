"""The warm path, in one process with the ContentFunction's environment: our handler and a
bare one returning the same article, interleaved in rounds; per-call nanoseconds, and the
AWS calls our handler made in the timed loop. Run by the benchmark: `python warm.py CALLS`."""

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from child import RESULT, Context, count_calls

ROUNDS = 20
WARMUP_CALLS = 200
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def time_calls(handler: Handler, event: dict[str, Any], calls: int, out: list[int]) -> None:
    context = Context()
    clock = time.perf_counter_ns
    for _ in range(calls):
        start = clock()
        handler(event, context)
        out.append(clock() - start)


def main() -> None:
    calls, event_path = int(sys.argv[1]), sys.argv[2]
    event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    counted = count_calls()
    from clinic_api.content.handler import lambda_handler

    answer = lambda_handler(event, Context())
    article = json.loads(answer["body"])
    loading_calls = list(counted)

    def bare(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {
            "statusCode": 200,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps(article),
        }

    for handler in (lambda_handler, bare):
        time_calls(handler, event, WARMUP_CALLS, [])
    counted.clear()
    ours: list[int] = []
    bare_ns: list[int] = []
    per_round = max(1, calls // ROUNDS)
    for round_ in range(ROUNDS):
        pairs = [(lambda_handler, ours), (bare, bare_ns)]
        for handler, out in pairs if round_ % 2 == 0 else pairs[::-1]:
            time_calls(handler, event, per_round, out)
    result = {
        "status": answer["statusCode"],
        "ours": ours,
        "bare": bare_ns,
        "loading_calls": loading_calls,
        "loop_calls": len(counted),
    }
    print(RESULT + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
