"""Query-string parameters: parsed by hand, declared once for parsing and for OpenAPI.

Powertools injects `Query()` parameters only with its validation middleware,
which costs ~0.3 s of cold start; a site's few GET parameters do not earn that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from clinic_api.core.problems import FieldError, invalid_input


@dataclass(frozen=True)
class IntParam:
    name: str
    default: int
    minimum: int
    maximum: int
    description: str
    required: ClassVar[bool] = False  # the default stands in

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


@dataclass(frozen=True)
class TextParam:
    name: str
    max_length: int
    description: str
    pattern: re.Pattern[str] | None = None
    default: None = None
    required: bool = False

    def parse(self, raw: str) -> str:
        if len(raw) > self.max_length:
            raise _error(self.name, "too_long", f"must be at most {self.max_length} characters")
        if self.pattern is not None and not self.pattern.fullmatch(raw):
            raise _error(self.name, "invalid_format", "has characters that are not allowed")
        return raw

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        if self.pattern is not None:
            schema["pattern"] = f"^{self.pattern.pattern}$"
        return schema


@dataclass(frozen=True)
class ChoiceParam:
    name: str
    choices: tuple[str, ...]
    description: str
    default: None = None
    required: ClassVar[bool] = False  # leaving it out is the usual behaviour

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


def parse_query(raw: Mapping[str, str] | None, spec: Sequence[QueryParam]) -> dict[str, Any]:
    """Every declared parameter's value (or default); all failures at once as one 422."""
    raw = raw or {}
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for param in spec:
        text = raw.get(param.name, "")
        if text == "":
            if param.required:
                errors.append(FieldError(param.name, "required", "is required"))
            else:
                values[param.name] = param.default
            continue
        try:
            values[param.name] = param.parse(text)
        except _ParamError as failure:
            errors.append(failure.error)
    if errors:
        raise invalid_input(errors)
    return values


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
