"""Property tests (hypothesis) for the validators: any input is an answer, never a crash."""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_api.appointments.form import read_submission, validate_request
from clinic_api.appointments.request import Request, field_names
from clinic_api.core.problems import Problem
from clinic_api.core.reference import id_prefix, normalise_reference, reference_of
from tests.unit.stack import VALID

SERVICES = ["ketamine-consultation", "psychiatric-evaluation", "other"]
CODES = {
    "required", "too_short", "too_long", "invalid_type", "invalid_email", "invalid_phone",
    "invalid_name", "invalid_choice", "invalid_format", "invalid_text", "must_be_true",
    "unknown_field",
}  # fmt: skip
FIELDS = set(field_names()) | {"(unknown)"}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
field_names = st.sampled_from(sorted(FIELDS - {"(unknown)"})) | st.text(max_size=20)


def outcome(fields: dict[str, Any]) -> Request | Problem:
    try:
        return validate_request(fields, SERVICES, "US")
    except Problem as problem:
        return problem


@settings(max_examples=150)  # 300 took 2.5 s of a 30 s suite; every run adds new examples
@given(st.dictionaries(field_names, json_values, max_size=8))
def test_any_json_object_is_valid_or_a_422_with_known_fields_and_codes(
    fields: dict[str, Any],
) -> None:
    result = outcome(fields)
    if isinstance(result, Problem):
        assert result.status == 422
        assert result.errors
        for error in result.errors:
            assert error.code in CODES
            assert error.field in FIELDS  # an unknown key is never named


@settings(max_examples=100)
@given(st.dictionaries(st.sampled_from(sorted(VALID)), json_values, max_size=4))
def test_changing_valid_fields_to_anything_never_crashes(changes: dict[str, Any]) -> None:
    outcome({**VALID, **changes})


letters = st.characters(categories=["Lu", "Ll", "Lo", "Mn"])
names = st.text(letters, min_size=1, max_size=50).filter(lambda name: name.strip())


@given(names)
def test_names_of_letters_are_accepted_in_nfc(name: str) -> None:
    result = outcome({**VALID, "firstName": name})
    if isinstance(result, Problem):  # NFC can lengthen or a stray mark can lead
        assert {error.code for error in result.errors} <= {"too_long", "invalid_name"}
    else:
        assert result["firstName"] == unicodedata.normalize("NFC", name).strip()


@given(names, st.sampled_from(["\x00", "\x07", "\u200b", "1", ":", "/", "@", "<"]), names)
def test_names_with_controls_digits_or_url_characters_are_invalid(
    before: str, bad: str, after: str
) -> None:
    # At most 50 characters (no too_long), the bad one always among them.
    result = outcome({**VALID, "lastName": before[:24] + bad + after[:25]})
    assert isinstance(result, Problem)
    assert {error.field for error in result.errors} == {"lastName"}


@given(st.text(max_size=30))
def test_any_phone_text_is_e164_or_invalid_phone(text: str) -> None:
    result = outcome({**VALID, "phone": text})
    if isinstance(result, Problem):
        assert {(e.field, e.code) for e in result.errors} <= {
            ("phone", "invalid_phone"),
            ("phone", "too_short"),
            ("phone", "required"),
        }
    else:
        assert re.fullmatch(r"\+[1-9]\d{6,14}", result["phone"] or "")


@settings(max_examples=150)
@given(
    st.binary(max_size=400),
    st.sampled_from(["application/json", "application/x-www-form-urlencoded"]),
)
def test_any_body_bytes_are_read_or_refused_with_a_4xx(body: bytes, content_type: str) -> None:
    import base64

    try:
        fields = read_submission(base64.b64encode(body).decode(), True, content_type)
    except Problem as problem:
        assert problem.status in {400, 413}
    else:
        assert isinstance(fields, dict)
        json.dumps(fields)


@given(st.uuids(version=4))
def test_a_reference_is_eight_crockford_characters_named_by_the_id(request_id: uuid.UUID) -> None:
    reference = reference_of(str(request_id))
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{8}", reference)
    assert reference == reference_of(str(request_id))
    assert normalise_reference(reference.lower()) == reference
    spoken = reference.replace("1", "l").replace("0", "o")
    assert normalise_reference(spoken) == reference
    assert str(request_id).startswith(id_prefix(spoken))


@pytest.mark.parametrize("blank", ["\u3164", "\u115f\u1160", "\uffa0 \u3164", "-\u3164"])
def test_a_name_of_letters_that_show_nothing_is_invalid(blank: str) -> None:
    """Hangul's fillers are letters to Unicode but show nothing: staff would see no name."""
    result = outcome({**VALID, "firstName": blank})
    assert isinstance(result, Problem)
    assert [(error.field, error.code) for error in result.errors] == [("firstName", "invalid_name")]
    assert not isinstance(outcome({**VALID, "firstName": "\u3164\uae40"}), Problem)  # and 김
