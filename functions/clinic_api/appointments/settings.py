"""What the AppointmentsFunction is configured with: its environment, and the clinic's site.json.

site.json (published from content/site.yaml and authors.yaml) is the one source of the
services, the providers a request may name, consent version and phone region (see
clinic_api.core.site).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from clinic_api.core.settings import Environment, SettingsError
from clinic_api.core.site import site_settings

# An http(s) URL, or a path on the origin the form was posted from (the site's own
# distribution serves the API under /api/). "//host" and "/\host" are refused: a
# browser reads both as another host.
_REDIRECT_TARGET = re.compile(r"(https?://[^\s?#]+|/[^\s?#/\\][^\s?#]*)(\?[^\s#]*)?")


def redirect_target(name: str, value: str) -> str:
    """A configured redirect target, checked as the template's AllowedPattern checks it."""
    if not _REDIRECT_TARGET.fullmatch(value):
        raise SettingsError(name, "must be an http(s) URL or a path such as /thank-you")
    return value


@dataclass(frozen=True)
class AppointmentsSettings:
    """The AppointmentsFunction's environment, read once per container (the template sets it).

    What the staff function shares is read in core the same way: site.json's bucket
    (`core.site`) and the hashing secrets' ids (`core.identity`).
    """

    requests_table: str
    guard_table: str
    thank_you_url: str
    error_url: str
    rate_limit: int
    rate_window_seconds: int
    retention_days: int

    @classmethod
    def read(cls, env: Environment) -> AppointmentsSettings:
        return cls(
            requests_table=env.text("REQUESTS_TABLE"),
            guard_table=env.text("GUARD_TABLE"),
            thank_you_url=redirect_target("THANK_YOU_URL", env.text("THANK_YOU_URL")),
            error_url=redirect_target("FORM_ERROR_URL", env.text("FORM_ERROR_URL")),
            rate_limit=env.whole_number("RATE_LIMIT_MAX", 5),
            rate_window_seconds=env.whole_number("RATE_LIMIT_WINDOW_SECONDS", 600),
            retention_days=env.whole_number("REQUEST_RETENTION_DAYS", 365),
        )


@dataclass(frozen=True)
class ClinicSettings:
    """The parts of site.json a request is checked and stamped with."""

    services: list[str]
    consent_version: str
    phone_region: str
    providers: list[str] = field(default_factory=list)  # slugs of those who see patients

    @classmethod
    def parse(cls, site: dict[str, Any]) -> ClinicSettings:
        return cls(
            providers=[provider["slug"] for provider in site.get("providers", [])],
            services=[service["id"] for service in site["services"]],
            consent_version=site["consentVersion"],
            phone_region=site["phoneRegion"],
        )


@cache
def appointments_settings() -> AppointmentsSettings:
    return AppointmentsSettings.read(Environment())


def clinic_settings() -> ClinicSettings:
    return site_settings(ClinicSettings.parse)
