"""`clinic openapi`: one OpenAPI 3.1 document for every function's routes.

Built at publish time from the Powertools resolvers (paths, summaries,
responses), plus what the lean handlers parse by hand (query parameters) and
the response models in `clinic_api.*.schemas`. Never built at cold start.
"""

from __future__ import annotations

import json
import re
from types import ModuleType
from typing import Any

from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from clinic_api.appointments import handler as appointments_handler
from clinic_api.appointments import schemas as appointments_schemas
from clinic_api.content import handler as content_handler
from clinic_api.content import schemas as content_schemas
from clinic_api.core import schemas as core_schemas
from clinic_api.core.query import openapi_parameters

TITLE = "Clinic website API"
VERSION = "1.0.0"
# Each function's handler, with the modules holding its contract's models.
FUNCTIONS: list[tuple[ModuleType, ModuleType]] = [
    (content_handler, content_schemas),
    (appointments_handler, appointments_schemas),
]
_FORM_MEDIA = ("application/json", "application/x-www-form-urlencoded")


def _models(*modules: ModuleType) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    return [
        (model, "serialization")
        for module in modules
        for model in vars(module).values()
        if isinstance(model, type)
        and issubclass(model, BaseModel)
        and model.__module__ == module.__name__
    ]


def _function_schema(handler: ModuleType, schemas: ModuleType) -> dict[str, Any]:
    """Powertools' document for one resolver, plus what the handler parses by hand."""
    document = handler.app.get_openapi_schema(title=TITLE, version=VERSION).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    for path, spec in getattr(handler, "QUERY_PARAMETERS", {}).items():
        document["paths"][path]["get"]["parameters"] = openapi_parameters(spec)
    for path, parameters in getattr(handler, "HEADER_PARAMETERS", {}).items():
        for operation in document["paths"][path].values():
            operation.setdefault("parameters", []).extend(parameters)
    bodies = getattr(handler, "REQUEST_BODIES", {})
    for path, model in bodies.items():
        schema = {"$ref": f"#/components/schemas/{model.__name__}"}
        document["paths"][path]["post"]["requestBody"] = {
            "required": True,
            "content": {media: {"schema": schema} for media in _FORM_MEDIA},
        }
    requests = set(bodies.values())
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (model, "validation") for model in requests
    ]
    models += [entry for entry in _models(core_schemas, schemas) if entry[0] not in requests]
    _, definitions = models_json_schema(models, ref_template="#/components/schemas/{model}")
    document.setdefault("components", {}).setdefault("schemas", {}).update(definitions["$defs"])
    return document


def _drop_unreferenced(document: dict[str, Any]) -> dict[str, Any]:
    """Powertools adds its validation-error schemas; our functions answer problem+json instead."""
    schemas = document.get("components", {}).get("schemas", {})
    used: set[str] = set()
    pending = json.dumps(document.get("paths", {}))
    while names := set(re.findall(r"#/components/schemas/([A-Za-z0-9_]+)", pending)) - used:
        used |= names
        pending = json.dumps([schemas[name] for name in names if name in schemas])
    document["components"]["schemas"] = {
        name: schemas[name] for name in sorted(used) if name in schemas
    }
    return document


def build_openapi() -> dict[str, Any]:
    merge = OpenAPIMerge(
        title=TITLE,
        version=VERSION,
        description="Articles, site settings and appointment requests for the clinic's website.",
        on_conflict="error",
    )
    for handler, schemas in FUNCTIONS:
        merge.add_schema(_function_schema(handler, schemas))
    return _drop_unreferenced(merge.get_openapi_schema())
