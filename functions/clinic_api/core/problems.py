"""RFC 9457 problem details: the one shape every error answer of ours takes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from clinic_api.core.http import Response

PROBLEM_JSON = "application/problem+json"
UNKNOWN_FIELD = "(unknown)"  # a field we do not have: its name is the sender's own text


@dataclass(frozen=True)
class FieldError:
    """One failing input: a stable `code` for programs, a `message` for people; never the value."""

    field: str
    code: str
    message: str


@dataclass
class Problem(Exception):
    """Raised anywhere in a request; the resolver's exception handler turns it into a response."""

    status: int
    title: str
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def to_response(self) -> Response:
        body: dict[str, object] = {
            "type": "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = [vars(error) for error in self.errors]
        return Response(
            self.status,
            json.dumps(body, separators=(",", ":")),
            PROBLEM_JSON,
            {"Cache-Control": "no-store", **self.headers},
        )


def repeated(name: str) -> FieldError:
    """A query parameter or JSON member sent twice: which value was meant is not ours to guess."""
    return FieldError(name, "repeated", "was given more than once")


def no_route() -> Response:
    """What API Gateway itself answers for a path or method no route has."""
    return Response(404, '{"message":"Not Found"}', "application/json")


def not_found(detail: str) -> Problem:
    return Problem(404, "Not Found", detail)


def invalid_input(errors: list[FieldError]) -> Problem:
    return Problem(422, "Unprocessable Content", "The request has invalid fields.", errors)


def foreign_cursor() -> Problem:
    """422 for a `cursor` this API did not give out for this query (edited, or another's)."""
    return invalid_input(
        [FieldError("cursor", "invalid_cursor", "is not a cursor this query gave out")]
    )


def unavailable(detail: str, retry_after: int) -> Problem:
    return Problem(503, "Service Unavailable", detail, headers={"Retry-After": str(retry_after)})


# Seconds a client waits before retrying after a dependency failed: the SDK has retried already.
DEPENDENCY_RETRY_AFTER = 5


def dependency_unavailable(detail: str) -> Problem:
    """The answer to `aws_errors.DependencyUnavailable` in every function: 503, retry soon."""
    return unavailable(detail, retry_after=DEPENDENCY_RETRY_AFTER)


def internal_error() -> Problem:
    return Problem(500, "Internal Server Error", "Something went wrong on our side.")


def where_raised(error: BaseException) -> str:
    """file:line of the innermost frame: what to log of an unexpected error.

    Never its message or the traceback's text, which can quote the input.
    """
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    return f"{trace.tb_frame.f_code.co_filename}:{trace.tb_lineno}" if trace else "?"
