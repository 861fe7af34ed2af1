"""GET /search with `distinct=article` and `cursor`: the site's result list, one article a
line, and its "more results" button. On a small clinic's own content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clinic_api.content import store as store_module
from clinic_api.content.cursor import encode_search_cursor
from clinic_api.content.schemas import SearchResults
from clinic_api.core.schemas import Problem
from tests.conftest import http_event, invoke_content
from tests.unit import test_content_routes
from tests.unit.small_clinic import article, publish_clinic, write_clinic

travel_to = test_content_routes.travel_to  # the fixture that moves the store's clock

INFUSED = ("first-visit", "aftercare", "costs", "research")  # each: intro + 2 sections


def infused(topic: str) -> str:
    return article(
        f"What an infusion of ketamine is like: {topic}.\n\n"
        f"## The infusion room\n\nAn infusion chair, a blanket and {topic}.\n\n"
        f"## After the infusion\n\nRest after the infusion; {topic} again.\n\n"
        "## Parking\n\nThe garage is on Alder Street.\n",
        title=f"Visiting us: {topic}",
        tags=["ketamine"] if topic != "research" else ["research"],
    )


ARTICLES = {
    **{slug: infused(slug) for slug in INFUSED},
    "coming-soon": infused("scheduled").replace("date:", "publishAt: 2027-03-01T09:00:00Z\ndate:"),
    "unrelated": article("Parking and directions.", title="Finding us"),
}


@pytest.fixture
def clinic(s3: Any, tmp_path: Path) -> Any:
    publish_clinic(write_clinic(tmp_path / "content", ARTICLES), s3)
    return s3


def search(**query: str) -> Any:
    return invoke_content(http_event("GET", "/search", query=query))


def results(**query: str) -> dict[str, Any]:
    answer = search(**query)
    assert answer.status == 200, answer.body
    SearchResults.model_validate(answer.json())
    return answer.json()


def walk(**query: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every hit, following `nextCursor` to the end; and every page's body."""
    hits, pages, cursor = [], [], None
    while True:
        body = results(**query, **({"cursor": cursor} if cursor else {}))
        pages.append(body)
        hits += body["items"]
        cursor = body["nextCursor"]
        if cursor is None:
            return hits, pages


def where(hit: dict[str, Any]) -> tuple[str, str | None]:
    return hit["slug"], hit["section"]["id"] if hit["section"] else None


def test_distinct_keeps_each_articles_best_hit_and_counts_articles(clinic: Any) -> None:
    every = results(q="infusion", limit="20")
    assert every["total"] == 12  # 4 due articles x (intro + 2 sections); parking never matches

    distinct = results(q="infusion", limit="20", distinct="article")

    assert distinct["total"] == 4
    assert [hit["slug"] for hit in distinct["items"]] == list(
        dict.fromkeys(hit["slug"] for hit in every["items"])
    )
    best_of_each: dict[str, tuple[str, str | None]] = {}
    for hit in every["items"]:
        best_of_each.setdefault(hit["slug"], where(hit))
    assert [where(hit) for hit in distinct["items"]] == list(best_of_each.values())
    assert distinct["nextCursor"] is None


def test_the_tag_filter_and_distinct_work_together(clinic: Any) -> None:
    body = results(q="infusion", tag="research", distinct="article")

    assert [hit["slug"] for hit in body["items"]] == ["research"]
    assert body["total"] == 1


@pytest.mark.parametrize("distinct", [None, "article"])
def test_cursors_walk_every_hit_once_in_order(clinic: Any, distinct: str | None) -> None:
    options = {"distinct": distinct} if distinct else {}
    everything = results(q="infusion", limit="20", **options)

    hits, pages = walk(q="infusion", limit="3", **options)

    assert [where(hit) for hit in hits] == [where(hit) for hit in everything["items"]]
    assert len(pages) == -(-everything["total"] // 3)
    assert {page["total"] for page in pages} == {everything["total"]}
    assert all(len(page["items"]) == 3 for page in pages[:-1])


def test_a_page_may_change_its_limit_on_the_way(clinic: Any) -> None:
    first = results(q="infusion", limit="5")
    second = results(q="infusion", limit="20", cursor=first["nextCursor"])

    assert len(first["items"]) + len(second["items"]) == first["total"]
    assert second["nextCursor"] is None


def test_every_page_proposes_the_same_correction(clinic: Any) -> None:
    _, pages = walk(q="infuson", limit="4")

    assert len(pages) > 1
    assert {page["didYouMean"] for page in pages} == {"infusion"}


def test_a_scheduled_article_is_neither_a_hit_nor_counted_until_due(clinic: Any, travel_to) -> None:
    assert "coming-soon" not in [hit["slug"] for hit in walk(q="infusion", limit="5")[0]]

    travel_to("2027-03-01T09:00:00+00:00")

    assert results(q="infusion", distinct="article")["total"] == 5


def test_pages_stop_at_the_search_depth(clinic: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "SEARCH_DEPTH", 5)

    hits, pages = walk(q="infusion", limit="3")

    assert len(hits) == 5
    assert pages[-1]["total"] == 12  # the total still says how many there are


def problem_fields(answer: Any) -> list[tuple[str, str]]:
    assert answer.status == 422, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    return [
        (error.field, error.code) for error in Problem.model_validate(answer.json()).errors or ()
    ]


@pytest.mark.parametrize(
    "other",
    [
        pytest.param({"q": "ketamine"}, id="another q"),
        pytest.param({"q": "infusion", "tag": "ketamine"}, id="another tag"),
        pytest.param({"q": "infusion", "distinct": "article"}, id="distinct added"),
    ],
)
def test_a_cursor_pages_only_the_question_it_was_made_for(
    clinic: Any, other: dict[str, str]
) -> None:
    cursor = results(q="infusion", limit="2")["nextCursor"]

    assert problem_fields(search(**other, cursor=cursor)) == [("cursor", "invalid_cursor")]


def test_an_edited_truncated_or_made_up_cursor_is_422(clinic: Any) -> None:
    cursor = results(q="infusion", limit="2")["nextCursor"]
    edited = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")

    for bad in (edited, cursor[:-4], "not-a-cursor", "x" * 40):
        answer = search(q="infusion", cursor=bad)
        assert problem_fields(answer) == [("cursor", "invalid_cursor")]
        assert bad not in answer.body  # a problem never echoes what was sent


def test_a_cursor_past_the_search_depth_is_refused(clinic: Any) -> None:
    # The checksum is no secret: whoever computes one still cannot ask for more depth.
    deep = encode_search_cursor(store_module.SEARCH_DEPTH, ("infusion", None, None))

    assert problem_fields(search(q="infusion", cursor=deep)) == [("cursor", "invalid_cursor")]


def test_distinct_takes_only_article(clinic: Any) -> None:
    assert problem_fields(search(q="infusion", distinct="section")) == [
        ("distinct", "invalid_choice")
    ]
    assert problem_fields(search(q="infusion", cursor="x" * 513)) == [("cursor", "too_long")]
