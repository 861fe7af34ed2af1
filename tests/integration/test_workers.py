"""workers.py: each function in its own processes, with its own environment, one event at a time."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from clinic_tools.local.gateway import Gateway, RouteTable
from clinic_tools.local.template import Function, Route
from clinic_tools.local.workers import SDK, InvocationFailed, Workers, function_environment

HANDLERS = """\
import os
import sys
import time


def environment(event, context):
    return {name: os.environ.get(name) for name in event["names"]}


def context(event, context):
    return {
        "name": context.function_name,
        "arn": context.invoked_function_arn,
        "memory": context.memory_limit_in_mb,
        "remaining": context.get_remaining_time_in_millis(),
        "request": context.aws_request_id,
    }


def modules(event, context):
    return sorted(name for name in event["names"] if name in sys.modules)


def fail(event, context):
    raise ValueError("a bug in the handler")


def slow(event, context):
    started = time.monotonic()
    time.sleep(event["seconds"])
    return {"pid": os.getpid(), "started": started, "ended": time.monotonic()}
"""
TEMPLATE_ENV = {
    "FROM": "template",
    "PARAM": "template",
    "OWN": "template",
    "AWS_REGION": "eu-west-1",
}
OVERRIDES = {
    "Parameters": {"PARAM": "parameters", "OWN": "parameters", "AWS_REGION": "parameters"},
    "EnvFunction": {"OWN": "function", "AWS_REGION": "function"},
    "OtherFunction": {"OWN": "not this one"},
}
FORCED = {"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:5999"}


def function(
    name: str, handler: str, code: Path, environment: dict[str, str] | None = None
) -> Function:
    return Function(name, f"handlers.{handler}", code, 256, 3, environment or {})


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    """One worker per function (size 1), so 'one at a time' is visible."""
    code = tmp_path_factory.mktemp("code")
    (code / "handlers.py").write_text(HANDLERS)
    functions = {
        "EnvFunction": function("EnvFunction", "environment", code, TEMPLATE_ENV),
        "ContextFunction": function("ContextFunction", "context", code),
        "FailFunction": function("FailFunction", "fail", code),
        "ModulesFunction": function("ModulesFunction", "modules", code),
        "SlowFunction": function("SlowFunction", "slow", code),
    }
    running = Workers(functions, OVERRIDES, FORCED, size=1)
    yield running
    running.stop()


def test_environment_precedence_template_then_env_json_then_forced(tmp_path: Path) -> None:
    env = function_environment(
        function("EnvFunction", "environment", tmp_path, TEMPLATE_ENV), OVERRIDES, FORCED
    )
    assert env["FROM"] == "template"
    assert env["PARAM"] == "parameters"  # env.json "Parameters" applies to every function
    assert env["OWN"] == "function"  # env.json's entry for this function wins over that
    assert env["AWS_REGION"] == "us-east-1"  # forced: env.json cannot point us at real AWS
    assert env["_HANDLER"] == "handlers.environment"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"


def test_the_worker_process_runs_with_that_environment(workers: Workers) -> None:
    names = ["FROM", "PARAM", "OWN", "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_LAMBDA_FUNCTION_NAME"]
    assert workers.invoke("EnvFunction", {"names": names}) == {
        "FROM": "template",
        "PARAM": "parameters",
        "OWN": "function",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:5999",
        "AWS_LAMBDA_FUNCTION_NAME": "EnvFunction",
    }


def test_a_worker_starts_with_the_sdk_imported_and_nothing_of_the_gateway(
    workers: Workers,
) -> None:
    gateway = ["clinic_tools.local.gateway", "clinic_tools.local.dev", "werkzeug", "moto"]
    # Powertools reads the function's variables at import: a worker imports it after they
    # are set, so a fork server must not have imported it before.
    late = ["aws_lambda_powertools", "aws_lambda_powertools.metrics.provider.cold_start"]
    names = [*SDK, *gateway, *late]
    loaded = workers.invoke("ModulesFunction", {"names": names})
    assert loaded == sorted(SDK)


def test_each_invocation_gets_a_lambda_context(workers: Workers) -> None:
    first = workers.invoke("ContextFunction", {})
    second = workers.invoke("ContextFunction", {})
    assert first["name"] == "ContextFunction"
    assert first["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:ContextFunction"
    assert first["memory"] == 256
    assert 0 < first["remaining"] <= 3000  # the function's 3 s timeout
    assert first["request"] != second["request"]


def test_a_handler_that_raises_is_an_invocation_failure_and_the_worker_lives_on(
    workers: Workers,
) -> None:
    for _ in range(2):
        with pytest.raises(InvocationFailed, match="FailFunction raised"):
            workers.invoke("FailFunction", {})
    assert workers.invoke("ContextFunction", {})["name"] == "ContextFunction"


def test_the_gateway_answers_500_when_the_handler_raises(workers: Workers) -> None:
    gateway = Gateway(
        RouteTable([Route("GET", "/fail", "FailFunction")]), None, workers.invoke, _no_log, 3000
    )
    response = gateway.handle(Request(EnvironBuilder(path="/fail").get_environ()))
    assert response.status_code == 500
    assert json.loads(response.get_data()) == {"message": "Internal Server Error"}


def test_a_worker_serves_one_invocation_at_a_time(workers: Workers) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(
            pool.map(lambda _: workers.invoke("SlowFunction", {"seconds": 0.2}), range(3))
        )
    assert len({result["pid"] for result in results}) == 1  # the function's only worker
    spans = sorted((result["started"], result["ended"]) for result in results)
    for (_, ended), (started, _) in itertools.pairwise(spans):
        assert ended <= started  # no overlap: each waited for the previous one


def _no_log(*_: Any) -> None:
    return None


# --- restart (what --reload and a re-publish do) ---------------------------------


VERSIONED = """\
import pathlib
import time


def which(event, context):
    if "marker" in event:  # tells the test this invocation is under way
        pathlib.Path(event["marker"]).touch()
        time.sleep(0.5)
    return {version!r}
"""


def write_version(code: Path, version: str) -> None:
    (code / "handlers.py").write_text(VERSIONED.format(version=version))


def test_restart_runs_the_new_code_and_lets_invocations_in_flight_finish(tmp_path: Path) -> None:
    write_version(tmp_path, "v1")
    workers = Workers({"Which": function("Which", "which", tmp_path)}, {}, {}, size=1)
    try:
        assert workers.invoke("Which", {}) == "v1"
        write_version(tmp_path, "v2")
        assert workers.invoke("Which", {}) == "v1"  # a warm worker keeps the code it imported
        marker = tmp_path / "under-way"
        in_flight: list[str] = []
        slow = threading.Thread(
            target=lambda: in_flight.append(workers.invoke("Which", {"marker": str(marker)}))
        )
        slow.start()
        wait_for(marker)
        workers.restart()
        slow.join()
        assert in_flight == ["v1"]  # finished on the old worker, not cut off
        assert workers.invoke("Which", {}) == "v2"
    finally:
        workers.stop()


def wait_for(path: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def test_a_restart_whose_new_code_fails_to_import_keeps_the_old_workers(tmp_path: Path) -> None:
    write_version(tmp_path, "v1")
    workers = Workers({"Which": function("Which", "which", tmp_path)}, {}, {}, size=1)
    try:
        (tmp_path / "handlers.py").write_text("def which(event, context):\n    return (\n")
        with pytest.raises(RuntimeError, match="failed to import"):
            workers.restart()
        assert workers.invoke("Which", {}) == "v1"
    finally:
        workers.stop()


def test_a_worker_that_cannot_be_replaced_fails_fast_instead_of_hanging(tmp_path: Path) -> None:
    (tmp_path / "handlers.py").write_text(
        "import os\n\ndef crash(event, context):\n    os._exit(1)\n"
    )
    workers = Workers({"Crash": function("Crash", "crash", tmp_path)}, {}, {}, size=1)
    try:
        (tmp_path / "handlers.py").write_text("this is not python\n")  # the replacement fails
        with pytest.raises(InvocationFailed):
            workers.invoke("Crash", {})
        started = time.monotonic()
        with pytest.raises(InvocationFailed, match="not running"):
            workers.invoke("Crash", {})
        assert time.monotonic() - started < 10
    finally:
        workers.stop()


def test_clinic_dev_takes_a_number_of_workers_per_function_of_at_least_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from clinic_tools.cli import parser

    assert parser().parse_args(["dev"]).workers is None  # the default, WORKERS_PER_FUNCTION
    assert parser().parse_args(["dev", "--workers", "1"]).workers == 1
    with pytest.raises(SystemExit):
        parser().parse_args(["dev", "--workers", "0"])
    # The wording every `clinic` count uses (clinic_tools.staff.commands.positive).
    assert "argument --workers: must be a whole number from 1" in capsys.readouterr().err
