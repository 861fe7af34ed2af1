"""The CPU work of each function's cold answer, in instructions, against its floor.

Wall times on a machine shared with other work move by ±20 % from run to run; the
instructions a fresh process executes up to its answer barely move (two runs of the same
code agree within 1 %), so a change of a few milliseconds shows. Each subject is one
cold answer as `make bench` makes it (cold/child.py, the same world, events and floors)
under valgrind's callgrind, counted until the answer is ready: the interpreter's shutdown
is not a visitor's wait. What this leaves out is waiting (the AWS calls' round trips, the
disk): `make bench` says how long, this says how much work. `--functions DIR` counts
another checkout's functions/ beside this one's, for a before and after.

Run with `make bench-instructions` (about 40 s a subject: Python runs some 40 times
slower under valgrind), or `.venv/bin/python benchmarks/instructions.py [--only KEY,...]
[--functions DIR]`. Needs valgrind (`apt-get install valgrind`). It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from cold.runner import CHILD, event_file, run_child
from cold.subjects import Subject, appointments, content, floors, staff_and_notify
from cold.world import World, running_world
from cold_start import seed_request

DEFAULT = ("article", "search", "form-json", "form-post", "staff-list")
# child.py as a script, then out before the interpreter's shutdown (after the answer).
UNTIL_ANSWERED = (
    "import os, runpy, sys; sys.argv = sys.argv[1:]; "
    "sys.path.insert(0, os.path.dirname(sys.argv[0])); "
    "runpy.run_path(sys.argv[0], run_name='__main__'); sys.stdout.flush(); os._exit(0)"
)


def instructions(
    valgrind: str, subject: Subject, run: int, environment: dict[str, str], world: World
) -> int:
    """Instructions of one cold answer (all threads), after a run that wrote the bytecode."""
    world.environments[subject.function] = environment
    run_child(subject, run, world)
    event = event_file(subject.event(run + 1))
    try:
        command = [sys.executable, "-c", UNTIL_ANSWERED, str(CHILD), subject.handler, event]
        done = subprocess.run(
            [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
            env=environment,
            capture_output=True,
            text=True,
        )
    finally:
        Path(event).unlink()
    counted = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or counted is None or '"status"' not in done.stdout:
        raise SystemExit(f"{subject.key} failed:\n{done.stderr[-2000:]}")
    return int(counted[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", default=",".join(DEFAULT), help="subject keys, comma-separated")
    parser.add_argument("--functions", type=Path, help="another checkout's functions/ (before)")
    args = parser.parse_args()
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("needs valgrind: apt-get install valgrind")
    wanted = args.only.split(",")
    with running_world() as world:
        seed = seed_request(world, appointments()[0])
        measured = [
            s for s in content() + appointments() + staff_and_notify(seed) if s.key in wanted
        ]
        used = {subject.floor for subject in measured}
        subjects = [floor for floor in floors() if floor.key in used] + measured
        counts: dict[str, dict[str, int]] = {}
        for number, subject in enumerate(subjects):
            environment = world.environments[subject.function]
            variants = {"now": environment}
            if args.functions:
                path = os.pathsep.join([str(args.functions.resolve()), environment["PYTHONPATH"]])
                variants = {"before": {**environment, "PYTHONPATH": path}, **variants}
            counts[subject.key] = {
                name: instructions(valgrind, subject, 500_000 + 10 * number + 2 * index, env, world)
                for index, (name, env) in enumerate(variants.items())
            }
            world.environments[subject.function] = environment
            print(f"counted {subject.key}", file=sys.stderr, flush=True)
    print_table(subjects, counts)


def print_table(subjects: list[Subject], counts: dict[str, dict[str, int]]) -> None:
    before = any("before" in row for row in counts.values())
    print("| Cold answer | instructions | x floor |" + (" before | change |" if before else ""))
    print("|---|---:|---:|" + ("---:|---:|" if before else ""))
    for subject in subjects:
        row = counts[subject.key]
        floor = counts[subject.floor or subject.key]["now"]
        cells = [f"{row['now'] / 1e6:,.0f} M", f"{row['now'] / floor:.2f}x"]
        if before:
            cells += [f"{row['before'] / 1e6:,.0f} M", f"{row['now'] / row['before'] - 1:+.1%}"]
        print(f"| {subject.label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
