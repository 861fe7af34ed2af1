"""The inbox API's answers and the PATCH body as pydantic models: the contract, for OpenAPI.

Not imported by the handler (pydantic stays off the cold start): `clinic
openapi` turns them into the document's schemas, and the tests check real
answers against them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel
from pydantic.json_schema import SkipJsonSchema

from clinic_api.core.schemas import SPACE_CHARS, SchemaExtra, titled
from clinic_api.core.text import CONTROLS_BUT_LINES, NOT_ON_ONE_LINE
from clinic_api.staff.changes import ASSIGNEE_MAX, NOTE_MAX
from clinic_api.staff.routes import CURSOR, LIMIT, Q_MAX, STATUS

Status = Literal["new", "contacted", "scheduled", "closed", "spam"]
REFERENCE_PATTERN = "^[0-9A-HJKMNP-TV-Z]{8}$"
_NOT_BLANK = f"[^{SPACE_CHARS}]"  # some text besides spaces (unanchored: anywhere)
# No control character or line separator anywhere; a note's lines may break (text_error).
_ONE_LINE = SchemaExtra(**{"not": {"pattern": f"[{NOT_ON_ONE_LINE}]"}})
_LINES = SchemaExtra(**{"not": {"pattern": f"[{CONTROLS_BUT_LINES}]"}})
Note = Annotated[str, StringConstraints(max_length=NOTE_MAX, pattern=_NOT_BLANK), _LINES]
Assignee = Annotated[str, StringConstraints(max_length=ASSIGNEE_MAX, pattern=_NOT_BLANK), _ONE_LINE]
_SUMMARY_EXAMPLE = {
    "reference": "7K3M9Q2T",
    "status": "new",
    "createdAt": "2026-11-27T18:04:05.120Z",
    "firstName": "Marisol",
    "lastName": "Quenby-Hart",
    "phone": "+15035550199",
    "phoneDisplay": "(503) 555-0199",
    "preferredContact": "phone",
    "preferredDays": ["tue", "thu"],
    "preferredTimes": ["morning"],
    "service": "ketamine-consultation",
    "serviceLabel": "Ketamine treatment consultation",
    "sourceArticle": None,
    "assignee": None,
}


def _config(title: str, example: dict) -> ConfigDict:
    return titled(
        ConfigDict(
            extra="forbid",
            alias_generator=to_camel,
            populate_by_name=True,
            title=title,
            json_schema_extra={"examples": [example]},
        )
    )


class RequestSummary(BaseModel):
    """One request in the inbox list: enough to call back."""

    model_config = _config("Request summary", _SUMMARY_EXAMPLE)

    reference: str = Field(pattern=REFERENCE_PATTERN)
    status: Status
    created_at: str = Field(json_schema_extra={"format": "date-time"})
    first_name: str
    last_name: str
    phone: str | None = Field(description="E.164")
    phone_display: str | None = Field(description="In the clinic's national format")
    preferred_contact: Literal["phone", "text", "email"]
    preferred_days: list[str]
    preferred_times: list[str]
    service: str
    service_label: str = Field(description="The service's label in site.json")
    source_article: str | None
    assignee: str | None


class HistoryEntry(BaseModel):
    """One change, in order: a status change (`from`, `to`), a note, an assignment."""

    model_config = titled(ConfigDict(extra="forbid", title="History entry"))

    at: str = Field(json_schema_extra={"format": "date-time"})
    by: str = Field(description="The staff member's e-mail, or `web-form`")
    from_: str | None = Field(None, alias="from")
    to: str | None = None
    note: str | None = None
    assignee: str | None = None


class RequestDetail(RequestSummary):
    """One request in full, with its history; never its internals (TTL, hashes)."""

    model_config = _config(
        "Request detail",
        {
            **_SUMMARY_EXAMPLE,
            "email": "marisol.qh@example.org",
            "okToText": True,
            "okToLeaveVoicemail": False,
            "visitFormat": "telehealth",
            "payment": "insurance",
            "insuranceCarrier": "Cascade Mutual",
            "message": "Persistent low mood since spring.",
            "patientStatus": "new",
            "consentVersion": "2026-11-01",
            "consentAt": "2026-11-27T18:04:05.120Z",
            "duplicateOf": None,
            "provider": "dr-elena-marsh",
            "providerName": "Elena Marsh",
            "history": [
                {
                    "at": "2026-11-27T18:04:05.120Z",
                    "by": "web-form",
                    "to": "new",
                    "note": "received",
                }
            ],
        },
    )

    email: str | None
    ok_to_text: bool | None
    ok_to_leave_voicemail: bool | None
    visit_format: str | None
    payment: str | None
    insurance_carrier: str | None
    message: str | None
    patient_status: str | None
    consent_version: str | None
    consent_at: str | None
    duplicate_of: str | None = Field(
        description="The reference of the identical request sent first (stored as its id)"
    )
    provider: str | None = Field(description="The slug of the provider the visitor asked for")
    provider_name: str | None = Field(description="Their name in site.json")
    history: list[HistoryEntry]


class RequestPage(BaseModel):
    """A page of the inbox, newest first."""

    model_config = _config(
        "Request page",
        {"items": [_SUMMARY_EXAMPLE], "nextCursor": None, "timeZone": "America/Los_Angeles"},
    )

    items: list[RequestSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
    time_zone: str = Field(description="The clinic's IANA time zone, to show times in")


def _change_schema(schema: dict[str, Any]) -> None:
    """A left-out field is left alone: no null default for status or note (null is refused)."""
    for name in ("status", "note"):
        schema["properties"][name].pop("default", None)
    schema["minProperties"] = 1
    schema["examples"] = [{"status": "contacted", "note": "Left a voicemail."}]


class RequestChange(BaseModel):
    """What a receptionist changes: any of these, at least one."""

    model_config = titled(
        ConfigDict(extra="forbid", title="Request change", json_schema_extra=_change_schema)
    )

    status: Status | SkipJsonSchema[None] = None
    note: Note | SkipJsonSchema[None] = Field(None, description="Added to the history")
    assignee: Assignee | None = Field(None, description="`null` unassigns")


class RequestSearch(BaseModel):
    """What a receptionist looks for in the inbox."""

    model_config = titled(
        ConfigDict(
            extra="forbid",
            title="Request search",
            json_schema_extra={"examples": [{"q": "quenby", "status": "all"}]},
        )
    )

    q: Annotated[str, StringConstraints(max_length=Q_MAX, pattern=_NOT_BLANK), _LINES] = Field(
        title="Search words",
        description="A reference (any case), the starts of a name's words in any order, or "
        "phone digits",
    )
    status: Literal[*STATUS.choices] = Field(  # pyright: ignore[reportInvalidTypeForm]
        "new", description=STATUS.description
    )
    limit: int = Field(LIMIT.default, ge=LIMIT.minimum, le=LIMIT.maximum)
    cursor: (
        Annotated[str, StringConstraints(max_length=CURSOR.max_length, pattern=_NOT_BLANK)] | None
    ) = Field(None, description="`nextCursor` of the previous page, with the same `q` and `status`")


class GatewayMessage(BaseModel):
    """What the gateway itself answers (401 without a valid token)."""

    model_config = titled(
        ConfigDict(
            title="Gateway message", json_schema_extra={"examples": [{"message": "Unauthorized"}]}
        )
    )

    message: str
