"""ContentFunction's routes: HTTP in, HTTP out; the reading is ArticleStore's.

Kept lean for cold start (most visitors of a small clinic's site meet a cold
container): no request-validation middleware, no Tracer (X-Ray comes from the
function's active tracing), and the OpenAPI document is built at publish time.
Every route gzips its JSON for a client that accepts it (`compress=True`; see
`responses` for what that does to the ETag).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from clinic_api.content.cursor import InvalidCursor
from clinic_api.content.keys import TAG_MAX_LENGTH, TAG_PATTERN
from clinic_api.content.responses import accepts_gzip, cacheable_json, uncached_json
from clinic_api.content.store import article_store
from clinic_api.core.problems import (
    FieldError,
    Problem,
    documented,
    internal_error,
    invalid_input,
    no_route,
    not_found,
    unavailable,
    where_raised,
)
from clinic_api.core.query import ChoiceParam, IntParam, TextParam, parse_query
from clinic_api.core.s3_cache import ObjectMissing, StoreUnavailable

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

# debug=False: POWERTOOLS_DEV would otherwise print whole events (form bodies) to the logs.
app = APIGatewayHttpResolver(debug=False)
logger = Logger()
metrics = Metrics()

ARTICLE_CACHE = "public, max-age=300"
LIST_CACHE = "public, max-age=60"
SITE_CACHE = "public, max-age=300"
SEARCH_CACHE = "public, max-age=60"

LIST_QUERY = (
    IntParam("limit", 20, 1, 50, "How many articles per page."),
    TextParam("tag", TAG_MAX_LENGTH, "Only articles with this tag.", TAG_PATTERN, lowercase=True),
    TextParam("cursor", 512, "`nextCursor` of the previous page, unchanged."),
)
SEARCH_QUERY = (
    TextParam("q", 200, "What the visitor typed: words, half-typed words, typos.", required=True),
    IntParam("limit", 10, 1, 20, "How many hits."),
    TextParam(
        "tag", TAG_MAX_LENGTH, "Only hits in articles with this tag.", TAG_PATTERN, lowercase=True
    ),
    ChoiceParam(
        "distinct",
        ("article",),
        "`article`: only each article's best hit; `total` then counts articles.",
    ),
    TextParam(
        "cursor", 512, "`nextCursor` of the previous page, with the same `q`, `tag` and `distinct`."
    ),
)
_NOT_OUR_CURSOR = FieldError("cursor", "invalid_cursor", "is not a cursor this query gave out")
# Read by `clinic openapi`, which documents what the routes parse by hand.
QUERY_PARAMETERS = {"/articles": LIST_QUERY, "/search": SEARCH_QUERY}


def _cacheable(
    schema: str, description: str, errors: dict[int, OpenAPIResponse] | None = None
) -> dict[int, OpenAPIResponse]:
    """A cached route's documented answers: 200, 304 on a matching ETag, its errors, 503."""
    return {
        200: documented(schema, description),
        304: {"description": "`If-None-Match` matched the current ETag; no body."},
        **(errors or {}),
        503: documented("Problem", "Content storage is unavailable; see `Retry-After`."),
    }


@app.get(
    "/health",
    compress=True,
    operation_id="getHealth",
    summary="Liveness check",
    tags=["Operations"],
    responses={200: documented("Health", "The function is up.")},
)
def health() -> Response[Any]:
    return uncached_json({"status": "ok"})


@app.get(
    "/site",
    compress=True,
    operation_id="getSite",
    summary="The clinic's settings",
    description="Name, contact, default call to action, services, consent text and version.",
    tags=["Site"],
    responses=_cacheable("Site", "The published site settings."),
)
def site() -> Response[Any]:
    return _cached(article_store().site(), SITE_CACHE)


@app.get(
    "/openapi.json",
    compress=True,
    operation_id="getOpenApi",
    summary="This API's OpenAPI 3.1 document",
    tags=["Operations"],
    responses=_cacheable("OpenApiDocument", "This document."),
)
def openapi() -> Response[Any]:
    return _cached(article_store().openapi(), SITE_CACHE)


@app.get(
    "/articles",
    compress=True,
    operation_id="listArticles",
    summary="Published articles, newest first",
    tags=["Articles"],
    responses=_cacheable(
        "ArticlePage",
        "One page of article summaries.",
        {422: documented("Problem", "A bad `limit`, `tag` or `cursor`.")},
    ),
)
def list_articles() -> Response[Any]:
    event = app.current_event
    query = parse_query(event.query_string_parameters, LIST_QUERY, event.raw_query_string)
    try:
        page = article_store().list_articles(query["tag"], query["limit"], query["cursor"])
    except InvalidCursor:
        raise invalid_input([_NOT_OUR_CURSOR]) from None
    body = {"items": page.items, "nextCursor": page.next_cursor, "total": page.total}
    return _cached(body, LIST_CACHE)


@app.get(
    "/tags",
    compress=True,
    operation_id="listTags",
    summary="The articles' tags, most used first",
    description="Tags of the published articles, each with its label and how many carry it.",
    tags=["Articles"],
    responses=_cacheable("TagList", "Every tag in use."),
)
def list_tags() -> Response[Any]:
    return _cached({"items": article_store().tags()}, LIST_CACHE)


@app.get(
    "/articles/<slug>",
    compress=True,
    operation_id="getArticle",
    summary="One article",
    description="Sanitised HTML with heading ids, table of contents, related articles, JSON-LD.",
    tags=["Articles"],
    responses=_cacheable(
        "Article",
        "The article.",
        {404: documented("Problem", "No published article has this slug.")},
    ),
)
def get_article(slug: str) -> Response[Any]:
    article = article_store().article(slug)
    if article is None:
        raise not_found("No published article has this slug.")
    metrics.add_metric(name="ArticleServed", unit=MetricUnit.Count, value=1)
    return _cached(article, ARTICLE_CACHE)


@app.get(
    "/search",
    compress=True,
    operation_id="searchArticles",
    summary="Search the articles",
    description="Sections (or article intros) matching every word, best first; the last "
    "word may be half-typed; typos are corrected.",
    tags=["Articles"],
    responses=_cacheable(
        "SearchResults",
        "The hits, a snippet each.",
        {
            422: documented(
                "Problem",
                "A missing or too long `q`, or a bad `limit`, `tag`, `distinct` or `cursor`.",
            )
        },
    ),
)
def search() -> Response[Any]:
    event = app.current_event
    query = parse_query(event.query_string_parameters, SEARCH_QUERY, event.raw_query_string)
    try:
        found = article_store().search(
            query["q"],
            query["tag"],
            query["limit"],
            distinct=query["distinct"],
            cursor=query["cursor"],
        )
    except InvalidCursor:
        raise invalid_input([_NOT_OUR_CURSOR]) from None
    metrics.add_metric(name="SearchServed", unit=MetricUnit.Count, value=1)
    if not found.items:  # what visitors look for and miss; never the words themselves
        metrics.add_metric(name="SearchWithoutHits", unit=MetricUnit.Count, value=1)
    body = {
        "query": query["q"],
        "items": found.items,
        "total": found.total,
        "didYouMean": found.did_you_mean,
        "nextCursor": found.next_cursor,
    }
    return _cached(body, SEARCH_CACHE)


def _cached(document: Any, cache_control: str) -> Response[Any]:
    """A cacheable answer to this request: 304 on its If-None-Match, gzip if it accepts it."""
    headers = app.current_event.headers
    return cacheable_json(
        document,
        cache_control,
        headers.get("if-none-match"),
        gzip=accepts_gzip(headers.get("accept-encoding")),
    )


@app.exception_handler(Problem)
def _problem(problem: Problem) -> Response[Any]:
    return problem.to_response()


@app.exception_handler(StoreUnavailable)
def _store_unavailable(_: StoreUnavailable) -> Response[Any]:
    metrics.add_metric(name="StoreUnavailable", unit=MetricUnit.Count, value=1)
    return unavailable("Content storage is unavailable.", retry_after=5).to_response()


@app.exception_handler(ObjectMissing)
def _not_published(missing: ObjectMissing) -> Response[Any]:
    logger.error("Published object missing", extra={"key": str(missing)})
    return unavailable("The content has not been published yet.", retry_after=60).to_response()


@app.exception_handler(Exception)
def _unexpected(error: Exception) -> Response[Any]:
    at = where_raised(error)
    logger.error("Unhandled error", extra={"error": type(error).__name__, "at": at})
    return internal_error().to_response()


app.not_found(no_route)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
