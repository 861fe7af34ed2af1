"""The clinic's own content/ is valid, whatever articles it holds: it publishes, and no
article points a reader at one that is missing, a draft, or not yet due.

Every other test runs on tests/fixtures/content/; this is the one that reads content/,
and it counts nothing, so adding, editing or removing an article keeps the suite green.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from clinic_api.content.schemas import Article, ArticleSummary, Page, Provider, Site
from clinic_api.core.keys import article_url
from clinic_tools.publish.compile import CompiledSite, compile_site
from clinic_tools.publish.loader import load_content
from tests.conftest import CONTENT, LIVE_CONTENT
from tests.fixture_content import ANXIETY, DEPRESSION, DRAFT, INFUSION_VISIT, SCHEDULED

# An href to an article page, relative or absolute: its slug.
ARTICLE_LINK = re.compile(r'href="(?:https?://[^/"]+)?/articles/([^"/?#]+)/?(?:[?#][^"]*)?"')
PAGE_LINK = re.compile(r'href="(?:https?://[^/"]+)?/pages/([^"/?#]+)/?(?:[?#][^"]*)?"')
BEFORE_SCHEDULED = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)  # for the fixture content


def moment(published_at: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(published_at)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def broken_links(compiled: CompiledSite, now: dt.datetime) -> list[str]:
    """Each related article, /articles/ or /pages/ link (in an article or a page) that leads
    a reader to a 404, now or later, as `source -> target (why)`. The function hides a
    related article until it is due; a link in the text it cannot hide, so that one must
    be due with its source."""
    articles = compiled.articles
    documents = {**articles, **compiled.pages}
    problems = []
    for slug, document in documents.items():
        linked = ARTICLE_LINK.findall(document["html"])
        for target in [link["slug"] for link in document.get("related", [])] + linked:
            if target not in articles:
                problems.append(f"{slug} -> {target} (no such published article)")
        for target in sorted(set(linked) & set(articles)):
            if moment(articles[target]["publishedAt"]) > max(now, moment(document["publishedAt"])):
                problems.append(f"{slug} -> {target} (due after it)")
        for target in PAGE_LINK.findall(document["html"]):
            if target not in compiled.pages:
                problems.append(f"{slug} -> {target} (no such published page)")
    return problems


def problems(content: Path, now: dt.datetime) -> list[str]:
    """What keeps `content` from being published and read as it is.

    Loading and compiling raise ContentError, naming the file and field, on anything
    invalid; what they return must be what the API promises.
    """
    compiled = compile_site(load_content(content))
    Site.model_validate(compiled.site)
    for slug, article in compiled.articles.items():
        assert Article.model_validate(article).slug == slug
        assert article["url"] == article_url(slug)
    for summary in compiled.index["articles"]:
        ArticleSummary.model_validate(summary)
    for slug, page in compiled.pages.items():
        assert Page.model_validate(page).slug == slug
    for slug, provider in compiled.providers.items():
        assert Provider.model_validate(provider).slug == slug
    return broken_links(compiled, now)


def test_the_clinics_content_is_valid_and_its_links_lead_somewhere() -> None:
    assert problems(LIVE_CONTENT, dt.datetime.now(dt.UTC)) == []


def test_the_clinics_content_publishes() -> None:
    from clinic_tools.publish.publisher import build_objects

    objects = build_objects(LIVE_CONTENT)

    assert {"index.json", "site.json", "openapi.json", "search/index.tar"} <= set(objects)


# The check itself, on a copy of the fixture content that a test breaks.


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))


def add_link(content: Path, source: str, href: str) -> None:
    path = content / "articles" / f"{source}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(f"{text}\nSee [another article]({href}).\n", encoding="utf-8")


def test_the_fixture_content_passes_and_has_a_link_to_check(content: Path) -> None:
    assert problems(content, BEFORE_SCHEDULED) == []
    compiled = compile_site(load_content(content))
    assert ARTICLE_LINK.findall(compiled.articles[DEPRESSION]["html"]) == [INFUSION_VISIT]


@pytest.mark.parametrize(
    ("href", "why"),
    [
        pytest.param("/articles/no-such-article", "no such published article", id="missing"),
        pytest.param(
            "https://www.fernhill-mood.example/articles/no-such-article/",
            "no such published article",
            id="missing, absolute",
        ),
        pytest.param(f"/articles/{DRAFT}", "no such published article", id="a draft"),
        pytest.param(f"/articles/{SCHEDULED}#cost", "due after it", id="not yet due"),
        pytest.param("/pages/no-such-page", "no such published page", id="a missing page"),
    ],
)
def test_a_link_a_reader_cannot_follow_is_reported(content: Path, href: str, why: str) -> None:
    add_link(content, ANXIETY, href)
    target = href.rstrip("/").split("/")[-1].split("#")[0]

    assert problems(content, BEFORE_SCHEDULED) == [f"{ANXIETY} -> {target} ({why})"]


def test_a_scheduled_article_may_link_to_an_older_one(content: Path) -> None:
    add_link(content, SCHEDULED, f"/articles/{ANXIETY}")

    assert problems(content, BEFORE_SCHEDULED) == []
