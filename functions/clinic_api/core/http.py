"""HTTP API (payload 2.0) requests and answers: the event read once, the answer as the
gateway takes it, gzip for a client that accepts it."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# On every answer, whatever route, error or status made it.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff"}


@dataclass(frozen=True)
class Response:
    """An answer: `body` as text, or bytes (sent base64-encoded: a gzip body)."""

    status: int
    body: str | bytes = ""
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


class Request:
    """What a route reads of its event, each part read once."""

    __slots__ = (
        "accepts_gzip",
        "body",
        "event",
        "headers",
        "is_base64_encoded",
        "query",
        "raw_query",
    )

    def __init__(self, event: dict[str, Any]) -> None:
        self.event = event
        # The gateway sends header names lower-case; a hand-made event (sam local
        # invoke -e, a test) may not.
        self.headers: dict[str, str] = {
            name.lower(): value for name, value in (event.get("headers") or {}).items()
        }
        self.query: dict[str, str] = event.get("queryStringParameters") or {}
        self.raw_query: str = event.get("rawQueryString") or ""
        self.body: str | None = event.get("body")
        self.is_base64_encoded = bool(event.get("isBase64Encoded"))
        self.accepts_gzip = accepts_gzip(self.headers.get("accept-encoding"))

    @property
    def route_key(self) -> str:
        """The route the gateway matched: "GET /articles/{slug}" ("$default" for none)."""
        return self.event.get("routeKey") or ""

    @property
    def path_parameters(self) -> dict[str, str]:
        return self.event.get("pathParameters") or {}

    @property
    def source_ip(self) -> str:
        return self.event["requestContext"]["http"]["sourceIp"]


def accepts_gzip(accept_encoding: str | None) -> bool:
    """RFC 9110 Accept-Encoding gives gzip (or x-gzip), or failing that `*`, a weight above
    0; a coding listed twice counts with its higher weight."""
    weights: dict[str, float] = {}
    for coding in (accept_encoding or "").split(","):
        name, *parameters = (part.strip().lower() for part in coding.split(";"))
        name = "gzip" if name == "x-gzip" else name
        weights[name] = max(weights.get(name, 0.0), _weight(parameters))
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def _weight(parameters: list[str]) -> float:
    """The `q` among a coding's parameters (1 when none is given; 0 when unreadable)."""
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def gzipped(body: bytes) -> bytes:
    """The body gzipped; the same bytes for the same body (no timestamp in the header)."""
    return gzip.compress(body, mtime=0)


def to_gateway(response: Response, *, gzip_body: bool = False) -> dict[str, Any]:
    """The answer as the gateway takes it; a text body gzipped when `gzip_body` asks."""
    headers = dict(response.headers)
    if response.content_type is not None:
        headers["Content-Type"] = response.content_type
    headers.update(SECURITY_HEADERS)
    body = response.body
    if gzip_body and isinstance(body, str) and body:
        body = gzipped(body.encode())
        headers["Content-Encoding"] = "gzip"
    binary = isinstance(body, bytes)
    return {
        "statusCode": response.status,
        "headers": headers,
        "body": base64.b64encode(body).decode("ascii") if binary else body,
        "isBase64Encoded": binary,
    }
