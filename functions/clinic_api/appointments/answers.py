"""How the outcome reaches the sender: JSON for scripts, a 303 redirect for plain HTML forms.

A browser's form post is a body in a form type (urlencoded or multipart, in a
charset we read) from a client that does not prefer JSON: Accept names
application/json (or application/problem+json) at a quality at least that of
text/html (`*/*` alone prefers nothing). It gets 303 to the thank-you or error
page from configuration, never from the request. Everyone else, a post with no
body or Content-Type included, gets 201 JSON or problem+json. The page is an
http(s) URL or a path ("/request-appointment/thank-you"): a browser resolves a
path against the URL it posted to, the site's own origin when the form posts to
/api/appointments on the site's distribution.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from clinic_api.appointments.body import JSON_TYPE, is_browser_form
from clinic_api.core.http import Response
from clinic_api.core.problems import PROBLEM_JSON, Problem

# The `error` word a form's error page gets for each problem status.
_FORM_ERRORS = {413: "too_large", 429: "rate_limited", 409: "unavailable", 503: "unavailable"}
_JSON_TYPES = frozenset({JSON_TYPE, PROBLEM_JSON})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_QUALITY = re.compile(r"q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)")


def wants_json(content_type: str | None, accept: str | None) -> bool:
    """False only for a browser's form post (see the module's docstring)."""
    return not is_browser_form(content_type) or prefers_json(accept)


def prefers_json(accept: str | None) -> bool:
    """Accept names JSON, at a quality no lower than HTML's."""
    json_quality = html_quality = 0.0
    for media_range in (accept or "").split(","):
        media, *parameters = (part.strip().lower() for part in media_range.split(";"))
        quality = _quality(parameters)
        if media in _JSON_TYPES:
            json_quality = max(json_quality, quality)
        elif media in _HTML_TYPES:
            html_quality = max(html_quality, quality)
    return json_quality > 0 and json_quality >= html_quality


def _quality(parameters: list[str]) -> float:
    """An Accept range's weight: `q=0.5` → 0.5; 1 when unsaid; 0 when not a weight."""
    for parameter in parameters:
        if parameter.startswith("q="):
            weight = _QUALITY.fullmatch(parameter.replace(" ", ""))
            return float(weight.group(1)) if weight else 0.0
    return 1.0


def _with_query(url: str, query: dict[str, str]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(query, safe=':,')}"


def _redirect(url: str) -> Response:
    return Response(303, headers={"Location": url, "Cache-Control": "no-store"})


def created(receipt: dict[str, str], json_client: bool, thank_you_url: str) -> Response:
    if not json_client:
        return _redirect(_with_query(thank_you_url, {"reference": receipt["reference"]}))
    return Response(
        201, json.dumps(receipt, separators=(",", ":")), JSON_TYPE, {"Cache-Control": "no-store"}
    )


def failed(problem: Problem, json_client: bool, error_url: str) -> Response:
    if json_client:
        return problem.to_response()
    if problem.status == 422 and problem.errors:
        errors = ",".join(f"{error.field}:{error.code}" for error in problem.errors)
        return _redirect(_with_query(error_url, {"errors": errors}))
    word = _FORM_ERRORS.get(
        problem.status, "unavailable" if problem.status >= 500 else "bad_request"
    )
    query = {"error": word}
    if problem.status == 429 and "Retry-After" in problem.headers:
        query["retryAfter"] = problem.headers["Retry-After"]  # so the page can say when
    return _redirect(_with_query(error_url, query))
