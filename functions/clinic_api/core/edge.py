"""The edge: every HTTP function answers only requests that came through the site's distribution.

CloudFront adds `X-Origin-Verify` with a secret the template generates
(`EdgeOriginSecret`); a request sent straight to the execute-api name lacks it
and is refused with 403 problem+json, before any route runs, so neither the
WAF in front of the distribution nor the viewer-address rate limit can be
walked around. The secret is read once per container (Secrets Manager) and
only for a request that carries the header: a refusal costs no AWS call.

Where no secret is configured (`EDGE_ORIGIN_SECRET` empty: `clinic dev`, the
unit tests, `sam local`) there is no edge, and nothing is refused.
"""

from __future__ import annotations

import hmac
from functools import cache

from clinic_api.core.clients import secret_string
from clinic_api.core.problems import Problem
from clinic_api.core.settings import Environment

ORIGIN_VERIFY_HEADER = "x-origin-verify"  # the distribution's secret origin header


@cache
def edge_secret() -> str:
    """The distribution's secret; empty when no distribution is in front (nothing is checked)."""
    secret_id = Environment().optional("EDGE_ORIGIN_SECRET")
    return secret_string(secret_id) if secret_id else ""


def edge_configured() -> bool:
    return bool(Environment().optional("EDGE_ORIGIN_SECRET"))


def came_through_edge(headers: dict[str, str]) -> bool:
    """True when the request carries the distribution's secret (compared in constant time)."""
    claimed = headers.get(ORIGIN_VERIFY_HEADER)
    if not claimed or not edge_configured():
        return False
    secret = edge_secret()
    return bool(secret) and hmac.compare_digest(claimed.encode(), secret.encode())


def around_the_edge() -> Problem:
    return Problem(403, "Forbidden", "This API is served only through the clinic's site.")
