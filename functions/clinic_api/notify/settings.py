"""What the NotifyFunction and the DigestFunction are configured with: their environment
(the template gives both the same variables), read once per container, and site.json's
time zone and base URL (through the revalidating cache every function reads it with),
on which INBOX_URL, unless a URL of its own, is the inbox's path."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from clinic_api.core.aws_errors import DependencyUnavailable
from clinic_api.core.s3_cache import ObjectMissing
from clinic_api.core.settings import Environment
from clinic_api.core.site import site_settings
from clinic_api.notify.messages import INBOX_PAGE, ClinicDesk, WhereToLook


@dataclass(frozen=True)
class NotifySettings:
    requests_table: str
    topic_arn: str
    region: str  # Lambda sets AWS_REGION: the console links in a message name it
    inbox_page: str = INBOX_PAGE
    in_aws: bool = True

    @classmethod
    def read(cls, env: Environment) -> NotifySettings:
        return cls(
            env.text("REQUESTS_TABLE"),
            env.text("TOPIC_ARN"),
            env.text("AWS_REGION"),
            env.optional("INBOX_URL") or INBOX_PAGE,
            in_aws=not env.optional("AWS_ENDPOINT_URL"),
        )

    def where_to_look(self) -> WhereToLook:
        desk = replace(clinic_desk(), inbox_page=self.inbox_page)
        return WhereToLook(self.requests_table, self.region, desk, self.in_aws)


def clinic_desk() -> ClinicDesk:
    """site.json's clock and inbox; without site.json, UTC and no link: staff are told
    of a request even then."""
    try:
        return site_settings(ClinicDesk.parse)
    except (ObjectMissing, DependencyUnavailable):
        return ClinicDesk()


@cache
def notify_settings() -> NotifySettings:
    return NotifySettings.read(Environment())
