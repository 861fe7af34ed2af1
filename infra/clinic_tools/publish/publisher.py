"""`clinic publish`: load, compile and upload `content/`, or print the plan.

With a site bucket it also writes the pictures' copies there (media/), before
the content bucket, so that no article shows a missing picture; and the site's
sitemap.xml and feed.xml, after it, so that they never name an article the API
lacks. The pictures belong to the content, whose publish knows them; the site
bucket is where the distribution serves them from, beside the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from clinic_api.core.aws_errors import error_code
from clinic_tools.openapi import build_openapi
from clinic_tools.publish.compile import CompiledSite, compile_site
from clinic_tools.publish.links import check_links
from clinic_tools.publish.loader import Content, load_content
from clinic_tools.publish.media import publish_media
from clinic_tools.publish.search_index import ARCHIVE_TYPE, build_search_index
from clinic_tools.publish.site_files import build_site_files
from clinic_tools.publish.tag_hints import tag_hints
from clinic_tools.publish.upload import Payload, Plan, apply_plan, documents_in_order, plan_upload
from clinic_tools.site.paths import SITE_DIR

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING_BUCKET = frozenset({"404", "NoSuchBucket", "NotFound"})


class MissingSiteBucket(Exception):
    """The site bucket does not exist; raised before anything is uploaded."""

    def __init__(self, bucket: str) -> None:
        super().__init__(bucket)
        self.bucket = bucket


def build_objects(content_dir: Path, now: datetime | None = None) -> dict[str, Payload]:
    """Every object a publish writes, in upload order; raises ContentError when invalid."""
    return _content_objects(*_checked(content_dir, now, SITE_DIR))


def check_content(
    content_dir: Path, site_dir: Path | None = SITE_DIR
) -> tuple[dict[str, Payload], list[str]]:
    """`clinic check`: what a publish would upload and the tag hints it would report;
    raises ContentError as a publish would."""
    content, compiled = _checked(content_dir, None, site_dir)
    return _content_objects(content, compiled), tag_hints(content)


def _checked(
    content_dir: Path, now: datetime | None, site_dir: Path | None
) -> tuple[Content, CompiledSite]:
    """The content, compiled; ContentError when a file is invalid or a link leads nowhere
    (a link to a file: nowhere in `site_dir`, or what publish writes)."""
    content = load_content(content_dir)
    compiled = compile_site(content)
    check_links(content, compiled, now or datetime.now(UTC), site_dir)
    return content, compiled


def _content_objects(content: Content, compiled: CompiledSite) -> dict[str, Payload]:
    search = build_search_index(compiled.articles, content.synonyms, pages=compiled.pages)
    return documents_in_order(
        compiled.articles,
        compiled.site,
        build_openapi(compiled.site),
        Payload(search.archive, search.input_sha256, ARCHIVE_TYPE),
        compiled.index,
        pages=compiled.pages,
        providers=compiled.providers,
    )


def publish(
    content_dir: Path,
    bucket: str,
    client: S3Client,
    *,
    prune: bool = False,
    dry_run: bool = False,
    report: Callable[[str], None] = print,
    site_bucket: str | None = None,
    now: datetime | None = None,
    site_dir: Path | None = SITE_DIR,
) -> Plan:
    """Publish to `bucket` (and sitemap.xml and feed.xml to `site_bucket`, as of `now`);
    links to files are checked against `site_dir`, the site's folder (None: not checked).

    Raises ContentError or MissingSiteBucket, with nothing uploaded, when any
    file is invalid or the site bucket does not exist. Returns the content
    bucket's plan.
    """
    content, compiled = _checked(content_dir, now, site_dir)
    for hint in tag_hints(content):
        report(hint)
    objects = _content_objects(content, compiled)
    site_files = None
    if site_bucket is not None:
        _require_site_bucket(client, site_bucket)
        site_files = build_site_files(compiled, content.site, now or datetime.now(UTC))
        publish_media(compiled.pictures, site_bucket, client, dry_run, report)
    elif compiled.pictures:
        report(f"{len(compiled.pictures)} picture(s) not uploaded: they go to the site bucket,")
        report("  under media/: pass --site-bucket (the stack's SiteBucketName)")
    plan = upload(objects, bucket, client, prune, dry_run, report)
    if site_bucket is not None and site_files is None:
        report("sitemap.xml and feed.xml not written: they need absolute URLs; set baseUrl")
        report("  in site.yaml to the site's address (e.g. https://www.example-clinic.com)")
    elif site_bucket is not None and site_files is not None:
        site_plan = _put_what_changed(site_files, site_bucket, client, dry_run, report)
        report(
            f"site bucket: {'would upload' if dry_run else 'uploaded'} {len(site_plan.uploads)}, "
            f"skipped {len(site_plan.skipped)} unchanged"
        )
    return plan


def _require_site_bucket(client: S3Client, bucket: str) -> None:
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as error:
        if error_code(error) in _MISSING_BUCKET:
            raise MissingSiteBucket(bucket) from error
        raise


def upload(
    objects: dict[str, Payload],
    bucket: str,
    client: S3Client,
    prune: bool = False,
    dry_run: bool = False,
    report: Callable[[str], None] = print,
) -> Plan:
    """Upload what changed (or, with dry_run, say what would), index last."""
    plan = _put_what_changed(objects, bucket, client, dry_run, report, prune=prune)
    verb = "would upload" if dry_run else "uploaded"
    report(
        f"{verb} {len(plan.uploads)}, skipped {len(plan.skipped)} unchanged, "
        f"{'would delete' if dry_run else 'deleted'} {len(plan.deletes)}"
        + ("" if prune else " (no --prune: articles removed from content/ stay in the bucket)")
    )
    return plan


def _put_what_changed(
    objects: dict[str, Payload],
    bucket: str,
    client: S3Client,
    dry_run: bool,
    report: Callable[[str], None],
    prune: bool = False,
) -> Plan:
    plan = plan_upload(client, bucket, objects, prune)
    if dry_run:
        for key, reason in plan.uploads:
            report(f"would upload {key} ({reason})")
        for key in plan.deletes:
            report(f"would delete {key}")
    else:
        apply_plan(client, bucket, objects, plan, report)
    return plan
