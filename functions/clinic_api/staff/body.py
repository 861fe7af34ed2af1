"""A staff route's JSON body, read by hand (pydantic stays off the cold start): one JSON
object, every failing field at once as one 422 with stable codes, never a value."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from clinic_api.core.json_body import read_json
from clinic_api.core.media_type import read_body
from clinic_api.core.problems import UNKNOWN_FIELD, FieldError, Problem
from clinic_api.core.text import unreadable

JSON = "application/json"
# A change's note (2,000 characters) or a search's words, as JSON, fit many times over; a
# larger body is read no further (the gateway would take up to 10 MB).
MAX_BODY_BYTES = 16_384
Check = Callable[[Any], tuple[str, str] | None]  # (code, message) when the value is refused


def json_object(
    body: str | None,
    base64_encoded: bool,
    content_type: str | None,
    fields: Collection[str],
    media_types: Sequence[str] = (JSON,),
) -> dict:
    sent = read_body(body, base64_encoded, content_type, media_types, MAX_BODY_BYTES)
    try:
        text = sent.text()
    except ValueError:  # not text in its charset
        raise Problem(400, "Bad Request", "The body is not well-formed JSON.") from None
    document = read_json(text, fields)
    if not isinstance(document, dict):
        raise Problem(400, "Bad Request", "The body is not a JSON object.")
    return document


def text_error(value: Any, maximum: int, *, lines: bool = False) -> tuple[str, str] | None:
    """(code, message) when `value` is not text of 1 to `maximum` characters, spaces aside,
    without control characters (but tab and line breaks, with `lines`)."""
    if not isinstance(value, str):
        return "invalid_type", "must be text"
    if fault := unreadable(value, lines=lines):
        return "invalid_text", fault
    if not value.strip():
        return "too_short", "must not be empty"
    if len(value) > maximum:
        return "too_long", f"must be at most {maximum} characters"
    return None


def unknown_fields(
    document: Mapping[str, Any], known: Mapping[str, Check], what: str
) -> list[FieldError]:
    """One error for any field `what` does not have, never named: staff may have pasted
    anything there."""
    if set(document) - set(known):
        return [FieldError(UNKNOWN_FIELD, "unknown_field", f"is not a field of a {what}")]
    return []


def field_errors(document: Mapping[str, Any], checks: Mapping[str, Check]) -> list[FieldError]:
    """An error for each field of `document` that its check refuses."""
    return [
        FieldError(name, *error)
        for name, check in checks.items()
        if name in document and (error := check(document[name])) is not None
    ]
