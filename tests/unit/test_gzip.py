"""Every JSON answer of ContentFunction is gzipped for a client that accepts gzip, and only
then; its ETag still revalidates; and the local gateway hands the bytes over as API Gateway
does."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from werkzeug.test import Client

from clinic_api.content.routes import (
    CONTENT,
    GET_ARTICLE,
    GET_PAGE,
    GET_PROVIDER,
    HEALTH,
    SEARCH,
)
from clinic_api.core.http import accepts_gzip
from clinic_tools.local.gateway import Gateway, RouteTable
from clinic_tools.local.lambda_context import LambdaContext
from clinic_tools.local.template import Route
from tests.conftest import http_event
from tests.unit.small_clinic import article, page, publish_clinic, write_clinic

# The routes to try are ContentFunction's declarations (a route added there is tried here),
# each called with its declared examples: its path parameters' and its query's. The small
# clinic below is named after those examples, so that every one of them is found.
ROUTES = {route.operation_id: route for route in CONTENT.routes if route.compress}
EXAMPLE, PAGE, PROVIDER = (
    route.path_params[0].example for route in (GET_ARTICLE, GET_PAGE, GET_PROVIDER)
)
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def clinic(s3: Any, tmp_path: Path) -> Any:
    body = "What an infusion is like.\n\n## The room\n\nA chair and a blanket.\n"
    articles = {
        EXAMPLE: article(body, tags=["ketamine"], author=PROVIDER),
        "aftercare": article(tags=["ketamine"], author=PROVIDER),
    }
    content = write_clinic(tmp_path / "content", articles)
    people = yaml.safe_load((content / "authors.yaml").read_text(encoding="utf-8"))
    people[PROVIDER] = people.pop("dr-ada-stone")
    (content / "authors.yaml").write_text(yaml.safe_dump(people), encoding="utf-8")
    (content / "pages").mkdir()
    (content / "pages" / f"{PAGE}.md").write_text(page(), encoding="utf-8")
    publish_clinic(content, s3)
    return s3


def call(name: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The function's raw answer to GET of the named route, with its declared examples."""
    from clinic_api.content.handler import lambda_handler

    route = ROUTES[name]
    parameters = {param.name: param.example for param in route.path_params}
    event = http_event(
        "GET",
        route.path.format(**parameters),
        route=route.path if parameters else None,
        query={name: str(value) for name, value in route.query_examples.items()} or None,
        headers=headers,
        path_parameters=parameters or None,
    )
    response = lambda_handler(event, LambdaContext("ContentFunction"))
    response["headers"] = {key.lower(): value for key, value in response["headers"].items()}
    return response


def body_bytes(response: dict[str, Any]) -> bytes:
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()


@pytest.mark.parametrize("name", ROUTES)
def test_every_json_route_gzips_for_a_client_that_accepts_it(clinic: Any, name: str) -> None:
    plain = call(name)
    zipped = call(name, GZIP)

    assert plain["statusCode"] == zipped["statusCode"] == 200
    assert "content-encoding" not in plain["headers"]
    assert zipped["headers"]["content-encoding"] == "gzip"
    assert zipped["isBase64Encoded"] is True
    assert gzip.decompress(body_bytes(zipped)) == body_bytes(plain)
    assert json.loads(body_bytes(plain))
    assert zipped["headers"]["content-type"] == plain["headers"]["content-type"]


@pytest.mark.parametrize("name", [name for name in ROUTES if name != HEALTH.operation_id])
def test_a_gzip_answer_carries_the_same_etag_weak_and_both_revalidate(
    clinic: Any, name: str
) -> None:
    plain = call(name)["headers"]
    zipped = call(name, GZIP)["headers"]

    assert not plain["etag"].startswith("W/")
    assert zipped["etag"] == f"W/{plain['etag']}"
    assert plain["vary"] == zipped["vary"] == "Accept-Encoding"
    assert plain["cache-control"] == zipped["cache-control"]
    for sent in (plain["etag"], zipped["etag"]):
        for accept in ({}, GZIP):
            answer = call(name, {"If-None-Match": sent, **accept})
            assert answer["statusCode"] == 304
            assert answer["body"] == ""
            assert answer["isBase64Encoded"] is False
            assert "content-encoding" not in answer["headers"]
            assert answer["headers"]["etag"] == (zipped if accept else plain)["etag"]


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [
        ("gzip", True),
        ("GZIP", True),  # content-codings are case-insensitive (RFC 9110 §8.4.1)
        ("x-gzip", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("identity", False),
        ("br, deflate", False),
        ("", False),
        ("gzip;q=0.5;foo=1", True),  # a parameter after the weight
        ("foo=1;gzip", False),
        ("deflate, gzip;q=0, gzip", True),  # listed twice: the higher weight
        ("*", True),  # any coding
        ("br, *;q=0.2", True),
        ("gzip;q=0, *", False),  # named, gzip's own weight wins over the wildcard's
        ("gzip;q=abc", False),
    ],
)
def test_accept_encoding_weights_are_honoured(clinic: Any, header: str, gzipped: bool) -> None:
    assert accepts_gzip(header) is gzipped
    answer = call(GET_ARTICLE.operation_id, {"Accept-Encoding": header} if header else None)
    assert ("content-encoding" in answer["headers"]) is gzipped


def test_a_problem_answer_is_gzipped_too(clinic: Any) -> None:
    from clinic_api.content.handler import lambda_handler

    event = http_event("GET", "/articles", query={"limit": "0"}, headers=GZIP)
    answer = lambda_handler(event, LambdaContext("ContentFunction"))

    assert answer["statusCode"] == 422
    problem = json.loads(gzip.decompress(body_bytes(answer)))
    assert problem["errors"][0]["field"] == "limit"


def test_the_local_gateway_passes_the_gzip_bytes_through(clinic: Any) -> None:
    from clinic_api.content.handler import lambda_handler

    def invoke(_: str, event: dict[str, Any]) -> Any:
        return lambda_handler(event, LambdaContext("ContentFunction"))

    routes = RouteTable([Route("GET", "/articles/{slug}", "ContentFunction")])
    gateway = Gateway(routes, None, invoke, lambda *_: None, 3000)
    client = Client(gateway)

    zipped = client.get(f"/articles/{EXAMPLE}", headers=GZIP)
    plain = client.get(f"/articles/{EXAMPLE}")

    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Content-Type"] == "application/json"
    assert int(zipped.headers["Content-Length"]) == len(zipped.get_data())
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert json.loads(plain.get_data())["slug"] == EXAMPLE
    revalidated = client.get(
        f"/articles/{EXAMPLE}", headers={**GZIP, "If-None-Match": zipped.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    assert revalidated.get_data() == b""
    assert "Content-Encoding" not in revalidated.headers


def test_every_content_route_compresses_so_every_one_is_tried_here() -> None:
    """What makes `ROUTES` every route: a route that did not compress would go untried."""
    assert {route.path for route in ROUTES.values()} == {route.path for route in CONTENT.routes}


def test_a_warm_answer_encodes_nothing_whatever_was_asked_between(
    clinic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each route's JSON and gzip are made once while its document is unchanged: lists
    rebuilt per request too, and however many one-off answers (searches) came between."""
    from clinic_api.content import responses
    from clinic_api.content.handler import lambda_handler

    made: list[Any] = []
    encode = responses.Encoded
    monkeypatch.setattr(
        responses, "Encoded", lambda document: made.append(document) or encode(document)
    )
    kept = [name for name in ROUTES if name not in (HEALTH.operation_id, SEARCH.operation_id)]
    for name in kept:
        assert call(name, GZIP)["statusCode"] == 200
    for number in range(2 * responses._ENCODED_KEPT):  # more than it keeps
        event = http_event("GET", "/search", query={"q": f"infusion {number}"}, headers=GZIP)
        assert lambda_handler(event, LambdaContext("ContentFunction"))["statusCode"] == 200
    made.clear()
    for name in kept:
        assert call(name, GZIP)["statusCode"] == 200
    assert made == []
