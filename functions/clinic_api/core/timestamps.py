"""Times as the tables store them: UTC ISO 8601 with milliseconds and `Z`, so they sort as times.

The appointments function writes `createdAt` this way; staff queries, history
entries, audit records and the CLI's `--since` compare with it, so one function
makes them all.
"""

from __future__ import annotations

from datetime import UTC, datetime

# `Sun 29 Nov 2026 21:17 PST`: how the staff CLI and notifications show a time, in the
# clinic's time zone (site.yaml `timeZone`), so that both name the same day.
CLINIC_TIME = "%a %d %b %Y %H:%M %Z"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(datetime.now(UTC))
