"""Requests as staff read them: a table, JSON, one request in full, CSV, the audit trail.

Times in the clinic's time zone (site.yaml `timeZone`), phones in its national
format, services by their labels. The CSV has a fixed, documented set of
columns in a stable order (EXPORT_COLUMNS), and every cell that a spreadsheet
would run as a formula (=, +, -, @, tab, CR) prefixed with ' (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from clinic_api.core.timestamps import clinic_time
from clinic_api.staff.view import ClinicView, detail, local_time, national_phone, summary
from clinic_tools.terminal import printable

EXPORT_COLUMNS = (
    "reference", "createdAt", "status", "patientStatus", "firstName", "lastName", "phone",
    "email", "preferredContact", "okToText", "okToLeaveVoicemail", "preferredDays",
    "preferredTimes", "service", "visitFormat", "payment", "insuranceCarrier", "message",
    "sourceArticle", "duplicateOf", "consentVersion", "consentAt", "id",
)  # fmt: skip
LIST_COLUMNS = (
    "REFERENCE",
    "RECEIVED",
    "STATUS",
    "NAME",
    "PHONE",
    "SERVICE",
    "CONTACT",
    "ASSIGNEE",
)
TRAIL_COLUMNS = ("WHEN", "ACTION", "WHO", "FIELDS", "IDENTITY")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    """A stored value in words: yes or no, a list's items, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return str(value)


def cell(value: Any) -> str:
    """A CSV cell: the value in words, guarded where a spreadsheet would run it."""
    text = _text(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def when(iso: str, time_zone: str) -> str:
    """`Sun 29 Nov 2026 09:05 PST`: a stored UTC time as the clinic's clock showed it."""
    return clinic_time(local_time(iso, time_zone), time_zone)


def write_csv(requests: Iterable[dict[str, Any]], out: TextIO, region: str) -> int:
    def row(request: dict[str, Any]) -> list[Any]:
        shown = {**request, "phone": national_phone(request.get("phone"), region) or ""}
        return [shown.get(column) for column in EXPORT_COLUMNS]

    return _write_csv(out, EXPORT_COLUMNS, map(row, requests))


def _write_csv(out: TextIO, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """A header, then each row with every cell made safe for a spreadsheet; how many rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([cell(value) for value in row])
        count += 1
    return count


def write_json(requests: Iterable[dict[str, Any]], out: TextIO, clinic: ClinicView) -> int:
    """The inbox API's summaries: what the inbox page shows, for a script."""
    rows = [summary(request, clinic) for request in requests]
    json.dump(rows, out, indent=2, default=_number, ensure_ascii=False)
    out.write("\n")
    return len(rows)


def write_list_csv(requests: Iterable[dict[str, Any]], out: TextIO, clinic: ClinicView) -> int:
    """The list's own columns as CSV: what the desk sees, not the audited export's whole."""
    rows = (_list_row(summary(request, clinic), clinic.time_zone) for request in requests)
    return _write_csv(out, LIST_COLUMNS, rows)


def write_table(requests: Iterable[dict[str, Any]], out: TextIO, clinic: ClinicView) -> int:
    """The list's columns for a person: "-" where a request has nothing (a CSV cell stays
    empty, as a spreadsheet expects; "-" would be guarded as a formula, "'-")."""
    rows = [
        [text or "-" for text in _list_row(summary(request, clinic), clinic.time_zone)]
        for request in requests
    ]
    if rows:  # none: the caller says so in words, with no header above nothing
        _columns(out, LIST_COLUMNS, rows)
    return len(rows)


def _list_row(shown: dict[str, Any], time_zone: str) -> list[str]:
    """The list's columns, "" where the request has no value."""
    return [
        shown["reference"],
        when(shown["createdAt"], time_zone),
        shown["status"],
        f"{shown['firstName'] or ''} {shown['lastName'] or ''}".strip(),
        shown["phoneDisplay"] or "",
        shown["serviceLabel"] or "",
        shown["preferredContact"] or "",
        shown["assignee"] or "",
    ]


def _columns(out: TextIO, titles: Sequence[str], rows: list[list[str]]) -> None:
    rows = [[printable(text) for text in row] for row in rows]
    widths = [max([len(title), *(len(row[i]) for row in rows)]) for i, title in enumerate(titles)]
    for row in [list(titles), *rows]:
        line = "  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True))
        out.write(line.rstrip() + "\n")


def write_request(request: dict[str, Any], out: TextIO, clinic: ClinicView) -> None:
    """One request as a person reads it: what to call back about, then the history."""
    shown = detail(request, clinic)
    zone = clinic.time_zone
    lines = _facts(shown, zone)
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        out.write(f"{label.ljust(width)}  {printable(value)}\n")
    if shown["message"]:
        message = shown["message"].split("\n")
        out.write("\nmessage:\n" + "".join(f"  {printable(line)}\n" for line in message))
    out.write("\nhistory:\n")
    for entry in shown["history"]:
        out.write(f"  {when(entry['at'], zone)}  {printable(_history_line(entry))}\n")


def _facts(shown: dict[str, Any], zone: str) -> list[tuple[str, str]]:
    consent = shown["consentAt"] and f"{shown['consentVersion']}, {when(shown['consentAt'], zone)}"
    facts = [
        ("reference", shown["reference"]),
        (
            "status",
            shown["status"] + (f", assigned to {shown['assignee']}" if shown["assignee"] else ""),
        ),
        ("received", when(shown["createdAt"], zone)),
        ("name", f"{shown['firstName']} {shown['lastName']}"),
        ("patient", shown["patientStatus"]),
        ("phone", shown["phoneDisplay"]),
        ("e-mail", shown["email"]),
        ("contact by", shown["preferredContact"]),
        ("ok to text", _yes_no(shown["okToText"])),
        ("voicemail ok", _yes_no(shown["okToLeaveVoicemail"])),
        ("days", ", ".join(shown["preferredDays"])),
        ("times", ", ".join(shown["preferredTimes"])),
        ("service", shown["serviceLabel"]),
        ("provider", shown.get("providerName")),
        ("visit", shown["visitFormat"]),
        ("payment", shown["payment"]),
        ("insurance", shown["insuranceCarrier"]),
        ("from article", shown["sourceArticle"]),
        ("duplicate of", shown["duplicateOf"]),
        ("consent", consent),
    ]
    return [(label, _text(value)) for label, value in facts if value not in (None, "")]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _history_line(entry: dict[str, Any]) -> str:
    parts = []
    if "to" in entry:
        parts.append(f"{entry.get('from') or '-'} -> {entry['to']}")
    if "assignee" in entry:
        parts.append(f"assigned to {entry['assignee']}" if entry["assignee"] else "unassigned")
    parts.append(f"by {entry['by']}")
    text = "  ".join(parts)
    return text + (f"  ({entry['note']})" if entry.get("note") else "")


def write_raw(request: dict[str, Any], out: TextIO) -> None:
    """Every stored attribute as stored, one per line (internals too), then the history."""
    shown = dict(request)
    history = shown.pop("history", [])
    width = max(len(key) for key in shown)
    for key in sorted(shown, key=_field_order):
        out.write(f"{key.ljust(width)}  {printable(_text(shown[key]))}\n")
    out.write("\nhistory:\n")
    for entry in history:
        out.write(f"  {json.dumps(entry, default=_number, ensure_ascii=False)}\n")


def write_trail(records: Iterable[dict[str, Any]], out: TextIO, time_zone: str) -> int:
    rows = [
        [
            when(record["at"], time_zone),
            record["action"],
            record.get("actorEmail") or "-",
            ", ".join(record.get("fields") or []) or "-",
            record["actorId"],
        ]
        for record in records
    ]
    if rows:
        _columns(out, TRAIL_COLUMNS, rows)
    return len(rows)


def _field_order(key: str) -> tuple[int, str]:
    return (EXPORT_COLUMNS.index(key), key) if key in EXPORT_COLUMNS else (len(EXPORT_COLUMNS), key)


def _number(value: Any) -> Any:
    return int(value) if value == int(value) else float(value)  # DynamoDB numbers are Decimal
