"""Query-string parameters: parsed by hand, declared once for parsing and for OpenAPI.

Powertools injects `Query()` parameters only with its validation middleware,
which costs ~0.3 s of cold start; a site's few GET parameters do not earn that.

HTTP API joins a repeated parameter's values with commas in
`queryStringParameters` (`limit=5&limit=6` arrives as `"5,6"`), so repeats are
found in the event's `rawQueryString`. A parameter given empty (`limit=`) is
given, and must be valid; only a parameter left out takes its default.
"""

# No `from __future__ import annotations`: a NamedTuple's annotations as text would each
# be compiled (typing.ForwardRef) on every cold start.

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from clinic_api.core.problems import FieldError, invalid_input, repeated
from clinic_api.core.text import CONTROLS_BUT_LINES, unreadable


class IntParam(NamedTuple):
    name: str
    default: int
    minimum: int
    maximum: int
    description: str
    required = False  # the default stands in (a class attribute: a NamedTuple's are fields)

    def parse(self, raw: str) -> int:
        if not re.fullmatch(r"[0-9]{1,6}", raw):
            raise _error(self.name, "invalid_type", "must be a whole number")
        value = int(raw)
        if not self.minimum <= value <= self.maximum:
            raise _error(
                self.name, "out_of_range", f"must be between {self.minimum} and {self.maximum}"
            )
        return value

    def schema(self) -> dict[str, Any]:
        return {
            "type": "integer",
            "minimum": self.minimum,
            "maximum": self.maximum,
            "default": self.default,
        }


class TextParam(NamedTuple):
    """Free text, or (with `pattern`) a word of a given shape.

    `lowercase`: the pattern is written in lower case and the value is taken in
    either case and lower-cased (`tag=KETAMINE` is the tag `ketamine`).
    """

    name: str
    max_length: int
    description: str
    pattern: re.Pattern[str] | None = None
    default: None = None
    required: bool = False
    lowercase: bool = False

    def parse(self, raw: str) -> str:
        if raw == "":
            raise _error(self.name, "too_short", "must not be empty")
        if len(raw) > self.max_length:
            raise _error(self.name, "too_long", f"must be at most {self.max_length} characters")
        accepted = self._accepted()
        if accepted is not None and not re.fullmatch(accepted, raw):
            raise _error(self.name, "invalid_format", "has characters that are not allowed")
        return raw.lower() if self.lowercase else raw

    def _accepted(self) -> str | None:
        """The pattern a raw value must match: the declared one, in either case if folded."""
        if self.pattern is None:
            return None
        return _either_case(self.pattern.pattern) if self.lowercase else self.pattern.pattern

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        accepted = self._accepted()
        if accepted is not None:
            schema["pattern"] = f"^{accepted}$"
        else:
            schema["not"] = {"pattern": f"[{CONTROLS_BUT_LINES}]"}  # but tab and line breaks
        return schema


def _either_case(pattern: str) -> str:
    """`[a-z0-9]+` → `[a-zA-Z0-9]+`: JSON Schema patterns have no case-insensitive flag."""
    return pattern.replace("a-z", "a-zA-Z")


class ChoiceParam(NamedTuple):
    name: str
    choices: tuple[str, ...]
    description: str
    default: None = None
    required = False  # leaving it out is the usual behaviour

    def parse(self, raw: str) -> str:
        if raw not in self.choices:
            raise _error(self.name, "invalid_choice", f"must be one of: {', '.join(self.choices)}")
        return raw

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


QueryParam = IntParam | TextParam | ChoiceParam


class _ParamError(Exception):
    def __init__(self, error: FieldError) -> None:
        self.error = error


def _error(name: str, code: str, message: str) -> _ParamError:
    return _ParamError(FieldError(name, code, message))


def parse_query(
    raw: Mapping[str, str] | None, spec: Sequence[QueryParam], raw_query: str | None = None
) -> dict[str, Any]:
    """Every declared parameter's value (or default); all failures at once as one 422.

    `raw` is the gateway's `queryStringParameters`, `raw_query` its `rawQueryString`.
    """
    raw = raw or {}
    given_twice = repeated_names(raw_query or "")
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for param in spec:
        text = raw.get(param.name)
        if param.name in given_twice:
            errors.append(repeated(param.name))
        elif text is None or (text == "" and param.required):
            if param.required:
                errors.append(FieldError(param.name, "required", "is required"))
            else:
                values[param.name] = param.default
        elif fault := unreadable(text, lines=True):  # a tab or line break: only a space here
            errors.append(FieldError(param.name, "invalid_text", fault))
        else:
            try:
                values[param.name] = param.parse(text)
            except _ParamError as failure:
                errors.append(failure.error)
    if errors:
        raise invalid_input(errors)
    return values


def repeated_names(raw_query: str) -> set[str]:
    """The parameter names that occur more than once in a raw query string."""
    names = Counter(name for name, _ in parse_qsl(raw_query, keep_blank_values=True))
    return {name for name, count in names.items() if count > 1}


def openapi_parameters(spec: Sequence[QueryParam]) -> list[dict[str, Any]]:
    return [
        {
            "name": param.name,
            "in": "query",
            "required": param.required,
            "description": param.description,
            "schema": param.schema(),
        }
        for param in spec
    ]
