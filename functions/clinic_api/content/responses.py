"""Cacheable JSON answers: a strong ETag over the exact bytes sent, and 304 on a match."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

JSON = "application/json"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: weak comparison, a list of tags, or `*`."""
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def cacheable_json(
    document: Any, cache_control: str, if_none_match: str | None, status: int = 200
) -> Response:
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    etag = etag_of(body)
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers, body="")
    return Response(status_code=status, content_type=JSON, body=body.decode(), headers=headers)


def uncached_json(document: Any) -> Response:
    return Response(
        status_code=200,
        content_type=JSON,
        body=json.dumps(document, separators=(",", ":")),
        headers={"Cache-Control": "no-store"},
    )
