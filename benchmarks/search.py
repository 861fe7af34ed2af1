"""Site search figures: the published index's size and cold first search against a baseline
revision (benchmarks/search_cold.py), and with `--engines` our tantivy index against SQLite
FTS5, on the same sections, in one run.

Corpora: the sample articles in content/, and generated corpora of 1,000 and
10,000 articles (real words drawn with the sample's frequencies plus a long
tail of rarer made-up words, shaped like ours: title, tags, description,
intro, H2/H3 sections; seeded, so every run sees the same text).

For each engine and corpus: index build time and size, cold open + first
query (from the built file to the first answer, in-process), and per-query
p50/p99 for plain, as-you-type (last word cut short), misspelt and question queries.
A query is what the function does for a request: plan the words (synonyms and
completions; corrections when the words as typed find nothing), search, count,
and build up to 10 snippets.

- tantivy (ours): `build_search_index` and `SearchIndex`, as published and served.
- SQLite FTS5 (sqlean.py: FTS5 and a fuzzy extension on every platform):
  the same units with porter stemming and bm25 column weights, the same query
  planning with the vocabulary in a table (corrections by `fuzzy_damlev`),
  FTS5's own `snippet()`.

Run: `make bench-search`, or `.venv/bin/python -m pip install --group bench`, then
`.venv/bin/python benchmarks/search.py [--sizes 1000 10000] [--queries 150]
[--baseline REV] [--rounds 5] [--engines]`.
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

import sqlean
from search_cold import measure_cold, print_cold
from search_queries import SEED, SETS, percentile, query_sets

from clinic_api.search.index import SearchIndex
from clinic_api.search.query import Slot, Synonyms, plan_query, with_corrections
from clinic_api.search.schema import (
    ARTICLE_TITLE,
    BODY,
    FIELD_WEIGHTS,
    SECTION_ID,
    SECTION_TITLE,
    SLUG,
)
from clinic_tools.publish.compile import compile_site
from clinic_tools.publish.loader import load_content
from clinic_tools.publish.search_index import build_search_index, search_units, vocabulary

CONTENT = Path(__file__).resolve().parent.parent / "content"
# The index as it was before it was made smaller (issue 13): the default baseline.
BASELINE = "e8c5dad"
LIMIT = 10
TAG_POOL = [
    "ketamine", "anxiety", "depression", "tms", "esketamine", "side-effects", "safety",
    "treatment-options", "medication", "therapy", "sleep", "ptsd", "ocd", "insurance",
]  # fmt: skip
SYLLABLES = [
    "ka", "ne", "to", "ri", "mo", "sa", "lu", "pe", "di", "ga", "vo", "xi", "tra", "ben",
    "sol", "mer", "fen", "qua", "zor", "lin", "dex", "pra", "tol", "vin", "cor", "sta",
]  # fmt: skip
RARE_SHARE = 0.12  # of generated words, from the tail of made-up words


@dataclass
class Corpus:
    name: str
    articles: dict[str, dict[str, Any]]
    synonyms: list[list[str]]
    words: list[str]  # real words queries are made from


# --- corpora --------------------------------------------------------------------


def sample_corpus() -> Corpus:
    content = load_content(CONTENT)
    articles = compile_site(content).articles
    counts = vocabulary(search_units(articles))
    return Corpus("sample", articles, content.synonyms, _query_words(counts))


def _query_words(counts: Counter[str]) -> list[str]:
    return sorted(word for word, _ in counts.most_common(1500) if word.isalpha() and len(word) > 3)


class TextMaker:
    """Word salad with a real distribution: sample words by frequency, plus rare made-up ones."""

    def __init__(self, rng: random.Random, counts: Counter[str]) -> None:
        self.rng = rng
        self.common = list(counts)
        self.common_weights = list(_cumulative(list(counts.values())))
        self.rare = sorted(
            {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(40_000)}
        )
        self.rare_weights = list(_cumulative([1 / rank for rank in range(1, len(self.rare) + 1)]))

    def words(self, count: int) -> list[str]:
        rare = sum(1 for _ in range(count) if self.rng.random() < RARE_SHARE)
        chosen = self.rng.choices(self.common, cum_weights=self.common_weights, k=count - rare)
        chosen += self.rng.choices(self.rare, cum_weights=self.rare_weights, k=rare)
        self.rng.shuffle(chosen)
        return chosen

    def sentence(self) -> str:
        text = " ".join(self.words(self.rng.randint(8, 20)))
        return text[:1].upper() + text[1:] + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def heading(self) -> str:
        return " ".join(self.words(self.rng.randint(2, 6))).capitalize()


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def generated_corpus(size: int, sample: Corpus) -> Corpus:
    rng = random.Random(SEED + size)
    maker = TextMaker(rng, vocabulary(search_units(sample.articles)))
    articles = {}
    for number in range(size):
        title = maker.heading() + " " + " ".join(maker.words(3))
        slug = f"{number}-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        articles[slug] = {
            "slug": slug,
            "title": title,
            "description": maker.paragraph(1),
            "tags": sorted(rng.sample(TAG_POOL, rng.randint(1, 3))),
            "html": _article_html(maker, rng),
        }
    return Corpus(f"{size:,} generated", articles, sample.synonyms, sample.words)


def _article_html(maker: TextMaker, rng: random.Random) -> str:
    parts = [f"<p>{maker.paragraph(2)}</p>"]
    for section in range(rng.randint(3, 5)):
        parts.append(f'<h2 id="s{section}">{maker.heading()}</h2><p>{maker.paragraph(3)}</p>')
        if rng.random() < 0.4:
            parts.append(f'<h3 id="s{section}-1">{maker.heading()}</h3><p>{maker.paragraph(2)}</p>')
    return "".join(parts)


# --- engines --------------------------------------------------------------------


class Engine(Protocol):
    name: str

    def build(self, corpus: Corpus, folder: Path) -> int: ...  # bytes of index

    def open(self) -> None: ...

    def search(self, text: str) -> tuple[int, list[dict[str, Any]]]: ...


@dataclass
class Tantivy:
    name: str = f"tantivy {version('tantivy')} (ours)"
    archive: bytes = b""
    index: SearchIndex | None = None

    def build(self, corpus: Corpus, folder: Path) -> int:
        self.archive = build_search_index(corpus.articles, corpus.synonyms).archive
        return len(self.archive)

    def open(self) -> None:
        self.index = SearchIndex.load(self.archive)

    def search(self, text: str) -> tuple[int, list[dict[str, Any]]]:
        assert self.index is not None
        found = self.index.search(text, tag=None, limit=LIMIT, hidden=())
        return found.total, found.items


# Column names and weights are our constants: the SQL below is built from nothing else.
_COLUMNS = [*FIELD_WEIGHTS, SLUG, ARTICLE_TITLE, SECTION_ID, SECTION_TITLE]
_SEARCHED = ", ".join([*FIELD_WEIGHTS, *(f"{name} UNINDEXED" for name in _COLUMNS[4:])])
_CREATE = f"CREATE VIRTUAL TABLE units USING fts5({_SEARCHED}, {{}})"
_INSERT = f"INSERT INTO units VALUES ({', '.join('?' * len(_COLUMNS))})"  # noqa: S608
_MARK, _END = "\ue000", "\ue001"
_BM25 = f"bm25(units, {', '.join(str(weight) for weight in FIELD_WEIGHTS.values())})"
_SNIPPET = f"snippet(units, {_COLUMNS.index(BODY)}, '{_MARK}', '{_END}', '…', 24)"
_SELECT = (
    f"SELECT {SLUG}, {ARTICLE_TITLE}, {SECTION_ID}, {SECTION_TITLE}, {_BM25}, {_SNIPPET} "  # noqa: S608
    f"FROM units WHERE units MATCH ? ORDER BY {_BM25} LIMIT {LIMIT}"
)
# A half-typed last word is as near as its nearest prefix (only lengths within 2 can be).
_PREFIXES = ", ".join(f"fuzzy_damlev(substr(term, 1, :size + {k}), :word)" for k in range(-2, 3))
_CORRECTIONS = (
    "SELECT term FROM vocab WHERE length(term) BETWEEN :shortest AND :longest "  # noqa: S608
    f"AND iif(:prefix, min({_PREFIXES}), fuzzy_damlev(term, :word)) <= :typos "
    "ORDER BY units DESC LIMIT :limit"
)


@dataclass
class Fts5:
    name: str = f"SQLite {sqlean.sqlite_version} FTS5 (sqlean.py)"
    path: Path = Path()
    db: Any = None
    synonyms: Synonyms = field(default_factory=lambda: Synonyms([]))

    def build(self, corpus: Corpus, folder: Path) -> int:
        self.path = folder / "search.sqlite"
        units = search_units(corpus.articles)
        db = sqlean.connect(str(self.path))
        db.execute(_CREATE.format("tokenize='porter unicode61 remove_diacritics 2'"))
        db.executemany(_INSERT, ([unit[name] for name in _COLUMNS] for unit in units))
        db.execute("CREATE TABLE vocab (term TEXT PRIMARY KEY, units INTEGER) WITHOUT ROWID")
        db.executemany("INSERT INTO vocab VALUES (?, ?)", sorted(vocabulary(units).items()))
        db.execute("CREATE INDEX vocab_length ON vocab (length(term), units)")
        db.execute("INSERT INTO units(units) VALUES ('optimize')")
        db.commit()
        db.close()
        self.synonyms = Synonyms(corpus.synonyms)
        return self.path.stat().st_size

    def open(self) -> None:
        sqlean.extensions.enable("fuzzy")
        self.db = sqlean.connect(str(self.path))

    def completions(self, prefix: str, limit: int) -> list[str]:
        rows = self.db.execute(
            "SELECT term FROM vocab WHERE term >= ? AND term < ? ORDER BY units DESC LIMIT ?",
            (prefix, prefix + "\uffff", limit),
        )
        return [term for (term,) in rows]

    def corrections(self, word: str, typos: int, prefix: bool, limit: int) -> list[str]:
        shortest, longest = len(word) - typos, 1000 if prefix else len(word) + typos
        rows = self.db.execute(
            _CORRECTIONS,
            {"shortest": shortest, "longest": longest, "prefix": prefix, "size": len(word),
             "word": word, "typos": typos, "limit": limit},
        )  # fmt: skip
        return [term for (term,) in rows]

    def search(self, text: str) -> tuple[int, list[dict[str, Any]]]:
        slots = plan_query(text, self, self.synonyms)
        if not slots:
            return 0, []
        total, hits = self._matched(slots)
        if not total:  # as our index does: corrections only when the words as typed fail
            total, hits = self._matched(with_corrections(slots, self, self.synonyms))
        return total, hits

    def _matched(self, slots: list[Slot]) -> tuple[int, list[dict[str, Any]]]:
        match = _fts5_match(slots)
        rows = self.db.execute(_SELECT, (match,)).fetchall()
        (total,) = self.db.execute("SELECT count(*) FROM units WHERE units MATCH ?", (match,))
        return total[0], [_fts5_hit(*row) for row in rows]


def _fts5_match(slots: list[Slot]) -> str:
    # Words come from the analyser (letters and digits only): quoting them is enough.
    return " AND ".join(
        "(" + " OR ".join(f'"{term.word}"' for term in slot.terms) + ")" for slot in slots
    )


def _fts5_hit(*row: Any) -> dict[str, Any]:
    slug, title, section_id, section_title, score, marked = row
    text, matches, position, start = [], [], 0, 0
    for piece in re.split(f"({_MARK}|{_END})", marked):
        if piece == _MARK:
            start = position
        elif piece == _END:
            matches.append((start, position))
        else:
            text.append(piece)
            position += len(piece)
    section = {"id": section_id, "title": section_title} if section_id else None
    return {"slug": slug, "title": title, "section": section, "text": "".join(text),
            "matches": matches, "score": -score}  # fmt: skip


# --- measuring ------------------------------------------------------------------


@dataclass
class Row:
    corpus: str
    engine: str
    articles: int
    units: int
    build_s: float
    size_mb: float
    cold_ms: float
    latency: dict[str, tuple[float, float]]  # query set → (p50 ms, p99 ms)
    found: dict[str, float]  # query set → share of queries with a hit


def measure(engine: Engine, corpus: Corpus, queries: dict[str, list[str]]) -> Row:
    with tempfile.TemporaryDirectory(prefix="clinic-search-bench-") as folder:
        started = time.perf_counter()
        size = engine.build(corpus, Path(folder))
        built = time.perf_counter() - started
        started = time.perf_counter()
        engine.open()
        engine.search(queries["plain"][0])
        cold = time.perf_counter() - started
        latency, found = {}, {}
        for name, texts in queries.items():
            for text in texts:  # warm-up: caches as a warm container has them
                engine.search(text)
            samples, hits = _timed(engine.search, texts)
            latency[name] = (percentile(samples, 50), percentile(samples, 99))
            found[name] = hits / len(texts)
    units = len(search_units(corpus.articles))
    return Row(corpus.name, engine.name, len(corpus.articles), units, built, size / 1e6,
               cold * 1e3, latency, found)  # fmt: skip


def _timed(search: Callable[[str], tuple[int, Any]], texts: list[str]) -> tuple[list[float], int]:
    samples, hits = [], 0
    for text in texts:
        started = time.perf_counter_ns()
        total, _ = search(text)
        samples.append((time.perf_counter_ns() - started) / 1e6)
        hits += total > 0
    return samples, hits


def print_table(rows: list[Row]) -> None:
    columns = "".join(f" {name} p50 / p99 |" for name in SETS)
    print(f"\n| corpus | engine | units | build | index | open + first query |{columns}")
    print("|---|---|---:|---:|---:|---:|" + "---:|" * len(SETS))
    for row in rows:
        cells = [f"{row.latency[name][0]:.2f} / {row.latency[name][1]:.2f} ms" for name in SETS]
        print(
            f"| {row.corpus} | {row.engine} | {row.units:,} | {row.build_s:.2f} s "
            f"| {row.size_mb:.1f} MB | {row.cold_ms:.1f} ms | " + " | ".join(cells) + " |"
        )
    print(f"\nShare of queries with at least one hit ({' / '.join(SETS)}):")
    for row in rows:
        shares = " / ".join(f"{row.found[name]:.0%}" for name in row.found)
        print(f"  {row.corpus:>16}  {row.engine:<36} {shares}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=150, help="queries per set")
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=5, help="cold processes per variant")
    parser.add_argument("--engines", action="store_true", help="tantivy against SQLite FTS5")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.node()}")
    if not args.engines:
        rows = measure_cold(args.sizes, args.baseline or None, args.rounds, args.queries)
        print_cold(rows)
        return
    sample = sample_corpus()
    corpora = [sample] + [generated_corpus(size, sample) for size in args.sizes]
    queries = query_sets(sample.words, args.queries)
    rows = []
    for corpus in corpora:
        for engine in (Tantivy(), Fts5()):
            rows.append(measure(engine, corpus, queries))
            print(f"measured {corpus.name} with {engine.name}", flush=True)
    print_table(rows)


if __name__ == "__main__":
    main()
