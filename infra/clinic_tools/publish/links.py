"""The links a reader follows from an article or a page: each leads somewhere, now and later.

An `/articles/`, `/pages/` or `/providers/` link in the text (as a path, or as the site's
own address; `.` and `..` resolved) must name a published one (not a draft, not a missing
file, someone in authors.yaml), and an article it names must be due when its source is: the
function hides a related article until it is due, but not a link in the text (`related:`
is the loader's to check). A link or a call to action to a file (`/forms/intake.pdf`,
`/media/...`) must name one the site bucket will hold: site/'s (or `--site`'s), or what
`clinic publish` writes beside them; `/api/` is the API's. A relative link
(`other-article.md`, as an editor's preview writes it) would resolve under the page's own
path. Each is a ContentError of the source's file, so `clinic publish` refuses the content
before anything is uploaded.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape, unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from clinic_api.content.store import visible_from
from clinic_tools.publish.compile import CompiledSite
from clinic_tools.publish.feed import FEED_KEY
from clinic_tools.publish.loader import (
    Content,
    ContentError,
    Problem,
    SiteFiles,
    calls_to_action,
    site_path,
    source_lines,
    unserved,
)
from clinic_tools.publish.models import SiteSettings
from clinic_tools.publish.sitemap import SITEMAP_KEY
from clinic_tools.site.paths import SITE_DIR
from clinic_tools.site.render import rendered_keys

_HREF = re.compile(r'href="([^"]*)"')
_SHOWN = "1970-01-01T00:00:00Z"  # a document shown since long ago: due links only
_RELATIVE = "'{}' is relative: link from the site's root, like /articles/other-article"


def check_links(
    content: Content, compiled: CompiledSite, now: datetime, site_dir: Path | None
) -> None:
    """Raises ContentError naming each link a reader could not follow."""
    problems = link_problems(content, compiled, now, site_dir)
    if problems:
        raise ContentError(problems)


def link_problems(
    content: Content, compiled: CompiledSite, now: datetime, site_dir: Path | None = SITE_DIR
) -> list[Problem]:
    """Each link a reader could not follow; a file's against `site_dir` (None: not checked)."""
    paths = {source.slug: source.path for source in content.sources}
    paths |= {page.slug: page.path for page in content.pages}
    documents = {**compiled.articles, **compiled.pages}
    files = site_files(content, compiled, site_dir)
    problems = _calls_to_no_file(content, files)
    for slug, document in documents.items():
        found = _unfollowable(document, compiled, now, content.site, files)
        if not found:
            continue
        path = paths.get(slug, Path(slug))
        lines = source_lines(path)  # read once, and only for a source with a bad link
        for message, written in found:
            problems.append(Problem(path, "links", message, _line_of(lines, written)))
    for key, provider in compiled.providers.items():  # a bio: on its page, shown from now
        bio = {"html": provider["bioHtml"], "publishedAt": _SHOWN}
        for message, _ in _unfollowable(bio, compiled, now, content.site, files):
            problems.append(Problem(content.authors_path, f"{key}.bio", message))
    return problems


def site_files(content: Content, compiled: CompiledSite, site_dir: Path | None) -> SiteFiles | None:
    """Every file the site bucket will hold, by key: `site_dir`'s as `clinic site deploy`
    renders them, and what `clinic publish` writes (sitemap.xml and feed.xml with a
    `baseUrl`, the pictures' copies). None without that folder: files are not checked."""
    if site_dir is None or not site_dir.is_dir():
        return None
    base_url = str(content.site.base_url) if content.site.base_url else None
    published = {SITEMAP_KEY, FEED_KEY} if base_url else set()
    copies = {copy.key for picture in compiled.pictures.values() for copy in picture.all_copies()}
    return SiteFiles(site_dir, frozenset(rendered_keys(site_dir, base_url) | published | copies))


def _calls_to_no_file(content: Content, files: SiteFiles | None) -> list[Problem]:
    """The loader checks that a call to action leads to a page or a file; this, to a file
    the bucket will hold."""
    problems = []
    for call in calls_to_action(content.site, content.site_yaml, content.sources):
        path = site_path(call.href, content.site)
        missing = unserved(path, files) if path is not None and unserved(path) is None else None
        if missing:
            problems.append(Problem(call.path, call.field, missing))
    return problems


def _line_of(lines: list[str], written: str) -> int | None:
    """The first line of the source that holds the link as written, or as it was before
    the parser escaped it (none if the Markdown spells it otherwise, or as a reference),
    so that an author need not hunt."""
    spellings = {written, unquote(written), escape(written, quote=False)}
    return next(
        (number for number, line in enumerate(lines, 1) if any(s in line for s in spellings)),
        None,
    )


def hrefs(html: str) -> list[str]:
    """Each link's href in compiled HTML, once, as the reader's browser reads it."""
    return list(dict.fromkeys(unescape(written) for written in _HREF.findall(html)))


def _unfollowable(
    document: dict[str, Any],
    compiled: CompiledSite,
    now: datetime,
    site: SiteSettings,
    files: SiteFiles | None,
) -> list[tuple[str, str]]:
    """(message, the link's text as written) for each link a reader could not follow."""
    articles, html = compiled.articles, document["html"]
    shown = max(now.timestamp(), visible_from(document["publishedAt"]))
    found = []
    for href in hrefs(html):
        path = site_path(href, site)
        if path is None:
            if not re.match(r"[a-z][a-z0-9+.-]*:|/|#", href, re.IGNORECASE):
                found.append((_RELATIVE.format(href), href))
            continue
        kind, _, target = path.removeprefix("/").partition("/")
        target = target.removesuffix("/")
        if kind in {"articles", "pages"} and not target:  # /providers is the team's page
            found.append((f"'{href}' leads to no page: link to /{kind}/<slug>", href))
        elif kind == "articles" and target not in articles:
            found.append((f"{target} is no published article (a missing file, or a draft)", href))
        elif kind == "articles" and visible_from(articles[target]["publishedAt"]) > shown:
            found.append((f"{target} is published after this one: link to it once it is due", href))
        elif kind == "pages" and target not in compiled.pages:
            found.append((f"/pages/{target} is no published page", href))
        elif kind == "providers" and target and target not in compiled.providers:
            found.append((f"/providers/{target} is no one's page in authors.yaml", href))
        elif unfollowable := unserved(path, files):
            found.append((unfollowable, href))
    return found
