"""Text bound for a staff member's or developer's terminal, made unable to drive it."""

from __future__ import annotations

import re

from clinic_api.core.text import CONTROL


def printable(text: str) -> str:
    """`text` with each control character written out (ESC as \\x1b, a line break as \\n):
    a stored value or a requested path never recolours, moves or rewrites the terminal,
    nor forges a line of its own."""
    return CONTROL.sub(_escaped, text)


def _escaped(found: re.Match[str]) -> str:
    return repr(found.group())[1:-1]
