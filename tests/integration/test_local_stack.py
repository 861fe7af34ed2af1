"""The local stack over HTTP and boto3, as a frontend and a staff member use it."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import CONTENT
from tests.fixture_content import ANXIETY, DRAFT
from tests.integration.conftest import LocalStack, call, local_aws

pytestmark = pytest.mark.integration

ALLOWED_ORIGIN = "http://localhost:5173"  # samconfig.toml's local AllowedOrigins
REFUSED_ORIGIN = "https://evil.example"
SAMPLE_FILES = {path.stem for path in (CONTENT / "articles").glob("*.md")}


def test_health(local_stack: LocalStack) -> None:
    reply = call(f"{local_stack.api}/health")
    assert reply.status == 200
    assert reply.json() == {"status": "ok"}


def listed_slugs(stack: LocalStack) -> list[str]:
    reply = call(f"{stack.api}/articles?limit=50")
    assert reply.status == 200
    return [item["slug"] for item in reply.json()["items"]]


def test_articles_lists_the_sample_articles(local_stack: LocalStack) -> None:
    reply = call(f"{local_stack.api}/articles?limit=50")
    assert reply.status == 200
    page = reply.json()
    slugs = {item["slug"] for item in page["items"]}
    assert ANXIETY in slugs
    assert slugs <= SAMPLE_FILES - {DRAFT}
    assert page["total"] == len(slugs) >= 5


def test_article_then_304_with_if_none_match(local_stack: LocalStack) -> None:
    url = f"{local_stack.api}/articles/{ANXIETY}"
    first = call(url)
    assert first.status == 200
    assert first.json()["slug"] == ANXIETY
    etag = first.headers["etag"]
    again = call(url, headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.body == b""


def test_unknown_route_is_the_gateways_404(local_stack: LocalStack) -> None:
    for method, path in (("GET", "/no-such-route"), ("POST", "/articles")):
        reply = call(f"{local_stack.api}{path}", method=method)
        assert reply.status == 404
        assert reply.json() == {"message": "Not Found"}


def test_preflight_from_an_allowed_origin(local_stack: LocalStack) -> None:
    reply = call(
        f"{local_stack.api}/articles",
        method="OPTIONS",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert reply.status == 204
    assert reply.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "GET" in reply.headers["access-control-allow-methods"]
    assert "if-none-match" in reply.headers["access-control-allow-headers"]
    assert reply.headers["access-control-max-age"] == "600"


def test_simple_request_from_an_allowed_origin_exposes_etag(local_stack: LocalStack) -> None:
    reply = call(f"{local_stack.api}/articles", headers={"Origin": ALLOWED_ORIGIN})
    assert reply.status == 200
    assert reply.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "etag" in reply.headers["access-control-expose-headers"]


def test_a_refused_origin_gets_no_cors_headers(local_stack: LocalStack) -> None:
    preflight = call(
        f"{local_stack.api}/articles",
        method="OPTIONS",
        headers={"Origin": REFUSED_ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    plain = call(f"{local_stack.api}/articles", headers={"Origin": REFUSED_ORIGIN})
    assert "access-control-allow-origin" not in preflight.headers
    assert plain.status == 200
    assert "access-control-allow-origin" not in plain.headers


def test_concurrent_requests_all_get_their_own_answer(local_stack: LocalStack) -> None:
    listed = listed_slugs(local_stack)
    slugs = [listed[index % len(listed)] for index in range(20)]

    def fetch(slug: str) -> tuple[int, str]:
        reply = call(f"{local_stack.api}/articles/{slug}")
        return reply.status, reply.json()["slug"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(fetch, slugs))
    assert results == [(200, slug) for slug in slugs]


def test_eight_clients_at_once_on_articles_search_and_the_form_all_get_answers(
    local_stack: LocalStack,
) -> None:
    """A frontend developer's page firing requests: the stack queues them, drops none."""
    slug = listed_slugs(local_stack)[0]

    def client(number: int) -> list[tuple[str, int]]:
        answers: list[tuple[str, int]] = []
        until = time.monotonic() + 2  # a couple of seconds each; at least one round
        while not answers or time.monotonic() < until:
            sent = len(answers)
            form = {
                "patientStatus": "new",
                "firstName": "Load",
                "lastName": "Tester" + "abcdefgh"[number] + "xyz"[sent % 3] * (1 + sent // 3),
                "phone": f"+1 503 555 {number}{sent:03d}",
                "preferredContact": "phone",
                "service": "medication-management",
                "consent": True,
            }
            for kind, url, data in [
                ("article", f"{local_stack.api}/articles/{slug}", None),
                ("search", f"{local_stack.api}/search?q=ketamine", None),
                ("form", f"{local_stack.api}/appointments", json.dumps(form).encode()),
            ]:
                headers = {"content-type": "application/json"} if data else {}
                method = "POST" if data else "GET"
                answers.append((kind, call(url, method, headers, data).status))
        return answers

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = [answer for batch in pool.map(client, range(8)) for answer in batch]

    expected = {"article": 200, "search": 200, "form": 201}
    refused = [(kind, status) for kind, status in answers if status != expected[kind]]
    assert refused == [], _warnings(local_stack)  # what the functions said of it
    assert call(f"{local_stack.api}/health").status == 200


def _warnings(stack: LocalStack) -> str:
    """The stack's WARNING and ERROR lines (a 503 names the error type it met), the last 40."""
    lines = stack.log.read_text(errors="replace").splitlines()
    return "\n".join([line for line in lines if '"WARNING"' in line or '"ERROR"' in line][-40:])


def test_the_bucket_holds_the_published_objects(local_stack: LocalStack) -> None:
    s3 = local_aws().client("s3", endpoint_url=local_stack.aws)
    listing = s3.list_objects_v2(Bucket="clinic-content-local")
    keys = {item.get("Key") for item in listing.get("Contents", [])}
    assert {"index.json", "site.json", "openapi.json"} <= keys
    assert {f"articles/{slug}.json" for slug in listed_slugs(local_stack)} <= keys
    assert f"articles/{DRAFT}.json" not in keys  # drafts are never uploaded


def test_every_function_answer_says_nosniff(local_stack: LocalStack) -> None:
    """Added by the functions themselves, so the local stack shows what AWS will send."""
    json_body = {"Content-Type": "application/json"}
    replies = [
        call(f"{local_stack.api}/health"),
        call(f"{local_stack.api}/articles/no-such-article"),
        call(f"{local_stack.api}/appointments", "POST", json_body, b"{}"),
    ]
    assert [reply.status for reply in replies] == [200, 404, 422]
    for reply in replies:
        assert reply.headers["x-content-type-options"] == "nosniff", reply.status
