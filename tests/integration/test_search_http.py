"""GET /search over HTTP on the local stack, as the site's search box calls it."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

from clinic_api.content.schemas import SearchResults
from tests.fixture_content import ANXIETY, ESKETAMINE
from tests.integration.conftest import LocalStack, call

pytestmark = pytest.mark.integration


def get(stack: LocalStack, **query: str) -> tuple[int, dict[str, str], Any]:
    reply = call(f"{stack.api}/search?{urllib.parse.urlencode(query)}")
    return reply.status, reply.headers, reply.json()


def test_a_half_typed_word_finds_sections_to_link_to(local_stack: LocalStack) -> None:
    status, headers, body = get(local_stack, q="maintenance infus")
    assert status == 200
    assert headers["cache-control"] == "public, max-age=60"
    results = SearchResults.model_validate(body)
    best = results.items[0]
    assert best.slug == ANXIETY
    assert best.section is not None and best.section.id == "maintenance-infusions"
    assert "<mark>" in best.snippet


def test_a_typo_is_corrected_and_proposed(local_stack: LocalStack) -> None:
    status, _, body = get(local_stack, q="ketamime side effects", limit="3")
    assert status == 200
    assert body["didYouMean"] == "ketamine side effects"
    assert 0 < len(body["items"]) <= 3 <= body["total"]


def test_a_query_in_the_url_encoding_of_a_browser_arrives_intact(local_stack: LocalStack) -> None:
    query = 'nasal "spray" & 💊'
    status, _, body = get(local_stack, q=query)
    assert status == 200
    assert body["query"] == query
    assert body["items"][0]["slug"] == ESKETAMINE


def test_a_missing_query_is_a_422_problem(local_stack: LocalStack) -> None:
    status, headers, body = get(local_stack)
    assert status == 422
    assert headers["content-type"] == "application/problem+json"
    assert body["errors"] == [{"field": "q", "code": "required", "message": "is required"}]


def test_a_repeated_parameter_is_422_over_http(local_stack: LocalStack) -> None:
    reply = call(f"{local_stack.api}/search?q=ketamine&limit=5&limit=6")
    assert reply.status == 422
    assert reply.json()["errors"] == [
        {"field": "limit", "code": "repeated", "message": "was given more than once"}
    ]


def test_a_tag_in_capitals_and_an_empty_limit_over_http(local_stack: LocalStack) -> None:
    tags = call(f"{local_stack.api}/tags").json()["items"]
    if tags:  # whatever the content: its first tag, asked for in capitals
        tag = tags[0]["tag"]
        upper = call(f"{local_stack.api}/articles?tag={tag.upper()}&limit=50").json()
        lower = call(f"{local_stack.api}/articles?tag={tag}&limit=50").json()
        assert upper["items"] and upper == lower
    assert call(f"{local_stack.api}/articles?limit=").status == 422
