"""The pictures' copies in the site bucket under media/: only the names it lacks.

A copy's name is a hash of its source picture and of how copies are made
(images.RECIPE), so a name already in the bucket holds exactly that copy: one
listing of media/ tells what to make, and nothing already there is resized again.
Copies are uploaded before the articles that show them, with a year's immutable
Cache-Control. Old copies are never deleted here: a page cached before this
publish may still show them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from threading import Lock
from typing import TYPE_CHECKING

from clinic_tools.publish.images import MEDIA_PREFIX, YEAR_CACHE, Picture, render_copies
from clinic_tools.publish.upload import Payload, Plan, apply_plan

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Resizing runs in Pillow's C code, which lets go of the GIL: a few pictures at once.
_WORKERS = 4


def stored_media(client: S3Client, bucket: str) -> set[str]:
    keys: set[str] = set()
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=MEDIA_PREFIX
    ):
        keys.update(item["Key"] for item in page.get("Contents", ()) if "Key" in item)
    return keys


def plan_media(pictures: Mapping[str, Picture], stored: set[str]) -> Plan:
    """Every copy of every picture: uploads for the names the bucket lacks."""
    plan = Plan()
    keys = dict.fromkeys(copy.key for picture in pictures.values() for copy in picture.all_copies())
    for key in keys:
        if key in stored:
            plan.skipped.append(key)
        else:
            plan.uploads.append((key, "new"))
    return plan


def publish_media(
    pictures: Mapping[str, Picture],
    bucket: str,
    client: S3Client,
    dry_run: bool = False,
    report: Callable[[str], None] = print,
) -> Plan:
    """Make and upload the copies `bucket` lacks (dry_run: say which); the plan."""
    plan = plan_media(pictures, stored_media(client, bucket))
    missing = {key for key, _ in plan.uploads}
    if dry_run:
        for key in sorted(missing):
            report(f"would upload {key} (new)")
    else:
        needed = {picture.digest: picture for picture in pictures.values()}
        todo = [p for p in needed.values() if any(c.key in missing for c in p.all_copies())]
        lines = _one_at_a_time(report)
        with ThreadPoolExecutor(_WORKERS) as pool:
            list(pool.map(lambda picture: _upload(picture, missing, bucket, client, lines), todo))
    verb = "would upload" if dry_run else "uploaded"
    report(f"media: {verb} {len(plan.uploads)}, skipped {len(plan.skipped)} already there")
    return plan


def _one_at_a_time(report: Callable[[str], None]) -> Callable[[str], None]:
    """`report` for the upload threads: one line at a time (print writes a line and its
    newline apart, so two threads' lines ran together in `clinic dev`'s output)."""
    lock = Lock()

    def reported(line: str) -> None:
        with lock:
            report(line)

    return reported


def _upload(
    picture: Picture,
    missing: set[str],
    bucket: str,
    client: S3Client,
    report: Callable[[str], None],
) -> None:
    types = {copy.key: copy.media_type for copy in picture.all_copies()}
    objects = {
        key: Payload.of(body, types[key], YEAR_CACHE)
        for key, body in render_copies(picture).items()
        if key in missing
    }
    apply_plan(client, bucket, objects, Plan(uploads=[(key, "new") for key in objects]), report)
