"""GET /articles/{slug} as FastAPI + Mangum: cold_start.py's peer, never deployed.

The same route doing the same work as ContentFunction's (the edge's secret header
checked, the article read through the same ArticleStore: index.json for visibility,
then the article; ETag and Cache-Control), written the usual FastAPI way, so that
the comparison is the framework's cost, not less work.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from mangum import Mangum

from clinic_api.content.responses import cacheable_json
from clinic_api.content.routes import ARTICLE_CACHE
from clinic_api.content.store import article_store
from clinic_api.core.edge import came_through_edge, edge_configured

app = FastAPI(title="Clinic content")


@app.get("/articles/{slug}")
def get_article(slug: str, request: Request) -> Response:
    headers = dict(request.headers)
    if edge_configured() and not came_through_edge(headers):
        raise HTTPException(status_code=403, detail="Served only through the clinic's site.")
    article = article_store().article(slug)
    if article is None:
        raise HTTPException(status_code=404, detail="No published article has this slug.")
    answer = cacheable_json(article, ARTICLE_CACHE, headers.get("if-none-match"))
    return Response(
        content=answer.body,
        status_code=answer.status,
        headers={name: str(value) for name, value in answer.headers.items()},
        media_type="application/json",
    )


lambda_handler: Any = Mangum(app, lifespan="off")
