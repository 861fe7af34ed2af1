"""A cold start as Lambda runs the bundle: from a read-only folder holding the requirements
and our package, with and without the bytecode functions/Makefile compiles.

`make bench` runs the functions from this checkout, whose __pycache__ folders hold
bytecode. Lambda's /var/task is read-only, so a bundle without bytecode (what SAM's
Python builder makes) is compiled again at every cold start. Here both bundles are
built by functions/Makefile for this machine's platform (BYTECODE=0 and 1), and the
content and appointments functions answer their first request from each in fresh
processes that write no bytecode (PYTHONDONTWRITEBYTECODE), alternating with the floors,
against the benchmark's moto world (benchmarks/cold).

Run: `make bench-bytecode`, or `.venv/bin/python benchmarks/bytecode.py [--runs 9]`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

from cold.runner import cold_runs
from cold.subjects import Subject, appointments, content, floors
from cold.world import ROOT, World, running_world
from cold_start import print_cold

FUNCTIONS = ROOT / "functions"
ARCHITECTURES = ("x86_64", "aarch64")  # as `uname -m` and the wheels' tags both name them
VARIANTS = {"0": "no bytecode (SAM's Python build)", "1": "with bytecode (functions/Makefile)"}


def build_bundle(function: str, folder: Path, bytecode: str) -> None:
    """functions/Makefile's bundle for this machine's architecture (its requirements kept in
    the bundles' own temporary folder: every run installs them afresh)."""
    machine = platform.machine().lower()
    make = shutil.which("make")
    if platform.system() != "Linux" or machine not in ARCHITECTURES or make is None:
        raise SystemExit(
            "The bundles hold Linux wheels: run this on Linux (x86_64, aarch64), with make"
        )
    subprocess.run(
        [
            make,
            "--silent",
            "-C",
            str(FUNCTIONS),
            f"build-{function}",
            f"ARTIFACTS_DIR={folder}",
            f"LAMBDA_ARCH={machine}",
            f"BYTECODE={bytecode}",
            f"LAMBDA_DEPS_CACHE={folder.parent / 'requirements'}",
        ],
        check=True,
    )


def variants(world: World, bundles: Path) -> tuple[World, list[Subject]]:
    """Each measured subject once per bundle, each bundle an environment of its own."""
    environments = dict(world.environments)
    subjects: list[Subject] = []
    measured = [content()[0], appointments()[0]]  # an article; the JSON form
    for subject in measured:
        for bytecode, label in VARIANTS.items():
            folder = bundles / f"{subject.function}-{bytecode}"
            build_bundle(subject.function, folder, bytecode)
            name = f"{subject.function}@{bytecode}"
            python_path = os.pathsep.join([str(folder), str(ROOT / "benchmarks")])
            environments[name] = {
                **world.environments[subject.function],
                "PYTHONPATH": python_path,
                "PYTHONDONTWRITEBYTECODE": "1",  # as on Lambda's read-only /var/task
            }
            subjects.append(
                dataclasses.replace(
                    subject,
                    key=f"{subject.key}@{bytecode}",
                    label=f"{subject.label}, {label}",
                    function=name,
                    goal=None,
                )
            )
    return dataclasses.replace(world, environments=environments), subjects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=9, help="timed fresh processes per subject")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clinic-bundles-") as bundles, running_world() as world:
        world, measured = variants(world, Path(bundles))
        used = {subject.floor for subject in measured}
        subjects = [floor for floor in floors() if floor.key in used] + measured
        cold = cold_runs(subjects, args.runs, world, first_run=500_000)
    print_cold(subjects, cold, {}, args.runs)


if __name__ == "__main__":
    main()
