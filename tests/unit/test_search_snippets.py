"""A hit's snippet: the passage tantivy's snippet generator would choose, found without it.

An ASCII body's passage is chosen in Python from the words StemFinder finds
(snippets.py); these tests hold it to the generator's own choice, which the
search function still uses for other text, on texts made to reach its edges:
many passages, ties, words longer than a passage, punctuation first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_api.search.index import SearchIndex
from clinic_api.search.query import plan_query, with_corrections
from clinic_api.search.schema import BODY, words_analyzer
from clinic_api.search.snippets import ELLIPSIS, SNIPPET_LENGTH, Highlighter
from clinic_tools.publish.compile import compile_site
from clinic_tools.publish.loader import load_content
from clinic_tools.publish.search_index import build_search_index, search_units
from tests.conftest import CONTENT

SEPARATORS = [" ", " ", " ", ", ", ". ", " (", ") ", "-", "\n", "_", "  ", " & ", " <"]


@dataclass(frozen=True)
class Opened:
    index: SearchIndex  # of the fixture content
    bodies: list[str]  # its ASCII section bodies
    words: list[str]  # their words


@pytest.fixture(scope="module")
def opened() -> Opened:
    articles = compile_site(load_content(CONTENT)).articles
    index = SearchIndex.load(build_search_index(articles, []).archive)
    bodies = [unit[BODY] for unit in search_units(articles) if unit[BODY].isascii()]
    words = sorted(set(words_analyzer().analyze(" ".join(bodies))))
    return Opened(index, bodies, words)


def _highlighter(index: SearchIndex, query: str) -> Highlighter:
    vocabulary, synonyms = index._vocabulary, index._synonyms
    slots = with_corrections(plan_query(query, vocabulary, synonyms), vocabulary, synonyms)
    return Highlighter(index._searcher, index._schema, slots)


@st.composite
def texts_and_queries(draw: st.DrawFn, words: list[str]) -> tuple[str, str]:
    """A text of the index's words (some capitalised, some misspelt, one longer than a
    passage now and then) and a query of a few of them, some misspelt."""
    chosen = draw(st.lists(st.sampled_from(words), min_size=1, max_size=4))
    tokens = draw(
        st.lists(
            st.one_of(
                st.sampled_from(chosen),
                st.sampled_from(chosen).map(str.capitalize),
                st.sampled_from(words),
                st.sampled_from(chosen).map(lambda word: word[:-1] + "x"),
                st.just("w" * (SNIPPET_LENGTH + 12)),
            ),
            min_size=1,
            max_size=150,
        )
    )
    parts = [draw(st.sampled_from(["", "(", "... ", " "]))]
    for token in tokens:
        parts += [token, draw(st.sampled_from(SEPARATORS))]
    typo = draw(st.booleans())
    query = " ".join(word[:-1] + "e" if typo and len(word) > 4 else word for word in chosen)
    return "".join(parts), query


@settings(max_examples=100)
@given(data=st.data())
def test_an_ascii_snippet_is_the_passage_the_generator_chooses(opened: Opened, data: Any) -> None:
    text, query = data.draw(texts_and_queries(opened.words))
    highlighter = _highlighter(opened.index, query)
    for corrected in (False, True):
        chosen = highlighter._snippet_of(text, corrected, generated=False)
        assert chosen == highlighter._snippet_of(text, corrected, generated=True)


def test_a_snippet_of_the_fixture_bodies_is_the_generators(opened: Opened) -> None:
    for query in opened.words[::7]:
        highlighter = _highlighter(opened.index, query)
        for body in opened.bodies:
            for corrected in (False, True):
                chosen = highlighter._snippet_of(body, corrected, generated=False)
                generated = highlighter._snippet_of(body, corrected, generated=True)
                assert chosen == generated, (query, body[:40])


FILLER = (
    "Sleep changes with the seasons and with the hours a person keeps at work. "
    "Some people wake early whatever they do, while others find their evenings long. "
)


def test_a_match_near_the_end_comes_with_its_sentence_and_context(opened: Opened) -> None:
    highlighter = _highlighter(opened.index, "ketamine")
    body = FILLER * 3 + "A clinician may suggest ketamine when schedules clash."
    found = highlighter.snippet(body, corrected=False)
    # The whole last sentence, its full stop and no ellipsis after it; text before it to
    # fill the passage, from a sentence's start.
    assert found.text.endswith("ketamine when schedules clash.")
    assert found.text.startswith(ELLIPSIS + "Some people wake early")
    start = found.text.index("ketamine")
    assert found.matches == [(start, start + len("ketamine"))]


def test_a_short_last_sentence_is_filled_out_with_the_words_before_it(opened: Opened) -> None:
    highlighter = _highlighter(opened.index, "ketamine")
    long_sentence = "Stress and " + "sleep and " * 20 + "work all matter. "
    found = highlighter.snippet(long_sentence + "Ketamine can help.", corrected=False)
    # No sentence starts within reach: the words before it, from a word's start.
    assert found.text.endswith(" sleep and work all matter. Ketamine can help.")
    assert found.text.startswith(ELLIPSIS) and found.text[1] != " "
    assert SNIPPET_LENGTH - 10 <= len(found.text) <= SNIPPET_LENGTH + 1


def test_a_passage_starts_with_the_sentence_of_its_first_match(opened: Opened) -> None:
    highlighter = _highlighter(opened.index, "ketamine")
    body = FILLER * 2 + "Ketamine can help within hours for some. " + FILLER * 2
    found = highlighter.snippet(body, corrected=False)
    assert found.text.startswith(ELLIPSIS + "Ketamine can help within hours for some. Sleep")
    assert found.text.endswith(ELLIPSIS) and len(found.text) <= SNIPPET_LENGTH + 2
    assert found.matches == [(1, 1 + len("Ketamine"))]


def test_every_match_shown_is_marked_the_filled_words_too(opened: Opened) -> None:
    highlighter = _highlighter(opened.index, "ketamine")
    sleep, wake = FILLER.split(". ", 1)
    body = sleep + ". Ketamine helps some people. " + wake + "Ketamine again."
    found = highlighter.snippet(body, False)
    # The generator's passage starts at 0 and ends before the second; the shown one starts
    # at the first's sentence and reaches the second.
    assert found.text == ELLIPSIS + "Ketamine helps some people. " + wake + "Ketamine again."
    second = found.text.rindex("Ketamine")
    assert found.matches == [(1, 9), (second, second + 8)]
