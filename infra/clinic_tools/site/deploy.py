"""`clinic site deploy`: render site/ for a deployed stack, upload it, invalidate what changed.

Everything it needs comes from the stack's outputs (SiteBucketName,
SiteDistributionId, SiteUrl; StaffUserPoolId and StaffUserPoolClientId for the
inbox page's sign-in). The API sits under /api/ on the same distribution, so the
rendered config.json says `{"apiBase": "/api"}` whatever the site's name.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from clinic_tools.publish.upload import Plan
from clinic_tools.site.render import StaffSignIn
from clinic_tools.site.upload import stale_paths, sync_site
from clinic_tools.stack_outputs import required_output, stack_outputs

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_s3 import S3Client


API_BASE = "/api"
# Past this many paths one wildcard is cheaper (each path is billed after 1,000 a month).
MAX_INVALIDATION_PATHS = 15
_OUTPUTS = ("SiteUrl", "SiteBucketName", "SiteDistributionId")
_REDEPLOY = "deploy the template with the site first (make deploy)"


@dataclass(frozen=True)
class SiteStack:
    url: str
    bucket: str
    distribution_id: str
    staff: StaffSignIn | None = None  # None: a stack from before the staff inbox

    @classmethod
    def describe(cls, cloudformation: CloudFormationClient, stack_name: str) -> SiteStack:
        outputs = stack_outputs(cloudformation, stack_name)
        url, bucket, distribution = required_output(
            outputs,
            stack_name,
            *_OUTPUTS,
            hint=_REDEPLOY,
        )
        pool, client = outputs.get("StaffUserPoolId"), outputs.get("StaffUserPoolClientId")
        staff = StaffSignIn.for_pool(pool, client) if pool and client else None
        return cls(url, bucket, distribution, staff)


@dataclass(frozen=True)
class Deployed:
    site: SiteStack
    plan: Plan
    invalidated: list[str]  # paths; empty when nothing cached went stale
    invalidation_id: str | None


def deploy_site(
    stack_name: str,
    content_dir: Path,
    site_dir: Path,
    cloudformation: CloudFormationClient,
    s3: S3Client,
    cloudfront: CloudFrontClient,
    report: Callable[[str], None] = print,
) -> Deployed:
    """Raises StackError, or ContentError when content/site.yaml is invalid."""
    site = SiteStack.describe(cloudformation, stack_name)
    plan = sync_site(site_dir, content_dir, API_BASE, site.bucket, s3, report, site.staff)
    paths = stale_paths(plan)
    if len(paths) > MAX_INVALIDATION_PATHS:
        paths = ["/*"]
    invalidation_id = invalidate(cloudfront, site.distribution_id, paths) if paths else None
    if invalidation_id:
        report(f"site: invalidating {len(paths)} path(s) ({invalidation_id}): {' '.join(paths)}")
    report(f"site: {site.url}")
    return Deployed(site, plan, paths, invalidation_id)


def invalidate(cloudfront: CloudFrontClient, distribution_id: str, paths: list[str]) -> str:
    """Ask CloudFront to drop its cached copies of `paths`; the invalidation's id."""
    answer = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": [quote(path, safe="/*") for path in paths]},
            "CallerReference": f"clinic-site-{time.time_ns()}",
        },
    )
    return answer["Invalidation"]["Id"]
