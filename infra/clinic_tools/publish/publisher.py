"""`clinic publish`: load, compile and upload `content/`, or print the plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_tools.openapi import build_openapi
from clinic_tools.publish.compile import compile_site
from clinic_tools.publish.loader import load_content
from clinic_tools.publish.search_index import ARCHIVE_TYPE, build_search_index
from clinic_tools.publish.upload import Payload, Plan, apply_plan, documents_in_order, plan_upload

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def build_objects(content_dir: Path) -> dict[str, Payload]:
    """Every object a publish writes, in upload order; raises ContentError when invalid."""
    content = load_content(content_dir)
    compiled = compile_site(content)
    search = build_search_index(compiled.articles, content.synonyms)
    return documents_in_order(
        compiled.articles,
        compiled.site,
        build_openapi(),
        Payload(search.archive, search.input_sha256, ARCHIVE_TYPE),
        compiled.index,
    )


def publish(
    content_dir: Path,
    bucket: str,
    client: S3Client,
    *,
    prune: bool = False,
    dry_run: bool = False,
    report: Callable[[str], None] = print,
) -> Plan:
    """Raises ContentError (nothing uploaded) when any file is invalid."""
    return upload(build_objects(content_dir), bucket, client, prune, dry_run, report)


def upload(
    objects: dict[str, Payload],
    bucket: str,
    client: S3Client,
    prune: bool = False,
    dry_run: bool = False,
    report: Callable[[str], None] = print,
) -> Plan:
    """Upload what changed (or, with dry_run, say what would), index last."""
    plan = plan_upload(client, bucket, objects, prune)
    if dry_run:
        for key, reason in plan.uploads:
            report(f"would upload {key} ({reason})")
        for key in plan.deletes:
            report(f"would delete {key}")
    else:
        apply_plan(client, bucket, objects, plan, report)
    verb = "would upload" if dry_run else "uploaded"
    report(
        f"{verb} {len(plan.uploads)}, skipped {len(plan.skipped)} unchanged, "
        f"{'would delete' if dry_run else 'deleted'} {len(plan.deletes)}"
        + ("" if prune else " (no --prune: articles removed from content/ stay in the bucket)")
    )
    return plan
