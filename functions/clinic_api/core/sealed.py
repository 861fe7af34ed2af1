"""Sealed cursors: a page's position as JSON fields, base64url, with a checksum.

Every list the API pages (articles, search hits, the staff inbox) hands out a
cursor and reads it back. The checksum is not a secret: a cursor names a
position in answers the caller may read anyway, so a forged one gains nothing.
It makes an edited, truncated or foreign cursor (one made for another list or
another question) a clear `InvalidCursor`, which the handlers answer with 422,
instead of a silently different page or a 500.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any, NoReturn

_CHECKSUM_BYTES = 8


class InvalidCursor(Exception):
    pass


def _checksum(purpose: bytes, payload: bytes) -> bytes:
    return hashlib.sha256(purpose + b"\x00" + payload).digest()[:_CHECKSUM_BYTES]


def seal(purpose: bytes, fields: list[Any]) -> str:
    """A cursor for `fields`, good only where `purpose` (one per list) opens it."""
    payload = json.dumps(fields, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload + _checksum(purpose, payload)).decode().rstrip("=")


def unseal(purpose: bytes, cursor: str) -> list[Any]:
    """The fields `seal(purpose, ...)` put in `cursor`; raises InvalidCursor for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidCursor from error
    payload, checksum = raw[:-_CHECKSUM_BYTES], raw[-_CHECKSUM_BYTES:]
    if len(raw) <= _CHECKSUM_BYTES or _checksum(purpose, payload) != checksum:
        raise InvalidCursor
    try:
        fields = json.loads(payload, parse_constant=_no_constant)
    except ValueError as error:
        raise InvalidCursor from error
    if not isinstance(fields, list):
        raise InvalidCursor
    return fields


def _no_constant(name: str) -> NoReturn:
    """NaN and Infinity, which json reads as numbers: no cursor we seal holds one."""
    raise InvalidCursor(name)


def question_digest(question: tuple[str | None, ...]) -> str:
    """A short digest of what was asked, sealed into a cursor good for that question only."""
    text = json.dumps(question, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
