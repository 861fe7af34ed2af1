"""A request body's JSON, read the same way by every function, as RFC 8259 has it."""

from __future__ import annotations

import json
import sys
from collections.abc import Collection
from typing import Any

from clinic_api.core.problems import UNKNOWN_FIELD, Problem, invalid_input, repeated


def read_json(text: str | bytes, fields: Collection[str]) -> Any:
    """The document, or a Problem: 400 when it is not JSON (NaN and Infinity, which Python
    reads, are not; nor is nesting deeper than Python's recursion limit), 422 `repeated` for
    each member the top-level object repeats. Python would keep a repeated member's last
    value without a word, where another reader of the same body (a proxy, a log search) may
    keep its first. A member is named only when it is one of our `fields`: any other name is
    the sender's own text. A repeat deeper down is in a value no field of ours takes as an
    object, which that field's own check refuses."""
    repeats: list[tuple[dict[str, Any], list[tuple[str, Any]]]] = []

    def members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(pairs)
        if len(found) < len(pairs):
            repeats.append((found, pairs))
        return found

    try:
        document = json.loads(
            text, parse_constant=_not_json, parse_int=_integer, object_pairs_hook=members
        )
    # ValueError: JSONDecodeError and UnicodeDecodeError; RecursionError: `[[[[...`.
    except (ValueError, RecursionError):
        raise Problem(400, "Bad Request", "The body is not well-formed JSON.") from None
    for found, pairs in repeats:
        if found is document:
            raise invalid_input([repeated(name) for name in _named(pairs, fields)])
    return document


def _named(pairs: list[tuple[str, Any]], fields: Collection[str]) -> list[str]:
    """The repeated names, in order, each once; one "(unknown)" for any not in `fields`."""
    seen: set[str] = set()
    again = [name for name, _ in pairs if name in seen or seen.add(name)]
    return list(dict.fromkeys(name if name in fields else UNKNOWN_FIELD for name in again))


def _integer(digits: str) -> int | float:
    """A JSON integer. One longer than Python's `int()` reads (4,300 digits by default) is
    valid JSON all the same: it is read as a float (infinite), as `1e999` is, so that the
    field's own check refuses it (422), not the reader (400)."""
    limit = sys.get_int_max_str_digits()
    return float(digits) if limit and len(digits.lstrip("-")) > limit else int(digits)


def _not_json(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")
