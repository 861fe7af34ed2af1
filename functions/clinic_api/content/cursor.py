"""Opaque cursors: keyset cursors for `GET /articles`, offset cursors for `GET /search`.

A list cursor names the last article of a page (its sort key) and the tag filter
it was made for; a search cursor names how many hits the pages before it showed,
for one question (`q`, `tag`, `distinct`). Both are sealed (core/sealed.py): an
edited or truncated one, or one used for another question, is a clear 422 instead
of a silently different page.
"""

from __future__ import annotations

from math import isfinite

from clinic_api.core.sealed import InvalidCursor, question_digest, seal, unseal

SortKey = tuple[float, str]  # (-publishedAt as epoch seconds, slug): ascending = newest first

_ARTICLES = b"clinic-articles-cursor"
_SEARCH = b"clinic-search-cursor"


def encode_cursor(after: SortKey, tag: str | None) -> str:
    return seal(_ARTICLES, [after[0], after[1], tag])


def decode_cursor(cursor: str, tag: str | None) -> SortKey:
    fields = unseal(_ARTICLES, cursor)
    if len(fields) != 3:
        raise InvalidCursor
    position, slug, cursor_tag = fields
    if cursor_tag != tag or type(position) not in (int, float) or not isinstance(slug, str):
        raise InvalidCursor
    try:
        at = float(position)
    except OverflowError:  # an integer past any float: no date we wrote
        raise InvalidCursor from None
    if not isfinite(at):  # 1e999 is read as infinity
        raise InvalidCursor
    return at, slug


def encode_search_cursor(offset: int, question: tuple[str | None, ...]) -> str:
    return seal(_SEARCH, [offset, question_digest(question)])


def decode_search_cursor(cursor: str, question: tuple[str | None, ...], deepest: int) -> int:
    """The offset of the next page: below `deepest`, as every cursor we give out is."""
    fields = unseal(_SEARCH, cursor)
    if len(fields) != 2:
        raise InvalidCursor
    offset, asked = fields
    if asked != question_digest(question) or type(offset) is not int or not 0 < offset < deepest:
        raise InvalidCursor
    return offset
