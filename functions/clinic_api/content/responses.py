"""Cacheable JSON answers: an ETag over the JSON sent, 304 on a match, gzip when accepted.

The ETag is the JSON's hash. A gzip answer carries it weak (`W/"..."`), as nginx
and CloudFront make theirs: the same JSON, other bytes. If-None-Match compares
weakly, so either form of the tag revalidates either answer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from clinic_api.core.http import Response, gzipped

JSON = "application/json"
# Caches keep a gzip and a plain copy apart.
VARY = "Accept-Encoding"


# The JSON, hash and gzip of the documents answered lately, by identity: a cached
# article, index or site.json is the same object from answer to answer (the store and the
# S3 cache hand out one object per version, never changed), so a warm answer encodes and
# compresses nothing (gzip was 135 µs of a warm article's answer).
_ENCODED: dict[int, Encoded] = {}
_ENCODED_KEPT = 64


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


def encoded(document: Any) -> Encoded:
    """The document's JSON and its hash, made once per document object."""
    kept = _ENCODED.get(id(document))
    if kept is not None and kept.document is document:
        return kept
    if len(_ENCODED) >= _ENCODED_KEPT:
        _ENCODED.clear()
    made = _ENCODED[id(document)] = Encoded(document)
    return made


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
) -> Response:
    """The document as JSON, gzipped when `gzip`; 304 when If-None-Match holds its tag."""
    made = encoded(document)
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
