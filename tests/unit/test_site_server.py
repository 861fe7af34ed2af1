"""The local site server behaves as the distribution: path rules, bucket, headers per
behavior, the 404 page's status, 304."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.test import Client

from clinic_tools.local.template import load_template
from clinic_tools.site.paths import PathRules
from clinic_tools.site.render import render_site
from clinic_tools.site.server import SiteServer, local_headers, with_api_origin
from clinic_tools.site.upload import site_settings, upload_site
from tests.aws_world import AwsWorld
from tests.conftest import isolate
from tests.unit.sam_template import TEMPLATE_PATH
from tests.unit.site_fixtures import PAGES, settings_only_content, write_site
from tests.worker_plugin import shared_client

API = "http://127.0.0.1:3917"
MOTO = "http://127.0.0.1:5917"
SITE = load_template(TEMPLATE_PATH).site
STAFF_PAGE = {"staff/index.html": "<!doctype html><title>Inbox</title><h1>Inbox</h1>"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, aws_world: AwsWorld) -> Iterator[Client]:
    """The template's site bucket in the tests' moto world, filled once: every test only
    reads it (the next test that needs the world as it was rebuilds it)."""
    assert SITE is not None
    with pytest.MonkeyPatch.context() as env:
        isolate(env)
        aws_world.ready(published=False)
        s3 = shared_client("s3")
        settings = site_settings(settings_only_content(tmp_path_factory.mktemp("content")))
        folder = write_site(tmp_path_factory.mktemp("site"), {**PAGES, **STAFF_PAGE})
        upload_site(render_site(folder, settings, API), SITE.bucket, s3, report=lambda _: None)
        distribution = SITE
        app = SiteServer(
            PathRules.from_template(TEMPLATE_PATH),
            s3,
            SITE.bucket,
            lambda path: local_headers(distribution.headers_for(path), API, MOTO),
        )
        yield Client(app)


def directives(csp: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in csp.split(";"))}


def test_the_home_page_is_index_html_with_the_distributions_headers(client: Client) -> None:
    answer = client.get("/")
    assert answer.status_code == 200
    assert answer.get_data(as_text=True) == PAGES["index.html"]
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.headers["Cache-Control"]
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_csp_lets_the_page_reach_the_local_api_and_nothing_else(client: Client) -> None:
    csp = directives(client.get("/").headers["Content-Security-Policy"])
    assert csp["connect-src"] == ["'self'", API]
    assert csp["form-action"] == ["'self'", API]
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("path", ["/articles/some-slug", "/articles/some-slug/"])
def test_an_article_path_serves_the_article_page(client: Client, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.get_data(as_text=True) == PAGES["article.html"]


def test_the_query_string_does_not_change_the_file(client: Client) -> None:
    assert client.get("/?utm_source=x").get_data(as_text=True) == PAGES["index.html"]


@pytest.mark.parametrize(
    "path", ["/nope", "/articles/Not_A_Slug", "/articles/caf%C3%A9", "/404.html", "/staff/x"]
)
def test_a_path_no_rule_knows_is_the_404_page_with_status_404(client: Client, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.get_data(as_text=True) == PAGES["404.html"]
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in answer.headers
    assert "x-amz-meta-status" not in {name.lower() for name, _ in answer.headers}


@pytest.mark.parametrize("path", ["/missing.css", "/search"])
def test_a_file_the_bucket_lacks_is_a_plain_404(client: Client, path: str) -> None:
    """As S3 answers the distribution, which may list the bucket (no page of its own)."""
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"].startswith("text/plain")


def test_the_404_page_revalidated_is_a_304_as_the_edge_answers(client: Client) -> None:
    etag = client.get("/nope").headers["ETag"]
    assert client.get("/nope", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path", ["/staff/", "/staff"])
def test_the_staff_page_may_reach_cognito_and_is_never_stored(client: Client, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.get_data(as_text=True) == STAFF_PAGE["staff/index.html"]
    assert answer.headers.getlist("Cache-Control") == ["no-store"]
    assert answer.headers["X-Robots-Tag"].startswith("noindex")
    csp = directives(answer.headers["Content-Security-Policy"])
    assert csp["connect-src"] == [
        "'self'", "https://cognito-idp.us-east-1.amazonaws.com", API, MOTO
    ]  # fmt: skip
    assert csp["form-action"] == ["'self'", API]
    assert csp["script-src"] == ["'self'"]


def test_only_the_staff_page_may_reach_cognito(client: Client) -> None:
    for path in ("/", "/nope", "/assets/js/app.js", "/config.json"):
        answer = client.get(path)
        assert "cognito" not in answer.headers["Content-Security-Policy"], path
        assert MOTO not in answer.headers["Content-Security-Policy"], path
        assert answer.headers.get("Cache-Control") != "no-store", path


def test_assets_and_config_are_served_as_themselves(client: Client) -> None:
    css = client.get("/assets/css/theme.css")
    assert (css.status_code, css.headers["Content-Type"]) == (200, "text/css; charset=utf-8")
    assert client.get("/config.json").get_json() == {"apiBase": API}


def test_a_current_copy_is_answered_304_without_a_body(client: Client) -> None:
    etag = client.get("/assets/js/app.js").headers["ETag"]
    again = client.get("/assets/js/app.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert client.get("/assets/js/app.js", headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_has_the_headers_and_no_body(client: Client) -> None:
    answer = client.head("/")
    assert answer.status_code == 200
    assert answer.get_data() == b""
    assert int(answer.headers["Content-Length"]) == len(PAGES["index.html"])


def test_only_get_and_head_are_allowed(client: Client) -> None:
    answer = client.post("/", data=b"x")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "GET, HEAD"


def test_the_api_origin_is_added_once_and_only_where_the_page_reaches_the_api() -> None:
    csp = "default-src 'self'; connect-src 'self'; form-action 'self' https://a.example"
    once = with_api_origin(csp, API, MOTO)
    assert with_api_origin(once, API, MOTO) == once
    assert once == (
        f"default-src 'self'; connect-src 'self' {API}; form-action 'self' https://a.example {API}"
    )


def test_the_local_cognito_stands_in_where_the_policy_names_cognito() -> None:
    csp = "connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com; form-action 'self'"
    assert with_api_origin(csp, API, MOTO) == (
        f"connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com {API} {MOTO}; "
        f"form-action 'self' {API}"
    )


def test_local_headers_leave_the_template_policy_as_it_is() -> None:
    assert SITE is not None
    policy: dict[str, Any] = dict(SITE.headers)
    local_headers(policy, API)
    assert policy == SITE.headers
