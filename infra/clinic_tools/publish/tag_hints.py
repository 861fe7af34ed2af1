"""Tags that look like a slip of the keyboard: said by `clinic check` and `clinic publish`.

A tag is any slug an article lists, so "ketamin" on one article quietly makes a tag of its
own, with its own page of one article. A tag on one article only, without a label in
site.yaml, and one or two typos from a tag that is in use (Algolia's budget, as search
corrects words: one from 4 letters, two from 8) is named, with the tag it may have meant.
A hint, not an error: a new tag starts on one article.
"""

from __future__ import annotations

from collections import Counter

from clinic_api.search.query import edit_distance, typo_budget
from clinic_tools.publish.loader import Content


def tag_hints(content: Content) -> list[str]:
    """One line per likely slip, naming the file, the tag and what it may have meant."""
    uses = Counter(tag for source in content.sources for tag in source.front.tags)
    known = {tag for tag, count in uses.items() if count > 1} | set(content.site.tag_labels)
    hints = []
    for source in content.sources:
        for tag in source.front.tags:
            if tag in known:
                continue
            near = _nearest(tag, known)
            if near is not None:
                hints.append(
                    f"{source.path}: tags: '{tag}' is on no other article; did you mean '{near}'?"
                )
    return hints


def _nearest(tag: str, known: set[str]) -> str | None:
    budget = typo_budget(tag)
    distances = {other: edit_distance(tag, other, prefix=False) for other in known}
    close = [other for other, distance in distances.items() if distance <= budget]
    return min(close, key=lambda other: (distances[other], other), default=None)
