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
PAGE_PREFIX = "pages/"
PROVIDER_PREFIX = "providers/"
# Every prefix `clinic publish --prune` may delete from: one object per published document.
DOCUMENT_PREFIXES = (ARTICLE_PREFIX, PAGE_PREFIX, PROVIDER_PREFIX)

# Lowercase words joined by single hyphens: nothing that could name another key.
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX_LENGTH = 120
TAG_PATTERN = SLUG_PATTERN
TAG_MAX_LENGTH = 40


def is_slug(value: str) -> bool:
    return len(value) <= SLUG_MAX_LENGTH and SLUG_PATTERN.fullmatch(value) is not None


def _document_key(prefix: str, slug: str) -> str:
    if not is_slug(slug):
        raise ValueError("not a slug")
    return f"{prefix}{slug}.json"


def article_key(slug: str) -> str:
    return _document_key(ARTICLE_PREFIX, slug)


def page_key(slug: str) -> str:
    return _document_key(PAGE_PREFIX, slug)


def provider_key(slug: str) -> str:
    return _document_key(PROVIDER_PREFIX, slug)


# The site's paths (and the API's: the same path serves the JSON under /api/).
def article_url(slug: str) -> str:
    return f"/articles/{slug}"


def page_url(slug: str) -> str:
    return f"/pages/{slug}"


def provider_url(slug: str) -> str:
    return f"/providers/{slug}"


TEAM_URL = "/providers"  # the team page: every provider
