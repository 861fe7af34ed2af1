"""The appointment request as the function checks it: its JSON Schema, then what no schema says.

1. `request_schema.json` is the OpenAPI document's AppointmentRequest without its
   words (generated from `schemas.AppointmentRequest` by `make request-schema`; a
   test holds the file to the model). jsonschema-rs checks a body against it: types,
   choices, list sizes, unknown fields, consent, the channel a contact needs. Its
   import and build are a sixth of pydantic's, which no handler loads (a cold start's
   largest cost: docs/benchmarks.md).
2. A text people type (`TYPED`) is read as pydantic read it: NFC, trimmed, then its
   length, then what no pattern says (a name's letters, an address, a number we can
   call). The schema's patterns say the same for clients; tests hold them to these.
   The clinic's services and providers come from site.json, not the schema.

Values are never echoed: a field's error says its name, a code and our own words.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import jsonschema_rs

from clinic_api.core.problems import UNKNOWN_FIELD, FieldError

SCHEMA_FILE = Path(__file__).with_name("request_schema.json")
NAME_MAX = 50
EMAIL_MAX = 254
PHONE_MAX = 30
MESSAGE_MAX = 500
CARRIER_MAX = 60

# A valid request (the document's example; SnapStart's warm-up sends it).
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
# Every field by its JSON name, normalised; an absent one None, [] or False.
Request = dict[str, Any]

MESSAGES = {
    "required": "is required",
    "too_short": "is too short",
    "too_long": "is too long",
    "invalid_type": "has the wrong type",
    "invalid_choice": "is not one of the allowed choices",
    "invalid_format": "has the wrong format",
    "unknown_field": "is not a field of this form",
    "must_be_true": "must be given to send the request",
}
# jsonschema-rs's keyword names → our codes; any other keyword is a wrong format.
_CODES = {
    "required": "required",
    "type": "invalid_type",
    "enum": "invalid_choice",
    "const": "must_be_true",  # consent, and okToText for text messages
    "minLength": "too_short",
    "maxLength": "too_long",
    "maxItems": "too_long",
    "pattern": "invalid_format",
    "additionalProperties": "unknown_field",
}
_LENGTHS = frozenset({"minLength", "maxLength", "pattern"})  # a typed text's rule says these
_NAME_PUNCTUATION = frozenset(" '\u2019-.,")
# Hangul's fillers are letters (Lo) that show nothing: a name of them alone looks blank.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_DOMAIN_LIKE = re.compile(r"[^\W\d_]\.[^\W\d_]{2,}")  # cheap-pills.example, not J.R. or St. Ann


class Site(NamedTuple):
    """What a request is checked against from site.json."""

    services: Sequence[str] | None  # None: any
    phone_region: str
    providers: Sequence[str] | None = None  # None: any (site.json before it listed them)


class Broken(Exception):
    """A field's rule refused its value: a code, and words of ours (never the value);
    a code every field can have keeps the same words everywhere."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.message = MESSAGES.get(code) or message


def _name(text: str, _: Site) -> str:
    # Letters, marks and a few joiners: no digits, control characters, or URLs. A letter
    # that shows at least ("-" is no name), and no mark before it (one would combine with
    # nothing).
    kinds = [unicodedata.category(char)[0] for char in text]
    if (
        not any(
            kind == "L" and c not in _BLANK_LETTERS for c, kind in zip(text, kinds, strict=True)
        )
        or kinds[0] == "M"
        or _DOMAIN_LIKE.search(text)
        or not all(
            kind in "LM" or c in _NAME_PUNCTUATION for c, kind in zip(text, kinds, strict=True)
        )
    ):
        raise Broken("invalid_name", "must be letters (and spaces ' - . ,), not a web address")
    return text


def _text(text: str, _: Site) -> str:
    if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in text):
        raise Broken("invalid_text", "has control characters")
    return text


def email_address(text: str, _: Site) -> str:
    # Imported by the first address, not with the function: its import compiles regular
    # expressions over U+0080-U+10FFFF (~40 ms), which a request without one never needs.
    from email_validator import EmailNotValidError, validate_email

    try:
        # strict: at most 64 characters before the @, as mail servers take (RFC 5321).
        return validate_email(text, check_deliverability=False, strict=True).normalized
    except EmailNotValidError:
        raise Broken("invalid_email", "is not an e-mail address") from None


def phone_number(text: str, site: Site) -> str:
    import phonenumbers  # by the first number, as email_validator (~40 ms to import)

    try:
        number = phonenumbers.parse(text, site.phone_region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise Broken("invalid_phone", "is not a phone number we can call")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # An extension ("ext. 12") is kept as RFC 3966 writes it: staff dial it after the number.
    return f"{e164};ext={number.extension}" if number.extension else e164


class Typed(NamedTuple):
    """A text people type: NFC and trimmed, then `shortest` to `longest` characters,
    then `check` (which may normalise it). A schema's lengths would count the spaces."""

    shortest: int
    longest: int
    check: Callable[[str, Site], str]

    def __call__(self, value: str, site: Site) -> str:
        text = _line_breaks(unicodedata.normalize("NFC", value)).strip()
        if len(text) < self.shortest:
            raise Broken("too_short")
        if len(text) > self.longest:
            raise Broken("too_long")
        return self.check(text, site)


def _line_breaks(text: str) -> str:
    """Line breaks as "\n": a browser posts a textarea's as "\r\n" (HTML's form encoding),
    and its maxlength counted each as one character. A CR on its own stays a control
    character (no browser sends one)."""
    return text.replace("\r\n", "\n") if "\r" in text else text


TYPED: dict[str, Typed] = {
    "firstName": Typed(1, NAME_MAX, _name),
    "lastName": Typed(1, NAME_MAX, _name),
    "email": Typed(0, EMAIL_MAX, email_address),
    "phone": Typed(1, PHONE_MAX, phone_number),
    "message": Typed(0, MESSAGE_MAX, _text),
    "insuranceCarrier": Typed(0, CARRIER_MAX, _text),
}


def _listed(choices: Callable[[Site], Sequence[str] | None]) -> Callable[[str, Site], str]:
    """One of the clinic's own (services, providers), when site.json lists them."""

    def check(value: str, site: Site) -> str:
        listed = choices(site)
        if listed is not None and value not in listed:
            raise Broken("invalid_choice")
        return value

    return check


def _distinct(values: list[str], _: Site) -> list[str]:
    return list(dict.fromkeys(values))  # a repeated day or time counts once


# What each field's value becomes once the schema took it (any other field: as sent).
KEPT: dict[str, Callable[[Any, Site], Any]] = {
    **TYPED,
    "service": _listed(lambda site: site.services),
    "provider": _listed(lambda site: site.providers),
    "preferredDays": _distinct,
    "preferredTimes": _distinct,
}


class Schema(NamedTuple):
    validator: jsonschema_rs.Validator
    properties: dict[str, Any]  # in the form's order
    required: frozenset[str]


@cache
def schema() -> Schema:
    """The request's schema, read once."""
    document = json.loads(SCHEMA_FILE.read_bytes())
    validator = jsonschema_rs.validator_for(document)
    return Schema(validator, document["properties"], frozenset(document["required"]))


@cache
def field_names() -> frozenset[str]:
    return frozenset(schema().properties)


def check(fields: Mapping[str, Any], site: Site) -> tuple[Request, list[FieldError]]:
    """The normalised request, and every error (a field may have several: the first is
    the one to show). A blank text where a field may be left out is left out, as null is
    (and as a form's blank field is)."""
    validator, properties, required = schema()
    fields = {name: value for name, value in fields.items() if name in required or not blank(value)}
    errors = [error for error in map(_schema_error, validator.iter_errors(fields)) if error]
    refused = {error.field for error in errors}
    request: Request = {name: _absent(spec) for name, spec in properties.items()}
    for name, value in fields.items():
        if name in properties and name not in refused:
            try:
                request[name] = KEPT[name](value, site) if name in KEPT else value
            except Broken as broken:
                errors.append(FieldError(name, broken.code, broken.message))
    return request, errors


def in_form_order(errors: list[FieldError]) -> list[FieldError]:
    """As the form lists its fields; an unknown field's error last."""
    order = {name: index for index, name in enumerate(schema().properties)}
    return sorted(errors, key=lambda error: order.get(error.field, len(order)))


def blank(value: object) -> bool:
    """Text of spaces only, which an optional field takes as left out."""
    return isinstance(value, str) and not value.strip()


def _absent(spec: Mapping[str, Any]) -> Any:
    return {"boolean": False, "array": []}.get(spec.get("type", ""))


def _schema_error(error: jsonschema_rs.ValidationError) -> FieldError | None:
    kind = error.kind
    if kind.name == "additionalProperties":
        return FieldError(UNKNOWN_FIELD, "unknown_field", MESSAGES["unknown_field"])
    path = error.instance_path
    field = kind.value if kind.name == "required" else str(path[0]) if path else "body"
    if field in TYPED and kind.name in _LENGTHS:
        return None  # its Typed rule measures it trimmed
    code = _CODES.get(kind.name, "invalid_format")
    if kind.name == "required" and schema().properties.get(field, {}).get("const") is True:
        code = "must_be_true"  # consent left out is consent not given
    return FieldError(field, code, MESSAGES[code])
