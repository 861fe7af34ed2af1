"""POST /appointments with inputs found by hand: text no encoding can carry, bodies in
other charsets, and the line between a browser's form post and everyone else.

Each gets a clear answer: stored, or a 4xx naming the field, never a 5xx.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.conftest import Answer, http_event
from tests.unit.stack import APPOINTMENTS, VALID, Stack, invoke, post, post_form, post_json

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON_ACCEPT = {"accept": "application/json"}
FORM = "application/x-www-form-urlencoded"
BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"


def browser_form() -> list[tuple[str, str]]:
    """VALID as the site's form sends it: checkboxes `on`, lists repeated."""
    pairs = [(key, value) for key, value in VALID.items() if isinstance(value, str)]
    pairs += [("okToText", "on"), ("consent", "on"), ("preferredTimes", "morning")]
    return pairs + [("preferredDays", day) for day in VALID["preferredDays"]]


def multipart(
    fields: list[tuple[str, str]],
    files: Sequence[tuple[str, str, str]] = (),
    charset: str = "utf-8",
) -> bytes:
    """A multipart/form-data body as a browser writes it (files after the fields here)."""
    lines: list[str] = []
    for name, value in fields:
        lines += [f"--{BOUNDARY}", f'Content-Disposition: form-data; name="{name}"', "", value]
    for name, filename, content in files:
        disposition = f'form-data; name="{name}"; filename="{filename}"'
        lines += [f"--{BOUNDARY}", f"Content-Disposition: {disposition}", "", content]
    lines += [f"--{BOUNDARY}--", ""]
    return "\r\n".join(lines).encode(charset)


def post_text(body: str, content_type: str, headers: dict[str, str] | None = None) -> Answer:
    """A body the gateway hands over as text (not base64), exactly as given."""
    event = http_event(
        "POST", "/appointments", headers={"content-type": content_type, **(headers or {})}
    )
    event["body"] = body
    return invoke(APPOINTMENTS, event)


def problem(answer: Answer, status: int) -> dict[str, Any]:
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    return answer.json()


def field_codes(answer: Answer) -> dict[str, str]:
    return {error["field"]: error["code"] for error in problem(answer, 422)["errors"]}


def redirected(answer: Answer) -> tuple[str, dict[str, list[str]]]:
    assert answer.status == 303, answer.body
    assert answer.body == ""
    location = urlsplit(answer.headers["location"])
    return location._replace(query="").geturl(), parse_qs(location.query)


# A lone surrogate: JSON's "\ud800", which is no character


SURROGATE = "Mari\ud800sol"
TEXT_FIELDS = [
    "patientStatus", "firstName", "lastName", "email", "phone", "preferredContact",
    "service", "visitFormat", "payment", "insuranceCarrier", "message", "sourceArticle",
]  # fmt: skip


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_a_lone_surrogate_in_any_field_is_422_naming_it(stack: Stack, field: str) -> None:
    body = json.dumps({**VALID, field: SURROGATE})
    assert "\\ud800" in body  # sent as JSON's escape, as a fuzzer or a broken client does
    assert field_codes(post(body, "application/json")) == {field: "invalid_text"}
    assert stack.requests() == []


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"preferredDays": ["tue", "\udfff"]}, "preferredDays", "invalid_text"),
        ({"okToText": "\ud800"}, "okToText", "invalid_text"),
        ({"message\ud800": "hello"}, "(unknown)", "unknown_field"),
        ({"utm_source": "\ud800"}, "(unknown)", "unknown_field"),
    ],
)
def test_a_lone_surrogate_in_a_list_a_flag_or_a_name_is_422(
    stack: Stack, change: dict[str, Any], field: str, code: str
) -> None:
    assert field_codes(post_json({**VALID, **change})) == {field: code}
    assert stack.requests() == []


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"preferredDays": [["mon"]]}, "preferredDays", "invalid_type"),
        ({"preferredDays": json.loads("[" * 900 + "]" * 900)}, "preferredDays", "invalid_type"),
        ({"message": {"text": "hello"}}, "message", "invalid_type"),
        ({"preferredTimes": [{"\ud800": "\udfff"}]}, "preferredTimes", "invalid_type"),
        # An unknown field's value is never read, however deep (the schema's validator
        # refuses to walk 900 levels) or whatever it holds.
        ({"utm_source": json.loads("[" * 900 + "]" * 900)}, "(unknown)", "unknown_field"),
        ({"utm_source": {"\ud800": ["\udfff"]}}, "(unknown)", "unknown_field"),
    ],
)
def test_a_value_deeper_than_a_list_is_422_never_read(
    stack: Stack, change: dict[str, Any], field: str, code: str
) -> None:
    assert field_codes(post_json({**VALID, **change})) == {field: code}
    assert stack.requests() == []


def test_a_lone_surrogate_as_raw_text_in_the_event_is_422(stack: Stack) -> None:
    body = json.dumps({**VALID, "message": SURROGATE}, ensure_ascii=False)
    assert field_codes(post_text(body, "application/json")) == {"message": "invalid_text"}
    form = urlencode(browser_form()) + "&lastName=" + SURROGATE  # repeated, in a list
    assert field_codes(post_text(form, FORM, JSON_ACCEPT)) == {"lastName": "invalid_text"}
    form = urlencode({**dict(browser_form()), "message": "m"}).replace(
        "message=m", "message=\ud800"
    )
    _, query = redirected(post_text(form, FORM, BROWSER))
    assert query == {"errors": ["message:invalid_text"]}
    assert stack.requests() == []


def test_a_textareas_line_breaks_as_a_browser_posts_them_are_kept_as_newlines(
    stack: Stack,
) -> None:
    """A browser sends a textarea's line breaks as CRLF (JavaScript's JSON has LF) and its
    maxlength counted each as one character: 500 of them with CRLFs is not too long."""
    lines = ["Hello,", "I work nights.", "Please call after 3pm."]
    at_the_limit = "\r\n".join(["x" * 40] * 12) + "\r\n" + "y" * 8  # 500 as typed, 512 sent
    for message in ("\r\n".join(lines), at_the_limit):
        form = urlencode({**dict(browser_form()), "message": message})
        location, _ = redirected(post_text(form, FORM, BROWSER))
        assert location == "/request-appointment/thank-you"
    answer = post_json({**VALID, "message": "one\r\ntwo\nthree"})  # JSON may mix them
    assert answer.status == 201, answer.body
    stored = sorted(item["message"] for item in stack.requests())
    typed = "\n".join(["x" * 40] * 12) + "\n" + "y" * 8
    assert stored == sorted(
        ["Hello,\nI work nights.\nPlease call after 3pm.", typed, "one\ntwo\nthree"]
    )
    # A CR of its own is no line break any browser sends: a control character, as before.
    assert field_codes(post_json({**VALID, "message": "one\rtwo"})) == {"message": "invalid_text"}
    assert post_json({**VALID, "message": at_the_limit + "z"}).status == 422  # 501 as typed


def test_a_lone_surrogate_in_the_idempotency_key_is_422(stack: Stack) -> None:
    answer = post_json(VALID, headers={"idempotency-key": "key-\ud800"})
    assert field_codes(answer) == {"Idempotency-Key": "invalid_format"}


def test_an_idempotency_key_sent_twice_is_422_and_stores_nothing(stack: Stack) -> None:
    # HTTP API hands the function a header sent twice as its values joined by a comma:
    # "k-1,k-1" would be a key of its own, and the retry a second stored request.
    assert post_json(VALID, headers={"idempotency-key": "k-1"}).status == 201
    answer = post_json(VALID, headers={"idempotency-key": "k-1,k-1"})
    assert field_codes(answer) == {"Idempotency-Key": "invalid_format"}
    assert len(stack.requests()) == 1


def test_a_surrogate_pair_is_one_character_and_welcome(stack: Stack) -> None:
    body = json.dumps({**VALID, "message": "Thank you \U0001f64f"})
    assert "\\ud83d\\ude4f" in body
    assert post(body, "application/json").status == 201
    assert stack.requests()[0]["message"] == "Thank you \U0001f64f"


def test_a_lone_surrogate_in_the_honeypot_is_invalid_text_to_a_json_client(stack: Stack) -> None:
    # A JSON client is told what is invalid before the honeypot is looked at (handler._take).
    answer = post_json({**VALID, "website": "\ud800"})
    assert answer.status == 422
    assert answer.json()["errors"] == [
        {"field": "website", "code": "invalid_text", "message": "is not valid Unicode text"}
    ]
    assert stack.requests() == []


# Charsets


def test_a_json_body_in_latin_1_is_read_by_its_charset(stack: Stack) -> None:
    body = json.dumps({**VALID, "firstName": "Zoë", "message": "café"}, ensure_ascii=False)
    answer = post(body.encode("iso-8859-1"), "application/json; charset=ISO-8859-1")
    assert answer.status == 201, answer.body
    (item,) = stack.requests()
    assert (item["firstName"], item["message"]) == ("Zoë", "café")


def test_a_json_body_in_utf_16_is_read_by_its_charset(stack: Stack) -> None:
    body = json.dumps({**VALID, "lastName": "Ñúñez"}, ensure_ascii=False).encode("utf-16")
    assert post(body, 'application/json; charset="utf-16"').status == 201
    assert stack.requests()[0]["lastName"] == "Ñúñez"


def test_a_text_body_is_read_in_its_charset_too(stack: Stack) -> None:
    # The gateway hands a JSON body over as text (its bytes read as UTF-8): labelled
    # Latin-1, those bytes are read as Latin-1, as the sender said. Zoë's UTF-8 "ë" is
    # then "Ã«", no name; ASCII read as UTF-16 is no JSON.
    body = json.dumps({**VALID, "lastName": "Zoë"}, ensure_ascii=False)
    answer = post_text(body, "application/json; charset=iso-8859-1")
    assert field_codes(answer) == {"lastName": "invalid_name"}
    assert problem(post_text(json.dumps(VALID), "application/json; charset=utf-16"), 400)
    assert post_text(body, "application/json; charset=UTF-8").status == 201
    assert stack.requests()[0]["lastName"] == "Zoë"


def test_a_member_sent_twice_is_422_naming_it(stack: Stack) -> None:
    # Of `"firstName": "Ana", ..., "firstName": "Bo"` Python keeps Bo without a word, where
    # another reader of the body (a proxy, a log search) may keep Ana: which was meant?
    body = json.dumps(VALID)[:-1] + ', "firstName": "Bo", "lastName": "Lee", "firstName": "Cy"}'
    answer = post_text(body, "application/json")
    assert field_codes(answer) == {"firstName": "repeated", "lastName": "repeated"}
    assert "Bo" not in answer.body and "Cy" not in answer.body
    # A name that is no field of ours is the sender's own text: never echoed. A repeat
    # inside a value is that field's wrong type.
    private = json.dumps(VALID)[:-1] + ', "Jane Roe 555-0199": 1, "Jane Roe 555-0199": 2}'
    answer = post_text(private, "application/json")
    assert field_codes(answer) == {"(unknown)": "repeated"}
    assert "Jane" not in answer.body
    nested = json.dumps({**VALID, "firstName": None})[:-1] + ', "firstName": {"a": 1, "a": 2}}'
    nested = nested.replace('"firstName": null, ', "")
    assert field_codes(post_text(nested, "application/json")) == {"firstName": "invalid_type"}
    assert stack.requests() == []


def test_nan_and_infinity_are_not_json(stack: Stack) -> None:
    for constant in ("NaN", "Infinity", "-Infinity"):
        body = json.dumps(VALID)[:-1] + f', "okToText": {constant}}}'
        assert problem(post_text(body, "application/json"), 400)["detail"] == (
            "The body is not well-formed JSON."
        )
    assert stack.requests() == []


def test_a_number_too_large_for_any_field_is_valid_json_and_a_422(stack: Stack) -> None:
    """Numbers of any size are JSON; Python's int() stops at 4,300 digits, which was a 400."""
    for number in ("9" * 5_000, "-" + "9" * 5_000, "1e999"):
        others = {key: value for key, value in VALID.items() if key != "okToText"}
        body = json.dumps(others)[:-1] + f', "okToText": {number}}}'
        assert field_codes(post_text(body, "application/json")) == {"okToText": "invalid_type"}
    assert stack.requests() == []


def test_a_windows_1252_form_is_read_by_its_charset(stack: Stack) -> None:
    pairs = [*browser_form(), ("firstName", "Zoë"), ("lastName", "O\u2019Brien")]
    pairs = [pair for pair in pairs if pair[0] not in {"firstName", "lastName"}] + pairs[-2:]
    body = urlencode(pairs, encoding="cp1252")
    assert "Zo%EB" in body and "O%92Brien" in body
    url, query = redirected(post(body, f"{FORM}; charset=windows-1252", headers=BROWSER))
    (item,) = stack.requests()
    assert url == stack.environment["THANK_YOU_URL"]
    assert query == {"reference": [item["reference"]]}
    assert (item["firstName"], item["lastName"]) == ("Zoë", "O\u2019Brien")


def test_a_form_without_percent_escapes_is_read_by_its_charset(stack: Stack) -> None:
    body = urlencode(browser_form(), safe=" ").replace("Marisol", "Zoë").encode("iso-8859-1")
    assert post(body, f"{FORM}; charset=iso-8859-1", headers=JSON_ACCEPT).status == 201
    assert stack.requests()[0]["firstName"] == "Zoë"


@pytest.mark.parametrize(
    "charset", ["x-klingon", "", "unicode_escape", "raw-unicode-escape", "rot13", "base64", "idna"]
)
@pytest.mark.parametrize("accept", [JSON_ACCEPT, BROWSER])
def test_a_charset_we_cannot_read_is_415_problem_json(
    stack: Stack, charset: str, accept: dict[str, str]
) -> None:
    for media, body in (("application/json", json.dumps(VALID)), (FORM, urlencode(browser_form()))):
        answer = post(body, f"{media}; charset={charset}", headers=accept)
        assert problem(answer, 415)["title"] == "Unsupported Media Type"
        assert charset not in answer.body or charset == ""
    assert stack.requests() == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"firstName": "Zo\xeb"}'.encode("iso-8859-1"), "application/json; charset=utf-8"),
        ('{"firstName": "Zo\xeb"}'.encode("iso-8859-1"), "application/json; charset=us-ascii"),
        (b"\xff\xfe{", "application/json; charset=utf-32"),
        (b"firstName=Zo%EB", f"{FORM}; charset=utf-8"),
    ],
)
def test_bytes_that_are_not_text_in_the_named_charset_are_400(
    stack: Stack, body: bytes, content_type: str
) -> None:
    assert problem(post(body, content_type, headers=JSON_ACCEPT), 400)["title"] == "Bad Request"


def test_deeply_nested_json_is_a_4xx(stack: Stack) -> None:
    assert problem(post("[" * 10_000, "application/json"), 400)["title"] == "Bad Request"
    for depth in (900, 3_000):
        nested = "[" * depth + '"\\ud800"' + "]" * depth
        body = json.dumps({**VALID, "message": "x"}).replace('"x"', nested)
        answer = post(body, "application/json")
        assert answer.status in {400, 422}, answer.body
    assert stack.requests() == []


# Form posts are for browsers


def test_a_post_with_no_body_and_no_content_type_is_415_problem_json(stack: Stack) -> None:
    for headers in ({}, BROWSER, JSON_ACCEPT):
        problem(post(b"", None, headers=headers), 415)
    assert stack.requests() == []


@pytest.mark.parametrize(
    "accept",
    [
        BROWSER["accept"],
        "*/*",
        None,
        "text/html, application/json;q=0.9",
        "application/json;q=0",
        "application/json;q=bogus",
    ],
)
def test_a_form_post_that_does_not_prefer_json_is_redirected(
    stack: Stack, accept: str | None
) -> None:
    answer = post_form(browser_form(), headers={"accept": accept} if accept else {})
    url, _ = redirected(answer)
    assert url == stack.environment["THANK_YOU_URL"]


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "application/problem+json",
        "text/html;q=0.5, application/json",
        "application/json, text/html",
    ],
)
def test_a_form_post_that_prefers_json_gets_json(stack: Stack, accept: str) -> None:
    answer = post_form(browser_form(), headers={"accept": accept})
    assert answer.status == 201
    assert answer.json()["status"] == "received"
    problem(post_form([("firstName", "Ann")], headers={"accept": accept}), 422)


def test_a_json_post_from_a_browser_accept_still_gets_json(stack: Stack) -> None:
    assert post_json(VALID, headers=BROWSER).status == 201
    problem(post_json({**VALID, "email": "nope"}, headers=BROWSER), 422)


def test_a_form_post_ignores_fields_the_form_does_not_have(stack: Stack) -> None:
    extra = [
        ("send", "Send request"),  # a named submit button
        ("utm_source", "newsletter-xq7"),
        ("utm_campaign", "spring-xq7"),
        ("_charset_", "UTF-8"),
        ("dateOfBirth", "1990-01-01"),
    ]
    answer = post_form([*browser_form(), *extra], headers=BROWSER)
    url, _ = redirected(answer)
    assert url == stack.environment["THANK_YOU_URL"]
    (item,) = stack.requests()
    stored = json.dumps(item, default=str)
    for name, value in extra:
        assert name not in item
        assert value not in stored and value not in answer.headers["location"]
    assert item["firstName"] == VALID["firstName"]


def test_an_ignored_field_is_ignored_in_an_invalid_form_too(stack: Stack) -> None:
    pairs = [*browser_form(), ("utm_source", "newsletter-xq7"), ("email", "")]
    pairs = [(key, value) for key, value in pairs if key != "email"] + [("email", "nope")]
    _, query = redirected(post_form(pairs, headers=BROWSER))
    assert query == {"errors": ["email:invalid_email"]}


def test_json_stays_strict_about_unknown_fields(stack: Stack) -> None:
    for name in ("utm_source", "send", "_charset_"):
        assert field_codes(post_json({**VALID, name: "x"})) == {"(unknown)": "unknown_field"}
    assert stack.requests() == []


def test_a_honeypot_of_spaces_is_blank_and_the_request_stored(stack: Stack) -> None:
    # A form drops a blank field; JSON's spaces are no bot's either: a person's request.
    assert post_json({**VALID, "website": "   "}).status == 201
    assert len(stack.requests()) == 1


def test_the_honeypot_works_for_every_kind_of_post(stack: Stack) -> None:
    assert post_json({**VALID, "website": "spam"}).status == 201
    url, _ = redirected(post_form([*browser_form(), ("website", "spam")], headers=BROWSER))
    assert url == stack.environment["THANK_YOU_URL"]
    body = multipart([*browser_form(), ("website", "spam")])
    url, _ = redirected(post(body, f"multipart/form-data; boundary={BOUNDARY}", headers=BROWSER))
    assert url == stack.environment["THANK_YOU_URL"]
    assert stack.requests() == []


# multipart/form-data: what a plain form sends with enctype="multipart/form-data"


def test_a_multipart_form_is_stored_and_redirected(stack: Stack) -> None:
    fields = [(key, value) for key, value in browser_form() if key != "firstName"]
    body = multipart([*fields, ("firstName", "Zoë"), ("send", "Send")])
    answer = post(body, f'multipart/form-data; boundary="{BOUNDARY}"', headers=BROWSER)
    url, query = redirected(answer)
    (item,) = stack.requests()
    assert url == stack.environment["THANK_YOU_URL"]
    assert query == {"reference": [item["reference"]]}
    assert item["firstName"] == "Zoë"
    assert item["preferredDays"] == VALID["preferredDays"]
    assert item["okToText"] is True
    assert "send" not in item


def test_a_multipart_message_may_quote_the_boundary_mid_line(stack: Stack) -> None:
    # Only "--boundary" at a line's start delimits a part (RFC 2046); a patient's message
    # that holds it elsewhere, or ends in a line break, is kept as typed.
    message = f"see --{BOUNDARY} here\r\nand -- there\r\n"
    fields = [(key, value) for key, value in browser_form() if key != "message"]
    body = multipart([*fields, ("message", message)])
    answer = post(body, f"multipart/form-data; boundary={BOUNDARY}", headers=JSON_ACCEPT)
    assert answer.status == 201, answer.body
    assert stack.requests()[0]["message"] == message.replace("\r\n", "\n").rstrip()
    # After the close delimiter comes the epilogue, not read whatever it holds.
    epilogue = f'\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="x"\r\n\r\n'
    body = multipart(fields) + epilogue.encode()
    answer = post(body, f"multipart/form-data; boundary={BOUNDARY}", headers=JSON_ACCEPT)
    assert answer.status == 201, answer.body


def test_a_multipart_part_is_read_in_the_charset_its_own_content_type_names(
    stack: Stack,
) -> None:
    """RFC 7578 4.4: a part may say its own charset. It was read in the body's, UTF-8,
    so a Latin-1 part's "Zoë" was a 400 for the whole form."""
    fields = [(key, value) for key, value in browser_form() if key != "firstName"]
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="firstName"\r\n'
    latin = head + 'Content-Type: text/plain; charset="ISO-8859-1"\r\n\r\nZoë\r\n'
    body = latin.encode("latin-1") + multipart(fields)
    answer = post(body, f"multipart/form-data; boundary={BOUNDARY}", headers=JSON_ACCEPT)
    assert answer.status == 201, answer.body
    assert stack.requests()[0]["firstName"] == "Zoë"
    unknown = head + "Content-Type: text/plain; charset=x-klingon\r\n\r\nZoe\r\n"
    answer = post(
        unknown.encode() + multipart(fields),
        f"multipart/form-data; boundary={BOUNDARY}",
        headers=JSON_ACCEPT,
    )
    assert problem(answer, 415)["detail"] == "The body's charset is not one we read; send UTF-8."
    assert len(stack.requests()) == 1  # nothing stored for it
    # A field the form does not have is dropped unread, whatever charset it names.
    tracking = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="utm"\r\n'
    tracking += "Content-Type: text/plain; charset=x-klingon\r\n\r\nad\r\n"
    answer = post(
        tracking.encode() + multipart(browser_form()),
        f"multipart/form-data; boundary={BOUNDARY}",
        headers=JSON_ACCEPT,
    )
    assert answer.status == 201, answer.body


def test_a_multipart_part_with_an_empty_name_is_ignored_as_an_unknown_field(stack: Stack) -> None:
    body = multipart([*browser_form(), ("", "tracking")])
    answer = post(body, f"multipart/form-data; boundary={BOUNDARY}", headers=JSON_ACCEPT)
    assert answer.status == 201, answer.body
    assert "tracking" not in json.dumps(stack.requests(), default=str)


def test_a_multipart_file_is_never_read(stack: Stack) -> None:
    fields = [(key, value) for key, value in browser_form() if key != "message"]
    files = [("attachment", "referral.txt", "secret-xq7"), ("message", "note.txt", "note-xq7")]
    body = multipart(fields, files)
    assert (
        post(body, f"multipart/form-data; boundary={BOUNDARY}", headers=JSON_ACCEPT).status == 201
    )
    (item,) = stack.requests()
    assert "message" not in item and "attachment" not in item
    assert "xq7" not in json.dumps(item, default=str)


def test_a_multipart_form_with_errors_goes_to_the_error_page(stack: Stack) -> None:
    body = multipart([("firstName", "Ann"), ("email", "nope")])
    url, query = redirected(
        post(body, f"multipart/form-data; boundary={BOUNDARY}", headers=BROWSER)
    )
    assert url == stack.environment["FORM_ERROR_URL"]
    assert "email:invalid_email" in query["errors"][0]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (multipart([("firstName", "Ann")]), "multipart/form-data"),  # no boundary
        (multipart([("firstName", "Ann")]), "multipart/form-data; boundary=other"),
        (multipart([("firstName", "Ann")])[:-12], f"multipart/form-data; boundary={BOUNDARY}"),
        (
            f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nAnn\r\n--{BOUNDARY}--\r\n".encode(),
            f"multipart/form-data; boundary={BOUNDARY}",
        ),
        (
            multipart([("firstName", "Zoë")]),
            f"multipart/form-data; boundary={BOUNDARY}; charset=ascii",
        ),
    ],
)
def test_a_malformed_multipart_body_is_400(stack: Stack, body: bytes, content_type: str) -> None:
    problem(post(body, content_type, headers=JSON_ACCEPT), 400)
    _, query = redirected(post(body, content_type, headers=BROWSER))
    assert query == {"error": ["bad_request"]}


def test_a_base64_body_the_gateway_sends_for_a_form_is_read_as_bytes(stack: Stack) -> None:
    body = urlencode(browser_form()).encode()
    event = http_event("POST", "/appointments", headers={"content-type": FORM, **JSON_ACCEPT})
    event.update(body=base64.b64encode(body).decode(), isBase64Encoded=True)
    assert invoke(APPOINTMENTS, event).status == 201
