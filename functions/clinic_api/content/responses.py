"""Cacheable JSON answers: an ETag over the JSON sent, 304 on a match, gzip when accepted.

The ETag is the JSON's hash. A gzip answer carries it weak (`W/"..."`), as nginx
and CloudFront make theirs: the same JSON, other bytes. If-None-Match compares
weakly, so either form of the tag revalidates either answer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

JSON = "application/json"
# Caches keep a gzip and a plain copy apart.
VARY = "Accept-Encoding"


# The JSON and hash of the documents answered lately, by identity: a cached article,
# index or site.json is the same object from answer to answer (the store and the S3 cache
# hand out one object per version, never changed), so a warm answer encodes nothing.
_ENCODED: dict[int, tuple[Any, bytes, str]] = {}
_ENCODED_KEPT = 64


def _tagged(digest: str, *, weak: bool) -> str:
    return f'W/"{digest}"' if weak else f'"{digest}"'


def encoded(document: Any) -> tuple[bytes, str]:
    """The document's JSON and its hash, made once per document object."""
    kept = _ENCODED.get(id(document))
    if kept is not None and kept[0] is document:
        return kept[1], kept[2]
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    digest = hashlib.sha256(body).hexdigest()[:32]
    if len(_ENCODED) >= _ENCODED_KEPT:
        _ENCODED.clear()
    _ENCODED[id(document)] = (document, body, digest)
    return body, digest


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: weak comparison, a list of tags, or `*`."""
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag.removeprefix("W/") in candidates


def accepts_gzip(accept_encoding: str | None) -> bool:
    """RFC 9110 Accept-Encoding names gzip (or x-gzip) with a weight above 0.

    Powertools compresses when the header holds "gzip" (lower case, anywhere) and
    the Response allows it; this narrows that test, never widens it, so the
    ETag's form always matches the bytes sent. (Browsers write it in lower case.)
    """
    for coding in (accept_encoding or "").split(","):
        name, _, parameters = coding.partition(";")
        if name.strip() in ("gzip", "x-gzip"):
            weight = parameters.strip().lower().removeprefix("q=").strip() or "1"
            try:
                return float(weight) > 0
            except ValueError:
                return False
    return False


def cacheable_json(
    document: Any,
    cache_control: str,
    if_none_match: str | None,
    *,
    gzip: bool = False,
    status: int = 200,
) -> Response:
    """The document as JSON, gzipped (by Powertools, after the route) when `gzip`."""
    body, digest = encoded(document)
    etag = _tagged(digest, weak=gzip)
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": VARY}
    if etag_matches(if_none_match, etag):
        # compress=False: Powertools would otherwise gzip the empty body of a 304.
        return Response(status_code=304, headers=headers, body="", compress=False)
    return Response(
        status_code=status, content_type=JSON, body=body.decode(), headers=headers, compress=gzip
    )


def uncached_json(document: Any) -> Response:
    return Response(
        status_code=200,
        content_type=JSON,
        body=json.dumps(document, separators=(",", ":")),
        headers={"Cache-Control": "no-store"},
    )
