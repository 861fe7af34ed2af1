"""How a function reads its settings: from its environment, once per container, checked.

Each function has one settings model (`content.settings`, `appointments.settings`,
`notify.settings`), a frozen dataclass read by one cached function on first use;
a variable that is missing or malformed fails that read with the variable's
name, not a request later, deep inside. Dataclasses, not pydantic: the content
function's cold start loads no pydantic.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from clinic_api.core.clients import s3_client
from clinic_api.core.s3_cache import S3ObjectCache


class SettingsError(ValueError):
    """A variable the function needs is missing or malformed: `variable` names it (a log may
    show the name; the message, which may quote the value, stays in the exception)."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable} {problem}")
        self.variable = variable


class Environment:
    """The function's variables, read as the types its settings need."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = os.environ if values is None else values

    def text(self, name: str) -> str:
        value = self._values.get(name, "")
        if not value:
            raise SettingsError(name, "is not set")
        return value

    def optional(self, name: str) -> str | None:
        return self._values.get(name) or None

    def whole_number(self, name: str, default: int) -> int:
        """A count or a period from 1 up (the default when the variable is not set)."""
        value = self._values.get(name) or str(default)
        if not value.isdigit() or int(value) < 1:
            raise SettingsError(name, f"must be a whole number from 1, not {value!r}")
        return int(value)

    def seconds(self, name: str, default: float) -> float:
        """A duration in seconds, 0 or more."""
        value = self._values.get(name) or str(default)
        try:
            seconds = float(value)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds < float("inf"):
            raise SettingsError(name, f"must be a number of seconds from 0, not {value!r}")
        return seconds


@dataclass(frozen=True)
class PublishedContent:
    """Where `clinic publish` put the site's documents, and how long a copy is trusted."""

    bucket: str
    cache_ttl_seconds: float

    @classmethod
    def read(cls, env: Environment) -> PublishedContent:
        return cls(env.text("CONTENT_BUCKET"), env.seconds("CACHE_TTL_SECONDS", 60))

    def cache(self) -> S3ObjectCache:
        """A revalidating cache of the bucket's objects (one per container: call it once)."""
        return S3ObjectCache(s3_client, self.bucket, self.cache_ttl_seconds)
