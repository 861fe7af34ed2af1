"""The clinic's own content/ is valid, whatever articles it holds: it publishes, and no
article points a reader at one that is missing, a draft, or not yet due.

Every other test runs on tests/fixtures/content/; this is the one that reads content/,
and it counts nothing, so adding, editing or removing an article keeps the suite green.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from clinic_api.content.schemas import Article, ArticleSummary, Page, Provider, Site
from clinic_api.core.keys import article_url
from clinic_tools.publish.compile import compile_site
from clinic_tools.publish.links import hrefs, link_problems
from clinic_tools.publish.loader import ContentError, load_content
from tests.conftest import CONTENT, LIVE_CONTENT
from tests.fixture_content import (
    ANXIETY,
    DEPRESSION,
    DRAFT,
    INFUSION_VISIT,
    PHYSICIAN,
    SCHEDULED,
)

BEFORE_SCHEDULED = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)  # for the fixture content


def problems(content: Path, now: dt.datetime) -> list[str]:
    """What keeps `content` from being published and read as it is.

    Loading and compiling raise ContentError, naming the file and field, on anything
    invalid; what they return must be what the API promises.
    """
    loaded = load_content(content)
    compiled = compile_site(loaded)
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
    return [str(problem) for problem in link_problems(loaded, compiled, now)]


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
    assert hrefs(compiled.articles[DEPRESSION]["html"]) == [f"/articles/{INFUSION_VISIT}"]


@pytest.mark.parametrize(
    ("href", "why"),
    [
        pytest.param("/articles/no-such-article", "is no published article", id="missing"),
        pytest.param(
            "https://www.fernhill-mood.example/articles/no-such-article/",
            "is no published article",
            id="missing, absolute",
        ),
        pytest.param(f"/articles/{DRAFT}", "is no published article", id="a draft"),
        pytest.param(
            f"/articles/{SCHEDULED}#cost", "is published after this one", id="not yet due"
        ),
        pytest.param("/pages/no-such-page", "is no published page", id="a missing page"),
        pytest.param("no-such-article.md", "is relative", id="relative"),
        pytest.param(
            "/articles/../articles/./no-such-article", "is no published article", id="dots"
        ),
        pytest.param("/providers/dr-nobody", "is no one's page", id="a missing provider"),
        pytest.param("/articles//anxiety", "is no published article", id="a doubled slash"),
        pytest.param("/articles/", "leads to no page", id="no slug"),
        pytest.param("</pages/no such page>", "is no published page", id="escaped by the parser"),
    ],
)
def test_a_link_a_reader_cannot_follow_is_reported(content: Path, href: str, why: str) -> None:
    add_link(content, ANXIETY, href)

    (problem,) = problems(content, BEFORE_SCHEDULED)
    path = content / "articles" / f"{ANXIETY}.md"
    line = len(path.read_text(encoding="utf-8").splitlines())  # add_link's, the last
    assert problem.startswith(f"{path}:{line}: links: ")  # where it is, not just the file
    assert why in problem


@pytest.mark.parametrize(
    ("href", "why"),
    [
        ("/articles/no-such-article", "is no published article"),
        (f"/articles/{SCHEDULED}", "is published after this one"),
        ("/pages/no-such-page", "is no published page"),
        ("no-such-article.md", "is relative"),
    ],
)
def test_a_bios_links_are_checked_as_an_articles(content: Path, href: str, why: str) -> None:
    """A bio is on the provider's page from the first publish: its links were not checked."""
    authors = content / "authors.yaml"
    text = authors.read_text(encoding="utf-8")
    authors.write_text(text.replace("  bio: >-\n", f"  bio: >-\n    See [this]({href}).\n", 1))

    (problem,) = problems(content, BEFORE_SCHEDULED)
    assert problem.startswith(f"{authors}: ") and ".bio: " in problem and why in problem


def test_a_link_to_another_sites_articles_is_its_own(content: Path) -> None:
    """Only this site's /articles/ are ours to check: another clinic's were taken for
    missing articles of ours."""
    add_link(content, ANXIETY, "https://other-clinic.example/articles/no-such-article")
    add_link(content, DEPRESSION, f"/providers/{PHYSICIAN}")
    assert problems(content, BEFORE_SCHEDULED) == []


def test_publishing_refuses_a_link_that_leads_nowhere(content: Path) -> None:
    from clinic_tools.publish.publisher import build_objects

    add_link(content, ANXIETY, "/articles/no-such-article")
    with pytest.raises(ContentError, match="no-such-article is no published article"):
        build_objects(content, BEFORE_SCHEDULED)


def test_clinic_check_says_ready_or_every_problem_with_no_aws(
    content: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from clinic_tools.cli import main
    from clinic_tools.exit_codes import ExitCode

    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing answers there
    assert main(["check", "--content", str(content)]) == ExitCode.OK
    assert "ready to publish" in capsys.readouterr().out
    add_link(content, ANXIETY, "no-such-article.md")
    add_link(content, DEPRESSION, "/articles/no-such-article")
    assert main(["check", "--content", str(content)]) == ExitCode.INVALID_CONTENT
    said = capsys.readouterr().err
    assert "'no-such-article.md' is relative" in said and "is no published article" in said


def test_a_scheduled_article_may_link_to_an_older_one(content: Path) -> None:
    add_link(content, SCHEDULED, f"/articles/{ANXIETY}")

    assert problems(content, BEFORE_SCHEDULED) == []
