"""Schemathesis hooks (schemathesis.toml names this module): what the document cannot generate.

- `format: phone` and `format: person-name` are rules a pattern cannot say
  (libphonenumber's numbering plans; Unicode's letters), and `format: email`
  is narrower here than in JSON Schema (no special-use domains such as `.test`,
  as its description says): their strategies draw values the function's own
  rules accept, so "valid" requests are valid.
- An `Idempotency-Key` promises one answer per key and request: a key reused for
  another request is 422, as it must be. Two unrelated generated cases often draw
  the same short key ("!"), so a well-formed key is made unique per case; a
  malformed one is sent as drawn.
- A `cursor` is opaque and good only for the query it came with: a well-formed
  drawn one (in the query, or in the inbox search's body) is swapped for the
  `nextCursor` the API gives that same query (or left out when there is no next
  page), as a client that pages would send it.
- The staff routes sit behind the JWT authorizer: with `CLINIC_FUZZ_STAFF_TOKEN`
  (a staff ID token from the local pool; tests/integration/test_fuzz.py signs one
  in) every staff case carries it, so the fuzzer reaches the function; without
  it the gateway answers each with its declared 401.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlencode

import phonenumbers
import schemathesis
from hypothesis import strategies as st

from clinic_api.appointments.request import NAME_MAX, PHONE_MAX, TYPED, Broken, Site
from clinic_api.appointments.routes import KEY_CHARACTERS

_REGIONS = ("US", "CA", "GB", "DE", "FR", "AU", "IN", "JP", "BR", "MX")
_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
_STYLES = (phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
_KEY = re.compile(KEY_CHARACTERS + "{1,255}")
_CURSOR = re.compile(r".{1,512}", re.DOTALL)


def _examples() -> list[str]:
    numbers = []
    for region in _REGIONS:
        for kind in _TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                numbers += [phonenumbers.format_number(number, style) for style in _STYLES]
    return numbers


def _valid_us(text: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(text, "US"))


# International forms are valid whatever the clinic's region; US ones as people type them.
PHONES = st.one_of(
    st.sampled_from(_examples()),
    st.from_regex(r"\A\+1 [2-9][0-9]{2}-[2-9][0-9]{2}-[0-9]{4}\Z").filter(_valid_us),
).filter(lambda text: len(text) <= PHONE_MAX)


def _accepted(field: str) -> Any:
    """Whether the function keeps a text as this field (request.TYPED)."""

    def accepts(text: str) -> bool:
        try:
            TYPED[field](text, Site(None, "US"))
        except Broken:
            return False
        return True

    return accepts


_NAME_CHARS = st.characters(categories=["L", "M"]) | st.sampled_from(list(" '\u2019-.,"))
NAMES = st.text(_NAME_CHARS, min_size=1, max_size=NAME_MAX).filter(_accepted("firstName"))
EMAILS = st.emails().filter(_accepted("email"))

schemathesis.openapi.format("phone", PHONES)
schemathesis.openapi.format("person-name", NAMES)
schemathesis.openapi.format("email", EMAILS)


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and _KEY.fullmatch(key):
        unique = uuid.uuid4().hex
        case.headers["Idempotency-Key"] = (
            key[: -len(unique)] + unique if len(key) > len(unique) else (key + unique)[:255]
        )


@schemathesis.hook("before_call")
def real_cursors(ctx: Any, case: Any, **kwargs: Any) -> None:
    """In the query (GET /articles, /staff/requests) or the body (the inbox's search)."""
    for where, sent in (("query", case.query), ("body", case.body)):
        if not isinstance(sent, dict):
            continue
        cursor = sent.get("cursor")
        if isinstance(cursor, str) and _CURSOR.fullmatch(cursor):
            rest = {name: value for name, value in sent.items() if name != "cursor"}
            next_cursor = _next_cursor(case, **{where: rest})
            if next_cursor is None:
                del sent["cursor"]
            else:
                sent["cursor"] = next_cursor


def _next_cursor(
    case: Any, query: dict[str, Any] | None = None, body: dict[str, Any] | None = None
) -> str | None:
    """The `nextCursor` the API gives the same query, or None: the query itself is refused
    (the case is refused for its other fields either way), or no answer came in time (a
    loaded machine): a cursor no page gave would be refused as one, so the case pages
    from the start."""
    url = f"{case.operation.schema.get_base_url()}{case.operation.path}"
    token = STAFF_TOKEN if case.operation.path.startswith("/staff/") else None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    asked = urllib.request.Request(
        f"{url}?{urlencode(query or {}, True)}", data=data, headers=headers
    )
    try:
        with urllib.request.urlopen(asked, timeout=10) as response:
            return json.load(response).get("nextCursor")
    except (OSError, ValueError):
        return None


STAFF_TOKEN = os.environ.get("CLINIC_FUZZ_STAFF_TOKEN")


if STAFF_TOKEN:

    @schemathesis.auth(refresh_interval=None).apply_to(path_regex="^/staff/")
    class StaffBearer:
        """The signed-in staff member's ID token, on every staff route."""

        def get(self, case: Any, context: Any) -> str | None:
            return STAFF_TOKEN

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
