"""Every route of the API, by function: what `clinic openapi` documents and the tests check.

Each function declares its own routes (`content.routes`, `appointments.routes`,
`staff.routes`); a new function adds its declaration here. Importing this loads no pydantic.
"""

from __future__ import annotations

from clinic_api.appointments.routes import APPOINTMENTS
from clinic_api.content.routes import CONTENT
from clinic_api.core.routes import FunctionRoutes, Route
from clinic_api.staff.routes import STAFF

FUNCTIONS: tuple[FunctionRoutes, ...] = (CONTENT, APPOINTMENTS, STAFF)


def all_routes() -> list[tuple[FunctionRoutes, Route]]:
    return [(function, route) for function in FUNCTIONS for route in function.routes]
