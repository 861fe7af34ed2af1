"""The search index's schema: one module that the builder (`clinic publish`) and
the function's search both read, so they cannot disagree on fields or analysis.

The index is a tantivy index packed as one tar object, with a manifest beside
it. It holds two kinds of documents:

- units: an article's or page's intro (title, tags, description and the text
  before the first heading) or one H2/H3 section of it (heading, body, and the
  title as context); these are what a search returns;
- vocabulary terms: one document per distinct word of the units, with the
  number of units that hold it. A fuzzy or prefix query on them lists the
  words a typo or a half-typed word may stand for, which tantivy cannot say
  about the units themselves.
"""

from __future__ import annotations

from functools import cache

import tantivy

SCHEMA_VERSION = 3  # 2: units carry ARTICLE (distinct=article); 3: KIND (pages)
INDEX_DIR = "index"  # the tantivy files, inside the archive
MANIFEST = "search.json"  # schema version and synonym groups, beside them

# Analysers, registered by name on the index when it is built and when it is opened.
STEMMED = "clinic_stemmed"  # how unit text is indexed and how query words are matched
WORDS = "clinic_words"  # the same words before stemming: vocabulary and query words

# Unit fields. How much a match in each counts: titles and headings over body text.
HEADING = "heading"  # the article title (intro) or the section heading
TAGS = "tags"  # the article's tags, on its intro only
CONTEXT = "context"  # on a section: the article title and the H2 above an H3
BODY = "body"  # intro: description and intro text; section: its text
FIELD_WEIGHTS = {HEADING: 3.0, TAGS: 2.0, BODY: 1.0, CONTEXT: 0.5}

SLUG = "slug"  # stored and indexed as one token: scheduled articles are excluded by it
# Stored: "article" or "page" (a page's slug is no article's: the loader checks it).
KIND = "kind"
ARTICLE_KIND = "article"
PAGE_KIND = "page"
ARTICLE = "article"  # the article's number in the index, a fast field: one hit per article
TAG = "tag"  # every unit's article tags, one token each, for the `tag` filter
ARTICLE_TITLE = "article_title"
SECTION_ID = "section_id"  # "" on an intro
SECTION_TITLE = "section_title"

# Vocabulary documents.
TERM = "term"
UNITS_WITH_TERM = "units"


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
    builder = tantivy.SchemaBuilder()
    for field in FIELD_WEIGHTS:
        builder.add_text_field(field, stored=True, tokenizer_name=STEMMED)
    builder.add_text_field(SLUG, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(TAG, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field(ARTICLE, fast=True)
    for field in (KIND, ARTICLE_TITLE, SECTION_ID, SECTION_TITLE):  # read back, never searched
        builder.add_text_field(field, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(TERM, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field(UNITS_WITH_TERM, fast=True)
    return builder.build()
