"""Upload the compiled documents: only what changed, in an order readers can trust.

Whether an object changed is judged by a SHA-256 kept in the object's
metadata: of its bytes, or for the search index of what it was built from.
Reading that takes a HEAD per object, so one listing of the bucket comes first:
an object whose listed ETag is the MD5 of the bytes we would write holds those
bytes (S3's ETag of a single-part upload with SSE-S3), and only the others are
asked about: at 10,000 articles an incremental publish makes a dozen calls, not
10,000 HEADs. (With SSE-KMS the ETag is no MD5: every object is then asked
about, as before.) Articles, pages and providers go first,
then site.json, openapi.json and the search index, and index.json last, so the
index never names a missing article; pruning happens after the new index.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from clinic_api.core.aws_errors import http_status
from clinic_api.core.keys import (
    DOCUMENT_PREFIXES,
    INDEX_KEY,
    OPENAPI_KEY,
    SEARCH_INDEX_KEY,
    SITE_KEY,
    article_key,
    page_key,
    provider_key,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import PutObjectRequestTypeDef

HASH_METADATA = "content-sha256"
JSON_TYPE = "application/json; charset=utf-8"
_WORKERS = 8


def encode(document: Any) -> bytes:
    """Stable bytes for a document: the same content always hashes the same."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, sort_keys=False).encode()


@dataclass(frozen=True)
class Payload:
    """An object to publish, and the hash that says whether the stored copy is current."""

    body: bytes
    sha256: str
    content_type: str = JSON_TYPE
    cache_control: str | None = None  # None: the bucket's readers decide
    metadata: tuple[tuple[str, str], ...] = ()  # stored beside the hash (x-amz-meta-*)

    @classmethod
    def json(cls, document: Any) -> Payload:
        body = encode(document)
        return cls(body, _sha256(body))

    @classmethod
    def of(cls, body: bytes, content_type: str, cache_control: str | None = None) -> Payload:
        return cls(body, _sha256(body), content_type, cache_control)


@dataclass
class Plan:
    uploads: list[tuple[str, str]] = field(default_factory=list)  # (key, "new" | "changed")
    skipped: list[str] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)


def documents_in_order(
    articles: dict[str, Any],
    site: Any,
    openapi: Any,
    search_index: Payload,
    index: Any,
    *,
    pages: dict[str, Any] | None = None,
    providers: dict[str, Any] | None = None,
) -> dict[str, Payload]:
    """Every object to publish, keyed by S3 key, in upload order (index last)."""
    objects = {article_key(slug): Payload.json(article) for slug, article in articles.items()}
    objects |= {page_key(slug): Payload.json(page) for slug, page in (pages or {}).items()}
    objects |= {
        provider_key(slug): Payload.json(provider) for slug, provider in (providers or {}).items()
    }
    objects[SITE_KEY] = Payload.json(site)
    objects[OPENAPI_KEY] = Payload.json(openapi)
    objects[SEARCH_INDEX_KEY] = search_index
    objects[INDEX_KEY] = Payload.json(index)
    return objects


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _md5_etag(body: bytes) -> str:
    return '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'


def _same_bytes(payload: Payload, etag: str) -> bool:
    """Whether an object listed with `etag` is `payload` as we would write it: only
    where the payload's hash is of its bytes alone (a site file's covers its headers)."""
    return etag == _md5_etag(payload.body) and payload.sha256 == _sha256(payload.body)


def _listed_etags(client: S3Client, bucket: str) -> dict[str, str]:
    """Every key in the bucket with its ETag, a thousand a call."""
    etags: dict[str, str] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        etags.update(
            (item["Key"], item.get("ETag", ""))
            for item in page.get("Contents", ())
            if "Key" in item
        )
    return etags


def _stored_hash(client: S3Client, bucket: str, key: str) -> str | None:
    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if http_status(error) == 404:
            return None
        raise
    return head.get("Metadata", {}).get(HASH_METADATA, "")


def plan_upload(client: S3Client, bucket: str, objects: dict[str, Payload], prune: bool) -> Plan:
    # A mistyped bucket is a clear error, not an empty listing: ask about the bucket first.
    client.head_bucket(Bucket=bucket)
    listed = _listed_etags(client, bucket)
    unsure = [
        key
        for key, payload in objects.items()
        if key in listed and not _same_bytes(payload, listed[key])
    ]
    with ThreadPoolExecutor(_WORKERS) as pool:
        asked = dict(
            zip(
                unsure, pool.map(lambda key: _stored_hash(client, bucket, key), unsure), strict=True
            )
        )
    plan = Plan()
    for key, payload in objects.items():
        stored = asked.get(key, payload.sha256 if key in listed else None)
        if stored is None:  # not listed, or deleted since
            plan.uploads.append((key, "new"))
        elif stored != payload.sha256:
            plan.uploads.append((key, "changed"))
        else:
            plan.skipped.append(key)
    if prune:
        plan.deletes = sorted(
            key for key in listed if key.startswith(DOCUMENT_PREFIXES) and key not in objects
        )
    return plan


def apply_plan(
    client: S3Client,
    bucket: str,
    objects: dict[str, Payload],
    plan: Plan,
    report: Callable[[str], None] = print,
) -> None:
    def put(key: str) -> str:
        payload = objects[key]
        request: PutObjectRequestTypeDef = {
            "Bucket": bucket,
            "Key": key,
            "Body": payload.body,
            "ContentType": payload.content_type,
            "Metadata": {**dict(payload.metadata), HASH_METADATA: payload.sha256},
        }
        if payload.cache_control:  # else the bucket's readers decide
            request["CacheControl"] = payload.cache_control
        client.put_object(**request)
        return key

    keys = [key for key, _ in plan.uploads]
    first = [key for key in keys if key != INDEX_KEY]
    with ThreadPoolExecutor(_WORKERS) as pool:
        for key in pool.map(put, first):
            report(f"uploaded {key}")
    if INDEX_KEY in keys:
        report(f"uploaded {put(INDEX_KEY)}")
    for batch in _batches(plan.deletes, 1000):
        client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch]})
        for key in batch:
            report(f"deleted {key}")


def _batches(keys: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]
