"""The name/value pairs of a browser's form post (its Content-Type and charset are read by
`core/media_type.py`).

multipart/form-data is what a plain HTML form sends with
`enctype="multipart/form-data"`: its text parts are fields; a file part is
never read (we take no files).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from clinic_api.core.media_type import content_type, parameters, text_codec

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"
FORM_TYPES = frozenset({FORM_TYPE, MULTIPART_TYPE})
# RFC 2046: 1-70 characters, the last not a space.
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")


def is_browser_form(header: str | None) -> bool:
    """A form's media type in a charset we can read: what a plain HTML form sends."""
    kind = content_type(header)
    return kind.media in FORM_TYPES and kind.charset is not None


class UnreadableCharset(ValueError):
    """A part labelled with a charset we cannot read (415, as for the body's own)."""


def multipart_pairs(
    raw: bytes, boundary: str | None, charset: str, wanted: Collection[str]
) -> list[tuple[str, str]]:
    """The `wanted` text fields of a multipart/form-data body, in order; ValueError when
    malformed. Another field's part is never read, whatever charset it names.

    A part is read in its own charset where its Content-Type names one (RFC 7578 4.4),
    else in `charset`: UnicodeDecodeError (a ValueError) when it is not text in it.
    """
    if boundary is None or not _BOUNDARY.fullmatch(boundary):
        raise ValueError("no usable boundary")
    # RFC 2046: a delimiter is "--" and the boundary at a line's start (the body's first line
    # too); mid-line, as in a message that quotes it, it is text.
    sections = (b"\r\n" + raw).split(b"\r\n--" + boundary.encode("ascii"))
    # [preamble, part, ..., part, "--" epilogue]: the close delimiter ends the parts, and the
    # epilogue after it, whatever it holds, is not read.
    close = next((at for at, part in enumerate(sections) if at and part.startswith(b"--")), 0)
    if not close:
        raise ValueError("no close delimiter")
    pairs: list[tuple[str, str]] = []
    for section in sections[1:close]:
        padding, line_break, part = section.partition(b"\r\n")
        if not line_break or padding.strip(b" \t"):  # the delimiter's line holds only it
            raise ValueError("a part outside its delimiters")
        head, separator, content = part.partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("a part without headers")
        headers = head.decode("utf-8", "replace")
        name, is_file = _disposition(headers)
        if not is_file and name in wanted:
            pairs.append((name, content.decode(_part_charset(headers) or charset)))
    return pairs


def _header(head: str, name: str) -> str | None:
    """The value of a part's first header called `name` (lower case), if it has one."""
    for line in head.split("\r\n"):
        header, _, value = line.partition(":")
        if header.strip().lower() == name:
            return value
    return None


def _part_charset(head: str) -> str | None:
    """The codec of the charset a part's Content-Type names, if it names one."""
    named = parameters((_header(head, "content-type") or "").partition(";")[2]).get("charset")
    if named is None:
        return None
    codec = text_codec(named)
    if codec is None:
        raise UnreadableCharset(named)
    return codec


def _disposition(head: str) -> tuple[str, bool]:
    """A part's field name and whether it is a file, from its Content-Disposition."""
    kind, _, rest = (_header(head, "content-disposition") or "").partition(";")
    named = parameters(rest)
    name = named.get("name")
    # name="" is a field we do not have, ignored as in an urlencoded body; no name is malformed.
    if kind.strip().lower() != "form-data" or name is None:
        raise ValueError("a part without a form-data name")
    return name, "filename" in named or "filename*" in named  # RFC 2231 form too
