"""What staff are told: a reference, a time and where to look. Never a name, phone,
e-mail, service or message: these texts are built from keys and counts alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str


@dataclass(frozen=True)
class WhereToLook:
    table: str
    region: str

    def lines(self, command: str) -> list[str]:
        console = (
            f"https://{self.region}.console.aws.amazon.com/dynamodbv2/home"
            f"?region={self.region}#item-explorer?table={self.table}"
        )
        return [
            "Read it with the staff CLI:",
            f"  {command}",
            f"or in the DynamoDB console: table {self.table}, index byStatus, status = new:",
            f"  {console}",
        ]


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def new_request(reference: str, received: datetime, where: WhereToLook) -> Notice:
    body = [
        "A new appointment request arrived.",
        "",
        f"Reference: {reference}",
        f"Received:  {_when(received)}",
        "",
        *where.lines(f"clinic requests show {reference}"),
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
        f"The oldest arrived {_when(oldest)}, {hours} hours ago.",
        "",
        *where.lines("clinic requests list --status new"),
    ]
    return Notice(f"Appointment requests: {waiting} waiting", "\n".join(lines))
