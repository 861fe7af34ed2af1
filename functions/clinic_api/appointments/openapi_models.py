"""The appointment models only the OpenAPI document reads: the request as an HTML form
posts it (derived from `schemas.AppointmentRequest`, field for field), and the receipt;
and the request's schema as the function checks it (`checked_schema`).

The function validates with none of these (`request.check` reads the generated
request_schema.json), so pydantic stays out of its cold start: `clinic openapi` and
the tests import them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo
from pydantic.json_schema import SkipJsonSchema

from clinic_api.appointments.request import REQUEST_EXAMPLE
from clinic_api.appointments.schemas import (
    BLANK_PATTERN,
    FILLED,
    AppointmentRequest,
    Blank,
    contact_channels,
)
from clinic_api.core.schemas import STRIPPED, SchemaExtra, titled

# An HTML form sends every value as text: checkboxes send `on` (or true/1/yes; off/false/0/no
# are unchecked), a blank field is an absent one, and a repeated key makes a list.
_CHECKED = "[oO][nN]|[tT][rR][uU][eE]|1|[yY][eE][sS]"
_UNCHECKED = "[oO][fF][fF]|[fF][aA][lL][sS][eE]|0|[nN][oO]"
Checkbox = Annotated[
    str, SchemaExtra(pattern=rf"^{STRIPPED}*(?:{_CHECKED}|{_UNCHECKED})?{STRIPPED}*$")
]
CHECKED_PATTERN = rf"^{STRIPPED}*(?:{_CHECKED}){STRIPPED}*$"
Checked = Annotated[str, SchemaExtra(pattern=CHECKED_PATTERN)]
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
    schema["allOf"] = contact_channels(FILLED, {"type": "string", "pattern": CHECKED_PATTERN})
    schema["examples"] = [FORM_EXAMPLE]


# Where a form's field says more than the request's (how a browser repeats a key, what a
# checked box means, what a filled trap does).
FORM_DESCRIPTIONS = {
    "preferred_days": "One key per day: `preferredDays=mon&preferredDays=wed`.",
    "preferred_times": "One key per time.",
    "consent": "Checked: the visitor agrees to the consent text of `GET /site`.",
    "website": "A trap for bots, hidden from people: a form that fills it is sent to the "
    "thank-you page, and nothing is stored.",
}


def _form_field(name: str, field: FieldInfo) -> tuple[Any, Any]:  # (type, Field(...))
    """A request field as a browser's form posts it (`form.read_submission` reads it back):
    a checkbox for true or false, and a blank wherever the request may leave the value out."""
    described: dict[str, Any] = {
        "title": field.title,
        "description": FORM_DESCRIPTIONS.get(name, field.description),
    }
    if name == "consent":
        return Checked, Field(**described)
    # A form has no null: the value a request may send as null, without it.
    given: Any = next(
        (arg for arg in get_args(field.annotation) if arg is not type(None)), field.annotation
    )
    if given is bool:
        return Checkbox | SkipJsonSchema[None], Field(None, title=field.title)
    if field.metadata:  # constraints of the whole field (a length) hold for the value given
        given = Annotated[given, *field.metadata]
    if field.is_required():  # as the request has it
        return field.rebuild_annotation(), Field(**described)
    if field.default_factory:  # a list: left out, none
        return given, Field(**described, default_factory=field.default_factory)
    return given | Blank | SkipJsonSchema[None], Field(None, **described)


_FORM_FIELDS: dict[str, Any] = {
    name: _form_field(name, field) for name, field in AppointmentRequest.model_fields.items()
}

# The same request as a browser's form posts it, field for field (fields it does not have
# are ignored): derived from the request, so a field added there is documented here too.
AppointmentForm = create_model(
    "AppointmentForm",
    __config__=titled(
        ConfigDict(
            extra="ignore",
            frozen=True,
            alias_generator=to_camel,
            title="Appointment request (HTML form)",
            json_schema_extra=_form_schema,
        )
    ),
    __doc__="The same request as a browser's form posts it; fields it does not have are ignored.",
    **_FORM_FIELDS,
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


# Keywords that check nothing: the function's copy of the schema goes without them.
_WORDS = frozenset({"title", "description", "examples", "default", "format"})


def checked_schema() -> dict[str, Any]:
    """What AppointmentsFunction checks a request against (`request.SCHEMA_FILE`, written by
    `make request-schema`): the request's schema without its words, and without null (the
    function drops a null field as absent). Without a site: the clinic's services and
    providers come from site.json at run time."""
    return _checks(AppointmentRequest.model_json_schema(by_alias=True))


def _absent(option: dict[str, Any]) -> bool:
    return option == {"type": "null"} or option.get("pattern") == BLANK_PATTERN


def _checks(node: Any) -> Any:
    if isinstance(node, list):
        return [_checks(item) for item in node]
    if not isinstance(node, dict):
        return node
    # Null and a blank text never reach the checks: `request.check` drops them as absent.
    options = [option for option in node.get("anyOf", ()) if not _absent(option)]
    if "anyOf" in node and len(options) == 1:  # X | Blank | None: X
        node = {**{key: value for key, value in node.items() if key != "anyOf"}, **options[0]}
    return {
        key: {name: _checks(field) for name, field in value.items()}
        if key == "properties"
        else _checks(value)
        for key, value in node.items()
        if key not in _WORDS
    }
