"""Site search over the published index: the sections that match every word, best first;
when none holds them all, every word but the question's small words ("can", "i", "my").

Imported on the first `/search` only, so tantivy stays off the other routes'
cold start. The index arrives as one tar object; the S3 cache calls
`SearchIndex.load` once per version of it (a new ETag), which unpacks tantivy's
files to /tmp and opens them there, and keeps the records in memory.

Ranking: every word matched without a typo adds TIER, so hits that needed
fewer corrections always come first (Algolia's first criterion); within a
tier, BM25 with titles, tags and headings weighing more than body text.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import tempfile
import weakref
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import tantivy
from tantivy import DocAddress, Occur, Query

from clinic_api.core.keys import article_url, page_url
from clinic_api.search.query import (
    COMPLETION,
    Slot,
    Synonyms,
    Term,
    is_small_word,
    plan_query,
    with_corrections,
)
from clinic_api.search.records import Records
from clinic_api.search.schema import (
    ARTICLE,
    BODY,
    CONTEXT,
    FIELD_WEIGHTS,
    HEADING,
    INDEX_DIR,
    MANIFEST,
    PAGE_KIND,
    RECORDS,
    SCHEMA_VERSION,
    SLUG,
    TAG,
    TAGS,
    TERM,
    UNIT,
    UNITS_WITH_TERM,
    phrase_term,
    register_analyzers,
    unit_context,
)
from clinic_api.search.snippets import Highlighter, fewest_typos

TIER = 1000.0
# A unit whose heading (an intro's is its article's title) holds every word of the
# query: the page about exactly this, above a section that mentions it in passing.
HEADING_HOLDS_ALL = 5.0  # far below TIER: never lifts a corrected match over an exact one

Ranked = list[tuple[float, DocAddress]]  # (score, address), best first


class Attempt(NamedTuple):
    slots: list[Slot]  # the slots the hits were found by
    ranked: Ranked
    total: int


class Article(NamedTuple):
    """What a hit shows of its article or page: its record's ARTICLE_COLUMNS, in that order."""

    slug: str
    title: str
    kind: str


class Unit(NamedTuple):
    """A hit's own texts: its record's UNIT_COLUMNS, in that order."""

    section_id: str  # empty on an intro
    section_title: str
    parent_title: str
    tags: str
    body: str


@dataclass(frozen=True)
class Found:
    items: list[dict[str, Any]]  # SearchHit documents, best first
    total: int
    did_you_mean: str | None
    left_out: list[str]  # the words no hit holds with the rest, as asked, in the query's order


class SearchIndex:
    """One version of the published index, opened from a folder it owns."""

    def __init__(self, folder: Path, manifest: dict[str, Any], records: Records) -> None:
        if manifest["schemaVersion"] != SCHEMA_VERSION:
            raise ValueError(
                f"search index schema {manifest['schemaVersion']}, not {SCHEMA_VERSION}"
            )
        index = tantivy.Index.open(str(folder / INDEX_DIR))
        register_analyzers(index)
        self._schema = index.schema
        self._searcher = index.searcher()  # the index never changes: one searcher serves all
        self._synonyms = Synonyms(manifest["synonyms"])
        self._vocabulary = _IndexVocabulary(self._searcher, self._schema)
        self._records = records
        self._articles: dict[int, Article] = {}

    @classmethod
    def load(cls, archive: bytes) -> SearchIndex:
        """Unpack tantivy's files to a fresh folder in /tmp, removed when this version is
        dropped; the manifest and records are read where they lie in the archive."""
        folder = Path(tempfile.mkdtemp(prefix="clinic-search-"))
        try:
            kept: dict[str, memoryview] = {}
            with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:  # not gzipped
                for member in tar:
                    if member.name in (MANIFEST, RECORDS) and member.isfile():
                        start = member.offset_data
                        kept[member.name] = memoryview(archive)[start : start + member.size]
                    else:
                        tar.extract(member, folder, filter="data")
            index = cls(folder, json.loads(bytes(kept[MANIFEST])), Records(kept[RECORDS]))
        except (tarfile.TarError, OSError, KeyError, ValueError) as error:
            shutil.rmtree(folder, ignore_errors=True)
            raise ValueError("not a search index this function can read") from error
        weakref.finalize(index, shutil.rmtree, folder, ignore_errors=True)
        return index

    def search(
        self,
        text: str,
        *,
        tag: str | None,
        limit: int,
        hidden: Collection[str],
        offset: int = 0,
        distinct: bool = False,
    ) -> Found:
        """Hits `offset` to `offset + limit` for `text`, leaving out the articles in `hidden`
        (scheduled, not yet due); with `distinct`, only each article's best hit counts."""
        slots = plan_query(text, self._vocabulary, self._synonyms)
        if not slots:  # punctuation, emoji: nothing to look for
            return Found([], 0, None, [])
        asked = slots
        slots, ranked, total = self._find(slots, tag, hidden, offset + limit, distinct)
        given = TIER * sum(1 for slot in slots if _as_typed_only(slot))
        ranked = [(score + given, address) for score, address in ranked]
        # "Did you mean" comes from the best hit of all, so every page proposes the same:
        # on a later page it is read too, after the page's own hits.
        shown = ranked[offset:] + (ranked[:1] if offset else [])
        units, articles = self._records_of(shown)
        highlighter = Highlighter(self._searcher, self._schema, slots)
        page = zip(ranked[offset:], units, articles, strict=False)
        best = -1 if offset else 0
        return Found(
            items=[
                _hit(unit, article, score, highlighter, slots) for (score, _), unit, article in page
            ],
            total=total,
            did_you_mean=_did_you_mean(
                ranked[0][0], units[best], articles[best], slots, highlighter
            )
            if ranked
            else None,
            left_out=_small_words(asked) if len(slots) < len(asked) else [],
        )

    def _find(
        self,
        slots: list[Slot],
        tag: str | None,
        hidden: Collection[str],
        wanted: int,
        distinct: bool,
    ) -> Attempt:
        """The words as typed, then without the question's small words ("is", "how", "my"),
        so that a question typed as asked finds its answer; only if neither finds anything,
        the same with every word's corrections (Algolia's typoTolerance "min"). A word
        that tells what is asked is never left out (a hit without it would be about
        something else), and small words are never searched alone."""
        telling = [at for at, slot in enumerate(slots) if not is_small_word(slot)]
        fewer = 0 < len(telling) < len(slots)

        def tries(chosen: list[Slot]) -> list[list[Slot]]:
            return [chosen, [chosen[at] for at in telling]] if fewer else [chosen]

        def first_found(candidates: list[list[Slot]]) -> Attempt | None:
            for tried in candidates:
                found = Attempt(tried, *self._hits(tried, tag, hidden, wanted, distinct))
                if found.total:
                    return found
            return None

        typed = tries(slots)  # a word in no field would find nothing as typed: not made
        found = first_found([tried for tried in typed if self._may_match(tried)])
        if found:
            return found
        corrected = tries(with_corrections(slots, self._vocabulary, self._synonyms))
        # A try no word's correction changed is the same search as above.
        found = first_found(
            [tried for tried, was in zip(corrected, typed, strict=True) if tried != was]
        )
        return found or Attempt(slots, [], 0)

    def _hits(
        self,
        slots: Sequence[Slot],
        tag: str | None,
        hidden: Collection[str],
        wanted: int,
        distinct: bool,
    ) -> tuple[Ranked, int]:
        query = self._query(slots, tag, hidden)
        if distinct:
            return self._best_per_article(query, wanted)
        return self._ranked(query, wanted)

    def _may_match(self, slots: Sequence[Slot]) -> bool:
        """Whether each slot has a term in the index. A misspelt word's stem is in no
        field: its search as typed would find nothing, and is not made."""
        return all(any(self._indexed(term) for term in slot.terms) for slot in slots)

    def _indexed(self, term: Term) -> bool:
        word = _token(term)
        return any(self._searcher.doc_freq(field, word) for field in FIELD_WEIGHTS)

    def _records_of(self, hits: Ranked) -> tuple[list[Unit], list[Article]]:
        """Each hit's texts and its article's (slug, title, kind), in the order of `hits`."""
        if not hits:
            return [], []
        addresses = [address for _, address in hits]
        units = self._searcher.fast_field_values(UNIT, addresses)
        articles = self._searcher.fast_field_values(ARTICLE, addresses)
        # Every unit has both numbers.
        return (
            [Unit(*self._records[int(number or 0)]) for number in units],
            [self._article(int(number or 0)) for number in articles],
        )

    def _article(self, number: int) -> Article:
        """An article's record, decoded once: its sections' hits share it."""
        found = self._articles.get(number)
        if found is None:
            found = self._articles[number] = Article(*self._records[number])
        return found

    def _ranked(self, query: Query, wanted: int) -> tuple[Ranked, int]:
        """The best `wanted` hits and how many there are in all."""
        result = self._searcher.search(query, wanted, count=True)
        return list(result.hits), result.count or 0  # pyright: ignore[reportAttributeAccessIssue] (tantivy's stub omits `count`)

    def _best_per_article(self, query: Query, wanted: int) -> tuple[Ranked, int]:
        """Each article's best hit, best first, and how many articles have one.

        Counting articles takes every hit; their article numbers come from a fast
        field, so no stored document is read for them.
        """
        hits, total = self._ranked(query, wanted)
        if total > len(hits):
            hits, _ = self._ranked(query, total)
        numbers = self._searcher.fast_field_values(ARTICLE, [address for _, address in hits])
        seen: set[int] = set()
        best: Ranked = []
        for hit, number in zip(hits, numbers, strict=True):
            article = int(number or 0)  # every unit has its article's number
            if article not in seen:
                seen.add(article)
                best.append(hit)
        return best[:wanted], len(best)

    def _query(self, slots: Sequence[Slot], tag: str | None, hidden: Collection[str]) -> Query:
        clauses = [(Occur.Must, self._slot_query(slot)) for slot in slots]
        in_heading = Query.boolean_query(
            [
                (Occur.Must, _any([self._match(HEADING, term, "basic") for term in slot.terms]))
                for slot in slots
            ]
        )
        clauses.append((Occur.Should, Query.const_score_query(in_heading, HEADING_HOLDS_ALL)))
        if tag:
            clauses.append((Occur.Must, Query.term_query(self._schema, TAG, tag, "basic")))
        if hidden:
            clauses.append((Occur.MustNot, Query.term_set_query(self._schema, SLUG, list(hidden))))
        return Query.boolean_query(clauses)

    def _slot_query(self, slot: Slot) -> Query:
        """The slot's best term's score, plus TIER where a term matched as typed; where
        every term is as typed, every hit has that TIER, and `search` adds it instead of
        the index scoring the same postings twice (a fifth of a query's search)."""
        untypoed = [
            self._match(field, term, "basic")
            for term in slot.terms
            if not term.typos
            for field in FIELD_WEIGHTS
        ]
        # Per term, its fields add up; per slot, the best term counts (a unit holding
        # "ketamine" as typed gains nothing more from also holding "esketamine").
        per_term = [
            _any(
                [
                    Query.boost_query(self._match(field, term, "freq"), weight * term.weight)
                    for field, weight in FIELD_WEIGHTS.items()
                ]
            )
            for term in slot.terms
        ]
        best = Query.disjunction_max_query(per_term)
        if _as_typed_only(slot):
            return best
        return _any([Query.const_score_query(_any(untypoed), TIER), best])

    def _match(self, field: str, term: Term, record: str) -> Query:
        return Query.term_query(self._schema, field, _token(term), record)


class _IndexVocabulary:
    """The index's vocabulary documents, most frequent first (see schema)."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema) -> None:
        self._searcher = searcher
        self._schema = schema

    def completions(self, prefix: str, limit: int) -> list[str]:
        return self._words(Query.fuzzy_term_query(self._schema, TERM, prefix, 0, True, True), limit)

    def corrections(self, word: str, typos: int, prefix: bool, limit: int) -> list[str]:
        query = Query.fuzzy_term_query(self._schema, TERM, word, typos, True, prefix)
        return self._words(query, limit)

    def _words(self, query: Query, limit: int) -> list[str]:
        found = self._searcher.search(query, limit, count=False, order_by_field=UNITS_WITH_TERM)
        return [str(self._searcher.doc(address).get_first(TERM)) for _, address in found.hits]


def _token(term: Term) -> str:
    """The indexed token a term is: its stem, or a synonym phrase's one token."""
    return term.stems[0] if len(term.stems) == 1 else phrase_term(term.stems)


def _as_typed_only(slot: Slot) -> bool:
    return not any(term.typos for term in slot.terms)


def _small_words(slots: Sequence[Slot]) -> list[str]:
    """The small words of the query, once each, in its order: what a hit may lack."""
    return list(dict.fromkeys(slot.asked for slot in slots if is_small_word(slot)))


def _any(queries: Sequence[Query]) -> Query:
    return Query.boolean_query([(Occur.Should, query) for query in queries])


def _searched_texts(unit: Unit, article: Article) -> dict[str, str]:
    """A unit's searched fields as indexed (less their phrase tokens): heading and context
    made again from the titles."""
    if not unit.section_id:  # an intro: its heading is the article's title
        return {HEADING: article.title, TAGS: unit.tags, CONTEXT: "", BODY: unit.body}
    return {
        HEADING: unit.section_title,
        TAGS: unit.tags,
        CONTEXT: unit_context(article.title, unit.parent_title),
        BODY: unit.body,
    }


def _needed_typos(score: float, slots: Sequence[Slot]) -> bool:
    return score < TIER * len(slots)  # some word was not matched as typed, completed or a synonym


def _hit(
    unit: Unit, article: Article, score: float, highlighter: Highlighter, slots: Sequence[Slot]
) -> dict[str, Any]:
    corrected = _needed_typos(score, slots)
    snippet = highlighter.snippet(unit.body, corrected=corrected)
    kind = "page" if article.kind == PAGE_KIND else "article"
    heading = unit.section_title if unit.section_id else article.title
    return {
        "kind": kind,
        "slug": article.slug,
        "title": article.title,
        "url": page_url(article.slug) if kind == "page" else article_url(article.slug),
        "section": {
            "id": unit.section_id,
            "title": unit.section_title,
            "parent": unit.parent_title or None,
        }
        if unit.section_id
        else None,
        "snippet": snippet.html,
        "text": snippet.text,
        "matches": snippet.matches,
        "headingMatches": highlighter.marks(heading, corrected=corrected),
        "score": round(score, 4),
    }


def _did_you_mean(
    score: float, best: Unit, article: Article, slots: Sequence[Slot], highlighter: Highlighter
) -> str | None:
    """The query as the best hit matched it, when that took a correction: each corrected
    word, and a last word the hit completed ("anxity ketamin" → "anxiety ketamine"), so
    that the proposal is a query of whole words. A word matched as typed stays as typed."""
    if not _needed_typos(score, slots):
        return None
    searched = _searched_texts(best, article)
    found = fewest_typos(
        [
            match
            for field in FIELD_WEIGHTS
            for match in highlighter.matches(searched[field], corrected=True)
        ]
    )
    chosen: dict[int, Term] = {}  # per slot, the likeliest reading: as typed before a completion
    for match in found:
        held = chosen.get(match.slot)
        if held is None or match.term.weight > held.weight:
            chosen[match.slot] = match.term
    return " ".join(
        term.word if (term := chosen.get(index)) and _proposed(term) else slot.asked
        for index, slot in enumerate(slots)
    )


def _proposed(term: Term) -> bool:
    return bool(term.typos) or term.weight == COMPLETION
