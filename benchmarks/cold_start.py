"""ContentFunction's cold start and warm latency, as ratios measured in one run.

1. Cold import, each run in a fresh Python process: the floor (`import boto3`
   and one S3 client), ours (`clinic_api.content.handler` and its first
   `s3_client()`) and the same route in FastAPI + Mangum
   (`benchmarks/fastapi_handler.py`). The child times its imports with
   `perf_counter`; the parent times the whole process. Candidates alternate run
   by run after one warm-up process each (so bytecode caches exist); medians.
2. Warm `GET /articles/{slug}`, in-process under moto with `content/`
   published: our `lambda_handler` against a bare handler returning the same
   article dict, interleaved in rounds; per-call p50/p99, and the S3 calls our
   handler made in the timed loop (0 expected: the cache serves it).

Run with `make bench` (installs the `bench` group, then runs this file), or
`.venv/bin/python benchmarks/cold_start.py [--runs N] [--calls N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from clinic_tools.local.lambda_context import LambdaContext

BENCH_DIR = Path(__file__).resolve().parent
CONTENT = BENCH_DIR.parent / "content"
SLUG = "what-to-expect-at-a-ketamine-infusion-visit"
ROUNDS = 20
WARMUP_CALLS = 200

CHILD = "import time\nt0 = time.perf_counter()\n{body}\nprint(time.perf_counter() - t0)\n"
CANDIDATES = {
    "floor": 'import boto3\nboto3.client("s3")',
    "ours": "import clinic_api.content.handler\n"
    "from clinic_api.core.clients import s3_client\ns3_client()",
    "fastapi": "import fastapi_handler\nfastapi_handler.s3_client()",
}
LABELS = {
    "floor": "Floor: Python + boto3 + one S3 client",
    "ours": "ContentFunction (Powertools resolver, lean)",
    "fastapi": "FastAPI + Mangum, same route",
}
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def configure_env() -> dict[str, str]:
    """Fake AWS and quiet Powertools, here and in the children; no real account reachable."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "PYTHONDONTWRITEBYTECODE"):
        os.environ.pop(name, None)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[name] = "testing"
    os.environ.update(AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1")
    os.environ.setdefault("CONTENT_BUCKET", "clinic-content-bench")
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "clinic-bench")
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ClinicBench")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore", message="No application metrics")
    return dict(os.environ)


def run_child(name: str, env: dict[str, str]) -> tuple[float, float]:
    """(seconds the child spent importing, seconds the whole process took)."""
    code = CHILD.format(body=CANDIDATES[name])
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=BENCH_DIR, env=env, capture_output=True, text=True
    )
    process = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{name} child failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1]), process


def cold_imports(runs: int, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Median (import, process) seconds per candidate, candidates rotated run by run."""
    names = list(CANDIDATES)
    for name in names:
        run_child(name, env)  # warm-up: writes bytecode caches, fills the OS page cache
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for run in range(runs):
        for name in names[run % len(names) :] + names[: run % len(names)]:
            samples[name].append(run_child(name, env))
    return {
        name: (
            statistics.median(imported for imported, _ in rows),
            statistics.median(process for _, process in rows),
        )
        for name, rows in samples.items()
    }


def article_event(slug: str) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event for GET /articles/{slug}."""
    path = f"/articles/{slug}"
    http = {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.10"}
    return {
        "version": "2.0",
        "routeKey": "GET /articles/{slug}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"host": "api.example.test", "user-agent": "bench"},
        "pathParameters": {"slug": slug},
        "requestContext": {
            "http": http,
            "requestId": "req-1",
            "routeKey": "GET /articles/{slug}",
            "stage": "$default",
            "timeEpoch": 1795860000000,
        },
        "isBase64Encoded": False,
    }


class CallCounter:
    """A botocore `before-call` handler: counts the API calls a client makes."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, **_: Any) -> None:
        self.count += 1


def time_calls(handler: Handler, event: dict[str, Any], calls: int, out: list[int]) -> None:
    context = LambdaContext.for_invocation("ContentFunction", memory_mb=512)
    clock = time.perf_counter_ns
    for _ in range(calls):
        start = clock()
        handler(event, context)
        out.append(clock() - start)


@dataclass
class Warm:
    ours: list[int]
    bare: list[int]
    loading_calls: int
    loop_calls: int


def warm_invocations(calls: int) -> Warm:
    """Our handler and a bare one, interleaved in rounds, under moto with content/ published."""
    import boto3
    from moto import mock_aws

    with mock_aws(), Path(os.devnull).open("w") as devnull, redirect_stdout(devnull):
        from clinic_api.content.handler import lambda_handler
        from clinic_api.content.store import article_store
        from clinic_api.core.clients import s3_client
        from clinic_tools.publish.publisher import publish

        bucket = os.environ["CONTENT_BUCKET"]
        client = boto3.client("s3")
        client.create_bucket(Bucket=bucket)
        publish(CONTENT, bucket, client, report=lambda _: None)
        counter = CallCounter()
        s3_client().meta.events.register("before-call.s3.*", counter)
        article = article_store().article(SLUG)
        if article is None:
            raise RuntimeError(f"{SLUG} is not published")
        loading_calls = counter.count

        def bare(event: dict[str, Any], context: Any) -> dict[str, Any]:
            body = json.dumps(article)
            return {
                "statusCode": 200,
                "headers": {"Content-Type": "application/json"},
                "body": body,
            }

        event = article_event(SLUG)
        answer = lambda_handler(
            event, LambdaContext.for_invocation("ContentFunction", memory_mb=512)
        )
        if answer["statusCode"] != 200 or json.loads(answer["body"]) != article:
            raise RuntimeError(f"unexpected answer: {answer['statusCode']}")
        for handler in (lambda_handler, bare):
            time_calls(handler, event, WARMUP_CALLS, [])
        counter.count = 0
        ours: list[int] = []
        bare_ns: list[int] = []
        per_round = max(1, calls // ROUNDS)
        for round_ in range(ROUNDS):
            pairs = [(lambda_handler, ours), (bare, bare_ns)]
            for handler, out in pairs if round_ % 2 == 0 else pairs[::-1]:
                time_calls(handler, event, per_round, out)
        return Warm(ours, bare_ns, loading_calls, counter.count)


def percentiles(samples_ns: list[int]) -> tuple[float, float]:
    """(p50, p99) in microseconds."""
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return cuts[49] / 1000, cuts[98] / 1000


def report(cold: dict[str, tuple[float, float]], runs: int, warm: Warm) -> None:
    floor_import, floor_process = cold["floor"]
    print(
        f"\n| Cold start, fresh process (median of {runs}) | imports + client | x floor "
        "| whole process | x floor |"
    )
    print("|---|---:|---:|---:|---:|")
    for name, (imported, process) in cold.items():
        print(
            f"| {LABELS[name]} | {imported * 1000:.0f} ms | {imported / floor_import:.2f}x "
            f"| {process * 1000:.0f} ms | {process / floor_process:.2f}x |"
        )
    ours50, ours99 = percentiles(warm.ours)
    bare50, bare99 = percentiles(warm.bare)
    print(
        f"\n| Warm GET /articles/{{slug}} ({len(warm.ours):,} calls each) "
        "| p50 | x bare | p99 | x bare |"
    )
    print("|---|---:|---:|---:|---:|")
    print(
        f"| ContentFunction `lambda_handler` | {ours50:.0f} µs | {ours50 / bare50:.1f}x "
        f"| {ours99:.0f} µs | {ours99 / bare99:.1f}x |"
    )
    print(f"| Bare handler, same dict | {bare50:.1f} µs | 1.0x | {bare99:.1f} µs | 1.0x |")
    print(
        f"\nS3 calls: {warm.loading_calls} while loading the article, "
        f"{warm.loop_calls} in the timed loop (0 expected)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per candidate")
    parser.add_argument("--calls", type=int, default=2000, help="timed warm calls per handler")
    args = parser.parse_args()
    env = configure_env()
    print(
        f"Python {platform.python_version()} on {platform.machine()}; boto3 {version('boto3')}, "
        f"aws-lambda-powertools {version('aws-lambda-powertools')}, "
        f"fastapi {version('fastapi')}, mangum {version('mangum')}"
    )
    cold = cold_imports(args.runs, env)
    ours_ratio = cold["ours"][0] / cold["floor"][0]
    print(
        f"cold imports: ours/floor {ours_ratio:.2f}x (target <= 1.4x: "
        f"{'met' if ours_ratio <= 1.4 else 'NOT met'}), "
        f"fastapi/floor {cold['fastapi'][0] / cold['floor'][0]:.2f}x"
    )
    warm = warm_invocations(args.calls)
    report(cold, args.runs, warm)


if __name__ == "__main__":
    main()
