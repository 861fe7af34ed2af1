"""Taking a request in: duplicate check, the stored item, the receipt.

An identical submission (same normalised names, contact and service) within
DUPLICATE_WINDOW is stored with `duplicateOf` rather than refused: a person who
pressed twice is not an error, and staff see the pair.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from clinic_api.appointments.settings import AppointmentsSettings, ClinicSettings
from clinic_api.appointments.store import DuplicateMarker, DuplicateRace, IntakeStore
from clinic_api.core.aws_errors import DependencyUnavailable
from clinic_api.core.identity import keyed_hash
from clinic_api.core.reference import reference_of
from clinic_api.core.timestamps import iso

if TYPE_CHECKING:  # the checks load with the form (handler._form), beside the prefetch
    from clinic_api.appointments.request import Request

DUPLICATE_WINDOW = 600
SUBMITTED_BY = "web-form"
_NOT_STORED = frozenset({"website", "consent"})  # the bots' trap; consent is consentVersion


def fingerprint(request: Request) -> str:
    parts = (
        request["firstName"].casefold(),
        request["lastName"].casefold(),
        (request["email"] or "").casefold(),
        request["phone"] or "",
        request["service"],
    )
    return keyed_hash("duplicate", "\x1f".join(parts))


def build_item(
    request: Request,
    request_id: str,
    client_hash: str,
    clinic: ClinicSettings,
    settings: AppointmentsSettings,
    now: datetime,
    duplicate_of: str | None,
) -> dict[str, Any]:
    """The stored request: plain attributes a person can read in the console."""
    created_at = iso(now)
    fields = {
        name: value
        for name, value in request.items()
        if value is not None and name not in _NOT_STORED
    }
    return {
        "id": request_id,
        "reference": reference_of(request_id),
        "createdAt": created_at,
        "status": "new",
        "history": [
            {"at": created_at, "by": SUBMITTED_BY, "from": None, "to": "new", "note": "received"}
        ],
        **fields,
        "consentVersion": clinic.consent_version,
        "consentAt": created_at,
        "expiresAt": int(now.timestamp()) + settings.retention_days * 86_400,
        "clientHash": client_hash,
        "duplicateOf": duplicate_of,
    }


def accept(
    request: Request,
    request_id: str,
    client_hash: str,
    clinic: ClinicSettings,
    settings: AppointmentsSettings,
    store: IntakeStore,
    now: datetime,
) -> dict[str, str]:
    """Store the request and return its receipt (its rate slot was taken before validation).

    Raises AlreadyStored or DependencyUnavailable.
    """
    epoch = int(now.timestamp())
    mark = fingerprint(request)
    # Most requests are no one's duplicate: the first write claims the marker, under a
    # condition that fails only while an identical request's marker lives. Only then is
    # the marker read (one call for a first request instead of a read and a write).
    first: str | None = None
    for _ in range(3):  # again if an identical request claimed the marker meanwhile
        marker = None if first else DuplicateMarker(mark, request_id, epoch + DUPLICATE_WINDOW)
        item = build_item(request, request_id, client_hash, clinic, settings, now, first)
        try:
            store.save(item, marker, epoch)
            break
        except DuplicateRace:
            first = store.duplicate_of(mark, epoch)
    else:
        raise DependencyUnavailable("dynamodb")
    return receipt(request_id, item["createdAt"])


def receipt(request_id: str, created_at: str) -> dict[str, str]:
    return {
        "id": request_id,
        "reference": reference_of(request_id),
        "status": "received",
        "createdAt": created_at,
    }
