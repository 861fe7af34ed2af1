"""`clinic dev`'s overrides: whatever the ports, the API allows the site and redirects to it."""

from __future__ import annotations

import pytest

from clinic_tools.local.dev import browser_host, site_parameters
from clinic_tools.local.template import load_template
from tests.unit.sam_template import TEMPLATE_PATH

DEFAULTS = load_template(TEMPLATE_PATH).parameters


@pytest.mark.parametrize("port", [8000, 18431, 65000])
def test_the_api_allows_the_sites_origin_and_redirects_to_its_pages(port: int) -> None:
    origin = f"http://127.0.0.1:{port}"
    template = load_template(TEMPLATE_PATH, site_parameters(DEFAULTS, origin))
    assert template.cors is not None
    assert origin in template.cors.allow_origins
    assert f"http://localhost:{port}" in template.cors.allow_origins  # another origin to a browser
    # The template's own origins stay allowed (a frontend dev server of the clinic's own).
    assert set(DEFAULTS["AllowedOrigins"]) <= set(template.cors.allow_origins)
    environment = template.functions["AppointmentsFunction"].environment
    assert environment["THANK_YOU_URL"] == origin + DEFAULTS["ThankYouUrl"]
    assert environment["FORM_ERROR_URL"] == origin + DEFAULTS["FormErrorUrl"]
    # Notifications link to the local site's inbox, not the clinic's baseUrl.
    for function in ("NotifyFunction", "DigestFunction"):
        inbox = template.functions[function].environment["INBOX_URL"]
        assert inbox == origin + DEFAULTS["InboxUrl"] == f"{origin}/staff/"


def test_a_redirect_the_template_gives_as_a_url_is_left_alone() -> None:
    parameters = {**DEFAULTS, "ThankYouUrl": "https://www.clinic.example/thanks"}
    overrides = site_parameters(parameters, "http://127.0.0.1:8000")
    assert "ThankYouUrl" not in overrides
    assert overrides["FormErrorUrl"] == "http://127.0.0.1:8000" + DEFAULTS["FormErrorUrl"]


def test_a_template_without_those_parameters_gets_no_overrides() -> None:
    assert site_parameters({"Other": "x"}, "http://127.0.0.1:8000") == {}


def test_an_origin_is_not_listed_twice() -> None:
    parameters = {"AllowedOrigins": ["http://127.0.0.1:8000"]}
    overrides = site_parameters(parameters, "http://127.0.0.1:8000")
    assert overrides["AllowedOrigins"] == ["http://127.0.0.1:8000", "http://localhost:8000"]


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("localhost", "localhost")],  # noqa: S104
)
def test_the_browser_names_a_wildcard_address_by_loopback(host: str, expected: str) -> None:
    assert browser_host(host) == expected
