"""GET /tags, as the site's tag filter calls it: the tags of what a visitor can read now."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clinic_api.content.schemas import TagList
from tests.conftest import BUCKET, http_event, invoke_content
from tests.unit import test_content_routes
from tests.unit.small_clinic import article, publish_clinic, write_clinic

travel_to = test_content_routes.travel_to  # the fixture that moves the store's clock

ARTICLES = {
    "tms-basics": article(tags=["tms", "depression"]),
    "tms-sessions": article(tags=["tms", "what-to-expect"]),
    "low-mood": article(tags=["depression", "what-to-expect"]),
    "esketamine": article(tags=["esketamine", "depression"]),
    "a-draft": article(tags=["tms", "draft-only"], draft=True),
    "coming-soon": article(tags=["tms", "scheduled-only"], publishAt="2027-03-01T09:00:00Z"),
}


def get_tags(**kwargs: Any):
    return invoke_content(http_event("GET", "/tags", **kwargs))


@pytest.fixture
def clinic(s3: Any, tmp_path: Path) -> Any:
    content = write_clinic(tmp_path / "content", ARTICLES, site={"tagLabels": {"tms": "TMS"}})
    publish_clinic(content, s3)
    return s3


def test_tags_are_counted_over_visible_articles_most_used_first(clinic: Any) -> None:
    answer = get_tags()

    assert answer.status == 200
    assert TagList.model_validate(answer.json())
    assert answer.json() == {
        "items": [
            {"tag": "depression", "label": "Depression", "count": 3},
            {"tag": "tms", "label": "TMS", "count": 2},
            {"tag": "what-to-expect", "label": "What to expect", "count": 2},
            {"tag": "esketamine", "label": "Esketamine", "count": 1},
        ]
    }


def test_a_scheduled_articles_tags_count_once_it_is_due(clinic: Any, travel_to) -> None:
    travel_to("2027-03-01T08:59:59+00:00")
    assert "scheduled-only" not in [item["tag"] for item in get_tags().json()["items"]]

    travel_to("2027-03-01T09:00:00+00:00")
    items = get_tags().json()["items"]

    assert items[:2] == [  # equal counts: by tag
        {"tag": "depression", "label": "Depression", "count": 3},
        {"tag": "tms", "label": "TMS", "count": 3},
    ]
    assert {"tag": "scheduled-only", "label": "Scheduled only", "count": 1} in items
    assert "draft-only" not in [item["tag"] for item in items]


def test_tags_are_cached_like_the_list_and_answer_304_on_a_match(clinic: Any) -> None:
    answer = get_tags()
    assert answer.headers["cache-control"] == "public, max-age=60"
    assert answer.headers["content-type"] == "application/json"

    again = get_tags(headers={"If-None-Match": answer.headers["etag"]})

    assert again.status == 304
    assert again.body == ""


def test_an_index_published_without_labels_humanises_every_tag(clinic: Any) -> None:
    index = json.loads(clinic.get_object(Bucket=BUCKET, Key="index.json")["Body"].read())
    del index["tagLabels"]
    clinic.put_object(Bucket=BUCKET, Key="index.json", Body=json.dumps(index).encode())
    from clinic_api.content.store import article_store

    article_store.cache_clear()

    assert {"tag": "tms", "label": "Tms", "count": 2} in get_tags().json()["items"]


def test_a_clinic_without_articles_has_no_tags(s3: Any, tmp_path: Path) -> None:
    publish_clinic(write_clinic(tmp_path / "content", {}), s3)

    assert get_tags().json() == {"items": []}


def test_the_openapi_document_describes_the_tag_list() -> None:
    from clinic_tools.openapi import build_openapi

    document = build_openapi()

    answer = document["paths"]["/tags"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TagList"
    }
    assert set(document["components"]["schemas"]["TagCount"]["properties"]) == {
        "tag",
        "label",
        "count",
    }
