"""A small clinic's content, written by the test that needs it: no test counts content/.

`write_clinic` makes a complete content folder (site.yaml, authors.yaml, articles);
`publish_clinic` publishes it with the real publisher to the test bucket, and
`publish_site` also writes the site's files (sitemap, feed, media) to the `site_bucket`.
"""

from __future__ import annotations

import datetime as dt
import pickle
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from clinic_tools.publish import media, publisher
from clinic_tools.publish.images import Picture, render_copies
from clinic_tools.publish.search_index import BuiltSearchIndex, build_search_index
from tests.aws_world import Objects, copy_objects, holds_nothing, put_back_objects
from tests.conftest import BUCKET

if TYPE_CHECKING:
    from clinic_tools.publish.upload import Payload

BASE_URL = "https://clinic.example"
SITE_BUCKET = "clinic-site-test"
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)  # after every article the tests date
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


def page(body: str = "A page of plain words.\n\n## A section\n\nMore words.", **front: Any) -> str:
    """A page file (content/pages/) with valid front matter (None leaves a key out)."""
    fields = {
        "title": "A page",
        "description": "What the page is about.",
        "date": dt.date(2026, 1, 5),
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
    """Publish `content` to the test bucket; the lines the publisher reported.

    Without a site bucket this is the publisher's own `build_objects` then `upload`,
    which is all `publish` does then; the build is kept per content, so the tests of
    a module that each publish the same small clinic compile it (Markdown, the
    OpenAPI document, the tantivy index) once. Into an empty bucket the publisher's plan
    is "upload everything", so it is applied without asking S3 about each object first,
    and only the first time per build: after that the objects it stored are put back.
    """
    from clinic_tools.publish.publisher import publish, upload
    from clinic_tools.publish.upload import Plan, apply_plan

    lines: list[str] = []
    if "site_bucket" in options:
        publish(content, BUCKET, s3, report=lines.append, **options)
        return lines
    files = _fingerprint(content)
    objects = _built(files)
    if options or s3.list_objects_v2(Bucket=BUCKET, MaxKeys=1).get("KeyCount"):
        upload(objects, BUCKET, s3, report=lines.append, **options)
        return lines
    fresh = holds_nothing(BUCKET)  # not even the versions a test deleted
    kept = _uploaded.get(files) if fresh else None
    if kept is not None:
        put_back_objects(BUCKET, kept[1])
        return list(kept[0])
    everything = Plan(uploads=[(key, "new") for key in objects])
    apply_plan(s3, BUCKET, objects, everything, report=lines.append)
    if fresh:
        _uploaded[files] = (list(lines), copy_objects(BUCKET))
    return lines


# A build's upload into the empty bucket, by the content files it was built from (as `_built`
# keeps the build): the lines it reported and a copy of the objects it stored, put back for
# the next test that publishes the same clinic (a module's tests mostly do, each into its own
# fresh world).
_uploaded: dict[tuple[tuple[str, bytes], ...], tuple[list[str], Objects]] = {}


@pytest.fixture
def site_bucket(s3: Any) -> Any:
    """The S3 client (moto) with the site bucket made, for `publish_site`."""
    s3.create_bucket(Bucket=SITE_BUCKET)
    return s3


def publish_site(content: Path, s3: Any, **options: Any) -> list[str]:
    """`publish_clinic` with the site bucket, at NOW: the lines the publisher reported."""
    return publish_clinic(content, s3, site_bucket=SITE_BUCKET, now=NOW, **options)


def _fingerprint(content: Path) -> tuple[tuple[str, bytes], ...]:
    """Every file of the content folder, by its path inside the folder: what a build reads."""
    files = sorted(path for path in content.rglob("*") if path.is_file())
    return tuple((path.relative_to(content).as_posix(), path.read_bytes()) for path in files)


@cache
def _built(files: tuple[tuple[str, bytes], ...]) -> dict[str, Payload]:
    """What the publisher builds from these files (building is pure: same files, same objects)."""
    from clinic_tools.publish.publisher import build_objects

    with tempfile.TemporaryDirectory() as folder:
        for name, data in files:
            (Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / name).write_bytes(data)
        return build_objects(Path(folder))


_copies: dict[tuple[str, str, int, int], dict[str, bytes]] = {}


def _kept_copies(picture: Picture) -> dict[str, bytes]:
    """The publisher's copies of a picture, rendered once per process for its bytes and
    recipe (what `digest` hashes) and measures: resizing and encoding a photo in WebP and
    JPEG takes a tenth of a second, and the tests publish the same few pictures again and
    again, each from its own folder. A changed picture has a new digest, so it is rendered
    anew; test_images.py calls `render_copies` itself."""
    key = (picture.digest, picture.format, picture.width, picture.height)
    if key not in _copies:
        _copies[key] = render_copies(picture)
    return _copies[key]


media.render_copies = _kept_copies


_indexes: dict[bytes, BuiltSearchIndex] = {}


def _kept_index(
    articles: dict[str, dict[str, Any]],
    synonyms: Sequence[Sequence[str]],
    *,
    pages: dict[str, dict[str, Any]] | None = None,
) -> BuiltSearchIndex:
    """The publisher's search index, built once per process for the same compiled articles,
    synonyms and pages (in their order: an article's number is its place). Writing a tantivy
    index takes 40 ms, and the publisher builds one at every publish, some 70 a run, mostly
    of a handful of small clinics. What the index holds is a function of those inputs (its
    `input_sha256` says so), and an archive is bytes, which nobody can change. The inputs
    are told apart by their pickle (types and order included); test_search_index.py calls
    the real builder."""
    key = pickle.dumps((articles, synonyms, pages))
    if key not in _indexes:
        _indexes[key] = build_search_index(articles, synonyms, pages=pages)
    return _indexes[key]


publisher.build_search_index = _kept_index
