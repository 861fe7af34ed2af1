"""The website as a patient uses it, in Chromium, on the local stack (site and API on two origins).

The stack serves the tests' own fixture content (tests/fixtures/content), never
the clinic's: the article, its sections and the typo below are the fixture's.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.integration.browser import (
    DESKTOP,
    PHONE,
    Watched,
    check_page,
    fill_request,
    keep_screenshots,
    open_context,
)
from tests.integration.conftest import LocalStack, stored_requests

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ARTICLE = "ketamine-for-anxiety-how-soon-it-helps"
TMS = "tms-for-depression"  # its call to action asks for ?service=tms-consultation
CLINIC = "Fernhill Mood Clinic"
SECTION = "maintenance-infusions"  # "### Maintenance infusions" in that article
TYPO = "maintenence infus"  # misspelt, the last word half-typed


def test_the_home_page_lists_articles_with_a_topic_filter(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    page.goto(local_stack.site + "/")
    page.wait_for_selector("#articles li a")
    assert page.locator("#articles li").count() >= 1
    page.wait_for_selector("#topic-chips :is(a, button, input)")
    check_page(watched, "home")


def test_an_article_page_has_its_headings_toc_json_ld_and_a_cta_with_its_slug(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    page.goto(f"{local_stack.site}/articles/{ARTICLE}")
    page.wait_for_selector("#article-body h2")
    assert page.locator("main h1").count() == 1
    assert page.title() != ""
    # Every H2 and H3 of the body is in the table of contents, and a TOC link jumps.
    heading_ids = page.eval_on_selector_all("#article-body :is(h2, h3)", "hs => hs.map(h => h.id)")
    toc_targets = page.eval_on_selector_all(
        "#toc a", "as => as.map(a => decodeURIComponent(a.hash.slice(1)))"
    )
    assert heading_ids and sorted(toc_targets) == sorted(heading_ids)
    page.click(f"#toc a[href='#{SECTION}']")
    assert page.evaluate("location.hash") == f"#{SECTION}"
    top = page.eval_on_selector(f"#{SECTION}", "h => h.getBoundingClientRect().top")
    assert 0 <= top < 300, "the TOC link brings its heading into view"
    # The head carries what search engines and link previews read.
    json_ld = page.eval_on_selector("head script[type='application/ld+json']", "s => s.textContent")
    assert json.loads(json_ld)["@type"] == "MedicalWebPage"
    assert page.get_attribute("head link[rel=canonical]", "href").endswith(f"/articles/{ARTICLE}")
    assert page.get_attribute("head meta[property='og:title']", "content")
    assert page.get_attribute("head meta[name=description]", "content")
    # Its author and reviewer link to their provider pages.
    people = page.eval_on_selector_all("#byline a", "as => as.map(a => a.getAttribute('href'))")
    assert people == ["/providers/dr-nadia-brandt", "/providers/dr-tomas-iver"]
    cta = page.get_attribute("#article-cta", "href")
    assert cta == f"/request-appointment?article={ARTICLE}"
    check_page(watched, "article")


def test_the_table_of_contents_is_folded_on_a_phone_and_open_beside_the_text(
    local_stack: LocalStack, browser: Any
) -> None:
    """On a phone it was open above the text, 470 px of links before the first word."""
    for viewport, folded in ((PHONE, True), (DESKTOP, False)):
        context = open_context(browser, viewport=viewport)
        page = context.new_page()
        try:
            page.goto(f"{local_stack.site}/articles/{ARTICLE}")
            page.wait_for_selector("#toc-list a", state="attached")
            assert page.eval_on_selector("#toc-fold", "d => d.open") is not folded
            if folded:
                assert page.eval_on_selector("#toc", "n => n.offsetHeight") < 100
                keep_screenshots(page, "article-toc-folded", (PHONE,))  # then at DESKTOP
                # The media query's change event comes after the resize, not with it: waited
                # for (it failed a CI run by reading `open` the instant the window widened).
                page.wait_for_function("() => document.querySelector('#toc-fold').open")
                page.set_viewport_size(PHONE)
                page.wait_for_function("() => !document.querySelector('#toc-fold').open")
                page.click("#toc-fold summary")
                page.click(f"#toc a[href='#{SECTION}']")
                assert page.evaluate("location.hash") == f"#{SECTION}"
        finally:
            context.close()


def test_searching_as_you_type_with_a_typo_reaches_the_right_section(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    page.goto(local_stack.site + "/")
    page.locator("#site-search").press_sequentially(TYPO, delay=30)
    option = page.locator("#site-search-listbox [role=option]").first
    option.wait_for()
    assert page.get_attribute("#site-search", "aria-expanded") == "true"
    assert page.locator("#site-search-listbox mark").count() >= 1  # highlighted matches
    # The first suggestion is the section its heading found: the heading's words marked.
    # (The list is redrawn as each lookup answers: wait for the whole query's, with two.)
    page.wait_for_selector(
        "#site-search-listbox [role=option]:first-child .suggestion-section mark:nth-of-type(2)"
    )
    marked = option.locator(".suggestion-section mark").all_inner_texts()
    assert marked == ["Maintenance", "infusions"], marked
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/articles/{ARTICLE}#{SECTION}")
    page.wait_for_selector(f"#{SECTION}")


def test_the_search_page_lists_every_hit_and_offers_a_correction(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    page.goto(f"{local_stack.site}/search?q=infusoin")  # a typo the API corrects
    page.wait_for_selector("#results li a")
    assert page.is_visible("#did-you-mean")
    said = page.inner_text("#did-you-mean")
    assert said.startswith("Nothing matched the words as typed. Showing results for infusion")
    assert page.title() == f"Search results for “infusoin”: {CLINIC}"
    check_page(watched, "search")
    # Two sections may share a heading: each says the H2 it sits under.
    page.goto(f"{local_stack.site}/search?q=what+the+research+shows")
    page.wait_for_selector("#results li a")
    shared = page.locator("#results li", has_text="What the research shows")
    places = {shared.nth(n).locator(".hit-article").inner_text() for n in range(shared.count())}
    assert len(places) == shared.count() >= 2, places
    # A hit its heading found marks the words there, not in a passage that lacks them.
    heading_marks = page.locator("#results li h2 mark").all_inner_texts()
    assert {"What", "research", "shows"} <= set(heading_marks), heading_marks
    assert page.is_hidden("#left-out")
    # A question as typed: its small words, which no section holds with the rest, left out.
    page.goto(f"{local_stack.site}/search?q=can+i+drive+after+my+ketamine+infusion")
    page.wait_for_selector("#results li a")
    assert page.inner_text("#left-out") == (
        "Showing results without “can”, “i”, “after” and “my”, which no page has with the"
        " other words."
    )
    assert page.is_hidden("#did-you-mean")


def test_a_request_sent_with_javascript_shows_its_reference_and_isstored_requests(
    local_stack: LocalStack, watched: Watched, requests_table: Any
) -> None:
    page = watched.page
    page.goto(f"{local_stack.site}/request-appointment?article={ARTICLE}")
    page.wait_for_selector("#request-form")
    check_page(watched, "request-appointment")
    fill_request(page)
    page.click("#submit")
    page.wait_for_selector("#confirmation:not([hidden])")
    reference = page.text_content("#confirmation-reference") or ""
    assert len(reference) == 8
    [item] = stored_requests(requests_table, reference)
    assert item["sourceArticle"] == ARTICLE
    # What the page put in its address (not the random port, which may hold "555").
    address = urlsplit(page.url)
    assert "Robin" not in address.path + address.query
    assert "555" not in address.path + address.query


def test_an_articles_call_to_action_chooses_its_service_on_the_form(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    page.goto(f"{local_stack.site}/articles/{TMS}")
    page.wait_for_selector("#article-body h2")
    page.click("#article-cta")
    page.wait_for_url(f"**/request-appointment?service=tms-consultation&article={TMS}")
    page.wait_for_function(
        "document.getElementById('service').value === 'tms-consultation'", polling=100
    )
    page.wait_for_load_state("networkidle")  # /site's refreshed list keeps the choice
    assert page.input_value("#service") == "tms-consultation"
    assert page.input_value("#sourceArticle") == TMS
    check_page(watched, "request-appointment-service")
    # A service the clinic does not offer leaves the choice to the person.
    page.goto(f"{local_stack.site}/request-appointment?service=no-such-service")
    page.wait_for_load_state("networkidle")
    assert page.input_value("#service") == ""


def rate_limited(local_stack: LocalStack, headers: dict[str, str]) -> Any:
    """A route handler answering the form's POST as the API does when rate-limited."""

    def answer(route: Any) -> None:
        route.fulfill(
            status=429,
            headers={
                **headers,
                "Access-Control-Allow-Origin": local_stack.site,
                "Access-Control-Expose-Headers": "retry-after",
            },
            content_type="application/problem+json",
            body='{"type":"about:blank","title":"Too Many Requests","status":429}',
        )

    return answer


@pytest.mark.parametrize(
    ("headers", "said"),
    [({"Retry-After": "170"}, "Please try again in about 3 minutes."), ({}, "wait a while")],
    ids=["retry-after", "none"],
)
def test_a_429_says_when_to_try_again(
    local_stack: LocalStack, watched: Watched, headers: dict[str, str], said: str
) -> None:
    page = watched.page
    watched.allow_status(429)
    page.route(f"{local_stack.api}/appointments", rate_limited(local_stack, headers))
    page.goto(f"{local_stack.site}/request-appointment")
    page.wait_for_selector("#request-form")
    fill_request(page)
    page.click("#submit")
    page.wait_for_selector("#form-alert p")
    assert said in (page.text_content("#form-alert") or "")
    if headers:
        check_page(watched, "request-appointment-429")


@pytest.mark.parametrize(
    ("phone", "sent"),
    [
        pytest.param("123 456 7890", True, id="the API refuses it (no area code 123)"),
        pytest.param("12345", False, id="the page refuses it (too few digits)"),
    ],
)
def test_a_bad_phone_is_shown_at_its_field_and_nothing_isstored_requests(
    local_stack: LocalStack, watched: Watched, requests_table: Any, phone: str, sent: bool
) -> None:
    page = watched.page
    watched.allow_status(422)
    posts: list[str] = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    before = requests_table.scan(Select="COUNT")["Count"]
    page.goto(f"{local_stack.site}/request-appointment")
    page.wait_for_selector("#request-form")
    fill_request(page, phone=phone)
    page.click("#submit")
    page.wait_for_selector("#phone[aria-invalid=true]")
    described = page.get_attribute("#phone", "aria-describedby") or ""
    messages = [page.text_content(f"#{name}") or "" for name in described.split()]
    assert any("phone" in message.lower() for message in messages)
    assert page.evaluate("document.activeElement.id") == "phone"
    assert requests_table.scan(Select="COUNT")["Count"] == before
    assert bool(posts) == sent


@pytest.mark.parametrize("name", ["R2D2", "-", "www.example.com/x"])
def test_a_name_the_api_refuses_is_shown_at_its_field_before_any_post(
    local_stack: LocalStack, watched: Watched, name: str
) -> None:
    """A refused post takes one of the sender's few posts per window: a patient's typos
    should not use them up."""
    page = watched.page
    posts: list[str] = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.goto(f"{local_stack.site}/request-appointment")
    page.wait_for_selector("#request-form")
    fill_request(page)
    page.fill("#firstName", name)
    page.click("#submit")
    page.wait_for_selector("#firstName[aria-invalid=true]")
    described = page.get_attribute("#firstName", "aria-describedby") or ""
    messages = [page.text_content(f"#{part}") or "" for part in described.split()]
    assert any("letters" in message for message in messages), messages
    assert posts == []
    page.fill("#firstName", "Zoë O\u2019Brien-Núñez")  # letters, marks and punctuation
    page.click("#submit")
    page.wait_for_selector("#confirmation:not([hidden])")


def test_text_me_without_the_box_that_allows_texts_is_shown_at_the_box(
    local_stack: LocalStack, watched: Watched, requests_table: Any
) -> None:
    page = watched.page
    before = requests_table.scan(Select="COUNT")["Count"]
    page.goto(f"{local_stack.site}/request-appointment")
    page.wait_for_selector("#request-form")
    fill_request(page)
    page.check("#preferredContact-text", force=True)
    page.click("#submit")
    page.wait_for_selector("#okToText[aria-invalid=true]")
    described = page.get_attribute("#okToText", "aria-describedby") or ""
    messages = " ".join(page.text_content(f"#{name}") or "" for name in described.split())
    assert "allow text messages" in messages
    assert requests_table.scan(Select="COUNT")["Count"] == before
    page.check("#okToText", force=True)
    page.click("#submit")
    page.wait_for_selector("#confirmation:not([hidden])")
    assert requests_table.scan(Select="COUNT")["Count"] == before + 1


def test_a_503_is_retried_with_the_same_idempotency_key(
    local_stack: LocalStack, watched: Watched, requests_table: Any
) -> None:
    page = watched.page
    watched.allow_status(503)
    keys: list[str] = []

    def first_unavailable(route: Any) -> None:
        keys.append(route.request.headers.get("idempotency-key", ""))
        if len(keys) == 1:
            route.fulfill(
                status=503,
                headers={
                    "Retry-After": "1",
                    "Access-Control-Allow-Origin": local_stack.site,
                    "Access-Control-Expose-Headers": "retry-after",
                },
                content_type="application/problem+json",
                body='{"type":"about:blank","title":"Service Unavailable","status":503}',
            )
        else:
            route.continue_()

    page.route(f"{local_stack.api}/appointments", first_unavailable)
    page.goto(f"{local_stack.site}/request-appointment")
    page.wait_for_selector("#request-form")
    fill_request(page)
    page.click("#submit")
    page.wait_for_selector("#confirmation:not([hidden])", timeout=15_000)
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    reference = page.text_content("#confirmation-reference") or ""
    assert len(stored_requests(requests_table, reference)) == 1


def test_a_request_sent_without_javascript_lands_on_the_thank_you_page_and_isstored_requests(
    local_stack: LocalStack, browser: Any, requests_table: Any
) -> None:
    context = open_context(browser, javascript=False)
    page = context.new_page()
    try:
        page.goto(f"{local_stack.site}/request-appointment")
        # Without JavaScript the services and consent text are already in the page.
        assert page.locator("#service option").count() >= 2
        assert (page.text_content("#consent-field") or "").strip()
        fill_request(page)
        # A browser posts a textarea's line breaks as CRLF: kept, as newlines.
        page.fill("#message", "Hello,\nI work nights.\nPlease call after 3pm.")
        page.click("#submit")
        page.wait_for_url("**/request-appointment/thank-you?reference=*")
        reference = page.url.rsplit("reference=", 1)[1]
        (stored,) = stored_requests(requests_table, reference)
        assert stored["message"] == "Hello,\nI work nights.\nPlease call after 3pm."
        assert "Robin" not in page.url
        # (No axe scan here: axe runs as a script, and this page has none; the same
        # pages are scanned with JavaScript on in the other tests.)
    finally:
        context.close()


def test_the_pages_after_a_form_post_explain_themselves(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    page.goto(f"{local_stack.site}/request-appointment/thank-you?reference=ABCD2345")
    page.wait_for_load_state("networkidle")
    check_page(watched, "thank-you")
    page.goto(f"{local_stack.site}/request-appointment/error?errors=phone:invalid_phone")
    page.wait_for_load_state("networkidle")
    assert "phone" in (page.text_content("main") or "").lower()
    check_page(watched, "form-error")
    # A rate-limited post without JavaScript: the API's 303 says how long to wait.
    page.goto(f"{local_stack.site}/request-appointment/error?error=rate_limited&retryAfter=420")
    page.wait_for_load_state("networkidle")
    assert "try again in about 7 minutes" in (page.text_content("#error-summary") or "")
    check_page(watched, "form-error-rate-limited")


def test_an_unknown_path_and_an_unknown_article_show_the_404_page(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    watched.allow_status(404)
    answer = page.goto(f"{local_stack.site}/no-such-page")
    assert answer is not None and answer.status == 404
    assert page.locator("main h1").count() == 1
    assert page.title() == f"Page not found: {CLINIC}"
    check_page(watched, "404")
    page.goto(f"{local_stack.site}/articles/no-such-article")
    page.wait_for_selector("meta[name=robots][content*=noindex]", state="attached")
    assert page.locator("main h1").count() == 1
