"""Opaque keyset cursors for `GET /articles`.

A cursor names the last article of a page (its sort key) and the tag filter it
was made for, with a checksum. It names a position in a public list, so a
forged one gains nothing; the checksum makes an edited or truncated one a clear
422 instead of a silently different page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

SortKey = tuple[float, str]  # (-publishedAt as epoch seconds, slug): ascending = newest first


class InvalidCursor(Exception):
    pass


def _checksum(payload: bytes) -> bytes:
    return hashlib.sha256(b"clinic-articles-cursor\x00" + payload).digest()[:8]


def encode_cursor(after: SortKey, tag: str | None) -> str:
    payload = json.dumps([after[0], after[1], tag], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload + _checksum(payload)).decode().rstrip("=")


def decode_cursor(cursor: str, tag: str | None) -> SortKey:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidCursor from error
    payload, checksum = raw[:-8], raw[-8:]
    if len(raw) <= 8 or _checksum(payload) != checksum:
        raise InvalidCursor
    try:
        position, slug, cursor_tag = json.loads(payload)
    except (ValueError, TypeError) as error:
        raise InvalidCursor from error
    if cursor_tag != tag or not isinstance(position, int | float) or not isinstance(slug, str):
        raise InvalidCursor
    return float(position), slug
