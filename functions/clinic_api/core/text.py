"""Text a client sent that no character encoding can carry."""

from __future__ import annotations

import re

# JSON's "\ud800" and the gateway's JSON event can hold a lone UTF-16 surrogate: a code
# point that is no character, which UTF-8 (DynamoDB, our logs, our answers) cannot encode.
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None
