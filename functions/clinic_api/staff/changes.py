"""A PATCH body read by hand (pydantic stays off the cold start): what staff change.

`{"status"?, "note"?, "assignee"?}`, at least one; every failing field at once
as one 422 with stable codes, never echoing a value.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from clinic_api.core.problems import FieldError, Problem, invalid_input
from clinic_api.core.text import has_surrogate
from clinic_api.staff import STATUSES
from clinic_api.staff.requests import Change

MEDIA_TYPES = ("application/json", "application/merge-patch+json")
NOTE_MAX = 2000
ASSIGNEE_MAX = 100
_FIELDS = ("status", "note", "assignee")


def read_change(body: str | None, base64_encoded: bool, content_type: str | None) -> Change:
    document = _json_object(body, base64_encoded, content_type)
    errors = []
    if set(document) - set(_FIELDS):  # never named: a staff member may have pasted anything
        errors.append(FieldError("(unknown)", "unknown_field", "is not a field of a change"))
    if not errors and not document:
        errors.append(FieldError("status", "required", "give status, note or assignee"))
    for name, check in (("status", _status), ("note", _note), ("assignee", _assignee)):
        if name in document:
            error = check(document[name])
            if error is not None:
                errors.append(FieldError(name, *error))
    if errors:
        raise invalid_input(errors)
    assignee = document.get("assignee")
    return Change(
        status=document.get("status"),
        note=document["note"].strip() if "note" in document else None,
        **({"assignee": assignee and assignee.strip()} if "assignee" in document else {}),
    )


def _json_object(body: str | None, base64_encoded: bool, content_type: str | None) -> dict:
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        raise Problem(415, "Unsupported Media Type", "Send the change as application/json.")
    try:
        raw = base64.b64decode(body or "", validate=True) if base64_encoded else (body or "")
        document = json.loads(raw)
    except (ValueError, binascii.Error):
        raise Problem(400, "Bad Request", "The body is not well-formed JSON.") from None
    if not isinstance(document, dict):
        raise Problem(400, "Bad Request", "The body is not a JSON object.")
    return document


def _status(value: Any) -> tuple[str, str] | None:
    if value not in STATUSES:
        return "invalid_choice", f"must be one of: {', '.join(STATUSES)}"
    return None


def _text(value: Any, maximum: int) -> tuple[str, str] | None:
    if not isinstance(value, str):
        return "invalid_type", "must be text"
    if has_surrogate(value):
        return "invalid_text", "is not valid Unicode text"
    if not value.strip():
        return "too_short", "must not be empty"
    if len(value) > maximum:
        return "too_long", f"must be at most {maximum} characters"
    return None


def _note(value: Any) -> tuple[str, str] | None:
    return _text(value, NOTE_MAX)


def _assignee(value: Any) -> tuple[str, str] | None:
    return None if value is None else _text(value, ASSIGNEE_MAX)
