"""The HTTP functions' front (clinic_api.core.resolver): the route the gateway names, the
answer to each error, the answer as the gateway takes it. No AWS here: a small function
of its own, with routes declared as the real ones are."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest

from clinic_api.core.http import Response, to_gateway
from clinic_api.core.problems import Problem
from clinic_api.core.resolver import HttpFunction
from clinic_api.core.routes import JSON, Answer, Method, PathParam, Route
from clinic_tools.local.lambda_context import LambdaContext
from tests.conftest import http_event


class Flaky(LookupError):
    pass


def _route(method: Method, path: str, *, compress: bool = False) -> Route:
    slug = PathParam("slug", "The thing.", "^[a-z]+$", 20, "abc")
    params = (slug,) if "{slug}" in path else ()
    return Route(method, path, f"{method}{path}", "s", "d", "t", (Answer(200, "ok"),),
                 path_params=params, compress=compress)  # fmt: skip


ITEM = _route("GET", "/things/{slug}")
LIST = _route("GET", "/things", compress=True)
FAIL = _route("POST", "/things")
BOOM = _route("PUT", "/things")


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> HttpFunction:
    monkeypatch.setenv("EDGE_ORIGIN_SECRET", "")  # no distribution in front
    app = HttpFunction()

    @app.handles(ITEM)
    def item(slug: str) -> Response:
        seen = app.request.headers.get("x-thing", "")
        return Response(200, json.dumps({"slug": slug, "seen": seen}), JSON)

    @app.handles(LIST)
    def things() -> Response:
        raise Problem(422, "Unprocessable Content", "no " * 100)

    @app.handles(FAIL)
    def fail() -> Response:
        raise Flaky("patient name here")

    @app.handles(BOOM)
    def boom() -> Response:
        raise RuntimeError("patient name here")

    @app.answers(LookupError)
    def lookup(_: LookupError) -> Response:
        return Response(503, "{}", JSON)

    return app


def _call(app: HttpFunction, event: dict[str, Any]) -> dict[str, Any]:
    return app.resolve(event, LambdaContext("Test"))


def test_the_route_is_the_one_the_gateway_names_with_its_path_values(app: HttpFunction) -> None:
    event = http_event("GET", "/things/abc", route=ITEM.path, path_parameters={"slug": "abc"})
    event["headers"]["X-Thing"] = "mixed case"  # a hand-made event: names not lower-cased

    answer = _call(app, event)

    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == {"slug": "abc", "seen": "mixed case"}
    assert answer["headers"]["X-Content-Type-Options"] == "nosniff"
    assert answer["isBase64Encoded"] is False


@pytest.mark.parametrize(
    "event",
    [
        http_event("DELETE", "/things"),  # a key no route has
        http_event("GET", "/things/abc", route=ITEM.path),  # its path value missing
        {**http_event("GET", "/things"), "routeKey": "$default"},
    ],
)
def test_what_no_route_answers_is_the_gateways_404(app: HttpFunction, event: Any) -> None:
    answer = _call(app, event)

    assert answer["statusCode"] == 404
    assert json.loads(answer["body"]) == {"message": "Not Found"}


def test_the_most_specific_registered_error_answers(app: HttpFunction) -> None:
    # Flaky is a LookupError: its handler answers, not the catch-all 500.
    assert _call(app, http_event("POST", "/things"))["statusCode"] == 503


def test_an_unexpected_error_is_a_500_that_logs_where_never_what(
    app: HttpFunction, caplog: pytest.LogCaptureFixture
) -> None:
    answer = _call(app, http_event("PUT", "/things"))

    assert answer["statusCode"] == 500
    assert answer["headers"]["Content-Type"] == "application/problem+json"
    (record,) = caplog.records
    assert (record.error, record.at.rpartition(":")[0]) == ("RuntimeError", __file__)  # pyright: ignore[reportAttributeAccessIssue]
    assert "patient name" not in caplog.text + answer["body"]


def test_a_compressed_routes_answer_is_gzipped_for_a_client_that_accepts_it(
    app: HttpFunction,
) -> None:
    plain = _call(app, http_event("GET", "/things"))
    zipped = _call(app, http_event("GET", "/things", headers={"Accept-Encoding": "gzip"}))

    assert zipped["isBase64Encoded"] is True
    assert zipped["headers"]["Content-Encoding"] == "gzip"
    assert gzip.decompress(base64.b64decode(zipped["body"])).decode() == plain["body"]
    assert "Content-Encoding" not in plain["headers"]
    # Not a compressed route: never gzipped.
    item = http_event(
        "GET", "/things/abc", route=ITEM.path, path_parameters={"slug": "abc"},
        headers={"Accept-Encoding": "gzip"},
    )  # fmt: skip
    assert "Content-Encoding" not in _call(app, item)["headers"]


def test_an_answer_that_fails_itself_is_the_plain_500_that_names_no_value(
    app: HttpFunction, caplog: pytest.LogCaptureFixture
) -> None:
    @app.answers(LookupError)
    def failing(_: LookupError) -> Response:
        raise ValueError("patient name here")

    answer = _call(app, http_event("POST", "/things"))

    assert answer["statusCode"] == 500
    assert json.loads(answer["body"])["status"] == 500
    assert [record.error for record in caplog.records] == ["ValueError"]  # pyright: ignore[reportAttributeAccessIssue]
    assert "patient name" not in caplog.text + answer["body"]


def test_around_the_edge_even_a_key_no_route_has_is_refused(
    app: HttpFunction, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing about the API is told to a request that skipped the site's distribution
    # (and no secret is read for it: it carries no header).
    monkeypatch.setenv("EDGE_ORIGIN_SECRET", "arn:aws:secretsmanager:us-east-1:1:secret:edge")

    assert _call(app, http_event("DELETE", "/things"))["statusCode"] == 403
    assert _call(app, http_event("POST", "/things"))["statusCode"] == 403


def test_the_gateway_gets_bytes_base64_and_the_declared_content_type() -> None:
    answer = to_gateway(Response(200, b"\x1f\x8b", JSON, {"Content-Type": "text/plain"}))

    assert answer["isBase64Encoded"] is True
    assert base64.b64decode(answer["body"]) == b"\x1f\x8b"
    assert answer["headers"]["Content-Type"] == JSON
    assert "Content-Encoding" not in answer["headers"]  # bytes as given: never gzipped again
    empty = to_gateway(Response(304, headers={"ETag": '"x"'}), gzip_body=True)
    assert (empty["body"], empty["isBase64Encoded"]) == ("", False)
    assert "Content-Type" not in empty["headers"] and "Content-Encoding" not in empty["headers"]
