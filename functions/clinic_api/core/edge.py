"""The edge: every HTTP function answers only requests that came through the site's distribution.

CloudFront adds `X-Origin-Verify` with a secret the template generates
(`EdgeOriginSecret`); a request sent straight to the execute-api name lacks it
and is refused with 403 problem+json, before any route runs, so neither the
WAF in front of the distribution nor the viewer-address rate limit can be
walked around. How the secret is read and compared is `edge_secret`'s.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from clinic_api.core.edge_secret import came_through_edge, edge_configured
from clinic_api.core.problems import Problem


def around_the_edge() -> Problem:
    return Problem(403, "Forbidden", "This API is served only through the clinic's site.")


def refuse_around_the_edge(
    app: APIGatewayHttpResolver, next_middleware: NextMiddleware
) -> Response[Any]:
    """Route middleware (every route of every HTTP function): 403 unless through the edge."""
    if edge_configured() and not came_through_edge(app.current_event.headers):
        return around_the_edge().to_response()
    return next_middleware(app)
