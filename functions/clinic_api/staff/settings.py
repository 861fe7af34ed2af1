"""What the StaffFunction is configured with: its tables, and how site.json shows a request."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from clinic_api.core.site import site_settings
from clinic_api.staff.view import ClinicView


@dataclass(frozen=True)
class StaffSettings:
    requests_table: str
    audit_table: str

    @classmethod
    def from_environment(cls) -> StaffSettings:
        return cls(os.environ["REQUESTS_TABLE"], os.environ["AUDIT_TABLE"])


@cache
def staff_settings() -> StaffSettings:
    return StaffSettings.from_environment()


def clinic_view() -> ClinicView:
    return site_settings(ClinicView.parse)
