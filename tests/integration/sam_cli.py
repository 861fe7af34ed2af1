"""SAM CLI, run as a developer runs it: from .venv-sam (built by `make sam`; `make test` does it).

It gets fake credentials, a region and no profile, so that nothing it does can
reach an AWS account, and no telemetry.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

SAM = ROOT / ".venv-sam" / "bin" / "sam"
_UNSAFE = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")


def sam(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `sam ARGS`; fail the test (never skip it) when SAM CLI is missing or fails."""
    if not SAM.exists():
        pytest.fail(f"{SAM} is missing: run `make sam` (`make test` builds it first)")
    env = {name: value for name, value in os.environ.items() if name not in _UNSAFE}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        SAM_CLI_TELEMETRY="0",
        # The template's runtime is python3.13; pyenv machines resolve it through this.
        PYENV_VERSION="3.13.0",
    )
    done = subprocess.run(
        [str(SAM), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        pytest.fail(f"sam {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done
