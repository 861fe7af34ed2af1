"""How every published document writes a moment and a site address, in one place.

Articles, pages and providers are compiled by their own modules; these two
rules must read the same in all of them (and in the sitemap and feed).
"""

from __future__ import annotations

import datetime as dt

from clinic_api.content.schemas import SiteBase


def iso_moment(moment: dt.date | dt.datetime) -> str:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()


def absolute_url(site: SiteBase, path: str) -> str:
    """The URL of a site path: absolute when site.yaml has a baseUrl, else the path itself."""
    return f"{str(site.base_url).rstrip('/')}{path}" if site.base_url else path
