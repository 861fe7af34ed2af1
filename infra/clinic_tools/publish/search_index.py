"""The search index `clinic publish` uploads: every compiled article's and page's intro
and H2/H3 sections in a tantivy index, packed with its manifest as one tar object.

tantivy names its files at random, so two builds of the same content differ in
bytes. Whether the index changed is therefore judged by a SHA-256 of what it is
built from (units, synonyms, schema and tantivy versions), which the upload
keeps in the object's metadata in place of the hash of the bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import tantivy

from clinic_api.search.schema import (
    ARTICLE,
    ARTICLE_KIND,
    ARTICLE_TITLE,
    BODY,
    CONTEXT,
    FIELD_WEIGHTS,
    HEADING,
    INDEX_DIR,
    KIND,
    MANIFEST,
    PAGE_KIND,
    SCHEMA_VERSION,
    SECTION_ID,
    SECTION_TITLE,
    SLUG,
    TAG,
    TAGS,
    TERM,
    UNITS_WITH_TERM,
    build_schema,
    register_analyzers,
    words_analyzer,
)
from clinic_tools.publish.sections import parent_titles, split_sections

ARCHIVE_TYPE = "application/x-tar"
WRITER_HEAP = 256_000_000  # one writer thread with room for one segment: faster searches
_LOCKS = (".tantivy-meta.lock", ".tantivy-writer.lock")

Unit = dict[str, Any]  # one document: field name → text (or the list of tags)


@dataclass(frozen=True)
class BuiltSearchIndex:
    archive: bytes
    input_sha256: str  # stands for the archive's bytes when judging "changed"


def search_units(
    articles: dict[str, dict[str, Any]], pages: dict[str, dict[str, Any]] | None = None
) -> list[Unit]:
    """Per article, then per page (published or scheduled: the function hides what is not
    due), its intro, then each H2/H3 section that has an id."""
    documents = [(ARTICLE_KIND, articles[slug]) for slug in sorted(articles)]
    documents += [(PAGE_KIND, page) for _, page in sorted((pages or {}).items())]
    units: list[Unit] = []
    for number, (kind, document) in enumerate(documents):
        units += _document_units(number, kind, document)
    return units


def _document_units(number: int, kind: str, document: dict[str, Any]) -> list[Unit]:
    tags = list(document.get("tags", ()))  # a page has none
    sections = split_sections(document["html"])
    intro = " ".join(part for part in (document["description"], sections[0].text) if part)
    common = {
        SLUG: document["slug"],
        KIND: kind,
        ARTICLE: number,
        TAG: tags,
        ARTICLE_TITLE: document["title"],
    }
    units = [
        common
        | {SECTION_ID: "", SECTION_TITLE: "", HEADING: document["title"]}
        | {TAGS: " ".join(tags), CONTEXT: "", BODY: intro}
    ]
    parents = parent_titles(sections)
    units += [
        common
        | {SECTION_ID: section.id, SECTION_TITLE: section.title, HEADING: section.title}
        | {TAGS: "", CONTEXT: f"{document['title']} {parents.get(position, '')}".strip()}
        | {BODY: section.text}
        for position, section in enumerate(sections)
        if section.id
    ]
    return units


def build_search_index(
    articles: dict[str, dict[str, Any]],
    synonyms: Sequence[Sequence[str]],
    *,
    pages: dict[str, dict[str, Any]] | None = None,
) -> BuiltSearchIndex:
    units = search_units(articles, pages)
    groups = [list(group) for group in synonyms]
    manifest = {"schemaVersion": SCHEMA_VERSION, "synonyms": groups}
    canonical = {**manifest, "tantivy": version("tantivy"), "units": units}
    digest = hashlib.sha256(
        json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    with tempfile.TemporaryDirectory(prefix="clinic-search-build-") as folder:
        root = Path(folder)
        (root / INDEX_DIR).mkdir()
        _write_index(root / INDEX_DIR, units)
        (root / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        return BuiltSearchIndex(_pack(root), digest)


def _write_index(folder: Path, units: list[Unit]) -> None:
    index = tantivy.Index(build_schema(), path=str(folder))
    register_analyzers(index)
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    for unit in units:
        writer.add_document(tantivy.Document(**unit))
    for word, count in sorted(vocabulary(units).items()):
        writer.add_document(tantivy.Document(**{TERM: word, UNITS_WITH_TERM: count}))
    writer.commit()
    writer.wait_merging_threads()


def vocabulary(units: Iterable[Unit]) -> Counter[str]:
    """Each word of the searchable fields, before stemming, with the number of units holding it."""
    analyze = words_analyzer().analyze
    counts: Counter[str] = Counter()
    for unit in units:
        counts.update({word for field in FIELD_WEIGHTS for word in analyze(unit[field])})
    return counts


def _pack(root: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name not in _LOCKS:
                tar.add(path, arcname=path.relative_to(root).as_posix())
    return buffer.getvalue()
