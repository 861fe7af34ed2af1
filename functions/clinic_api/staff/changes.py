"""A PATCH body read by hand (pydantic stays off the cold start): what staff change.

`{"status"?, "note"?, "assignee"?}`, at least one; every failing field at once
as one 422 with stable codes, never echoing a value.
"""

from __future__ import annotations

from typing import Any

from clinic_api.core.problems import FieldError, invalid_input
from clinic_api.staff import STATUSES
from clinic_api.staff.body import JSON, Check, field_errors, json_object, text_error, unknown_fields
from clinic_api.staff.requests import Change

MEDIA_TYPES = (JSON, "application/merge-patch+json")
NOTE_MAX = 2000
ASSIGNEE_MAX = 100


def read_change(body: str | None, base64_encoded: bool, content_type: str | None) -> Change:
    document = json_object(body, base64_encoded, content_type, _CHECKS, MEDIA_TYPES)
    errors = unknown_fields(document, _CHECKS, "change")
    if not errors and not document:
        errors.append(FieldError("status", "required", "give status, note or assignee"))
    errors += field_errors(document, _CHECKS)
    if errors:
        raise invalid_input(errors)
    assignee = document.get("assignee")
    return Change(
        status=document.get("status"),
        note=document["note"].strip() if "note" in document else None,
        **({"assignee": assignee and assignee.strip()} if "assignee" in document else {}),
    )


def _status(value: Any) -> tuple[str, str] | None:
    if value not in STATUSES:
        return "invalid_choice", f"must be one of: {', '.join(STATUSES)}"
    return None


def _note(value: Any) -> tuple[str, str] | None:
    return text_error(value, NOTE_MAX, lines=True)


def _assignee(value: Any) -> tuple[str, str] | None:
    return None if value is None else text_error(value, ASSIGNEE_MAX)


_CHECKS: dict[str, Check] = {"status": _status, "note": _note, "assignee": _assignee}
