"""The search index `clinic publish` uploads: every compiled article's and page's intro
and H2/H3 sections in a tantivy index, packed with its manifest as one tar (see PACKING).

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
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import tantivy

from clinic_api.search.schema import (
    ARTICLE,
    ARTICLE_COLUMNS,
    ARTICLE_KIND,
    ARTICLE_TITLE,
    ARTICLES,
    BODY,
    CONTEXT,
    FIELD_WEIGHTS,
    HEADING,
    INDEX_DIR,
    KIND,
    MANIFEST,
    PAGE_KIND,
    PARENT_TITLE,
    SCHEMA_VERSION,
    SECTION_ID,
    SECTION_TITLE,
    SLUG,
    STORED_ONLY,
    TAG,
    TAGS,
    TERM,
    UNITS_WITH_TERM,
    build_schema,
    register_analyzers,
    tune_meta,
    unit_context,
    words_analyzer,
)
from clinic_tools.publish.sections import parent_titles, split_sections

ARCHIVE_TYPE = "application/x-tar"
# Level 6 is zlib's default: level 9 packs 0.4% smaller and takes twice as long.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Packing:
    """How the index is packed; the function reads either (tantivy reads its store's
    compression from meta.json, Python's tarfile sees whether a tar is gzipped)."""

    docstore: str  # tantivy's compression of stored fields: "none" or "lz4" (no zstd in tantivy-py)
    docstore_blocksize: int
    gzip: bool  # the tar gzipped whole, uploaded with Content-Encoding: gzip


# The smallest download (14.4 MB at 10,000 generated articles), unzipped in the function.
GZIPPED = Packing("none", 16_384, gzip=True)
# No unzipping: tantivy unpacks a 16 KB block of stored text when a hit reads it (23 MB).
LZ4_TAR = Packing("lz4", 16_384, gzip=False)
PACKING = GZIPPED  # the 15 MB; docs/benchmarks.md weighs the two with figures
WRITER_HEAP = 256_000_000  # one writer thread with room for one segment: faster searches
_LOCKS = (".tantivy-meta.lock", ".tantivy-writer.lock")

Unit = dict[str, Any]  # one document: field name → text (or the list of tags)


@dataclass(frozen=True)
class BuiltSearchIndex:
    archive: bytes
    input_sha256: str  # stands for the archive's bytes when judging "changed"
    content_encoding: str | None = None  # "gzip" when the tar is gzipped


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
    packing: Packing = PACKING,
    *,
    pages: dict[str, dict[str, Any]] | None = None,
) -> BuiltSearchIndex:
    units = search_units(articles, pages)
    groups = [list(group) for group in synonyms]
    manifest = {"schemaVersion": SCHEMA_VERSION, "synonyms": groups}
    canonical = {**manifest, "tantivy": version("tantivy"), "units": units}
    canonical["packing"] = asdict(packing)
    digest = hashlib.sha256(
        json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    with tempfile.TemporaryDirectory(prefix="clinic-search-build-") as folder:
        root = Path(folder)
        (root / INDEX_DIR).mkdir()
        _write_index(root / INDEX_DIR, units, packing)
        (root / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        table = json.dumps(article_table(units), ensure_ascii=False)
        (root / ARTICLES).write_text(table, encoding="utf-8")
        return BuiltSearchIndex(_pack(root, packing.gzip), digest, "gzip" if packing.gzip else None)


def _write_index(folder: Path, units: list[Unit], packing: Packing) -> None:
    tantivy.Index(build_schema(), path=str(folder))  # writes an empty index's meta.json
    meta = folder / "meta.json"
    settings = {
        "docstore_compression": packing.docstore,
        "docstore_blocksize": packing.docstore_blocksize,
    }
    tuned = tune_meta(json.loads(meta.read_text(encoding="utf-8")), settings)
    meta.write_text(json.dumps(tuned), encoding="utf-8")
    index = tantivy.Index.open(str(folder))
    register_analyzers(index)
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    for unit in units:
        writer.add_document(tantivy.Document(**_unit_document(unit)))
    for word, count in sorted(vocabulary(units).items()):
        writer.add_document(tantivy.Document(**{TERM: word, UNITS_WITH_TERM: count}))
    writer.commit()
    writer.wait_merging_threads()


def _unit_document(unit: Unit) -> Unit:
    """A unit as indexed: its document's title and kind are in ARTICLES, and a
    stored-only field left empty is not there at all."""
    return {
        field: value
        for field, value in unit.items()
        if field not in (ARTICLE_TITLE, KIND) and not (field in STORED_ONLY and value == "")
    }


def article_table(units: Iterable[Unit]) -> dict[str, list[Any]]:
    """ARTICLES: per column, each document's value, in the order of their numbers."""
    rows = {unit[ARTICLE]: unit for unit in units}
    return {column: [rows[number][column] for number in sorted(rows)] for column in ARTICLE_COLUMNS}


def vocabulary(units: Iterable[Unit]) -> Counter[str]:
    """Each word of the searchable fields, before stemming, with the number of units holding it."""
    analyze = words_analyzer().analyze
    counts: Counter[str] = Counter()
    for unit in units:
        counts.update({word for field in FIELD_WEIGHTS for word in analyze(unit[field])})
    return counts


def _pack(root: Path, gzip: bool) -> bytes:
    buffer = io.BytesIO()
    options: dict[str, Any] = (
        {"mode": "w:gz", "compresslevel": GZIP_LEVEL} if gzip else {"mode": "w"}
    )
    with tarfile.open(fileobj=buffer, **options) as tar:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name not in _LOCKS:
                tar.add(path, arcname=path.relative_to(root).as_posix())
    return buffer.getvalue()
