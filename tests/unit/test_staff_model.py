"""The one staff model the inbox API and `clinic requests` share: store, view, claims, search."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.stack import VALID, Stack, post_json


@pytest.fixture
def store(stack: Stack) -> Any:
    from clinic_api.staff.requests import RequestStore

    return RequestStore(stack.dynamodb, stack.requests_table)


def test_each_change_bumps_the_version_and_so_the_etag(store: Any) -> None:
    from clinic_api.staff.requests import Change, etag

    receipt = post_json(VALID).json()
    request = store.find(receipt["reference"])
    assert etag(request) == etag(receipt)  # a new request: version 0, known from its id
    changed = store.update(request, Change(note="called"), "ana")
    assert changed["version"] == 1
    assert len({etag(request), etag(changed), etag(store.update(changed, Change(), "ana"))}) == 3


def test_two_writers_with_the_same_copy_cannot_both_write(store: Any) -> None:
    from clinic_api.staff.requests import Change, StaleRequest

    receipt = post_json(VALID).json()
    copy = store.find(receipt["id"])
    store.update(copy, Change(assignee="Dana"), "ana")
    with pytest.raises(StaleRequest) as stale:
        store.update(copy, Change(assignee="Lee"), "ben")
    assert stale.value.current["assignee"] == "Dana"
    assert store.find(receipt["id"])["assignee"] == "Dana"


def test_a_change_to_a_deleted_request_is_not_found(store: Any) -> None:
    from clinic_api.staff.requests import Change, RequestNotFound

    receipt = post_json(VALID).json()
    copy = store.find(receipt["id"])
    store.delete(receipt["id"])
    with pytest.raises(RequestNotFound):
        store.update(copy, Change(status="closed"), "ana")
    with pytest.raises(RequestNotFound):
        store.delete(receipt["id"])


def test_the_audit_trail_is_each_requests_records_oldest_first(stack: Stack) -> None:
    from clinic_api.staff.audit import Actor, AuditLog

    log = AuditLog(stack.dynamodb, stack.environment["AUDIT_TABLE"])
    actor = Actor("arn:aws:iam::123456789012:user/ana", "ana@clinic.example")
    log.record("7K3M9Q2T", "read", actor)
    log.record("7K3M9Q2T", "update", actor, ["status"])
    log.record("AAAAAAAA", "export", actor)
    trail = log.trail("7K3M9Q2T")
    assert [record["action"] for record in trail] == ["read", "update"]
    assert trail[1]["fields"] == ["status"]
    assert set(trail[0]) == {
        "reference", "at", "id", "action", "actorId", "actorEmail", "fields", "expiresAt"
    }  # fmt: skip


CLINIC = {
    "services": [{"id": "ketamine-consultation", "label": "Ketamine consultation"}],
    "phoneRegion": "US",
    "timeZone": "America/Los_Angeles",
}
STORED = {
    **{key: value for key, value in VALID.items() if key != "consent"},
    "id": "0c5d8f1e-6b2a-4f7e-9d3c-2a1b0e9f8d7c",
    "reference": "1HEHY7KB",
    "createdAt": "2026-11-29T17:05:00.000Z",
    "status": "new",
    "phone": "+442079460958",
    "expiresAt": 1827396300,
    "clientHash": "5d41402abc4b2a76b9719d911017c592",
    "version": 2,
    "history": [{"at": "2026-11-29T17:05:00.000Z", "by": "web-form", "from": None, "to": "new"}],
}


def test_the_view_hides_internals_and_reads_like_the_clinic() -> None:
    from clinic_api.staff.view import ClinicView, detail, local_time

    clinic = ClinicView.parse(CLINIC)
    shown = detail(STORED, clinic)
    assert shown["phoneDisplay"] == "+44 20 7946 0958"  # not the clinic's region: international
    assert shown["serviceLabel"] == "Ketamine consultation"
    assert shown["history"] == [{"at": "2026-11-29T17:05:00.000Z", "by": "web-form", "to": "new"}]
    for internal in ("id", "expiresAt", "clientHash", "version"):
        assert internal not in shown
    assert local_time(STORED["createdAt"], clinic.time_zone).strftime("%H:%M %Z") == "09:05 PST"
    assert ClinicView.parse({**CLINIC, "timeZone": None}).time_zone == "UTC"
    extension = detail({**STORED, "phone": "+15035550199;ext=12"}, clinic)
    assert extension["phoneDisplay"] == "(503) 555-0199 ext. 12"


def test_a_duplicate_is_shown_by_the_reference_its_stored_id_gives() -> None:
    from clinic_api.staff.view import ClinicView, detail

    clinic = ClinicView.parse(CLINIC)
    stored = {**STORED, "duplicateOf": "2381c8b3-64c9-4ff7-9484-6a8025319c0c"}
    assert detail(stored, clinic)["duplicateOf"] == "4E0WHCV4"
    assert detail({**STORED, "duplicateOf": "by-hand"}, clinic)["duplicateOf"] == "by-hand"
    assert detail(STORED, clinic)["duplicateOf"] is None


@pytest.mark.parametrize(
    ("claim", "groups"),
    [
        ("[admin staff]", {"admin", "staff"}),
        ("[staff]", {"staff"}),
        (["staff"], {"staff"}),
        ("staff", {"staff"}),
        ("[]", set()),
        (None, set()),
        # Group names may hold punctuation: each of these is one group, none is staff.
        ("[alumni,staff]", {"alumni,staff"}),
        ("[[staff]]", {"[staff]"}),
        ('["staff"]', {'"staff"'}),
        ('["admin","staff"]', {'"admin","staff"'}),
        ("[staff, alumni]", {"staff,", "alumni"}),
    ],
)
def test_the_groups_claim_is_read_in_each_form_it_comes_in(claim: Any, groups: set[str]) -> None:
    from clinic_api.staff.claims import groups_of

    assert groups_of(claim) == groups


@pytest.mark.parametrize(
    ("q", "hit"),
    [
        ("1hehy7kb", True),
        ("IHEHY7KB", True),  # I heard as 1
        ("1HEH-Y7KB", True),
        ("mar", True),
        ("quenby-h", True),
        ("hart", True),  # either part of a double-barrelled name
        ("art", False),  # a word's start, not its middle
        ("marisol quen", True),  # the full name's start
        ("quenby marisol", True),  # surname first, as the desk often says it
        ("marisol hart", True),
        ("marisol marisol", False),  # each word its own
        ("marisol zed", False),  # every word must match
        ("QUENBY", True),
        ("2079460958", True),
        ("+44 20 7946", True),
        ("12", False),  # too few digits to mean a phone
    ],
)
def test_a_search_matches_a_reference_a_names_start_or_phone_digits(q: str, hit: bool) -> None:
    from clinic_api.staff.inbox import matches

    assert matches(STORED, q) is hit


@pytest.mark.parametrize(
    ("first", "last", "q"),
    [
        ("Zoë", "Núñez", "nunez"),
        ("Ana", "O\u2019Brien", "obrien"),
        ("Ana", "O'Brien", "o'br"),
        # Letters no accent stripping folds, as the site's search folds them.
        ("Ana", "Østergaard", "ostergaard"),
        ("Ana", "Łukasiewicz", "lukas"),
        ("Ana", "Strauß", "strauss"),
        ("Ana", "Ærø-Dahl", "aero dahl"),
        ("Ana", "Иванова", "ivanova"),  # a receptionist may have only Latin keys
        ("Ana", "Иванова", "Иван"),
    ],
)
def test_a_name_is_found_as_a_caller_spells_it(first: str, last: str, q: str) -> None:
    from clinic_api.staff.inbox import matches

    assert matches({**STORED, "firstName": first, "lastName": last}, q)
    assert matches({**STORED, "firstName": first, "lastName": last}, "zoe") is (first == "Zoë")
