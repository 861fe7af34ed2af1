"""The site's one path rule set: the contract's paths, and node and Python agreeing on any path.

The rules live once, in the template's CloudFront Function. The deployed site
runs that JavaScript; `clinic dev` runs clinic_tools.site.paths over the same
JSON. Running the real function in node over a table of paths proves the two
readings cannot drift.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from clinic_tools.local.template import parse_template
from clinic_tools.site.paths import (
    PathRules,
    RulesNotFound,
    not_found_key,
    resolve,
    rules_function_code,
)
from clinic_tools.site.upload import STATUS_METADATA
from tests.unit.sam_template import TEMPLATE_PATH

# The contract's table (CONTRACT.md, "Path rules").
CONTRACT = {
    "/": "/index.html",
    "/articles/how-fast-does-ketamine-work": "/article.html",
    "/articles/how-fast-does-ketamine-work/": "/article.html",
    "/articles/tms-2": "/article.html",
    "/search": "/search.html",
    "/request-appointment": "/request-appointment.html",
    "/request-appointment/thank-you": "/thank-you.html",
    "/request-appointment/error": "/form-error.html",
    "/assets/css/theme.css": "/assets/css/theme.css",
    "/assets/js/app.js": "/assets/js/app.js",
    "/config.json": "/config.json",
    "/sitemap.xml": "/sitemap.xml",
    "/feed.xml": "/feed.xml",
    "/robots.txt": "/robots.txt",
    "/404.html": "/404.html",
    "/staff/": "/staff/index.html",
    "/staff": "/staff/index.html",
    "/staff/index.html": "/staff/index.html",
    "/pages/about": "/page.html",  # the clinic's pages (website.md, "Pages and providers")
    "/pages/our-services/": "/page.html",
    "/providers": "/team.html",
    "/providers/": "/team.html",
    "/providers/dr-elena-marsh": "/provider.html",
    "/providers/priya-nair-pmhnp/": "/provider.html",
}
NOT_FOUND = [
    "/nope",
    "/pages",
    "/pages/",
    "/pages/About",
    "/pages/a/b",
    "/providers/Dr-X",
    "/providers/a/b",
    "/about",
    "/articles",
    "/articles/",
    "/articles/Not-A-Slug",
    "/articles/a--b",
    "/articles/-a",
    "/articles/a/b",
    "/index",
    "/.env",
    "/.well-known/x.txt",
    "/assets/../template.yaml",
    "/assets/./app.js",
    "/x//y.js",
    "/x.",
    "/api/health",
    "/staff//",
    "/staff/requests",
    "",
]
# Where the two regular-expression dialects could part: line ends, Unicode, encodings.
TRICKY = [
    "//",
    "/\n",
    "/search\n",
    "/x.js\n",
    "/articles/a\n",
    "/caf\u00e9.html",
    "/\u00e9.js",
    "/articles/caf%C3%A9",
    "/x.JS",
    "/a_b~c-d.e_f",
    "/x.js%00",
    "/articles/\u0130",
    "/\u2028",
    "/search/",
    "/request-appointment/",
    "/" + "a" * 2000 + ".css",
    "/" + "a/" * 500 + "b.js",
]


def test_the_contract_paths_serve_their_files() -> None:
    assert {path: resolve(path) for path in CONTRACT} == CONTRACT


@pytest.mark.parametrize("path", NOT_FOUND)
def test_any_other_path_is_a_404(path: str) -> None:
    assert resolve(path) is None


def test_the_rules_are_read_from_the_template_function() -> None:
    code = rules_function_code(TEMPLATE_PATH)
    assert "function handler(event)" in code
    assert PathRules.from_code(code) == PathRules.from_template(TEMPLATE_PATH)


def test_a_path_no_rule_knows_is_served_the_404_page() -> None:
    rules = PathRules.from_template(TEMPLATE_PATH)
    assert rules.not_found == "/404.html" and not_found_key() == "404.html"
    assert [rules.key(path) for path in ("/nope", "/articles", "/")] == [
        "/404.html", "/404.html", "/index.html"
    ]  # fmt: skip


def test_a_template_without_the_marked_rules_is_refused(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources: {}\n")
    with pytest.raises(RulesNotFound):
        PathRules.from_template(template)
    with pytest.raises(RulesNotFound):
        PathRules.from_code("var RULES = [];")
    marked = "// RULES BEGIN\nvar RULES = [];\n// RULES END\n"
    with pytest.raises(RulesNotFound, match="NOT_FOUND"):
        PathRules.from_code(marked)


# --- the real CloudFront Functions, run in node ------------------------------------

# CloudFront Functions' event (cloudfront-js-2.0, viewer request), one per URI.
_HARNESS = r"""
const vm = require("vm");
const [code, uris] = JSON.parse(require("fs").readFileSync(0, "utf8"));
const context = vm.createContext({});
vm.runInContext(code, context);
const out = uris.map((uri) => context.handler({
  version: "1.0",
  context: { eventType: "viewer-request" },
  viewer: { ip: "192.0.2.1" },
  request: {
    method: "GET", uri: uri, querystring: {}, cookies: {},
    headers: { "x-viewer-address": { value: "203.0.113.66" } },  // a client's own claim
  },
}));
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node") or shutil.which("nodejs")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is missing: CI must run the template's CloudFront Functions")
        pytest.skip("NODE IS MISSING: install nodejs to check the CloudFront Functions")
    return found


def run_in_node(node: str, harness: str, code: str, events: list[Any]) -> list[Any]:
    """What the function's handler returns for each event, as CloudFront would run it."""
    done = subprocess.run(
        [node, "-e", harness],
        input=json.dumps([code, events]),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def run_viewer_request(node: str, code: str, uris: list[str]) -> list[str]:
    """The URI each request leaves the function with."""
    return [request["uri"] for request in run_in_node(node, _HARNESS, code, uris)]


def run_viewer_request_headers(node: str, code: str, uri: str) -> dict[str, Any]:
    return run_in_node(node, _HARNESS, code, [uri])[0]["headers"]


def _function_code(logical_id: str) -> str:
    document: dict[str, Any] = parse_template(TEMPLATE_PATH.read_text(encoding="utf-8"))
    return document["Resources"][logical_id]["Properties"]["FunctionCode"]


def _random_paths(count: int) -> list[str]:
    """Paths built from the characters the rules care about, the same every run."""
    pieces = ["/", ".", "-", "_", "~", "a", "z", "A", "0", "9", "%2F", "\n", "\u00e9", "articles",
              "search", "request-appointment", "thank-you", "error", "js", "html"]  # fmt: skip
    chooser = random.Random(9)  # noqa: S311 (repeatable test data)
    return ["/" + "".join(chooser.choices(pieces, k=chooser.randint(0, 8))) for _ in range(count)]


def test_node_and_python_serve_the_same_key_for_every_path(node: str) -> None:
    code = rules_function_code(TEMPLATE_PATH)
    rules = PathRules.from_code(code)
    not_found = rules.not_found
    paths = [*CONTRACT, *NOT_FOUND, *TRICKY, *_random_paths(2000)]
    served = run_viewer_request(node, code, paths)
    expected = [rules.key(path) for path in paths]
    disagreements = [
        (p, js, py) for p, js, py in zip(paths, served, expected, strict=True) if js != py
    ]
    assert not disagreements
    assert sum(key != not_found for key in served) > len(CONTRACT)  # not a vacuous agreement


def test_the_api_function_strips_the_prefix(node: str) -> None:
    uris = ["/api/articles", "/api/articles/tms", "/api/search", "/api/", "/api/appointments"]
    served = run_viewer_request(node, _function_code("SiteApiPrefixFunction"), uris)
    assert served == ["/articles", "/articles/tms", "/search", "/", "/appointments"]


def test_the_api_function_names_the_viewer_and_overwrites_a_clients_claim(node: str) -> None:
    headers = run_viewer_request_headers(
        node, _function_code("SiteApiPrefixFunction"), "/api/appointments"
    )
    assert headers["x-viewer-address"] == {"value": "192.0.2.1"}


# --- the 404 page's status (viewer response) -------------------------------------

_RESPONSE_HARNESS = r"""
const vm = require("vm");
const [code, responses] = JSON.parse(require("fs").readFileSync(0, "utf8"));
const context = vm.createContext({});
vm.runInContext(code, context);
const out = responses.map((response) => context.handler({
  version: "1.0",
  context: { eventType: "viewer-response" },
  viewer: { ip: "192.0.2.1" },
  request: { method: "GET", uri: "/anything", querystring: {}, cookies: {}, headers: {} },
  response: response,
}));
process.stdout.write(JSON.stringify(out));
"""


def run_viewer_response(node: str, responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    code = _function_code("SiteStatusFunction")
    return run_in_node(node, _RESPONSE_HARNESS, code, responses)


def _response(status: int, **headers: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "statusDescription": "OK",
        "headers": {name: {"value": value} for name, value in headers.items()},
        "cookies": {},
    }


def test_the_status_function_gives_the_404_page_its_status(node: str) -> None:
    page, other, revalidated = run_viewer_response(
        node,
        [
            _response(200, **{"x-amz-meta-status": "404", "content-type": "text/html"}),
            _response(200, **{"content-type": "text/html"}),
            _response(304, **{"x-amz-meta-status": "404"}),
        ],
    )
    assert (page["statusCode"], page["statusDescription"]) == (404, "Not Found")
    assert page["headers"] == {"content-type": {"value": "text/html"}}
    assert (other["statusCode"], other["headers"]) == (
        200,
        {"content-type": {"value": "text/html"}},
    )
    assert (revalidated["statusCode"], revalidated["headers"]) == (304, {})


def test_the_upload_marks_the_404_page_as_the_status_function_reads_it() -> None:
    code = _function_code("SiteStatusFunction")
    assert f'response.headers["x-amz-meta-{STATUS_METADATA}"]' in code
