"""Markdown → sanitised HTML, heading ids, table of contents, plain text.

markdown-it-py parses (CommonMark, tables, front matter), a small core rule
gives h2..h6 stable ids, and nh3 sanitises what is rendered. Raw HTML is
parsed as HTML so that the loader can refuse it by line (`raw_html`) rather
than publish it as visible `&lt;div&gt;` text; HTML comments, an author's notes,
are dropped here and reach no reader.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.front_matter import front_matter_plugin

_ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "a", "blockquote",
    "code", "pre", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "s",
    "picture", "source", "img",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "*": set(),  # not nh3's default, lang and title on every tag
    **{tag: {"id"} for tag in ("h2", "h3", "h4", "h5", "h6")},
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    # What images.picture_html writes, and nothing else (no title, class or style).
    "source": {"type", "srcset", "sizes"},
    "img": {"src", "srcset", "sizes", "width", "height", "alt", "loading", "decoding"},
}
# The schemes a link may use; the sanitiser drops any other href, so the loader refuses one
# by line (`links`) rather than publish a link that leads nowhere.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# `![](images/x.jpg "decorative")`: the title that marks a picture as decoration (alt="").
DECORATIVE = "decorative"
# A Markdown image as HTML: `(src as written, alt)` → a `<picture>` (images.ShownPictures.html).
PictureHtml = Callable[[str, str], str]
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")  # don't and 24-hour are one word each
_LINK_AS_TEXT = re.compile(r"!?\[[^\]]*\]\(([^)\n]*)\)")  # a link the parser did not read
_UNREAD = "unread_links"  # an inline token's meta: [(lines into it, address)] of such links
# Comments and white space only: a comment's text holds no `-->` (`.*?` alone took
# `<!-- a --> text <!-- b -->` for one comment, and the text went with it).
_COMMENT = r"<!--(?:(?!-->).)*-->"
_COMMENTS = re.compile(rf"\s*(?:{_COMMENT}\s*)+", re.DOTALL)


def slugify(text: str) -> str:
    """`What the research shows` → `what-the-research-shows` (ASCII, hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def inline_text(token: Token) -> str:
    """The plain text of an inline token: text and code, breaks as spaces."""
    parts = []
    for child in token.children or ():
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)


# The ids the site's article, page and provider pages have (their HTML, the partials they
# share, the search box's suggestions): a heading given one would take its place, as
# "## People" took the authors' cards. tests/unit/test_compile.py reads them from site/.
PAGE_IDS = frozenset(
    """main not-found site-search site-search-listbox site-search-popup footer-contact
    footer-emergency article article-body article-cta article-dates article-description
    article-image article-status article-tags article-title articles-title byline cta-name
    cta-title page page-body page-description page-status page-title people people-title
    provider provider-articles provider-articles-section provider-bio provider-credentials
    provider-cta provider-cta-link provider-name provider-photo provider-role
    provider-services provider-services-section provider-specialties provider-status
    provider-specialties-section related related-list related-title services-title
    specialties-title toc toc-fold toc-list toc-title""".split()  # noqa: SIM905 (a list of words)
)
_SUGGESTION_ID = re.compile(r"site-search-option-[0-9]+")  # made as the box suggests


def _page_id(candidate: str) -> bool:
    return candidate in PAGE_IDS or _SUGGESTION_ID.fullmatch(candidate) is not None


def _heading_ids(state: StateCore) -> None:
    """Unique ids, none the page's own: the slugified heading text, then `-2`, `-3`."""
    used: set[str] = set()
    for token, inline in _headings(state.tokens):
        base = candidate = slugify(inline_text(inline))
        repeat = 1
        # `FAQ`, `FAQ`, `FAQ 2` → faq, faq-2, faq-2-2; `People` → people-2
        while candidate in used or _page_id(candidate):
            repeat += 1
            candidate = f"{base}-{repeat}"
        used.add(candidate)
        token.attrSet("id", candidate)


def _headings(tokens: list[Token]) -> Iterator[tuple[Token, Token]]:
    for position, token in enumerate(tokens):
        if token.type == "heading_open":
            yield token, tokens[position + 1]


def _is_comment(html: str) -> bool:
    return _COMMENTS.fullmatch(html) is not None


def text_beside_comments(html: str) -> str | None:
    """The text of raw HTML that is comments and plain text (`<!-- a --> Call 988.`): what
    an author meant as text, whom "no raw HTML" would not tell what is wrong. None for
    anything else."""
    text = " ".join(re.sub(_COMMENT, " ", html, flags=re.DOTALL).split())
    return text if html.lstrip().startswith("<!--") and "<" not in text else None


def _drop_comments(state: StateCore) -> None:
    """`<!-- a note for editors -->`, as a block or inline: gone before anything reads it."""
    state.tokens = [
        token
        for token in state.tokens
        if not (token.type == "html_block" and _is_comment(token.content))
    ]
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = [
                child
                for child in token.children
                if not (child.type == "html_inline" and _is_comment(child.content))
            ]


def _children(token: Token) -> Iterator[tuple[int, Token]]:
    """(line, child) for an inline token's children, lines counted from 1."""
    line = token.map[0] + 1 if token.map else 0
    for child in token.children or ():
        yield line, child
        if child.type in {"softbreak", "hardbreak"}:
            line += 1
        else:
            line += child.content.count("\n")


def unread_links(tokens: list[Token]) -> Iterator[tuple[int, str]]:
    """(line, address) for each `[text](address)` or `![alt](src)` the parser kept as text,
    as it does when the address holds a space: the reader would see the brackets."""
    for token in tokens:
        if token.type == "inline" and token.map:
            for lines_in, address in token.meta.get(_UNREAD, ()):
                yield token.map[0] + 1 + lines_in, address


def _mark_unread_links(state: StateCore) -> None:
    """Before text_join merges them, each inline token's text as the reader sees it, with
    an escaped or encoded character, code, a picture or raw HTML as one neutral letter:
    only brackets typed as such can look like a link the parser did not read."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            seen = "".join(_as_seen(child) for child in token.children)
            found = [
                (seen.count("\n", 0, match.start()), match.group(1))
                for match in _LINK_AS_TEXT.finditer(seen)
            ]
            if found:
                token.meta[_UNREAD] = found


def _as_seen(child: Token) -> str:
    if child.type == "text":
        return child.content
    if child.type in {"softbreak", "hardbreak"}:
        return "\n"
    return "" if child.nesting else "x"  # emphasis and links keep their text between them


def raw_html(tokens: list[Token]) -> Iterator[tuple[int, str]]:
    """(line, HTML) for each piece of raw HTML in parsed Markdown, lines counted from 1."""
    for token in tokens:
        if token.type == "html_block" and token.map:
            yield token.map[0] + 1, token.content
        elif token.type == "inline" and token.map:
            for line, child in _children(token):
                if child.type == "html_inline":
                    yield line, child.content


def images(tokens: list[Token]) -> Iterator[tuple[int, Token]]:
    """(line, token) for each `![alt](src "title")`, lines counted from 1."""
    for token in tokens:
        if token.type == "inline" and token.map:
            for line, child in _children(token):
                if child.type == "image":
                    yield line, child


def links(tokens: list[Token]) -> Iterator[tuple[int, str]]:
    """(line, href) for each link, `[text](href)` or `<href>`, lines counted from 1."""
    for token in tokens:
        if token.type == "inline" and token.map:
            for line, child in _children(token):
                if child.type == "link_open":
                    yield line, str(child.attrGet("href") or "")


def image_alt(token: Token) -> str:
    """The alt text as plain text (`![a *calm* room](...)` → "a calm room")."""
    return "".join(
        child.content for child in token.children or () if child.type in {"text", "code_inline"}
    ).strip()


def _image_rule(pictures: PictureHtml | None) -> Any:
    """The renderer's rule for `![alt](src "title")`: the publisher's `<picture>`. The loader
    has refused every reference it cannot make one for; a parser made without `pictures`
    (the loader's: it only parses) has nothing to render one with."""

    def render(
        self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        if pictures is None:
            raise ValueError("this Markdown parser renders no pictures: parse_markdown(pictures)")
        token = tokens[idx]
        alt = "" if token.attrGet("title") == DECORATIVE else image_alt(token)
        return pictures(str(token.attrGet("src")), alt)

    return render


def parse_markdown(pictures: PictureHtml | None = None) -> MarkdownIt:
    """The one Markdown parser; `pictures` renders each image (compiling needs it)."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": True})
    # Every link parses as a link, `javascript:` too (markdown-it would leave it as text):
    # the loader refuses each scheme outside URL_SCHEMES by line.
    md.validateLink = lambda url: True
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(front_matter_plugin)
    md.core.ruler.before("text_join", "unread_links", _mark_unread_links)
    md.core.ruler.push("drop_comments", _drop_comments)
    md.core.ruler.push("heading_ids", _heading_ids)
    md.add_render_rule("image", _image_rule(pictures))
    return md


def render_html(md: MarkdownIt, tokens: list[Token]) -> str:
    html = md.renderer.render(tokens, md.options, {})
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},
    )


def table_of_contents(tokens: list[Token]) -> list[dict[str, Any]]:
    """H2 nodes with their H3 children; an H3 before any H2 stands at the top."""
    toc: list[dict[str, Any]] = []
    for token, inline in _headings(tokens):
        if token.tag not in {"h2", "h3"}:
            continue
        node = {"id": token.attrGet("id"), "title": inline_text(inline), "level": int(token.tag[1])}
        if node["level"] == 2:
            toc.append({**node, "children": []})
        elif toc:
            toc[-1]["children"].append(node)
        else:
            toc.append(node)
    return toc


def plain_paragraphs(tokens: list[Token]) -> list[str]:
    """Body text, one string per paragraph, list item or table cell."""
    return [inline_text(token) for token in tokens if token.type == "inline"]


def count_words(texts: list[str]) -> int:
    return sum(len(_WORD.findall(text)) for text in texts)


def first_paragraph(tokens: list[Token]) -> str:
    for position, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            return inline_text(tokens[position + 1])
    return ""
