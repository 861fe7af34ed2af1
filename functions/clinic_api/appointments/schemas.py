"""The appointment request as a frontend sends it: the contract the OpenAPI document states.

`clinic openapi` documents this model, and `make request-schema` writes its JSON
Schema for the function, which checks requests against it (`request.check`, without
pydantic: the model is not imported on any request path). What a schema cannot say
the function checks in `request` (a name's letters, an address, a phone number), and
the schema states it too where it can (`SchemaExtra`), in ECMA-262 patterns that
tests hold to the code: a client's validator and a fuzzer then agree with the function.
A phone number's validity has no pattern: it is `format: phone`, described; the
channel a preferred contact needs (`phone` for phone or text, `email` for e-mail) is
an `if`/`then`. The form's encoding and the receipt are in `openapi_models`.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from clinic_api.appointments.request import (
    CARRIER_MAX,
    EMAIL_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    PHONE_MAX,
    REQUEST_EXAMPLE,
)
from clinic_api.core.schemas import (
    SPACE_CHARS,
    STRIPPED,
    SchemaExtra,
    SiteChoices,
    Slug,
    titled,
)
from clinic_api.core.text import CONTROLS_BUT_LINES

# The same rules in JSON Schema, for clients and the document (tests hold them to the code),
# in patterns that ECMA-262 and Python's `re` read alike. Values are trimmed before they are
# checked, so a length is in the pattern (minLength/maxLength would count the spaces too).
# A name's letters are Unicode's, which such a pattern cannot list: it refuses only what is
# never in a name (digits, other symbols, control characters but spaces), and
# `format: person-name` says the rest.
# Between a name's first and last letters the only space is the space itself: a tab, a line
# break or a no-break space there is refused, as the function refuses it.
_NOT_IN_NAMES = r'0-9!"#$%&()*+/:;<=>?@\[\\\]^_`{|}~\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f'
_INSIDE = f"[^{_NOT_IN_NAMES}{SPACE_CHARS.replace(' ', '')}]"
NAME_PATTERN = (
    f"^{STRIPPED}*[^{_NOT_IN_NAMES}{SPACE_CHARS}]"
    f"(?:{_INSIDE}{{0,{NAME_MAX - 2}}}[^{_NOT_IN_NAMES}{SPACE_CHARS}])?{STRIPPED}*$"
)
NAME_DESCRIPTION = (
    f"1-{NAME_MAX} letters (any script), accents, spaces and ' \u2019 - . , only, a letter "
    "that shows among them, and nothing like a web address (`format: person-name`). Trimmed and in "
    "Unicode NFC first (the pattern counts what was sent: a name sent decomposed is longer)."
)
PHONE_PATTERN = (
    f"^{STRIPPED}*[^{SPACE_CHARS}](?:[\\s\\S]{{0,{PHONE_MAX - 2}}}[^{SPACE_CHARS}])?{STRIPPED}*$"
)


# A blank text (spaces at most) in a field that may be left out is left out, in JSON as in
# a form; a filled one has something more.
BLANK_PATTERN = rf"^{STRIPPED}*$"
Blank = Annotated[str, SchemaExtra(pattern=BLANK_PATTERN, title="Blank: left out")]
FILLED = {"type": "string", "not": {"pattern": BLANK_PATTERN}}


def text_pattern(longest: int) -> str:
    """Free text, trimmed: at most `longest` characters (a CRLF line break counts as one, as
    a textarea's maxlength counts it), no control characters but tab and line breaks (LF,
    CRLF). A line break reads one way only, with no lookaround: jsonschema-rs keeps its
    linear-time engine (a lookahead cost a failing value 100 ms), and a backtracking
    engine does not try every reading of a value's line breaks."""
    return f"^{STRIPPED}*(?:\\r?\\n|[^{CONTROLS_BUT_LINES}\\r\\n]){{0,{longest}}}{STRIPPED}*$"


# Texts people type: `request.TYPED` checks them trimmed, so their lengths are in the patterns.
Name = Annotated[
    str,
    SchemaExtra(pattern=NAME_PATTERN, format="person-name", description=NAME_DESCRIPTION),
]
# No space inside an address (email-validator takes no quoted local part): its length is
# what is between the spaces around it.
EMAIL_PATTERN = f"^{STRIPPED}*[^{SPACE_CHARS}]{{1,{EMAIL_MAX}}}{STRIPPED}*$"
Email = Annotated[str, SchemaExtra(format="email", pattern=EMAIL_PATTERN)]
Phone = Annotated[str, SchemaExtra(format="phone", pattern=PHONE_PATTERN)]
Message = Annotated[str, SchemaExtra(pattern=text_pattern(MESSAGE_MAX))]
Carrier = Annotated[str, SchemaExtra(pattern=text_pattern(CARRIER_MAX))]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat"]
Time = Literal["morning", "afternoon", "evening"]
ServiceId = Annotated[
    str,
    Field(max_length=60),
    SiteChoices(
        lambda site: [service["id"] for service in site["services"]],
        "An `id` of `GET /site`'s `services`",
    ),
]
ProviderSlug = Annotated[
    str,
    Field(max_length=120),
    SiteChoices(
        lambda site: [provider["slug"] for provider in site.get("providers", [])],
        "A `slug` of `GET /site`'s `providers` (those who see patients)",
    ),
]
PROVIDER_DESCRIPTION = (
    "Optional: the provider the visitor would like to see, a `slug` of `GET /site`'s "
    "`providers`; anyone else is `invalid_choice`."
)

PHONE_DESCRIPTION = (
    "A number we can call: in the clinic's region (`phoneRegion` of `GET /site`) as people "
    "write it, or international with `+` (`format: phone`: a valid number, by libphonenumber's "
    "rules). Required when `preferredContact` is `phone` or `text`. Stored as E.164, with an "
    "extension as RFC 3966 writes it (`ext. 12` → `+15035550199;ext=12`)."
)
EMAIL_DESCRIPTION = (
    "Required when `preferredContact` is `email`. An address at a domain that can exist: "
    "special-use names (`.test`, `.local`, `localhost`, `.invalid`, `.onion`, `.arpa`) are "
    "refused; at most 64 characters before the @. Trimmed and normalised."
)


def contact_channels(filled: dict[str, Any], ticked: dict[str, Any]) -> list[dict[str, Any]]:
    """What a preferred contact needs (what `form._channel_errors` checks): a `filled` phone
    for phone or text, a `filled` e-mail for e-mail, and a `ticked` okToText for text."""
    needs = {
        "phone": (["phone", "text"], filled),
        "email": (["email"], filled),
        "okToText": (["text"], ticked),
    }
    return [
        {
            "if": {
                "properties": {"preferredContact": {"enum": contacts}},
                "required": ["preferredContact"],
            },
            "then": {"required": [field], "properties": {field: value}},
        }
        for field, (contacts, value) in needs.items()
    ]


def _request_schema(schema: dict[str, Any]) -> None:
    # `consent` has a default only so that its absence is `must_be_true`, not `required`.
    schema["required"] = [*schema.get("required", []), "consent"]
    del schema["properties"]["consent"]["default"]
    schema["allOf"] = contact_channels(FILLED, {"const": True})  # null or blank is absent
    schema["examples"] = [REQUEST_EXAMPLE]


class AppointmentRequest(BaseModel):
    """A request for a call back, as a frontend sends it in JSON. Unknown fields are refused;
    a field sent as null, or blank where it may be left out, is left out."""

    model_config = titled(
        ConfigDict(
            extra="forbid",
            alias_generator=to_camel,
            title="Appointment request",
            json_schema_extra=_request_schema,
        )
    )

    patient_status: Literal["new", "existing"] = Field(title="New or existing patient")
    first_name: Name
    last_name: Name
    email: Email | Blank | None = Field(None, title="E-mail", description=EMAIL_DESCRIPTION)
    phone: Phone | Blank | None = Field(None, description=PHONE_DESCRIPTION)
    preferred_contact: Literal["phone", "text", "email"] = Field(title="Preferred way to contact")
    ok_to_text: bool | None = Field(
        False, title="OK to text", description="Must be `true` when `preferredContact` is `text`."
    )
    ok_to_leave_voicemail: bool | None = Field(False, title="OK to leave a voicemail")
    preferred_days: list[Day] | None = Field(
        default_factory=list, max_length=6, description="Repeated days count once."
    )
    preferred_times: list[Time] | None = Field(
        default_factory=list, max_length=3, description="Repeated times count once."
    )
    service: ServiceId
    provider: ProviderSlug | Blank | None = Field(None, description=PROVIDER_DESCRIPTION)
    visit_format: Literal["in-person", "telehealth", "no-preference"] | Blank | None = None
    payment: Literal["self-pay", "insurance", "unsure"] | Blank | None = None
    insurance_carrier: Carrier | Blank | None = None
    message: Message | Blank | None = Field(
        None, description="Not for medical history: the care team asks for that in private."
    )
    source_article: Slug | Blank | None = Field(
        None, description="The slug of the article that led here"
    )
    consent: bool = Field(
        False,
        description="`true`: the visitor agrees to the consent text of `GET /site`.",
        json_schema_extra={"const": True},
    )
    website: Annotated[str, Field(max_length=200)] | Blank | None = Field(
        None,
        title="Website (leave empty)",
        description="A trap for bots, hidden from people: a request that fills it is answered "
        "as a success and stored nowhere.",
    )
