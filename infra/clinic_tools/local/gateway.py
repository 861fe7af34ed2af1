"""The HTTP API in front of the functions: HTTP request → payload 2.0 event → HTTP response.

What API Gateway does itself is done here too: route matching (404 for no route),
CORS from the template's CorsConfiguration (preflights answered without calling a
function; the function's own CORS headers ignored), a route's JWT authorizer (401
without calling the function; see authorizer.py), and the translation both ways.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response

from clinic_tools.local.authorizer import UNAUTHORIZED, JwtVerifier, Unauthorized
from clinic_tools.local.template import ACCOUNT_ID, Cors, Route
from clinic_tools.terminal import printable

Invoke = Callable[[str, dict[str, Any]], Any]
Log = Callable[[str, str, int, float], None]

API_ID = "local"
NOT_FOUND = b'{"message":"Not Found"}'
INTERNAL_ERROR = b'{"message":"Internal Server Error"}'
# HTTP API passes these bodies as text; every other body arrives base64-encoded.
_TEXT_TYPES = re.compile(
    r"^(text/.*|application/(json|xml|javascript|x-javascript|ecmascript)|application/[^;]*\+(json|xml))$"
)
# Hop-by-hop headers are the server's business, not the function's.
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "content-length"}


# --- routes -----------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


class RouteTable:
    """HTTP API's matching: exact routes first, then {param} (one segment), then {proxy+}."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = sorted(
            ((route, _route_pattern(route.path)) for route in routes), key=_specificity
        )

    def match(self, method: str, raw_path: str) -> Match | None:
        for route, pattern in self._routes:
            if route.method not in (method, "ANY"):
                continue
            found = pattern.fullmatch(raw_path)
            if found:
                params = found.groupdict().items()
                return Match(route, {key: unquote(value) for key, value in params})
        return None


def _route_pattern(path: str) -> re.Pattern[str]:
    if path == "$default":
        return re.compile(".*")  # anything no other route takes (sorted last)
    parts = []
    for segment in re.split(r"(\{[^}]+\})", path):
        if segment.startswith("{") and segment.endswith("+}"):
            parts.append(f"(?P<{segment[1:-2]}>.+)")
        elif segment.startswith("{"):
            parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("".join(parts))


def _specificity(item: tuple[Route, re.Pattern[str]]) -> tuple[bool, bool, int, bool]:
    """Sort key: fewer variables first; a specific method before ANY; $default last."""
    route, _ = item
    return (
        route.path == "$default",
        "+}" in route.path,
        route.path.count("{"),
        route.method == "ANY",
    )


# --- request → event --------------------------------------------------------


def build_event(request: Request, match: Match, server_port: int) -> dict[str, Any]:
    """The payload 2.0 event API Gateway would send for this request."""
    source_ip = request.remote_addr or "127.0.0.1"
    headers = _event_headers(request.headers, source_ip, server_port)
    raw_query = _wsgi_text(request.environ.get("QUERY_STRING", ""))
    host = headers.get("host", "localhost").split(":")[0]
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": match.route.key,
        "rawPath": _raw_path(request),
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
                "sourceIp": source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": _request_id(),
            "routeKey": match.route.key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    cookies = _cookies(request.headers)
    if cookies:
        event["cookies"] = cookies
    query = query_parameters(raw_query)
    if query:
        event["queryStringParameters"] = query
    if match.path_parameters:
        event["pathParameters"] = match.path_parameters
    body = request.get_data(cache=True)
    if body:
        event.update(_event_body(body, request.headers.get("content-type", "")))
    return event


def query_parameters(raw_query: str) -> dict[str, str]:
    """Repeated keys are joined with commas, as HTTP API does (it has no multi-value field)."""
    joined: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def is_text(content_type: str) -> bool:
    return bool(_TEXT_TYPES.match(content_type.split(";")[0].strip().lower()))


def _event_body(body: bytes, content_type: str) -> dict[str, Any]:
    if is_text(content_type):
        try:
            return {"body": body.decode("utf-8"), "isBase64Encoded": False}
        except UnicodeDecodeError:
            pass  # text in another charset (latin-1 JSON): the bytes, for the function to decode
    return {"body": base64.b64encode(body).decode("ascii"), "isBase64Encoded": True}


def _event_headers(headers: Headers, source_ip: str, server_port: int) -> dict[str, str]:
    """Lower-cased, repeated ones comma-joined; cookies travel in `cookies` instead. A value
    without the spaces and tabs around it, which are no part of it (RFC 9110 §5.5): Python's
    HTTP server keeps a trailing one."""
    joined: dict[str, str] = {}
    for name, raw in headers.items():
        key, value = name.lower(), raw.strip(" \t")
        if key == "cookie":
            continue
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    forwarded = joined.get("x-forwarded-for")
    joined["x-forwarded-for"] = f"{forwarded}, {source_ip}" if forwarded else source_ip
    joined["x-forwarded-port"] = str(server_port)
    joined["x-forwarded-proto"] = "http"
    joined["x-amzn-trace-id"] = f"Root=1-{int(time.time()):08x}-{os.urandom(12).hex()}"
    return joined


def _cookies(headers: Headers) -> list[str]:
    return [
        cookie.strip()
        for header in headers.getlist("cookie")
        for cookie in header.split(";")
        if cookie.strip()
    ]


def _raw_path(request: Request) -> str:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    return _wsgi_text(raw).split("?", 1)[0] if raw else request.path


def _wsgi_text(value: str) -> str:
    """A WSGI environ string as the gateway reads the bytes: UTF-8. WSGI hands the request
    line's bytes over as Latin-1 (PEP 3333), so a browser's raw `?q=café` arrived as
    `cafÃ©`; bytes that are no UTF-8 become U+FFFD, as a percent-escape of them does."""
    return value.encode("latin-1").decode("utf-8", "replace")


def _request_id() -> str:
    """Unique, and shaped like API Gateway's (16 characters of base64)."""
    return base64.b64encode(uuid.uuid4().bytes[:11]).decode("ascii")


# --- result → response ------------------------------------------------------


def build_response(result: Any) -> Response:
    """Turn the function's result into the HTTP answer, as HTTP API does for payload 2.0."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # No statusCode: HTTP API returns the result itself as JSON with a 200.
        return Response(json.dumps(result), 200, content_type="application/json")
    headers = Headers()
    for name, value in (result.get("headers") or {}).items():
        headers.add(name, str(value))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.remove(name)
        for value in values:
            headers.add(name, str(value))
    for cookie in result.get("cookies") or []:
        headers.add("Set-Cookie", cookie)
    for name in _HOP_BY_HOP:
        headers.remove(name)  # case-insensitive
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    typed = "content-type" in headers  # case-insensitive
    if data and not typed:
        headers.add("Content-Type", "application/json")
    response = Response(data, int(result["statusCode"]), headers=headers)
    if not data and not typed:
        # A 303 or 304 the function sent without a type: the gateway adds none, but
        # werkzeug gives every Response one (text/plain).
        del response.headers["Content-Type"]
    return response


def json_message(status: int, body: bytes) -> Response:
    return Response(body, status, content_type="application/json")


# --- CORS -------------------------------------------------------------------


def origin_allowed(cors: Cors, origin: str | None) -> bool:
    if not origin:
        return False
    return any(_origin_pattern(allowed).fullmatch(origin) for allowed in cors.allow_origins)


def _origin_pattern(allowed: str) -> re.Pattern[str]:
    # "*" alone, or a wildcard subdomain such as https://*.example.com
    return re.compile(".*" if allowed == "*" else re.escape(allowed).replace(r"\*", "[^/]*"))


def is_preflight(request: Request) -> bool:
    return request.method == "OPTIONS" and "access-control-request-method" in request.headers


def preflight_response(cors: Cors, origin: str | None) -> Response:
    """The gateway's own answer to a preflight: CORS headers only for an allowed origin."""
    response = Response(status=204)
    if origin_allowed(cors, origin):
        headers = response.headers
        headers["Access-Control-Allow-Origin"] = _allow_origin_value(cors, origin or "")
        if cors.allow_methods:
            headers["Access-Control-Allow-Methods"] = ",".join(cors.allow_methods)
        if cors.allow_headers:
            headers["Access-Control-Allow-Headers"] = ",".join(cors.allow_headers)
        if cors.max_age is not None:
            headers["Access-Control-Max-Age"] = str(cors.max_age)
        if cors.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
    return response


def apply_cors(cors: Cors, origin: str | None, response: Response) -> Response:
    """Drop the function's CORS headers; add the gateway's for an allowed origin."""
    for name in list(response.headers.keys()):
        if name.lower().startswith("access-control-"):
            del response.headers[name]
    if origin_allowed(cors, origin):
        response.headers["Access-Control-Allow-Origin"] = _allow_origin_value(cors, origin or "")
        if cors.expose_headers:
            response.headers["Access-Control-Expose-Headers"] = ",".join(cors.expose_headers)
        if cors.allow_credentials:
            response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


def _allow_origin_value(cors: Cors, origin: str) -> str:
    return "*" if "*" in cors.allow_origins and not cors.allow_credentials else origin


# --- the WSGI app -----------------------------------------------------------


class Gateway:
    """The WSGI application: one request in, one function invocation (or none), one answer."""

    def __init__(
        self,
        routes: RouteTable,
        cors: Cors | None,
        invoke: Invoke,
        log: Log,
        port: int,
        authorizers: Mapping[str, JwtVerifier] | None = None,
    ) -> None:
        self.routes, self.cors, self.invoke, self.log, self.port = routes, cors, invoke, log, port
        self.authorizers = dict(authorizers or {})

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        started = time.perf_counter()
        request = Request(environ)
        response = self.handle(request)
        # The path as sent, escapes and all: `%0A` decoded would forge a log line of its own.
        shown = printable(_raw_path(request))
        self.log(printable(request.method), shown, response.status_code, _ms_since(started))
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        origin = request.headers.get("origin")
        if self.cors is not None and is_preflight(request):
            return preflight_response(self.cors, origin)
        match = self.routes.match(request.method, _raw_path(request))
        if match is None:
            response = json_message(404, NOT_FOUND)
        else:
            response = self._call_function(request, match)
        return apply_cors(self.cors, origin, response) if self.cors else response

    def _call_function(self, request: Request, match: Match) -> Response:
        event = build_event(request, match, self.port)
        refusal = self._authorize(match.route, event)
        if refusal is not None:
            return refusal
        try:
            result = self.invoke(match.route.function, event)
        except Exception as error:  # a crash or a timeout: API Gateway says 500
            print(f"  {match.route.function}: {error}", flush=True)
            return json_message(500, INTERNAL_ERROR)
        try:
            return build_response(result)
        except (TypeError, ValueError, KeyError) as error:  # a malformed function response
            print(f"  {match.route.function} returned a malformed response: {error}", flush=True)
            return json_message(500, INTERNAL_ERROR)

    def _authorize(self, route: Route, event: dict[str, Any]) -> Response | None:
        """The authorizer's claims into the event, or the gateway's own refusal."""
        if route.authorizer is None:
            return None
        verifier = self.authorizers.get(route.authorizer)
        if verifier is None:  # SAM would refuse to deploy such a template
            print(f"  {route.key}: no JWT authorizer {route.authorizer} to run", flush=True)
            return json_message(500, INTERNAL_ERROR)
        try:
            claims = verifier.authorize(event["headers"], route.scopes)
        except Unauthorized as refused:
            response = json_message(401, UNAUTHORIZED)
            response.headers["WWW-Authenticate"] = refused.challenge
            return response
        event["requestContext"]["authorizer"] = claims
        return None


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
