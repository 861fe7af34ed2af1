"""The staff inbox page as a receptionist uses it, in Chromium, at desktop and tablet sizes.

The page is served by the local stack's site server (its real CSP for /staff*);
Cognito and the inbox API are answered in the browser by the fakes in
staff_fakes.py, with the contract's shapes, so these tests are about the page:
sign-in steps, the list, one request, the changes, the errors, sign-out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from clinic_tools.local.cognito import LOCAL_STAFF_EMAIL
from tests.integration import staff_fakes
from tests.integration.browser import (
    DESKTOP,
    PHONE,
    TABLET_LANDSCAPE,
    TABLET_PORTRAIT,
    Watched,
    fill_request,
    keep_screenshots,
    serious_accessibility_findings,
)
from tests.integration.conftest import LocalStack
from tests.integration.staff_fakes import CODE, EMAIL, PASSWORD, FakeCognito, FakeInbox
from tests.integration.test_staff_sign_in import printed_password
from tests.integration.test_staff_workflow import clinic

pytestmark = [pytest.mark.integration, pytest.mark.browser]

NEWEST, OLDER, CONTACTED = "ABCD2345", "EFGH6789", "JKMN2345"


@dataclass
class Inbox:
    page: Any
    watched: Watched
    cognito: FakeCognito
    api: FakeInbox
    site: str

    def open(self) -> None:
        self.page.goto(f"{self.site}/staff/")
        self.page.wait_for_selector("#password-form:not([hidden])")

    def sign_in(self) -> None:
        self.open()
        self.page.fill("#email", EMAIL)
        self.page.fill("#password", PASSWORD)
        self.page.click("#password-form button[type=submit]")
        self.page.wait_for_selector("#code-form:not([hidden])")
        self.page.fill("#code", CODE)
        self.page.click("#code-form button[type=submit]")
        self.page.wait_for_selector("#requests li")

    def open_request(self, reference: str) -> None:
        self.page.click(f"button[data-reference='{reference}']")
        self.page.wait_for_selector(f"#detail-fields dd:has-text('{reference}')")

    def patches(self) -> list[dict[str, Any]]:
        return [call for call in self.api.seen if call["method"] == "PATCH"]


def _items() -> dict[str, dict[str, Any]]:
    return {
        NEWEST: staff_fakes.request_item(NEWEST, "2026-11-29T17:05:00Z"),
        OLDER: staff_fakes.request_item(
            OLDER,
            "2026-11-28T22:30:00Z",
            firstName="Sam",
            lastName="<b>Lee</b>",  # markup from the API stays text
            phone="+15035550177;ext=12",
            phoneDisplay="(503) 555-0177 ext. 12",
            preferredContact="text",
            sourceArticle=None,
            assignee="Jo",
        ),
        CONTACTED: staff_fakes.request_item(
            CONTACTED, "2026-11-27T16:00:00Z", firstName="Ari", status="contacted"
        ),
    }


@pytest.fixture
def inbox(local_stack: LocalStack, watched: Watched) -> Iterator[Inbox]:
    page = watched.page
    cognito = FakeCognito(local_stack.site)
    api = FakeInbox(_items())
    page.route(
        f"{local_stack.site}/config.json",
        lambda route: route.fulfill(json=staff_fakes.config(local_stack.site)),
    )
    page.route(staff_fakes.COGNITO, cognito.handle)
    page.route(re.compile(r".*/api/staff/requests.*"), api.handle)
    # The public API (articles' titles) is the local stack's own, as CloudFront's /api/ is.
    page.route(
        re.compile(r".*/api/articles/.*"),
        lambda route: route.fulfill(
            response=route.fetch(
                url=route.request.url.replace(f"{local_stack.site}/api", local_stack.api)
            )
        ),
    )
    yield Inbox(page, watched, cognito, api, local_stack.site)


def _check(inbox: Inbox, name: str, *sizes: dict[str, int]) -> None:
    assert serious_accessibility_findings(inbox.page) == []
    keep_screenshots(inbox.page, name, sizes or (DESKTOP,))


def _storage(page: Any) -> dict[str, Any]:
    return page.evaluate(
        "({local: {...localStorage}, session: {...sessionStorage}, cookies: document.cookie})"
    )


def test_signing_in_with_password_and_code_lists_the_new_requests(inbox: Inbox) -> None:
    page = inbox.page
    watched = inbox.watched
    watched.allow_status(400)  # the wrong code first
    inbox.open()
    assert page.get_attribute("meta[name=robots]", "content") == "noindex, nofollow"
    _check(inbox, "staff-sign-in")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#password-form button[type=submit]")
    page.wait_for_selector("#code-form:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "code"
    assert page.input_value("#password") == ""
    page.fill("#code", "000000")
    page.click("#code-form button[type=submit]")
    page.wait_for_selector("#signin-problem:has-text('code is not right')")
    page.fill("#code", CODE)
    page.click("#code-form button[type=submit]")
    page.wait_for_selector("#requests li")
    assert page.evaluate("document.activeElement.id") == "inbox-title"
    assert page.text_content("#account-email") == EMAIL
    # New requests only, newest first, each with what the front desk calls back with.
    rows = page.locator("#requests li")
    assert rows.count() == 2
    page.wait_for_selector("#requests li cite:has-text('Ketamine for anxiety: how soon')")
    first = rows.nth(0).inner_text()
    for shown in ("Robin Hale", "(503) 555-0199", "Prefers phone call", "Mon, Wed · mornings",
                  "Psychiatric evaluation", "From the article Ketamine for anxiety",
                  "Nov 29, 9:05 AM PST", "New", f"Reference {NEWEST}"):  # fmt: skip
        assert shown in first, shown
    assert "Nov 28, 2:30 PM" in rows.nth(1).inner_text()  # 22:30 UTC in Los Angeles
    # A number to dial, its extension after it (a tel: link of the digits alone would
    # dial the extension as part of the number).
    phones = [rows.nth(row).locator("a.phone") for row in (0, 1)]
    assert [phone.get_attribute("href") for phone in phones] == [
        "tel:+15035550199",
        "tel:+15035550177;ext=12",
    ]
    assert phones[1].inner_text() == "(503) 555-0177 ext. 12"
    assert "Sam <b>Lee</b>" in rows.nth(1).inner_text()  # as text, not markup
    assert page.locator("#requests b").count() == 0
    assert "2 new requests" in (page.text_content("#list-status") or "")
    # The API got the ID token; nothing was stored in the browser.
    (listing,) = [call for call in inbox.api.seen if call["path"] == "/staff/requests"]
    assert listing["headers"]["authorization"] == f"Bearer {staff_fakes.id_token(EMAIL, 1)}"
    assert listing["query"]["status"] == ["new"]
    assert _storage(page) == {"local": {}, "session": {}, "cookies": ""}
    targets = inbox.cognito.targets()
    assert targets == ["InitiateAuth", "RespondToAuthChallenge", "RespondToAuthChallenge"]
    _check(inbox, "staff-inbox", DESKTOP, TABLET_LANDSCAPE, TABLET_PORTRAIT)


def test_a_request_opens_in_full_and_is_marked_contacted_with_a_note_and_assigned(
    inbox: Inbox,
) -> None:
    page = inbox.page
    inbox.sign_in()
    inbox.open_request(NEWEST)
    assert page.evaluate("document.activeElement.id") == "detail-title"
    assert page.text_content("#detail-title") == "Robin Hale"
    fields = page.inner_text("#detail-fields")
    for shown in ("robin@example.org", "Phone call", "Telehealth", "Insurance", "Acme Health",
                  "Mornings are best.", "New patient", "Yes", "No"):  # fmt: skip
        assert shown in fields, shown
    assert page.locator("#history li").count() == 1
    _check(inbox, "staff-request", DESKTOP, TABLET_LANDSCAPE)
    page.select_option("#status-select", "contacted")
    page.fill("#change-note", "Left a voicemail; will try again Monday.")
    page.click("#change-save")
    page.wait_for_selector("#history li:nth-child(2)")
    (patch,) = inbox.patches()
    assert patch["body"] == {
        "status": "contacted",
        "note": "Left a voicemail; will try again Monday.",
    }
    assert patch["headers"]["if-match"] == '"v1"'
    assert patch["headers"]["authorization"].startswith("Bearer ")
    history = page.inner_text("#history li:nth-child(2)")
    assert "Status New → Contacted" in history and "Left a voicemail" in history
    page.wait_for_selector("#announce:has-text('Marked contacted, note added.')")
    assert page.input_value("#change-note") == ""
    assert "Contacted" in page.inner_text(f"#requests li:has([data-reference='{NEWEST}'])")
    # It stays where it was in the list of new requests, which no longer counts it.
    assert page.text_content("#list-status") == "1 new request. 1 shown is no longer New."
    # A note alone, then assigned and unassigned: each one change, on the newest ETag.
    page.fill("#change-note", "Prefers a call after 10.")
    page.click("#change-save")
    page.wait_for_selector("#history li:nth-child(3)")
    page.fill("#assignee", "Dana")
    page.click("#assign-save")
    page.wait_for_selector("#history li:nth-child(4):has-text('Assigned to Dana')")
    page.click("#unassign")
    page.wait_for_selector("#history li:nth-child(5):has-text('Unassigned')")
    bodies = [call["body"] for call in inbox.patches()]
    assert bodies[1:] == [
        {"note": "Prefers a call after 10."},
        {"assignee": "Dana"},
        {"assignee": None},
    ]
    assert [call["headers"]["if-match"] for call in inbox.patches()] == [
        '"v1"',
        '"v2"',
        '"v3"',
        '"v4"',
    ]


def test_someone_elses_change_is_loaded_and_explained(inbox: Inbox) -> None:
    page = inbox.page
    inbox.watched.allow_status(412)
    inbox.sign_in()
    inbox.open_request(NEWEST)
    inbox.api.changed_elsewhere(NEWEST, status="scheduled", assignee="Jo")
    page.select_option("#status-select", "contacted")
    page.fill("#change-note", "Called back.")
    page.click("#change-save")
    page.wait_for_selector("#inbox-problem:has-text('Someone else changed this request')")
    assert "Scheduled" in page.inner_text("#detail-fields")
    assert page.input_value("#status-select") == "scheduled"
    assert page.input_value("#change-note") == "Called back."  # nothing typed is lost
    page.click("#change-save")
    page.wait_for_selector("#history li:nth-child(2):has-text('Called back.')")
    assert inbox.patches()[-1]["headers"]["if-match"] == '"v2"'
    assert page.text_content("#inbox-problem") == ""  # the conflict is over
    page.click("#change-save")  # nothing changed since: said on screen, not only aloud
    page.wait_for_selector("#inbox-problem:has-text('Nothing to save')")


def test_an_assignment_typed_before_a_conflict_is_kept_as_a_note_is(inbox: Inbox) -> None:
    """The name typed in one tab was replaced by the other tab's when its save met a 412."""
    page = inbox.page
    inbox.watched.allow_status(412)
    inbox.sign_in()
    inbox.open_request(NEWEST)
    inbox.api.changed_elsewhere(NEWEST, assignee="Jo")
    page.fill("#assignee", "Lee")
    page.click("#assign-save")
    page.wait_for_selector("#inbox-problem:has-text('Someone else changed this request')")
    assert "Jo" in page.inner_text("#detail-fields")  # what is stored now, shown
    assert page.input_value("#assignee") == "Lee"  # what was typed, kept
    page.click("#assign-save")
    page.wait_for_selector("#detail-fields:has-text('Lee')")
    assert inbox.patches()[-1]["body"] == {"assignee": "Lee"}


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "Your session has ended"), (403, "is not on the clinic")],
)
def test_an_ended_session_or_an_account_not_on_the_staff_returns_to_sign_in(
    inbox: Inbox, status: int, message: str
) -> None:
    page = inbox.page
    inbox.watched.allow_status(status)
    inbox.sign_in()
    inbox.api.answer_with = status
    page.click("#filter-form button[type=submit]")
    page.wait_for_selector(f"#signin-problem:has-text('{message}')")
    assert page.is_hidden("#inbox")
    assert page.locator("#requests li").count() == 0
    assert "RevokeToken" in inbox.cognito.targets()


def test_an_inbox_that_is_down_is_not_called_a_connection_problem(inbox: Inbox) -> None:
    inbox.watched.allow_status(503)
    inbox.sign_in()
    inbox.api.answer_with = 503
    inbox.page.click(f"button[data-reference='{NEWEST}']")  # opening it
    inbox.page.wait_for_selector("#inbox-problem:has-text('not answering just now')")


def test_a_search_that_fails_keeps_the_list_shown(inbox: Inbox) -> None:
    """Staff lose nothing to a bad moment: the list stays as it was, with the reason, and
    the same search sent again shows its answer and clears the reason."""
    inbox.watched.allow_status(503)
    page = inbox.page
    inbox.sign_in()
    page.wait_for_selector(f"button[data-reference='{NEWEST}']")
    shown = page.locator("#requests li").count()
    inbox.api.answer_with = 503
    page.fill("#search-q", "robin")
    page.click("#filter-form button[type=submit]")
    page.wait_for_selector("#inbox-problem:has-text('not answering just now')")
    assert page.locator("#requests li").count() == shown
    assert "robin" not in page.locator("#list-status").inner_text()
    inbox.api.answer_with = None
    page.click("#filter-form button[type=submit]")
    page.wait_for_selector("#list-status:has-text('matching “robin”')")
    assert page.locator("#inbox-problem").inner_text().strip() == ""


def test_search_filter_and_more(inbox: Inbox) -> None:
    page = inbox.page
    inbox.sign_in()
    page.select_option("#status-filter", "all")
    page.wait_for_selector(f"button[data-reference='{CONTACTED}']")
    assert page.locator("#requests li").count() == 3
    page.fill("#search-q", "robin")
    page.click("#filter-form button[type=submit]")
    page.wait_for_selector("#list-status:has-text('1 request matching “robin”')")
    searched = inbox.api.seen[-1]
    assert (searched["method"], searched["path"]) == ("POST", "/staff/requests/search")
    assert (searched["body"]["q"], searched["body"]["status"]) == ("robin", "all")
    # What staff type stays out of every address: the page's and the API's.
    assert "robin" not in page.url
    assert not [seen["path"] for seen in inbox.api.seen if "robin" in str(seen["query"])]
    # Paging: 30 more requests come 25 at a time.
    for number in range(30):
        reference = f"P{number:07d}"
        inbox.api.items[reference] = staff_fakes.request_item(reference, "2026-11-01T10:00:00Z")
    page.fill("#search-q", "")
    page.click("#filter-form button[type=submit]")
    page.wait_for_selector("#more:not([hidden])")
    assert page.locator("#requests li").count() == 25
    page.click("#more")
    page.wait_for_selector("#requests li:nth-child(33)")
    assert page.is_hidden("#more")
    assert inbox.api.seen[-1]["query"]["cursor"] == ["25"]
    assert page.evaluate("document.activeElement.dataset.reference") is not None


def test_a_search_in_one_status_offers_every_status(inbox: Inbox) -> None:
    """A patient calling back quotes a request staff already marked contacted: searched
    under New, it is not there, and one click searches every status."""
    page = inbox.page
    inbox.sign_in()
    page.wait_for_selector(f"button[data-reference='{NEWEST}']")
    assert page.is_hidden("#search-all")
    page.fill("#search-q", "ari")
    page.click("#filter-form button[type=submit]")
    page.wait_for_selector("#list-status:has-text('No new requests matching “ari”')")
    _check(inbox, "inbox-search-every-status")
    page.click("#search-all")
    page.wait_for_selector(f"button[data-reference='{CONTACTED}']")
    assert page.input_value("#status-filter") == "all"
    searched = inbox.api.seen[-1]["body"]
    assert (searched["q"], searched["status"]) == ("ari", "all")
    assert page.is_hidden("#search-all")
    assert page.evaluate("document.activeElement.id") == "search-q"


def test_nothing_can_be_changed_until_the_opened_request_has_loaded(inbox: Inbox) -> None:
    """A save made while the request was still on its way would be lost: no forms until then."""
    page = inbox.page
    inbox.sign_in()
    inbox.api.hold_reads = True
    page.click(f"button[data-reference='{OLDER}']")
    page.wait_for_selector("#detail-title:has-text('Opening the request')")
    assert page.is_hidden("#change-form") and page.is_hidden("#assign-form")
    page.click(f"button[data-reference='{NEWEST}']")  # another, before the first has come
    inbox.api.release_reads()  # both answers arrive, the first-opened first
    page.wait_for_selector("#change-form:not([hidden])")
    page.wait_for_timeout(300)
    assert page.text_content("#detail-title") == "Robin Hale"  # the one opened last
    assert page.is_visible("#assign-form")


def test_overlapping_list_loads_show_each_request_once(inbox: Inbox) -> None:
    """A filter change and Find at once: only the last load's answer is shown."""
    page = inbox.page
    inbox.sign_in()
    inbox.api.hold_lists = 2  # both answers come after both loads began, the older first
    page.select_option("#status-filter", "all")  # a load begins on the change...
    page.click("#filter-form button[type=submit]")  # ...and another on Find
    page.wait_for_selector("#list-status:has-text('3 requests')")
    page.wait_for_timeout(300)  # both answers have been handled
    shown = page.eval_on_selector_all(
        "#requests li button", "all => all.map(b => b.dataset.reference)"
    )
    assert sorted(shown) == sorted(inbox.api.items)


def test_a_possible_duplicate_names_the_first_request_by_reference_and_opens_it(
    inbox: Inbox,
) -> None:
    page = inbox.page
    inbox.api.items[OLDER]["duplicateOf"] = NEWEST
    inbox.sign_in()
    inbox.open_request(OLDER)
    link = page.locator("#detail-fields dt:has-text('Possible duplicate of') + dd a")
    assert link.inner_text() == NEWEST
    keep_screenshots(page, "staff-duplicate", (DESKTOP, PHONE))
    link.click()
    page.wait_for_selector("#detail-title:has-text('Robin Hale')")
    assert page.inner_text("#detail-fields dt:has-text('Reference') + dd") == NEWEST
    assert page.get_attribute(f"button[data-reference='{NEWEST}']", "aria-current") == "true"
    assert [call["path"] for call in inbox.api.seen][-1] == f"/staff/requests/{NEWEST}"


def test_each_row_shows_its_reference_on_screen_and_the_articles_title(inbox: Inbox) -> None:
    """Patients quote the reference on the phone; the article's title comes from the public API."""
    page = inbox.page
    inbox.sign_in()
    reference = page.locator("#requests li").nth(0).locator(".reference-code")
    assert reference.inner_text() == NEWEST
    assert reference.bounding_box()["width"] > 40  # drawn, not only read to screen readers
    page.wait_for_selector("#requests li cite:has-text('Ketamine for anxiety: how soon')")


def test_an_article_the_public_api_no_longer_has_keeps_its_slug(inbox: Inbox) -> None:
    """Its 404 is problem+json, whose `title` ("Not Found") is no article's title."""
    inbox.watched.allow_status(404)
    slug = "an-article-since-unpublished"
    inbox.api.items[OLDER]["sourceArticle"] = slug
    page = inbox.page
    with page.expect_response(lambda response: slug in response.url) as asked:
        inbox.sign_in()
    assert asked.value.status == 404
    page.wait_for_timeout(200)  # the answer's body read, as the page reads it
    row = page.locator(f"#requests li:has(button[data-reference='{OLDER}'])")
    assert row.locator("cite").inner_text() == slug


def test_beside_the_list_a_request_has_no_back_button_and_its_arrival_is_an_event(
    inbox: Inbox,
) -> None:
    page = inbox.page
    inbox.sign_in()
    inbox.open_request(NEWEST)
    for size in (DESKTOP, TABLET_LANDSCAPE):  # the list is beside the request
        page.set_viewport_size(size)
        assert page.is_visible("#requests") and page.is_hidden("#back")
    page.set_viewport_size(TABLET_PORTRAIT)
    assert page.is_visible("#back")
    received = page.locator("#history li").nth(0)
    assert "Received · Status New" in received.inner_text()
    assert received.locator("blockquote").count() == 0  # not drawn as a staff note
    page.wait_for_selector("#detail-fields cite:has-text('Ketamine for anxiety: how soon')")


def test_on_a_portrait_tablet_a_request_replaces_the_list_and_back_returns_to_it(
    inbox: Inbox,
) -> None:
    page = inbox.page
    page.set_viewport_size(TABLET_PORTRAIT)
    inbox.sign_in()
    inbox.open_request(OLDER)
    assert page.is_hidden("#requests")
    assert serious_accessibility_findings(page) == []
    keep_screenshots(page, "staff-request", (TABLET_PORTRAIT,))
    page.set_viewport_size(TABLET_PORTRAIT)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= TABLET_PORTRAIT["width"]
    page.click("#back")
    assert page.is_visible("#requests")
    assert page.evaluate("document.activeElement.dataset.reference") == OLDER


def test_a_first_sign_in_sets_a_password_and_an_authenticator(inbox: Inbox) -> None:
    page = inbox.page
    inbox.cognito.new_user = True
    inbox.open()
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#password-form button[type=submit]")
    page.wait_for_selector("#new-password-form:not([hidden])")
    page.fill("#new-password", "A-new-Passw0rd-2026!")
    page.fill("#new-password-again", "A-new-Passw0rd-2026!")
    page.click("#new-password-form button[type=submit]")
    page.wait_for_selector("#setup-secret:has-text('JBSW')")
    assert page.text_content("#setup-secret") == "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"
    uri = page.text_content("#setup-uri") or ""
    assert uri.startswith("otpauth://totp/") and "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in uri
    assert EMAIL.replace("@", "%40") in uri
    assert page.get_attribute("#setup-link", "href") == uri
    assert serious_accessibility_findings(page) == []
    keep_screenshots(page, "staff-mfa-setup", (DESKTOP, TABLET_PORTRAIT))
    page.fill("#setup-code", CODE)
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector("#requests li")
    calls = inbox.cognito.calls
    assert [target for target, _ in calls] == [
        "InitiateAuth",
        "RespondToAuthChallenge",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "RespondToAuthChallenge",
    ]
    assert calls[1][1]["ChallengeResponses"] == {
        "USERNAME": "user-sub-1",
        "NEW_PASSWORD": "A-new-Passw0rd-2026!",
    }
    assert calls[4][1]["ChallengeName"] == "MFA_SETUP"


def test_sign_out_revokes_the_token_and_leaves_nothing_on_the_page(inbox: Inbox) -> None:
    page = inbox.page
    inbox.sign_in()
    inbox.open_request(NEWEST)
    page.click("#sign-out")
    page.wait_for_selector("#password-form:not([hidden])")
    page.wait_for_selector("#announce:has-text('You are signed out')", state="attached")
    assert page.locator("#requests li").count() == 0
    assert page.inner_text("#detail-fields") == ""
    assert "Robin" not in page.inner_text("body")
    target, body = inbox.cognito.calls[-1]
    assert (target, body) == ("RevokeToken", {"Token": "refresh-1", "ClientId": "inbox-client"})


def test_tokens_are_refreshed_before_they_expire_and_15_idle_minutes_sign_out(
    inbox: Inbox,
) -> None:
    page = inbox.page
    inbox.cognito.expires_in = 600  # ten minutes: refreshed after five
    page.clock.install()
    inbox.sign_in()
    page.mouse.click(5, 5)
    page.clock.run_for("05:30")
    _until(page, lambda: inbox.cognito.calls[-1][0] == "InitiateAuth")
    assert inbox.cognito.calls[-1][1]["AuthFlow"] == "REFRESH_TOKEN_AUTH"
    assert inbox.cognito.calls[-1][1]["AuthParameters"] == {"REFRESH_TOKEN": "refresh-1"}
    listed = len(inbox.api.seen)
    page.click("#filter-form button[type=submit]")
    _until(page, lambda: len(inbox.api.seen) > listed)
    latest = [call for call in inbox.api.seen if call["path"] == "/staff/requests"][-1]
    assert latest["headers"]["authorization"] == f"Bearer {staff_fakes.id_token(EMAIL, 2)}"
    # Then nobody touches the tablet for a quarter of an hour.
    page.clock.run_for("15:30")
    page.wait_for_selector("#signin-problem:has-text('15 minutes without activity')")
    assert page.is_hidden("#inbox")
    assert inbox.cognito.targets()[-1] == "RevokeToken"


def _until(page: Any, condition: Callable[[], bool], timeout_s: float = 5) -> None:
    """Waits for what the fakes recorded (the page's clock is Playwright's to move)."""
    for _ in range(int(timeout_s * 20)):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page did not get there")


def test_the_fakes_answer_with_the_contracts_shapes() -> None:
    """The fake list and detail carry exactly the contract's Summary and Detail fields."""
    api = FakeInbox(_items())
    listing = api.listing({"status": ["all"]})
    assert set(listing) == {"items", "nextCursor", "timeZone"}
    assert set(listing["items"][0]) == set(staff_fakes.SUMMARY_FIELDS)
    detail = json.loads(json.dumps(api.items[NEWEST]))
    extra = set(detail) - set(staff_fakes.SUMMARY_FIELDS)
    assert extra == {
        "email", "okToText", "okToLeaveVoicemail", "visitFormat", "payment", "insuranceCarrier",
        "message", "patientStatus", "consentVersion", "consentAt", "duplicateOf", "history",
    }  # fmt: skip


# --- end to end: the real local stack (moto's Cognito, the gateway's JWT authorizer,
# the staff function), as the done-when says --------------------------------


def test_the_front_desk_signs_in_and_marks_a_request_just_sent_contacted_with_a_note(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    # The list holds what the session's other tests sent too (the fuzzer's among them), whose
    # articles the public API may not have: the inbox asks for their titles and gets 404.
    watched.allow_status(404)
    page.goto(f"{local_stack.site}/request-appointment")
    page.wait_for_selector("#request-form")
    fill_request(page)
    page.click("#submit")
    page.wait_for_selector("#confirmation:not([hidden])")
    reference = page.text_content("#confirmation-reference") or ""

    page.goto(f"{local_stack.site}/staff/")
    page.fill("#email", LOCAL_STAFF_EMAIL)
    page.fill("#password", printed_password(local_stack))
    page.click("#password-form button[type=submit]")
    page.wait_for_selector("#code-form:not([hidden])")
    page.fill("#code", "123456")  # moto checks no TOTP codes (docs/local-development.md)
    page.click("#code-form button[type=submit]")
    row = page.locator(f"#requests li:has([data-reference='{reference}'])")
    row.wait_for()
    assert "Robin Hale" in row.inner_text() and "(503) 555-0199" in row.inner_text()
    # The clinic's time, with its zone: a receptionist elsewhere reads it right.
    assert re.search(r"Received .*\(\w{3} \d{1,2}, \d{1,2}:\d{2} [AP]M P[SD]T\)", row.inner_text())

    row.locator("button.request-open").click()
    page.wait_for_selector(f"#detail-fields dd:has-text('{reference}')")
    page.select_option("#status-select", "contacted")
    page.fill("#change-note", "Called back; booked an evaluation.")
    page.click("#change-save")
    page.wait_for_selector("#history li:has-text('Called back; booked an evaluation.')")
    assert "Status New → Contacted" in page.inner_text("#history")
    assert LOCAL_STAFF_EMAIL in page.inner_text("#history")
    assert serious_accessibility_findings(page) == []
    keep_screenshots(page, "staff-end-to-end", (DESKTOP, TABLET_PORTRAIT))

    audit = clinic(local_stack, "audit", reference)
    assert audit.returncode == 0, audit.stderr
    assert {"read", "update"} <= set(audit.stdout.split())
    assert LOCAL_STAFF_EMAIL in audit.stdout
