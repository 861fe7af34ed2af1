"""Every ContentFunction route, as the static frontend calls it, with its error cases."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError

from clinic_api.content import store as store_module
from clinic_api.content.cursor import encode_cursor
from clinic_api.content.schemas import Article, ArticlePage, Site
from clinic_api.core.schemas import Problem
from tests.conftest import BUCKET, http_event, invoke_content
from tests.fixture_content import ANXIETY, DRAFT, LISTED, SCHEDULED, TMS

PUBLISHED = ANXIETY


def get(path: str, **kwargs: Any):
    return invoke_content(http_event("GET", path, **kwargs))


def get_article(slug: str, **kwargs: Any):
    return invoke_content(
        http_event(
            "GET",
            f"/articles/{slug}",
            route="/articles/{slug}",
            path_parameters={"slug": slug},
            **kwargs,
        )
    )


def assert_problem(answer, status: int) -> dict[str, Any]:
    assert answer.status == status
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    Problem.model_validate(body)
    assert body["status"] == status
    return body


@pytest.fixture
def travel_to(monkeypatch: pytest.MonkeyPatch):
    def travel(moment: str) -> None:
        instant = datetime.fromisoformat(moment).astimezone(UTC)
        monkeypatch.setattr(store_module, "utc_now", lambda: instant)
        store_module.article_store.cache_clear()

    return travel


def test_health_answers_without_any_aws_call(s3: Any) -> None:
    s3.delete_bucket(Bucket=BUCKET)
    answer = get("/health")
    assert answer.status == 200
    assert answer.json() == {"status": "ok"}
    assert answer.headers["cache-control"] == "no-store"


def test_site_serves_the_clinic_settings(published: Any) -> None:
    answer = get("/site")
    assert answer.status == 200
    site = Site.model_validate(answer.json())
    assert site.services[0].id == "ketamine-consultation"
    assert answer.json()["consentVersion"]
    assert answer.json()["timeZone"] == "America/Los_Angeles"
    assert answer.headers["etag"].startswith('"')


def test_openapi_document_is_the_published_one(published: Any) -> None:
    answer = get("/openapi.json")
    assert answer.status == 200
    document = answer.json()
    assert document["openapi"].startswith("3.1")
    assert "/articles/{slug}" in document["paths"]


def test_articles_are_listed_newest_first_without_drafts_or_scheduled(published: Any) -> None:
    answer = get("/articles")
    assert answer.status == 200
    page = ArticlePage.model_validate(answer.json())
    slugs = [item.slug for item in page.items]
    assert DRAFT not in slugs
    assert SCHEDULED not in slugs
    assert slugs == list(LISTED)
    assert page.total == len(LISTED)
    dates = [item.published_at for item in page.items]
    assert dates == sorted(dates, reverse=True)
    assert page.next_cursor is None
    assert answer.headers["cache-control"].startswith("public")


def test_cursor_pages_walk_the_whole_list_once(published: Any) -> None:
    everything = [item["slug"] for item in get("/articles").json()["items"]]
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": "4"} | ({"cursor": cursor} if cursor else {})
        body = get("/articles", query=query).json()
        assert body["total"] == len(LISTED)
        seen += [item["slug"] for item in body["items"]]
        cursor = body["nextCursor"]
        if cursor is None:
            break
    assert seen == everything == list(LISTED)
    assert len(LISTED) > 4  # more than one page


def test_tag_filter_keeps_only_tagged_articles(published: Any) -> None:
    body = get("/articles", query={"tag": "tms"}).json()
    assert [item["slug"] for item in body["items"]] == [TMS]
    assert body["total"] == 1
    assert get("/articles", query={"tag": "no-such-tag"}).json() == {
        "items": [],
        "nextCursor": None,
        "total": 0,
    }


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"limit": "0"}, "limit", "out_of_range"),
        ({"limit": "51"}, "limit", "out_of_range"),
        ({"limit": "ten"}, "limit", "invalid_type"),
        ({"limit": "-1"}, "limit", "invalid_type"),
        ({"tag": "Not A Tag"}, "tag", "invalid_format"),
        ({"tag": "x" * 41}, "tag", "too_long"),
        ({"cursor": "not-a-cursor"}, "cursor", "invalid_cursor"),
        ({"cursor": "x" * 600}, "cursor", "too_long"),
    ],
)
def test_bad_list_parameters_are_422_naming_the_field(
    published: Any, query: dict[str, str], field: str, code: str
) -> None:
    body = assert_problem(get("/articles", query=query), 422)
    assert {"field": field, "code": code} in [
        {"field": error["field"], "code": error["code"]} for error in body["errors"]
    ]
    if len(query[field]) > 3:  # a problem never echoes what was sent
        assert query[field] not in json.dumps(body)


def test_a_tampered_or_foreign_cursor_is_422_not_500(published: Any) -> None:
    cursor = get("/articles", query={"limit": "2"}).json()["nextCursor"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    assert_problem(get("/articles", query={"cursor": tampered}), 422)
    # A cursor made for the unfiltered list does not page a filtered one.
    assert_problem(get("/articles", query={"cursor": cursor, "tag": "ketamine"}), 422)


def seal_payload(payload: bytes) -> str:
    """A list cursor around any JSON, sealed as core/sealed.py seals one (no secret)."""
    checksum = hashlib.sha256(b"clinic-articles-cursor\x00" + payload).digest()[:8]
    return base64.urlsafe_b64encode(payload + checksum).decode().rstrip("=")


@pytest.mark.parametrize(
    "position", [10**309, -(10**309), float("nan"), float("inf"), True, "1e999", "-1e999"]
)
def test_a_forged_cursor_with_a_position_no_article_has_is_422(
    published: Any, position: Any
) -> None:
    """The checksum is no secret (core/sealed.py): a forged cursor is sealed as ours are. A
    position past any float was an OverflowError and a 500."""
    if isinstance(position, str):  # a number JSON has and Python reads as infinity
        payload = f'[{position},"x",null]'.encode()
        forged = seal_payload(payload)
    else:
        forged = encode_cursor((position, "x"), None)
    body = assert_problem(get("/articles", query={"cursor": forged}), 422)
    assert [error["code"] for error in body["errors"]] == ["invalid_cursor"]


def test_an_article_has_html_toc_related_and_json_ld(published: Any) -> None:
    answer = get_article(PUBLISHED)
    assert answer.status == 200
    article = Article.model_validate(answer.json())
    assert article.toc and article.toc[0].level == 2
    assert f'id="{article.toc[0].id}"' in article.html
    assert article.json_ld["@type"] == "MedicalWebPage"
    assert article.cta.label
    assert article.author.name
    assert answer.headers["cache-control"].startswith("public, max-age=")
    etag = answer.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")


def test_related_articles_never_name_a_scheduled_one(published: Any) -> None:
    for slug in [item["slug"] for item in get("/articles").json()["items"]]:
        related = [link["slug"] for link in get_article(slug).json()["related"]]
        assert SCHEDULED not in related
        assert DRAFT not in related
        assert len(related) <= 3


def test_if_none_match_answers_304_without_a_body(published: Any) -> None:
    etag = get_article(PUBLISHED).headers["etag"]
    answer = get_article(PUBLISHED, headers={"If-None-Match": etag})
    assert answer.status == 304
    assert answer.body == ""
    assert answer.headers["etag"] == etag
    weak_list = f'"other", W/{etag}'
    assert get_article(PUBLISHED, headers={"If-None-Match": weak_list}).status == 304
    assert get_article(PUBLISHED, headers={"If-None-Match": '"stale"'}).status == 200


def test_list_supports_if_none_match_too(published: Any) -> None:
    etag = get("/articles").headers["etag"]
    assert get("/articles", headers={"If-None-Match": etag}).status == 304


@pytest.mark.parametrize(
    "slug",
    [
        "no-such-article",
        DRAFT,
        SCHEDULED,
        "..%2Findex",
        "Has-Capitals",
        "index",
        "a" * 200,
        "trailing-",
    ],
)
def test_unknown_draft_scheduled_or_malformed_slugs_are_404(published: Any, slug: str) -> None:
    body = assert_problem(get_article(slug), 404)
    assert slug not in body["detail"]


def test_a_slug_with_a_slash_never_reaches_another_key(published: Any) -> None:
    # The gateway's {slug} matches one path segment; the resolver agrees.
    answer = get_article("../index")
    assert answer.status == 404
    assert "articles" not in answer.body


def test_a_scheduled_article_appears_when_due_without_a_republish(
    published: Any, travel_to
) -> None:
    travel_to("2027-03-01T08:59:59+00:00")
    assert get_article(SCHEDULED).status == 404
    travel_to("2027-03-01T09:00:00+00:00")
    assert get_article(SCHEDULED).status == 200
    listed = get("/articles").json()
    assert listed["items"][0]["slug"] == SCHEDULED
    assert listed["total"] == len(LISTED) + 1
    related = {
        link["slug"]
        for item in listed["items"]
        for link in get_article(item["slug"]).json()["related"]
    }
    assert SCHEDULED in related


def test_a_warm_request_for_a_cached_article_makes_no_s3_call(published: Any) -> None:
    from clinic_api.core.clients import s3_client

    assert get_article(PUBLISHED).status == 200
    calls: list[str] = []
    s3_client().meta.events.register("before-call.s3", lambda **kw: calls.append(kw["model"].name))
    assert get_article(PUBLISHED).status == 200
    assert get("/articles").status == 200
    assert calls == []


def test_after_the_ttl_a_conditional_get_revalidates(published: Any, monkeypatch) -> None:
    from clinic_api.core.clients import s3_client

    monkeypatch.setenv("CACHE_TTL_SECONDS", "0")
    store_module.article_store.cache_clear()
    first = get_article(PUBLISHED)
    sent: list[dict[str, Any]] = []
    s3_client().meta.events.register(
        "before-call.s3.GetObject", lambda params, **_: sent.append(params)
    )
    again = get_article(PUBLISHED)
    assert again.body == first.body
    assert sent and all("If-None-Match" in params["headers"] for params in sent)


def test_an_updated_article_is_served_after_revalidation(published: Any, monkeypatch) -> None:
    monkeypatch.setenv("CACHE_TTL_SECONDS", "0")
    store_module.article_store.cache_clear()
    get_article(PUBLISHED)
    key = f"articles/{PUBLISHED}.json"
    document = json.loads(published.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    document["title"] = "A revised title"
    published.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(document).encode())
    assert get_article(PUBLISHED).json()["title"] == "A revised title"


def test_when_s3_fails_a_cached_copy_is_served(published: Any, monkeypatch) -> None:
    from clinic_api.core.clients import s3_client

    monkeypatch.setenv("CACHE_TTL_SECONDS", "0")
    store_module.article_store.cache_clear()
    expected = get_article(PUBLISHED).body

    def fail(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://s3.example")

    s3_client().meta.events.register("before-send.s3", fail)
    answer = get_article(PUBLISHED)
    assert answer.status == 200
    assert answer.body == expected


def test_when_s3_fails_with_nothing_cached_the_answer_is_503_with_retry_after(
    published: Any,
) -> None:
    from clinic_api.core.clients import s3_client

    def fail(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://s3.example")

    s3_client().meta.events.register("before-send.s3", fail)
    answer = get_article(PUBLISHED)
    assert_problem(answer, 503)
    assert int(answer.headers["retry-after"]) > 0
    assert "Traceback" not in answer.body


def test_nothing_published_yet_is_503_not_500(s3: Any) -> None:
    answer = get("/articles")
    assert_problem(answer, 503)
    assert "retry-after" in answer.headers


def test_a_path_no_route_has_is_the_gateway_404(published: Any) -> None:
    answer = get("/nope")
    assert answer.status == 404
    assert answer.json() == {"message": "Not Found"}
    assert invoke_content(http_event("DELETE", "/articles")).status == 404


def test_a_malformed_setting_is_logged_by_its_variables_name(
    published: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The operator learns which variable to fix; its value stays out of the log."""
    monkeypatch.setenv("CACHE_TTL_SECONDS", "abc-not-seconds")
    answer = get_article(ANXIETY)
    assert_problem(answer, 500)
    (record,) = [record for record in caplog.records if record.getMessage() == "Unhandled error"]
    assert vars(record)["error"] == "SettingsError"
    assert vars(record)["variable"] == "CACHE_TTL_SECONDS"
    assert "abc-not-seconds" not in str(vars(record)) + caplog.text + answer.body
