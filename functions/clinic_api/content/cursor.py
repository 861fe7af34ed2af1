"""Opaque cursors: keyset cursors for `GET /articles`, offset cursors for `GET /search`.

A list cursor names the last article of a page (its sort key) and the tag filter
it was made for; a search cursor names how many hits the pages before it showed,
for one question (`q`, `tag`, `distinct`). Both carry a checksum. They name a
position in public answers, so a forged one gains nothing; the checksum makes an
edited or truncated one, or one used for another question, a clear 422 instead
of a silently different page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

SortKey = tuple[float, str]  # (-publishedAt as epoch seconds, slug): ascending = newest first

_ARTICLES = b"clinic-articles-cursor"
_SEARCH = b"clinic-search-cursor"


class InvalidCursor(Exception):
    pass


def _checksum(purpose: bytes, payload: bytes) -> bytes:
    return hashlib.sha256(purpose + b"\x00" + payload).digest()[:8]


def _seal(purpose: bytes, fields: list[Any]) -> str:
    payload = json.dumps(fields, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload + _checksum(purpose, payload)).decode().rstrip("=")


def _open(purpose: bytes, cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidCursor from error
    payload, checksum = raw[:-8], raw[-8:]
    if len(raw) <= 8 or _checksum(purpose, payload) != checksum:
        raise InvalidCursor
    try:
        fields = json.loads(payload)
    except ValueError as error:
        raise InvalidCursor from error
    if not isinstance(fields, list):
        raise InvalidCursor
    return fields


def encode_cursor(after: SortKey, tag: str | None) -> str:
    return _seal(_ARTICLES, [after[0], after[1], tag])


def decode_cursor(cursor: str, tag: str | None) -> SortKey:
    fields = _open(_ARTICLES, cursor)
    if len(fields) != 3:
        raise InvalidCursor
    position, slug, cursor_tag = fields
    if cursor_tag != tag or not isinstance(position, int | float) or not isinstance(slug, str):
        raise InvalidCursor
    return float(position), slug


def _question(question: tuple[str | None, ...]) -> str:
    """A short digest of what was asked: the cursor is for this question only."""
    text = json.dumps(question, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_search_cursor(offset: int, question: tuple[str | None, ...]) -> str:
    return _seal(_SEARCH, [offset, _question(question)])


def decode_search_cursor(cursor: str, question: tuple[str | None, ...], deepest: int) -> int:
    """The offset of the next page: below `deepest`, as every cursor we give out is."""
    fields = _open(_SEARCH, cursor)
    if len(fields) != 2:
        raise InvalidCursor
    offset, asked = fields
    if asked != _question(question) or type(offset) is not int or not 0 < offset < deepest:
        raise InvalidCursor
    return offset
