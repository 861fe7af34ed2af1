"""From an HTTP body to a validated request (`request.check`), or field errors with stable codes.

JSON bodies are validated as sent (wrong types are `invalid_type`, unknown keys
`unknown_field`). Form bodies (urlencoded or multipart) follow HTML form rules
first: an empty field is absent, a checked checkbox sends `on` (or
true/1/yes), an unchecked one sends nothing, a repeated key is a list, and a
field the form does not have (a named submit button, `utm_*` tracking) is
dropped unread. A body is decoded by its Content-Type's charset (UTF-8 without one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from clinic_api.appointments import request as rules
from clinic_api.appointments.body import (
    FORM_TYPE,
    JSON_TYPE,
    MULTIPART_TYPE,
    UnreadableCharset,
    multipart_pairs,
)
from clinic_api.core.json_body import read_json
from clinic_api.core.media_type import UNREADABLE_CHARSET, read_body
from clinic_api.core.problems import UNKNOWN_FIELD, FieldError, Problem, invalid_input
from clinic_api.core.text import has_surrogate

MAX_BODY_BYTES = 10_240
_CHECKED = frozenset({"on", "true", "1", "yes"})
_UNCHECKED = frozenset({"off", "false", "0", "no"})
_BOOLEAN_FIELDS = frozenset({"okToText", "okToLeaveVoicemail", "consent"})
_LIST_FIELDS = frozenset({"preferredDays", "preferredTimes"})

_NOT_TEXT = "is not valid Unicode text"


def read_submission(body: str | None, is_base64: bool, content_type: str | None) -> dict[str, Any]:
    """The body's fields; 413, 415 or 400 as problem details when it cannot be read."""
    sent = read_body(
        body, is_base64, content_type, (JSON_TYPE, FORM_TYPE, MULTIPART_TYPE), MAX_BODY_BYTES
    )
    try:
        if sent.media == MULTIPART_TYPE:
            pairs = multipart_pairs(sent.raw, sent.boundary, sent.charset, rules.field_names())
            fields = _form_fields(pairs)
        else:
            text = sent.text()
            if sent.media == JSON_TYPE:
                fields = read_json(text, rules.field_names())
            else:
                pairs = parse_qsl(
                    text,
                    keep_blank_values=True,
                    strict_parsing=False,  # as browsers parse: `a=1&&b=2&` is a and b
                    encoding=sent.charset,
                    errors="strict",
                )
                fields = _form_fields(pairs)
    except UnreadableCharset:
        raise Problem(415, "Unsupported Media Type", UNREADABLE_CHARSET) from None
    # ValueError: UnicodeDecodeError and JSONDecodeError too; RecursionError: `[[[[...`.
    except (ValueError, RecursionError):
        raise Problem(400, "Bad Request", "The body is not well-formed.") from None
    if not isinstance(fields, dict):
        raise Problem(400, "Bad Request", "The body must be a JSON object.")
    # JSON null is an absent field, as an empty form field is.
    return {key: value for key, value in fields.items() if value is not None}


def _form_fields(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        # An empty field is absent; a field the form does not have is dropped unread.
        if key in rules.field_names() and value.strip():
            grouped.setdefault(key, []).append(value)
    fields: dict[str, Any] = {}
    for key, values in grouped.items():
        if key in _LIST_FIELDS:
            fields[key] = values
        elif len(values) > 1:
            fields[key] = values  # a repeated single field: invalid_type below
        elif key in _BOOLEAN_FIELDS:
            fields[key] = _checkbox(values[0])
        else:
            fields[key] = values[0]
    return fields


def _checkbox(value: str) -> bool | str:
    word = value.strip().lower()
    if word in _CHECKED:
        return True
    return False if word in _UNCHECKED else value  # anything else: invalid_type


def validate_request(
    fields: Mapping[str, Any],
    services: list[str],
    region: str,
    providers: list[str] | None = None,
) -> rules.Request:
    """The validated request, or a 422 listing every failing field once. `providers`: the
    slugs a request may name (None: any, as before site.json listed them)."""
    fields, errors = _readable(fields)
    errors += _channel_errors(fields)
    request, refused = rules.check(fields, rules.Site(services, region, providers))
    if errors or refused:
        raise invalid_input(rules.in_form_order(_first_per_field(errors + refused)))
    return request


def _readable(fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The fields the checks may read, and an error for each that no check should.

    Our fields hold a value or a list of values: anything deeper is `invalid_type`
    here (the schema's validator refuses to walk a deep one). A lone surrogate is no
    character (JSON lets `"\\ud800"` say it): such text could be neither stored nor
    logged, nor handed to the validator, so it goes no further. An unknown field's
    value is never read: only its name is refused.
    """
    readable: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, value in fields.items():
        if has_surrogate(key):  # not one of our names, which are ASCII
            errors.append(_error(UNKNOWN_FIELD, "unknown_field"))
        elif key not in rules.field_names():
            readable[key] = None
        elif _nested(value):
            errors.append(_error(key, "invalid_type"))
        elif _holds_surrogate(value):
            errors.append(FieldError(key, "invalid_text", _NOT_TEXT))
        else:
            readable[key] = value
    return readable, errors


def _error(field: str, code: str) -> FieldError:
    return FieldError(field, code, rules.MESSAGES[code])


def _nested(value: object) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(item, list | dict) for item in value)
    )


def _holds_surrogate(value: object) -> bool:
    """In a text, or a list's text (nothing deeper gets here)."""
    if isinstance(value, str):
        return has_surrogate(value)
    return isinstance(value, list) and any(
        isinstance(item, str) and has_surrogate(item) for item in value
    )


def _channel_errors(fields: Mapping[str, Any]) -> list[FieldError]:
    """The preferred channel needs its value (phone or text → phone, email → email), and
    texting needs the sender's leave: staff must never be asked to text someone who
    chose text messages but did not tick the box that allows them."""
    contact = str(fields.get("preferredContact"))
    needed = {"phone": "phone", "text": "phone", "email": "email"}.get(contact)
    errors: list[FieldError] = []
    value = fields.get(needed) if needed else None
    if needed and (value is None or rules.blank(value)):
        errors.append(FieldError(needed, "required", f"is needed to contact you by {contact}"))
    ok_to_text = fields.get("okToText")
    # Left out or false; any other value is the schema's to refuse (invalid_type).
    if contact == "text" and (ok_to_text is None or ok_to_text is False):
        errors.append(FieldError("okToText", "must_be_true", "is needed to contact you by text"))
    return errors


def _first_per_field(errors: list[FieldError]) -> list[FieldError]:
    seen: dict[str, FieldError] = {}
    for error in errors:
        seen.setdefault(error.field, error)
    return list(seen.values())
