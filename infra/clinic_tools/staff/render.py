"""Requests as staff read them: a table, JSON, one request in full, or CSV for a spreadsheet.

The CSV has a fixed, documented set of columns in a stable order (EXPORT_COLUMNS),
phones in the clinic's national format, and every cell that a spreadsheet would
run as a formula (=, +, -, @, tab, CR) prefixed with ' (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from clinic_api.staff.view import national_phone

EXPORT_COLUMNS = (
    "reference", "createdAt", "status", "patientStatus", "firstName", "lastName", "phone",
    "email", "preferredContact", "okToText", "okToLeaveVoicemail", "preferredDays",
    "preferredTimes", "service", "visitFormat", "payment", "insuranceCarrier", "message",
    "sourceArticle", "duplicateOf", "consentVersion", "consentAt", "id",
)  # fmt: skip
LIST_COLUMNS = ("reference", "createdAt", "status", "service", "preferredContact", "name")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list):
        text = " ".join(str(item) for item in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv(requests: Iterable[dict[str, Any]], out: TextIO, region: str) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for request in requests:
        row = {**request, "phone": national_phone(request.get("phone"), region) or ""}
        writer.writerow([cell(row.get(column)) for column in EXPORT_COLUMNS])
        count += 1
    return count


def write_json(requests: Iterable[dict[str, Any]], out: TextIO) -> int:
    rows = list(requests)
    json.dump(rows, out, indent=2, default=_number, ensure_ascii=False)
    out.write("\n")
    return len(rows)


def write_table(requests: Iterable[dict[str, Any]], out: TextIO) -> int:
    rows = [
        [str(request.get(column, "")) for column in LIST_COLUMNS[:-1]]
        + [f"{request.get('firstName', '')} {request.get('lastName', '')}".strip()]
        for request in requests
    ]
    widths = [
        max([len(title), *(len(row[i]) for row in rows)]) for i, title in enumerate(LIST_COLUMNS)
    ]
    for row in [list(LIST_COLUMNS), *rows]:
        out.write(
            "  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)).rstrip()
        )
        out.write("\n")
    return len(rows)


def write_request(request: dict[str, Any], out: TextIO, region: str) -> None:
    """Every field, one per line, then the history."""
    shown = {**request, "phone": national_phone(request.get("phone"), region) or ""}
    history = shown.pop("history", [])
    width = max(len(key) for key in shown)
    for key in sorted(shown, key=_field_order):
        out.write(f"{key.ljust(width)}  {cell(shown[key]) if key != 'message' else shown[key]}\n")
    out.write("\nhistory:\n")
    for entry in history:
        change = f"{entry.get('from') or '-'} -> {entry['to']}"
        note = f"  ({entry['note']})" if entry.get("note") else ""
        out.write(f"  {entry['at']}  {change}  by {entry['by']}{note}\n")


def _field_order(key: str) -> tuple[int, str]:
    return (EXPORT_COLUMNS.index(key), key) if key in EXPORT_COLUMNS else (len(EXPORT_COLUMNS), key)


def _number(value: Any) -> Any:
    return int(value) if value == int(value) else float(value)  # DynamoDB numbers are Decimal
