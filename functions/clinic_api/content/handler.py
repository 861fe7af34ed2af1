"""ContentFunction's routes: HTTP in, HTTP out; the reading is ArticleStore's.

Each route is declared once, as data, in `routes` (its parameters, answers and
headers, which `clinic openapi` documents); here is one small function per route.

Kept lean for cold start (most visitors of a small clinic's site meet a cold
container): no request-validation middleware, no Tracer (X-Ray comes from the
function's active tracing), and the OpenAPI document is built at publish time.
Every route gzips its JSON for a client that accepts it (`compress=True`; see
`responses` for what that does to the ETag, and for the copies kept of each).
"""

from __future__ import annotations

from typing import Any

from clinic_api.content import routes
from clinic_api.content.cursor import InvalidCursor
from clinic_api.content.responses import cacheable_json, same_as_before, uncached_json
from clinic_api.content.store import article_store
from clinic_api.core import snapstart
from clinic_api.core.aws_errors import DependencyUnavailable
from clinic_api.core.edge import edge_secret
from clinic_api.core.http import Response
from clinic_api.core.prefetch import Warmup
from clinic_api.core.problems import (
    dependency_unavailable,
    foreign_cursor,
    not_found,
    unavailable,
)
from clinic_api.core.query import parse_query
from clinic_api.core.resolver import HttpFunction
from clinic_api.core.s3_cache import ObjectMissing

app = HttpFunction()
logger, counts = app.logger, app.counts


@app.handles(routes.HEALTH)
def health() -> Response:
    return uncached_json({"status": "ok"})


@app.handles(routes.SITE)
def site() -> Response:
    return _cached(same_as_before("site", article_store().site()), routes.SITE_CACHE)


@app.handles(routes.OPENAPI)
def openapi() -> Response:
    return _cached(article_store().openapi(), routes.SITE_CACHE)


@app.handles(routes.LIST_ARTICLES)
def list_articles() -> Response:
    request = app.request
    query = parse_query(request.query, routes.LIST_QUERY, request.raw_query)
    try:
        page = article_store().list_articles(query["tag"], query["limit"], query["cursor"])
    except InvalidCursor:
        raise foreign_cursor() from None
    body = {"items": page.items, "nextCursor": page.next_cursor, "total": page.total}
    if query["cursor"]:  # a later page: seldom asked for twice
        return _cached(body, routes.LIST_CACHE, keep=False)
    return _cached(
        same_as_before(("articles", query["tag"], query["limit"]), body), routes.LIST_CACHE
    )


@app.handles(routes.LIST_TAGS)
def list_tags() -> Response:
    return _cached(same_as_before("tags", {"items": article_store().tags()}), routes.LIST_CACHE)


@app.handles(routes.GET_ARTICLE)
def get_article(slug: str) -> Response:
    article = article_store().article(slug)
    if article is None:
        raise not_found("No published article has this slug.")
    counts.add("ArticleServed")
    return _cached(article, routes.ARTICLE_CACHE)


@app.handles(routes.GET_PAGE)
def get_page(slug: str) -> Response:
    page = article_store().page(slug)
    if page is None:
        raise not_found("No published page has this slug.")
    return _cached(page, routes.ARTICLE_CACHE)


@app.handles(routes.LIST_PROVIDERS)
def list_providers() -> Response:
    providers = {"items": article_store().providers()}
    return _cached(same_as_before("providers", providers), routes.SITE_CACHE)


@app.handles(routes.GET_PROVIDER)
def get_provider(slug: str) -> Response:
    provider = article_store().provider(slug)
    if provider is None:
        raise not_found("No provider has this slug.")
    return _cached(same_as_before(("provider", slug), provider), routes.SITE_CACHE)


@app.handles(routes.SEARCH)
def search() -> Response:
    request = app.request
    query = parse_query(request.query, routes.SEARCH_QUERY, request.raw_query)
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
    counts.add("SearchServed")
    if not found.items:  # what visitors look for and miss; never the words themselves
        counts.add("SearchWithoutHits")
    body = {
        "query": query["q"],
        "items": found.items,
        "total": found.total,
        "didYouMean": found.did_you_mean,
        "leftOut": found.left_out,
        "nextCursor": found.next_cursor,
    }
    return _cached(body, routes.SEARCH_CACHE, keep=False)


def _cached(document: Any, cache_control: str, *, keep: bool = True) -> Response:
    """A cacheable answer to this request: 304 on its If-None-Match, gzip if it accepts it."""
    request = app.request
    return cacheable_json(
        document,
        cache_control,
        request.headers.get("if-none-match"),
        gzip=request.accepts_gzip,
        keep=keep,
    )


@app.answers(DependencyUnavailable)
def _dependency_unavailable(_: DependencyUnavailable) -> Response:
    counts.add("DependencyUnavailable")
    return dependency_unavailable("Content storage is unavailable.").to_response()


@app.answers(ObjectMissing)
def _not_published(missing: ObjectMissing) -> Response:
    logger.error("Published object missing", extra={"key": str(missing)})
    return unavailable("The content has not been published yet.", retry_after=60).to_response()


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
lambda_handler = app.entry_point(warmup)
