"""A stored request as people see it: the inbox API's Summary and Detail, and the CLI's.

Phones in the clinic's national format beside E.164, the service's label beside
its id, the provider's name beside theirs, times convertible to the clinic's time
zone; the internals (TTL, client hash, version, id, idempotency) never leave the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers

from clinic_api.core.reference import reference_of

SUMMARY_FIELDS = (
    "reference", "status", "createdAt", "firstName", "lastName", "phone", "phoneDisplay",
    "preferredContact", "preferredDays", "preferredTimes", "service", "serviceLabel",
    "sourceArticle", "assignee",
)  # fmt: skip
PATIENT_FIELDS = (
    "email", "okToText", "okToLeaveVoicemail", "visitFormat", "payment", "insuranceCarrier",
    "message", "patientStatus", "consentVersion", "consentAt",
)  # fmt: skip
HISTORY_FIELDS = ("at", "by", "from", "to", "note", "assignee")
_LISTS = ("preferredDays", "preferredTimes")


@dataclass(frozen=True)
class ClinicView:
    """What site.json says about showing a request: service labels, phone region, time zone."""

    labels: dict[str, str]
    phone_region: str
    time_zone: str = "UTC"
    providers: dict[str, str] = field(default_factory=dict)  # slug → name

    @classmethod
    def parse(cls, site: dict[str, Any]) -> ClinicView:
        return cls(
            providers={item["slug"]: item["name"] for item in site.get("providers", [])},
            labels={service["id"]: service["label"] for service in site["services"]},
            phone_region=site["phoneRegion"],
            time_zone=site.get("timeZone") or "UTC",
        )


def national_phone(e164: str | None, region: str) -> str | None:
    """(503) 555-0199 for a number of the clinic's region; +44 20 ... for any other."""
    if not e164:
        return None
    number = phonenumbers.parse(e164, region)
    if phonenumbers.region_code_for_number(number) != region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def local_time(iso: str, time_zone: str) -> datetime:
    """A stored UTC time (`2026-11-29T17:05:00.000Z`) in the clinic's time zone."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(time_zone))


def summary(request: dict[str, Any], clinic: ClinicView) -> dict[str, Any]:
    """One line of the inbox list."""
    shown = {
        **{name: request.get(name) for name in SUMMARY_FIELDS},
        "phoneDisplay": national_phone(request.get("phone"), clinic.phone_region),
        "serviceLabel": clinic.labels.get(request.get("service", ""), request.get("service")),
    }
    for name in _LISTS:
        shown[name] = list(request.get(name) or [])
    return shown


def detail(request: dict[str, Any], clinic: ClinicView) -> dict[str, Any]:
    """One request in full, with its history in order: every patient field, no internals."""
    provider = request.get("provider")
    return {
        **summary(request, clinic),
        **{name: request.get(name) for name in PATIENT_FIELDS},
        "duplicateOf": duplicate_reference(request.get("duplicateOf")),
        "provider": provider,
        # Their name as site.json has it; the slug of one who no longer sees patients.
        "providerName": clinic.providers.get(provider, provider) if provider else None,
        "history": [history_entry(entry) for entry in request.get("history", [])],
    }


def duplicate_reference(first_id: str | None) -> str | None:
    """The reference of the request this one repeats, what staff search for and quote.

    Stored as its id (the intake never reads a request back to learn its reference);
    the reference follows from the id, so items stored before are shown the same way.
    """
    if not first_id:
        return None
    try:
        return reference_of(first_id)
    except ValueError:
        return first_id  # not an id the intake wrote (edited by hand): shown as it is


def history_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """`{at, by, from?, to?, note?, assignee?}`: what a change said, nothing empty."""
    shown = {name: entry[name] for name in HISTORY_FIELDS if entry.get(name) is not None}
    if "assignee" in entry and entry["assignee"] is None:
        shown["assignee"] = None  # unassigned: worth saying
    return shown
