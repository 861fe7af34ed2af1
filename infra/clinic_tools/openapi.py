"""`clinic openapi`: the OpenAPI 3.1 document, built from every function's route declarations.

Everything comes from `clinic_api.routes`: each route's parameters, bodies and
answers, and the pydantic models they name, whose JSON Schemas become the
document's components. Given the published site settings (site.json), a field
marked `SiteChoices` (the service) lists the clinic's own choices as its enum.
Built by `clinic publish`, never at cold start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from copy import deepcopy
from functools import cache
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from clinic_api.core.query import openapi_parameters
from clinic_api.core.routes import Answer, Header, Link, PathParam, Route
from clinic_api.core.schemas import SiteChoices
from clinic_api.routes import all_routes

TITLE = "Clinic website API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Articles, search, the clinic's settings and appointment requests for the clinic's "
    "website. Errors are RFC 9457 problem details. A path or method no route has is "
    'answered 404 `{"message":"Not Found"}` by the gateway itself (not 405).'
)
TAGS = [
    {"name": "Articles", "description": "Published patient-education articles and search."},
    {"name": "Pages", "description": "The clinic's pages: About, Services, Contact..."},
    {"name": "Providers", "description": "The clinic's people: the team page, each profile."},
    {"name": "Site", "description": "The clinic's settings, for rendering the site and form."},
    {"name": "Appointments", "description": "Requests for a call back from the clinic."},
    {"name": "Operations", "description": "Liveness and this document."},
    {"name": "Staff", "description": "The staff inbox: signed-in staff work the requests."},
]
BEARER = "staffToken"
SECURITY_SCHEMES = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The Cognito ID token of a staff user (group `staff` or `admin`), "
        "checked by the gateway's JWT authorizer: issuer, audience, signature, expiry.",
    }
}
ModelKey = tuple[type[BaseModel], JsonSchemaMode]


def build_openapi(site: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The document; with `site` (site.json), fields from the site list its choices."""
    routes = [route for _, route in all_routes()]
    models = _models(routes)
    generated, schemas = deepcopy(_model_schemas(tuple(models)))  # site choices edit them
    refs = {key: generated[key] for key in models}
    if site is not None:
        for model, mode in models:
            if mode == "validation":
                _fill_site_choices(model, _component(schemas, refs[(model, mode)]), site)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "tags": TAGS,
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


@cache
def _model_schemas(
    models: tuple[ModelKey, ...],
) -> tuple[dict[Any, Any], dict[str, Any]]:
    """Each model's reference and the schemas they name, made once: pydantic takes a
    third of a second, and every publish (each test's too) builds the document."""
    generated, definitions = models_json_schema(
        list(models), ref_template="#/components/schemas/{model}"
    )
    return dict(generated), definitions.get("$defs", {})


def _models(routes: Iterable[Route]) -> dict[ModelKey, None]:
    """Every model the routes name, once each: request bodies validate, answers serialise."""
    models: dict[ModelKey, None] = {}
    for route in routes:
        for body in route.bodies:
            models[(body.model(), "validation")] = None
        for answer in route.answers:
            if answer.model is not None:
                models[(answer.model(), "serialization")] = None
    return models


def _component(schemas: dict[str, Any], ref: Mapping[str, Any]) -> dict[str, Any]:
    return schemas[ref["$ref"].rsplit("/", 1)[-1]]


def _fill_site_choices(model: type[BaseModel], schema: dict[str, Any], site: Mapping) -> None:
    """A `SiteChoices` field's enum, and the model's examples kept within it.

    The marker sits on the field (`service`) or on one member of its union (`provider:
    ProviderSlug | None`, whose schema is an `anyOf` in the union's order)."""
    for name, field in model.model_fields.items():
        for marker, member in _site_choice_markers(field.metadata, field.annotation):
            key = field.alias or name
            choices = marker.of(site)
            prop = schema["properties"][key]
            target = prop if member is None else prop["anyOf"][member]
            # An empty enum is no schema at all: `not: {}` says that no value is allowed.
            target.update({"enum": choices} if choices else {"not": {}})
            prop["description"] = f"{marker.description}: in this site, one of these."
            for example in schema.get("examples", []):
                if (key in example or field.is_required()) and example.get(key) not in choices:
                    if choices:
                        example[key] = choices[0]
                    else:
                        example.pop(key, None)


def _site_choice_markers(
    metadata: Iterable[Any], annotation: Any
) -> Iterable[tuple[SiteChoices, int | None]]:
    """Each SiteChoices marker with the index of the union member it marks (None: the field)."""
    for marker in metadata:
        if isinstance(marker, SiteChoices):
            yield marker, None
    if get_origin(annotation) in (Union, UnionType):
        # Members the schema skips (SkipJsonSchema[None]) come last, after the ones it shows.
        for member, arg in enumerate(get_args(annotation)):
            for marker in getattr(arg, "__metadata__", ()):
                if isinstance(marker, SiteChoices):
                    yield marker, member


def _operation(route: Route, refs: Mapping[ModelKey, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "description": route.description,
        "tags": [route.tag],
    }
    if route.auth is not None:
        operation["security"] = [{BEARER: []}]
    parameters = [
        *(_path_parameter(param) for param in route.path_params),
        *_with_examples(openapi_parameters(route.query), route.query_examples),
        *(_header_parameter(header) for header in route.headers),
    ]
    if parameters:
        operation["parameters"] = parameters
    if route.bodies:
        operation["requestBody"] = {
            "required": route.body_required,
            "description": " ".join(
                f"`{body.media_type}`: {body.description}" for body in route.bodies
            ),
            "content": {
                body.media_type: {"schema": refs[(body.model(), "validation")]}
                for body in route.bodies
            },
        }
    operation["responses"] = {
        str(answer.status): _response(answer, refs) for answer in route.answers
    }
    return operation


def _response(answer: Answer, refs: Mapping[ModelKey, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": answer.description}
    if answer.headers:
        response["headers"] = {header.name: _header(header) for header in answer.headers}
    if answer.media_type is not None and answer.model is not None:
        response["content"] = {
            answer.media_type: {"schema": refs[(answer.model(), "serialization")]}
        }
    if answer.links:
        response["links"] = {link.name: _link(link) for link in answer.links}
    return response


def _link(link: Link) -> dict[str, Any]:
    return {
        "operationId": link.operation_id,
        "parameters": dict(link.parameters),
        "description": link.description,
    }


def _with_examples(
    parameters: list[dict[str, Any]], examples: Mapping[str, str | int]
) -> list[dict[str, Any]]:
    return [
        {**parameter, "example": examples[parameter["name"]]}
        if parameter["name"] in examples
        else parameter
        for parameter in parameters
    ]


def _path_parameter(param: PathParam) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": "path",
        "required": True,
        "description": param.description,
        "schema": {"type": "string", "pattern": param.pattern, "maxLength": param.max_length},
        "example": param.example,
    }


def _header_parameter(header: Header) -> dict[str, Any]:
    return {"name": header.name, "in": "header", **_header(header)}


def _header(header: Header) -> dict[str, Any]:
    """A header object: a request header parameter's fields, or a response header."""
    described: dict[str, Any] = {
        "description": header.description,
        "required": header.required,
        "schema": _header_schema(header),
    }
    if header.example is not None:
        described["example"] = header.example
    return described


def _header_schema(header: Header) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if header.values:
        schema["enum"] = list(header.values)
    for keyword, value in (
        ("pattern", header.pattern),
        ("format", header.format),
        ("minLength", header.min_length),
        ("maxLength", header.max_length),
    ):
        if value is not None:
            schema[keyword] = value
    return schema
