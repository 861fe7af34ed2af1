"""ContentFunction's routes, declared once (see clinic_api.core.routes).

Every answer is JSON, gzipped for a client that accepts it, with an ETag and
Cache-Control; `/health` alone is never cached.
"""

from __future__ import annotations

from clinic_api.core.keys import SLUG_MAX_LENGTH, SLUG_PATTERN, TAG_MAX_LENGTH, TAG_PATTERN
from clinic_api.core.query import ChoiceParam, IntParam, TextParam
from clinic_api.core.routes import (
    CONTENT_ENCODING,
    ETAG,
    IF_NONE_MATCH,
    JSON,
    NO_STORE,
    RETRY_AFTER,
    VARY,
    Answer,
    Link,
    ModelRef,
    PathParam,
    Route,
    cache_control,
    declare,
    problem,
)

ARTICLE_CACHE = "public, max-age=300"
LIST_CACHE = "public, max-age=60"
SITE_CACHE = "public, max-age=300"
SEARCH_CACHE = "public, max-age=60"

LIST_QUERY = (
    IntParam("limit", 20, 1, 50, "How many articles per page."),
    TextParam("tag", TAG_MAX_LENGTH, "Only articles with this tag.", TAG_PATTERN, lowercase=True),
    TextParam("cursor", 512, "`nextCursor` of the previous page, unchanged, with the same `tag`."),
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


def schemas():  # unannotated: inferred as the module, so `schemas().Article` is checked
    from clinic_api.content import schemas  # deferred: pydantic stays off the cold start

    return schemas


def _cached(
    model: ModelRef,
    description: str,
    cache: str,
    *errors: Answer,
    links: tuple[Link, ...] = (),
) -> tuple[Answer, ...]:
    """A cacheable route's answers: 200, 304 on a matching ETag, its errors, 503."""
    cached = (ETAG, cache_control(cache), VARY)
    return (
        Answer(200, description, JSON, model, (*cached, CONTENT_ENCODING), links),
        Answer(304, "`If-None-Match` matched the current `ETag`: no content.", headers=cached),
        *errors,
        problem(503, "Content storage is unavailable, or nothing is published yet.", RETRY_AFTER),
    )


def _bad_query(names: str) -> Answer:
    return problem(422, f"A bad {names}; `errors` names each failing parameter.")


_ARTICLE_LINK = Link(
    "GetArticle",
    "getArticle",
    {"slug": "$response.body#/items/0/slug"},
    "The first item's article.",
)
SLUG = PathParam(
    "slug",
    "The article's slug: lowercase words joined by hyphens.",
    f"^{SLUG_PATTERN.pattern}$",
    SLUG_MAX_LENGTH,
    "how-fast-does-ketamine-work-for-anxiety",
)
PAGE_SLUG = PathParam(
    "slug",
    "The page's slug: lowercase words joined by hyphens.",
    f"^{SLUG_PATTERN.pattern}$",
    SLUG_MAX_LENGTH,
    "about",
)
PROVIDER_SLUG = PathParam(
    "slug",
    "The provider's key in authors.yaml: lowercase words joined by hyphens.",
    f"^{SLUG_PATTERN.pattern}$",
    SLUG_MAX_LENGTH,
    "dr-elena-marsh",
)


def _revalidate(operation: str) -> Link:
    return Link(
        "Revalidate",
        operation,
        {"slug": "$request.path.slug", "header.If-None-Match": "$response.header.ETag"},
        "The same document again with its ETag: 304 while it is unchanged.",
    )


HEALTH = Route(
    "GET",
    "/health",
    "getHealth",
    "Liveness check",
    "Answers without calling AWS: the function is up.",
    "Operations",
    (
        Answer(
            200,
            "The function is up.",
            JSON,
            lambda: schemas().Health,
            (NO_STORE, CONTENT_ENCODING),
        ),
    ),
    compress=True,
)
SITE = Route(
    "GET",
    "/site",
    "getSite",
    "The clinic's settings",
    "Name, contact, default call to action, services, consent text and version, emergency "
    "notice: what a frontend needs to render the request form.",
    "Site",
    _cached(lambda: schemas().Site, "The published site settings.", SITE_CACHE),
    headers=(IF_NONE_MATCH,),
    compress=True,
)
OPENAPI = Route(
    "GET",
    "/openapi.json",
    "getOpenApi",
    "This API's OpenAPI 3.1 document",
    "Built by `clinic publish` from each function's route declarations.",
    "Operations",
    _cached(lambda: schemas().OpenApiDocument, "This document.", SITE_CACHE),
    headers=(IF_NONE_MATCH,),
    compress=True,
)
LIST_ARTICLES = Route(
    "GET",
    "/articles",
    "listArticles",
    "Published articles, newest first",
    "Summaries of the published articles that are due, newest first, a page at a time.",
    "Articles",
    _cached(
        lambda: schemas().ArticlePage,
        "One page of article summaries.",
        LIST_CACHE,
        _bad_query(
            "`limit`, `tag` or `cursor` (a cursor is only good with the `tag` it came with)"
        ),
        links=(_ARTICLE_LINK,),
    ),
    query=LIST_QUERY,
    query_examples={"tag": "ketamine", "limit": 10},
    headers=(IF_NONE_MATCH,),
    compress=True,
)
LIST_TAGS = Route(
    "GET",
    "/tags",
    "listTags",
    "The articles' tags, most used first",
    "Tags of the published articles, each with its label and how many carry it.",
    "Articles",
    _cached(lambda: schemas().TagList, "Every tag in use.", LIST_CACHE),
    headers=(IF_NONE_MATCH,),
    compress=True,
)
GET_ARTICLE = Route(
    "GET",
    "/articles/{slug}",
    "getArticle",
    "One article",
    "Sanitised HTML with heading ids, table of contents, related articles, JSON-LD.",
    "Articles",
    _cached(
        lambda: schemas().Article,
        "The article.",
        ARTICLE_CACHE,
        problem(404, "No published article has this slug (or it is a draft, or not yet due)."),
        links=(
            Link(
                "GetRelatedArticle",
                "getArticle",
                {"slug": "$response.body#/related/0/slug"},
                "The first related article.",
            ),
            Link(
                "Revalidate",
                "getArticle",
                {"slug": "$request.path.slug", "header.If-None-Match": "$response.header.ETag"},
                "The same article again with its ETag: 304 while it is unchanged.",
            ),
        ),
    ),
    path_params=(SLUG,),
    headers=(IF_NONE_MATCH,),
    compress=True,
)
SEARCH = Route(
    "GET",
    "/search",
    "searchArticles",
    "Search the articles and pages",
    "Sections (or intros) of articles and pages matching every word, best first; the last "
    "word may be half-typed; typos are corrected. Each hit's `kind` says which it is.",
    "Articles",
    _cached(
        lambda: schemas().SearchResults,
        "The hits, a snippet each.",
        SEARCH_CACHE,
        _bad_query(
            "missing or too long `q`, or a bad `limit`, `tag`, `distinct` or `cursor` (a cursor "
            "is only good with the `q`, `tag` and `distinct` it came with)"
        ),
        links=(_ARTICLE_LINK,),
    ),
    query=SEARCH_QUERY,
    query_examples={"q": "ketamine anxiety", "limit": 5},
    headers=(IF_NONE_MATCH,),
    compress=True,
)

GET_PAGE = Route(
    "GET",
    "/pages/{slug}",
    "getPage",
    "One of the clinic's pages",
    "About, Services, Contact...: sanitised HTML with heading ids and a table of contents. "
    "`GET /site` lists the pages of the navigation.",
    "Pages",
    _cached(
        lambda: schemas().Page,
        "The page.",
        ARTICLE_CACHE,
        problem(404, "No published page has this slug (or it is a draft, or not yet due)."),
        links=(_revalidate("getPage"),),
    ),
    path_params=(PAGE_SLUG,),
    headers=(IF_NONE_MATCH,),
    compress=True,
)
LIST_PROVIDERS = Route(
    "GET",
    "/providers",
    "listProviders",
    "The clinic's people",
    "Everyone in authors.yaml, for the team page: credentials, role, specialties, photo, and "
    "whether they see patients.",
    "Providers",
    _cached(
        lambda: schemas().ProviderList,
        "Every provider, in the clinic's order.",
        SITE_CACHE,
        links=(
            Link(
                "GetProvider",
                "getProvider",
                {"slug": "$response.body#/items/0/slug"},
                "The first provider's page.",
            ),
        ),
    ),
    headers=(IF_NONE_MATCH,),
    compress=True,
)
GET_PROVIDER = Route(
    "GET",
    "/providers/{slug}",
    "getProvider",
    "One provider",
    "Bio (text and HTML), services, the published articles they wrote or reviewed, JSON-LD "
    "(Physician or Person).",
    "Providers",
    _cached(
        lambda: schemas().Provider,
        "The provider.",
        SITE_CACHE,
        problem(404, "No provider has this slug."),
        links=(_revalidate("getProvider"),),
    ),
    path_params=(PROVIDER_SLUG,),
    headers=(IF_NONE_MATCH,),
    compress=True,
)

CONTENT = declare(
    "ContentFunction",
    HEALTH, SITE, OPENAPI, LIST_ARTICLES, LIST_TAGS, GET_ARTICLE, SEARCH, GET_PAGE,
    LIST_PROVIDERS, GET_PROVIDER,
)  # fmt: skip
