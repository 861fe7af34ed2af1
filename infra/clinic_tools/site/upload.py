"""Put the rendered site into its bucket: only what changed, each file with its Cache-Control.

Whether a file changed is judged as `clinic publish` judges it (a SHA-256 in the
object's metadata, publish/upload.py), here of the body and of the headers it is
served with, so a new caching rule re-uploads too. Files gone from site/ are
deleted, except what `clinic publish --site-bucket` writes into the same bucket
(sitemap.xml, feed.xml and the pictures under media/).
The 404 page carries its status in its metadata (`x-amz-meta-status: 404`): the
distribution's viewer-response function, and the local site server, answer it so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_tools.publish.compile import site_document
from clinic_tools.publish.images import MEDIA_PREFIX
from clinic_tools.publish.loader import load_content
from clinic_tools.publish.pages import due_pages
from clinic_tools.publish.upload import Payload, Plan, apply_plan, plan_upload
from clinic_tools.site.paths import not_found_key
from clinic_tools.site.render import RenderedFile, StaffSignIn, render_site

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


# Pages and config.json: browsers always revalidate (ETag), CloudFront keeps them
# five minutes, and a deploy invalidates what it changed.
PAGE_CACHE = "public, max-age=0, s-maxage=300, must-revalidate"
# CSS, JavaScript, images: file names carry no hash (site/ has no build step), so
# an hour in the browser, a day at the edge (invalidated on deploy).
ASSET_CACHE = "public, max-age=3600, s-maxage=86400"
# Written by `clinic publish --site-bucket`, not rendered from site/: never deleted here.
PUBLISHED_ELSEWHERE = frozenset({"sitemap.xml", "feed.xml"})
PUBLISHED_ELSEWHERE_PREFIX = MEDIA_PREFIX  # the pictures' copies
# The object metadata naming the status an object is answered with (SiteStatusFunction).
STATUS_METADATA = "status"
# The staff inbox: never kept by a browser (the distribution's /staff* behavior says so too).
NO_STORE = "no-store"
STAFF_PREFIX = "staff/"


def site_settings(content_dir: Path, now: dt.datetime | None = None) -> dict[str, Any]:
    """content/site.yaml as the publisher validates it and GET /site serves it at `now`
    (by default, this moment): the navigation without the pages not due yet, whose links
    would lead to a 404 in every page's header until then."""
    content = load_content(content_dir)
    settings = site_document(content)
    due = due_pages(content, now or dt.datetime.now(dt.UTC))
    return settings | {"pages": [page for page in settings["pages"] if page["slug"] in due]}


def cache_control(key: str, content_type: str) -> str:
    if key.startswith(STAFF_PREFIX):
        return NO_STORE
    if key == "config.json" or content_type.startswith("text/html"):
        return PAGE_CACHE
    return ASSET_CACHE


def site_payloads(files: Mapping[str, RenderedFile]) -> dict[str, Payload]:
    """Each rendered file as an object to upload, hashed with the headers it carries."""
    payloads = {}
    not_found = not_found_key()
    for key, file in files.items():
        control = cache_control(key, file.content_type)
        metadata = ((STATUS_METADATA, "404"),) if key == not_found else ()
        headers = f"{control}\n{file.content_type}\n" + (f"{metadata}\n" if metadata else "")
        digest = hashlib.sha256(headers.encode() + file.body).hexdigest()
        payloads[key] = Payload(file.body, digest, file.content_type, control, metadata)
    return payloads


def upload_site(
    files: Mapping[str, RenderedFile],
    bucket: str,
    client: S3Client,
    report: Callable[[str], None] = print,
) -> Plan:
    """Upload what changed and delete what site/ no longer has; the plan says which."""
    objects = site_payloads(files)
    plan = plan_upload(client, bucket, objects, prune=False)
    plan.deletes = sorted(
        key
        for key in _stored_keys(client, bucket) - objects.keys() - PUBLISHED_ELSEWHERE
        if not key.startswith(PUBLISHED_ELSEWHERE_PREFIX)
    )
    apply_plan(client, bucket, objects, plan, report)
    report(
        f"site: uploaded {len(plan.uploads)}, skipped {len(plan.skipped)} unchanged, "
        f"deleted {len(plan.deletes)}"
    )
    return plan


def sync_site(
    site_dir: Path,
    content_dir: Path,
    api_base: str,
    bucket: str,
    client: S3Client,
    report: Callable[[str], None] = print,
    staff: StaffSignIn | None = None,
) -> Plan:
    """Render site/ with content/site.yaml, the API's base and the staff sign-in, and upload it.

    Raises ContentError (nothing uploaded) when site.yaml is invalid.
    """
    files = render_site(site_dir, site_settings(content_dir), api_base, staff)
    return upload_site(files, bucket, client, report)


def stale_paths(plan: Plan) -> list[str]:
    """The URIs whose cached copies a plan made stale: changed or deleted objects.

    The distribution caches under the URI the path rules rewrote to
    (/articles/x is cached as /article.html), so the object's key is the path.
    """
    changed = [key for key, reason in plan.uploads if reason == "changed"]
    return sorted(f"/{key}" for key in [*changed, *plan.deletes])


def _stored_keys(client: S3Client, bucket: str) -> set[str]:
    keys: set[str] = set()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.update(item.get("Key", "") for item in page.get("Contents", ()))
    return keys
