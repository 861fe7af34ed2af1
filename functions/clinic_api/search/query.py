"""What a search looks for: each query word's stem, synonyms, completions and corrections.

Every word must match (AND) where some section holds them all; otherwise every word but
the question's small words (`SMALL_WORDS`). A word matches through any of its terms:

- its own stem ("treatments" finds "treatment");
- a synonym from content/synonyms.yaml ("anxious" finds "anxiety"), also for
  phrases ("nasal spray" finds "esketamine");
- for the last word only, the words it begins ("ketam" finds "ketamine"),
  because the visitor may still be typing;
- corrections, like Algolia's typo tolerance: one typo from 4 letters, two
  from 8; a swap of two letters counts as one, and a wrong first letter as two
  (Meilisearch's rule: people seldom get it wrong, and "seasonal" is not a
  misspelt "personal"). They are planned only when the
  words as typed find nothing (Algolia's `typoTolerance: "min"`): "care" is
  not also a search for "are" and "core".

Completions and corrections come from the index's vocabulary, so every term
here names words that are really in the articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from clinic_api.search.schema import stemmed_analyzer, words_analyzer

MAX_QUERY_WORDS = 10  # words past this are ignored: each one costs index lookups
MAX_FUZZY_LENGTH = 40  # longer runs of letters are not words: no completions or corrections
COMPLETIONS = 8  # the most frequent words a half-typed last word may be
CORRECTIONS = 8

# The words a question is built with, which tell nothing of what it asks about: left out
# only when no section holds every word ("can i drive home after my infusion"). With the
# pieces the analyser cuts contractions into ("what's": what, s; "can't": can, t). Not
# "not", "no" or "without": typed as words, they turn a question around.
SMALL_WORDS = frozenset(
    {
        "a", "about", "after", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been",
        "before", "being", "by", "can", "could", "d", "did", "didn", "do", "does", "doesn", "don",
        "during", "for", "from", "had", "hadn", "has", "hasn", "have", "haven", "he", "her", "his",
        "how", "i", "if", "in", "into", "is", "isn", "it", "its", "ll", "m", "many", "me", "might",
        "much", "my", "of", "on", "or", "our", "re", "s", "she", "should", "shouldn", "so", "some",
        "t", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
        "those", "to", "up", "us", "ve", "was", "wasn", "we", "were", "weren", "what", "when",
        "where", "which", "who", "whom", "whose", "why", "will", "with", "won", "would", "wouldn",
        "you", "your",
    }
)  # fmt: skip

# How much a match through each kind of term counts, against the word as typed.
EXACT = 1.0
SYNONYM = 0.9
COMPLETION = 0.8
CORRECTION = {1: 0.5, 2: 0.3}


@dataclass(frozen=True)
class Term:
    """One way to match a slot: a stemmed word, or a phrase's stems in order."""

    stems: tuple[str, ...]
    word: str  # as written in the articles: what `didYouMean` proposes
    typos: int = 0
    weight: float = EXACT


@dataclass(frozen=True)
class Slot:
    """A word of the query (or a synonym phrase of several): a hit matches one of its terms."""

    asked: str
    terms: tuple[Term, ...]
    word: bool = True  # one word, which may be misspelt; not a synonym phrase


class Vocabulary(Protocol):
    """The index's words, most frequent first."""

    def completions(self, prefix: str, limit: int) -> list[str]: ...

    def corrections(self, word: str, typos: int, prefix: bool, limit: int) -> list[str]: ...


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The indexed form of one word (cached: highlighting stems every word of a hit)."""
    stems = stemmed_analyzer().analyze(word)
    return stems[0] if stems else word


def query_words(text: str) -> list[str]:
    """The words of a query, split, lowercased and folded as the index's were."""
    return words_analyzer().analyze(text)[:MAX_QUERY_WORDS]


def typo_budget(word: str) -> int:
    """Algolia's defaults: no typo under 4 letters, one from 4, two from 8."""
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


def edit_distance(typed: str, word: str, prefix: bool) -> int:
    """Optimal string alignment distance (a swap costs one), to `word` or its best prefix."""
    previous2: list[int] = []
    previous = list(range(len(word) + 1))
    for row, letter in enumerate(typed, start=1):
        current = [row]
        for col, other in enumerate(word, start=1):
            cost = min(
                previous[col] + 1, current[col - 1] + 1, previous[col - 1] + (letter != other)
            )
            swapped = row > 1 and col > 1 and letter == word[col - 2] and typed[row - 2] == other
            current.append(min(cost, previous2[col - 2] + 1) if swapped else cost)
        previous2, previous = previous, current
    return min(previous) if prefix else previous[-1]


class Synonyms:
    """content/synonyms.yaml's groups, looked up by stems: "anxieties" finds the "anxiety" group."""

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self._groups: dict[tuple[str, ...], list[Term]] = {}
        for group in groups:
            for expression in group:
                key = _phrase_stems(expression)
                others = [Term(_phrase_stems(other), other, 0, SYNONYM) for other in group]
                self._groups.setdefault(key, []).extend(t for t in others if t.stems != key)
        self._longest = max((len(key) for key in self._groups), default=0)

    def at(self, stems: Sequence[str], start: int) -> tuple[int, list[Term]]:
        """The longest expression starting at `start`: how many words it takes, and its synonyms."""
        for length in range(min(self._longest, len(stems) - start), 0, -1):
            found = self._groups.get(tuple(stems[start : start + length]))
            if found:
                return length, found
        return 1, []


def _phrase_stems(expression: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in words_analyzer().analyze(expression))


def plan_query(text: str, vocabulary: Vocabulary, synonyms: Synonyms) -> list[Slot]:
    """One slot per word (or synonym phrase), as typed: its stem, synonyms and, for the
    last word, completions. An empty list when the text has no words."""
    words = query_words(text)
    stems = [stem(word) for word in words]
    slots: list[Slot] = []
    start = 0
    while start < len(words):
        length, alternatives = synonyms.at(stems, start)
        asked = " ".join(words[start : start + length])
        terms = [Term(tuple(stems[start : start + length]), asked), *alternatives]
        if length == 1 and start == len(words) - 1:
            terms += _completions(asked, vocabulary)
        slots.append(Slot(asked, _distinct(terms), word=length == 1))
        start += length
    return slots


def is_small_word(slot: Slot) -> bool:
    """Whether the slot is one of SMALL_WORDS (not a synonym phrase that holds one)."""
    return slot.word and slot.asked in SMALL_WORDS


def with_corrections(
    slots: Sequence[Slot], vocabulary: Vocabulary, synonyms: Synonyms
) -> list[Slot]:
    """The slots with each word's corrections added, ranked below its other terms; the
    last word's are corrections of a prefix, since it may be half-typed. A correction
    with the fewest typos brings its synonyms, as the word it stands for would ("spravto"
    finds esketamine as "spravato" does)."""
    last = len(slots) - 1
    corrected = []
    for index, slot in enumerate(slots):
        if not slot.word:
            corrected.append(slot)
            continue
        terms = list(slot.terms)
        found = _corrections(slot.asked, vocabulary, prefix=index == last)
        fewest = min((term.typos for term in found), default=0)
        for term in found:  # the likeliest readings bring their synonyms, not every reading
            alternatives = synonyms.at(term.stems, 0)[1] if term.typos == fewest else []
            terms += [term, *(_as_correction(other, term) for other in alternatives)]
        corrected.append(Slot(slot.asked, _distinct(terms)))
    return corrected


def _as_correction(synonym: Term, correction: Term) -> Term:
    """A synonym of a correction: found with the correction's typos, proposed as it."""
    return Term(synonym.stems, correction.word, correction.typos, correction.weight * SYNONYM)


def _completions(word: str, vocabulary: Vocabulary) -> list[Term]:
    if len(word) > MAX_FUZZY_LENGTH:
        return []
    return [
        Term((stem(found),), found, 0, COMPLETION)
        for found in vocabulary.completions(word, COMPLETIONS)
    ]


def _corrections(word: str, vocabulary: Vocabulary, prefix: bool) -> list[Term]:
    budget = typo_budget(word)
    if not budget or len(word) > MAX_FUZZY_LENGTH:
        return []
    found = vocabulary.corrections(word, budget, prefix, CORRECTIONS)
    if len(found) == CORRECTIONS and any(other[0] != word[0] for other in found):
        # The index counts a wrong first letter once: the most frequent words it found may
        # all be over the budget, and a word within it further down the list.
        found = vocabulary.corrections(word, budget, prefix, 4 * CORRECTIONS)
    typos = {other: _typos(word, other, prefix, budget) for other in found}
    # No typo means the word itself or a completion: those are terms already.
    return [
        Term((stem(other),), other, typos[other], CORRECTION[typos[other]])
        for other in sorted(found, key=typos.__getitem__)
        if 0 < typos[other] <= budget
    ][:CORRECTIONS]


def _typos(typed: str, word: str, prefix: bool, budget: int) -> int:
    """The typos between what was typed and a word the index found within the budget; a
    wrong first letter counts twice, so it may be over the budget."""
    if word.startswith(typed) if prefix else word == typed:
        return 0
    first_letter = int(typed[0] != word[0])
    if budget == 1:  # the index found it within one typo: no need to measure
        return 1 + first_letter
    return min(edit_distance(typed, word, prefix), budget) + first_letter


def _distinct(terms: list[Term]) -> tuple[Term, ...]:
    """The first (best) term per stems: typed "effects" is exact, not a typo of "effect"."""
    seen: dict[tuple[str, ...], Term] = {}
    for term in terms:
        seen.setdefault(term.stems, term)
    return tuple(seen.values())
