"""ArticleStore: the published index, articles, pages and providers, as visitors may see
them now.

Scheduled articles and pages are in the bucket (and the search index) but stay
invisible (list, by slug, related, a provider's articles, the navigation,
search) until their `publishedAt`, then appear with no republish.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from clinic_api.content.cursor import (
    SortKey,
    decode_cursor,
    decode_search_cursor,
    encode_cursor,
    encode_search_cursor,
)
from clinic_api.content.settings import content_settings
from clinic_api.content.tags import tag_label
from clinic_api.core.keys import (
    INDEX_KEY,
    OPENAPI_KEY,
    SEARCH_INDEX_KEY,
    SITE_KEY,
    article_key,
    is_slug,
    page_key,
    provider_key,
)
from clinic_api.core.s3_cache import S3ObjectCache

if TYPE_CHECKING:
    from clinic_api.search.index import Found

RELATED_SHOWN = 3
# Search pages reach this many hits deep, as Algolia's do by default: a cursor never
# asks the engine for more, whatever it is edited to say.
SEARCH_DEPTH = 1000


def utc_now() -> datetime:
    return datetime.now(UTC)


def visible_from(published_at: str) -> float:
    """Epoch seconds of an ISO date or date-time; a bare date means midnight UTC."""
    moment = datetime.fromisoformat(published_at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@dataclass(frozen=True)
class PublishedIndex:
    """index.json parsed once per version: summaries in list order with their sort keys."""

    keys: list[SortKey]
    summaries: list[dict[str, Any]]
    by_slug: dict[str, float]
    tag_labels: dict[str, str]
    pages: dict[str, float] = field(default_factory=dict)  # slug → when it is due
    providers: list[dict[str, Any]] = field(default_factory=list)  # summaries, in order

    @classmethod
    def parse(cls, document: dict[str, Any]) -> PublishedIndex:
        rows = sorted(
            ((-visible_from(item["publishedAt"]), item["slug"]), item)
            for item in document["articles"]
        )
        # tagLabels, pages and providers are absent from an index published before them.
        return cls(
            keys=[key for key, _ in rows],
            summaries=[item for _, item in rows],
            by_slug={item["slug"]: -key[0] for key, item in rows},
            tag_labels=document.get("tagLabels", {}),
            pages={
                item["slug"]: visible_from(item["publishedAt"])
                for item in document.get("pages", ())
            },
            providers=document.get("providers", []),
        )

    def is_visible(self, slug: str, now: float) -> bool:
        moment = self.by_slug.get(slug)
        return moment is not None and moment <= now

    def is_page_visible(self, slug: str, now: float) -> bool:
        moment = self.pages.get(slug)
        return moment is not None and moment <= now

    def scheduled(self, now: float) -> list[str]:
        """Slugs of articles and pages not due yet (articles sort first, newest first,
        before the key `(-now,)`)."""
        articles = [slug for _, slug in self.keys[: bisect.bisect_left(self.keys, (-now,))]]
        return articles + [slug for slug, moment in self.pages.items() if moment > now]


@dataclass(frozen=True)
class ArticlePage:
    items: list[dict[str, Any]]
    next_cursor: str | None
    total: int


@dataclass(frozen=True)
class SearchPage:
    items: list[dict[str, Any]]  # SearchHit documents, best first
    total: int
    did_you_mean: str | None
    left_out: list[str]  # words no hit holds with the rest
    next_cursor: str | None


class ArticleStore:
    def __init__(self, cache: S3ObjectCache, clock: Callable[[], datetime] | None = None) -> None:
        self._cache = cache
        self._clock = clock
        # Per slug, the article as last served: (the cached object, the related links
        # visible, the answer), so that an unchanged article is one object (its JSON is
        # then encoded once: responses.encoded).
        self._served: dict[str, tuple[Any, list[dict[str, Any]], dict[str, Any]]] = {}

    def _now(self) -> float:
        # utc_now is looked up per call, so tests can move time for the cached store.
        return (self._clock or utc_now)().timestamp()

    def _index(self) -> PublishedIndex:
        return self._cache.get(INDEX_KEY, parse=PublishedIndex.parse)

    def warm(self) -> None:
        """Read index.json, which every list, article and search answer needs, ahead of them."""
        self._index()

    def warm_for_snapshot(self) -> None:
        """Everything a snapshot can carry for the requests to come: the index, site.json
        and the search engine with its index (loaded on the first /search otherwise)."""
        self._index()
        self.site()
        from clinic_api.search.index import SearchIndex

        self._cache.load(SEARCH_INDEX_KEY, SearchIndex.load)

    def expire(self) -> None:
        """Every cached object revalidated on its next read (after a SnapStart restore)."""
        self._cache.expire()

    def site(self) -> dict[str, Any]:
        """site.json, its navigation without the pages not due yet."""
        site = self._cache.get(SITE_KEY)
        if not site.get("pages"):
            return site
        index = self._index()
        now = self._now()
        pages = [page for page in site["pages"] if index.is_page_visible(page["slug"], now)]
        return site if len(pages) == len(site["pages"]) else {**site, "pages": pages}

    def openapi(self) -> dict[str, Any]:
        return self._cache.get(OPENAPI_KEY)

    def list_articles(self, tag: str | None, limit: int, cursor: str | None) -> ArticlePage:
        """Newest first; raises InvalidCursor for a cursor this list did not make."""
        index = self._index()
        now = self._now()
        due = [
            (key, item)
            for key, item in zip(index.keys, index.summaries, strict=True)
            if -key[0] <= now and (tag is None or tag in item["tags"])
        ]
        start = 0
        if cursor:
            start = bisect.bisect_right(due, decode_cursor(cursor, tag), key=lambda row: row[0])
        page = due[start : start + limit]
        more = start + limit < len(due)
        return ArticlePage(
            items=[item for _, item in page],
            next_cursor=encode_cursor(page[-1][0], tag) if more else None,
            total=len(due),
        )

    def tags(self) -> list[dict[str, Any]]:
        """The tags of the articles visible now with their labels, most used first, then by tag."""
        index = self._index()
        now = self._now()
        counts = Counter(
            tag
            for key, item in zip(index.keys, index.summaries, strict=True)
            if -key[0] <= now
            for tag in item["tags"]
        )
        return [
            {"tag": tag, "label": tag_label(tag, index.tag_labels), "count": count}
            for tag, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
        ]

    def article(self, slug: str) -> dict[str, Any] | None:
        """The article as served now, or None when unknown, not yet due or malformed."""
        if not is_slug(slug):
            return None
        index = self._index()
        now = self._now()
        if not index.is_visible(slug, now):
            return None
        stored = self._cache.get(article_key(slug))
        related = [
            link for link in stored.get("related", []) if index.is_visible(link["slug"], now)
        ][:RELATED_SHOWN]
        served = self._served.get(slug)
        if served is not None and served[0] is stored and served[1] == related:
            return served[2]
        article = {**stored, "related": related}
        self._served[slug] = (stored, related, article)
        return article

    def page(self, slug: str) -> dict[str, Any] | None:
        """The page as served now, or None when unknown, a draft, not yet due or malformed."""
        if not is_slug(slug) or not self._index().is_page_visible(slug, self._now()):
            return None
        return self._cache.get(page_key(slug))

    def providers(self) -> list[dict[str, Any]]:
        """Every provider's summary, in authors.yaml's order."""
        return self._index().providers

    def provider(self, slug: str) -> dict[str, Any] | None:
        """The provider with the articles they wrote or reviewed that are due, or None."""
        if not is_slug(slug):
            return None
        index = self._index()
        if not any(summary["slug"] == slug for summary in index.providers):
            return None
        now = self._now()
        provider = dict(self._cache.get(provider_key(slug)))
        provider["articles"] = [
            link for link in provider.get("articles", []) if index.is_visible(link["slug"], now)
        ]
        return provider

    def search(
        self,
        text: str,
        tag: str | None,
        limit: int,
        *,
        distinct: str | None = None,
        cursor: str | None = None,
    ) -> SearchPage:
        """Section hits visible now, best first (with distinct="article", each article's best);
        raises InvalidCursor for a cursor this question did not make."""
        # Imported here: the engine stays off the cold start of every other route.
        from clinic_api.search.index import SearchIndex

        question = (text, tag, distinct)
        offset = decode_search_cursor(cursor, question, SEARCH_DEPTH) if cursor else 0
        limit = min(limit, SEARCH_DEPTH - offset)
        engine = self._cache.load(SEARCH_INDEX_KEY, SearchIndex.load)
        index = self._index()
        now = self._now()
        found: Found = engine.search(
            text,
            tag=tag,
            limit=limit,
            hidden=index.scheduled(now),
            offset=offset,
            distinct=distinct == "article",
        )
        # A publish writes the search index before index.json: for those seconds the
        # search may name an article that index.json does not list yet.
        items = [
            item
            for item in found.items
            if (index.is_page_visible if item["kind"] == "page" else index.is_visible)(
                item["slug"], now
            )
        ]
        following = offset + limit
        more = following < min(found.total, SEARCH_DEPTH)
        return SearchPage(
            items,
            found.total,
            found.did_you_mean,
            found.left_out,
            encode_search_cursor(following, question) if more else None,
        )


@cache
def article_store() -> ArticleStore:
    """One store per container, configured from the function's settings."""
    return ArticleStore(content_settings().content.cache())
