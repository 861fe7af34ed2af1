"""What an AWS service said when it refused a call, read from a botocore ClientError one way.

botocore fills `error.response` from the service's answer; a field can be absent
(a HEAD request's 404 has no error body), so every lookup has a default.
"""

from __future__ import annotations

from botocore.exceptions import ClientError


def error_code(error: ClientError) -> str:
    """The service's error code ("NoSuchKey", "ConditionalCheckFailedException", ...), or ""."""
    return error.response.get("Error", {}).get("Code", "")


def http_status(error: ClientError) -> int | None:
    """The HTTP status of the service's answer (304 for a conditional GET that matched)."""
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def failure(error: BaseException) -> dict[str, str]:
    """For the log line of a dependency that failed: the exception's name and what it met,
    the service's error code or the SDK's exception ("ReadTimeoutError"), never a message
    (one may quote what was sent)."""
    found = {"error": type(error).__name__}
    cause = error if isinstance(error, ClientError) else error.__cause__
    if isinstance(cause, ClientError):
        found["cause"] = error_code(cause) or type(cause).__name__
    elif cause is not None:
        found["cause"] = type(cause).__name__
    return found


class DependencyUnavailable(Exception):
    """A service this function needs failed after the SDK's retries, with no copy to stand in.

    Nothing was done, so the caller may retry: every function answers it the same
    way, `problems.dependency_unavailable` (503 with Retry-After).
    """

    def __init__(self, service: str) -> None:
        super().__init__(service)
        self.service = service  # "s3", "dynamodb", ...: for logs; never a key or a value
