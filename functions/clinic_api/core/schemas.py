"""Models shared by every function's contract: the problem details of RFC 9457.

Docs only: `clinic openapi` and the tests read it; no handler imports pydantic
models on its request path from here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FieldProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    code: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details (application/problem+json)."""

    model_config = ConfigDict(extra="forbid")

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None
