"""The clinic's published settings (site.json), as the functions that need them read it.

site.json (published from content/site.yaml) is the one source of the services,
consent version, phone region and time zone; it is read through the same
revalidating cache the ContentFunction uses, from the bucket in CONTENT_BUCKET.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from clinic_api.core.clients import s3_client
from clinic_api.core.keys import SITE_KEY
from clinic_api.core.s3_cache import S3ObjectCache

Settings = TypeVar("Settings")


@cache
def _site_cache(_parse: Callable[[dict[str, Any]], Any]) -> S3ObjectCache:
    """One cache per parse: an entry holds what its parse made of the object."""
    ttl = float(os.environ.get("CACHE_TTL_SECONDS", "60"))
    return S3ObjectCache(s3_client, os.environ["CONTENT_BUCKET"], ttl)


def site_settings(parse: Callable[[dict[str, Any]], Settings]) -> Settings:
    """site.json through `parse`, once per version of the object."""
    return _site_cache(parse).get(SITE_KEY, parse=parse)
