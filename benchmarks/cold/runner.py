"""Fresh processes: timed cold runs (alternating, medians), counted runs, import profiles."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .subjects import Subject
from .world import World

COLD_DIR = Path(__file__).resolve().parent
CHILD = COLD_DIR / "child.py"
RESULT = "BENCH-RESULT "


class ChildFailed(RuntimeError):
    pass


def run_child(
    subject: Subject, run: int, world: World, *, count: bool = False, importtime: bool = False
) -> tuple[dict[str, Any], str]:
    """One fresh process answering the subject's event: (its result, its stderr).

    `elapsed_s` runs from just before the process is spawned to the moment its
    answer was ready, the wait a visitor of a cold container has (less Lambda's own).
    """
    env = world.environments[subject.function]
    files = [event_file(subject.event(run))]
    if count:  # the warm answer is another visitor's (the next run's event)
        files.append(event_file(subject.event(run + 1)))
    flags = ["-X", "importtime"] if importtime else []
    command = [sys.executable, *flags, str(CHILD), subject.handler, files[0]]
    try:
        spawned = time.time_ns()
        done = subprocess.run(
            [*command, *(["--count", files[1]] if count else [])],
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        for name in files:
            Path(name).unlink()
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if done.returncode != 0 or not lines:
        raise ChildFailed(f"{subject.key} failed:\n{done.stderr[-3000:]}")
    result = json.loads(lines[-1].removeprefix(RESULT))
    result["elapsed_s"] = (result["answered_ns"] - spawned) / 1e9
    return result, done.stderr


def event_file(event: dict[str, Any]) -> str:
    """The event as a JSON file for a child to read (the caller removes it)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(event, file)
    return file.name


@dataclass
class Cold:
    """Medians of the timed runs, per subject."""

    elapsed_s: float
    import_s: float
    handler_s: float
    status: int


def cold_runs(subjects: list[Subject], runs: int, world: World, first_run: int) -> dict[str, Cold]:
    """Every subject once per round, the order rotated round by round, after one warm-up
    round (bytecode caches, the OS page cache); medians of `runs` rounds."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    run = first_run
    for round_ in range(-1, runs):
        shift = max(round_, 0) % len(subjects)
        for subject in subjects[shift:] + subjects[:shift]:
            run += 1
            result, _ = run_child(subject, run, world)
            if round_ >= 0:
                rows[subject.key].append(result)
    return {
        key: Cold(
            statistics.median(r["elapsed_s"] for r in results),
            statistics.median(r["import_s"] for r in results),
            statistics.median(r["handler_s"] for r in results),
            results[-1]["status"],
        )
        for key, results in rows.items()
    }


def counted(
    subject: Subject, run: int, world: World
) -> tuple[list[str], list[str], dict[str, Any]]:
    """The AWS calls of a cold and then a warm answer, in order."""
    result, _ = run_child(subject, run, world, count=True)
    return result["cold_calls"], result["warm_calls"], result


def import_profile(
    subject: Subject, run: int, world: World, top: int = 6
) -> list[tuple[str, float]]:
    """`python -X importtime` of a cold answer: self time summed per top-level package (ms),
    most expensive first, and the total as ("all", ms)."""
    _, stderr = run_child(subject, run, world, importtime=True)
    by_package: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        by_package[name.split(".")[0]] += int(self_us) / 1000
    ranked = sorted(by_package.items(), key=lambda pair: -pair[1])
    return [*ranked[:top], ("all", sum(by_package.values()))]
