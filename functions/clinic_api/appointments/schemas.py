"""The appointment request as the form sends it, and the receipt we answer with.

The request model is the contract: the handler validates with it, `clinic
openapi` documents it, and its errors carry our stable codes (`invalid_name`,
`invalid_phone`, ...) as their pydantic error types. Values are never echoed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
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

from clinic_api.content.keys import SLUG_MAX_LENGTH, SLUG_PATTERN

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
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise PydanticCustomError("invalid_email", "is not an e-mail address") from None


Clean = BeforeValidator(_clean_text)
Name = Annotated[str, Clean, Field(min_length=1, max_length=NAME_MAX), AfterValidator(_check_name)]
Email = Annotated[str, Clean, Field(max_length=EMAIL_MAX), AfterValidator(_check_email)]
Phone = Annotated[str, Clean, Field(min_length=1, max_length=PHONE_MAX)]
Message = Annotated[str, Clean, Field(max_length=MESSAGE_MAX), AfterValidator(_check_text)]
Carrier = Annotated[str, Clean, Field(max_length=CARRIER_MAX), AfterValidator(_check_text)]
Slug = Annotated[str, Field(pattern=f"^{SLUG_PATTERN.pattern}$", max_length=SLUG_MAX_LENGTH)]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat"]
Time = Literal["morning", "afternoon", "evening"]


class AppointmentRequest(BaseModel):
    """What a visitor may send; unknown fields are refused."""

    # Strict: JSON types must be right (a form's strings are converted before this).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, alias_generator=to_camel)

    patient_status: Literal["new", "existing"]
    first_name: Name
    last_name: Name
    email: Email | None = None
    phone: Phone | None = Field(None, description="Normalised and stored as E.164")
    preferred_contact: Literal["phone", "text", "email"]
    ok_to_text: bool = False
    ok_to_leave_voicemail: bool = False
    preferred_days: list[Day] = Field(default_factory=list, max_length=6)
    preferred_times: list[Time] = Field(default_factory=list, max_length=3)
    service: Annotated[str, Field(max_length=60, description="An id from GET /site services")]
    visit_format: Literal["in-person", "telehealth", "no-preference"] | None = None
    payment: Literal["self-pay", "insurance", "unsure"] | None = None
    insurance_carrier: Carrier | None = None
    message: Message | None = None
    source_article: Slug | None = Field(None, description="The article that led here")
    consent: bool = Field(False, validate_default=True, description="Must be true")
    website: str | None = Field(None, description="Honeypot: leave empty", max_length=200)

    @field_validator("phone")
    @classmethod
    def _normalise_phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
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


class Receipt(BaseModel):
    """201: the request is stored. `reference` is what staff and the visitor quote."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str
    reference: str = Field(pattern="^[0-9A-HJKMNP-TV-Z]{8}$")
    status: Literal["received"]
    created_at: str
