"""The website on the local stack in Chromium: bytes per page, and the time to an
article's text (`make bench-site`).

`clinic dev` starts with content/ (benchmarks/load.py's `start_stack`); Debian's
chromium, driven by Playwright, opens each page RUNS times in a fresh browser context
(an empty cache: a first visit) and then once more in the same context (a repeat
visit: the cache revalidates). For each page: the requests it made, the bytes they
brought (bodies as the local server sent them, what gzip would make of each body,
since CloudFront compresses text on the way out and the local server does not, and
what crossed the network, headers included: on a repeat visit the cache's share), and
for the article page the time from navigation to its text (`#article-body` holding
a paragraph), as the page's own `performance.now()` tells it. Medians.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from load import get, start_stack
from playwright.sync_api import BrowserContext, Page, Response, sync_playwright

RUNS = 5
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# When the article's text is on screen: the body holds a paragraph.
ARTICLE_TEXT = "#article-body p"
# Recorded by the page itself, so the figure is the browser's and not Playwright's round trips.
WATCH_TEXT = """
new MutationObserver((_, observer) => {
  if (document.querySelector('#article-body p')) {
    window.__textAt = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


@dataclass
class Visit:
    requests: int = 0
    body_bytes: int = 0
    gzip_bytes: int = 0
    transferred: int = 0  # bodies and headers over the network (0 for the browser's cache)
    by_type: Counter[str] = field(default_factory=Counter)  # resource type → body bytes
    statuses: Counter[int] = field(default_factory=Counter)
    text_ms: float | None = None
    load_ms: float | None = None


def _kind(response: Response) -> str:
    return response.request.resource_type  # document, stylesheet, script, fetch, image...


def visit(context: BrowserContext, url: str, wait_for: str | None) -> Visit:
    page: Page = context.new_page()
    seen = Visit()
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="load")
    if wait_for:
        page.wait_for_selector(wait_for)
        seen.text_ms = page.evaluate("window.__textAt")
    page.wait_for_load_state("networkidle")
    seen.load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    for response in responses:
        seen.requests += 1
        seen.statuses[response.status] += 1
        body = b"" if response.status in (204, 304) else _body(response)
        seen.body_bytes += len(body)
        seen.gzip_bytes += min(len(body), len(gzip.compress(body, 6))) if body else 0
        seen.by_type[_kind(response)] += len(body)
        sizes = response.request.sizes()
        seen.transferred += max(sizes["responseBodySize"], 0) + sizes["responseHeadersSize"]
    page.close()
    return seen


def _body(response: Response) -> bytes:
    try:
        return response.body()
    except Exception:  # a redirect or an aborted request has none
        return b""


def median(values: list[float | None]) -> float:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else float("nan")


def measure(site: str, api: str, runs: int) -> list[dict[str, Any]]:
    slug = json.loads(get(api, "/articles?limit=1")[1])["items"][0]["slug"]
    pages = {
        "home": ("/", None),
        "article": (f"/articles/{slug}", ARTICLE_TEXT),
        "search": ("/search?q=ketamine", None),
        "request form": ("/request-appointment", None),
    }
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        for name, (path, wait_for) in pages.items():
            first, repeat = [], []
            for _ in range(runs):
                context = browser.new_context()
                context.add_init_script(WATCH_TEXT)
                first.append(visit(context, site + path, wait_for))
                repeat.append(visit(context, site + path, wait_for))
                context.close()
            rows.append({"page": name, "path": path, "first": first, "repeat": repeat})
            print(f"measured {name}", flush=True)
        browser.close()
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    print(
        "\n| page | requests | bytes (as served locally) | gzipped (as CloudFront sends) "
        "| over the network | repeat visit: over the network | article text | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        first: list[Visit] = row["first"]
        repeat: list[Visit] = row["repeat"]
        last = repeat[-1]
        text = median([visit.text_ms for visit in first])
        text_cell = (
            ""
            if text != text  # NaN: a page without an article
            else f"{text:.0f} ms (repeat {median([v.text_ms for v in repeat]):.0f})"
        )
        one = first[-1]
        print(
            f"| {row['page']} `{row['path']}` | {one.requests} "
            f"| {one.body_bytes / 1024:.1f} KB | {one.gzip_bytes / 1024:.1f} KB "
            f"| {one.transferred / 1024:.1f} KB | {last.transferred / 1024:.1f} KB | {text_cell} "
            f"| {median([visit.load_ms for visit in first]):.0f} ms |"
        )
    print("\nBytes by kind, first visit (KB, as served):")
    for row in rows:
        kinds = ", ".join(
            f"{kind} {size / 1024:.1f}" for kind, size in row["first"][-1].by_type.most_common()
        )
        print(f"  {row['page']}: {kinds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    if shutil.which("chromium") is None:
        raise SystemExit("bench-site needs Debian's chromium: make browser")
    with tempfile.TemporaryDirectory(prefix="clinic-site-bench-") as folder:
        stack = start_stack(Path(folder))
        try:
            report(measure(stack.site, stack.api, args.runs))
        finally:
            stack.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
