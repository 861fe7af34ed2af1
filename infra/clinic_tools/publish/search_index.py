"""The search index `clinic publish` uploads: every compiled article's and page's intro
and H2/H3 sections in a tantivy index, packed with its manifest and records as one tar.

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

from clinic_api.search.records import pack_records
from clinic_api.search.schema import (
    ARTICLE,
    ARTICLE_COLUMNS,
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
    PARENT_TITLE,
    RECORDS,
    SCHEMA_VERSION,
    SECTION_ID,
    SECTION_TITLE,
    SLUG,
    TAG,
    TAGS,
    TERM,
    UNIT,
    UNIT_COLUMNS,
    UNITS_WITH_TERM,
    build_schema,
    phrase_term,
    register_analyzers,
    stemmed_analyzer,
    tune_meta,
    unit_context,
    words_analyzer,
)
from clinic_tools.publish.sections import parent_titles, split_sections

ARCHIVE_TYPE = "application/x-tar"
# The archive is a plain tar: gzip packed it to 14.4 MB at 10,000 articles, but unzipping
# 31.5 MB made a cold container's first search three times slower (docs/benchmarks.md).
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
    title = document["title"]
    sections = split_sections(document["html"])
    intro = " ".join(part for part in (document["description"], sections[0].text) if part)
    common = {SLUG: document["slug"], KIND: kind, ARTICLE: number, TAG: tags, ARTICLE_TITLE: title}
    units = [
        common
        | {SECTION_ID: "", SECTION_TITLE: "", PARENT_TITLE: "", HEADING: title}
        | {TAGS: " ".join(tags), CONTEXT: "", BODY: intro}
    ]
    parents = parent_titles(sections)
    units += [
        common
        | {SECTION_ID: section.id, SECTION_TITLE: section.title, HEADING: section.title}
        | {PARENT_TITLE: parents.get(position, "")}
        | {TAGS: "", CONTEXT: unit_context(title, parents.get(position, ""))}
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
        _write_index(root / INDEX_DIR, units, Phrases(groups))
        (root / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        (root / RECORDS).write_bytes(pack_records(unit_records(units)))
        return BuiltSearchIndex(_pack(root), digest)


def unit_records(units: Sequence[Unit]) -> list[list[str]]:
    """RECORDS: each unit's texts (UNIT_COLUMNS), then each article's or page's
    (ARTICLE_COLUMNS), in the order of their numbers."""
    documents = {unit[ARTICLE]: unit for unit in units}
    return [[unit[column] for column in UNIT_COLUMNS] for unit in units] + [
        [documents[number][column] for column in ARTICLE_COLUMNS] for number in sorted(documents)
    ]


class Phrases:
    """The synonyms' phrases of several words, found in a text as `phrase_term` tokens."""

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        stem = stemmed_analyzer().analyze
        phrases = {tuple(stem(entry)) for group in groups for entry in group}
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(phrase for phrase in phrases if len(phrase) > 1):
            self._by_first.setdefault(phrase[0], []).append(phrase)

    def marked(self, text: str) -> str:
        """`text` and a phrase token for each place a phrase's words follow each other."""
        if not self._by_first:
            return text
        stems = stemmed_analyzer().analyze(text)
        found = [
            phrase_term(phrase)
            for at, first in enumerate(stems)
            for phrase in self._by_first.get(first, ())
            if tuple(stems[at : at + len(phrase)]) == phrase
        ]
        return " ".join([text, *found])


def _write_index(folder: Path, units: list[Unit], phrases: Phrases) -> None:
    tantivy.Index(build_schema(), path=str(folder))  # writes an empty index's meta.json
    meta = folder / "meta.json"
    meta.write_text(json.dumps(tune_meta(json.loads(meta.read_text(encoding="utf-8")))))
    index = tantivy.Index.open(str(folder))
    register_analyzers(index)
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    for number, unit in enumerate(units):
        writer.add_document(tantivy.Document(**_unit_document(number, unit, len(units), phrases)))
    for word, count in sorted(vocabulary(units).items()):
        writer.add_document(tantivy.Document(**{TERM: word, UNITS_WITH_TERM: count}))
    writer.commit()
    writer.wait_merging_threads()


def _unit_document(number: int, unit: Unit, units: int, phrases: Phrases) -> Unit:
    """A unit as indexed: its texts are in RECORDS, found by its own record's number
    and its article's (after every unit's)."""
    searched = {field: phrases.marked(unit[field]) for field in FIELD_WEIGHTS}
    numbers = {UNIT: number, ARTICLE: units + unit[ARTICLE]}
    return searched | numbers | {SLUG: unit[SLUG], TAG: unit[TAG]}


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
