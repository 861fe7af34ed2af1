"""A compiled article's HTML cut into its intro and H2/H3 sections, as plain text.

Cut from the HTML the function serves (not from the Markdown), so a section's
id is exactly the `id` its heading carries there and in the article's `toc`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_SECTION_HEADINGS = {"h2", "h3"}
# Ends of blocks: words either side must not run together.
_BREAKS = {"p", "tr", "br", "blockquote", "pre", "h4", "h5", "h6", "hr"}
# Ends of cells and list items: a separator too where their text has no punctuation of its
# own, so that a snippet of a table or a list does not read as one run-on sentence.
_ITEMS = {"td", "th", "li", "dt", "dd"}
SEPARATOR = "·"
_PUNCTUATED = frozenset(".!?:;,…" + SEPARATOR)


@dataclass
class Section:
    id: str | None  # None for the intro, the text before the first H2/H3
    title: str
    level: int  # 2 or 3; 0 for the intro
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split()).removesuffix(f" {SEPARATOR}")


class _Splitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections = [Section(None, "", 0)]
        self._heading: list[str] | None = None  # the text of an H2/H3 being read
        self._last = ""  # the last character of the section's text, not a space

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SECTION_HEADINGS:
            self.sections.append(Section(dict(attrs).get("id") or None, "", int(tag[1])))
            self._heading = []
            self._last = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in _SECTION_HEADINGS and self._heading is not None:
            self.sections[-1].title = " ".join("".join(self._heading).split())
            self._heading = None
        elif tag in _ITEMS and self._last and self._last not in _PUNCTUATED:
            self.sections[-1].parts.append(f" {SEPARATOR} ")
            self._last = SEPARATOR
        elif tag in _BREAKS or tag in _ITEMS:
            self.sections[-1].parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
            return
        self.sections[-1].parts.append(data)
        self._last = data.rstrip()[-1:] or self._last


def split_sections(html: str) -> list[Section]:
    """The intro first (possibly empty), then each H2/H3 section in order."""
    splitter = _Splitter()
    splitter.feed(html)
    splitter.close()
    return splitter.sections


def parent_titles(sections: list[Section]) -> dict[int, str]:
    """For each H3 (by position), the title of the H2 above it."""
    parents: dict[int, str] = {}
    current = ""
    for position, section in enumerate(sections):
        if section.level == 2:
            current = section.title
        elif section.level == 3 and current:
            parents[position] = current
    return parents
