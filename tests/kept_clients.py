"""The functions' boto3 clients, kept from test to test while they are as they were made.

A new Lambda container makes new clients; a test's fresh world used to as well
(`forget_containers`), at 5-20 ms a client, several a test. A client holds no data
of the world (moto keeps that), only its configuration, read from the environment
when it is made, and its event hooks. So a client is kept while the environment's
AWS variables are those it was made with and its hooks are the ones it was made
with; a test that hooks one (to count calls or inject a failure) or points AWS
elsewhere gets a new one afterwards, as it did before.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError


class ClientMaker(Protocol):
    """A functools.cache'd function of clinic_api.core.clients."""

    def __call__(self) -> Any: ...
    def cache_clear(self) -> None: ...
    def cache_info(self) -> Any: ...


def hooks(client: Any) -> tuple[Any, dict[str, Any]]:
    """What stands for the client's event hooks, read in constant time: botocore's emitter
    replaces its lookup cache (a dict) whenever a handler is registered or unregistered,
    so the same emitter with the same cache object has the very hooks it had. (Counting
    the handlers in the emitter's prefix trie took a millisecond a client, at every test.)"""
    emitter = client.meta.events._emitter
    return emitter, emitter._lookup_cache


@dataclass(frozen=True)
class _Made:
    client: Any
    hooks: tuple[Any, dict[str, Any]]
    environment: dict[str, str]


class KeptClients:
    """Checks `makers`' cached clients: one that changed is made anew, outside any test."""

    def __init__(self, makers: Iterable[ClientMaker]) -> None:
        self._makers = tuple(makers)
        self._made: dict[ClientMaker, _Made] = {}

    @staticmethod
    def _environment() -> dict[str, str]:
        """The AWS variables a client is made from; an empty endpoint is as none (botocore
        skips it, tests/unit/test_env_json.py), as the template's functions have it."""
        return {
            name: value
            for name, value in os.environ.items()
            if name.startswith("AWS_") and (value or not name.startswith("AWS_ENDPOINT_URL"))
        }

    def check(self) -> None:
        environment = self._environment()
        for make in self._makers:
            made = self._made.get(make)
            if made is not None and self._unchanged(make, made, environment):
                continue
            make.cache_clear()
            self._made.pop(make, None)
            try:
                client = make()
            except BotoCoreError:  # no region, say: the function will make its own, if it can
                make.cache_clear()
                continue
            self._made[make] = _Made(client, hooks(client), environment)

    @staticmethod
    def _unchanged(make: ClientMaker, made: _Made, environment: dict[str, str]) -> bool:
        return (
            make.cache_info().currsize == 1
            and make() is made.client
            and all(now is then for now, then in zip(hooks(made.client), made.hooks, strict=True))
            and made.environment == environment
        )
