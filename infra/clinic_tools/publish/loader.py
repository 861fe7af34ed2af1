"""Read `content/`: site settings, people, article and page sources, every error at once.

A ContentError names the file and the field, so an author can fix it without
reading code; the publish stops before it uploads anything.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import parse_qsl, urlsplit

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic import BaseModel, ValidationError
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from clinic_api.core.keys import SLUG_PATTERN, is_slug
from clinic_tools.publish.images import Picture, PictureError, Pictures, markdown_src
from clinic_tools.publish.markdown import (
    DECORATIVE,
    URL_SCHEMES,
    image_alt,
    images,
    links,
    parse_markdown,
    raw_html,
    text_beside_comments,
    unread_links,
)
from clinic_tools.publish.models import (
    Author,
    FrontMatter,
    ImageSpec,
    PageFrontMatter,
    SiteSettings,
    Synonyms,
)
from clinic_tools.yaml_loader import FastSafeLoader

Model = TypeVar("Model", bound=BaseModel)
Front = TypeVar("Front", FrontMatter, PageFrontMatter)


class _Unambiguous(SafeConstructor):
    """Refuses what YAML allows but an author never means. A key written twice: PyYAML
    keeps the last one, without a word; a merge key (`<<: {author: x}`) as well. An alias
    (`*name`, `<<: *name`) of an anchored value: a few lines of them can stand for
    billions of values (every error message then spells them all out), and content has
    nothing to repeat that way."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        written: set[Any] = set()
        for key, _ in node.value:
            if key.tag == "tag:yaml.org,2002:merge":  # its keys would pass unseen, or win
                raise ConstructorError(
                    None, None, "a merge key (<<) is not allowed: write the keys out",
                    key.start_mark,
                )  # fmt: skip
            make = self.yaml_constructors.get(key.tag) if isinstance(key, ScalarNode) else None
            if make is None:  # a mapping as a key
                continue
            value = make(self, key)  # the key as the dict holds it: 1 is not '1', yes is true
            if value in written:
                raise ConstructorError(
                    None, None, f"{key.value!r} is written twice: keep one", key.start_mark
                )
            written.add(value)
        return super().construct_mapping(node, deep)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # libyaml's composer is C: the node of an anchor, met again, is all that shows here
        # (the error is then read again by _ContentYamlLoader, at the alias's own line).
        if node in self.constructed_objects:
            raise ConstructorError(None, None, _ALIAS, node.start_mark)
        if node.tag in _TAGGED_ONLY:  # `title: !!binary aGVsbG8=` was published as "hello"
            tag = node.tag.rpartition(":")[2]
            raise ConstructorError(
                None, None, f"a YAML tag (!!{tag}) is not allowed: write the value as it is",
                node.start_mark,
            )  # fmt: skip
        return super().construct_object(node, deep)


_ALIAS = "an anchor (&name) used again (*name): write the value out"
# What only an explicit tag makes (plain YAML gives text, numbers, true/false, lists, maps).
_TAGGED_ONLY = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("binary", "set", "omap", "pairs", "timestamp")
)


class _ContentYamlLoader(_Unambiguous, yaml.SafeLoader):
    """SafeLoader that leaves dates as text: pydantic parses them and names the field."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):  # refused where it is written
            raise ComposerError(None, None, _ALIAS, self.peek_event().start_mark)
        return super().compose_node(parent, index)


class _FastContentYamlLoader(_Unambiguous, FastSafeLoader):
    """The same rules on libyaml's parser; its error messages lack the line's snippet, so
    a text it refuses is read again by the pure-Python one."""


_ContentYamlLoader.yaml_implicit_resolvers = _FastContentYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(text: str) -> Any:
    """`text` as data (dates left as text); a YAMLError names the line and shows it."""
    try:
        return yaml.load(text, _FastContentYamlLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError:
        return yaml.load(text, _ContentYamlLoader)  # noqa: S506 (its error shows the line)


@dataclass(frozen=True)
class Problem:
    path: Path
    field: str
    message: str
    line: int | None = None  # where in the file, when it is one place: `path:line:`

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ContentError(Exception):
    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(_said(self.problems)))


SAID_PER_FILE = 25  # a file with 50,000 unknown keys is said in 26 lines, not 50,000


def _said(problems: list[Problem]) -> Iterator[str]:
    """Each problem's line, at most SAID_PER_FILE a file and then how many more it has."""
    counted: Counter[Path] = Counter(problem.path for problem in problems)
    shown: Counter[Path] = Counter()
    for problem in problems:
        shown[problem.path] += 1
        if shown[problem.path] <= SAID_PER_FILE:
            yield str(problem)
        elif shown[problem.path] == SAID_PER_FILE + 1:
            more = counted[problem.path] - SAID_PER_FILE
            yield f"{problem.path}: and {more:,} more problems in this file"


@dataclass(frozen=True)
class Source:
    """One article file, parsed but not yet rendered."""

    path: Path
    slug: str
    front: FrontMatter
    tokens: list[Token]


@dataclass(frozen=True)
class PageSource:
    """One page file (content/pages/*.md), parsed but not yet rendered."""

    path: Path
    slug: str
    front: PageFrontMatter
    tokens: list[Token]


@dataclass(frozen=True)
class Content:
    site: SiteSettings
    authors: dict[str, Author]  # in authors.yaml's order
    sources: list[Source]
    synonyms: list[list[str]]  # groups of words and phrases, from synonyms.yaml
    pages: list[PageSource] = field(default_factory=list)
    # By src: every picture referenced (drafts' too), read and measured.
    pictures: dict[str, Picture] = field(default_factory=dict)
    authors_path: Path = Path("authors.yaml")  # where the bios are written
    site_yaml: Path = Path("site.yaml")  # where the site's call to action is written


def _validate(
    model: type[Model], data: Any, path: Path, problems: list[Problem], prefix: str = ""
) -> Model | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        names = [info.alias or name for name, info in model.model_fields.items()]
        for detail in error.errors(include_url=False):
            field = ".".join(str(part) for part in ((prefix,) if prefix else ()) + detail["loc"])
            problems.append(Problem(path, field, _message(detail, names)))
        return None


_SLUG_RULE = f"^{SLUG_PATTERN.pattern}$"  # tags and slugs alike
REQUEST_PAGE = "/request-appointment"  # the form a call to action leads to


def _message(detail: Any, names: Sequence[str]) -> str:
    """pydantic's message in an author's words: no regular expression, and the likely
    intent where a key or a slug is misspelt (`names`: the keys the file may have)."""
    kind, where = detail["type"], detail["loc"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(where[-1]), names, n=1) if len(where) == 1 else []
        return "is not a field here" + (f": did you mean {close[0]}?" if close else "")
    if kind == "string_pattern_mismatch" and detail["ctx"]["pattern"] == _SLUG_RULE:
        return _not_a_slug(str(detail["input"]))
    if kind in _WORDS:
        return f"{_shown(detail['input'])} {_WORDS[kind]}"
    sized = _SIZES.get(kind)
    if sized:
        return sized.format(**detail["ctx"])
    return detail["msg"].removeprefix("Value error, ")


def _shown(value: Any) -> str:
    """A value as written, cut short: a list of 500 tags is not repeated back."""
    return _cut(repr(value), 60)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# pydantic's type errors an author meets, in an author's words.
_WORDS = {
    "date_from_datetime_parsing": "is not a date: write it as YYYY-MM-DD, like 2026-11-20",
    "date_parsing": "is not a date: write it as YYYY-MM-DD, like 2026-11-20",
    "datetime_from_date_parsing": "is not a time: write it as 2026-11-20T09:00:00-08:00",
    "datetime_parsing": "is not a time: write it as 2026-11-20T09:00:00-08:00",
    "date_from_datetime_inexact": "is not a date: write it as YYYY-MM-DD, like 2026-11-20",
    "string_type": "is not text: put it in quotes to write it as text",
    "tuple_type": "is not a list: write [first, second], or one item per line after a -",
    "list_type": "is not a list: write [first, second], or one item per line after a -",
}


# pydantic's length errors, in an author's words (its own say "after validation").
_SIZES = {
    "string_too_short": "is shorter than {min_length} characters (spaces alone are empty)",
    "string_too_long": "is longer than {max_length} characters: shorten it",
    "too_short": "has {actual_length} items: at least {min_length} here",
    "too_long": "has {actual_length} items: at most {max_length} here",
}


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        # utf-8-sig: a byte-order mark (Windows Notepad saves one) is no part of the text.
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.append(Problem(path, "", "file is missing"))
    except UnicodeDecodeError:
        problems.append(Problem(path, "", "is not UTF-8 text: save it as UTF-8"))
    except OSError as error:
        problems.append(Problem(path, "", f"cannot be read: {error.strerror}"))
    return None


def _yaml_problem(path: Path, what: str, error: yaml.YAMLError, first_line: int) -> Problem:
    """Where in the file, in the file's own line numbers, and what, without YAML's internals
    ('in "<unicode string>", line 1, column 22')."""
    # Where what went wrong began (an unclosed `[`), else where it was found.
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    if mark is None:
        return Problem(path, "", f"{what}: {error}")
    said = getattr(error, "problem", None) or "cannot be read"
    hint = "; a value holding ': ' needs quotes" if "mapping values" in said else ""
    # The line as written, then a caret under it (libyaml's marks have none).
    written = ((mark.get_snippet() or "").splitlines() or [""])[0].strip()
    shown = f", in: {written}" if written else ""
    return Problem(path, "", f"{what}: {said}{hint}{shown}", first_line + mark.line)


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    text = _read_text(path, problems)
    if text is None:
        return None
    try:
        return _load_yaml(text)
    except yaml.YAMLError as error:
        problems.append(_yaml_problem(path, "not valid YAML", error, first_line=1))
    return None


def _not_a_slug(text: str, example: str = "side-effects") -> str:
    like = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (
        f"{text!r} is not a slug: lowercase letters and digits joined by hyphens, "
        f"like {like or example}"
    )


def _read_authors(
    path: Path, problems: list[Problem]
) -> tuple[dict[str, Author], frozenset[str] | None]:
    """The valid authors, and the keys the file names, valid or not: None when it could not
    be read at all. An article naming a key the file has is not also told "unknown author"
    when that entry or the whole file is in error: their own problems say what to fix."""
    data = _read_yaml(path, problems)
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        problems.append(Problem(path, "", "must map author keys to name, credentials and bio"))
        return {}, None
    authors = {}
    for key, value in data.items():
        if not is_slug(str(key)):  # the key is their page's slug, /providers/{key}
            problems.append(Problem(path, str(key), _not_a_slug(str(key), "jane-roe")))
            continue
        author = _validate(Author, value, path, problems, prefix=str(key))
        if author is not None:
            authors[str(key)] = author
    return authors, frozenset(str(key) for key in data)


def _read_synonyms(path: Path, problems: list[Problem]) -> list[list[str]]:
    """Optional: a site without synonyms.yaml searches without synonyms."""
    if not path.exists():
        return []
    data = _read_yaml(path, problems)
    synonyms = _validate(Synonyms, data, path, problems) if data is not None else None
    return [list(group) for group in synonyms.groups] if synonyms else []


def _read_markdown(
    path: Path,
    md: MarkdownIt,
    model: type[Front],
    pictures: Pictures,
    problems: list[Problem],
    check: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[Front, list[Token], str] | None:
    """A Markdown file's front matter, body tokens and slug; None when it cannot be used.
    `check` sees the front matter as written, before (and whatever) the model says of it,
    so that one publish reports every problem of the file."""
    text = _read_text(path, problems)
    if text is None:
        return None
    tokens = md.parse(text)
    # Reported even when the front matter fails too: raw HTML, links, and each H1.
    _check_markup(path, tokens, problems)
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h1":
            line = token.map[0] + 1 if token.map else None
            message = "use ## for sections: the title comes from front matter"
            problems.append(Problem(path, "body", message, line))
    if not tokens or tokens[0].type != "front_matter":
        problems.append(Problem(path, "", "starts without a front matter block between --- lines"))
        return None
    try:
        data = _load_yaml(tokens[0].content)
    except yaml.YAMLError as error:  # the front matter starts on the file's second line
        problems.append(_yaml_problem(path, "front matter is not valid YAML", error, first_line=2))
        return None
    _check_images(path, tokens, pictures, problems)
    fields = data if isinstance(data, dict) else {}
    if check is not None:
        check(fields)
    front = _validate(model, fields, path, problems)
    if front is None:
        return None
    _check_start(path, tokens, front.draft, problems)
    if front.image is not None:
        line = _front_matter_line(tokens[0].content, "image")
        check_image_spec(path, front.image, pictures, problems, "image", line)
    slug = front.slug or path.stem
    if not is_slug(slug):
        problems.append(
            Problem(path, "slug", f"{slug!r} is not a slug: name the file like how-tms-works.md")
        )
    return front, tokens[1:], slug


def _check_start(path: Path, tokens: list[Token], draft: bool, problems: list[Problem]) -> None:
    """Text after the front matter (a draft may have none yet), and no rule before it: a
    second `---` block, such as front matter pasted twice, becomes a rule and a heading."""
    if len(tokens) == 1 and not draft:  # nothing after the front matter (or comments)
        message = "is empty: write the text below the front matter, or set draft: true"
        problems.append(Problem(path, "body", message))
    elif len(tokens) > 1 and tokens[1].type == "hr":
        line = tokens[1].map[0] + 1 if tokens[1].map else None
        message = (
            f"starts with a rule ({tokens[1].markup[:1] * 3}): put every field in the front matter "
            "at the top, and start the text with words"
        )
        problems.append(Problem(path, "body", message, line))


def _read_article(
    path: Path,
    md: MarkdownIt,
    named: frozenset[str] | None,
    pictures: Pictures,
    problems: list[Problem],
) -> Source | None:

    def check_people(data: dict[str, Any]) -> None:  # even when other fields fail
        for field_name in ("author", "reviewedBy"):
            key = data.get(field_name)
            if isinstance(key, str) and named is not None and key not in named:
                known = ", ".join(sorted(named)) or "none"
                message = f"unknown author {key!r} (known: {known})"
                problems.append(Problem(path, field_name, message))

    read = _read_markdown(path, md, FrontMatter, pictures, problems, check_people)
    if read is None:
        return None
    front, tokens, slug = read
    return Source(path, slug, front, tokens)


def _read_pages(
    folder: Path, md: MarkdownIt, pictures: Pictures, problems: list[Problem]
) -> list[PageSource]:
    """Optional: a site without content/pages/ has no pages."""
    pages = []
    for path in sorted(folder.glob("[!.]*.md")):  # not editors' .#locks
        read = _read_markdown(path, md, PageFrontMatter, pictures, problems)
        if read is not None:
            pages.append(PageSource(path, read[2], read[0], read[1]))
    return pages


def _check_people(
    path: Path, authors: dict[str, Author], site: SiteSettings | None, problems: list[Problem]
) -> None:
    """Each person's services are site.yaml's: a provider offers what the clinic offers."""
    if site is None:
        return
    known = {service.id for service in site.services}
    for key, author in authors.items():
        for position, service in enumerate(author.services):
            if service not in known:
                problems.append(
                    Problem(
                        path,
                        f"{key}.services.{position}",
                        f"{service!r} is not a service in site.yaml "
                        f"(known: {', '.join(sorted(known))})",
                    )
                )


@dataclass(frozen=True)
class FormLink:
    """A link that may lead to the request form: a call to action, or one in a text."""

    path: Path
    field: str  # cta.href, or links
    href: str
    line: int | None = None


def calls_to_action(site: SiteSettings, site_yaml: Path, sources: list[Source]) -> list[FormLink]:
    """site.yaml's call to action, and each article's."""
    calls = [FormLink(site_yaml, "cta.href", site.cta.href)]
    calls += [FormLink(s.path, "cta.href", s.front.cta.href) for s in sources if s.front.cta]
    return calls


def _check_calls_to_action(
    calls: list[FormLink],
    site: SiteSettings,
    authors: dict[str, Author],
    named: frozenset[str] | None,
    problems: list[Problem],
) -> None:
    """A link to the form's `?service=` or `?provider=` must be one the form offers: another
    (a typo) brings the reader to the form with nothing chosen, and no one notices. A
    provider in an authors.yaml entry (or file) in error is not checked: its error is said."""
    offered = {
        "service": [service.id for service in site.services],
        "provider": [key for key, author in authors.items() if author.sees_patients],
    }
    in_error = None if named is None else named - authors.keys()
    for call in calls:
        path = site_path(call.href, site)
        unfollowable = unserved(path) if path is not None and call.field == "cta.href" else None
        if unfollowable:
            problems.append(Problem(call.path, call.field, unfollowable, call.line))
        if path is None or path.removesuffix(".html") != REQUEST_PAGE:
            continue  # the distribution serves the form at /request-appointment[.html]
        for name, value in parse_qsl(urlsplit(call.href).query):
            if name == "provider" and (in_error is None or value in in_error):
                continue
            if name in offered and value not in offered[name]:
                known = ", ".join(offered[name]) or "none"
                message = f"{name} {value!r} is not one the form offers (known: {known})"
                problems.append(Problem(call.path, call.field, message, call.line))


def site_path(href: str, site: SiteSettings) -> str | None:
    """The path on this site `href` leads to, written as a path or with the site's own
    address, its `.` and `..` segments removed as a browser removes them (RFC 3986 5.2.4);
    None when it leads elsewhere."""
    parts = urlsplit(href)
    own = {None, origin(str(site.base_url)) if site.base_url else None}
    if not parts.path.startswith("/") or origin(href) not in own:
        return None
    kept: list[str] = []
    segments = parts.path.split("/")[1:]
    for at, segment in enumerate(segments):
        if segment == ".." and kept:
            kept.pop()
        if segment not in {".", ".."}:
            kept.append(segment)
        elif at == len(segments) - 1:  # /a/b/.. is /a/
            kept.append("")
    return "/" + "/".join(kept)


NOT_SERVED = "{} is no page of the site: a reader would get its 404 page"
NO_FILE = (
    "{0} is no file of the site: a reader would get its 404 page; put the file at {1}, or link "
    "to one the site holds"
)
API_PATHS = "/api/"  # the distribution sends these to the API, not through the path rules


class SiteFiles(NamedTuple):
    """The files the site bucket will hold, by key, and the folder they are deployed from."""

    folder: Path
    keys: frozenset[str]

    def place(self, key: str) -> str:
        """Where a file for `key` goes, as the author would type it."""
        shown = os.path.relpath(self.folder / key)
        return str(self.folder / key) if shown.startswith("..") else shown


def unserved(path: str, files: SiteFiles | None = None) -> str | None:
    """Why a reader would get the 404 page at `path` (the distribution's path rules, read
    from template.yaml as `clinic dev` reads them), or None: a page, the API, or a file
    served by its own name, which with `files` must be one of them. None when there are
    no rules to read."""
    from clinic_tools.site.paths import RulesNotFound, resolve  # the template, for a path only

    if path.startswith(API_PATHS):
        return None
    try:
        key = resolve(path)
    except (OSError, RulesNotFound):
        return None
    if key is None:
        return NOT_SERVED.format(path)
    if files is not None and key == path and path[1:] not in files.keys:
        return NO_FILE.format(path, files.place(path[1:]))
    return None


def origin(url: str) -> tuple[str, int | None] | None:
    """A URL's host and port as a browser compares them (`Example.org.:443` is
    `example.org`), or None for a path. A port no browser can use is -1: no site's."""
    parts = urlsplit(url)
    if not parts.netloc:
        return None
    try:
        port = parts.port
    except ValueError:
        port = -1
    port = None if port == {"https": 443, "http": 80}.get(parts.scheme) else port
    return (parts.hostname or "").rstrip("."), port


def check_image_spec(
    path: Path,
    spec: ImageSpec,
    pictures: Pictures,
    problems: list[Problem],
    field: str,
    line: int | None = None,
) -> None:
    """A front matter picture (`image:`, `photo:`): its file must be a usable picture."""
    try:
        pictures.get(spec.src)
    except PictureError as error:
        problems.append(Problem(path, f"{field}.src", str(error), line))


def _check_photos(
    path: Path,
    authors: dict[str, Author],
    bios: dict[str, list[Token]],
    pictures: Pictures,
    problems: list[Problem],
) -> None:
    """Each person's `photo:`, and a bio's pictures, HTML and links, checked as an article's."""
    for key, author in authors.items():
        if author.photo is not None:
            check_image_spec(path, author.photo, pictures, problems, f"{key}.photo")
        _check_images(path, bios[key], pictures, problems, f"{key}.bio", lines=False)
        _check_markup(path, bios[key], problems, f"{key}.bio")


def _check_markup(
    path: Path, tokens: list[Token], problems: list[Problem], field: str | None = None
) -> None:
    """Raw HTML (once a line, naming each tag on it), each link with a scheme the site
    drops, and each link the parser read as text: in an article's body by line, or in
    one field (a bio) as a whole."""
    by_line: dict[int, list[str]] = {}
    for line, html in raw_html(tokens):
        by_line.setdefault(line, []).append(html)
    for line, pieces in by_line.items():
        where = None if field else line
        problems.append(Problem(path, field or "body", _raw_html_message(pieces), where))
    for line, href in links(tokens):
        message = _unfollowable_scheme(href)
        if message:
            problems.append(Problem(path, field or "links", message, None if field else line))
    for line, address in unread_links(tokens):
        why = _SPACED if " " in address else "check its brackets and parentheses"
        message = (
            f"'[…]({address})' is shown as written, not as a link: {why}; if no link, write \\["
        )
        problems.append(Problem(path, field or "links", message, None if field else line))


_SPACED = "its address holds a space (a file's name takes - instead: medicine-list.pdf)"


def _unfollowable_scheme(href: str) -> str | None:
    """What is wrong with a link's scheme, if the sanitiser would drop its href for it."""
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme and scheme not in URL_SCHEMES:
        return (
            f"a link to {scheme}: is not allowed: link with https://, http://, mailto: or "
            "tel:, or from the site's root, like /articles/other-article"
        )
    if scheme in {"http", "https"} and not parts.netloc:  # https:x, https:\\host
        return f"'{href}' names no host: write {scheme}://host/path"
    if not scheme and href.startswith("//"):  # the reader's browser would pick the scheme
        return (
            f"'{href}' leaves out the scheme: write https://host/path for another site, "
            "or /path for a page of this one"
        )
    found = origin(href)
    if found is not None and found[1] == -1:
        return f"'{href}' has a port no browser can use: 1 to 65535, or none"
    return None


def _check_images(
    path: Path,
    tokens: list[Token],
    pictures: Pictures,
    problems: list[Problem],
    field: str = "image",
    lines: bool = True,
) -> None:
    """Each `![alt](images/x.jpg)`: a picture in content/images/, with alt text unless
    its title marks it decorative (`![](images/x.jpg "decorative")`). `lines`: whether
    the tokens' lines are the file's (a bio's are not)."""
    for line_in_tokens, token in images(tokens):
        line = line_in_tokens if lines else None
        url, title, alt = str(token.attrGet("src")), token.attrGet("title"), image_alt(token)
        src = markdown_src(url)
        if src is None:
            message = f"{url}: pictures come from content/images/: write ![alt](images/NAME.jpg)"
            problems.append(Problem(path, field, message, line))
            continue
        try:
            pictures.get(src)
        except PictureError as error:
            problems.append(Problem(path, field, str(error), line))
        if title == DECORATIVE and alt:
            message = f'{url}: a decorative picture has no alt text: remove it or "{DECORATIVE}"'
            problems.append(Problem(path, field, message, line))
        elif title is not None and title != DECORATIVE:
            message = (
                f'{url}: a picture\'s title is not shown: put it in the alt text, or "{DECORATIVE}"'
            )
            problems.append(Problem(path, field, message, line))
        elif not alt and title != DECORATIVE:
            message = (
                f"{url}: alt text: describe the picture, ![what it shows]({url}), "
                f'or mark it ![]({url} "{DECORATIVE}")'
            )
            problems.append(Problem(path, field, message, line))


def _front_matter_line(front_matter: str, key: str) -> int | None:
    """The file line of a top-level key (the front matter starts on line 2)."""
    for number, text in enumerate(front_matter.splitlines(), start=2):
        if text.startswith(f"{key}:"):
            return number
    return None


def _raw_html_message(pieces: list[str]) -> str:
    """Each tag a line opens, as written (a closing `</b>` says nothing `<b>` did not)."""
    firsts = [piece.strip().splitlines()[0] if piece.strip() else piece for piece in pieces]
    opened = [first for first in firsts if not first.startswith("</")] or firsts[:1]
    shown = ", ".join(dict.fromkeys(_cut(tag, 40) for tag in opened))
    beside = [text_beside_comments(piece) for piece in pieces]
    if all(beside):
        said = _cut(" ".join(text or "" for text in beside), 40)
        return (
            f"text beside an HTML comment ({said}) would be dropped with it, or shown as "
            "HTML: give the comment a line of its own"
        )
    return (
        f"raw HTML is not allowed ({shown}): write it in Markdown, or `\\<` for a literal <"
        " (HTML comments are fine: they are dropped)"
    )


def _check_nothing_nested(content_dir: Path, problems: list[Problem]) -> None:
    """An article or a page in a folder of its own would be skipped without a word."""
    for kind in ("articles", "pages"):
        for path in sorted((content_dir / kind).glob("*/**/[!.]*.md")):
            message = f"is in a folder of its own: move it to {content_dir / kind}/ to publish it"
            problems.append(Problem(path, "", message))


def load_content(content_dir: Path) -> Content:
    """Everything under `content_dir`, validated; raises ContentError listing every problem."""
    problems: list[Problem] = []
    site_data = _read_yaml(content_dir / "site.yaml", problems)
    site = (
        _validate(SiteSettings, site_data, content_dir / "site.yaml", problems)
        if site_data is not None
        else None
    )
    authors_path = content_dir / "authors.yaml"
    authors, named = _read_authors(authors_path, problems)
    synonyms = _read_synonyms(content_dir / "synonyms.yaml", problems)
    md = parse_markdown()
    bios = {key: md.parse(author.bio) for key, author in authors.items()}
    pictures = Pictures(content_dir / "images")
    sources = []
    for path in sorted((content_dir / "articles").glob("[!.]*.md")):  # not editors' .#locks
        source = _read_article(path, md, named, pictures, problems)
        if source is not None:
            sources.append(source)
    _check_slugs(sources, problems)
    _check_people(authors_path, authors, site, problems)
    pages = _read_pages(content_dir / "pages", md, pictures, problems)
    if site is not None:
        calls = calls_to_action(site, content_dir / "site.yaml", sources)
        for text in [*sources, *pages]:  # and each link in a text
            calls += [FormLink(text.path, "links", href, line) for line, href in links(text.tokens)]
        for key, bio in bios.items():
            calls += [FormLink(authors_path, f"{key}.bio", href) for _, href in links(bio)]
        _check_calls_to_action(calls, site, authors, named, problems)
    _check_photos(authors_path, authors, bios, pictures, problems)
    _check_page_slugs(pages, {source.slug for source in sources}, problems)
    _check_nothing_nested(content_dir, problems)
    if problems or site is None:
        raise ContentError(problems)
    return Content(
        site,
        authors,
        sources,
        synonyms,
        pages,
        pictures.read,
        authors_path,
        content_dir / "site.yaml",
    )


def _check_page_slugs(pages: list[PageSource], articles: set[str], problems: list[Problem]) -> None:
    """Unique, and none an article's: a search hit's slug then names one thing."""
    seen: dict[str, Path] = {}
    for page in pages:
        if page.slug in seen:
            problems.append(
                Problem(page.path, "slug", f"{page.slug!r} is also the slug of {seen[page.slug]}")
            )
        elif page.slug in articles:
            problems.append(Problem(page.path, "slug", f"{page.slug!r} is also an article's slug"))
        seen.setdefault(page.slug, page.path)


def _check_slugs(sources: list[Source], problems: list[Problem]) -> None:
    seen: dict[str, Path] = {}
    for source in sources:
        if source.slug in seen:
            problems.append(
                Problem(
                    source.path, "slug", f"{source.slug!r} is also the slug of {seen[source.slug]}"
                )
            )
        seen.setdefault(source.slug, source.path)
    published = {source.slug for source in sources if not source.front.draft}
    for source in sources:
        _check_related(source, published, problems)


def _check_related(source: Source, published: set[str], problems: list[Problem]) -> None:
    related = source.front.related or []
    found: list[tuple[str, str, int]] = []  # slug, fault, how many times it came before
    for position, slug in enumerate(related):
        if slug == source.slug:
            fault = "is this article itself"
        elif slug in related[:position]:
            fault = "is named twice"
        elif slug not in published:
            fault = "is not a published article"
        else:
            continue
        found.append((slug, fault, related[:position].count(slug)))
    lines = source_lines(source.path) if found else []  # read again only for a problem
    for slug, fault, before in found:
        line = _related_line(lines, slug, before)
        problems.append(Problem(source.path, "related", f"{slug!r} {fault}", line))


def _related_line(lines: list[str], slug: str, before: int) -> int | None:
    """The line of `related:` that names `slug` for the `before + 1`th time (a flow list is
    one line, a block list one line an entry)."""
    start = next((at for at, text in enumerate(lines) if text.startswith("related:")), None)
    if start is None:
        return None
    entries = [start]
    entries += itertools.takewhile(
        lambda at: lines[at][:1] in (" ", "\t", "-"), range(start + 1, len(lines))
    )
    word = re.compile(rf"(?<![\w-]){re.escape(slug)}(?![\w-])")
    named = [at for at in entries for _ in word.finditer(lines[at])]
    return (named[before] if before < len(named) else start) + 1


def source_lines(path: Path) -> list[str]:
    """A source file's lines, to name the line of a problem found after it was read."""
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
