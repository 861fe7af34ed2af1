"""The API answers only through the site's distribution: around it, every function says 403."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError

from clinic_api.core.edge import around_the_edge
from clinic_tools.local.template import NO_EDGE, Route
from tests.conftest import TEMPLATE, http_event
from tests.unit.stack import VALID, Stack, invoke, post_json
from tests.worker_plugin import forget_containers, shared_client

SECRET = "edge-secret-for-tests"
THROUGH_THE_EDGE = {"x-origin-verify": SECRET}


@pytest.fixture
def edge(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """A deployed stack: the distribution's secret configured, in new containers."""
    arn = shared_client("secretsmanager").create_secret(Name="edge", SecretString=SECRET)["ARN"]
    monkeypatch.setenv("EDGE_ORIGIN_SECRET", arn)
    forget_containers()
    yield stack


def first_route(function: str) -> Route:
    return next(route for route in TEMPLATE.routes if route.function == function)


def request_to(route: Route, headers: dict[str, str]) -> dict[str, Any]:
    path = route.path.replace("{slug}", "anxiety").replace("{reference}", "ABCD1234")
    return http_event(route.method, path, route=route.path, headers=headers)


HTTP_FUNCTIONS = sorted({route.function for route in TEMPLATE.routes})


@pytest.mark.parametrize("function", HTTP_FUNCTIONS)
@pytest.mark.parametrize("headers", [{}, {"x-origin-verify": "guess"}, {"x-origin-verify": ""}])
def test_every_function_refuses_a_request_sent_around_the_edge(
    edge: Stack, function: str, headers: dict[str, str]
) -> None:
    answer = invoke(function, request_to(first_route(function), headers))
    assert answer.status == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == around_the_edge().detail  # the edge's, not the route's
    assert SECRET not in answer.body + str(answer.headers)


def test_a_request_through_the_edge_is_served(edge: Stack) -> None:
    health = request_to(first_route("ContentFunction"), THROUGH_THE_EDGE)
    assert health["rawPath"] == "/health"
    assert invoke("ContentFunction", health).status == 200
    assert post_json(VALID, headers=THROUGH_THE_EDGE).status == 201


def test_a_refused_post_stores_nothing_and_takes_no_rate_slot(edge: Stack) -> None:
    assert post_json(VALID).status == 403
    assert edge.requests() == []
    assert edge.dynamodb.scan(TableName=edge.guard_table)["Items"] == []


@pytest.mark.parametrize("function", HTTP_FUNCTIONS)
def test_a_refusal_reads_no_secret(edge: Stack, function: str) -> None:
    """A flood around the edge costs no Secrets Manager call (and works when it is down)."""
    from clinic_api.core.clients import secrets_client

    def fail(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://secretsmanager.example")

    secrets_client().meta.events.register("before-send.secretsmanager", fail)
    assert invoke(function, request_to(first_route(function), {})).status == 403
    answer = invoke(function, request_to(first_route(function), THROUGH_THE_EDGE))
    assert answer.status == 503  # the secret cannot be checked: retry later, not 500
    assert int(answer.headers["retry-after"]) > 0


def test_without_a_configured_secret_nothing_is_refused(stack: Stack) -> None:
    """`clinic dev`, sam local and these tests have no distribution in front."""
    assert stack.environment["EDGE_ORIGIN_SECRET"] == ""
    for function in HTTP_FUNCTIONS:  # the staff function still wants its signed-in claims
        answer = invoke(function, request_to(first_route(function), {}))
        assert around_the_edge().detail not in answer.body
    assert post_json(VALID, headers={"x-origin-verify": "guess"}).status == 201


def test_the_local_stack_configures_no_edge_for_any_function() -> None:
    for function in TEMPLATE.functions.values():
        for name, value in NO_EDGE.items():
            assert function.environment.get(name, value) == value
