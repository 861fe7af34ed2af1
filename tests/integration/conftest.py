"""The local stack, started once per session in a subprocess, as a developer starts it.

A subprocess, not in-process: moto's in-process `mock_aws` (used by the unit tests)
and an in-process moto server share one store, and entering `mock_aws` wipes it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from clinic_tools.local.cognito import LocalStaffPool, find_staff_pool, new_staff_token
from clinic_tools.local.stack import free_port
from clinic_tools.local.template import load_template
from tests.conftest import CONTENT, ROOT
from tests.integration.browser import browser, watched  # noqa: F401 (fixtures for browser tests)

# Idle, the stack answers in about 5 s; a shared 2-core CI machine can take several times that.
STARTUP_TIMEOUT_S = 90
REQUESTS_TABLE = "clinic-requests-local"
# For a module's own stack whose tests send one request at a time: a worker per function
# instead of two, five fewer processes to start (each forked with boto3 loaded, then
# importing its handler: about 0.15 s of CPU).
ONE_WORKER = ("--workers", "1")


# The longest files (a wall-clock minute or so each on an idle machine: the fuzz, a stack
# of their own, Chromium, timeouts waited out), run first. `make test` hands out whole files
# in collection order (--dist loadfile --no-loadscope-reorder): started last, one of them
# would keep one core busy while the other idles; started first, the short files fill in.
LONGEST_FIRST = (
    "test_fuzz.py",
    "test_staff_browser.py",
    "test_faults.py",
    "test_reload.py",
    "test_site_browser.py",
    "test_site_images_browser.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files in LONGEST_FIRST ahead of every other test, in that order (a stable sort)."""
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@dataclass(frozen=True)
class LocalStack:
    api: str  # http://127.0.0.1:<port>
    aws: str  # moto's endpoint
    log: Path  # what it printed, while it runs
    site: str  # http://127.0.0.1:<port>, served when the project has a site/ folder


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a browser would follow a 303; the tests read its Location


_OPENER = urllib.request.build_opener(_NoRedirects)


def call(
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
) -> Reply:
    """One HTTP request, as a browser or a frontend sends it; any status is an answer."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=20) as response:
            return Reply(response.status, _lower(response.headers), response.read())
    except urllib.error.HTTPError as error:  # 3xx, 4xx and 5xx land here
        return Reply(error.code, _lower(error.headers), error.read())


def preflight(url: str, origin: str, method: str, headers: str) -> Reply:
    """The CORS preflight a browser sends before a cross-origin `method` with `headers`."""
    asked = {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }
    return call(url, method="OPTIONS", headers=asked)


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def local_aws() -> boto3.session.Session:
    """A boto3 session with the local stack's fake keys and region (pass its `aws` endpoint)."""
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )


@pytest.fixture
def requests_table(local_stack: LocalStack) -> Iterator[Any]:
    """The local requests table, read as staff would (moto, fake keys)."""
    yield local_aws().resource("dynamodb", endpoint_url=local_stack.aws).Table(REQUESTS_TABLE)


def stored_requests(table: Any, reference: str) -> list[dict[str, Any]]:
    """The stored requests with this reference (the one the patient was shown)."""
    items = table.scan()["Items"]
    return [item for item in items if item.get("reference") == reference]


def _wait_for_health(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    output = log.read_text(errors="replace")
    process.kill()
    pytest.fail(f"clinic dev did not answer /health within {STARTUP_TIMEOUT_S} s:\n{output}")


@contextmanager
def running_clinic_dev(*options: str, cwd: Path = ROOT) -> Iterator[LocalStack]:
    """`clinic dev` on free ports in a subprocess, answering /health, until the block ends."""
    api_port, aws_port, site_port = free_port(), free_port(), free_port()
    command = [sys.executable, "-m", "clinic_tools.cli", "dev", *options]
    command += ["--port", str(api_port), "--aws-port", str(aws_port)]
    command += ["--site-port", str(site_port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "clinic-dev.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        stack = LocalStack(
            f"http://127.0.0.1:{api_port}",
            f"http://127.0.0.1:{aws_port}",
            log,
            f"http://127.0.0.1:{site_port}",
        )
        try:
            _wait_for_health(stack.api, process, log)
            yield stack
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    # Every test posts from 127.0.0.1: lift the per-address limit (unit-tested on
    # its own) so that the tests' order cannot decide their outcome. Every post takes a
    # slot, the fuzzer's invalid ones too, hence far more than any run sends.
    overrides = tmp_path_factory.mktemp("env") / "env.json"
    overrides.write_text(json.dumps({"AppointmentsFunction": {"RATE_LIMIT_MAX": "100000"}}))
    with running_clinic_dev("--env-vars", str(overrides), "--content", str(CONTENT)) as stack:
        yield stack


@pytest.fixture(scope="session")
def local_staff_pool(local_stack: LocalStack) -> LocalStaffPool:
    """The staff user pool `clinic dev` made in its moto from the template."""
    pool = find_staff_pool(load_template(ROOT / "template.yaml"), local_stack.aws)
    assert pool is not None, "clinic dev made no staff user pool"
    return pool


StaffToken = Callable[..., str]


@pytest.fixture(scope="session")
def staff_token(local_staff_pool: LocalStaffPool) -> StaffToken:
    """`staff_token(groups=("staff",))`: a real ID token from the local pool, signed in
    with password and TOTP code, for a new user in those groups (none: `groups=()`)."""

    def issue(groups: Iterable[str] = ("staff",)) -> str:
        return new_staff_token(local_staff_pool, groups)

    return issue
