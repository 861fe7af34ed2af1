"""What every HTTP function's resolver does alike: errors as problem details, the entry point.

A `Problem` raised anywhere becomes its problem+json answer; an error nobody
expected becomes a 500 that logs where it was raised, never its message (which
can quote the input); a path no route has is the gateway's own 404. Every answer
says `X-Content-Type-Options: nosniff`, added here so that `clinic dev` shows it
as the deployed API does. The entry point logs with the request id as
correlation id and flushes the metrics.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from clinic_api.core.edge import refuse_around_the_edge
from clinic_api.core.prefetch import Warmup
from clinic_api.core.problems import Problem, internal_error, no_route, where_raised

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]

# On every answer, whatever route, error or status made it.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff"}


class HttpApiEvent(APIGatewayProxyEventV2):
    """Powertools' HTTP API event whose case-insensitive headers are made once per request
    (Powertools' own builds them anew at every access: the edge check, the route and the
    answer's compression each read them; a third of a warm answer's time)."""

    @cached_property
    def headers(self) -> dict[str, str]:  # pyright: ignore[reportIncompatibleMethodOverride]
        return super().headers


class ClinicResolver(APIGatewayHttpResolver):
    """Powertools' HTTP API resolver whose every answer carries `SECURITY_HEADERS` and whose
    events read their headers once (`HttpApiEvent`)."""

    def _to_proxy_event(self, event: dict) -> HttpApiEvent:
        return HttpApiEvent(event, self._json_body_deserializer)

    def resolve(self, event: Any, context: Any) -> dict[str, Any]:
        answer = super().resolve(event, context)
        answer["headers"] = {**(answer.get("headers") or {}), **SECURITY_HEADERS}
        return answer


def http_function() -> tuple[APIGatewayHttpResolver, Logger, Metrics]:
    """A function's resolver, logger and metrics, made once at import."""
    # debug=False: POWERTOOLS_DEV would otherwise print whole events (patient data) to the logs.
    app = ClinicResolver(debug=False)
    app.use([refuse_around_the_edge])  # every route: 403 when sent around the distribution
    return app, Logger(), Metrics()


def answer_errors(app: APIGatewayHttpResolver, logger: Logger) -> None:
    """Register the shared error answers (a function's own, more specific ones win)."""

    def problem(raised: Problem) -> Response[Any]:
        return raised.to_response()

    def unexpected(error: Exception) -> Response[Any]:
        at = where_raised(error)
        logger.error("Unhandled error", extra={"error": type(error).__name__, "at": at})
        return internal_error().to_response()

    app.exception_handler(Problem)(problem)
    app.exception_handler(Exception)(unexpected)
    app.not_found(no_route)


def gateway_request_id(event: dict[str, Any]) -> str | None:
    """The gateway's request id: the logs' correlation id (what Powertools' correlation path
    API_GATEWAY_HTTP finds, read without a JMESPath search on every request)."""
    return (event.get("requestContext") or {}).get("requestId")


def entry_point(
    app: APIGatewayHttpResolver, logger: Logger, metrics: Metrics, warmup: Warmup | None = None
) -> LambdaHandler:
    """The handler; it first waits for the cold start's prefetch (`warmup`), if any."""

    @logger.inject_lambda_context
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if warmup is not None:
            warmup.wait()
        logger.set_correlation_id(gateway_request_id(event))
        return app.resolve(event, context)

    return lambda_handler
