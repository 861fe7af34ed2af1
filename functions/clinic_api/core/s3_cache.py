"""A per-container cache of S3 objects, revalidated with conditional GETs.

Within `ttl` seconds an entry is served with no S3 call at all; after that one
`GetObject` with `If-None-Match` either confirms it (304) or replaces it. When
S3 fails and a copy exists, the copy is served: a clinic's articles a few
minutes old beat an error page.

JSON documents (`get`) and other objects (`load`, e.g. the search index,
unpacked to /tmp) share it: each is parsed once per version of the object.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from clinic_api.core.aws_errors import DependencyUnavailable, error_code, http_status

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import GetObjectRequestTypeDef

logger = Logger(child=True)

_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})

Parsed = TypeVar("Parsed")


class ObjectMissing(Exception):
    """The key does not exist in the bucket."""


@dataclass
class _Entry:
    value: Any
    etag: str
    checked_at: float


class S3ObjectCache:
    def __init__(
        self,
        client: Callable[[], S3Client],
        bucket: str,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._bucket = bucket
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}

    def get(self, key: str, parse: Callable[[Any], Any] = lambda doc: doc) -> Any:
        """The object's JSON, passed through `parse` once per version of the object."""
        return self.load(key, lambda body: parse(json.loads(body)))

    def load(self, key: str, parse: Callable[[bytes], Parsed]) -> Parsed:
        """The object's bytes, through `parse` once per version; a ValueError from
        `parse` counts as a bad read (the cached copy is served if there is one)."""
        entry = self._entries.get(key)
        now = self._clock()
        if entry is not None and now - entry.checked_at < self._ttl:
            return entry.value
        request: GetObjectRequestTypeDef = {"Bucket": self._bucket, "Key": key}
        if entry is not None:
            request["IfNoneMatch"] = entry.etag
        try:
            response = self._client().get_object(**request)
            fresh = _Entry(parse(response["Body"].read()), response["ETag"], now)
        except (ClientError, BotoCoreError, ValueError) as error:
            return self._after_error(key, entry, now, error)
        self._entries[key] = fresh
        return fresh.value

    def expire(self) -> None:
        """Revalidate every entry on its next read (a conditional GET: 304 keeps what it
        parsed), as after a SnapStart restore, whose clock says nothing of the snapshot's age."""
        for entry in self._entries.values():
            entry.checked_at = float("-inf")

    def _after_error(self, key: str, entry: _Entry | None, now: float, error: Exception) -> Any:
        if isinstance(error, ClientError):
            if http_status(error) == 304 and entry is not None:
                entry.checked_at = now
                return entry.value
            if error_code(error) in _MISSING_CODES:
                self._entries.pop(key, None)
                raise ObjectMissing(key) from error
        if entry is None:
            logger.error(
                "S3 read failed, no cached copy", extra={"key": key, "error": type(error).__name__}
            )
            raise DependencyUnavailable("s3") from error
        # Serve the copy and wait a full TTL before asking a struggling S3 again.
        logger.warning(
            "S3 read failed, serving cached copy", extra={"key": key, "error": type(error).__name__}
        )
        entry.checked_at = now
        return entry.value
