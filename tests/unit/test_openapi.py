"""The OpenAPI document: valid, exact, and saying what the code checks.

Built from the route declarations (clinic_api.*.routes); its patterns are held
to the validators they document, so a client (or a fuzzer) that trusts the
document sends what the function accepts.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic.alias_generators import to_camel

from clinic_api.appointments import request
from clinic_api.appointments import schemas as appointments
from clinic_api.appointments.openapi_models import FORM_DESCRIPTIONS
from clinic_api.core.routes import BODILESS
from clinic_api.routes import all_routes
from clinic_tools.openapi import build_openapi

SITE = {"services": [{"id": "intake-call", "label": "A first call"}, {"id": "tms", "label": "TMS"}]}
DOCUMENT = build_openapi(SITE)
SCHEMAS = DOCUMENT["components"]["schemas"]


def validate(document: dict[str, Any]) -> None:
    """openapi-spec-validator's check of `document` (raises when it is not valid OpenAPI)."""
    _validate_text(json.dumps(document, sort_keys=True))


@functools.cache
def _validate_text(text: str) -> None:
    """Each document's check once per process: it takes 0.35-0.4 s, and two tests check the
    same DOCUMENT (one that fails raises every time: an exception is not cached). The
    validator is imported here, by the tests that use it: its import (jsonschema and its
    registries) took every test process 0.28 s while it collected."""
    from openapi_spec_validator import validate as validate_spec

    validate_spec(json.loads(text))


def operation(method: str, path: str) -> dict[str, Any]:
    return DOCUMENT["paths"][path][method.lower()]


def test_the_document_is_valid_openapi_3_1() -> None:
    validate(DOCUMENT)
    validate(build_openapi())  # without a site, too


def test_every_declared_answer_is_documented_with_its_headers() -> None:
    for _, route in all_routes():
        responses = operation(route.method, route.path)["responses"]
        assert set(responses) == {str(answer.status) for answer in route.answers}, route.key
        for answer in route.answers:
            documented = responses[str(answer.status)]
            assert set(documented.get("headers", {})) == {h.name for h in answer.headers}
            assert list(documented.get("content", {})) == (
                [answer.media_type] if answer.media_type else []
            )


def test_redirects_not_modified_and_no_content_answers_carry_no_content() -> None:
    for path_item in DOCUMENT["paths"].values():
        for spec in path_item.values():
            for status, response in spec["responses"].items():
                if int(status) in BODILESS:
                    assert "content" not in response, status


def test_cacheable_answers_name_their_validators_and_errors_name_retry_after() -> None:
    article = operation("GET", "/articles/{slug}")
    assert {"ETag", "Cache-Control", "Vary"} <= set(article["responses"]["304"]["headers"])
    assert "If-None-Match" in {param["name"] for param in article["parameters"]}
    appointment = operation("POST", "/appointments")["responses"]
    assert set(appointment["303"]["headers"]) == {"Location", "Cache-Control"}
    for status in ("409", "429", "503"):
        assert "Retry-After" in appointment[status]["headers"]


def test_the_services_are_the_published_sites_own() -> None:
    for name in ("AppointmentRequest", "AppointmentForm"):
        service = SCHEMAS[name]["properties"]["service"]
        assert service["enum"] == ["intake-call", "tms"]
        assert all(example["service"] == "intake-call" for example in SCHEMAS[name]["examples"])


def test_the_providers_a_request_may_name_are_the_published_sites_own() -> None:
    site = {**SITE, "providers": [{"slug": "dr-ann-lee", "name": "Ann Lee", "credentials": "MD"}]}
    schemas = build_openapi(site)["components"]["schemas"]
    request, form = schemas["AppointmentRequest"], schemas["AppointmentForm"]
    named, blank, null = request["properties"]["provider"]["anyOf"]
    assert named == {"maxLength": 120, "type": "string", "enum": ["dr-ann-lee"]}
    assert blank["title"] == "Blank: left out"  # in JSON as in a form: left out
    assert null == {"type": "null"}
    named, blank = form["properties"]["provider"]["anyOf"]
    assert named["enum"] == ["dr-ann-lee"]
    assert blank["title"] == "Blank: left out"  # a form's empty field stays allowed
    assert all("provider" not in example for example in request["examples"])  # optional
    jsonschema_rs.validator_for(
        {
            **request["properties"]["provider"],
            "$schema": "https://json-schema.org/draft/2020-12/schema",
        }
    ).validate("dr-ann-lee")


def test_a_clinic_whose_providers_see_no_patients_lets_a_request_name_none() -> None:
    provider = SCHEMAS["AppointmentRequest"]["properties"]["provider"]  # SITE has no providers
    assert provider["anyOf"][0]["not"] == {}
    validate(DOCUMENT)


def test_consent_must_be_given() -> None:
    request = SCHEMAS["AppointmentRequest"]
    assert request["properties"]["consent"]["const"] is True
    assert "consent" in request["required"]


def test_the_document_says_texting_needs_the_box_that_allows_it() -> None:
    """As `form._channel_errors` refuses it, in JSON and in a form."""
    for name, ticked, unticked in (
        ("AppointmentRequest", True, False),
        ("AppointmentForm", "on", "off"),
    ):
        root = {"components": {"schemas": SCHEMAS}, "$ref": f"#/components/schemas/{name}"}
        validator = jsonschema_rs.validator_for(root)
        example = {**SCHEMAS[name]["examples"][0], "preferredContact": "text"}
        assert not validator.is_valid(example), name  # no okToText
        assert not validator.is_valid({**example, "okToText": unticked}), name
        assert validator.is_valid({**example, "okToText": ticked}), name


def test_titles_are_written_for_people() -> None:
    # "Ok to text", never the alias run together ("Oktotext").
    for name, schema in SCHEMAS.items():
        assert not re.search("[a-z][A-Z][a-z]", schema["title"]), name  # "AppointmentRequest"
        for key, prop in schema.get("properties", {}).items():
            if re.search("[A-Z]", key):
                assert " " in prop["title"], (name, key, prop["title"])


def test_every_answer_with_content_has_an_example() -> None:
    """A client's developer reads an answer by its example; `examples` holds it to its schema.
    The document itself is the one exception: its example would be itself."""
    missing = []
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                for media_type, content in answer.get("content", {}).items():
                    name = content["schema"].get("$ref", "").rsplit("/", 1)[-1]
                    if name != "OpenApiDocument" and not (
                        "example" in content or SCHEMAS.get(name, {}).get("examples")
                    ):
                        missing.append(f"{method.upper()} {path} {status} {media_type}")
    assert missing == []


def test_every_example_holds_to_its_schema() -> None:
    examples = 0
    for name, schema in SCHEMAS.items():
        root = {"components": {"schemas": SCHEMAS}, "$ref": f"#/components/schemas/{name}"}
        validator = jsonschema_rs.validator_for(root, validate_formats=True)
        for example in schema.get("examples", []):
            assert validator.is_valid(example), (name, list(validator.iter_errors(example)))
            examples += 1
    assert examples >= 8


def test_every_field_that_may_be_left_out_may_be_null() -> None:
    """The function takes a null field as absent (docs/appointments.md): the document lets a
    client send one, booleans and lists too."""
    schema = SCHEMAS["AppointmentRequest"]
    root = {"components": {"schemas": SCHEMAS}, "$ref": "#/components/schemas/AppointmentRequest"}
    validator = jsonschema_rs.validator_for(root)
    example = schema["examples"][0]
    channels = {"phone", "email", "okToText"}  # needed by a preferred contact (contact_channels)
    optional = set(schema["properties"]) - set(schema["required"]) - channels
    assert {"okToLeaveVoicemail", "preferredDays", "preferredTimes", "message"} <= optional
    for name in sorted(optional):
        assert validator.is_valid({**example, name: None}), name
    by_email = {**example, "preferredContact": "email", "email": "avery@example.com"}
    assert validator.is_valid({**by_email, "phone": None, "okToText": None})


def test_the_form_documents_every_field_of_the_request() -> None:
    request = SCHEMAS["AppointmentRequest"]["properties"]
    form = SCHEMAS["AppointmentForm"]["properties"]
    assert list(form) == list(request)
    assert "additionalProperties" not in SCHEMAS["AppointmentForm"]  # forms ignore extras
    assert SCHEMAS["AppointmentRequest"]["additionalProperties"] is False
    # The form's own descriptions replace the request's: each names a field it has.
    for name, description in FORM_DESCRIPTIONS.items():
        assert form[to_camel(name)]["description"] == description


def test_the_route_declarations_load_no_pydantic() -> None:
    probe = "import sys, clinic_api.routes; print(sorted(m for m in HEAVY if m in sys.modules))"
    heavy = "HEAVY = {'pydantic', 'phonenumbers', 'email_validator'}; "
    done = subprocess.run(
        [sys.executable, "-c", heavy + probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_document_is_json() -> None:
    assert json.loads(json.dumps(DOCUMENT)) == DOCUMENT


# The patterns against the code they document.

# Characters where the rules differ: letters, marks, digits, spaces that are trimmed,
# controls, the punctuation names allow and some they do not.
TRICKY = st.text(
    st.sampled_from(
        [*"aZ\u00e9\u00df\u540d\u0301", *"\u00a0\x85\x1c\x0b\r\n\t ", *"0'\u2019-.,@/_\x00\x7f\x9f"]
    ),
    max_size=70,
)


def accepts(field: str, value: str) -> bool:
    """Whether the function keeps `value` as this typed text (request.TYPED)."""
    try:
        request.TYPED[field](value, request.Site(None, "US"))
    except request.Broken:
        return False
    return True


@given(TRICKY)
def test_a_name_the_code_accepts_matches_the_names_pattern(value: str) -> None:
    if accepts("firstName", value):
        assert re.fullmatch(appointments.NAME_PATTERN, value)


@given(TRICKY)
def test_a_name_with_a_control_or_another_space_inside_is_refused_by_both(value: str) -> None:
    # What the pattern can say, it says as the code does: within the trimmed name, no control
    # character and no space but the space itself ("Mary\nAnn", "Mary\u00a0Ann").
    inside = value.strip()
    if any((char.isspace() and char != " ") or char in "\x00\x7f\x9f" for char in inside):
        assert not accepts("firstName", value)
        assert not re.fullmatch(appointments.NAME_PATTERN, value)


@pytest.mark.parametrize(
    ("field", "longest"),
    [("insuranceCarrier", request.CARRIER_MAX), ("message", request.MESSAGE_MAX)],
)
@given(value=TRICKY)
def test_free_text_matches_its_pattern_exactly_when_the_code_accepts_it(
    field: str, longest: int, value: str
) -> None:
    pattern = appointments.text_pattern(longest)
    assert accepts(field, value) == bool(re.fullmatch(pattern, value))


@given(TRICKY)
def test_a_phone_the_code_keeps_is_within_the_phones_pattern(value: str) -> None:
    trimmed = value.strip()
    within = 1 <= len(trimmed) <= request.PHONE_MAX
    assert within == bool(re.fullmatch(appointments.PHONE_PATTERN, value))


ADDRESSES = st.builds(
    lambda spaces, local, tail: f"{spaces}{local}@example.com{tail}",
    st.text(st.sampled_from(" \t\u00a0\u3000"), max_size=300),
    st.text(st.sampled_from("abz.0"), min_size=1, max_size=64),
    st.text(st.sampled_from(" \n\u2028"), max_size=3),
)


@given(st.one_of(ADDRESSES, TRICKY))
def test_an_email_the_code_keeps_is_within_the_emails_pattern(value: str) -> None:
    # Its length is the trimmed address's, as the code counts it (300 spaces and an
    # address are an address), never the spaces'.
    if accepts("email", value):
        assert re.fullmatch(appointments.EMAIL_PATTERN, value)


@pytest.mark.parametrize("length", [254, 255])
def test_the_email_patterns_length_is_the_codes(length: int) -> None:
    domain = f"{'b' * 63}.{'c' * 63}.{'d' * (length - 197)}.com"  # labels of 63 at most
    address = f"{'a' * 64}@{domain}"
    assert len(address) == length
    padded = " " * 300 + address + "\t"
    within = length <= request.EMAIL_MAX
    assert accepts("email", padded) == within
    assert bool(re.fullmatch(appointments.EMAIL_PATTERN, padded)) == within
