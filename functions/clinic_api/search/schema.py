"""The search index's schema: one module that the builder (`clinic publish`) and
the function's search both read, so they cannot disagree on fields or analysis.

The index is a tantivy index packed as one tar object (gzipped, or with tantivy's
LZ4 store: `PACKING` in the publisher), with a manifest and the articles' table
beside it. It holds two kinds of documents:

- units: an article's or page's intro (title, tags, description and the text
  before the first heading) or one H2/H3 section of it (heading, body, and the
  title as context); these are what a search returns;
- vocabulary terms: one document per distinct word of the units, with the
  number of units that hold it. A fuzzy or prefix query on them lists the
  words a typo or a half-typed word may stand for, which tantivy cannot say
  about the units themselves.

Only what a hit reads back is stored (the body for its snippet, the titles its
heading and context were made of); the archive is most of a cold search's wait.
What a hit shows of its article or page (slug, title, kind) is in ARTICLES, once
per document rather than on each of its units, by the document's number.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import tantivy

SCHEMA_VERSION = 3  # 2: units carry ARTICLE (distinct=article); 3: pages (KIND), ARTICLES
INDEX_DIR = "index"  # the tantivy files, inside the archive
MANIFEST = "search.json"  # schema version and synonym groups, beside them
ARTICLES = "articles.json"  # {column: [value of article 0, of article 1, ...]}

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
ARTICLE = "article"  # the document's number: its row in ARTICLES; a fast field
ARTICLE_TITLE = "article_title"  # searched as HEADING and CONTEXT, shown from ARTICLES
# "article" or "page", kept in ARTICLES (a page's slug is no article's: the loader checks it).
KIND = "kind"
ARTICLE_KIND = "article"
PAGE_KIND = "page"
TAG = "tag"  # every unit's article tags, one token each, for the `tag` filter
# Read back, never searched: stored only (see STORED_ONLY).
SECTION_ID = "section_id"  # absent on an intro
SECTION_TITLE = "section_title"
PARENT_TITLE = "parent_title"  # on an H3, the H2 above it

# ARTICLES' columns: a unit's values of these fields, kept once per article or page.
ARTICLE_COLUMNS = (SLUG, ARTICLE_TITLE, KIND)

# Vocabulary documents.
TERM = "term"
UNITS_WITH_TERM = "units"

STORED_TEXT = (BODY, TAGS)  # of the searched fields: the snippet's text, and `didYouMean`'s
STORED_ONLY = (SECTION_ID, SECTION_TITLE, PARENT_TITLE)


def unit_context(article_title: str, parent_title: str) -> str:
    """CONTEXT's text on a section: the article's title and, on an H3, the H2 above it."""
    return f"{article_title} {parent_title}".strip()


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
    """The fields as the binding can declare them; `tune_meta` then makes STORED_ONLY
    fields unindexed and drops norms from one-token fields, which the binding cannot say."""
    builder = tantivy.SchemaBuilder()
    for field in FIELD_WEIGHTS:  # positions: synonym phrases ("nasal spray") are phrase queries
        builder.add_text_field(field, stored=field in STORED_TEXT, tokenizer_name=STEMMED)
    builder.add_text_field(SLUG, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(TAG, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field(ARTICLE, fast=True)
    for field in STORED_ONLY:
        builder.add_text_field(field, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(TERM, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field(UNITS_WITH_TERM, fast=True)
    return builder.build()


def tune_meta(meta: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """A new, empty index's meta.json as we want it, before any document is written:
    `settings` are tantivy's index settings (the document store's compression).

    tantivy reads its settings and schema from this file (its serialised `IndexMeta`:
    the format `functions/requirements.txt` pins with tantivy's version). One-token
    fields are matched or filtered, never ranked by length: no field norms.
    """
    fields = []
    for field in meta["schema"]:
        options = dict(field["options"])
        if field["name"] in STORED_ONLY:
            options["indexing"] = None
        elif field["type"] == "text" and options["indexing"]["tokenizer"] == "raw":
            options["indexing"] = {**options["indexing"], "fieldnorms": False}
        fields.append({**field, "options": options})
    return {**meta, "index_settings": settings, "schema": fields}
