"""Who is calling: the staff user HTTP API's JWT authorizer vouched for.

The gateway checked the token (signature, issuer, audience, expiry) before the
function runs; it passes the claims as strings, an array claim such as
`cognito:groups` as "[admin staff]". A real list is taken too (a test, a future
payload). Signed in but in neither `staff` nor `admin` is 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clinic_api.core.problems import Problem

STAFF_GROUPS = frozenset({"staff", "admin"})  # admin implies staff
GROUPS_CLAIM = "cognito:groups"


@dataclass(frozen=True)
class StaffCaller:
    id: str
    email: str
    groups: frozenset[str]


def groups_of(value: Any) -> frozenset[str]:
    """`"[a b]"` (API Gateway's form of a list claim), `"a"` or `["a", "b"]` as a set of
    names. Cognito's group names hold no white space but may hold any punctuation, so
    only white space parts them (a pre-token-generation trigger could add names with
    spaces; this stack has none): `alumni,staff`, `[staff]` and `"staff"` are groups of their
    own (the gateway sends them as "[alumni,staff]", "[[staff]]" and '["staff"]'), never
    `staff`."""
    if isinstance(value, list):
        return frozenset(str(item) for item in value)
    if not isinstance(value, str):
        return frozenset()
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):  # the gateway's one pair of brackets
        text = text[1:-1]
    return frozenset(text.split())


def claims_of(event: dict[str, Any]) -> dict[str, Any]:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    return (authorizer.get("jwt") or {}).get("claims") or {}


def staff_caller(event: dict[str, Any]) -> StaffCaller:
    """The caller, when in `staff` or `admin`; else a 403 problem (never naming the claims)."""
    claims = claims_of(event)
    groups = groups_of(claims.get(GROUPS_CLAIM))
    subject = claims.get("sub")
    if not subject or not groups & STAFF_GROUPS:
        raise Problem(403, "Forbidden", "Only the clinic's staff may work requests.")
    return StaffCaller(str(subject), str(claims.get("email") or ""), groups)
