"""The inbox API: a receptionist lists, opens, changes; every read and change is audited."""

from __future__ import annotations

import base64
import json
import re
import uuid
from typing import Any

import pytest

from clinic_api.content.cursor import encode_cursor
from tests.conftest import http_event
from tests.fixture_content import PHYSICIAN
from tests.unit.inbox import (
    CALLER_ADDRESS,
    FRONT_DESK,
    STAFF,
    change,
    inbox,
    open_request,
    search,
    staff_event,
)
from tests.unit.stack import VALID, Stack, invoke, post_json


def submit(**changes: Any) -> dict[str, str]:
    return post_json({**VALID, **changes}).json()


def audit_trail(stack: Stack, reference: str) -> list[dict[str, Any]]:
    from clinic_api.staff.audit import AuditLog

    return AuditLog(stack.dynamodb, stack.environment["AUDIT_TABLE"]).trail(reference)


def test_the_inbox_lists_new_requests_newest_first_readably(stack: Stack) -> None:
    first, second = submit(), submit(firstName="Tomasz", phone="(971) 555-0123")
    answer = inbox()
    assert answer.status == 200, answer.body
    assert answer.headers["cache-control"] == "no-store"
    page = answer.json()
    assert page["timeZone"] == "America/Los_Angeles"
    assert page["nextCursor"] is None
    assert [item["reference"] for item in page["items"]] == [
        second["reference"],
        first["reference"],
    ]
    item = page["items"][1]
    assert item["phone"] == "+15035550199"
    assert item["phoneDisplay"] == "(503) 555-0199"
    assert item["serviceLabel"] == "Ketamine consultation"  # the fixture clinic's label
    assert item["preferredDays"] == ["tue", "thu"]
    assert item["assignee"] is None
    assert "message" not in item and "clientHash" not in item and "expiresAt" not in item


def test_the_inbox_pages_with_a_cursor(stack: Stack) -> None:
    sent = [submit(message=f"request {n}")["reference"] for n in range(3)]
    first = inbox({"limit": "2"}).json()
    second = inbox({"limit": "2", "cursor": first["nextCursor"]}).json()
    seen = [item["reference"] for item in first["items"] + second["items"]]
    assert seen == list(reversed(sent))
    assert second["nextCursor"] is None
    assert inbox({"cursor": "not-ours"}).status == 422


@pytest.mark.parametrize("status", ["new", "all"])
def test_a_page_of_the_inbox_reads_only_what_it_can_show(stack: Stack, status: str) -> None:
    """Each status's Query asks DynamoDB for a page's worth (and one to know there is more),
    not for the whole partition, which grows with every request the clinic ever kept."""
    from clinic_api.core.clients import dynamodb_client

    sent = [submit(message=f"request {n}")["reference"] for n in range(4)]
    asked: list[Any] = []

    def note(params: dict[str, Any], **_: Any) -> None:
        asked.append(params.get("Limit"))

    events = dynamodb_client().meta.events
    events.register("before-parameter-build.dynamodb.Query", note)
    try:
        page = inbox({"limit": "2", "status": status}).json()
    finally:
        events.unregister("before-parameter-build.dynamodb.Query", note)
    assert [item["reference"] for item in page["items"]] == sent[:1:-1]
    assert page["nextCursor"] is not None
    assert asked and set(asked) == {3}, asked


def problem_fields(answer: Any) -> list[tuple[str, str]]:
    assert answer.status == 422, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    return [(error["field"], error["code"]) for error in answer.json()["errors"]]


def tampered(cursor: str) -> str:
    """The cursor with one character changed, as a hand-edited URL has it."""
    middle = len(cursor) // 2
    return cursor[:middle] + ("A" if cursor[middle] != "A" else "B") + cursor[middle + 1 :]


def test_an_edited_or_foreign_inbox_cursor_is_a_422_naming_the_cursor(stack: Stack) -> None:
    for n in range(3):
        submit(message=f"request {n}")
    cursor = inbox({"limit": "1"}).json()["nextCursor"]
    assert inbox({"limit": "1", "cursor": cursor}).status == 200
    unsealed = base64.urlsafe_b64encode(f"2026-11-27T10:00:00Z|{uuid.uuid4()}".encode())
    for foreign in (
        tampered(cursor),
        cursor[:-3],  # truncated
        unsealed.decode().rstrip("="),  # the old unsealed shape, or a hand-made one
        encode_cursor((0.0, "an-article"), None),  # GET /articles' cursor
    ):
        assert problem_fields(inbox({"cursor": foreign})) == [("cursor", "invalid_cursor")]
    # Good only for the status and search it was given for.
    for other in ({"status": "contacted"}, {"status": "all"}):
        answer = inbox({"limit": "1", "cursor": cursor, **other})
        assert problem_fields(answer) == [("cursor", "invalid_cursor")]
    answer = search({"q": "Marisol", "limit": 1, "cursor": cursor})
    assert problem_fields(answer) == [("cursor", "invalid_cursor")]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("quenby", True),
        ("quenby\t", True),
        ("MARI", True),
        ("5550199", True),
        ("(503) 555", True),
        ("Zed", False),
    ],
)
def test_the_inbox_searches_names_and_phones(stack: Stack, q: str, found: bool) -> None:
    submit()
    answer = search({"q": q})
    assert answer.status == 200, answer.body
    assert answer.headers["cache-control"] == "no-store"
    assert bool(answer.json()["items"]) is found


def test_the_inbox_finds_a_reference_as_it_was_heard(stack: Stack) -> None:
    reference = submit()["reference"]
    heard = reference.lower().replace("1", "l").replace("0", "o")
    (item,) = search({"q": heard, "status": "all"}).json()["items"]
    assert item["reference"] == reference


def test_a_search_pages_with_a_cursor_good_only_for_its_words(stack: Stack) -> None:
    sent = [submit(message=f"request {n}")["reference"] for n in range(3)]
    submit(firstName="Tomasz", lastName="Wren")
    first = search({"q": "quenby", "limit": 2.0}).json()  # a JSON Schema integer
    second = search({"q": "quenby", "limit": 2, "cursor": first["nextCursor"]}).json()
    seen = [item["reference"] for item in first["items"] + second["items"]]
    assert seen == list(reversed(sent))
    assert second["nextCursor"] is None
    other = search({"q": "wren", "limit": 2, "cursor": first["nextCursor"]})
    assert problem_fields(other) == [("cursor", "invalid_cursor")]


def test_a_search_in_the_url_is_refused_without_searching(stack: Stack) -> None:
    """What staff type (a patient's name) belongs in a body: a URL is kept in logs and
    histories. An old client's `q` gets a 422 that says where to send it."""
    submit()
    answer = inbox({"q": "Quenby"})
    assert problem_fields(answer) == [("q", "not_here")]
    assert "POST /staff/requests/search" in answer.json()["errors"][0]["message"]
    assert "Quenby" not in answer.body


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, [("q", "required")]),
        ({"q": "   "}, [("q", "too_short")]),
        ({"q": "x" * 101}, [("q", "too_long")]),
        ({"q": 5550199}, [("q", "invalid_type")]),
        ({"q": "\ud800"}, [("q", "invalid_text")]),
        ({"q": "quen\u0000by"}, [("q", "invalid_text")]),
        ({"q": "quenby", "status": "done"}, [("status", "invalid_choice")]),
        ({"q": "quenby", "limit": 0}, [("limit", "out_of_range")]),
        ({"q": "quenby", "limit": True}, [("limit", "invalid_type")]),
        ({"q": "quenby", "limit": 2.5}, [("limit", "invalid_type")]),
        ({"q": "quenby", "limit": 1e300}, [("limit", "out_of_range")]),
        ({"q": "quenby", "cursor": ""}, [("cursor", "too_short")]),
        ({"q": "Quenby", "name": "Quenby"}, [("(unknown)", "unknown_field")]),
    ],
)
def test_a_bad_search_is_a_422_naming_each_field_never_its_value(
    stack: Stack, body: dict[str, Any], fields: list[tuple[str, str]]
) -> None:
    answer = search(body)
    assert problem_fields(answer) == fields
    assert "Quenby" not in answer.body


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        ("q=quenby", {"content-type": "application/x-www-form-urlencoded"}, 415),
        ('{"q": "quenby"', {}, 400),
        ('["quenby"]', {}, 400),
    ],
)
def test_a_search_that_is_no_json_object_is_refused(
    stack: Stack, body: str, headers: dict[str, str], status: int
) -> None:
    answer = search(body, headers=headers)
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    assert "quenby" not in answer.body


def test_a_body_too_deep_or_with_nan_is_400_and_a_repeated_member_422(stack: Stack) -> None:
    """JSON as RFC 8259 has it, read as the appointments function reads it: nesting deeper
    than Python's recursion limit was a 500; NaN was read; of a member sent twice, the last
    silently won (which one did the sender mean?)."""
    reference = submit()["reference"]
    tag = open_request(reference).headers["etag"]
    for body in ("[" * 16_000, '{"q": NaN}'):
        answer = search(body)
        assert answer.status == 400, answer.body
        assert json.loads(answer.body)["detail"] == "The body is not well-formed JSON."
    twice = '{"status": "contacted", "note": "Called", "status": "closed"}'
    answer = change(reference, twice, tag)
    assert answer.status == 422, answer.body
    assert json.loads(answer.body)["errors"] == [
        {"field": "status", "code": "repeated", "message": "was given more than once"}
    ]
    assert open_request(reference).headers["etag"] == tag  # nothing was changed


def test_a_limit_too_large_for_python_to_read_is_422(stack: Stack) -> None:
    answer = search('{"q": "quenby", "limit": 1' + "0" * 5_000 + "}")
    assert answer.status == 422, answer.body
    errors = json.loads(answer.body)["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [("limit", "out_of_range")]


def test_a_body_is_read_in_its_charset_as_the_forms_are(stack: Stack) -> None:
    """The staff routes read the body in the charset its Content-Type names, as the request
    form does: a latin-1 note was read as UTF-8 (400, or mojibake), and `charset=klingon`
    was taken."""
    reference = submit()["reference"]
    tag = open_request(reference).headers["etag"]
    event = staff_event(
        "PATCH",
        reference,
        headers={"if-match": tag, "content-type": "application/json; charset=ISO-8859-1"},
        body=base64.b64encode('{"note": "Caf\u00e9 au lait"}'.encode("latin-1")).decode(),
    )
    event["isBase64Encoded"] = True  # as the gateway passes bytes that are not UTF-8
    answer = invoke(STAFF, event)
    assert answer.status == 200, answer.body
    assert json.loads(answer.body)["history"][-1]["note"] == "Caf\u00e9 au lait"
    for charset in ("klingon", "rot13"):
        headers = {"content-type": f"application/json; charset={charset}"}
        assert search('{"q": "quenby"}', headers=headers).status == 415
    answer = change(reference, '{"note": "x"}', tag, headers={"content-type": "text/plain"})
    assert answer.status == 415
    assert "application/merge-patch+json" in json.loads(answer.body)["detail"]


def test_a_body_over_16_kib_is_413_and_never_read(stack: Stack) -> None:
    """The appointment form's bodies are capped; the staff routes' are too (a note is 2,000
    characters at most): the gateway would pass up to 10 MB to be parsed."""
    reference = submit()["reference"]
    tag = open_request(reference).headers["etag"]
    padded = json.dumps({"q": "quenby", "padding": "x" * 300_000})
    long_note = json.dumps({"note": "é" * 8_200}, ensure_ascii=False)  # é: two bytes
    for answer in (search(padded), change(reference, long_note, tag)):
        assert answer.status == 413, answer.body
        assert answer.headers["content-type"] == "application/problem+json"
        assert "xxxx" not in answer.body
    assert (
        change(reference, json.dumps({"note": "é" * 2_000}, ensure_ascii=False), tag).status == 200
    )


def test_every_body_is_checked_in_the_same_order_by_both_functions(stack: Stack) -> None:
    """Not base64 (400), then too large (413), then the wrong type (415), whichever route:
    a client learns one order. A large body of the wrong type is refused unread as 413."""
    # Each case also fails every later check: not base64 and too large, too large and JSON.
    cases = {400: ("%" * 20_000, True), 413: ("x" * 20_000, False), 415: ("{}", False)}
    for status, (body, is_base64) in cases.items():
        staff = staff_event("POST", body=body, collection="/staff/requests/search")
        form = http_event("POST", "/appointments")
        for function, event in ((STAFF, staff), ("AppointmentsFunction", form)):
            event["body"], event["isBase64Encoded"] = body, is_base64
            event["headers"]["content-type"] = "text/plain"
            answer = invoke(function, event)
            assert answer.status == status, (function, status, answer.body)
            assert answer.headers["content-type"] == "application/problem+json"


def test_opening_a_request_shows_everything_but_internals_and_is_audited(stack: Stack) -> None:
    reference = submit()["reference"]
    answer = open_request(reference.lower())
    assert answer.status == 200, answer.body
    assert answer.headers["cache-control"] == "no-store"
    assert re.fullmatch(r'"[0-9a-f]{32}"', answer.headers["etag"])
    detail = answer.json()
    assert detail["message"] == VALID["message"]
    assert detail["email"] == VALID["email"]
    assert detail["duplicateOf"] is None
    assert detail["history"] == [
        {"at": detail["createdAt"], "by": "web-form", "to": "new", "note": "received"}
    ]
    for internal in ("id", "expiresAt", "clientHash", "version"):
        assert internal not in detail
    (record,) = audit_trail(stack, reference)
    assert record["action"] == "read"
    assert record["actorId"] == FRONT_DESK["sub"]
    assert record["actorEmail"] == FRONT_DESK["email"]
    assert record["fields"] == []
    assert re.fullmatch("[0-9a-f]{32}", record["addressHash"])
    assert CALLER_ADDRESS not in str(record)


def test_a_possible_duplicate_names_the_first_request_by_its_reference(stack: Stack) -> None:
    """Staff search and quote references; the first request's id is an internal."""
    first = submit()
    second = submit(message="Sorry, pressed twice")
    answer = open_request(second["reference"])
    assert answer.json()["duplicateOf"] == first["reference"]
    assert first["id"] not in answer.body
    (found,) = search({"q": answer.json()["duplicateOf"]}).json()["items"]
    assert found["reference"] == first["reference"]


def test_opening_a_request_shows_the_provider_asked_for_by_name(stack: Stack) -> None:
    asked = open_request(submit(provider=PHYSICIAN)["reference"]).json()
    assert (asked["provider"], asked["providerName"]) == (PHYSICIAN, "Nadia Brandt")
    anyone = open_request(submit(firstName="Ines")["reference"]).json()
    assert (anyone["provider"], anyone["providerName"]) == (None, None)


def test_an_unknown_reference_is_404_and_not_audited(stack: Stack) -> None:
    answer = open_request("ZZZZZZZZ")
    assert answer.status == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert audit_trail(stack, "ZZZZZZZZ") == []


def test_only_a_reference_opens_a_request_and_never_an_expired_one(stack: Stack) -> None:
    """The path names a reference. A request's id (in every receipt, and inside the inbox's
    cursors) opened it too, expired or not, and a long path went to DynamoDB, which refuses
    a key over 2,048 bytes (a 503 in AWS)."""
    receipt = submit()
    reference = receipt["reference"]
    assert open_request(f"{reference[:4]}-{reference[4:]}".lower()).status == 200  # as declared
    tag = open_request(reference).headers["etag"]
    trail = audit_trail(stack, reference)  # those two reads
    spaced = (f" {reference} ", "-".join([reference[:2], reference[2:4], reference[4:]]))
    for path in (receipt["id"], "a" * 3_000, *spaced):
        assert open_request(path).status == 404
        assert change(path, {"status": "contacted"}, tag).status == 404
    stack.dynamodb.update_item(
        TableName=stack.requests_table,
        Key={"id": {"S": receipt["id"]}},
        UpdateExpression="SET expiresAt = :past",
        ExpressionAttributeValues={":past": {"N": "1"}},
    )
    assert open_request(receipt["reference"]).status == 404
    assert audit_trail(stack, receipt["reference"]) == trail


@pytest.mark.parametrize(
    "claims",
    [
        {**FRONT_DESK, "cognito:groups": "[billing]"},
        # Cognito group names may hold commas and brackets: these are groups of their own.
        {**FRONT_DESK, "cognito:groups": "[alumni,staff]"},
        {**FRONT_DESK, "cognito:groups": "[[staff]]"},
        {**FRONT_DESK, "cognito:groups": '["staff"]'},
        {key: value for key, value in FRONT_DESK.items() if key != "cognito:groups"},
        {**FRONT_DESK, "cognito:groups": "[]"},
        None,  # no authorizer at all (a route wired without it)
    ],
)
def test_a_caller_outside_staff_and_admin_is_403(stack: Stack, claims: Any) -> None:
    reference = submit()["reference"]
    for answer in (
        inbox(claims=claims),
        open_request(reference, claims=claims),
        change(reference, {"status": "spam"}, "*", claims=claims),
    ):
        assert answer.status == 403, answer.body
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["cache-control"] == "no-store"
    assert audit_trail(stack, reference) == []


@pytest.mark.parametrize("groups", ["[admin]", "[admin staff]", "[staff admin]", ["staff"]])
def test_admins_and_every_form_of_the_groups_claim_get_in(stack: Stack, groups: Any) -> None:
    assert inbox(claims={**FRONT_DESK, "cognito:groups": groups}).status == 200


def test_a_change_needs_if_match(stack: Stack) -> None:
    reference = submit()["reference"]
    answer = change(reference, {"status": "contacted"}, None)
    assert answer.status == 428
    assert stack.requests()[0]["status"] == "new"


def test_a_change_with_the_etag_is_made_recorded_and_audited(stack: Stack) -> None:
    reference = submit()["reference"]
    tag = open_request(reference).headers["etag"]
    body = {"status": "contacted", "note": "Left a voicemail.", "assignee": "Dana"}
    answer = change(reference, body, tag)
    assert answer.status == 200, answer.body
    assert answer.headers["etag"] != tag
    detail = answer.json()
    assert detail["status"] == "contacted"
    assert detail["assignee"] == "Dana"
    assert detail["history"][-1] | {"at": None} == {
        "at": None, "by": FRONT_DESK["email"], "from": "new", "to": "contacted",
        "note": "Left a voicemail.", "assignee": "Dana",
    }  # fmt: skip
    read, update = audit_trail(stack, reference)
    assert read["action"] == "read"
    assert update["action"] == "update"
    assert update["fields"] == ["status", "note", "assignee"]
    assert "Left a voicemail" not in str(update) and "Dana" not in str(update)


def test_a_stale_etag_is_412_with_the_current_one(stack: Stack) -> None:
    reference = submit()["reference"]
    tag = open_request(reference).headers["etag"]
    first = change(reference, {"note": "Called, no answer."}, tag)
    assert first.status == 200
    second = change(reference, {"status": "closed"}, tag)  # the other receptionist's old copy
    assert second.status == 412
    assert second.headers["etag"] == first.headers["etag"]
    assert stack.requests()[0]["status"] == "new"
    assert [record["action"] for record in audit_trail(stack, reference)] == ["read", "update"]


def test_a_note_alone_and_unassigning_each_add_one_history_entry(stack: Stack) -> None:
    reference = submit()["reference"]
    tag = open_request(reference).headers["etag"]
    tag = change(reference, {"assignee": "Dana"}, tag).headers["etag"]
    note = "Asked for an evening slot.\n\tAfter 6 pm."  # a note's lines may break
    tag = change(reference, {"note": note}, tag).headers["etag"]
    detail = change(reference, {"assignee": None}, tag).json()
    assert detail["status"] == "new"
    assert detail["assignee"] is None
    assert [entry.get("note") for entry in detail["history"]][-2] == note
    assert detail["history"][-1]["assignee"] is None


def test_a_change_that_changes_nothing_is_a_read(stack: Stack) -> None:
    reference = submit()["reference"]
    tag = open_request(reference).headers["etag"]
    answer = change(reference, {"status": "new"}, tag)
    assert answer.status == 200
    assert answer.headers["etag"] == tag
    assert [record["action"] for record in audit_trail(stack, reference)] == ["read", "read"]


@pytest.mark.parametrize(
    ("body", "status", "codes"),
    [
        ({"status": "done"}, 422, {"status:invalid_choice"}),
        ({"note": ""}, 422, {"note:too_short"}),
        ({"note": "x" * 2001}, 422, {"note:too_long"}),
        ({"note": "red \u001b[31mflag"}, 422, {"note:invalid_text"}),  # a terminal's escape
        ({"assignee": "Dana\nSmith"}, 422, {"assignee:invalid_text"}),  # a name is one line
        ({"assignee": "Dana\u2028Smith"}, 422, {"assignee:invalid_text"}),  # Unicode's breaks
        ({"assignee": 7}, 422, {"assignee:invalid_type"}),
        ({"vermilion": "red"}, 422, {"(unknown):unknown_field"}),
        ({}, 422, {"status:required"}),
        ("[1]", 400, set()),
        ("{", 400, set()),
    ],
)
def test_a_bad_change_is_refused_without_echoing_it(
    stack: Stack, body: Any, status: int, codes: set[str]
) -> None:
    reference = submit()["reference"]
    answer = change(reference, body, "*")
    assert answer.status == status, answer.body
    problem = answer.json()
    assert {f"{error['field']}:{error['code']}" for error in problem.get("errors", [])} == codes
    assert "vermilion" not in answer.body and "xxxx" not in answer.body


def test_a_change_must_be_json(stack: Stack) -> None:
    reference = submit()["reference"]
    answer = change(reference, "status=closed", "*", headers={"content-type": "text/plain"})
    assert answer.status == 415
    merge = change(
        reference,
        {"status": "closed"},
        "*",
        headers={"content-type": "application/merge-patch+json"},
    )
    assert merge.status == 200


def test_the_table_unreachable_is_503(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_TABLE", "no-such-table")
    from tests.worker_plugin import forget_containers

    forget_containers()
    answer = inbox()
    assert answer.status == 503
    assert answer.headers["retry-after"] == "5"
