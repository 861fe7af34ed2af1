"""What staff are told: a reference, a time and where to look. Never a name, phone,
e-mail, service or message: these texts are built from keys and counts alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from clinic_api.core.timestamps import clinic_time

INBOX_PAGE = "/staff/"  # the template's InboxUrl default: the site's inbox page


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str


@dataclass(frozen=True)
class ClinicDesk:
    """What site.json tells a notice: the clinic's clock (as the inbox and the CLI show
    times) and the site's address, and where on it (INBOX_URL) the inbox is."""

    time_zone: str = "UTC"
    base_url: str | None = None
    inbox_page: str = INBOX_PAGE

    @classmethod
    def parse(cls, site: dict[str, Any]) -> ClinicDesk:
        return cls(site.get("timeZone") or "UTC", site.get("baseUrl") or None)

    @property
    def inbox(self) -> str | None:
        """The inbox's address: `inbox_page` itself when it is a URL (an inbox on a host of
        its own, the local site's), else that path on the site's baseUrl (none without)."""
        if "://" in self.inbox_page:
            return self.inbox_page
        return f"{self.base_url.rstrip('/')}{self.inbox_page}" if self.base_url else None

    def time(self, moment: datetime) -> str:
        return clinic_time(moment, self.time_zone)


@dataclass(frozen=True)
class WhereToLook:
    table: str
    region: str
    desk: ClinicDesk
    in_aws: bool = True  # not where AWS_ENDPOINT_URL names another (clinic dev's moto)

    def lines(self, in_the_inbox: str, command: str) -> list[str]:
        inbox = [f"{in_the_inbox}:", f"  {self.desk.inbox}"] if self.desk.inbox else []
        return [
            *inbox,
            "or with the staff CLI:" if inbox else "Read it with the staff CLI:",
            f"  {command}",
            *self._console(),
        ]

    def _console(self) -> list[str]:
        """The table in the DynamoDB console, which has only AWS's own tables."""
        if not self.in_aws:
            return []
        return [
            f"or in the DynamoDB console: table {self.table}, index byStatus, status = new:",
            f"  https://{self.region}.console.aws.amazon.com/dynamodbv2/home"
            f"?region={self.region}#item-explorer?table={self.table}",
        ]


def new_request(reference: str, received: datetime, where: WhereToLook) -> Notice:
    body = [
        "A new appointment request arrived.",
        "",
        f"Reference: {reference}",
        f"Received:  {where.desk.time(received)}",
        "",
        *where.lines(
            f"Open the staff inbox and search for {reference}",
            f"clinic requests show {reference}",
        ),
        "",
        "This e-mail holds no patient details, on purpose.",
    ]
    return Notice(f"New appointment request {reference}", "\n".join(body))


def digest(waiting: int, oldest: datetime | None, now: datetime, where: WhereToLook) -> Notice:
    if waiting == 0 or oldest is None:
        lines = ["No appointment requests are waiting (status new)."]
        return Notice("Appointment requests: none waiting", "\n".join(lines))
    hours = max(0, int((now - oldest).total_seconds() // 3600))
    lines = [
        f"{waiting} appointment request{'s are' if waiting != 1 else ' is'} waiting (status new).",
        f"The oldest arrived {where.desk.time(oldest)}, {hours} hours ago.",
        "",
        *where.lines(
            "Open the staff inbox (it opens on the new requests)",
            "clinic requests list --status new",
        ),
    ]
    return Notice(f"Appointment requests: {waiting} waiting", "\n".join(lines))
