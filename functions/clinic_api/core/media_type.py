"""A request's Content-Type: its media type, and the charset to read its body in; and
`read_body`, which every route with a body checks its body with, in one order.

A charset is read by Python's codecs when they know it as a text encoding
(`iso-8859-1`, `windows-1252`, `utf-16`, ...); without one, the body is UTF-8.
Python's own pseudo-encodings (`unicode_escape`, `idna`, ...) are no charset a
client means, and could turn escapes into text no encoding can carry: unknown.
"""

from __future__ import annotations

import base64
import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass

from clinic_api.core.problems import Problem

DEFAULT_CHARSET = "utf-8"
UNREADABLE_CHARSET = "The body's charset is not one we read; send UTF-8."
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode"})
_PARAMETER = re.compile(r';\s*([!#$%&\'*+.^`|~\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)')


@dataclass(frozen=True)
class ContentType:
    media: str  # lower case, without parameters; "" when the header is absent
    charset: str | None  # a Python codec's name; None when the header names one we cannot read
    boundary: str | None  # multipart only


def content_type(header: str | None) -> ContentType:
    """`Application/JSON; charset="ISO-8859-1"` → ("application/json", "iso8859-1", None)."""
    media, _, rest = (header or "").partition(";")
    named = parameters(rest)
    charset = named.get("charset")
    return ContentType(
        media.strip().lower(),
        DEFAULT_CHARSET if charset is None else text_codec(charset),
        named.get("boundary"),
    )


def parameters(text: str) -> dict[str, str]:
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


def _body_bytes(body: str | None, is_base64: bool) -> bytes:
    """An API Gateway event's body as the client sent it; ValueError for base64 that is not."""
    if not body:
        return b""
    if not is_base64:
        # surrogatepass: a lone surrogate is counted here and refused as a field's text later.
        return body.encode("utf-8", "surrogatepass")
    return base64.b64decode(body, validate=True)


@dataclass(frozen=True)
class Body:
    """A body `read_body` accepted: its bytes, media type and charset (a codec's name)."""

    raw: bytes
    media: str
    charset: str
    boundary: str | None  # multipart only
    sent: str | None  # the event's body, as the gateway passed it
    is_base64: bool

    def text(self) -> str:
        """The body read in its charset (UnicodeDecodeError, a ValueError, when it is not).
        A text body came decoded from the gateway as UTF-8 (kept as it came, lone
        surrogates and all, for the fields to refuse); in another charset its bytes are
        read again in that one, as the sender labelled them."""
        if self.is_base64 or self.charset != DEFAULT_CHARSET:
            return self.raw.decode(self.charset)
        return self.sent or ""


def read_body(
    body: str | None,
    is_base64: bool,
    header: str | None,
    media_types: Sequence[str],
    max_bytes: int,
) -> Body:
    """The body if a route may read it, else its problem, checked in this order on every
    route: 400 for base64 that is not; 413 over `max_bytes` (read no further); 415 for a
    media type not in `media_types`, or a charset we cannot read."""
    try:
        raw = _body_bytes(body, is_base64)
    except ValueError:
        raise Problem(400, "Bad Request", "The body is not well-formed.") from None
    if len(raw) > max_bytes:
        raise Problem(413, "Content Too Large", f"The body is over {max_bytes:,} bytes.")
    kind = content_type(header)
    if kind.media not in media_types:
        *others, last = media_types
        named = f"{', '.join(others)} or {last}" if others else last
        raise Problem(415, "Unsupported Media Type", f"Send the body as {named}.")
    if kind.charset is None:
        raise Problem(415, "Unsupported Media Type", UNREADABLE_CHARSET)
    return Body(raw, kind.media, kind.charset, kind.boundary, body, is_base64)
