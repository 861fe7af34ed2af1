"""The schema AppointmentsFunction checks requests against is the documented request's."""

from __future__ import annotations

import json

from clinic_api.appointments import request
from clinic_api.appointments.openapi_models import checked_schema


def test_the_functions_schema_is_the_models() -> None:
    shipped = json.loads(request.SCHEMA_FILE.read_text())
    assert shipped == checked_schema(), (
        f"{request.SCHEMA_FILE.name} is not schemas.AppointmentRequest's: run `make request-schema`"
    )


def test_every_rule_names_a_field_of_the_schema() -> None:
    # A field renamed in the model without its rule would be kept unchecked.
    assert set(request.KEPT) <= request.field_names()


def test_the_documents_example_is_a_request_the_function_takes() -> None:
    example = request.REQUEST_EXAMPLE
    kept, errors = request.check(example, request.Site([example["service"]], "US"))
    assert errors == []
    assert kept["phone"] == "+15035550117"
    assert kept["email"] is None and kept["okToText"] is False and kept["website"] is None
