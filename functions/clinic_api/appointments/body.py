"""An HTTP body's media type and charset, and the name/value pairs of a browser's form.

A charset is read by Python's codecs when they know it as a text encoding
(`iso-8859-1`, `windows-1252`, `utf-16`, ...); without one, the body is UTF-8.
Python's own pseudo-encodings (`unicode_escape`, `idna`, ...) are no charset a
client means, and could turn escapes into text no encoding can carry: unknown.

multipart/form-data is what a plain HTML form sends with
`enctype="multipart/form-data"`: its text parts are fields; a file part is
never read (we take no files).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"
FORM_TYPES = frozenset({FORM_TYPE, MULTIPART_TYPE})
DEFAULT_CHARSET = "utf-8"
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode"})
_PARAMETER = re.compile(r';\s*([!#$%&\'*+.^`|~\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)')
# RFC 2046: 1-70 characters, the last not a space.
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")


@dataclass(frozen=True)
class ContentType:
    media: str  # lower case, without parameters; "" when the header is absent
    charset: str | None  # a Python codec's name; None when the header names one we cannot read
    boundary: str | None  # multipart only


def content_type(header: str | None) -> ContentType:
    """`Application/JSON; charset="ISO-8859-1"` → ("application/json", "iso8859-1", None)."""
    media, _, rest = (header or "").partition(";")
    parameters = _parameters(rest)
    charset = parameters.get("charset")
    return ContentType(
        media.strip().lower(),
        DEFAULT_CHARSET if charset is None else text_codec(charset),
        parameters.get("boundary"),
    )


def _parameters(text: str) -> dict[str, str]:
    """`; charset="utf-8"; boundary=x` → {"charset": "utf-8", "boundary": "x"}."""
    return {name.lower(): _unquoted(value) for name, value in _PARAMETER.findall(";" + text)}


def _unquoted(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value[1:-1]) if value.startswith('"') else value


def text_codec(charset: str) -> str | None:
    """The Python codec that decodes this charset to text, or None when there is none."""
    try:
        name = codecs.lookup(charset.strip()).name
    except (LookupError, ValueError):
        return None
    try:
        b"\x00".decode(name)  # not empty: only then is a codec that is no text encoding refused
    except LookupError:  # base64, zlib, rot13: bytes to bytes, or text to text
        return None
    except UnicodeError:  # a text encoding in which one NUL byte is not text (utf-16)
        pass
    return None if name in _NOT_CHARSETS else name


def is_browser_form(header: str | None) -> bool:
    """A form's media type in a charset we can read: what a plain HTML form sends."""
    kind = content_type(header)
    return kind.media in FORM_TYPES and kind.charset is not None


def multipart_pairs(raw: bytes, boundary: str | None, charset: str) -> list[tuple[str, str]]:
    """The text fields of a multipart/form-data body, in order; ValueError when malformed.

    UnicodeDecodeError (a ValueError) when a field is not text in `charset`.
    """
    if boundary is None or not _BOUNDARY.fullmatch(boundary):
        raise ValueError("no usable boundary")
    sections = raw.split(b"--" + boundary.encode("ascii"))
    # [preamble, part, ..., part, "--" epilogue]: the close delimiter ends the body.
    if len(sections) < 2 or not sections[-1].startswith(b"--"):
        raise ValueError("no close delimiter")
    pairs: list[tuple[str, str]] = []
    for section in sections[1:-1]:
        if not section.startswith(b"\r\n") or not section.endswith(b"\r\n"):
            raise ValueError("a part outside its delimiters")
        head, separator, content = section[2:-2].partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("a part without headers")
        name, is_file = _disposition(head.decode("utf-8", "replace"))
        if not is_file:
            pairs.append((name, content.decode(charset)))
    return pairs


def _disposition(head: str) -> tuple[str, bool]:
    """A part's field name and whether it is a file, from its Content-Disposition."""
    for line in head.split("\r\n"):
        header, _, value = line.partition(":")
        if header.strip().lower() != "content-disposition":
            continue
        kind, _, rest = value.partition(";")
        parameters = _parameters(rest)
        name = parameters.get("name")
        # name="" is a field we do not have, ignored as in an urlencoded body; no name is malformed.
        if kind.strip().lower() != "form-data" or name is None:
            break
        return name, "filename" in parameters
    raise ValueError("a part without a form-data name")
