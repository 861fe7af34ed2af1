"""The text a hit shows, kept beside the tantivy index rather than in its store.

A record is a few texts (a unit's section id, titles, tags and body; an article's
slug, title and kind). Each text is cut at its spaces into tokens, and a record is
stored as the numbers of its tokens in one table, most frequent first, 16 bits each
(a token past the first 65,535 takes three: ESCAPE and its number's two halves): at
10,000 generated articles 21 MB of text takes 8 MB, where tantivy-py's LZ4 store took
14 MB and gzip needs unzipping before the index opens. Nothing is unpacked when a
container opens the index; a record is read for a hit shown, in microseconds.

The layout (little-endian, as every Lambda architecture is): a header, the table
(tokens joined by BREAK, which no stored text holds), then each record's first
number's position (one more than there are records, 32-bit), then the numbers.
"""

from __future__ import annotations

import struct
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence

BREAK = "\x1f"  # token 0: between a record's texts; in the table, between tokens
_SPLIT = f" {BREAK} "  # where a record's joined tokens are cut back into its texts
_HEADER = struct.Struct("<4sII")  # magic, table bytes, records
_MAGIC = b"CSR1"
ESCAPE = 0xFFFF


def _tokens(text: str) -> list[str]:
    # U+001F is no character of prose: stored as U+FFFD, so a record splits where it should.
    return text.replace(BREAK, "\ufffd").split(" ")


def pack_records(records: Sequence[Sequence[str]]) -> bytes:
    """`records[n]`'s texts, readable as `Records(data)[n]`."""
    counts = Counter(token for record in records for text in record for token in _tokens(text))
    table = [BREAK, *(token for token, _ in counts.most_common())]
    numbers = {token: number for number, token in enumerate(table)}
    packed, starts = array("H"), array("I", [0])
    for record in records:
        for position, text in enumerate(record):
            if position:
                packed.append(0)
            for token in _tokens(text):
                number = numbers[token]
                if number < ESCAPE:
                    packed.append(number)
                else:
                    packed.extend((ESCAPE, (number - ESCAPE) >> 16, (number - ESCAPE) & ESCAPE))
        starts.append(len(packed))
    joined = BREAK.join(table[1:]).encode()
    padding = b"\0" * (-len(joined) % 4)  # the numbers aligned
    return (
        _HEADER.pack(_MAGIC, len(joined), len(records))
        + joined
        + padding
        + (starts.tobytes() + packed.tobytes())
    )


class Records:
    """Records packed by `pack_records`, read one at a time."""

    def __init__(self, data: bytes | memoryview) -> None:
        magic, table_size, count = _HEADER.unpack_from(data)
        if magic != _MAGIC:
            raise ValueError("not a records file")
        view = memoryview(data)
        at = _HEADER.size
        self._table = [BREAK, *bytes(view[at : at + table_size]).decode().split(BREAK)]
        at += table_size + -table_size % 4
        self._starts = view[at : at + 4 * (count + 1)].cast("I")
        self._numbers = view[at + 4 * (count + 1) :].cast("H")

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, number: int) -> list[str]:
        numbers = self._numbers[self._starts[number] : self._starts[number + 1]].tolist()
        if ESCAPE in numbers:
            numbers = list(_unescaped(numbers))
        table = self._table  # a comprehension: a quarter quicker than map(table.__getitem__)
        return " ".join([table[number] for number in numbers]).split(_SPLIT)


def _unescaped(numbers: list[int]) -> Iterator[int]:
    rest = iter(numbers)
    for number in rest:
        yield number if number != ESCAPE else ESCAPE + (next(rest) << 16 | next(rest))
