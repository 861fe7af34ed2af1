"""What `clinic publish --site-bucket` writes to the site bucket: sitemap.xml and feed.xml.

Both list the articles published and due at the time of the publish (the sitemap
also the due pages, the team page and the providers'): a scheduled article or
page joins them at the first publish after it is due. Both need absolute URLs,
so without a `baseUrl` in site.yaml there is nothing to write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from clinic_api.content.store import visible_from
from clinic_api.core.keys import TEAM_URL
from clinic_tools.publish.compile import CompiledSite, absolute_url
from clinic_tools.publish.feed import FEED_KEY, FEED_TYPE, build_feed
from clinic_tools.publish.models import SiteSettings
from clinic_tools.publish.sitemap import SITEMAP_KEY, SITEMAP_TYPE, build_sitemap
from clinic_tools.publish.upload import Payload

# Readers and crawlers see a new article within minutes, yet the CDN answers most requests.
SITE_FILE_CACHE = "public, max-age=300"


def due_summaries(compiled: CompiledSite, now: datetime) -> list[dict[str, Any]]:
    """The index's summaries (newest first) published by `now`."""
    moment = now.timestamp()
    return [
        summary
        for summary in compiled.index["articles"]
        if visible_from(summary["publishedAt"]) <= moment
    ]


def build_site_files(
    compiled: CompiledSite, site: SiteSettings, now: datetime
) -> dict[str, Payload] | None:
    """sitemap.xml and feed.xml, or None when site.yaml has no baseUrl."""
    if site.base_url is None:
        return None
    home = absolute_url(site, "/")
    articles = [
        summary | {"url": absolute_url(site, summary["url"])}
        for summary in due_summaries(compiled, now)
    ]
    feed = build_feed(
        site.name, home, absolute_url(site, f"/{FEED_KEY}"), articles, compiled.index["tagLabels"]
    )
    others = _due_pages(compiled, site, now) + _provider_pages(compiled, site)
    return {
        SITEMAP_KEY: Payload.of(
            build_sitemap(home, articles, others), SITEMAP_TYPE, SITE_FILE_CACHE
        ),
        FEED_KEY: Payload.of(feed, FEED_TYPE, SITE_FILE_CACHE),
    }


def _due_pages(compiled: CompiledSite, site: SiteSettings, now: datetime) -> list[dict[str, Any]]:
    moment = now.timestamp()
    return [
        {"url": absolute_url(site, page["url"]), "updatedAt": page["updatedAt"]}
        for page in compiled.pages.values()
        if visible_from(page["publishedAt"]) <= moment
    ]


def _provider_pages(compiled: CompiledSite, site: SiteSettings) -> list[dict[str, Any]]:
    """The team page and each provider's, when the clinic has any."""
    if not compiled.providers:
        return []
    return [{"url": absolute_url(site, TEAM_URL)}] + [
        {"url": absolute_url(site, provider["url"])} for provider in compiled.providers.values()
    ]
