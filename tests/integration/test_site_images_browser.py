"""An article's pictures in Chromium, on a local stack of its own: the space each picture
takes is kept before it loads (no layout shift), the browser picks a copy from the srcset
that fits the screen, and /media/ answers as the distribution does.

Its own stack, because the pictures are drawn here (tests/pictures.py) into a copy of the
fixture clinic: the shared stack's content stays the committed fixture, which no test's
pictures change.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CONTENT
from tests.integration.browser import (
    PHONE,
    SCREENSHOTS,
    keep_screenshots,
    open_context,
    serious_accessibility_findings,
)
from tests.integration.conftest import ONE_WORKER, LocalStack, call, running_clinic_dev
from tests.pictures import drawing, photo

pytestmark = [pytest.mark.integration, pytest.mark.browser]

SLUG = "our-treatment-rooms"
BASE_URL = "https://www.fernhill-mood.example"  # the fixture's site.yaml
ARTICLE = """---
title: "Our treatment rooms"
description: "What the rooms look like, so that nothing is a surprise."
date: 2026-02-01
author: dr-nadia-brandt
tags: [what-to-expect]
image:
  src: rooms/treatment-room.jpg
  alt: "A treatment room with a reclining chair by a window"
---

Each room is quiet, with a reclining chair and a window.

![A timeline of a visit: check-in, the infusion, rest, the trip home](../images/visit.png)

## After the visit

You rest in the same room until you feel steady.
"""


PORTRAIT = "a-tall-picture"  # an article whose picture in the text stands upright
PORTRAIT_ARTICLE = """---
title: "The recovery chair"
description: "The chair you rest in after a treatment."
date: 2026-02-02
author: dr-nadia-brandt
---

You rest in a reclining chair by the window.

![A reclining chair by a window, seen from the door](../images/rooms/chair.jpg)
"""


@pytest.fixture(scope="module")
def picture_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    content = Path(shutil.copytree(CONTENT, tmp_path_factory.mktemp("pictures") / "content"))
    (content / "articles" / f"{SLUG}.md").write_text(ARTICLE, encoding="utf-8")
    photo(content / "images" / "rooms" / "treatment-room.jpg", 2000, 1200)
    (content / "articles" / f"{PORTRAIT}.md").write_text(PORTRAIT_ARTICLE, encoding="utf-8")
    photo(content / "images" / "rooms" / "chair.jpg", 1000, 1600)
    drawing(content / "images" / "visit.png", 1200, 400)
    # A provider's photo and the About page's picture: the fixture's, given pictures here.
    photo(content / "images" / "team" / "nadia.jpg", 600, 800)
    authors = content / "authors.yaml"
    authors.write_text(
        authors.read_text(encoding="utf-8").replace(
            "dr-nadia-brandt:\n",
            'dr-nadia-brandt:\n  photo: {src: team/nadia.jpg, alt: "Dr. Nadia Brandt"}\n',
        ),
        encoding="utf-8",
    )
    about = content / "pages" / "about.md"
    about.write_text(
        about.read_text(encoding="utf-8").replace(
            "navTitle: About\n",
            'navTitle: About\nimage: {src: rooms/treatment-room.jpg, alt: "Our treatment room"}\n',
        ),
        encoding="utf-8",
    )
    with running_clinic_dev(*ONE_WORKER, "--content", str(content)) as stack:
        yield stack


class HeldPictures:
    """/media/ requests held back until `release`, so the page can be measured before
    any picture has loaded (locally they would load before a test could look)."""

    def __init__(self, page: Any) -> None:
        self.held: list[Any] = []
        self.released = False
        page.route("**/media/**", self._hold)

    def _hold(self, route: Any) -> None:
        if self.released:
            route.continue_()
        else:
            self.held.append(route)

    def release(self) -> None:
        self.released = True
        for route in self.held:
            route.continue_()


BOXES = """() => [
  '#article-image img', '#article-body picture img', '#article-body h2', '#people-title',
].map((selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return [selector, Math.round(box.top), Math.round(box.width), Math.round(box.height)];
})"""
LOADED = """() => [...document.querySelectorAll('#article img')]
  .every((img) => img.complete && img.naturalWidth > 0)"""


def _open_article(browser: Any, stack: LocalStack, viewport: dict[str, int]) -> Any:
    context = open_context(browser, viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.errors = errors
    return page


def _held_article(browser: Any, stack: LocalStack, slug: str) -> tuple[Any, HeldPictures]:
    """An article at a desktop's size, its pictures held back until `held.release()`."""
    page = _open_article(browser, stack, {"width": 1280, "height": 900})
    held = HeldPictures(page)
    page.goto(f"{stack.site}/articles/{slug}")
    page.wait_for_selector("#article-body picture img")
    return page, held


def test_pictures_keep_their_space_while_loading_and_pick_a_fitting_copy(
    picture_stack: LocalStack, browser: Any
) -> None:
    page, held = _held_article(browser, picture_stack, SLUG)
    page.locator("#article-body picture img").scroll_into_view_if_needed()  # lazy: now wanted
    page.evaluate("window.scrollTo(0, 0)")
    for _ in range(50):  # both pictures asked for, none answered
        if len(held.held) >= 2:
            break
        page.wait_for_timeout(100)
    assert len(held.held) >= 2, [route.request.url for route in held.held]
    assert page.evaluate("[...document.querySelectorAll('#article img')].some(i => !i.complete)")
    before = page.evaluate(BOXES)
    held.release()
    page.wait_for_function(LOADED)
    after = page.evaluate(BOXES)
    assert after == before  # nothing moved when the pictures arrived
    feature, inline = before[0], before[1]
    assert feature[2] > 0 and feature[3] == round(feature[2] * 1200 / 2000)  # its shape, early
    assert inline[3] == round(inline[2] * 400 / 1200)

    for selector in ("#article-image img", "#article-body picture img"):
        width, height = (
            page.get_attribute(selector, "width"),
            page.get_attribute(selector, "height"),
        )
        assert width and height and int(width) > 0 and int(height) > 0, selector
    assert page.get_attribute("#article-body picture img", "loading") == "lazy"
    assert page.get_attribute("#article-body picture img", "decoding") == "async"
    # 48rem (768 px) at 1x: the 960-wide WebP of each, from the srcset.
    sources = page.eval_on_selector_all("#article img", "imgs => imgs.map(i => i.currentSrc)")
    assert [source.rsplit("-", 1)[1] for source in sources] == ["960.webp", "960.webp"]
    og_image = page.get_attribute("head meta[property='og:image']", "content") or ""
    assert og_image.startswith(f"{BASE_URL}/media/") and og_image.endswith("-1600.jpg")
    assert serious_accessibility_findings(page) == []
    keep_screenshots(page, "article-pictures")
    assert page.errors == []
    page.context.close()


def test_an_upright_picture_in_the_text_stays_within_the_screen(
    picture_stack: LocalStack, browser: Any
) -> None:
    page, held = _held_article(browser, picture_stack, PORTRAIT)
    box = "() => { const b = document.querySelector('#article-body img')" + (
        ".getBoundingClientRect(); return [Math.round(b.width), Math.round(b.height)]; }"
    )
    before = page.evaluate(box)
    held.release()
    page.wait_for_function(LOADED)
    width, height = page.evaluate(box)
    assert [width, height] == before  # its space was kept while it loaded
    assert height <= 0.75 * 900 + 1  # not a screen and a half of chair
    fit = page.eval_on_selector("#article-body img", "img => getComputedStyle(img).objectFit")
    assert fit == "contain"  # drawn whole, not squeezed to the box
    page.locator("#article-body img").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "article-upright-picture-1280.png"))
    assert page.errors == []
    page.context.close()


def test_a_phone_gets_the_smallest_copy_that_is_sharp_enough(
    picture_stack: LocalStack, browser: Any
) -> None:
    page = _open_article(browser, picture_stack, PHONE)
    page.goto(f"{picture_stack.site}/articles/{SLUG}")
    page.wait_for_function(
        "() => document.querySelector('#article-image img')?.complete"
        " && document.querySelector('#article-image img').naturalWidth > 0"
    )
    source = page.eval_on_selector("#article-image img", "img => img.currentSrc")
    assert source.endswith("-480.webp")  # 390 px wide at 1x
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the article scrolls sideways at 390 px ({width} px wide)"
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize(
    ("path", "selector", "ratio", "width"),
    [
        ("/providers", "#team img", 800 / 600, 128),  # as wide as team.js asks
        ("/providers/dr-nadia-brandt", "#provider-photo img", 800 / 600, 192),
        ("/pages/about", "main picture img", 1200 / 2000, None),
    ],
)
def test_the_team_a_provider_and_a_page_show_their_pictures_without_moving(
    picture_stack: LocalStack,
    browser: Any,
    path: str,
    selector: str,
    ratio: float,
    width: int | None,
) -> None:
    page = _open_article(browser, picture_stack, {"width": 1280, "height": 900})
    held = HeldPictures(page)
    page.goto(picture_stack.site + path)
    page.wait_for_selector(selector, state="attached")
    for _ in range(50):
        if held.held:
            break
        page.wait_for_timeout(100)
    box = f"() => {{ const b = document.querySelector('{selector}').getBoundingClientRect();"
    box += " return [Math.round(b.top), Math.round(b.width), Math.round(b.height)]; }"
    before = page.evaluate(box)
    assert before[1] > 0 and abs(before[2] - before[1] * ratio) <= 1, before  # shaped early
    assert width is None or before[1] == width, before
    held.release()
    page.wait_for_function(
        f"() => document.querySelector('{selector}').complete"
        f" && document.querySelector('{selector}').naturalWidth > 0"
    )
    assert page.evaluate(box) == before
    assert "/media/" in page.eval_on_selector(selector, "img => img.currentSrc")
    assert page.get_attribute(selector, "alt")
    assert serious_accessibility_findings(page) == []
    assert page.errors == []
    page.context.close()


def test_media_is_served_with_its_type_and_a_years_cache(picture_stack: LocalStack) -> None:
    article = call(f"{picture_stack.api}/articles/{SLUG}").json()
    for source in article["image"]["sources"]:
        for candidate in source["srcset"].split(", "):
            url = candidate.split(" ")[0]
            reply = call(picture_stack.site + url)
            assert reply.status == 200, url
            assert reply.headers["content-type"] == source["type"]
            assert reply.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert reply.headers["x-content-type-options"] == "nosniff"
