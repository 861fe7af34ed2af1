"""How the outcome reaches the sender: JSON for scripts, a 303 redirect for plain HTML forms.

JSON clients are those that send JSON or name application/json in Accept
(`*/*` alone does not). Everyone else is a browser posting a form, and always
gets 303 to the thank-you or error page from configuration, never from the request.
That page is an http(s) URL or a path ("/request-appointment/thank-you"): a browser
resolves a path against the URL it posted to, the site's own origin when the form
posts to /api/appointments on the site's distribution.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response

from clinic_api.appointments.form import JSON_TYPE, media_type
from clinic_api.core.problems import Problem

# The `error` word a form's error page gets for each problem status.
_FORM_ERRORS = {413: "too_large", 429: "rate_limited", 409: "unavailable", 503: "unavailable"}


def wants_json(content_type: str | None, accept: str | None) -> bool:
    if media_type(content_type) == JSON_TYPE:
        return True
    for media_range in (accept or "").split(","):
        media, *params = (part.strip().lower() for part in media_range.split(";"))
        if media == JSON_TYPE and "q=0" not in params:
            return True
    return False


def _with_query(url: str, query: dict[str, str]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(query, safe=':,')}"


def _redirect(url: str) -> Response:
    return Response(
        status_code=303, headers={"Location": url, "Cache-Control": "no-store"}, body=""
    )


def created(receipt: dict[str, str], json_client: bool, thank_you_url: str) -> Response:
    if not json_client:
        return _redirect(_with_query(thank_you_url, {"reference": receipt["reference"]}))
    return Response(
        status_code=201,
        content_type="application/json",
        body=json.dumps(receipt, separators=(",", ":")),
        headers={"Cache-Control": "no-store"},
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
    return _redirect(_with_query(error_url, {"error": word}))
