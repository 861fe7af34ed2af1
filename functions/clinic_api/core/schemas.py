"""Models shared by every function's contract: problem details, and how a schema reads.

Docs only: `clinic openapi` and the tests read it; no handler imports pydantic
models on its request path from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler, StringConstraints
from pydantic.fields import ComputedFieldInfo, FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from clinic_api.core.keys import SLUG_MAX_LENGTH, SLUG_PATTERN

# An article's slug, wherever a contract names one (an article, a request's source).
Slug = Annotated[
    str, StringConstraints(pattern=f"^{SLUG_PATTERN.pattern}$", max_length=SLUG_MAX_LENGTH)
]

# What Python's str.strip() removes (str.isspace()), as a JSON Schema (ECMA-262) class:
# ECMA's own \s differs (it has U+FEFF, lacks U+001C-U+001F and U+0085).
SPACE_CHARS = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
STRIPPED = f"[{SPACE_CHARS}]"


def human_title(name: str) -> str:
    """`AppointmentRequest` or `ok_to_text` → "Appointment request", "Ok to text"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").split()
    text = " ".join(word if word.isupper() and len(word) > 1 else word.lower() for word in words)
    return text[:1].upper() + text[1:]


def _field_title(name: str, _: FieldInfo | ComputedFieldInfo) -> str:
    return human_title(name)


def _model_title(model: type[Any]) -> str:
    return human_title(model.__name__)


def titled(config: ConfigDict) -> ConfigDict:
    """`config` with titles for people ("Ok to text"), not the alias run together ("Oktotext")."""
    config = config.copy()
    config["field_title_generator"] = _field_title
    config["model_title_generator"] = _model_title
    return config


class SchemaExtra:
    """JSON Schema keywords for a type that code checks (a pattern, a format), in `Annotated`.

    Unlike `Field(json_schema_extra=...)` it stays on its own type inside `X | None`. A
    keyword given as None is dropped (a length that a pattern states better).
    """

    def __init__(self, **keywords: Any) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = {**handler(core_schema), **self.keywords}
        return {key: value for key, value in schema.items() if value is not None}


@dataclass(frozen=True)
class SiteChoices:
    """Marks a field whose values come from the published site.json (the services' ids).

    `clinic openapi` lists them as the field's `enum` when it builds the
    document for a site; the function checks the same list at run time.
    """

    of: Callable[[Mapping[str, Any]], list[str]]
    description: str


class FieldProblem(BaseModel):
    # defer_build: documents only (validated by no handler), built when first documented,
    # not on the appointments function's cold start, which imports this module.
    model_config = titled(ConfigDict(extra="forbid", title="Field error", defer_build=True))

    field: str
    code: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details (application/problem+json)."""

    model_config = titled(
        ConfigDict(
            extra="forbid",
            defer_build=True,  # documents only, as FieldProblem
            title="Problem details",
            json_schema_extra={
                "examples": [
                    {
                        "type": "about:blank",
                        "title": "Unprocessable Content",
                        "status": 422,
                        "detail": "The request has invalid fields.",
                        "errors": [
                            {
                                "field": "phone",
                                "code": "invalid_phone",
                                "message": "is not a phone number we can call",
                            }
                        ],
                    }
                ]
            },
        )
    )

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None
