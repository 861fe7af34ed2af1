"""GET /pages/{slug}, GET /providers, GET /providers/{slug}, /site's navigation and search
finding a page: as the static site calls them, with their 304s and 404s."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from clinic_api.content.schemas import Page, Provider, ProviderList, SearchResults, Site
from tests.conftest import http_event, invoke_content
from tests.fixture_content import (
    ABOUT,
    ANXIETY,
    NURSE_PRACTITIONER,
    PHYSICIAN,
    PUBLISH_AT,
    REVIEWER,
    SCHEDULED,
)
from tests.unit import test_content_routes
from tests.unit.small_clinic import article, page, publish_clinic, write_clinic

travel_to = test_content_routes.travel_to  # the fixture that moves the store's clock
assert_problem = test_content_routes.assert_problem


def get(path: str, route: str | None = None, **kwargs: Any):
    slug = path.rsplit("/", 1)[-1]
    parameters = {"path_parameters": {"slug": slug}} if route and "{slug}" in route else {}
    return invoke_content(http_event("GET", path, route=route or path, **parameters, **kwargs))


def get_page(slug: str, **kwargs: Any):
    return get(f"/pages/{slug}", "/pages/{slug}", **kwargs)


def get_provider(slug: str, **kwargs: Any):
    return get(f"/providers/{slug}", "/providers/{slug}", **kwargs)


# Pages


def test_a_page_is_served_with_an_etag_and_revalidates_to_304(published: Any) -> None:
    answer = get_page(ABOUT)
    assert answer.status == 200, answer.body
    about = Page.model_validate(answer.json())
    assert about.slug == ABOUT and about.url == "/pages/about"
    assert answer.headers["cache-control"] == "public, max-age=300"
    again = get_page(ABOUT, headers={"If-None-Match": answer.headers["etag"]})
    assert again.status == 304
    assert again.body == ""


@pytest.mark.parametrize("slug", ["no-such-page", "About", "a--b", ANXIETY])
def test_an_unknown_or_malformed_page_or_an_articles_slug_is_404(published: Any, slug: str) -> None:
    body = assert_problem(get_page(slug), 404)
    assert body["detail"] == "No published page has this slug."


def test_site_lists_the_navigation_pages(published: Any) -> None:
    site = Site.model_validate(get("/site").json())
    assert [(item.slug, item.title, item.url) for item in site.pages] == [
        (ABOUT, "About", "/pages/about")
    ]


@pytest.fixture
def scheduled_page(s3: Any, tmp_path: Path) -> None:
    """A small clinic whose Services page is due on 2027-03-01, About is published, and
    Careers is a draft."""
    content = write_clinic(tmp_path / "content", {"an-article": article()})
    (content / "pages").mkdir()
    pages = {
        "about": page(title="About", nav=1),
        "services": page(title="Services", nav=2, publishAt="2027-03-01T09:00:00Z"),
        "careers": page(title="Careers", nav=3, draft=True),
    }
    for name, text in pages.items():
        (content / "pages" / f"{name}.md").write_text(text, encoding="utf-8")
    publish_clinic(content, s3)


def test_a_scheduled_page_appears_when_due_and_a_draft_never(
    scheduled_page: None, travel_to: Any
) -> None:
    travel_to("2027-02-28T12:00:00Z")
    assert [item["slug"] for item in get("/site").json()["pages"]] == ["about"]
    assert get_page("services").status == 404
    assert get_page("careers").status == 404

    travel_to("2027-03-01T09:00:00Z")
    assert [item["slug"] for item in get("/site").json()["pages"]] == ["about", "services"]
    assert get_page("services").status == 200
    assert get_page("careers").status == 404


# Providers


def test_the_team_is_listed_in_the_clinics_order(published: Any) -> None:
    answer = get("/providers")
    assert answer.status == 200, answer.body
    team = ProviderList.model_validate(answer.json())
    assert [person.slug for person in team.items] == [PHYSICIAN, REVIEWER, NURSE_PRACTITIONER]
    assert get("/providers", headers={"If-None-Match": answer.headers["etag"]}).status == 304


def test_a_provider_is_served_with_their_published_articles(published: Any, travel_to: Any) -> None:
    travel_to("2026-12-01T00:00:00Z")
    answer = get_provider(PHYSICIAN)
    assert answer.status == 200, answer.body
    doctor = Provider.model_validate(answer.json())
    slugs = [link.slug for link in doctor.articles]
    assert ANXIETY in slugs
    assert SCHEDULED not in slugs  # not due yet
    assert doctor.json_ld["@type"] == "Physician"
    assert get_provider(PHYSICIAN, headers={"If-None-Match": answer.headers["etag"]}).status == 304

    travel_to(PUBLISH_AT)
    assert SCHEDULED in [link["slug"] for link in get_provider(PHYSICIAN).json()["articles"]]


@pytest.mark.parametrize("slug", ["dr-nobody", "Dr-Brandt", ANXIETY])
def test_an_unknown_provider_is_404(published: Any, slug: str) -> None:
    body = assert_problem(get_provider(slug), 404)
    assert body["detail"] == "No provider has this slug."


# Search finds pages, and says so


def test_search_finds_a_page_section_as_a_page(published: Any) -> None:
    answer = invoke_content(http_event("GET", "/search", query={"q": "parking bays"}))
    assert answer.status == 200, answer.body
    found = SearchResults.model_validate(answer.json())
    best = found.items[0]
    assert (best.kind, best.slug, best.url) == ("page", ABOUT, "/pages/about")
    assert best.section is not None and best.section.id == "parking"
    assert best.title == "About the Fernhill Mood Clinic"


def test_article_hits_say_they_are_articles(published: Any) -> None:
    body = invoke_content(http_event("GET", "/search", query={"q": "ketamine"})).json()
    assert body["items"] and {hit["kind"] for hit in body["items"]} == {"article"}
    assert all(hit["url"] == f"/articles/{hit['slug']}" for hit in body["items"])


def test_a_tag_filter_leaves_pages_out(published: Any) -> None:
    body = invoke_content(
        http_event("GET", "/search", query={"q": "parking", "tag": "ketamine"})
    ).json()
    assert [hit for hit in body["items"] if hit["kind"] == "page"] == []


def test_a_scheduled_page_is_not_found_by_search_until_due(
    scheduled_page: None, travel_to: Any
) -> None:
    def page_hits() -> list[str]:
        query = {"q": "section words"}
        items = invoke_content(http_event("GET", "/search", query=query)).json()["items"]
        return sorted({hit["slug"] for hit in items if hit["kind"] == "page"})

    travel_to("2027-02-28T12:00:00Z")
    assert page_hits() == ["about"]
    travel_to(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC).isoformat())
    assert page_hits() == ["about", "services"]
