"""The search index's schema: one module that the builder (`clinic publish`) and
the function's search both read, so they cannot disagree on fields or analysis.

The index is a tantivy index packed as one tar object with a manifest and its
records beside it. It holds two kinds of documents:

- units: an article's or page's intro (title, tags, description and the text
  before the first heading) or one H2/H3 section of it (heading, body, and the
  title as context); these are what a search returns;
- vocabulary terms: one document per distinct word of the units, with the
  number of units that hold it. A fuzzy or prefix query on them lists the
  words a typo or a half-typed word may stand for, which tantivy cannot say
  about the units themselves.

tantivy stores no unit text: what a hit shows is in RECORDS (search/records.py),
a unit's by its UNIT number and its article's or page's (slug, title, kind) by its
ARTICLE number, once per document rather than on each of its units. The archive
is most of a cold search's wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import tantivy

# 2: units carry ARTICLE (distinct=article); 3: pages (KIND), ARTICLES; 4: RECORDS, no positions
SCHEMA_VERSION = 4
INDEX_DIR = "index"  # the tantivy files, inside the archive
MANIFEST = "search.json"  # schema version and synonym groups, beside them
RECORDS = "records.bin"  # the units' and articles' stored texts (search/records.py)

# Analysers, registered by name on the index when it is built and when it is opened.
STEMMED = "clinic_stemmed"  # how unit text is indexed and how query words are matched
WORDS = "clinic_words"  # the same words before stemming: vocabulary and query words

# Unit fields. How much a match in each counts: titles and headings over body text.
HEADING = "heading"  # the article title (intro) or the section heading
TAGS = "tags"  # the article's tags, on its intro only
CONTEXT = "context"  # on a section: the article title and the H2 above an H3
BODY = "body"  # intro: description and intro text; section: its text
FIELD_WEIGHTS = {HEADING: 3.0, TAGS: 2.0, BODY: 1.0, CONTEXT: 0.5}

SLUG = "slug"  # indexed as one token: scheduled articles and pages are excluded by it
# Fast fields, numbers of records in RECORDS: the unit's own, and its article's or page's
# (also what `distinct` tells articles apart by).
UNIT = "unit"
ARTICLE = "article"
ARTICLE_TITLE = "article_title"  # searched as HEADING and CONTEXT, shown from its record
# "article" or "page", kept in the article's record (a page's slug is no article's).
KIND = "kind"
ARTICLE_KIND = "article"
PAGE_KIND = "page"
TAG = "tag"  # every unit's article tags, one token each, for the `tag` filter
# Read back from the unit's record, never searched.
SECTION_ID = "section_id"  # empty on an intro
SECTION_TITLE = "section_title"
PARENT_TITLE = "parent_title"  # on an H3, the H2 above it

# The records' texts: a unit's (its snippet's text, and what `didYouMean` reads) and an
# article's or page's, kept once per document.
UNIT_COLUMNS = (SECTION_ID, SECTION_TITLE, PARENT_TITLE, TAGS, BODY)
ARTICLE_COLUMNS = (SLUG, ARTICLE_TITLE, KIND)

# Vocabulary documents.
TERM = "term"  # stored: the word a completion or correction names
UNITS_WITH_TERM = "units"


def unit_context(article_title: str, parent_title: str) -> str:
    """CONTEXT's text on a section: the article's title and, on an H3, the H2 above it."""
    return f"{article_title} {parent_title}".strip()


def phrase_term(stems: Sequence[str]) -> str:
    """The one token a synonym phrase ("nasal spray") is indexed as where its words follow
    each other: the index keeps no positions for phrase queries (they were 2.5 MB of 9 at
    10,000 articles), and the builder knows every phrase from the synonyms. Letters and
    digits only, so the tokenizer keeps it whole; ending in a digit, so the stemmer leaves
    it as it is; no word of prose looks like it."""
    return "0" + "0".join(stems) + "0"


def _analyzer(stemmed: bool) -> tantivy.TextAnalyzer:
    # Letters and digits split on anything else, lowercased, accents folded
    # (a visitor types "cafe" for "café").
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )
    if stemmed:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


@cache
def stemmed_analyzer() -> tantivy.TextAnalyzer:
    return _analyzer(stemmed=True)


@cache
def words_analyzer() -> tantivy.TextAnalyzer:
    return _analyzer(stemmed=False)


def register_analyzers(index: tantivy.Index) -> None:
    index.register_tokenizer(STEMMED, stemmed_analyzer())
    index.register_tokenizer(WORDS, words_analyzer())


def build_schema() -> tantivy.Schema:
    """The fields as the binding can declare them; `tune_meta` then drops norms from
    one-token fields, which the binding cannot say."""
    builder = tantivy.SchemaBuilder()
    for field in FIELD_WEIGHTS:  # frequencies for BM25; phrases are tokens (phrase_term)
        builder.add_text_field(field, tokenizer_name=STEMMED, index_option="freq")
    builder.add_text_field(SLUG, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(TAG, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field(UNIT, fast=True)
    builder.add_integer_field(ARTICLE, fast=True)
    builder.add_text_field(TERM, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field(UNITS_WITH_TERM, fast=True)
    return builder.build()


def tune_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """A new, empty index's meta.json as we want it, before any document is written.

    tantivy reads its settings and schema from this file (its serialised `IndexMeta`:
    the format `functions/requirements.txt` pins with tantivy's version). One-token
    fields are matched or filtered, never ranked by length: no field norms.
    """
    fields = []
    for field in meta["schema"]:
        options = dict(field["options"])
        if field["type"] == "text" and options["indexing"]["tokenizer"] == "raw":
            options["indexing"] = {**options["indexing"], "fieldnorms": False}
        fields.append({**field, "options": options})
    return {**meta, "schema": fields}
