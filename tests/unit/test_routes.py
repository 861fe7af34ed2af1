"""Each function declares its routes once (clinic_api.*.routes); everything else follows.

template.yaml routes each declared route to its function, events/ holds one
sample per declared route, and each handler answers every declared route with
a status, media type and headers that its declaration names.
"""

from __future__ import annotations

import importlib
import json
import re

import pytest

from clinic_api.core.routes import JSON, Answer, FunctionRoutes, Header, PathParam, Route, declare
from clinic_api.core.schemas import Problem
from clinic_api.routes import FUNCTIONS, all_routes
from tests.conftest import ROOT, http_event
from tests.unit.stack import TEMPLATE, Stack, invoke

ROUTES = all_routes()


def _key(value: object) -> str:
    return value.key if isinstance(value, Route) else ""


def test_the_template_routes_each_declared_route_to_its_function() -> None:
    declared = {route.key: function.function for function, route in ROUTES}
    routed = {route.key: route.function for route in TEMPLATE.routes}
    undeclared = sorted(routed.keys() - declared.keys())
    assert not undeclared, f"template.yaml routes {undeclared}, which no routes.py declares"
    unrouted = sorted(declared.keys() - routed.keys())
    assert not unrouted, f"template.yaml has no HttpApi event for the declared {unrouted}"
    assert routed == declared, "template.yaml sends a declared route to another function"


def test_each_declared_route_has_one_sample_event() -> None:
    events = ROOT.joinpath("events").glob("*.json")
    keys = [json.loads(path.read_text())["routeKey"] for path in events]
    declared = {route.key for _, route in ROUTES}
    missing = sorted(declared - set(keys))
    assert not missing, f"events/ has no sample event (routeKey) for {missing}"
    assert sorted(keys) == sorted(declared), "events/ has a sample for no route, or two for one"


def test_operation_ids_are_unique() -> None:
    ids = [route.operation_id for _, route in ROUTES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.function)
def test_each_function_handles_exactly_its_declared_routes(
    stack: Stack, function: FunctionRoutes
) -> None:
    # A route handled but not declared would be undocumented; one declared but not handled,
    # the gateway's 404 (handlers register only through `app.handles(route)`).
    module_name = TEMPLATE.functions[function.function].handler.rpartition(".")[0]
    module = importlib.import_module(module_name)
    assert module.app.route_keys == {route.key for route in function.routes}


def _event(route: Route) -> dict:
    path = route.path
    for param in route.path_params:
        path = path.replace(f"{{{param.name}}}", param.example)
    return http_event(
        route.method,
        path,
        route=route.path,
        path_parameters={param.name: param.example for param in route.path_params} or None,
    )


def _header_holds(header: Header, value: str) -> bool:
    if header.values and value not in header.values:
        return False
    return header.pattern is None or re.fullmatch(header.pattern, value) is not None


@pytest.mark.parametrize(("function", "route"), ROUTES, ids=_key)
def test_each_declared_route_answers_as_declared(
    stack: Stack, function: FunctionRoutes, route: Route
) -> None:
    # A bare request: a success, or an error the route declares (never the gateway's 404).
    answer = invoke(function.function, _event(route))

    assert answer.status in {declared.status for declared in route.answers}, answer.body
    declared = route.answer(answer.status)
    assert answer.headers.get("content-type") == declared.media_type
    for header in declared.headers:
        value = answer.headers.get(header.name.lower())
        if header.required or value is not None:
            assert value is not None and _header_holds(header, value), (header.name, value)


def _route(path: str = "/things/{slug}", **changes: object) -> Route:
    declared = Route(
        "GET",
        path,
        "getThing",
        "A thing",
        "One thing.",
        "Things",
        (Answer(200, "The thing.", JSON, lambda: Problem), Answer(304, "Unchanged.")),
        path_params=(PathParam("slug", "Its slug.", "^[a-z]+$", 20, "one"),),
    )
    return declared._replace(**changes)


@pytest.mark.parametrize(
    ("route", "complaint"),
    [
        (_route("/things/{id}"), "declare exactly the path's parameters ['id']"),
        (_route(path_params=()), "declare exactly the path's parameters ['slug']"),
        (_route(query_examples={"limit": 5}), "examples for undeclared parameters ['limit']"),
        (_route(answers=(Answer(200, "a"), Answer(200, "b"))), "one answer per status"),
        (_route(answers=(Answer(200, "a", JSON),)), "200 has a media type but no model"),
        (_route(answers=(Answer(200, "a", None, lambda: Problem),)), "200 has a model but no"),
        (_route(answers=(Answer(304, "a", JSON, lambda: Problem),)), "304 answers carry no"),
    ],
)
def test_a_declaration_that_contradicts_itself_is_refused(route: Route, complaint: str) -> None:
    with pytest.raises(ValueError, match=re.escape(complaint)):
        declare("ThingsFunction", route)
    valid = _route()
    assert declare("ThingsFunction", valid).routes == (valid,)
