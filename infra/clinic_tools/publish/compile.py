"""Content → the documents the ContentFunction serves: articles, pages, providers, index, site.

Pure: no AWS here. The output is deterministic, so an unchanged article
compiles to the same bytes and the upload can skip it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from clinic_api.content.tags import tag_label
from clinic_api.core.keys import article_url
from clinic_tools.publish.images import Picture, ShownPictures
from clinic_tools.publish.loader import Content, Source
from clinic_tools.publish.markdown import (
    count_words,
    first_paragraph,
    parse_markdown,
    plain_paragraphs,
    render_html,
    table_of_contents,
)
from clinic_tools.publish.pages import compile_pages, navigation, page_summaries
from clinic_tools.publish.people import (
    compile_providers,
    person,
    provider_choices,
    provider_summary,
)
from clinic_tools.publish.published import absolute_url, iso_moment

WORDS_PER_MINUTE = 200
EXCERPT_LENGTH = 200
RELATED_CANDIDATES = 12  # the function shows the first 3 that are due


__all__ = ["CompiledSite", "absolute_url", "compile_site", "iso_moment"]


@dataclass(frozen=True)
class CompiledSite:
    site: dict[str, Any]
    articles: dict[str, dict[str, Any]]  # slug → article, published and scheduled (no drafts)
    # Summaries (newest first), every tag's label, pages (when due), providers (in order).
    index: dict[str, Any]
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # as articles
    providers: dict[str, dict[str, Any]] = field(default_factory=dict)  # slug → provider
    # src → picture, for those the compiled documents show: what goes to /media/.
    pictures: dict[str, Picture] = field(default_factory=dict)


def published_at(source: Source) -> str:
    return iso_moment(source.front.publish_at or source.front.date)


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip(" ,;:.") + "…"


def site_document(content: Content) -> dict[str, Any]:
    """site.json: the settings as served (tag labels are served by GET /tags instead), the
    navigation's pages and the providers a request may name."""
    settings = content.site.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude={"tag_labels"}
    )
    return settings | {"pages": navigation(content), "providers": provider_choices(content)}


def tag_labels(content: Content, articles: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Every tag of the compiled articles and what the site calls it, sorted by tag."""
    used = sorted({tag for article in articles.values() for tag in article["tags"]})
    return {tag: tag_label(tag, content.site.tag_labels) for tag in used}


def compile_site(content: Content) -> CompiledSite:
    """Every document, and the pictures they show (articles' and pages' feature pictures and
    Markdown images, providers' photos: clinic_tools.publish.images.ShownPictures)."""
    shown = ShownPictures(content.pictures)
    md = parse_markdown(shown.html)
    sources = sorted(
        (source for source in content.sources if not source.front.draft),
        key=lambda source: (-_sort_time(source), source.slug),
    )
    articles = {source.slug: _article(source, content, md, shown) for source in sources}
    for source in sources:
        articles[source.slug]["related"] = _related(source, sources)
        articles[source.slug]["jsonLd"] = _json_ld(articles[source.slug], content)
    summaries = [_summary(articles[source.slug]) for source in sources]
    providers = compile_providers(content, sources, md, shown.image)
    index = {
        "articles": summaries,
        "tagLabels": tag_labels(content, articles),
        "pages": page_summaries(content),
        "providers": [provider_summary(provider) for provider in providers.values()],
    }
    pages = compile_pages(content, md, shown.image)
    return CompiledSite(site_document(content), articles, index, pages, providers, shown.shown)


def _sort_time(source: Source) -> float:
    moment = source.front.publish_at or source.front.date
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(), dt.UTC)
    return moment.timestamp()


_SUMMARY_FIELDS = (
    "slug", "url", "title", "description", "excerpt", "author", "publishedAt", "updatedAt",
    "tags", "readingTimeMinutes",
)  # fmt: skip


def _summary(article: dict[str, Any]) -> dict[str, Any]:
    """The list's view of an article: its author without the bio, which only the article shows."""
    summary = {field: article[field] for field in _SUMMARY_FIELDS}
    summary["author"] = {key: value for key, value in article["author"].items() if key != "bio"}
    return summary


def _article(source: Source, content: Content, md: Any, shown: ShownPictures) -> dict[str, Any]:
    front = source.front
    words = count_words(plain_paragraphs(source.tokens))
    cta = front.cta or content.site.cta
    reviewer = front.reviewed_by
    return {
        "slug": source.slug,
        "url": article_url(source.slug),
        "title": front.title,
        "description": front.description,
        "excerpt": excerpt(first_paragraph(source.tokens)),
        "author": person(front.author, content.authors[front.author], md),
        "publishedAt": published_at(source),
        "updatedAt": front.updated.isoformat() if front.updated else published_at(source),
        "tags": list(front.tags),
        "readingTimeMinutes": max(1, math.ceil(words / WORDS_PER_MINUTE)),
        "wordCount": words,
        "html": render_html(md, source.tokens),
        "toc": table_of_contents(source.tokens),
        "cta": {"label": cta.label, "href": cta.href},
        "related": [],
        "reviewedBy": person(reviewer, content.authors[reviewer], md) if reviewer else None,
        "lastReviewed": front.last_reviewed.isoformat() if front.last_reviewed else None,
        "image": shown.image(front.image),
    }


def _related(source: Source, sources: list[Source]) -> list[dict[str, str]]:
    """The author's list, else articles sharing a tag, newest first (`sources` is)."""
    by_slug = {other.slug: other for other in sources}
    if source.front.related is not None:
        chosen = [by_slug[slug] for slug in source.front.related]
    else:
        tags = set(source.front.tags)
        chosen = [
            other for other in sources if other is not source and tags & set(other.front.tags)
        ][:RELATED_CANDIDATES]
    return [
        {"slug": other.slug, "title": other.front.title, "url": article_url(other.slug)}
        for other in chosen
    ]


def _json_ld(article: dict[str, Any], content: Content) -> dict[str, Any]:
    """schema.org MedicalWebPage, with the medical review where the author gave one."""
    site = content.site

    def schema_person(who: dict[str, str]) -> dict[str, str]:
        return {
            "@type": "Person",
            "name": who["name"],
            "honorificSuffix": who["credentials"],
            "url": absolute_url(site, who["url"]),
        }

    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "headline": article["title"],
        "name": article["title"],
        "description": article["description"],
        "url": absolute_url(site, article["url"]),
        "datePublished": article["publishedAt"],
        "dateModified": article["updatedAt"],
        "inLanguage": "en",
        "keywords": article["tags"],
        "wordCount": article["wordCount"],
        "author": schema_person(article["author"]),
        "publisher": {"@type": "MedicalClinic", "name": site.name}
        | ({"url": str(site.base_url)} if site.base_url else {}),
        "medicalAudience": {"@type": "MedicalAudience", "audienceType": "Patient"},
    }
    if article["image"]:
        document["image"] = absolute_url(site, article["image"]["url"])
    if article["reviewedBy"]:
        document["reviewedBy"] = schema_person(article["reviewedBy"])
        document["lastReviewed"] = article["lastReviewed"]
    return document
