"""Debian's Chromium driven by Playwright, as a patient's browser meets the site.

Playwright cannot download its own browser here: the project installs Debian's
`chromium-headless-shell` and `chromium` (`.ci/run`, `make browser`). The tests
drive the headless shell, as Playwright's own headless runs do: the same Blink
without the browser's user interface, half the CPU of `chromium --headless`.
Without the shell they drive `chromium`; without either they cannot run:
outside CI they are skipped with a loud reason; in CI (`CI=true`) the run
fails. Every page a test opens is checked for uncaught errors and console
errors (CSP refusals included), and can be scanned with axe-core and kept as
screenshots at phone and desktop widths under `test-artifacts/screenshots/`.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import ROOT

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TABLET_LANDSCAPE = {"width": 1024, "height": 768}
TABLET_PORTRAIT = {"width": 768, "height": 1024}
# The probe's flags: without the background-networking ones Chromium keeps
# trying hosts this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium reports every 4xx/5xx answer as a console error; a test that expects
# one (the 404 page, a refused form) names the status it expects.
_FAILED_LOAD = "Failed to load resource: the server responded with a status of"


def chromium_path() -> str:
    """Debian's Chromium headless shell, else its chromium, or a loud skip (a failure in CI)."""
    for name in ("chromium-headless-shell", "chromium"):
        path = shutil.which(name)
        if path is not None:
            return path
    message = (
        "Chromium is missing, so the browser tests cannot run: install Debian's packages "
        "(`apt-get install -y chromium-headless-shell chromium`, or `make browser`)."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    print(f"\n{'!' * 78}\n{message}\n{'!' * 78}", file=sys.stderr)
    pytest.skip(message)


@dataclass
class Watched:
    """What a page said while a test used it: uncaught errors and console errors."""

    page: Any
    errors: list[str] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)

    def allow_status(self, status: int) -> None:
        self.expected_statuses.add(status)

    def assert_quiet(self) -> None:
        unexpected = [error for error in self.errors if not self._expected(error)]
        assert unexpected == [], f"the page reported errors: {unexpected}"

    def _expected(self, error: str) -> bool:
        return error.startswith(_FAILED_LOAD) and any(
            f"status of {status}" in error for status in self.expected_statuses
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_context(browser: Any, *, javascript: bool = True, viewport: dict | None = None) -> Any:
    return browser.new_context(
        viewport=viewport or DESKTOP, java_script_enabled=javascript, locale="en-US"
    )


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    """A fresh desktop page with JavaScript; the test fails if the page reported errors."""
    context = open_context(browser)
    page = context.new_page()
    seen = Watched(page)
    page.on("pageerror", lambda error: seen.errors.append(f"uncaught: {error}"))
    page.on("console", lambda message: message.type == "error" and seen.errors.append(message.text))
    yield seen
    # A route handler still fetching when the page closes (the inbox's article titles) would
    # raise into the next test's setup: Playwright's own way to close with routes in flight.
    page.unroute_all(behavior="ignoreErrors")
    context.close()
    seen.assert_quiet()


def serious_accessibility_findings(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def keep_screenshots(
    page: Any, name: str, sizes: tuple[dict[str, int], ...] = (PHONE, DESKTOP)
) -> None:
    """The page at each size (a phone's and a desktop's by default), as test artefacts
    named by width ("home-390.png"); the page is left at the desktop's size."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def check_page(watched: Watched, name: str) -> None:
    """What every page owes a patient: no errors, no serious axe finding, no sideways scroll."""
    page = watched.page
    assert serious_accessibility_findings(page) == []
    keep_screenshots(page, name)
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} scrolls sideways at 390 px ({width} px wide)"


def fill_request(page: Any, *, phone: str = "503-555-0199") -> None:
    """The request form's required fields, as a new patient fills them in."""
    page.check("#patientStatus-new", force=True)
    page.fill("#firstName", "Robin")
    page.fill("#lastName", "Hale")
    page.fill("#phone", phone)
    page.check("#preferredContact-phone", force=True)
    page.select_option("#service", index=1)
    page.check("#consent")
