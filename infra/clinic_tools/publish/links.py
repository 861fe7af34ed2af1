"""The links a reader follows from an article or a page: each leads somewhere, now and later.

An `/articles/` or `/pages/` link in the text must name a published one (not a draft,
not a missing file), and an article it names must be due when its source is: the
function hides a related article until it is due, but not a link in the text (`related:`
is the loader's to check). A relative link (`other-article.md`, as an editor's preview
writes it) would resolve under the page's own path. Each is a ContentError of the
source's file, so `clinic publish` refuses the content before anything is uploaded.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from clinic_api.content.store import visible_from
from clinic_tools.publish.compile import CompiledSite
from clinic_tools.publish.loader import Content, ContentError, Problem, source_lines

# An href to an article or a page, relative to the site or absolute: its slug.
ARTICLE_LINK = re.compile(r'href="(?:https?://[^/"]+)?/articles/([^"/?#]+)/?(?:[?#][^"]*)?"')
PAGE_LINK = re.compile(r'href="(?:https?://[^/"]+)?/pages/([^"/?#]+)/?(?:[?#][^"]*)?"')
_SHOWN = "1970-01-01T00:00:00Z"  # a document shown since long ago: due links only
_RELATIVE = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|/|#)([^"]*)"', re.IGNORECASE)


def check_links(content: Content, compiled: CompiledSite, now: datetime) -> None:
    """Raises ContentError naming each link a reader could not follow."""
    problems = link_problems(content, compiled, now)
    if problems:
        raise ContentError(problems)


def link_problems(content: Content, compiled: CompiledSite, now: datetime) -> list[Problem]:
    paths = {source.slug: source.path for source in content.sources}
    paths |= {page.slug: page.path for page in content.pages}
    documents = {**compiled.articles, **compiled.pages}
    problems = []
    for slug, document in documents.items():
        found = _unfollowable(document, compiled, now)
        if not found:
            continue
        path = paths.get(slug, Path(slug))
        lines = source_lines(path)  # read once, and only for a source with a bad link
        for message, written in found:
            problems.append(Problem(path, "links", message, _line_of(lines, written)))
    for key, provider in compiled.providers.items():  # a bio: on its page, shown from now
        bio = {"html": provider["bioHtml"], "publishedAt": _SHOWN}
        for message, _ in _unfollowable(bio, compiled, now):
            problems.append(Problem(content.authors_path, f"{key}.bio", message))
    return problems


def _line_of(lines: list[str], written: str) -> int | None:
    """The first line of the source that holds the link as written (none if the Markdown
    spells it otherwise, escaped or as a reference), so that an author need not hunt."""
    return next((number for number, line in enumerate(lines, 1) if written in line), None)


def _unfollowable(
    document: dict[str, Any], compiled: CompiledSite, now: datetime
) -> list[tuple[str, str]]:
    """(message, the link's text as written) for each link a reader could not follow."""
    articles, html = compiled.articles, document["html"]
    linked = ARTICLE_LINK.findall(html)
    found = [
        (f"{target} is no published article (a missing file, or a draft)", f"/articles/{target}")
        for target in dict.fromkeys(linked)
        if target not in articles
    ]
    found += [
        (f"{target} is published after this one: link to it once it is due", f"/articles/{target}")
        for target in sorted(set(linked) & set(articles))
        if visible_from(articles[target]["publishedAt"])
        > max(now.timestamp(), visible_from(document["publishedAt"]))
    ]
    found += [
        (f"/pages/{target} is no published page", f"/pages/{target}")
        for target in PAGE_LINK.findall(html)
        if target not in compiled.pages
    ]
    found += [
        (f"'{href}' is relative: link from the site's root, like /articles/other-article", href)
        for href in _RELATIVE.findall(html)
    ]
    return found
