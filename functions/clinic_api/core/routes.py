"""Routes as typed data: each function declares every route once, and the rest follows.

A `Route` is what a client may rely on: method and path, the query, header and
path parameters, each request body per media type, and every answer (status,
media type or none, schema, headers). From that one declaration:

- the handler registers one small function per route (`app.handles(route)`),
  which the function finds by the event's route key (core.resolver);
- `clinic openapi` builds the OpenAPI document (clinic_tools.openapi);
- the tests list the routes from it and hold template.yaml and events/ to it.

Models are named by zero-argument callables (`lambda: schemas().Article`),
called only by the OpenAPI builder at publish time. The handler imports its
declaration at cold start, and the models are pydantic: importing the content
models costs 0.13-0.26 s (`python -X importtime`, pydantic included) on every
cold start, for a document built once per publish. The alternatives were
worse: an import path as a string is a name no type checker or rename
follows; a pydantic-free route plus a separate table of its schemas would
make a route two declarations again. A callable is typed (pyright checks the
class it returns against `type[BaseModel]`), follows renames, and defers the
import until something asks for the schema.
"""

# No `from __future__ import annotations`: a NamedTuple's annotations as text would each
# be compiled (typing.ForwardRef) on every cold start.

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, NamedTuple

from clinic_api.core.problems import PROBLEM_JSON
from clinic_api.core.query import QueryParam

if TYPE_CHECKING:
    from pydantic import BaseModel

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
# A pydantic model, imported when called (see the module docstring).
ModelRef = Callable[[], "type[BaseModel]"]
# Statuses that never carry content (RFC 9110: 204, 304; and our 303 redirects).
BODILESS = frozenset({204, 303, 304})


class Header(NamedTuple):
    """A request header a route reads, or a response header an answer carries."""

    name: str
    description: str
    required: bool = True
    pattern: str | None = None  # ECMA-262, anchored
    values: tuple[str, ...] = ()  # the only values it takes
    format: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    example: str | None = None


class PathParam(NamedTuple):
    name: str
    description: str
    pattern: str
    max_length: int
    example: str


class Body(NamedTuple):
    """A request body the route accepts in one media type."""

    media_type: str
    model: ModelRef
    description: str


class Link(NamedTuple):
    """A value of this answer that another operation takes (OpenAPI links)."""

    name: str
    operation_id: str
    parameters: Mapping[str, str]  # parameter → runtime expression, e.g. "$response.body#/slug"
    description: str


class Answer(NamedTuple):
    """One documented response: its status, its content (or none) and its headers."""

    status: int
    description: str
    media_type: str | None = None
    model: ModelRef | None = None
    headers: tuple[Header, ...] = ()
    links: tuple[Link, ...] = ()


class Route(NamedTuple):
    """One route of one function: everything its OpenAPI operation says."""

    method: Method
    path: str  # as template.yaml writes it: /articles/{slug}
    operation_id: str
    summary: str
    description: str
    tag: str
    answers: tuple[Answer, ...]
    query: tuple[QueryParam, ...] = ()
    query_examples: Mapping[str, str | int] = MappingProxyType({})
    path_params: tuple[PathParam, ...] = ()
    headers: tuple[Header, ...] = ()
    bodies: tuple[Body, ...] = ()
    body_required: bool = True
    compress: bool = False  # gzip for a client that accepts it
    # The template's JWT authorizer in front of the route (None: public); OpenAPI's bearer scheme.
    auth: str | None = None

    @property
    def key(self) -> str:
        """The route key, as template.yaml and events/*.json name the route."""
        return f"{self.method} {self.path}"

    def answer(self, status: int) -> Answer:
        return next(answer for answer in self.answers if answer.status == status)


class FunctionRoutes(NamedTuple):
    """One Lambda function's routes; `function` is its logical id in template.yaml."""

    function: str
    routes: tuple[Route, ...] = ()


def declare(function: str, *routes: Route) -> FunctionRoutes:
    """`function`'s routes, each checked: a declaration that contradicts itself fails the
    function's import (and every test), not a request."""
    for route in routes:
        _check(route)
    return FunctionRoutes(function, routes)


def _check(route: Route) -> None:
    named = re.findall(r"\{(\w+)\}", route.path)
    if named != [param.name for param in route.path_params]:
        raise ValueError(f"{route.key}: declare exactly the path's parameters {named}")
    unknown = set(route.query_examples) - {param.name for param in route.query}
    if unknown:
        raise ValueError(f"{route.key}: examples for undeclared parameters {sorted(unknown)}")
    statuses = [answer.status for answer in route.answers]
    if len(statuses) != len(set(statuses)):
        raise ValueError(f"{route.key}: one answer per status")
    for answer in route.answers:
        if (answer.media_type is None) != (answer.model is None):
            has, lacks = ("a model", "media type") if answer.model else ("a media type", "model")
            raise ValueError(f"{route.key}: {answer.status} has {has} but no {lacks}")
        if answer.status in BODILESS and answer.media_type is not None:
            raise ValueError(f"{route.key}: {answer.status} answers carry no content")


# Response headers, as our answers send them.
ETAG = Header(
    "ETag",
    "A hash of the JSON sent: strong, or weak (`W/`) for the gzip encoding of the same JSON. "
    "Send it back in `If-None-Match`.",
    pattern=r'^(W/)?"[0-9a-f]{32}"$',
    example='"5d41402abc4b2a76b9719d911017c592"',
)
VARY = Header(
    "Vary", "Caches keep the gzip and the plain answer apart.", values=("Accept-Encoding",)
)
CONTENT_ENCODING = Header(
    "Content-Encoding",
    "`gzip` when the request's `Accept-Encoding` allows it; absent otherwise.",
    required=False,
    values=("gzip",),
)
RETRY_AFTER = Header(
    "Retry-After", "Seconds to wait before trying again.", pattern="^[0-9]+$", example="5"
)
LOCATION = Header(
    "Location",
    "The page to show: the configured thank-you or error page, with `reference` or the "
    "errors in its query.",
    format="uri-reference",
    example="/request-appointment/thank-you?reference=7K3M9Q2T",
)


def cache_control(value: str) -> Header:
    return Header("Cache-Control", "How long a cache may keep the answer.", values=(value,))


NO_STORE = cache_control("no-store")

# Request headers.
IF_NONE_MATCH = Header(
    "If-None-Match",
    "The `ETag` of the copy the client holds (or a list of them, or `*`): when it still "
    "matches, the answer is 304 with no content.",
    required=False,
    example='"5d41402abc4b2a76b9719d911017c592"',
)


def _core_schemas():  # unannotated: inferred as the module, so `.Problem` is checked
    from clinic_api.core import schemas  # deferred: see the module docstring

    return schemas


def problem(status: int, description: str, *headers: Header) -> Answer:
    """An error answer: RFC 9457 problem details, never cached."""
    return Answer(
        status,
        description,
        PROBLEM_JSON,
        lambda: _core_schemas().Problem,
        (NO_STORE, *headers),
    )
