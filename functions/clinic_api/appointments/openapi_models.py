"""The appointment models only the OpenAPI document reads: the request as an HTML form
posts it, and the receipt.

The function never validates with these (`form.read_submission` reads a form into
`schemas.AppointmentRequest`), so they are kept out of its cold start: `clinic
openapi` and the tests import them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic.json_schema import SkipJsonSchema

from clinic_api.appointments.schemas import (
    EMAIL_DESCRIPTION,
    PHONE_DESCRIPTION,
    PROVIDER_DESCRIPTION,
    REQUEST_EXAMPLE,
    Carrier,
    Day,
    Email,
    Message,
    Name,
    Phone,
    ProviderSlug,
    ServiceId,
    Time,
    contact_channels,
)
from clinic_api.core.schemas import STRIPPED, SchemaExtra, Slug, titled

# An HTML form sends every value as text: checkboxes send `on` (or true/1/yes; off/false/0/no
# are unchecked), a blank field is an absent one, and a repeated key makes a list.
_CHECKED = "[oO][nN]|[tT][rR][uU][eE]|1|[yY][eE][sS]"
_UNCHECKED = "[oO][fF][fF]|[fF][aA][lL][sS][eE]|0|[nN][oO]"
BLANK_PATTERN = rf"^{STRIPPED}*$"
Blank = Annotated[str, SchemaExtra(pattern=BLANK_PATTERN, title="Blank: left out")]
Checkbox = Annotated[
    str, SchemaExtra(pattern=rf"^{STRIPPED}*(?:{_CHECKED}|{_UNCHECKED})?{STRIPPED}*$")
]
Checked = Annotated[str, SchemaExtra(pattern=rf"^{STRIPPED}*(?:{_CHECKED}){STRIPPED}*$")]
FORM_EXAMPLE: dict[str, Any] = {
    **REQUEST_EXAMPLE,
    "okToLeaveVoicemail": "on",
    "consent": "on",
    "message": "",
}


def _form_schema(schema: dict[str, Any]) -> None:
    for field in schema["properties"].values():
        if field.get("default", "") is None:  # a form has no null: a left-out field is absent
            del field["default"]
    schema["allOf"] = contact_channels({"not": {"pattern": BLANK_PATTERN}})
    schema["examples"] = [FORM_EXAMPLE]


class AppointmentForm(BaseModel):
    """The same request as a browser's form posts it; fields it does not have are ignored."""

    # The form's encoding of AppointmentRequest, field for field (a test holds the two
    # together): form.read_submission turns these strings into the request's values.

    model_config = titled(
        ConfigDict(
            extra="ignore",
            frozen=True,
            alias_generator=to_camel,
            title="Appointment request (HTML form)",
            json_schema_extra=_form_schema,
        )
    )

    patient_status: Literal["new", "existing"] = Field(title="New or existing patient")
    first_name: Name
    last_name: Name
    email: Email | Blank | SkipJsonSchema[None] = Field(
        None, title="E-mail", description=EMAIL_DESCRIPTION
    )
    phone: Phone | Blank | SkipJsonSchema[None] = Field(None, description=PHONE_DESCRIPTION)
    preferred_contact: Literal["phone", "text", "email"] = Field(title="Preferred way to contact")
    ok_to_text: Checkbox | SkipJsonSchema[None] = Field(None, title="OK to text")
    ok_to_leave_voicemail: Checkbox | SkipJsonSchema[None] = Field(
        None, title="OK to leave a voicemail"
    )
    preferred_days: list[Day] = Field(
        default_factory=list,
        max_length=6,
        description="One key per day: `preferredDays=mon&preferredDays=wed`.",
    )
    preferred_times: list[Time] = Field(
        default_factory=list, max_length=3, description="One key per time."
    )
    service: ServiceId
    provider: ProviderSlug | Blank | SkipJsonSchema[None] = Field(
        None, description=PROVIDER_DESCRIPTION
    )
    visit_format: (
        Literal["in-person", "telehealth", "no-preference"] | Blank | SkipJsonSchema[None]
    ) = None
    payment: Literal["self-pay", "insurance", "unsure"] | Blank | SkipJsonSchema[None] = None
    insurance_carrier: Carrier | Blank | SkipJsonSchema[None] = None
    message: Message | Blank | SkipJsonSchema[None] = None
    source_article: Slug | Blank | SkipJsonSchema[None] = Field(
        None, description="The slug of the article that led here"
    )
    consent: Checked = Field(
        description="Checked: the visitor agrees to the consent text of `GET /site`."
    )
    website: Annotated[str, Field(max_length=200)] | Blank | SkipJsonSchema[None] = Field(
        None,
        title="Website (leave empty)",
        description="A trap for bots, hidden from people: a form that fills it is sent to the "
        "thank-you page, and nothing is stored.",
    )


class Receipt(BaseModel):
    """201: the request is stored. `reference` is what staff and the visitor quote."""

    model_config = titled(
        ConfigDict(
            alias_generator=to_camel,
            populate_by_name=True,
            title="Receipt",
            json_schema_extra={
                "examples": [
                    {
                        "id": "3f1c9a52-7b8e-4d21-9c6a-5e0f2b7d4a18",
                        "reference": "7K3M9Q2T",
                        "status": "received",
                        "createdAt": "2026-11-27T10:00:00.000Z",
                    }
                ]
            },
        )
    )

    id: str = Field(json_schema_extra={"format": "uuid"})
    reference: str = Field(pattern="^[0-9A-HJKMNP-TV-Z]{8}$")
    status: Literal["received"]
    created_at: str = Field(json_schema_extra={"format": "date-time"})
