"""A small site folder and a content folder holding only settings, for the site's tests.

The tests bring their own pages: they never depend on what site/ or content/ hold.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CONTENT

PAGES = {
    "index.html": "<!doctype html><title>Home</title><h1>Home</h1>",
    "article.html": "<!doctype html><title>Article</title><h1>Article</h1>",
    "404.html": "<!doctype html><title>Not found</title><h1>Page not found</h1>",
    "assets/css/theme.css": ":root { --accent: #205c8a; }",
    "assets/js/app.js": "export const ready = true;",
}


def write_site(folder: Path, pages: dict[str, str] = PAGES) -> Path:
    for name, text in pages.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def settings_only_content(folder: Path) -> Path:
    """content/'s site settings and authors, and no articles."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("site.yaml", "authors.yaml"):
        shutil.copy(CONTENT / name, folder / name)
    return folder
