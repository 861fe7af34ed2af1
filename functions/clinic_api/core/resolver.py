"""What every HTTP function does alike: find the route, refuse requests sent around the
edge, answer errors as problem details, log and count.

API Gateway has matched the route before the function runs: the event's `routeKey`
("GET /articles/{slug}", as `Route.key` writes it) and `pathParameters` name the route
and its values, so a function looks its handler up by that key (`sam local` and
`clinic dev` send the same). Powertools' resolver matched the path a second time by
regular expression, and its package, imported whole (AppSync's asyncio, every event
class, OpenAPI), cost each cold start about 60 ms and each warm answer about 40 µs
(docs/benchmarks.md). Logs are Powertools'; counts are core.metrics'.

A `Problem` raised anywhere becomes its problem+json answer; an error nobody expected
becomes a 500 that logs where it was raised, never its message (which can quote the
input); a key no route has is the gateway's own 404. Every answer says
`X-Content-Type-Options: nosniff` (`http.SECURITY_HEADERS`), so that `clinic dev` shows
it as the deployed API does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger

from clinic_api.core.collector import settles_after
from clinic_api.core.edge import around_the_edge, came_through_edge, edge_configured
from clinic_api.core.http import Request, Response, to_gateway
from clinic_api.core.metrics import Counts
from clinic_api.core.prefetch import Warmup
from clinic_api.core.problems import Problem, internal_error, no_route, where_raised
from clinic_api.core.routes import Route
from clinic_api.core.settings import SettingsError

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
Handler = TypeVar("Handler", bound=Callable[..., Response])
ErrorHandler = Callable[[Any], Response]


class HttpFunction:
    """One function's routes, each registered from its declaration (`handles`), and the
    answers to the errors they raise (`answers`); `request` and `context` are the current
    invocation's."""

    def __init__(self) -> None:
        self.logger = Logger()
        self.counts = Counts()
        self.request = Request({})
        self.context: Any = None
        self._routes: dict[str, tuple[Route, Callable[..., Response]]] = {}
        self._errors: dict[type[BaseException], ErrorHandler] = {
            Problem: Problem.to_response,
            Exception: self._unexpected,
        }

    def handles(self, route: Route) -> Callable[[Handler], Handler]:
        """Register the decorated function as `route`; it takes the path's parameters."""

        def register(handler: Handler) -> Handler:
            self._routes[route.key] = (route, handler)
            return handler

        return register

    def answers(self, *errors: type[BaseException]) -> Callable[[ErrorHandler], ErrorHandler]:
        """Register the decorated function as the answer to these errors (and their
        subclasses: the most specific registered class answers)."""

        def register(handler: ErrorHandler) -> ErrorHandler:
            for error in errors:
                self._errors[error] = handler
            return handler

        return register

    @property
    def route_keys(self) -> frozenset[str]:
        return frozenset(self._routes)

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        """The gateway's answer to one event."""
        request = self.request = Request(event)
        self.context = context
        found = self._routes.get(request.route_key)
        try:
            response = self._answer(request, found)
        except Exception as error:  # every error gets an answer (_error_answer)
            response = self._error_answer(error)
        compress = found is not None and found[0].compress and request.accepts_gzip
        return to_gateway(response, gzip_body=compress)

    def _answer(
        self, request: Request, found: tuple[Route, Callable[..., Response]] | None
    ) -> Response:
        # Every route, before it runs: 403 when sent around the site's distribution.
        if edge_configured() and not came_through_edge(request.headers):
            return around_the_edge().to_response()
        if found is None:
            return no_route()
        route, handler = found
        values = request.path_parameters
        if any(param.name not in values for param in route.path_params):
            return no_route()
        return handler(**{param.name: values[param.name] for param in route.path_params})

    def _error_answer(self, error: Exception) -> Response:
        """The most specific registered answer (`Exception`'s at least); should that answer
        fail too, the plain 500, which logs where, never what (the runtime would log the
        message, which can quote the input)."""
        handler = next(self._errors[kind] for kind in type(error).__mro__ if kind in self._errors)
        try:
            return handler(error)
        except Exception as failed:  # see the docstring
            return self._unexpected(failed)

    def log_unexpected(self, error: Exception) -> None:
        """An error nobody expected, logged by its type and where it was raised: never its
        message, which can quote the input. A bad setting's names its variable: the operator's
        next step is to fix that variable."""
        found = {"error": type(error).__name__, "at": where_raised(error)}
        if isinstance(error, SettingsError):
            found["variable"] = error.variable
        self.logger.error("Unhandled error", extra=found)

    def _unexpected(self, error: Exception) -> Response:
        self.log_unexpected(error)
        return internal_error().to_response()

    def entry_point(self, warmup: Warmup | None = None) -> LambdaHandler:
        """The Lambda handler: logs carry the gateway's request id, the counts are written,
        the first invocation waits for the cold start's prefetch (`warmup`), if any, and
        resumes the garbage collector once it has answered (core.collector)."""
        logger, counts = self.logger, self.counts

        @logger.inject_lambda_context
        @counts.written_after
        @settles_after
        def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            if warmup is not None:
                warmup.wait()
            logger.set_correlation_id(gateway_request_id(event))
            return self.resolve(event, context)

        return lambda_handler


def gateway_request_id(event: dict[str, Any]) -> str | None:
    """The gateway's request id: the logs' correlation id."""
    return (event.get("requestContext") or {}).get("requestId")
