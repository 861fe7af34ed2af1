"""The inbox list: newest first by status, searched, a page at a time.

Pages are cut by the last item's (createdAt, id), so a request arriving or
changing status meanwhile never shifts a later page. The search runs over the
byStatus query's results: a clinic's inbox holds hundreds of requests, not millions.
"""

from __future__ import annotations

import heapq
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from clinic_api.core.reference import is_reference, normalise_reference
from clinic_api.core.sealed import InvalidCursor, question_digest, seal, unseal
from clinic_api.staff import STATUSES
from clinic_api.staff.requests import RequestStore

_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
_INBOX = b"clinic-inbox-cursor"


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


def matches(request: dict[str, Any], q: str) -> bool:
    """A reference (any case, I/L→1, O→0), the starts of a name's words in any order, or
    phone digits. Names as a caller says them at the desk: "nunez" finds Núñez, "obrien"
    O'Brien, "hale robin" Robin Hale, "ng" Quigley-Ng (either part of a double name)."""
    text = q.strip()
    if is_reference(text) and request.get("reference") == normalise_reference(text):
        return True
    asked = _name_words(text)
    name = f"{request.get('firstName') or ''} {request.get('lastName') or ''}"
    if asked and _each_starts_a_word(asked, _name_words(name)):
        return True
    digits = re.sub(r"[\s().+-]", "", text)
    return digits.isdigit() and len(digits) >= 3 and digits in (request.get("phone") or "")


def _name_words(text: str) -> list[str]:
    """A name's words, folded, split at spaces and hyphens."""
    return [word for word in re.split(r"[\s\-\u2010-\u2015]+", _folded(text)) if word]


def _each_starts_a_word(asked: list[str], words: list[str]) -> bool:
    """Whether each asked word starts a word of its own in `words`, longest asked first."""
    left = list(words)
    for start in sorted(asked, key=len, reverse=True):
        found = next((word for word in left if word.startswith(start)), None)
        if found is None:
            return False
        left.remove(found)
    return True


def _folded(name: str) -> str:
    """In plain Latin letters, without case or apostrophes, as a caller spells a name at the
    desk: "Núñez" as "nunez", "Østergaard" as "ostergaard", "Straße" as "strasse", "Иван" as
    "ivan". anyascii is imported by the first search, not with the function (its import
    takes tens of milliseconds; the list without a search never needs it)."""
    from anyascii import anyascii

    return anyascii(name).casefold().replace("'", "")


def encode_cursor(request: dict[str, Any], status: str, q: str | None) -> str:
    """The position after `request`, good only for the same status and search."""
    return seal(_INBOX, [request["createdAt"], request["id"], question_digest((status, q))])


def decode_cursor(cursor: str, status: str, q: str | None) -> tuple[str, str]:
    """(createdAt, id) from a cursor `encode_cursor` made for this status and search."""
    fields = unseal(_INBOX, cursor)
    if len(fields) != 3:
        raise InvalidCursor
    created_at, request_id, asked = fields
    if asked != question_digest((status, q)) or not isinstance(created_at, str):
        raise InvalidCursor
    if not _ISO.fullmatch(created_at) or not isinstance(request_id, str):
        raise InvalidCursor
    try:
        uuid.UUID(request_id)
    except ValueError:
        raise InvalidCursor from None
    return created_at, request_id


def page(store: RequestStore, status: str, q: str | None, limit: int, cursor: str | None) -> Page:
    after = decode_cursor(cursor, status, q) if cursor else None
    found = islice(_wanted(store, status, q, after, limit), limit + 1)
    items = list(found)
    more = len(items) > limit
    items = items[:limit]
    return Page(items, encode_cursor(items[-1], status, q) if more else None)


def _wanted(
    store: RequestStore, status: str, q: str | None, after: tuple[str, str] | None, limit: int
) -> Iterator[dict[str, Any]]:
    statuses = STATUSES if status == "all" else (status,)
    before = after[0] if after else None
    # A page needs limit + 1 of each status at most, unless a search skips some: read no more.
    size = None if q else limit + 1
    streams = [store.newest(each, before=before, page_size=size) for each in statuses]
    for request in heapq.merge(*streams, key=_order, reverse=True):
        if after is not None and _order(request) >= after:
            continue
        if q is None or matches(request, q):
            yield request


def _order(request: dict[str, Any]) -> tuple[str, str]:
    return request["createdAt"], request["id"]
