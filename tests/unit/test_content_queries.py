"""GET /articles and /search with query strings found by hand: a tag in capitals, a
repeated or empty parameter, text no encoding can carry. Each is a clear 422 or the
answer the visitor meant, never a 5xx. On a small clinic's own content."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from clinic_api.core.query import TextParam, parse_query
from clinic_api.core.schemas import Problem
from tests.conftest import http_event, invoke_content
from tests.unit.small_clinic import article, publish_clinic, write_clinic

ARTICLES = {
    "ketamine-basics": article("Ketamine for depression, in brief.", tags=["ketamine"]),
    "ketamine-aftercare": article(
        "After a ketamine infusion, rest.", title="Aftercare", tags=["ketamine"]
    ),
    "ketamine-costs": article("What ketamine treatment costs.", title="Costs", tags=["ketamine"]),
    "tms-basics": article("TMS is a magnetic treatment.", title="TMS", tags=["tms"]),
}


@pytest.fixture
def clinic(s3: Any, tmp_path: Path) -> Any:
    publish_clinic(write_clinic(tmp_path / "content", ARTICLES), s3)
    return s3


def get(path: str, query: dict[str, str], raw_query: str | None = None) -> Any:
    """GET as HTTP API sends it; `raw_query` when the URL said more than the joined map."""
    event = http_event("GET", path, query=query)
    if raw_query is not None:
        event["rawQueryString"] = raw_query
    return invoke_content(event)


def ok(answer: Any) -> dict[str, Any]:
    assert answer.status == 200, answer.body
    return answer.json()


def field_codes(answer: Any) -> dict[str, str]:
    assert answer.status == 422, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    Problem.model_validate(body)
    return {error["field"]: error["code"] for error in body["errors"]}


# A tag in capitals


@pytest.mark.parametrize("tag", ["KETAMINE", "Ketamine", "ketamine"])
def test_a_tag_in_any_case_lists_the_tagged_articles(clinic: Any, tag: str) -> None:
    body = ok(get("/articles", {"tag": tag}))
    assert {item["slug"] for item in body["items"]} == {
        "ketamine-basics",
        "ketamine-aftercare",
        "ketamine-costs",
    }


def test_a_tag_in_capitals_filters_the_search(clinic: Any) -> None:
    upper = ok(get("/search", {"q": "treatment", "tag": "TMS"}))
    lower = ok(get("/search", {"q": "treatment", "tag": "tms"}))
    assert [hit["slug"] for hit in upper["items"]] == ["tms-basics"]
    assert upper["items"] == lower["items"]


def test_a_list_cursor_pages_the_same_tag_in_either_case(clinic: Any) -> None:
    first = ok(get("/articles", {"tag": "ketamine", "limit": "2"}))
    rest = ok(get("/articles", {"tag": "KETAMINE", "limit": "2", "cursor": first["nextCursor"]}))
    assert len(first["items"]) + len(rest["items"]) == 3
    again = ok(get("/articles", {"tag": "KETAMINE", "limit": "2"}))
    assert again["nextCursor"] == first["nextCursor"]


def test_a_search_cursor_pages_the_same_tag_in_either_case(clinic: Any) -> None:
    first = ok(get("/search", {"q": "ketamine", "tag": "KETAMINE", "limit": "1"}))
    assert first["nextCursor"]
    rest = {"q": "ketamine", "tag": "ketamine", "limit": "1", "cursor": first["nextCursor"]}
    assert ok(get("/search", rest))["items"]


def test_a_tag_is_still_a_word_of_letters_digits_and_hyphens(clinic: Any) -> None:
    assert field_codes(get("/articles", {"tag": "KETAMINE!"})) == {"tag": "invalid_format"}
    assert field_codes(get("/articles", {"tag": "K\u0130"})) == {"tag": "invalid_format"}


def test_the_documented_tag_pattern_takes_either_case() -> None:
    from clinic_api.content.routes import LIST_QUERY, SEARCH_QUERY

    for spec in (LIST_QUERY, SEARCH_QUERY):
        (tag,) = [param for param in spec if param.name == "tag"]
        assert isinstance(tag, TextParam)
        pattern = tag.schema()["pattern"]
        for value in ("ketamine", "KETAMINE", "side-Effects", "a1"):
            assert re.fullmatch(pattern, value), value
        for value in ("-a", "a--b", "a b", "a_b"):
            assert not re.fullmatch(pattern, value), value


# A repeated parameter


@pytest.mark.parametrize(
    ("path", "raw_query", "joined", "field"),
    [
        ("/articles", "limit=5&limit=6", {"limit": "5,6"}, "limit"),
        ("/articles", "tag=tms&tag=ketamine", {"tag": "tms,ketamine"}, "tag"),
        ("/search", "q=a&q=b", {"q": "a,b"}, "q"),
        ("/search", "q=ketamine&limit=5&limit=5", {"q": "ketamine", "limit": "5,5"}, "limit"),
        ("/search", "q=ketamine&tag=tms&t%61g=tms", {"q": "ketamine", "tag": "tms,tms"}, "tag"),
    ],
)
def test_a_repeated_parameter_is_422_saying_it_was_repeated(
    clinic: Any, path: str, raw_query: str, joined: dict[str, str], field: str
) -> None:
    answer = get(path, joined, raw_query)
    assert field_codes(answer) == {field: "repeated"}
    (error,) = answer.json()["errors"]
    assert "more than once" in error["message"]
    assert joined[field] not in answer.body


def test_a_comma_inside_one_value_is_no_repeat(clinic: Any) -> None:
    body = ok(get("/search", {"q": "ketamine, costs"}, "q=ketamine%2C%20costs"))
    assert body["query"] == "ketamine, costs"


def test_a_repeated_parameter_we_do_not_read_is_ignored(clinic: Any) -> None:
    query = {"q": "ketamine", "utm_source": "a,b"}
    ok(get("/search", query, "q=ketamine&utm_source=a&utm_source=b"))


# An empty parameter


@pytest.mark.parametrize(
    ("path", "query", "field", "code"),
    [
        ("/articles", {"limit": ""}, "limit", "invalid_type"),
        ("/articles", {"tag": ""}, "tag", "too_short"),
        ("/articles", {"cursor": ""}, "cursor", "too_short"),
        ("/search", {"q": "ketamine", "limit": ""}, "limit", "invalid_type"),
        ("/search", {"q": "ketamine", "tag": ""}, "tag", "too_short"),
        ("/search", {"q": "ketamine", "distinct": ""}, "distinct", "invalid_choice"),
        ("/search", {"q": ""}, "q", "required"),
    ],
)
def test_a_parameter_given_empty_is_422_not_its_default(
    clinic: Any, path: str, query: dict[str, str], field: str, code: str
) -> None:
    assert field_codes(get(path, query)) == {field: code}


# Text no encoding can carry


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/search", {"q": "keta\ud800mine"}, "q"),
        ("/search", {"q": "ketamine", "tag": "\udfff"}, "tag"),
        ("/search", {"q": "ketamine", "cursor": "\ud800"}, "cursor"),
        ("/search", {"q": "ketamine", "distinct": "\ud800"}, "distinct"),
        ("/articles", {"limit": "5\ud800"}, "limit"),
        ("/articles", {"tag": "tms\ud800"}, "tag"),
        ("/articles", {"cursor": "abc\ud800"}, "cursor"),
    ],
)
def test_a_lone_surrogate_in_a_query_is_422_naming_the_field(
    clinic: Any, path: str, query: dict[str, str], field: str
) -> None:
    answer = get(path, query)
    assert field_codes(answer) == {field: "invalid_text"}
    assert "\\ud800" not in answer.body.lower() and "\\udfff" not in answer.body.lower()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"q": "sl\x00eep"}, "q"),
        ({"q": "sleep\x1b[2J"}, "q"),
        ({"q": "x", "cursor": "a\x7fb"}, "cursor"),
    ],
)
def test_a_control_character_in_a_query_is_422_and_not_echoed(
    clinic: Any, query: dict[str, str], field: str
) -> None:
    answer = get("/search", query)
    assert field_codes(answer) == {field: "invalid_text"}
    assert "\\u0000" not in answer.body and "\\u001b" not in answer.body


def test_a_tab_or_line_break_in_a_search_is_a_space(clinic: Any) -> None:
    assert get("/search", {"q": "ketamine\tanxiety"}).status == 200
    assert get("/search", {"q": "ketamine\r\n"}).status == 200


def test_every_failing_parameter_is_named_at_once() -> None:
    from clinic_api.content.routes import SEARCH_QUERY
    from clinic_api.core.problems import Problem as RaisedProblem

    with pytest.raises(RaisedProblem) as raised:
        joined = {"q": "a,b", "limit": "", "tag": "x\ud800"}
        parse_query(joined, SEARCH_QUERY, "q=a&q=b&limit=&tag=x")
    codes = {error.field: error.code for error in raised.value.errors}
    assert codes == {"q": "repeated", "limit": "invalid_type", "tag": "invalid_text"}
    assert json.dumps([vars(error) for error in raised.value.errors]).count("a,b") == 0


def test_a_lone_surrogate_in_a_slug_or_a_header_is_no_5xx(clinic: Any) -> None:
    slug = "ketamine-basics\ud800"
    event = http_event(
        "GET", f"/articles/{slug}", route="/articles/{slug}", path_parameters={"slug": slug}
    )
    assert invoke_content(event).status == 404
    headers = {"If-None-Match": '"\ud800"', "Accept-Encoding": "gzip\udfff"}
    assert invoke_content(http_event("GET", "/articles", headers=headers)).status == 200
    assert (
        invoke_content(http_event("GET", "/search", query={"q": "x"}, headers=headers)).status
        == 200
    )
