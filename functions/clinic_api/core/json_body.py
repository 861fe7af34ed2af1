"""A request body's JSON, read the same way by every function, as RFC 8259 has it."""

from __future__ import annotations

import json
from typing import Any

from clinic_api.core.problems import Problem, invalid_input, repeated


def read_json(text: str | bytes) -> Any:
    """The document, or a Problem: 400 when it is not JSON (NaN and Infinity, which Python
    reads, are not; nor is nesting deeper than Python's recursion limit), 422 naming each
    member an object repeats. Python would keep a repeated member's last value without a
    word, where another reader of the same body (a proxy, a log search) may keep its first."""
    try:
        return json.loads(text, parse_constant=_not_json, object_pairs_hook=_members)
    except _Repeated as found:
        raise invalid_input([repeated(name) for name in found.names]) from None
    # ValueError: JSONDecodeError and UnicodeDecodeError; RecursionError: `[[[[...`.
    except (ValueError, RecursionError):
        raise Problem(400, "Bad Request", "The body is not well-formed JSON.") from None


class _Repeated(Exception):  # not a ValueError: json.loads lets it through as raised
    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self.names = names


def _members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) < len(pairs):
        seen: set[str] = set()
        again = [name for name, _ in pairs if name in seen or seen.add(name)]
        raise _Repeated(list(dict.fromkeys(again)))
    return members


def _not_json(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")
