"""The appointment request as a frontend sends it: what the function validates with.

The request model is the contract: the handler validates with it, `clinic
openapi` documents it, and its errors carry our stable codes (`invalid_name`,
`invalid_phone`, ...) as their pydantic error types. Values are never echoed.

Rules checked in code are stated in the JSON Schema too (`SchemaExtra`), in
ECMA-262 patterns that tests hold to the code: a client's validator and a
fuzzer then agree with the function. A phone number's validity has no
pattern: it is `format: phone`, described; the channel a preferred contact
needs (`phone` for phone or text, `email` for e-mail) is an `if`/`then`.
The form's encoding and the receipt, which only the document reads, are in
`openapi_models`, out of the cold start. No `from __future__ import annotations`
here: pydantic then reads the types as Python made them instead of evaluating
every annotation's text when the model is built.
"""

import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from clinic_api.core.schemas import (
    SPACE_CHARS,
    STRIPPED,
    SchemaExtra,
    SiteChoices,
    Slug,
    titled,
)

NAME_MAX = 50
EMAIL_MAX = 254
PHONE_MAX = 30
MESSAGE_MAX = 500
CARRIER_MAX = 60
_NAME_PUNCTUATION = frozenset(" '\u2019-.,")
_DOMAIN_LIKE = re.compile(r"[^\W\d_]\.[^\W\d_]{2,}")  # cheap-pills.example, not J.R. or St. Ann


def _clean_text(value: object) -> object:
    """Unicode NFC and trimmed, as people type and paste."""
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def _check_name(value: str) -> str:
    # Letters, marks and a few joiners: no digits, control characters, or URLs.
    if _DOMAIN_LIKE.search(value) or not all(
        char in _NAME_PUNCTUATION or unicodedata.category(char)[0] in "LM" for char in value
    ):
        raise PydanticCustomError("invalid_name", "may hold only letters, spaces, ' - . ,")
    return value


def _check_text(value: str) -> str:
    if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in value):
        raise PydanticCustomError("invalid_text", "has control characters")
    return value


def _check_email(value: str) -> str:
    # Imported by the first address, not with the model: its import compiles regular
    # expressions over U+0080-U+10FFFF (~40 ms), which a request without one never needs.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise PydanticCustomError("invalid_email", "is not an e-mail address") from None


# The same rules in JSON Schema, for clients and the document (tests hold them to the code),
# in patterns that ECMA-262 and Python's `re` read alike. Values are trimmed before they are
# checked, so a length is in the pattern (minLength/maxLength would count the spaces too).
# A name's letters are Unicode's, which such a pattern cannot list: it refuses only what is
# never in a name (digits, other symbols, control characters but spaces), and
# `format: person-name` says the rest.
_NOT_IN_NAMES = r'0-9!"#$%&()*+/:;<=>?@\[\\\]^_`{|}~\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f'
NAME_PATTERN = (
    f"^{STRIPPED}*[^{_NOT_IN_NAMES}{SPACE_CHARS}]"
    f"(?:[^{_NOT_IN_NAMES}]{{0,{NAME_MAX - 2}}}[^{_NOT_IN_NAMES}{SPACE_CHARS}])?{STRIPPED}*$"
)
NAME_DESCRIPTION = (
    f"1-{NAME_MAX} letters (any script), accents, spaces and ' \u2019 - . , only, and nothing "
    "like a web address (`format: person-name`). Trimmed first."
)
PHONE_PATTERN = (
    f"^{STRIPPED}*[^{SPACE_CHARS}](?:[\\s\\S]{{0,{PHONE_MAX - 2}}}[^{SPACE_CHARS}])?{STRIPPED}*$"
)
_CONTROL = r"\x00-\x08\x0b-\x1f\x7f-\x9f"  # but tab and newline


def text_pattern(longest: int) -> str:
    """Free text, trimmed: at most `longest` characters, no control characters but tab, newline."""
    return f"^{STRIPPED}*[^{_CONTROL}]{{0,{longest}}}{STRIPPED}*$"


Clean = BeforeValidator(_clean_text)
Name = Annotated[
    str,
    Clean,
    Field(min_length=1, max_length=NAME_MAX),
    AfterValidator(_check_name),
    SchemaExtra(
        pattern=NAME_PATTERN,
        format="person-name",
        description=NAME_DESCRIPTION,
        minLength=None,
        maxLength=None,
    ),
]
Email = Annotated[
    str,
    Clean,
    Field(max_length=EMAIL_MAX),
    AfterValidator(_check_email),
    SchemaExtra(format="email"),
]
Phone = Annotated[
    str,
    Clean,
    Field(min_length=1, max_length=PHONE_MAX),
    SchemaExtra(format="phone", pattern=PHONE_PATTERN, minLength=None, maxLength=None),
]
Message = Annotated[
    str,
    Clean,
    Field(max_length=MESSAGE_MAX),
    AfterValidator(_check_text),
    SchemaExtra(pattern=text_pattern(MESSAGE_MAX), maxLength=None),
]
Carrier = Annotated[
    str,
    Clean,
    Field(max_length=CARRIER_MAX),
    AfterValidator(_check_text),
    SchemaExtra(pattern=text_pattern(CARRIER_MAX), maxLength=None),
]
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
    "rules). Required when `preferredContact` is `phone` or `text`. Stored as E.164."
)
EMAIL_DESCRIPTION = (
    "Required when `preferredContact` is `email`. An address at a domain that can exist: "
    "special-use names (`.test`, `.local`, `localhost`, `.invalid`, `.onion`, `.arpa`) are "
    "refused. Trimmed and normalised."
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


REQUEST_EXAMPLE: dict[str, Any] = {
    "patientStatus": "new",
    "firstName": "Avery",
    "lastName": "Lindqvist",
    "phone": "+1 503-555-0117",
    "preferredContact": "phone",
    "okToLeaveVoicemail": True,
    "preferredDays": ["mon", "wed"],
    "preferredTimes": ["afternoon"],
    "service": "psychiatric-evaluation",
    "visitFormat": "in-person",
    "payment": "self-pay",
    "sourceArticle": "tms-therapy-for-depression",
    "consent": True,
}


def _request_schema(schema: dict[str, Any]) -> None:
    # `consent` has a default only so that its absence is `must_be_true`, not `required`.
    schema["required"] = [*schema.get("required", []), "consent"]
    del schema["properties"]["consent"]["default"]
    schema["allOf"] = contact_channels({"type": "string"}, {"const": True})  # null is absent
    schema["examples"] = [REQUEST_EXAMPLE]


class AppointmentRequest(BaseModel):
    """A request for a call back, as a frontend sends it in JSON. Unknown fields are refused."""

    # Strict: JSON types must be right (a form's strings are converted before this).
    model_config = titled(
        ConfigDict(
            extra="forbid",
            frozen=True,
            strict=True,
            alias_generator=to_camel,
            title="Appointment request",
            json_schema_extra=_request_schema,
        )
    )

    patient_status: Literal["new", "existing"] = Field(title="New or existing patient")
    first_name: Name
    last_name: Name
    email: Email | None = Field(None, title="E-mail", description=EMAIL_DESCRIPTION)
    phone: Phone | None = Field(None, description=PHONE_DESCRIPTION)
    preferred_contact: Literal["phone", "text", "email"] = Field(title="Preferred way to contact")
    ok_to_text: bool = Field(
        False, title="OK to text", description="Must be `true` when `preferredContact` is `text`."
    )
    ok_to_leave_voicemail: bool = Field(False, title="OK to leave a voicemail")
    preferred_days: list[Day] = Field(
        default_factory=list, max_length=6, description="Repeated days count once."
    )
    preferred_times: list[Time] = Field(
        default_factory=list, max_length=3, description="Repeated times count once."
    )
    service: ServiceId
    provider: ProviderSlug | None = Field(None, description=PROVIDER_DESCRIPTION)
    visit_format: Literal["in-person", "telehealth", "no-preference"] | None = None
    payment: Literal["self-pay", "insurance", "unsure"] | None = None
    insurance_carrier: Carrier | None = None
    message: Message | None = Field(
        None, description="Not for medical history: the care team asks for that in private."
    )
    source_article: Slug | None = Field(None, description="The slug of the article that led here")
    consent: bool = Field(
        False,
        validate_default=True,
        description="`true`: the visitor agrees to the consent text of `GET /site`.",
        json_schema_extra={"const": True},
    )
    website: str | None = Field(
        None,
        title="Website (leave empty)",
        description="A trap for bots, hidden from people: a request that fills it is answered "
        "as a success and stored nowhere.",
        max_length=200,
    )

    @field_validator("phone")
    @classmethod
    def _normalise_phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        import phonenumbers  # by the first number, as email_validator (~40 ms to import)

        region = (info.context or {}).get("phone_region", "US")
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise PydanticCustomError("invalid_phone", "is not a phone number we can call")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @field_validator("service")
    @classmethod
    def _known_service(cls, value: str, info: ValidationInfo) -> str:
        services = (info.context or {}).get("services")
        if services is not None and value not in services:
            raise PydanticCustomError("invalid_choice", "is not one of the clinic's services")
        return value

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, value: str | None, info: ValidationInfo) -> str | None:
        providers = (info.context or {}).get("providers")
        if value is not None and providers is not None and value not in providers:
            raise PydanticCustomError(
                "invalid_choice", "is not one of the clinic's providers who see patients"
            )
        return value

    @field_validator("preferred_days", "preferred_times")
    @classmethod
    def _distinct(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if value is not True:
            raise PydanticCustomError("must_be_true", "must be given to send the request")
        return value


# The names a form may send: a form post drops any other field unread.
FIELD_NAMES = frozenset(
    field.alias or name for name, field in AppointmentRequest.model_fields.items()
)
