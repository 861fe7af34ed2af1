"""The queries the search benchmarks time: made from a corpus's words, seeded, so that
this tree and a baseline revision (benchmarks/search_cold.py imports this module beside
the baseline's code) are timed on the same texts. Standard library only, for that reason."""

from __future__ import annotations

import random
import statistics

SEED = 20260302
# What visitors type: words, a half-typed last word, a misspelt word, and a question: small
# words (which a section seldom holds with the rest), some with a word of their own ("safe",
# "long"), around one or two words of the articles.
SETS = ("plain", "as-you-type", "misspelt", "question")
_STARTS = ("can i", "how do i", "what is the", "is it safe to", "how long does")


def query_sets(words: list[str], count: int) -> dict[str, list[str]]:
    rng = random.Random(SEED)

    def plain() -> str:
        return " ".join(rng.sample(words, rng.choice((1, 1, 2))))

    def as_you_type() -> str:
        word = rng.choice([word for word in words if len(word) > 5])
        cut = word[: rng.randint(3, len(word) - 1)]
        return f"{rng.choice(words)} {cut}" if rng.random() < 0.4 else cut

    def misspelt() -> str:
        word = rng.choice([word for word in words if len(word) > 4])
        return _typo(_typo(word, rng) if len(word) >= 8 and rng.random() < 0.3 else word, rng)

    def question() -> str:
        return f"{rng.choice(_STARTS)} {' '.join(rng.sample(words, rng.choice((1, 2))))}"

    makers = (plain, as_you_type, misspelt, question)
    return {name: [make() for _ in range(count)] for name, make in zip(SETS, makers, strict=True)}


def _typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "replace", "insert"))
    if kind == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return word[:at] + letter + word[at + (kind == "replace") :]


def percentile(samples: list[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]
