"""Where a hit's text matches the query: the snippet shown, and the corrections it took.

The passage is the one tantivy's SnippetGenerator would pick, given every
slot's terms (corrections and completions included) as plain term queries: the
text cut into passages of up to SNIPPET_LENGTH characters at its words, each
scored by its matched words' rarity, the best (the first of equals) shown. For
ASCII text, nearly every hit, the same choice is made here from the words
StemFinder finds, in a third of the time of the generator, which analyses the
whole text again; other text goes to the generator, which folds accents. Which
slot a marked word answers, and with how many typos, is looked up by its stem.
"""

from __future__ import annotations

import html
import re
import struct
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import tantivy
from tantivy import Occur, Query

from clinic_api.search.query import Slot, Term, stem
from clinic_api.search.schema import BODY, stemmed_analyzer

SNIPPET_LENGTH = 160  # characters of passage, about two lines of a results page
ELLIPSIS = "…"
_WORD = re.compile("[a-z0-9]+")  # a token of ASCII text, lowercased
_TOKEN = re.compile("[A-Za-z0-9]+")  # a token of ASCII text, as the simple tokenizer cuts it
_LETTERS_AND_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_NOT_LETTERS_OR_DIGITS = "".join(
    chr(code) for code in range(128) if chr(code) not in _LETTERS_AND_DIGITS
)
_F32 = struct.Struct("<f")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")  # any script's
_ESCAPED = re.compile("[&<>\"']")  # what html.escape changes
# A sentence's end: its stop, any closing quotes or brackets, then a space.
_SENTENCE_END = re.compile("[.!?][\"'\u201d\u2019)\\]]*\\s+")
_CLOSING = ".!?\"'\u201d\u2019)]"  # what ends a sentence, kept after its last word

TermsByStem = dict[str, list[tuple[int, Term]]]  # stem → (slot index, term) holding it


@dataclass(frozen=True)
class Match:
    start: int  # code points into the text
    end: int
    slot: int
    term: Term


@dataclass(frozen=True)
class Snippet:
    text: str
    html: str  # `text` escaped, with each match in <mark>
    matches: list[tuple[int, int]]  # [start, end) in code points of `text`


def _terms_by_stem(slots: Sequence[Slot]) -> TermsByStem:
    found: TermsByStem = {}
    for index, slot in enumerate(slots):
        for term in slot.terms:
            for word in dict.fromkeys(term.stems):
                found.setdefault(word, []).append((index, term))
    return found


def fewest_typos(matches: Sequence[Match]) -> list[Match]:
    """Per slot, only the matches that needed the fewest typos: where "what" itself
    is in the text, its correction "that" is not a match worth marking."""
    least: dict[int, int] = {}
    for match in matches:
        least[match.slot] = min(least.get(match.slot, match.term.typos), match.term.typos)
    return [match for match in matches if match.term.typos == least[match.slot]]


def _find_matches(text: str, terms: TermsByStem) -> list[Match]:
    """Every word of `text` that a slot's term holds (all of `text`, not a passage)."""
    tokens = stemmed_analyzer().pre_tokenize(text).tokens
    return [
        Match(token.char_offset_from, token.char_offset_to, index, term)
        for token in tokens
        if token.text in terms
        for index, term in terms[token.text]
    ]


class Highlighter:
    """Snippets of hits' body text, and the words marked in their headings, for one query."""

    def __init__(
        self, searcher: tantivy.Searcher, schema: tantivy.Schema, slots: Sequence[Slot]
    ) -> None:
        self._searcher = searcher
        self._schema = schema
        self._terms = _terms_by_stem(slots)
        self._untypoed = StemFinder(
            word for word, held in self._terms.items() if any(not term.typos for _, term in held)
        )
        self._all = StemFinder(self._terms)
        self._rarities: dict[str, float] = {}

    @cached_property
    def _as_typed(self) -> tantivy.SnippetGenerator:
        return _generator(self._searcher, self._schema, self._untypoed.stems)

    @cached_property
    def _corrected(self) -> tantivy.SnippetGenerator:
        """Made only for a query with corrections: most queries need none."""
        return _generator(self._searcher, self._schema, self._all.stems)

    def _rarity(self, word: str) -> float:
        """The generator's score of a stem: 1 / (1 + bodies with it), as a 32-bit float;
        0 for a stem in no body, which the generator leaves out (looked up once a query)."""
        score = self._rarities.get(word)
        if score is None:
            bodies = self._searcher.doc_freq(BODY, word)
            score = self._rarities[word] = _f32(1.0 / (1.0 + bodies)) if bodies else 0.0
        return score

    def snippet(self, body: str, corrected: bool) -> Snippet:
        """`corrected`: whether the hit needed a typo for some word; if not, the
        passage marks no correction ("are" for "care") whatever it holds."""
        return self._snippet_of(body, corrected, generated=not body.isascii())

    def _snippet_of(self, body: str, corrected: bool, generated: bool) -> Snippet:
        """The passage chosen by tantivy's generator (`generated`: text that is not ASCII,
        whose accents it folds) or from StemFinder's words (the same choice, for ASCII
        text; the tests compare the two), made readable, its matches marked."""
        if generated:
            passage = self._generated_passage(body, corrected)
            marks = self.matches(body, corrected) if passage else []
        else:
            words = sorted((self._all if corrected else self._untypoed).words(body))
            passage = _best_passage(body, words, self._rarity)
            marks = self._marked(words, corrected)
        if passage is None:
            return _opening(body)  # the words matched a heading or tag, not the body
        return _passage_snippet(body, *passage, marks)

    def _generated_passage(self, body: str, corrected: bool) -> tuple[int, int] | None:
        """[start, stop) in code points of the snippet generator's passage, if any."""
        # For non-ASCII text (the function's only use) may_hold is always true; for the
        # tests' ASCII text it spares the generator a body without the words, as before.
        if not (self._all if corrected else self._untypoed).may_hold(body):
            return None
        document = tantivy.Document(**{BODY: body})
        found = (self._corrected if corrected else self._as_typed).snippet_from_doc(document)
        fragment = found.fragment()
        if not fragment:
            return None
        start = len(body.encode()[: found.fragment_range().start].decode())  # from bytes
        return start, start + len(fragment)

    def marks(self, text: str, corrected: bool) -> list[tuple[int, int]]:
        """[start, end) in code points of each word of `text` (a heading) that a term holds,
        as `snippet` marks them."""
        found = fewest_typos(self.matches(text, corrected))
        return sorted({(match.start, match.end) for match in found})  # already code points

    def matches(self, text: str, corrected: bool) -> list[Match]:
        """`_find_matches` of the query's terms (only those as typed unless `corrected`), in
        the text's order. ASCII text is searched without the analyser (a title, a heading,
        a body that may hold no term), with the same words as it would find."""
        if not text.isascii():
            found = _find_matches(text, self._terms)
            return [match for match in found if corrected or not match.term.typos]
        finder = self._all if corrected else self._untypoed
        return self._marked(sorted(finder.words(text)), corrected)

    def _marked(self, words: Iterable[tuple[int, int, str]], corrected: bool) -> list[Match]:
        """A Match per slot's term for each (start, end, stem) StemFinder found."""
        return [
            Match(start, end, index, term)
            for start, end, stemmed in words
            for index, term in self._terms[stemmed]
            if corrected or not term.typos
        ]


class StemFinder:
    """Whether a text may have a word with one of `stems`, told without stemming all of it
    (the snippet generator's cost, which most hits found by a heading would pay for
    nothing). An English (Snowball) stem keeps its word's letters but for its last two
    at most ("possibl" of "possibility", "happi" of "happy", "die" of "dying"), so only
    the words that start with those letters are stemmed."""

    def __init__(self, stems: Iterable[str]) -> None:
        self.stems = frozenset(stems)
        starts = sorted({word[: max(len(word) - 2, 1)] for word in self.stems})
        # A word starting with "ketamin" starts with "ketam" too: one search finds both.
        self._starts = [
            one for at, one in enumerate(starts) if not one.startswith(tuple(starts[:at]))
        ]

    def may_hold(self, text: str) -> bool:
        # Accents fold ("cafe" matches "café"): text with any is let through.
        return not text.isascii() or next(self.words(text), None) is not None

    def words(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, stem) of each word of ASCII `text` with one of the stems, as the
        index's tokenizer cuts and stems it (letters and digits, lower-cased)."""
        lower = text.lower()
        for start in self._starts:
            at = lower.find(start)
            while at >= 0:
                if at == 0 or not lower[at - 1].isalnum():  # a word starts here
                    word = _WORD.match(lower, at)
                    if word and (stemmed := stem(word.group())) in self.stems:
                        yield at, word.end(), stemmed
                at = lower.find(start, at + 1)


def _f32(value: float) -> float:
    """`value` rounded to a 32-bit float, as tantivy's scores are: adding two of them in
    Python's 64 bits and rounding gives the 32-bit sum exactly."""
    return _F32.unpack(_F32.pack(value))[0]


def _best_passage(
    body: str, words: list[tuple[int, int, str]], rarity: Callable[[str], float]
) -> tuple[int, int] | None:
    """tantivy's choice of passage in an ASCII `body` (`search_fragments` and
    `select_best_fragment_combination`, for the simple tokenizer) from the `words` found in
    it (start, end, stem; in text order): [start, stop), or None if no word scores. A
    passage starts at 0 or at a word and takes each following word while it ends within
    SNIPPET_LENGTH of that start; its score is the sum of its words' rarity; the first
    of the best wins."""
    best = None
    best_score = 0.0
    start, at = 0, 0
    while at < len(words):
        following = _next_passage(body, start)
        score = 0.0
        while at < len(words) and words[at][0] < following:
            score = _f32(score + rarity(words[at][2]))
            at += 1
        if score > best_score:
            stop = start + len(body[start:following].rstrip(_NOT_LETTERS_OR_DIGITS))
            best, best_score = (start, stop), score
        start = following
    return best


def _next_passage(body: str, start: int) -> int:
    """Where the passage after the one at `start` begins: at the first word that ends past
    SNIPPET_LENGTH characters from `start` (the text's length if none does)."""
    limit = start + SNIPPET_LENGTH
    if limit >= len(body):
        return len(body)
    if body[limit].isalnum():  # the word holding `limit` ends past it
        begins = start + len(body[start:limit].rstrip(_LETTERS_AND_DIGITS))
        if begins > start:
            return begins
        # A word longer than a passage, at `start`: it is its passage alone.
        limit = _TOKEN.match(body, limit).end()  # pyright: ignore[reportOptionalMemberAccess] (a letter or digit is there)
    following = _TOKEN.search(body, limit)
    return following.start() if following else len(body)


def _passage_snippet(body: str, start: int, stop: int, marks: Sequence[Match]) -> Snippet:
    """`body[start:stop]` made readable (`_readable`), with an ellipsis where the text goes
    on, and the `marks` within it marked (those with the fewest typos per slot)."""
    first = min((mark.start for mark in marks if start <= mark.start < stop), default=start)
    start, stop = _readable(body, start, stop, first)
    shown = fewest_typos([mark for mark in marks if start <= mark.start and mark.end <= stop])
    lead = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if _LETTER_OR_DIGIT.search(body, stop) else ""
    at = len(lead) - start
    kept = sorted({(mark.start + at, mark.end + at) for mark in shown})
    return _snippet(lead + body[start:stop] + tail, kept)


def _readable(body: str, start: int, stop: int, first: int) -> tuple[int, int]:
    """The passage [start, stop) as a reader wants it. The generator's passages start where
    the one before was full, so a match came with the last words of the sentence before,
    or near a text's end with a few words only. Here the passage starts with the sentence
    that holds `first` (its first match) where that sentence starts within reach (the
    passage's end kept in view), is filled out to SNIPPET_LENGTH with the words after it
    (at the text's end, with those before it, from a sentence's start where one is in
    reach), and keeps the punctuation that ends its last word (a full stop, a closing
    quote or bracket)."""
    reach = max(0, stop - SNIPPET_LENGTH)
    starts = [found.end() for found in _SENTENCE_END.finditer(body, reach, first)]
    if starts:
        start = starts[-1]
    elif reach == 0:  # the text's own start is in reach
        start = 0
    stop = max(stop, _words_end(body, start + SNIPPET_LENGTH))
    short = SNIPPET_LENGTH - (stop - start)
    if start and short > 0 and not _LETTER_OR_DIGIT.search(body, stop):  # the text's end
        start = _filled_back(body, start, short)
    while stop < len(body) and body[stop] in _CLOSING:
        stop += 1
    return start, stop


def _filled_back(body: str, start: int, short: int) -> int:
    """Where a passage at the text's end, `short` of SNIPPET_LENGTH, starts instead: at the
    text's start or the first sentence's in reach; if none, and it is less than half a
    passage, at the first word's in reach (a few words alone say too little)."""
    earliest = start - short
    if earliest <= 0:
        return 0
    for found in _SENTENCE_END.finditer(body, earliest, start):
        if found.end() < start:  # not the end of the sentence just before `start`
            return found.end()
    if short > SNIPPET_LENGTH // 2:
        return min(start, _word_start(body, earliest))
    return start


def _words_end(body: str, limit: int) -> int:
    """The end of the last word that ends by `limit`."""
    if limit >= len(body):
        limit = len(body)
    elif body[limit].isalnum():  # within a word: before it
        while limit > 0 and body[limit - 1].isalnum():
            limit -= 1
    while limit > 0 and not body[limit - 1].isalnum():
        limit -= 1
    return limit


def _word_start(body: str, at: int) -> int:
    """The start of the first word that starts at `at` or after."""
    if at and body[at - 1].isalnum():  # within a word: after it
        while at < len(body) and body[at].isalnum():
            at += 1
    while at < len(body) and not body[at].isalnum():
        at += 1
    return at


def _generator(
    searcher: tantivy.Searcher, schema: tantivy.Schema, stems: Collection[str]
) -> tantivy.SnippetGenerator:
    query = Query.boolean_query(
        [(Occur.Should, Query.term_query(schema, BODY, word)) for word in sorted(stems)]
    )
    generator = tantivy.SnippetGenerator.create(searcher, query, schema, BODY)
    generator.set_max_num_chars(SNIPPET_LENGTH)
    return generator


def _opening(body: str) -> Snippet:
    if len(body) <= SNIPPET_LENGTH:
        return _snippet(body, [])
    cut = body.rfind(" ", 0, SNIPPET_LENGTH)
    return _snippet(body[: cut if cut > 0 else SNIPPET_LENGTH] + ELLIPSIS, [])


def _snippet(text: str, spans: list[tuple[int, int]]) -> Snippet:
    # Most passages hold nothing to escape: their pieces are then taken as they are.
    escape = html.escape if _ESCAPED.search(text) else str
    parts, done = [], 0
    for start, end in spans:
        parts += [escape(text[done:start]), "<mark>", escape(text[start:end]), "</mark>"]
        done = end
    parts.append(escape(text[done:]))
    return Snippet(text, "".join(parts), spans)
