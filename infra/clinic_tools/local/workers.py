"""Each function runs in its own worker processes, one invocation at a time per worker.

That is how Lambda runs code: an execution environment has its own environment
variables and serves one event at a time. Powertools keeps the current event in
class-level state, so threads sharing one resolver would mix requests up; separate
processes do not. They are forked from a fork server: a fresh interpreter, nothing
inherited from the gateway, that has imported the AWS SDK and nothing of ours.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import multiprocessing
import os
import queue
import signal
import sys
import traceback
import uuid
import warnings
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from clinic_tools.local.lambda_context import LambdaContext
from clinic_tools.local.template import Function

WORKERS_PER_FUNCTION = 2
# boto3's import is most of a handler's (a third of a second): done once, a stack's ten
# workers start, and `--reload` restarts them, in a fraction of the time. botocore reads no
# environment at import; Powertools is left out, as some of its modules read the
# function's variables at import, which a worker sets after the fork.
SDK = ("boto3", "botocore.session", "botocore.client")
_START = multiprocessing.get_context("forkserver")
_START.set_forkserver_preload(list(SDK))


class InvocationFailed(Exception):
    """The handler raised or timed out: API Gateway answers 500 for that."""


def load_env_vars(path: Path | None) -> dict[str, dict[str, str]]:
    """An env.json as `sam local --env-vars` reads it: {"Function": {...}, "Parameters": {...}}."""
    if path is None:
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: {key: str(value) for key, value in values.items()} for name, values in data.items()
    }


def function_environment(
    function: Function, overrides: dict[str, dict[str, str]], forced: dict[str, str]
) -> dict[str, str]:
    """Template variables, then env.json ("Parameters" for all, then per function), then forced.

    `forced` (moto's endpoint and fake keys) wins over env.json, so an env.json
    written for `sam local` and Docker cannot send the local stack to real AWS.
    """
    return {
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(function.timeout_s),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "_HANDLER": function.handler,
        **function.environment,
        **overrides.get("Parameters", {}),
        **overrides.get(function.name, {}),
        **forced,
    }


def _worker_main(connection: Connection, function: Function, environment: dict[str, str]) -> None:
    """The worker process: set the environment, import the handler (a cold start), serve."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    # No .pyc: an edit within the same second that keeps the size would load stale code.
    sys.dont_write_bytecode = True
    # Powertools says this on every request of a route without metrics: noise locally.
    warnings.filterwarnings("ignore", "No application metrics to publish", UserWarning)
    os.environ.update(environment)
    sys.path.insert(0, str(function.code_uri))
    module_name, _, attribute = function.handler.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    connection.send(("ready", None))
    while True:
        message = connection.recv()
        if message is None:
            return
        event, request_id = message
        context = LambdaContext.for_invocation(
            function.name,
            memory_mb=function.memory_mb,
            timeout_s=function.timeout_s,
            request_id=request_id,
        )
        try:
            connection.send(("ok", handler(event, context)))
        except Exception:  # the handler's own bug: report it as Lambda would
            traceback.print_exc()
            connection.send(("error", traceback.format_exc(limit=5)))


class Worker:
    """One process running one function; serves one invocation at a time."""

    def __init__(self, function: Function, environment: dict[str, str]) -> None:
        self.function = function
        self._connection, child = _START.Pipe()
        self._process = _START.Process(
            target=_worker_main,
            args=(child, function, environment),
            name=f"clinic-{function.name}",
            daemon=True,
        )
        self._process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self._connection.poll(timeout):
            raise RuntimeError(f"{self.function.name} did not start within {timeout:.0f} s")
        try:
            self._connection.recv()
        except EOFError:  # the import failed; the worker printed its traceback
            raise RuntimeError(
                f"{self.function.name} failed to import {self.function.handler}"
            ) from None

    def invoke(self, event: dict[str, Any]) -> Any:
        try:
            self._connection.send((event, str(uuid.uuid4())))
        except OSError:  # it could not be replaced (code that no longer imports)
            raise InvocationFailed(f"{self.function.name} is not running") from None
        if not self._connection.poll(self.function.timeout_s):
            self.kill()
            raise InvocationFailed(
                f"{self.function.name} timed out after {self.function.timeout_s} s"
            )
        try:
            status, result = self._connection.recv()
        except EOFError:  # the process died mid-invocation (os._exit, a crash)
            self._process.join(1)  # reaped, so that `alive` says so
            raise InvocationFailed(f"{self.function.name} exited during the invocation") from None
        if status != "ok":
            raise InvocationFailed(f"{self.function.name} raised an error")
        return result

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    def ask_to_stop(self) -> None:
        """It exits once idle (an invocation in flight finishes); `stop` waits for that."""
        with contextlib.suppress(OSError):  # already gone
            self._connection.send(None)

    def stop(self, timeout: float = 3.0) -> None:
        self.ask_to_stop()
        self.wait_stopped(timeout)

    def wait_stopped(self, timeout: float = 3.0) -> None:
        self._process.join(timeout)
        if self._process.is_alive():
            self.kill()

    def kill(self) -> None:
        self._process.kill()
        self._process.join(1)


class PoolRetired(Exception):
    """A restart stopped this pool while a request waited for it: take the new pool."""


class FunctionPool:
    """A function's workers; a request waits for an idle one, as Lambda queues at a limit."""

    def __init__(self, function: Function, environment: dict[str, str], size: int) -> None:
        self.function = function
        self._environment = environment
        # None, once retired: tells each waiting request to go to the new pool.
        self._idle: queue.Queue[Worker | None] = queue.Queue()
        self._workers = [Worker(function, environment) for _ in range(size)]

    def wait_ready(self, timeout: float = 30.0) -> None:
        for worker in self._workers:
            worker.wait_ready(timeout)
            self._idle.put(worker)

    def invoke(self, event: dict[str, Any]) -> Any:
        worker = self._idle.get()
        if worker is None:
            self._idle.put(None)  # for the next request waiting here
            raise PoolRetired
        try:
            return worker.invoke(event)
        finally:
            self._idle.put(worker if worker.alive else self._replace(worker))

    def _replace(self, dead: Worker) -> Worker:
        """A worker that crashed or timed out is replaced, like a fresh execution environment.

        If the new one cannot start (the code on disk no longer imports), the dead
        one keeps the slot: its next request fails fast and tries again.
        """
        fresh = Worker(self.function, self._environment)
        try:
            fresh.wait_ready(30.0)
        except RuntimeError:
            fresh.kill()
            return dead
        self._workers[self._workers.index(dead)] = fresh
        return fresh

    def retire(self) -> None:
        """Stop each worker as soon as it is idle: invocations in flight finish first."""
        for _ in self._workers:
            worker = self._idle.get()
            if worker is not None:
                worker.stop()
        self._idle.put(None)

    def stop(self) -> None:
        stop_all(self._workers)

    @property
    def workers(self) -> list[Worker]:
        return list(self._workers)


def stop_all(workers: list[Worker]) -> None:
    """Every worker told first, then each waited for: they exit together (a tenth of a
    second each, one after another, made `clinic dev`'s Ctrl-C take a second more)."""
    for worker in workers:
        worker.ask_to_stop()
    for worker in workers:
        worker.wait_stopped()


class Workers:
    """Every function's pool, started together; `invoke` is what the gateway calls."""

    def __init__(
        self,
        functions: dict[str, Function],
        overrides: dict[str, dict[str, str]],
        forced: dict[str, str],
        size: int = WORKERS_PER_FUNCTION,
    ) -> None:
        self._functions = functions
        self._environments = {
            name: function_environment(function, overrides, forced)
            for name, function in functions.items()
        }
        self._size = size
        self._pools = self._start_pools()

    def _start_pools(self) -> dict[str, FunctionPool]:
        pools = {
            name: FunctionPool(function, self._environments[name], self._size)
            for name, function in self._functions.items()
        }
        try:
            for pool in pools.values():
                pool.wait_ready()
        except RuntimeError:
            for pool in pools.values():
                pool.stop()
            raise
        return pools

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        while True:
            try:
                return self._pools[function].invoke(event)
            except PoolRetired:
                continue  # `restart` swapped the pools while this request waited

    def restart(self) -> None:
        """New workers (cold starts of the code now on disk) replace the running ones.

        The new ones start before the old ones stop, so requests keep being served;
        if the new code fails to import, RuntimeError says so and the old ones stay.
        """
        fresh = self._start_pools()
        retired, self._pools = self._pools, fresh
        for pool in retired.values():
            pool.retire()

    def stop(self) -> None:
        stop_all([worker for pool in self._pools.values() for worker in pool.workers])
