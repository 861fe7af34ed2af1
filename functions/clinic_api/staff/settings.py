"""What the StaffFunction is configured with: its tables, and how site.json shows a request."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clinic_api.core.settings import Environment
from clinic_api.core.site import site_settings
from clinic_api.staff.view import ClinicView


@dataclass(frozen=True)
class StaffSettings:
    """The StaffFunction's environment, read once per container (the template sets it).

    site.json's bucket and the hashing secret are read in core (`core.site`,
    `core.identity`), as every function that shares them reads them.
    """

    requests_table: str
    audit_table: str

    @classmethod
    def read(cls, env: Environment) -> StaffSettings:
        return cls(env.text("REQUESTS_TABLE"), env.text("AUDIT_TABLE"))


@cache
def staff_settings() -> StaffSettings:
    return StaffSettings.read(Environment())


def clinic_view() -> ClinicView:
    return site_settings(ClinicView.parse)
