"""POST /staff/requests/search's body, read by hand: what staff look for, kept out of URLs.

`{"q", "status"?, "limit"?, "cursor"?}`: the inbox list's parameters (routes.LIST_QUERY's
limits), with the words in the body, where no access log, browser history or proxy
keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isinf
from typing import Any

from clinic_api.core.problems import FieldError, invalid_input
from clinic_api.staff.body import Check, field_errors, json_object, text_error, unknown_fields
from clinic_api.staff.routes import CURSOR, LIMIT, Q_MAX, STATUS


@dataclass(frozen=True)
class Search:
    q: str
    status: str
    limit: int
    cursor: str | None


def read_search(body: str | None, base64_encoded: bool, content_type: str | None) -> Search:
    document = json_object(body, base64_encoded, content_type, _CHECKS)
    errors = unknown_fields(document, _CHECKS, "search")
    if "q" not in document:
        errors.append(FieldError("q", "required", "is required"))
    errors += field_errors(document, _CHECKS)
    if errors:
        raise invalid_input(errors)
    return Search(
        q=document["q"].strip(),
        status=document.get("status", "new"),
        limit=int(document.get("limit", LIMIT.default)),
        cursor=document.get("cursor"),
    )


def _q(value: Any) -> tuple[str, str] | None:
    return text_error(value, Q_MAX, lines=True)  # a tab pasted from a spreadsheet is a space


def _status(value: Any) -> tuple[str, str] | None:
    if value not in STATUS.choices:
        return "invalid_choice", f"must be one of: {', '.join(STATUS.choices)}"
    return None


def _limit(value: Any) -> tuple[str, str] | None:
    # JSON Schema's integers include 25.0; not a bool (an int to Python). An infinite float
    # is a whole number too long for Python's int() (core/json_body): out of range.
    whole = type(value) is int or (type(value) is float and (value.is_integer() or isinf(value)))
    if not whole:
        return "invalid_type", "must be a whole number"
    if not LIMIT.minimum <= value <= LIMIT.maximum:
        return "out_of_range", f"must be between {LIMIT.minimum} and {LIMIT.maximum}"
    return None


def _cursor(value: Any) -> tuple[str, str] | None:
    return None if value is None else text_error(value, CURSOR.max_length)


_CHECKS: dict[str, Check] = {"q": _q, "status": _status, "limit": _limit, "cursor": _cursor}
