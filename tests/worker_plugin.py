"""The moto world, its fixtures and the test settings, in each process that runs tests:
every pytest-xdist worker, or pytest itself without -n (`tests/conftest.py` registers this
module as a plugin before the process collects). Not in xdist's controller, which only hands
tests out: these imports (moto, boto3, hypothesis, the functions' clients) kept it most of
a second longer from starting the workers.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import boto3
import pytest
from botocore.retries.standard import ExponentialBackoff
from hypothesis import settings

from clinic_api.appointments.request import schema as request_schema
from clinic_api.core.clients import dynamodb_client, s3_client, secrets_client, sns_client
from clinic_tools.local.cognito import LocalStaffPool
from tests.aws_world import AwsWorld
from tests.conftest import TEMPLATE, isolate
from tests.fixture_content import fixture_objects
from tests.kept_clients import KeptClients

# An example's time measures how busy the machine is (moto runs in-process), not the code.
settings.register_profile("clinic", deadline=None)
settings.load_profile("clinic")

# The SDK's backoff before a retry means nothing here either (the functions' clients retry
# once, in botocore's standard mode): moto answers in-process, so waiting for it to recover
# waits for nothing. The retry itself still happens, at once; the tests that make calls fail
# slept 0.9 s a unit run, a core idle meanwhile.
setattr(ExponentialBackoff, "delay_amount", lambda _backoff, _context: 0)  # noqa: B010


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker
        atexit.register(_leave_at_once)


def _leave_at_once() -> None:
    """A worker's last exit handler (the first registered but Python's own): once pytest and
    execnet are done with it, it leaves without tearing the interpreter down. Freeing the
    moto world, the modules and their caches object by object kept the run waiting 0.8-0.9 s
    after its last test; the results are long sent. Logging and the standard streams are
    flushed first, as the skipped teardown would."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# The functions' boto3 clients (clinic_api.core.clients), kept from test to test.
CLIENTS = (s3_client, dynamodb_client, secrets_client, sns_client)
kept_clients = KeptClients(CLIENTS)


@pytest.fixture(scope="session")
def aws_world() -> Iterator[AwsWorld]:
    """moto for the whole session (one per xdist worker), the template's resources in it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch)
        world = AwsWorld(TEMPLATE, fixture_objects())
        world.start()
    yield world
    world.stop()


# Caches made from the bundle's own files alone, the same in every container: emptied,
# they were only made again (the request's JSON Schema validator: 7 ms, some 250 times a run).
BUNDLE_ONLY = (request_schema,)


def forget_containers() -> None:
    """Empty every per-container cache, as a new Lambda execution environment would be:
    each functools cache of the functions' loaded modules (settings, the article store,
    the idempotency layer), so that a cache added tomorrow is emptied too. The boto3
    clients are the exception: `kept_clients` keeps each one that is as it was made."""
    for module in _functions_modules():
        for cached in _caches(module):
            cached.cache_clear()
    kept_clients.check()


_caches_of: dict[int, tuple[Any, list[Any]]] = {}  # id(module) -> (module, its caches)


def _caches(module: Any) -> list[Any]:
    """The module's functools caches but the kept ones, found once per module object: its
    names are read at its import (vars() of every module at every test took 2-3 s a run)."""
    found = _caches_of.get(id(module))
    if found is None or found[0] is not module:
        caches = [
            value
            for value in vars(module).values()
            if isinstance(value, functools._lru_cache_wrapper)
            and value not in CLIENTS
            and value not in BUNDLE_ONLY
        ]
        found = _caches_of[id(module)] = (module, caches)
    return found[1]


_looked_at: set[str] = set()  # every name sys.modules has had since the last look
_functions: dict[str, Any] = {}  # clinic_api and its modules, by name


def _functions_modules() -> list[Any]:
    """The loaded modules of clinic_api, as sys.modules has them now. Only names new since the
    last look are checked (a set difference, in C: the loop over some 5,000 names took a
    millisecond, at every test twice); a module removed or imported anew is seen by name."""
    fresh = sys.modules.keys() - _looked_at
    _looked_at.update(fresh)
    for name in fresh:
        if name == "clinic_api" or name.startswith("clinic_api."):
            _functions[name] = None
    for name in list(_functions):
        module = sys.modules.get(name)
        if module is None:
            del _functions[name]
            _looked_at.discard(name)
        else:
            _functions[name] = module
    return list(_functions.values())


@contextmanager
def fresh_world(world: AwsWorld, *, published: bool) -> Iterator[None]:
    """The world as no test has touched it, seen by functions in new containers."""
    world.ready(published=published)
    forget_containers()
    yield
    forget_containers()


# The services the tests call themselves.
TestService = Literal[
    "cloudformation",
    "cloudfront",
    "cognito-idp",
    "dynamodb",
    "dynamodbstreams",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
]


@functools.cache
def shared_client(service: TestService) -> Any:
    """One boto3 client per service for the tests' own calls, made once per process: a
    client costs 5-20 ms to make (the tests made some 150 a unit run). Tests hook events
    on the functions' own clients (which `forget_containers` then replaces), never on
    these; a test that hooks a client of its own makes it with boto3.client."""
    return boto3.client(service)


@pytest.fixture
def s3(aws_world: AwsWorld, fake_aws: None) -> Iterator[Any]:
    """The content bucket, empty (the template's other resources exist too)."""
    with fresh_world(aws_world, published=False):
        yield shared_client("s3")


@pytest.fixture
def published(aws_world: AwsWorld, fake_aws: None) -> Iterator[Any]:
    """The content bucket holding the fixture content, published with the real publisher."""
    with fresh_world(aws_world, published=True):
        yield shared_client("s3")


@pytest.fixture
def staff_pool(aws_world: AwsWorld, fake_aws: None) -> Iterator[LocalStaffPool]:
    """The template's staff user pool in moto (client and groups, no users yet)."""
    with fresh_world(aws_world, published=False):
        assert aws_world.staff_pool is not None, "the template has no staff user pool"
        yield aws_world.staff_pool
