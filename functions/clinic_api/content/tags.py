"""What a tag is called on the site: the author's label from site.yaml, else the tag humanised.

Shared by the publisher (which writes every tag's label into index.json) and the
function (which falls back to it for an index published without labels).
"""

from __future__ import annotations

from collections.abc import Mapping


def humanised(tag: str) -> str:
    """`side-effects` → `Side effects`: what a tag reads like when nobody named it."""
    words = tag.replace("-", " ")
    return words[:1].upper() + words[1:]


def tag_label(tag: str, labels: Mapping[str, str]) -> str:
    return labels.get(tag) or humanised(tag)
