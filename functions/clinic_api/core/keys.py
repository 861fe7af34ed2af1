"""Where published content lives in the bucket, and what a slug may look like.

Shared by the publisher (which writes these keys) and the function (which reads them).
"""

from __future__ import annotations

import re

INDEX_KEY = "index.json"
SITE_KEY = "site.json"
OPENAPI_KEY = "openapi.json"
SEARCH_INDEX_KEY = "search/index.tar"  # see clinic_api.search.schema
ARTICLE_PREFIX = "articles/"

# Lowercase words joined by single hyphens: nothing that could name another key.
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX_LENGTH = 120
TAG_PATTERN = SLUG_PATTERN
TAG_MAX_LENGTH = 40


def is_slug(value: str) -> bool:
    return len(value) <= SLUG_MAX_LENGTH and SLUG_PATTERN.fullmatch(value) is not None


def article_key(slug: str) -> str:
    if not is_slug(slug):
        raise ValueError("not a slug")
    return f"{ARTICLE_PREFIX}{slug}.json"


def article_url(slug: str) -> str:
    return f"/articles/{slug}"
