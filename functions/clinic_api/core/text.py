"""Text a client sent that no character encoding can carry, or that would steer a terminal."""

from __future__ import annotations

import re

# JSON's "\ud800" and the gateway's JSON event can hold a lone UTF-16 surrogate: a code
# point that is no character, which UTF-8 (DynamoDB, our logs, our answers) cannot encode.
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


# C0 and C1 control characters (Unicode's Cc) but tab and the line breaks (LF, CR): a
# pattern's class in syntax that Python, ECMA-262 and JSON Schema read alike.
CONTROLS_BUT_LINES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
CONTROLS = r"\x00-\x1f\x7f-\x9f"
# Text on one line: no control character, nor Unicode's line and paragraph separators.
NOT_ON_ONE_LINE = CONTROLS + r"\u2028\u2029"
_CONTROL_IN_LINES = re.compile(f"[{CONTROLS_BUT_LINES}]")
CONTROL = re.compile(f"[{CONTROLS}]")
_LINE_SEPARATOR = re.compile("[\u2028\u2029]")


def unreadable(text: str, *, lines: bool) -> str | None:
    """Why `text` is no text to take (the message of an `invalid_text` error), or None: a
    lone surrogate, or a control character (an escape that recolours or rewrites a
    terminal's line, a NUL); with `lines`, tab, LF and CR are text, and without, U+2028 and
    U+2029 (which break a line as LF does) are not."""
    if has_surrogate(text):
        return "is not valid Unicode text"
    if (_CONTROL_IN_LINES if lines else CONTROL).search(text):
        return "has control characters"
    if not lines and _LINE_SEPARATOR.search(text):
        return "must be on one line"
    return None
