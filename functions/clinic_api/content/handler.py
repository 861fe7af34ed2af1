"""ContentFunction's routes: HTTP in, HTTP out; the reading is ArticleStore's.

Each route is declared once, as data, in `routes` (its parameters, answers and
headers, which `clinic openapi` documents); here is one small function per route.

Kept lean for cold start (most visitors of a small clinic's site meet a cold
container): no request-validation middleware, no Tracer (X-Ray comes from the
function's active tracing), and the OpenAPI document is built at publish time.
Every route gzips its JSON for a client that accepts it (`compress=True`; see
`responses` for what that does to the ETag).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from clinic_api.content import routes
from clinic_api.content.cursor import InvalidCursor
from clinic_api.content.responses import accepts_gzip, cacheable_json, uncached_json
from clinic_api.content.store import article_store
from clinic_api.core import snapstart
from clinic_api.core.aws_errors import DependencyUnavailable
from clinic_api.core.edge import edge_secret
from clinic_api.core.prefetch import Warmup
from clinic_api.core.problems import (
    dependency_unavailable,
    foreign_cursor,
    not_found,
    unavailable,
)
from clinic_api.core.query import parse_query
from clinic_api.core.resolver import answer_errors, entry_point, http_function
from clinic_api.core.routes import handles
from clinic_api.core.s3_cache import ObjectMissing

app, logger, metrics = http_function()


@handles(app, routes.HEALTH)
def health() -> Response[Any]:
    return uncached_json({"status": "ok"})


@handles(app, routes.SITE)
def site() -> Response[Any]:
    return _cached(article_store().site(), routes.SITE_CACHE)


@handles(app, routes.OPENAPI)
def openapi() -> Response[Any]:
    return _cached(article_store().openapi(), routes.SITE_CACHE)


@handles(app, routes.LIST_ARTICLES)
def list_articles() -> Response[Any]:
    event = app.current_event
    query = parse_query(event.query_string_parameters, routes.LIST_QUERY, event.raw_query_string)
    try:
        page = article_store().list_articles(query["tag"], query["limit"], query["cursor"])
    except InvalidCursor:
        raise foreign_cursor() from None
    body = {"items": page.items, "nextCursor": page.next_cursor, "total": page.total}
    return _cached(body, routes.LIST_CACHE)


@handles(app, routes.LIST_TAGS)
def list_tags() -> Response[Any]:
    return _cached({"items": article_store().tags()}, routes.LIST_CACHE)


@handles(app, routes.GET_ARTICLE)
def get_article(slug: str) -> Response[Any]:
    article = article_store().article(slug)
    if article is None:
        raise not_found("No published article has this slug.")
    metrics.add_metric(name="ArticleServed", unit=MetricUnit.Count, value=1)
    return _cached(article, routes.ARTICLE_CACHE)


@handles(app, routes.GET_PAGE)
def get_page(slug: str) -> Response[Any]:
    page = article_store().page(slug)
    if page is None:
        raise not_found("No published page has this slug.")
    return _cached(page, routes.ARTICLE_CACHE)


@handles(app, routes.LIST_PROVIDERS)
def list_providers() -> Response[Any]:
    return _cached({"items": article_store().providers()}, routes.SITE_CACHE)


@handles(app, routes.GET_PROVIDER)
def get_provider(slug: str) -> Response[Any]:
    provider = article_store().provider(slug)
    if provider is None:
        raise not_found("No provider has this slug.")
    return _cached(provider, routes.SITE_CACHE)


@handles(app, routes.SEARCH)
def search() -> Response[Any]:
    event = app.current_event
    query = parse_query(event.query_string_parameters, routes.SEARCH_QUERY, event.raw_query_string)
    try:
        found = article_store().search(
            query["q"],
            query["tag"],
            query["limit"],
            distinct=query["distinct"],
            cursor=query["cursor"],
        )
    except InvalidCursor:
        raise foreign_cursor() from None
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
    return _cached(body, routes.SEARCH_CACHE)


def _cached(document: Any, cache_control: str) -> Response[Any]:
    """A cacheable answer to this request: 304 on its If-None-Match, gzip if it accepts it."""
    headers = app.current_event.headers
    return cacheable_json(
        document,
        cache_control,
        headers.get("if-none-match"),
        gzip=accepts_gzip(headers.get("accept-encoding")),
    )


@app.exception_handler(DependencyUnavailable)
def _dependency_unavailable(_: DependencyUnavailable) -> Response[Any]:
    metrics.add_metric(name="DependencyUnavailable", unit=MetricUnit.Count, value=1)
    return dependency_unavailable("Content storage is unavailable.").to_response()


@app.exception_handler(ObjectMissing)
def _not_published(missing: ObjectMissing) -> Response[Any]:
    logger.error("Published object missing", extra={"key": str(missing)})
    return unavailable("The content has not been published yet.", retry_after=60).to_response()


answer_errors(app, logger)

# What a restored SnapStart container reads again in the background. Not at an on-demand
# init: nothing is left to import after this module, so there is nothing to overlap the
# reads with (measured: no faster, core.prefetch); started from the package's import,
# before the resolver loads, it was no faster either and cost 100-190 ms more CPU
# (docs/benchmarks.md, "The second pass").
warmup = Warmup(edge_secret, lambda: article_store().warm(), at_init=False)


def before_snapshot() -> None:
    """SnapStart: the snapshot carries the index, site.json and the search engine."""
    warmup.wait()
    article_store().warm_for_snapshot()


def after_restore() -> None:
    """SnapStart: this container's own clients and edge secret; every copy revalidated."""
    snapstart.forget_per_environment_state(edge_secret.cache_clear, article_store().expire)
    warmup.restart()


snapstart.register(before_snapshot, after_restore)
lambda_handler = entry_point(app, logger, metrics, warmup)
