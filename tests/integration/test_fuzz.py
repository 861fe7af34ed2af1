"""A fuzzer from outside finds nothing: Schemathesis against the local stack's own /openapi.json.

Every operation, every phase (examples, coverage, fuzzing, stateful) and every
check but `unsupported_method`: schemathesis.toml holds the settings (`make
fuzz` runs the same against `make dev`), tests/fuzz/hooks.py what the document
cannot generate by itself (valid phone numbers and names, fresh idempotency
keys, real cursors).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_api.routes import all_routes
from tests.conftest import ROOT
from tests.integration.conftest import LocalStack, StaffToken

pytestmark = pytest.mark.integration

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Examples per operation in the fuzzing and stateful phases (schemathesis.toml's 50 for
# `make fuzz`). The seed is fixed, so every run repeats the same cases: 25 still make about
# 1,000 requests (the coverage phase's boundary cases are all sent whatever the budget),
# and each stored request makes the staff list dearer, so 50 cost 30 s of CPU more.
EXAMPLES = 25


def test_a_fuzzer_finds_nothing_in_the_whole_api(
    local_stack: LocalStack, staff_token: StaffToken
) -> None:
    command = [str(SCHEMATHESIS), "run", f"{local_stack.api}/openapi.json"]
    command += ["--url", local_stack.api, "--no-color", "--generation-database", "none"]
    command += ["--max-examples", str(EXAMPLES)]
    # Schemathesis leaves out the operation that serves the document unless a filter names it.
    command += ["--include-path-regex", "^/"]
    # An admin's token: the staff routes are fuzzed behind the authorizer, not just refused.
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CLINIC_FUZZ_STAFF_TOKEN": staff_token(groups=("admin",)),
    }
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-20_000:]
    operations = len(all_routes())
    assert f"{operations} selected / {operations} total" in report
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):  # each ran, none was skipped
        assert f"\u2705 {phase}" in report, report[-20_000:]
