"""Cacheable JSON answers: an ETag over the JSON sent, 304 on a match, gzip when accepted.

The ETag is the JSON's hash. A gzip answer carries it weak (`W/"..."`), as nginx
and CloudFront make theirs: the same JSON, other bytes. If-None-Match compares
weakly, so either form of the tag revalidates either answer.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from clinic_api.core.http import Response, gzipped

JSON = "application/json"
# Caches keep a gzip and a plain copy apart.
VARY = "Accept-Encoding"


# The JSON, hash and gzip of the documents answered lately, by identity, the least recently
# answered dropped first: a cached article, index or site.json is the same object from answer
# to answer (the store and the S3 cache hand out one object per version, never changed), so a
# warm answer encodes and compresses nothing (gzip was 135 µs of a warm article's answer).
# A document built anew for each request is kept only through `same_as_before`; a search's
# or a cursor's page is not kept at all, so that neither pushes the articles out.
_ENCODED: OrderedDict[int, Encoded] = OrderedDict()
_ENCODED_KEPT = 64
# Per question (a list's route and parameters), the document last answered to it.
_ANSWERED: OrderedDict[Hashable, Any] = OrderedDict()


class Encoded:
    """A document's JSON and its hash; its gzip made on first need."""

    __slots__ = ("_gzip", "digest", "document", "text")

    def __init__(self, document: Any) -> None:
        self.document = document
        self.text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        self.digest = hashlib.sha256(self.text.encode()).hexdigest()[:32]
        self._gzip: bytes | None = None

    @property
    def gzip(self) -> bytes:
        if self._gzip is None:
            self._gzip = gzipped(self.text.encode())
        return self._gzip


def _tagged(digest: str, *, weak: bool) -> str:
    return f'W/"{digest}"' if weak else f'"{digest}"'


def encoded(document: Any, *, keep: bool = True) -> Encoded:
    """The document's JSON and its hash, made once per document object (`keep`)."""
    kept = _ENCODED.get(id(document))
    if kept is not None and kept.document is document:
        _ENCODED.move_to_end(id(document))
        return kept
    made = Encoded(document)
    if keep:
        _remember(_ENCODED, id(document), made)
    return made


def same_as_before(question: Hashable, document: Any) -> Any:
    """`document`, or the equal one answered to `question` before: a list rebuilt for each
    request (the tags, the providers, the first page of articles) is then one object while
    it is unchanged, and its JSON and gzip are made once (comparing costs far less)."""
    before = _ANSWERED.get(question)
    if before is not None and before == document:
        _ANSWERED.move_to_end(question)
        return before
    _remember(_ANSWERED, question, document)
    return document


def _remember(kept: OrderedDict[Any, Any], key: Hashable, value: Any) -> None:
    kept[key] = value
    kept.move_to_end(key)
    if len(kept) > _ENCODED_KEPT:
        kept.popitem(last=False)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: weak comparison, a list of tags, or `*`."""
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag.removeprefix("W/") in candidates


def cacheable_json(
    document: Any,
    cache_control: str,
    if_none_match: str | None,
    *,
    gzip: bool = False,
    status: int = 200,
    keep: bool = True,
) -> Response:
    """The document as JSON, gzipped when `gzip`; 304 when If-None-Match holds its tag.
    `keep`: its encoding is kept for its next answer (not for a one-off, a search's page)."""
    made = encoded(document, keep=keep)
    etag = _tagged(made.digest, weak=gzip)
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": VARY}
    if etag_matches(if_none_match, etag):
        return Response(304, headers=headers)
    if gzip:
        return Response(status, made.gzip, JSON, {**headers, "Content-Encoding": "gzip"})
    return Response(status, made.text, JSON, headers)


def uncached_json(document: Any) -> Response:
    return Response(
        200, json.dumps(document, separators=(",", ":")), JSON, {"Cache-Control": "no-store"}
    )
