"""The local gateway's event builder, route matching and CORS, without a server."""

from __future__ import annotations

import base64
import json
import socket
import threading
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from clinic_tools.local.dev import _QuietHandler  # pyright: ignore[reportPrivateUsage]
from clinic_tools.local.gateway import (
    Gateway,
    RouteTable,
    apply_cors,
    build_event,
    build_response,
    origin_allowed,
    preflight_response,
)
from clinic_tools.local.template import Cors, Route

ROUTES = RouteTable(
    [
        Route("GET", "/articles", "ContentFunction"),
        Route("GET", "/articles/{slug}", "ContentFunction"),
        Route("GET", "/articles/featured", "FeaturedFunction"),
        Route("POST", "/appointments", "AppointmentsFunction"),
        Route("ANY", "/files/{proxy+}", "FilesFunction"),
    ]
)
CORS = Cors(
    allow_origins=("http://localhost:5173", "https://*.clinic.example"),
    allow_methods=("GET", "POST"),
    allow_headers=("content-type", "if-none-match"),
    expose_headers=("etag", "location"),
    max_age=600,
)
CLIENT_IP = "192.0.2.44"


def request(path: str, method: str = "GET", **options: Any) -> Request:
    options.setdefault("environ_base", {"REMOTE_ADDR": CLIENT_IP})
    return Request(EnvironBuilder(path=path, method=method, **options).get_environ())


def event_for(path: str, method: str = "GET", **options: Any) -> dict[str, Any]:
    incoming = request(path, method, **options)
    match = ROUTES.match(method, incoming.path)
    assert match is not None
    return build_event(incoming, match, 3000)


# --- events -------------------------------------------------------------------


def test_a_form_post_arrives_base64_encoded() -> None:
    event = event_for(
        "/appointments",
        "POST",
        data="name=Ada&reason=anxiety",
        content_type="application/x-www-form-urlencoded",
    )
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"name=Ada&reason=anxiety"


def test_a_json_post_arrives_as_plain_text() -> None:
    body = json.dumps({"name": "Ada"})
    event = event_for("/appointments", "POST", data=body, content_type="application/json")
    assert event["isBase64Encoded"] is False
    assert event["body"] == body


def test_a_json_post_in_another_charset_arrives_as_its_bytes() -> None:
    body = json.dumps({"name": "Zoë"}, ensure_ascii=False).encode("iso-8859-1")
    content_type = "application/json; charset=iso-8859-1"
    event = event_for("/appointments", "POST", data=body, content_type=content_type)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body


def test_no_body_means_no_body_field() -> None:
    event = event_for("/articles")
    assert "body" not in event
    assert event["isBase64Encoded"] is False


def test_headers_are_lower_cased_and_repeats_joined() -> None:
    event = event_for(
        "/articles",
        headers=[("X-Custom", "a"), ("X-Custom", "b"), ("If-None-Match", '"v1"')],
    )
    # WSGI hands over repeated headers already joined (werkzeug's server with ",",
    # its test builder with ", "): either way one comma-joined value, as HTTP API sends.
    assert event["headers"]["x-custom"].replace(" ", "") == "a,b"
    assert event["headers"]["if-none-match"] == '"v1"'
    assert all(name == name.lower() for name in event["headers"])


def test_a_header_value_loses_the_spaces_around_it() -> None:
    event = event_for("/articles", headers=[("Idempotency-Key", " abc \t")])
    assert event["headers"]["idempotency-key"] == "abc"


def test_cookies_travel_in_their_own_list() -> None:
    event = event_for("/articles", headers={"Cookie": "a=1; b=2"})
    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]


def test_query_string_is_kept_raw_and_parsed_with_repeats_joined() -> None:
    event = event_for("/articles", query_string="tag=tms&tag=ketamine&limit=5&empty=")
    assert event["rawQueryString"] == "tag=tms&tag=ketamine&limit=5&empty="
    assert event["queryStringParameters"] == {"tag": "tms,ketamine", "limit": "5", "empty": ""}


def test_raw_utf8_in_the_query_and_path_reads_as_utf8_as_the_gateway_reads_it() -> None:
    """WSGI hands the request line over as Latin-1: `café` typed into the address bar
    reached the function as `cafÃ©` (percent-escaped, it did not)."""
    event = event_for("/articles/café", query_string="q=café&tag=ß")
    assert event["rawQueryString"] == "q=café&tag=ß"
    assert event["queryStringParameters"] == {"q": "café", "tag": "ß"}
    assert event["rawPath"] == "/articles/café"
    assert event["pathParameters"] == {"slug": "café"}
    escaped = event_for("/articles/caf%C3%A9", query_string="q=caf%C3%A9")
    assert escaped["queryStringParameters"] == {"q": "café"}
    assert escaped["pathParameters"] == {"slug": "café"}


@pytest.mark.parametrize(
    ("target", "text"),
    [(b"caf\xc3\xa9", "café"), (b"caf%C3%A9", "café"), (b"caf\xe9", "caf\ufffd")],
)
def test_clinic_devs_server_reads_the_request_line_as_utf8(target: bytes, text: str) -> None:
    """Through a socket, as a browser's raw `café` reaches `clinic dev`: http.server reads
    the line as Latin-1 and werkzeug encoded that text again (`cafÃ\x83Â©`)."""
    seen: dict[str, Any] = {}

    def app(environ: Any, start_response: Any) -> Any:
        incoming = Request(environ)
        match = ROUTES.match(incoming.method, incoming.path)
        assert match is not None
        seen.update(build_event(incoming, match, 3000))
        return Response("")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, request_handler=_QuietHandler)
    answering = threading.Thread(target=server.handle_request)
    answering.start()
    with socket.create_connection(("127.0.0.1", server.server_port)) as client:
        line = b"GET /articles/" + target + b"?q=" + target + b" HTTP/1.1\r\n"
        client.sendall(line + b"Host: x\r\nConnection: close\r\n\r\n")
        while client.recv(4096):
            pass
    answering.join()
    server.server_close()
    assert seen["queryStringParameters"] == {"q": text}
    assert seen["pathParameters"] == {"slug": text}
    assert seen["requestContext"]["http"]["path"] == f"/articles/{text}"
    if b"%" not in target:  # as written, escapes kept
        assert seen["rawQueryString"] == f"q={text}"
        assert seen["rawPath"] == f"/articles/{text}"


def test_no_query_string_means_no_parameters_field() -> None:
    event = event_for("/articles")
    assert event["rawQueryString"] == ""
    assert "queryStringParameters" not in event


def test_path_parameters_and_route_key_come_from_the_route_template() -> None:
    event = event_for("/articles/how-fast-does-ketamine-work")
    assert event["pathParameters"] == {"slug": "how-fast-does-ketamine-work"}
    assert event["routeKey"] == "GET /articles/{slug}"
    assert event["requestContext"]["routeKey"] == "GET /articles/{slug}"
    assert event["rawPath"] == "/articles/how-fast-does-ketamine-work"


def test_request_context_names_the_client_and_the_request() -> None:
    event = event_for("/articles", headers={"User-Agent": "browser/1.0"})
    context = event["requestContext"]
    assert context["http"] == {
        "method": "GET",
        "path": "/articles",
        "protocol": "HTTP/1.1",
        "sourceIp": CLIENT_IP,
        "userAgent": "browser/1.0",
    }
    assert context["stage"] == "$default"
    assert isinstance(context["timeEpoch"], int)
    assert event["version"] == "2.0"
    assert event["headers"]["x-forwarded-for"] == CLIENT_IP


def test_every_request_gets_its_own_request_id() -> None:
    ids = {event_for("/articles")["requestContext"]["requestId"] for _ in range(50)}
    assert len(ids) == 50


# --- routes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "function", "parameters"),
    [
        ("GET", "/articles", "ContentFunction", {}),
        ("GET", "/articles/tms", "ContentFunction", {"slug": "tms"}),
        ("GET", "/articles/featured", "FeaturedFunction", {}),  # exact beats {slug}
        ("DELETE", "/files/a/b.txt", "FilesFunction", {"proxy": "a/b.txt"}),
        ("GET", "/articles/caf%C3%A9", "ContentFunction", {"slug": "café"}),
    ],
)
def test_routes_match_like_http_api(
    method: str, path: str, function: str, parameters: dict[str, str]
) -> None:
    match = ROUTES.match(method, path)
    assert match is not None
    assert (match.route.function, match.path_parameters) == (function, parameters)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/articles/a/b"), ("POST", "/articles"), ("GET", "/nope"), ("GET", "/")],
)
def test_a_path_or_method_no_route_has_is_not_matched(method: str, path: str) -> None:
    assert ROUTES.match(method, path) is None


def test_the_gateway_answers_404_itself_without_invoking() -> None:
    calls: list[str] = []
    gateway = Gateway(ROUTES, CORS, lambda name, event: calls.append(name), _no_log, 3000)
    response = gateway.handle(request("/nope"))
    assert response.status_code == 404
    assert json.loads(response.get_data()) == {"message": "Not Found"}
    assert calls == []


def test_a_path_cannot_forge_a_line_or_an_escape_in_the_log() -> None:
    """`clinic dev` prints each request's path: decoded, `%0A` and `%1B` made a line of
    their own ("POST /appointments 201") and drove the terminal."""
    logged: list[tuple[Any, ...]] = []
    gateway = Gateway(
        ROUTES, CORS, lambda name, event: None, lambda *line: logged.append(line), 3000
    )
    forged = "/articles/x%0APOST%20%2Fappointments%20201%1B%5B2K%00"
    environ = EnvironBuilder(path=forged).get_environ()
    gateway(environ, lambda status, headers: None)
    ((method, path, _, _),) = logged
    assert method == "GET"
    assert path.isprintable() and "POST" in path


def _no_log(*_: Any) -> None:
    return None


# --- responses ----------------------------------------------------------------


def test_a_function_response_goes_back_with_cookies_and_decoded_body() -> None:
    response = build_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "text/plain", "Location": "/x"},
            "cookies": ["a=1; Path=/", "b=2"],
            "body": base64.b64encode(b"created").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.status_code == 201
    assert response.get_data() == b"created"
    assert response.headers.getlist("Set-Cookie") == ["a=1; Path=/", "b=2"]
    assert response.headers["Location"] == "/x"


def test_a_redirect_without_a_body_carries_no_content_type() -> None:
    response = build_response(
        {"statusCode": 303, "headers": {"Location": "/thank-you", "Cache-Control": "no-store"}}
    )
    assert response.status_code == 303
    assert "Content-Type" not in response.headers
    assert response.headers["Location"] == "/thank-you"
    assert response.get_data() == b""


def test_a_body_without_a_content_type_is_sent_as_json_and_a_set_type_is_kept() -> None:
    untyped = build_response({"statusCode": 200, "body": '{"a":1}'})
    assert untyped.headers.getlist("Content-Type") == ["application/json"]
    typed = build_response(
        {"statusCode": 200, "headers": {"content-type": "text/csv"}, "body": "a,b"}
    )
    assert typed.headers.getlist("Content-Type") == ["text/csv"]


def test_a_result_without_status_code_is_returned_as_json() -> None:
    response = build_response({"hello": "world"})
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert json.loads(response.get_data()) == {"hello": "world"}


# --- CORS ---------------------------------------------------------------------


def test_origins_match_exactly_or_by_wildcard_subdomain() -> None:
    assert origin_allowed(CORS, "http://localhost:5173")
    assert origin_allowed(CORS, "https://www.clinic.example")
    assert not origin_allowed(CORS, "http://localhost:5174")
    assert not origin_allowed(CORS, "https://evil.example")
    assert not origin_allowed(CORS, None)


def test_preflight_for_an_allowed_origin() -> None:
    response = preflight_response(CORS, "http://localhost:5173")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert response.headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert response.headers["Access-Control-Allow-Headers"] == "content-type,if-none-match"
    assert response.headers["Access-Control-Max-Age"] == "600"


def test_preflight_for_a_refused_origin_has_no_cors_headers() -> None:
    response = preflight_response(CORS, "https://evil.example")
    names = [name.lower() for name, _ in response.headers.items()]
    assert not [name for name in names if name.startswith("access-control-")]


def test_the_gateway_answers_preflight_without_invoking() -> None:
    calls: list[str] = []
    gateway = Gateway(ROUTES, CORS, lambda name, event: calls.append(name), _no_log, 3000)
    preflight = request(
        "/appointments",
        "OPTIONS",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"},
    )
    assert gateway.handle(preflight).status_code == 204
    assert calls == []


def test_function_cors_headers_are_replaced_by_the_gateways() -> None:
    response = build_response(
        {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "*"}, "body": "{}"}
    )
    allowed = apply_cors(CORS, "http://localhost:5173", response)
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert allowed.headers["Access-Control-Expose-Headers"] == "etag,location"
    refused = apply_cors(CORS, "https://evil.example", build_response({"statusCode": 200}))
    assert "Access-Control-Allow-Origin" not in refused.headers
