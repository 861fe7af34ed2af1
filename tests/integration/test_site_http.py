"""`clinic dev` serves the site on its own origin, as the distribution would; the API lets it in.

The stack runs with a small site of the test's own (not site/), on free ports:
whatever the ports, the site's CSP names the API and the API allows the site.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest

from tests.conftest import CONTENT
from tests.integration.conftest import (
    ONE_WORKER,
    LocalStack,
    call,
    preflight,
    running_clinic_dev,
)
from tests.unit.site_fixtures import PAGES, write_site

pytestmark = pytest.mark.integration

THANK_YOU = "<!doctype html><title>Thank you</title><h1>Thank you</h1>"
INBOX = "<!doctype html><title>Inbox</title><h1>Inbox</h1>"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    pages = {**PAGES, "thank-you.html": THANK_YOU, "staff/index.html": INBOX}
    site = write_site(tmp_path_factory.mktemp("site"), pages)
    with running_clinic_dev(*ONE_WORKER, "--site", str(site), "--content", str(CONTENT)) as running:
        yield running


def directives(csp: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in csp.split(";"))}


def test_the_banner_leads_with_the_site(stack: LocalStack) -> None:
    banner = [line for line in stack.log.read_text().splitlines() if line.startswith("clinic dev:")]
    assert banner[0] == f"clinic dev: site     {stack.site}/  (open this: the clinic's website)"


def test_the_home_and_an_article_path_are_their_pages(stack: LocalStack) -> None:
    home = call(f"{stack.site}/")
    assert (home.status, home.body.decode()) == (200, PAGES["index.html"])
    assert home.headers["content-type"].startswith("text/html")
    article = call(f"{stack.site}/articles/some-slug")
    assert (article.status, article.body.decode()) == (200, PAGES["article.html"])


def test_an_unknown_path_is_the_404_page_with_status_404(stack: LocalStack) -> None:
    missing = call(f"{stack.site}/nope")
    assert (missing.status, missing.body.decode()) == (404, PAGES["404.html"])


def test_the_csp_names_the_api_origin_and_config_json_the_api(stack: LocalStack) -> None:
    home = call(f"{stack.site}/")
    csp = directives(home.headers["content-security-policy"])
    assert stack.api in csp["connect-src"]
    assert stack.api in csp["form-action"]
    assert csp["script-src"] == ["'self'"]
    assert home.headers["x-frame-options"] == "DENY"
    config = call(f"{stack.site}/config.json").json()
    assert config["apiBase"] == stack.api
    # The inbox page signs in at moto's staff pool, the one clinic dev made.
    assert config["staff"]["cognitoEndpoint"] == f"{stack.aws}/"
    assert "cognito" not in " ".join(csp["connect-src"])  # only /staff* may reach it


def test_the_staff_page_may_reach_the_local_cognito_and_is_never_stored(
    stack: LocalStack,
) -> None:
    inbox = call(f"{stack.site}/staff/")
    assert (inbox.status, inbox.body.decode()) == (200, INBOX)
    assert inbox.headers["cache-control"] == "no-store"
    assert stack.aws in directives(inbox.headers["content-security-policy"])["connect-src"]


def test_a_preflight_from_the_site_origin_is_allowed(stack: LocalStack) -> None:
    allowed = preflight(
        f"{stack.api}/appointments", stack.site, "POST", "content-type,idempotency-key"
    )
    assert allowed.status in {200, 204}
    assert allowed.headers["access-control-allow-origin"] == stack.site
    assert "POST" in allowed.headers["access-control-allow-methods"]


def test_a_form_post_lands_on_the_sites_thank_you_page(stack: LocalStack) -> None:
    form = {
        "patientStatus": "new",
        "firstName": "Ingrid",
        "lastName": "Solberg",
        "phone": "+1 503 555 0173",
        "preferredContact": "phone",
        "service": "other",
        "consent": "on",
    }
    posted = call(
        f"{stack.api}/appointments",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": stack.site},
        data=urlencode(form).encode(),
    )
    assert posted.status == 303
    location = urlsplit(posted.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == stack.site
    landed = call(posted.headers["location"])
    assert (landed.status, landed.body.decode()) == (200, THANK_YOU)
