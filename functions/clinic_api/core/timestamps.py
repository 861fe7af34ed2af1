"""Times as the tables store them: UTC ISO 8601 with milliseconds and `Z`, so they sort as times.

The appointments function writes `createdAt` this way; staff queries, history
entries, audit records and the CLI's `--since` compare with it, so one function
makes them all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(datetime.now(UTC))


def clinic_time(moment: datetime, time_zone: str) -> str:
    """`Sun 29 Nov 2026 21:17 PST`: a time as the staff CLI and the notifications show it, on
    the clinic's clock (site.yaml `timeZone`), so that both name the same day."""
    return moment.astimezone(ZoneInfo(time_zone)).strftime("%a %d %b %Y %H:%M %Z")
