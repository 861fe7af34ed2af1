"""POST /appointments: every field rule and every answer, as a frontend or a plain form sees it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from tests.fixture_content import NURSE_PRACTITIONER, PHYSICIAN, REVIEWER
from tests.unit.stack import VALID, Stack, post, post_form, post_json

CROCKFORD_REFERENCE = re.compile(r"[0-9A-HJKMNP-TV-Z]{8}")
FORM_CLIENT = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    return answer.json()


def field_codes(answer: Any) -> dict[str, str]:
    return {error["field"]: error["code"] for error in problem(answer, 422)["errors"]}


def redirect(answer: Any) -> tuple[str, dict[str, list[str]]]:
    assert answer.status == 303, answer.body
    location = urlsplit(answer.headers["location"])
    return urlunsplit(location._replace(query="")), parse_qs(location.query)


def test_a_json_request_is_stored_and_answered_with_a_receipt(stack: Stack) -> None:
    answer = post_json(VALID)
    assert answer.status == 201
    receipt = answer.json()
    assert set(receipt) == {"id", "reference", "status", "createdAt"}
    assert receipt["status"] == "received"
    assert CROCKFORD_REFERENCE.fullmatch(receipt["reference"])
    (item,) = stack.requests()
    assert item["id"] == receipt["id"]
    assert item["reference"] == receipt["reference"]
    assert item["createdAt"] == receipt["createdAt"]
    assert item["status"] == "new"
    assert item["phone"] == "+15035550199"
    assert item["firstName"] == "Marisol"
    assert item["preferredDays"] == ["tue", "thu"]
    assert item["consentVersion"] == "2026-04-01"  # the fixture content's site.yaml
    assert item["consentAt"] == item["createdAt"]
    assert item["history"] == [
        {"at": item["createdAt"], "by": "web-form", "from": None, "to": "new", "note": "received"}
    ]
    assert "website" not in item and "consent" not in item
    created = datetime.fromisoformat(item["createdAt"])
    assert abs(int(item["expiresAt"]) - (created + timedelta(days=365)).timestamp()) < 2
    assert re.fullmatch(r"[0-9a-f]{32}", item["clientHash"])
    assert "198.51.100.7" not in json.dumps(item, default=str)


def test_a_plain_html_form_is_redirected_to_the_thank_you_page(stack: Stack) -> None:
    form = [
        ("patientStatus", "existing"),
        ("firstName", " Zoë "),
        ("lastName", "Nakamura"),
        ("email", "zoe@example.net"),
        ("phone", ""),  # an empty field is absent
        ("preferredContact", "email"),
        ("okToText", "on"),  # okToLeaveVoicemail unchecked: not sent at all
        ("preferredDays", "mon"),
        ("preferredDays", "fri"),
        ("preferredTimes", "evening"),
        ("service", "medication-management"),
        ("consent", "on"),
        ("website", ""),
    ]
    url, query = redirect(post_form(form, headers=FORM_CLIENT))
    assert url == stack.environment["THANK_YOU_URL"]
    (item,) = stack.requests()
    assert query == {"reference": [item["reference"]]}
    assert item["firstName"] == "Zoë"
    assert item["okToText"] is True
    assert item["okToLeaveVoicemail"] is False
    assert item["preferredDays"] == ["mon", "fri"]
    assert "phone" not in item


def test_a_json_field_left_blank_is_left_out_as_in_a_form(stack: Stack) -> None:
    # A frontend that sends every input as it stands ("" where nothing was typed).
    blanks = ["email", "message", "insuranceCarrier", "provider", "visitFormat", "payment"]
    blank = {name: " " * index for index, name in enumerate(blanks)}
    answer = post_json({**VALID, **blank, "sourceArticle": "", "website": "  "})
    assert answer.status == 201, answer.body
    (item,) = stack.requests()
    assert not set(blank) & set(item) and "sourceArticle" not in item
    # The channel a contact needs is still needed: blank is no e-mail address.
    by_email = {**VALID, "preferredContact": "email", "email": "   "}
    assert field_codes(post_json(by_email)) == {"email": "required"}
    # A field that must be given is still too short when blank.
    assert field_codes(post_json({**VALID, "lastName": "  "})) == {"lastName": "too_short"}


@pytest.mark.parametrize(
    ("configured", "location"),
    [
        # The template's default: a path the browser resolves against the site it posted from.
        ("/request-appointment/thank-you", "/request-appointment/thank-you?reference="),
        ("https://www.clinic.example/thanks", "https://www.clinic.example/thanks?reference="),
        ("https://www.clinic.example/thanks?via=form", "https://www.clinic.example/thanks?via=form&reference="),
    ],
)  # fmt: skip
def test_the_thank_you_page_may_be_a_site_path_or_a_url(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, configured: str, location: str
) -> None:
    from clinic_api.appointments.settings import appointments_settings

    monkeypatch.setenv("THANK_YOU_URL", configured)
    appointments_settings.cache_clear()
    form = {name: value for name, value in VALID.items() if isinstance(value, str)}
    answer = post_form({**form, "consent": "on"}, headers=FORM_CLIENT)
    assert answer.status == 303
    (item,) = stack.requests()
    assert answer.headers["location"] == location + item["reference"]


@pytest.mark.parametrize(
    "url", ["//evil.example/x", "/\\evil.example/x", "thanks", "ftp://x/y", ""]
)
def test_a_redirect_a_browser_would_read_as_another_host_is_refused(url: str) -> None:
    from clinic_api.appointments.settings import redirect_target

    with pytest.raises(ValueError, match="THANK_YOU_URL"):
        redirect_target("THANK_YOU_URL", url)


@pytest.mark.parametrize("word", ["on", "true", "1", "yes", "YES"])
def test_a_checked_checkbox_may_send_any_usual_word(stack: Stack, word: str) -> None:
    fields = {**VALID, "consent": word, "okToText": word, "preferredDays": "mon"}
    fields.pop("preferredTimes")
    assert post_form(fields).status == 303
    assert stack.requests()[0]["okToText"] is True


def test_accept_naming_json_gets_json_even_for_a_form_body(stack: Stack) -> None:
    answer = post_form(
        {**VALID, "okToText": "on", "preferredDays": "tue", "preferredTimes": "morning"},
        headers={"accept": "application/json"},
    )
    assert answer.status == 201
    assert answer.json()["status"] == "received"


def test_a_null_field_is_stored_as_left_out(stack: Stack) -> None:
    """As the document allows: null for any field that may be left out, booleans and
    lists too, is a request without it."""
    nulls = ("email", "okToText", "okToLeaveVoicemail", "preferredDays", "preferredTimes")
    answer = post_json({**VALID, **dict.fromkeys(nulls), "message": None})
    assert answer.status == 201, answer.body
    (stored,) = stack.requests()
    assert stored.get("email") is None and stored.get("message") is None
    assert (stored["okToText"], stored["okToLeaveVoicemail"]) == (False, False)
    assert (stored["preferredDays"], stored["preferredTimes"]) == ([], [])


def test_accept_star_alone_is_a_form_client(stack: Stack) -> None:
    fields = {key: value for key, value in VALID.items() if not isinstance(value, bool | list)}
    answer = post_form({**fields, "consent": "on"}, headers={"accept": "*/*"})
    assert answer.status == 303


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"patientStatus": "maybe"}, "patientStatus", "invalid_choice"),
        ({"patientStatus": None}, "patientStatus", "required"),  # null is absent
        ({"firstName": ""}, "firstName", "too_short"),
        ({"firstName": "   "}, "firstName", "too_short"),
        ({"firstName": "A" * 51}, "firstName", "too_long"),
        ({"firstName": 7}, "firstName", "invalid_type"),
        ({"firstName": "Ann\u0007"}, "firstName", "invalid_name"),
        ({"lastName": "see https://spam.example"}, "lastName", "invalid_name"),
        ({"lastName": "www.cheap-pills.example"}, "lastName", "invalid_name"),
        ({"firstName": "-"}, "firstName", "invalid_name"),  # a letter at least
        ({"firstName": "..."}, "firstName", "invalid_name"),
        ({"lastName": "\u0301Ana"}, "lastName", "invalid_name"),  # a mark on nothing
        ({"email": "b" * 65 + "@example.com"}, "email", "invalid_email"),  # 64 before the @
        ({"email": "not-an-address"}, "email", "invalid_email"),
        ({"email": "a@" + "b" * 250 + ".com"}, "email", "too_long"),
        ({"phone": "12"}, "phone", "invalid_phone"),
        ({"phone": "call me maybe"}, "phone", "invalid_phone"),
        ({"preferredContact": "fax"}, "preferredContact", "invalid_choice"),
        ({"okToText": "yes"}, "okToText", "invalid_type"),
        ({"okToLeaveVoicemail": 1}, "okToLeaveVoicemail", "invalid_type"),
        ({"preferredDays": ["sun"]}, "preferredDays", "invalid_choice"),
        ({"preferredDays": "mon"}, "preferredDays", "invalid_type"),
        ({"preferredDays": ["mon", 3]}, "preferredDays", "invalid_type"),
        ({"payment": 1}, "payment", "invalid_type"),  # a wrong type, not a wrong choice
        ({"preferredTimes": ["midnight"]}, "preferredTimes", "invalid_choice"),
        ({"service": "surgery"}, "service", "invalid_choice"),
        ({"visitFormat": "video"}, "visitFormat", "invalid_choice"),
        ({"payment": "cash"}, "payment", "invalid_choice"),
        ({"insuranceCarrier": "C" * 61}, "insuranceCarrier", "too_long"),
        ({"message": "m" * 501}, "message", "too_long"),
        ({"sourceArticle": "../index"}, "sourceArticle", "invalid_format"),
        ({"consent": False}, "consent", "must_be_true"),
        ({"consent": "true"}, "consent", "invalid_type"),
        ({"dateOfBirth": "1990-01-01"}, "(unknown)", "unknown_field"),
    ],
)
def test_each_field_rule_names_the_field_and_a_stable_code(
    stack: Stack, change: dict[str, Any], field: str, code: str
) -> None:
    answer = post_json({**VALID, **change})
    assert field_codes(answer) == {field: code}
    for value in change.values():
        if isinstance(value, str) and len(value) > 3:
            assert value not in answer.body
    assert stack.requests() == []


@pytest.mark.parametrize("absent", ["patientStatus", "firstName", "lastName", "service"])
def test_required_fields(stack: Stack, absent: str) -> None:
    fields = {key: value for key, value in VALID.items() if key != absent}
    assert field_codes(post_json(fields)) == {absent: "required"}


def test_missing_consent_must_be_true(stack: Stack) -> None:
    fields = {key: value for key, value in VALID.items() if key != "consent"}
    assert field_codes(post_json(fields)) == {"consent": "must_be_true"}


@pytest.mark.parametrize(
    ("channel", "missing"), [("phone", "phone"), ("text", "phone"), ("email", "email")]
)
def test_the_preferred_channel_needs_its_value(stack: Stack, channel: str, missing: str) -> None:
    fields = {key: value for key, value in VALID.items() if key != missing}
    for left in ({}, {missing: None}, {missing: "   "}):  # out, null or blank: the same
        answer = post_json({**fields, **left, "preferredContact": channel})
        (error,) = problem(answer, 422)["errors"]
        assert (error["field"], error["code"]) == (missing, "required")
        assert error["message"] == f"is needed to contact you by {channel}"


@pytest.mark.parametrize("ok_to_text", [False, None])
def test_text_messages_need_the_box_that_allows_them(stack: Stack, ok_to_text: bool | None) -> None:
    fields = {**VALID, "preferredContact": "text", "okToText": ok_to_text}
    assert field_codes(post_json(fields)) == {"okToText": "must_be_true"}
    form = {name: value for name, value in fields.items() if isinstance(value, str)}
    _, query = redirect(post_form({**form, "consent": "on"}))  # the box left unticked
    assert query["errors"] == ["okToText:must_be_true"]
    assert stack.requests() == []
    assert post_json({**fields, "okToText": True}).status == 201


def test_text_messages_with_a_box_of_the_wrong_type_is_invalid_type(stack: Stack) -> None:
    fields = {**VALID, "preferredContact": "text"}
    for wrong in ("yes", 1):
        assert field_codes(post_json({**fields, "okToText": wrong})) == {"okToText": "invalid_type"}


def test_a_phone_extension_is_kept_for_staff_to_dial(stack: Stack) -> None:
    assert post_json({**VALID, "phone": "(503) 555-0199 ext. 12"}).status == 201
    assert post_json({**VALID, "firstName": "Ana", "phone": "+1 503 555 0188"}).status == 201
    stored = sorted(item["phone"] for item in stack.requests())
    assert stored == ["+15035550188", "+15035550199;ext=12"]


def test_an_address_takes_64_characters_before_the_at(stack: Stack) -> None:
    assert post_json({**VALID, "email": "b" * 64 + "@example.com"}).status == 201


def test_every_failing_field_is_listed_at_once(stack: Stack) -> None:
    fields = {"firstName": "http://x.example", "email": "nope", "consent": False, "extra": 1}
    codes = field_codes(post_json(fields))
    assert codes == {
        "patientStatus": "required",
        "firstName": "invalid_name",
        "lastName": "required",
        "email": "invalid_email",
        "preferredContact": "required",
        "service": "required",
        "consent": "must_be_true",
        "(unknown)": "unknown_field",
    }


@pytest.mark.parametrize("key", ["jane@example.com", "JaneDoe5035550199"])
def test_an_unknown_fields_name_is_never_echoed(stack: Stack, key: str) -> None:
    answer = post_json({**VALID, key: "x"})
    assert field_codes(answer) == {"(unknown)": "unknown_field"}
    assert key not in answer.body
    form = {name: value for name, value in VALID.items() if isinstance(value, str)}
    _, query = redirect(post_form({**form, key: "x"}))
    assert key not in str(query)


def test_a_form_with_errors_is_redirected_to_the_error_page_with_codes(stack: Stack) -> None:
    url, query = redirect(post_form({"firstName": "Ann", "email": "nope"}, headers=FORM_CLIENT))
    assert url == stack.environment["FORM_ERROR_URL"]
    errors = dict(pair.split(":") for pair in query["errors"][0].split(","))
    assert errors["email"] == "invalid_email"
    assert errors["lastName"] == "required"
    assert errors["consent"] == "must_be_true"
    assert "Ann" not in str(query) and "nope" not in str(query)


def test_a_repeated_single_field_is_invalid_type(stack: Stack) -> None:
    pairs = [*((key, str(value)) for key, value in VALID.items() if isinstance(value, str))]
    pairs += [("firstName", "Second"), ("consent", "on")]
    answer = post_form(pairs, headers={"accept": "application/json"})
    assert field_codes(answer) == {"firstName": "invalid_type"}


def test_a_body_over_10240_bytes_is_413(stack: Stack) -> None:
    big = json.dumps({**VALID, "message": "x" * 10_300})
    problem(post(big, "application/json"), 413)
    _, query = redirect(post_form({"message": "x" * 10_300}))
    assert query == {"error": ["too_large"]}
    assert stack.requests() == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", None])
@pytest.mark.parametrize("accept", [{"accept": "application/json"}, FORM_CLIENT, {}])
def test_other_content_types_are_415_problem_json_whoever_asks(
    stack: Stack, content_type: str | None, accept: dict[str, str]
) -> None:
    # Not a form: no browser sent it, so no redirect, whatever Accept says.
    problem(post("a=b", content_type, headers=accept), 415)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"firstName": ', "application/json"),
        ("[1, 2]", "application/json"),
        ('"just a string"', "application/json"),
        (b"firstName=\xff\xfe", "application/x-www-form-urlencoded"),
        ("firstName=%FF%FF%FF", "application/x-www-form-urlencoded"),  # not UTF-8
    ],
)
def test_malformed_bodies_are_400_not_422(
    stack: Stack, body: str | bytes, content_type: str
) -> None:
    answer = post(body, content_type, headers={"accept": "application/json"})
    assert problem(answer, 400)["title"] == "Bad Request"


def test_a_form_body_is_split_as_browsers_split_it(stack: Stack) -> None:
    # The URL standard's parser skips empty pairs: a body built by hand with a stray "&"
    # (`fields.join("&") + "&"`) is the form it looks like, not a malformed one.
    form = urlencode({**VALID, "consent": "on"}, doseq=True)
    answer = post("&" + form.replace("&", "&&") + "&", "application/x-www-form-urlencoded")
    assert answer.status == 303, answer.body
    assert len(stack.requests()) == 1


def test_json_charset_parameter_is_accepted(stack: Stack) -> None:
    assert post(json.dumps(VALID), "application/json; charset=utf-8").status == 201


def test_the_honeypot_answers_as_success_and_stores_nothing(stack: Stack) -> None:
    answer = post_json({**VALID, "website": "http://spam.example"})
    assert answer.status == 201
    assert set(answer.json()) == {"id", "reference", "status", "createdAt"}
    assert CROCKFORD_REFERENCE.fullmatch(answer.json()["reference"])
    url, _ = redirect(post_form({"firstName": "Bot", "website": "x"}))
    assert url == stack.environment["THANK_YOU_URL"]
    assert stack.requests() == []
    guard = stack.dynamodb.scan(TableName=stack.guard_table)["Items"]
    assert [item["id"]["S"].split("#")[0] for item in guard] == ["rate"]  # its sender's count


def test_services_consent_version_and_region_come_from_site_json(stack: Stack) -> None:
    from tests.worker_plugin import forget_containers

    s3 = __import__("boto3").client("s3")
    bucket = stack.environment["CONTENT_BUCKET"]
    site = json.loads(s3.get_object(Bucket=bucket, Key="site.json")["Body"].read())
    site.update(consentVersion="2027-01-15", phoneRegion="GB")
    site["services"] = [{"id": "sleep-clinic", "label": "Sleep clinic"}]
    s3.put_object(Bucket=bucket, Key="site.json", Body=json.dumps(site).encode())
    forget_containers()
    british = {**VALID, "phone": "020 7946 0958"}
    assert field_codes(post_json(british)) == {"service": "invalid_choice"}
    assert field_codes(post_json({**british, "phone": "(503) 555-0199"}))["phone"] == (
        "invalid_phone"  # a US number without +1 is not a number in GB
    )
    answer = post_json({**british, "service": "sleep-clinic"})
    assert answer.status == 201
    (item,) = stack.requests()
    assert item["consentVersion"] == "2027-01-15"
    assert item["phone"] == "+442079460958"


# Naming a provider (optional): one of site.json's providers, those who see patients


def test_a_request_may_name_a_provider_who_sees_patients(stack: Stack) -> None:
    answer = post_json({**VALID, "provider": PHYSICIAN})
    assert answer.status == 201, answer.body
    (item,) = stack.requests()
    assert item["provider"] == PHYSICIAN


def test_a_request_without_a_provider_stores_none(stack: Stack) -> None:
    assert post_json(VALID).status == 201
    (item,) = stack.requests()
    assert "provider" not in item


@pytest.mark.parametrize(
    "provider",
    [
        pytest.param(REVIEWER, id="in authors.yaml, sees no patients"),
        pytest.param("dr-nobody", id="unknown"),
        pytest.param("Dr Brandt", id="not a slug"),
    ],
)
def test_a_provider_not_on_the_list_is_a_422_field_error(stack: Stack, provider: str) -> None:
    answer = post_json({**VALID, "provider": provider})
    body = problem(answer, 422)
    assert [(error["field"], error["code"]) for error in body["errors"]] == [
        ("provider", "invalid_choice")
    ]
    assert provider not in answer.body  # never echoed
    assert stack.requests() == []


def test_a_form_post_names_a_provider_or_leaves_it_blank(stack: Stack) -> None:
    form = {**{k: v for k, v in VALID.items() if not isinstance(v, (bool, list))}, "consent": "on"}
    assert post_form({**form, "provider": ""}).status == 303
    assert post_form({**form, "provider": NURSE_PRACTITIONER, "firstName": "Ines"}).status == 303
    providers = sorted(str(item.get("provider")) for item in stack.requests())
    assert providers == sorted(["None", NURSE_PRACTITIONER])


def test_created_at_is_utc_with_milliseconds(stack: Stack) -> None:
    created = post_json(VALID).json()["createdAt"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", created)
    assert datetime.fromisoformat(created) <= datetime.now(UTC)
