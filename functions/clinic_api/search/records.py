"""The text a hit shows, kept beside the tantivy index rather than in its store.

A record is a few texts (a unit's section id, titles, tags and body; an article's
slug, title and kind). Each text is cut at its spaces into tokens, and a record is
stored as the numbers of its tokens in one table, 16 bits each (32 when the table
outgrows that): at 10,000 articles 21 MB of text takes 7 MB, where tantivy-py's LZ4
store took 14 MB and gzip needs unzipping before the index opens. Nothing is
unpacked when a container opens the index; a record is read for a hit shown, in
microseconds.

The layout (little-endian, as every Lambda architecture is): a header, the table
(tokens joined by BREAK, which no stored text holds), then each record's first
token's position (one more than there are records, 32-bit), then the tokens.
"""

from __future__ import annotations

import struct
from array import array
from collections import Counter
from collections.abc import Sequence

BREAK = "\x1f"  # token 0: between a record's texts; in the table, between tokens
_SPLIT = f" {BREAK} "  # where a record's joined tokens are cut back into its texts
_HEADER = struct.Struct("<4sIII")  # magic, bytes per token, table bytes, records
_MAGIC = b"CSR1"


def _tokens(text: str) -> list[str]:
    # U+001F is no character of prose: stored as U+FFFD, so a record splits where it should.
    return text.replace(BREAK, "\ufffd").split(" ")


def pack_records(records: Sequence[Sequence[str]]) -> bytes:
    """`records[n]`'s texts, readable as `Records(data)[n]`."""
    counts = Counter(token for record in records for text in record for token in _tokens(text))
    table = [BREAK, *(token for token, _ in counts.most_common())]  # frequent first
    numbers = {token: number for number, token in enumerate(table)}
    width = "H" if len(table) <= 1 << 16 else "I"
    tokens, starts = array(width), array("I", [0])
    for record in records:
        for position, text in enumerate(record):
            if position:
                tokens.append(0)
            tokens.extend(numbers[token] for token in _tokens(text))
        starts.append(len(tokens))
    joined = BREAK.join(table[1:]).encode()
    header = _HEADER.pack(_MAGIC, tokens.itemsize, len(joined), len(records))
    padding = b"\0" * (-len(joined) % 4)  # the numbers aligned
    return header + joined + padding + starts.tobytes() + tokens.tobytes()


class Records:
    """Records packed by `pack_records`, read one at a time."""

    def __init__(self, data: bytes | memoryview) -> None:
        magic, width, table_size, count = _HEADER.unpack_from(data)
        if magic != _MAGIC or width not in (2, 4):
            raise ValueError("not a records file")
        view = memoryview(data)
        at = _HEADER.size
        self._table = [BREAK, *bytes(view[at : at + table_size]).decode().split(BREAK)]
        at += table_size + -table_size % 4
        self._starts = view[at : at + 4 * (count + 1)].cast("I")
        self._tokens = view[at + 4 * (count + 1) :].cast("H" if width == 2 else "I")

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, number: int) -> list[str]:
        tokens = self._tokens[self._starts[number] : self._starts[number + 1]]
        return " ".join(map(self._table.__getitem__, tokens)).split(_SPLIT)
