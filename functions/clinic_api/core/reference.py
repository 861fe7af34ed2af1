"""The reference people read out for a request: 8 Crockford base32 characters of its id.

Derived from the id alone, so whoever sees only the key (the notifier, the
staff CLI) can name the request, and staff can find it from what a caller says.
"""

from __future__ import annotations

import uuid

# Crockford's base32: no I, L, O or U, so a reference survives being read over the phone.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
REFERENCE_LENGTH = 8


def reference_of(request_id: str) -> str:
    """8 Crockford base32 characters from the id's first 40 bits: the id alone names it."""
    number = int.from_bytes(uuid.UUID(request_id).bytes[:5], "big")
    return "".join(_CROCKFORD[(number >> shift) & 31] for shift in range(35, -1, -5))


def normalise_reference(text: str) -> str:
    """What a person typed or heard, as the reference it means (case-insensitive, I/L→1, O→0)."""
    return text.strip().replace("-", "").upper().translate(_READ_AS)


def id_prefix(reference: str) -> str:
    """The start of every id whose reference this is (its first 40 bits, as in the UUID text)."""
    number = 0
    for char in normalise_reference(reference):
        number = number * 32 + _CROCKFORD.index(char)
    digits = f"{number:010x}"
    return f"{digits[:8]}-{digits[8:]}"


def is_reference(text: str) -> bool:
    normal = normalise_reference(text)
    return len(normal) == REFERENCE_LENGTH and all(char in _CROCKFORD for char in normal)
