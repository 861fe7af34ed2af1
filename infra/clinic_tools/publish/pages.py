"""content/pages/*.md → the page documents, their summaries and the site's navigation.

Compiled as articles are (sanitised HTML, heading ids, toc); a page has no
author, tags or related articles. Drafts are never published; a page with
`publishAt` in the future is published and stays invisible until it is due.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markdown_it import MarkdownIt

from clinic_api.content.store import visible_from
from clinic_api.core.keys import page_url
from clinic_tools.publish.loader import Content, PageSource
from clinic_tools.publish.markdown import render_html, table_of_contents
from clinic_tools.publish.pictures import Pictures
from clinic_tools.publish.published import absolute_url, iso_moment

# A page whose slug says what it is gets schema.org's own type for it.
_PAGE_TYPES = {"about": "AboutPage", "contact": "ContactPage"}


def compile_pages(content: Content, md: MarkdownIt, pictures: Pictures) -> dict[str, Any]:
    """slug → page, published and scheduled (no drafts), in slug order."""
    return {
        source.slug: _page(source, content, md, pictures)
        for source in sorted(content.pages, key=lambda source: source.slug)
        if not source.front.draft
    }


def page_summaries(content: Content) -> list[dict[str, Any]]:
    """index.json's `pages`: every published page's slug and when it is due."""
    return [
        {"slug": source.slug, "publishedAt": _published_at(source)}
        for source in sorted(content.pages, key=lambda source: source.slug)
        if not source.front.draft
    ]


def navigation(content: Content) -> list[dict[str, str]]:
    """site.json's `pages`: the published pages with a `nav`, in its order, then by slug."""
    listed = sorted(
        (
            source
            for source in content.pages
            if source.front.nav is not None and not source.front.draft
        ),
        key=lambda source: (source.front.nav, source.slug),
    )
    return [
        {
            "slug": source.slug,
            "title": source.front.nav_title or source.front.title,
            "url": page_url(source.slug),
        }
        for source in listed
    ]


def _published_at(source: PageSource) -> str:
    return iso_moment(source.front.publish_at or source.front.date)


def due_pages(content: Content, now: dt.datetime) -> set[str]:
    """The pages a visitor may open at `now`, by the content function's own reading of a
    page's `publishedAt` (`visible_from`)."""
    moment = now.timestamp()
    return {
        source.slug for source in content.pages if visible_from(_published_at(source)) <= moment
    }


def _page(
    source: PageSource, content: Content, md: MarkdownIt, pictures: Pictures
) -> dict[str, Any]:
    front = source.front
    published = _published_at(source)
    page = {
        "slug": source.slug,
        "url": page_url(source.slug),
        "title": front.title,
        "description": front.description,
        "publishedAt": published,
        "updatedAt": front.updated.isoformat() if front.updated else published,
        "html": render_html(md, source.tokens),
        "toc": table_of_contents(source.tokens),
        "image": pictures(front.image),
    }
    site = content.site
    page["jsonLd"] = {
        "@context": "https://schema.org",
        "@type": _PAGE_TYPES.get(source.slug, "WebPage"),
        "name": front.title,
        "description": front.description,
        "url": absolute_url(site, page["url"]),
        "datePublished": page["publishedAt"],
        "dateModified": page["updatedAt"],
        "inLanguage": "en",
        "publisher": {"@type": "MedicalClinic", "name": site.name}
        | ({"url": str(site.base_url)} if site.base_url else {}),
    }
    if page["image"]:
        page["jsonLd"]["image"] = absolute_url(site, page["image"]["url"])
    return page
