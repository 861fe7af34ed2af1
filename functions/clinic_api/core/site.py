"""The clinic's published settings (site.json), as the functions that need them read it.

site.json (published from content/site.yaml) is the one source of the services,
consent version, phone region and time zone; it is read through the same
revalidating cache the ContentFunction uses, from the bucket in CONTENT_BUCKET.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from clinic_api.core.keys import SITE_KEY
from clinic_api.core.s3_cache import S3ObjectCache
from clinic_api.core.settings import Environment, PublishedContent

Settings = TypeVar("Settings")


@cache
def _site_cache(_parse: Callable[[dict[str, Any]], Any]) -> S3ObjectCache:
    """One cache per parse: an entry holds what its parse made of the object."""
    return PublishedContent.read(Environment()).cache()


def site_settings(parse: Callable[[dict[str, Any]], Settings]) -> Settings:
    """site.json through `parse`, once per version of the object."""
    return _site_cache(parse).get(SITE_KEY, parse=parse)


def forget_site() -> None:
    """After a SnapStart restore: read site.json again (it may have been republished)."""
    _site_cache.cache_clear()
