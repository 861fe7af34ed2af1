"""The clinic's pages, its team and a provider's page in Chromium, on the local stack.

The stack serves the tests' fixture content: pages/about.md (in the navigation as
"About") and authors.yaml's providers (two who see patients, one reviewer).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fixture_content import ABOUT, ANXIETY, NURSE_PRACTITIONER, PHYSICIAN, REVIEWER
from tests.integration.browser import Watched, check_page, fill_request, open_context
from tests.integration.conftest import LocalStack, stored_requests

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def nav_links(page: Any) -> list[tuple[str, str]]:
    found = page.eval_on_selector_all(
        ".site-nav a", "as => as.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )
    return [(text, href) for text, href in found]


def test_the_about_page_shows_its_sections_contents_and_json_ld(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    page.goto(f"{local_stack.site}/pages/{ABOUT}")
    page.wait_for_selector("#page-body h2")
    assert page.text_content("main h1") == "About the Fernhill Mood Clinic"
    assert page.locator("main h1").count() == 1
    toc = page.eval_on_selector_all("#toc a", "as => as.map(a => a.hash)")
    assert toc == ["#getting-here", "#our-team"]
    # The head is described once /site has answered too; the title names the clinic once.
    page.wait_for_selector("head script[type='application/ld+json']", state="attached")
    json_ld = page.eval_on_selector("head script[type='application/ld+json']", "s => s.textContent")
    assert json.loads(json_ld)["@type"] == "AboutPage"
    assert page.get_attribute("head link[rel=canonical]", "href").endswith(f"/pages/{ABOUT}")
    assert page.title() == "About the Fernhill Mood Clinic"
    # This page's link in the navigation says it is the page shown.
    assert page.get_attribute(f".site-nav a[href='/pages/{ABOUT}']", "aria-current") == "page"
    check_page(watched, "page-about")


def test_every_page_shows_the_navigation_even_without_javascript(
    local_stack: LocalStack, browser: Any
) -> None:
    context = open_context(browser, javascript=False)
    page = context.new_page()
    try:
        for path in ("/", "/search", "/request-appointment", f"/providers/{PHYSICIAN}"):
            page.goto(local_stack.site + path)
            links = nav_links(page)
            assert ("About", f"/pages/{ABOUT}") in links, path
            assert ("Our team", "/providers") in links, path
            assert links.index(("About", f"/pages/{ABOUT}")) < links.index(
                ("Our team", "/providers")
            )
    finally:
        context.close()


def test_without_javascript_each_page_offers_what_works_without_it(
    local_stack: LocalStack, browser: Any
) -> None:
    """The reading pages are filled by scripts: each offers the form and the phone instead
    (never a link to another page that needs scripts); the error page's one static note
    covers a field to fix and too many requests alike."""
    context = open_context(browser, javascript=False)
    page = context.new_page()
    pages = ("/", "/search?q=ketamine", f"/articles/{ANXIETY}", f"/pages/{ABOUT}", "/providers")
    try:
        for path in pages:
            page.goto(local_stack.site + path)
            note = page.locator("main p", has_text="needs JavaScript")
            assert note.count() == 1, path
            assert note.locator("a[href='/request-appointment']").count() == 1, path
            assert note.locator("a[href^='tel:']").count() == 1, path
        page.goto(local_stack.site + "/request-appointment/error?error=rate_limited&retryAfter=60")
        assert page.locator("main p", has_text="wait a few minutes").count() == 1
    finally:
        context.close()


def test_the_navigation_leads_from_the_home_page_to_about_and_the_team(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    page.goto(local_stack.site + "/")
    page.wait_for_selector("#articles li a")  # /site has answered by then, or soon after
    page.click(".site-nav a:text-is('About')")
    page.wait_for_url(f"**/pages/{ABOUT}")
    page.wait_for_selector("#page-body h2")
    page.click(".site-nav a:text-is('Our team')")
    page.wait_for_url("**/providers")
    page.wait_for_selector("#team li a")


def test_the_team_page_lists_everyone_with_links_to_their_pages(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    page.goto(f"{local_stack.site}/providers")
    page.wait_for_selector("#team li a")
    links = page.eval_on_selector_all("#team h2 a", "as => as.map(a => a.getAttribute('href'))")
    assert links == [f"/providers/{slug}" for slug in (PHYSICIAN, REVIEWER, NURSE_PRACTITIONER)]
    assert page.get_attribute(".site-nav a[href='/providers']", "aria-current") == "page"
    assert "Medical director" in (page.text_content("#team") or "")
    check_page(watched, "team")


def test_a_provider_page_lists_their_articles_and_asks_for_them_by_name(
    local_stack: LocalStack, watched: Watched, requests_table: Any
) -> None:
    page = watched.page
    page.goto(f"{local_stack.site}/providers/{PHYSICIAN}")
    page.wait_for_selector("#provider-articles li a")
    assert page.text_content("main h1") == "Nadia Brandt"
    articles = page.eval_on_selector_all(
        "#provider-articles a", "as => as.map(a => a.getAttribute('href'))"
    )
    assert articles and all(href.startswith("/articles/") for href in articles)
    assert page.locator("#provider-bio p").count() >= 1
    json_ld = page.eval_on_selector("head script[type='application/ld+json']", "s => s.textContent")
    assert json.loads(json_ld)["@type"] == "Physician"
    check_page(watched, "provider")
    page.set_viewport_size({"width": 1280, "height": 900})
    # "Request an appointment" opens the form with them chosen, and the request names them.
    page.click("#provider-cta-link")
    page.wait_for_url(f"**/request-appointment?provider={PHYSICIAN}")
    page.wait_for_function(
        f"document.getElementById('provider').value === '{PHYSICIAN}'", polling=100
    )
    fill_request(page)
    page.click("#submit")
    page.wait_for_selector("#confirmation:not([hidden])")
    reference = page.text_content("#confirmation-reference") or ""
    (stored,) = stored_requests(requests_table, reference)
    assert stored["provider"] == PHYSICIAN


def test_a_provider_who_sees_no_patients_has_no_request_button(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    page.goto(f"{local_stack.site}/providers/{REVIEWER}")
    page.wait_for_selector("#provider:not([hidden])")
    assert page.is_hidden("#provider-cta")
    assert page.is_hidden("#provider-services-section")  # authors.yaml gives them none
    check_page(watched, "provider-reviewer")


def test_an_unknown_page_or_provider_shows_the_not_found_content(
    local_stack: LocalStack, watched: Watched
) -> None:
    page = watched.page
    watched.allow_status(404)
    for path in ("/pages/no-such-page", "/providers/dr-nobody"):
        page.goto(local_stack.site + path)
        page.wait_for_selector("meta[name=robots][content*=noindex]", state="attached")
        assert page.text_content("main h1") == "We can\u2019t find that page", path
