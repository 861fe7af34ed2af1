"""Cold start and warm path of every function, against floors and peers, in one run.

What a visitor of a cold container waits for: a fresh process that imports the
handler, makes its clients, makes its real AWS calls (against moto in server mode,
holding the template's resources and tests/fixtures/content published by `clinic
publish`) and answers. Each subject is measured against a floor (a hand-written
handler: boto3, one client, the one call it needs) in the same rounds, the order
rotated round by round; medians of --runs. Then per function `python -X importtime`
(self time per package), the AWS calls of a cold and a warm answer (botocore's
`before-call` hook), and the warm path: ContentFunction against a bare handler.
Requests come through the site's distribution (its secret header), as deployed.

Run with `make bench`, or `.venv/bin/python benchmarks/cold_start.py [--runs N]
[--calls N] [--only KEY,...]`. It prints figures; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import Any

from cold import events
from cold.runner import RESULT, Cold, cold_runs, counted, import_profile, run_child
from cold.subjects import Seed, Subject, appointments, content, floors, staff_and_notify
from cold.world import World, running_world

COLD_DIR = Path(__file__).resolve().parent / "cold"
PROFILED = ("article", "form-json", "form-post", "staff-get", "notify")


def seed_request(world: World, subject: Subject) -> Seed:
    """One stored request (through the real handler) for the staff routes and the notifier."""
    result, _ = run_child(subject, 100_000, world)
    body = json.loads(result["body"])
    return Seed(body["id"], body["reference"])


def calls_text(calls: list[str]) -> str:
    if not calls:
        return "none"
    counts = Counter(calls)
    return ", ".join(f"{name}" + (f" x{n}" if n > 1 else "") for name, n in counts.items())


def print_cold(
    subjects: list[Subject], cold: dict[str, Cold], calls: dict[str, Any], runs: int
) -> None:
    print(
        f"\n| Cold first answer, fresh process (median of {runs}) | answer | floor | x floor "
        "| goal | imports | handler | AWS calls cold / warm |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for subject in subjects:
        row = cold[subject.key]
        floor = cold[subject.floor] if subject.floor else row
        ratio = row.elapsed_s / floor.elapsed_s
        goal = (
            f"≤ {subject.goal:.1f}x {'met' if ratio <= subject.goal else 'NOT met'}"
            if subject.goal
            else ""
        )
        counted = calls.get(subject.key)
        call_counts = f"{len(counted[0])} / {len(counted[1])}" if counted else "not counted"
        print(
            f"| {subject.label} | {row.elapsed_s * 1000:.0f} ms | {floor.elapsed_s * 1000:.0f} ms "
            f"| {ratio:.2f}x | {goal} | {row.import_s * 1000:.0f} ms "
            f"| {row.handler_s * 1000:.0f} ms | {call_counts} |"
        )


def print_calls(subjects: list[Subject], calls: dict[str, Any]) -> None:
    print("\nAWS calls per answer (botocore before-call), cold → warm:")
    for subject in subjects:
        if subject.key in calls:
            cold_calls, warm_calls = calls[subject.key]
            print(f"- {subject.label}: {calls_text(cold_calls)} → {calls_text(warm_calls)}")


def print_profiles(profiles: dict[str, list[tuple[str, float]]], labels: dict[str, str]) -> None:
    print("\n`python -X importtime`, self time per top-level package (ms), one cold answer:")
    for key, ranked in profiles.items():
        costs = ", ".join(f"{name} {ms:.0f}" for name, ms in ranked)
        print(f"- {labels[key]}: {costs}")


def warm_path(world: World, calls: int) -> dict[str, Any]:
    env = world.environments["ContentFunction"]
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(events.article(), file)
        file.flush()
        done = subprocess.run(
            [sys.executable, str(COLD_DIR / "warm.py"), str(calls), file.name],
            env=env,
            capture_output=True,
            text=True,
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"warm path failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1].removeprefix(RESULT))


def percentiles(samples_ns: list[int]) -> tuple[float, float]:
    """(p50, p99) in microseconds."""
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return cuts[49] / 1000, cuts[98] / 1000


def print_warm(warm: dict[str, Any]) -> None:
    ours50, ours99 = percentiles(warm["ours"])
    bare50, bare99 = percentiles(warm["bare"])
    ratio = ours50 / bare50
    print(f"\n| Warm GET /articles/{{slug}} ({len(warm['ours']):,} calls each) | p50 | p99 |")
    print("|---|---:|---:|")
    print(
        f"| ContentFunction `lambda_handler` | {ours50:.0f} µs ({ratio:.1f}x bare; goal ≤ 2x: "
        f"{'met' if ratio <= 2 else 'NOT met'}) | {ours99:.0f} µs |"
    )
    print(f"| Bare handler returning the same dict | {bare50:.0f} µs | {bare99:.0f} µs |")
    print(
        f"\nWarm path AWS calls: {calls_text(warm['loading_calls'])} for the first answer, "
        f"{warm['loop_calls']} in the timed loop."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=9, help="timed fresh processes per subject")
    parser.add_argument("--calls", type=int, default=2000, help="timed warm calls per handler")
    parser.add_argument(
        "--only", default="", help="subject keys (with their floors), comma-separated"
    )
    parser.add_argument(
        "--functions", type=Path, help="another checkout's functions/ (to compare before/after)"
    )
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()} on {platform.machine()}; boto3 {version('boto3')}, "
        f"aws-lambda-powertools {version('aws-lambda-powertools')}, moto {version('moto')}, "
        f"fastapi {version('fastapi')}, mangum {version('mangum')}"
    )
    with running_world(args.functions) as world:
        seed = seed_request(world, appointments()[0])
        measured = content() + appointments() + staff_and_notify(seed)
        wanted = set(args.only.split(",")) if args.only else set()
        if wanted:
            measured = [subject for subject in measured if subject.key in wanted]
        used = {subject.floor for subject in measured}
        subjects = [floor for floor in floors() if floor.key in used] + measured
        calls = {}
        for number, subject in enumerate(subjects):
            cold_calls, warm_calls, _ = counted(subject, 200_000 + 10 * number, world)
            calls[subject.key] = (cold_calls, warm_calls)
        labels = {subject.key: subject.label for subject in subjects}
        profiles = {
            subject.key: import_profile(subject, 300_000 + number, world)
            for number, subject in enumerate(subjects)
            if subject.key in PROFILED
        }
        cold = cold_runs(subjects, args.runs, world, first_run=0)
        warm = warm_path(world, args.calls) if not wanted or "article" in wanted else None
    print_cold(subjects, cold, calls, args.runs)
    print_calls(subjects, calls)
    print_profiles(profiles, labels)
    if warm is not None:
        print_warm(warm)


if __name__ == "__main__":
    main()
