"""A small clinic's content, written by the test that needs it: no test counts content/.

`write_clinic` makes a complete content folder (site.yaml, authors.yaml, articles);
`publish_clinic` publishes it with the real publisher to the test bucket.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import BUCKET

BASE_URL = "https://clinic.example"
SITE: dict[str, Any] = {
    "name": "Small Clinic",
    "baseUrl": BASE_URL,
    "contact": {"phone": "+1 503-555-0100", "email": "hello@clinic.example"},
    "phoneRegion": "US",
    "cta": {"label": "Request an appointment", "href": "/request-appointment"},
    "services": [{"id": "consultation", "label": "Consultation"}],
    "consentVersion": "2026-01-01",
    "consentText": "You may call me back.",
    "emergencyNotice": "Not for emergencies: call 988 or 911.",
}
AUTHORS = {
    "dr-ada-stone": {
        "name": "Ada Stone",
        "credentials": "MD",
        "bio": "Dr. Stone sees adults\nwith depression.",
    },
    "sam-reed-np": {"name": "Sam Reed", "credentials": "PMHNP-BC", "bio": "Nurse practitioner."},
}


def article(body: str = "A short paragraph of plain words.", **front: Any) -> str:
    """An article file with valid front matter (a keyword set to None leaves that key out)."""
    fields = {
        "title": "An article",
        "description": "What the article is about.",
        "date": dt.date(2026, 1, 5),
        "author": "dr-ada-stone",
        **front,
    }
    fields = {key: value for key, value in fields.items() if value is not None}
    return f"---\n{yaml.safe_dump(fields, sort_keys=False)}---\n\n{body}\n"


def write_clinic(root: Path, articles: dict[str, str], site: dict[str, Any] | None = None) -> Path:
    """The content folder: SITE with `site`'s changes (None drops a key), AUTHORS, articles."""
    settings = {key: value for key, value in (SITE | (site or {})).items() if value is not None}
    (root / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    (root / "authors.yaml").write_text(yaml.safe_dump(AUTHORS), encoding="utf-8")
    for name, text in articles.items():
        (root / "articles" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def publish_clinic(content: Path, s3: Any, **options: Any) -> list[str]:
    """Publish `content` to the test bucket; the lines the publisher reported."""
    from clinic_tools.publish.publisher import publish

    lines: list[str] = []
    publish(content, BUCKET, s3, report=lines.append, **options)
    return lines
