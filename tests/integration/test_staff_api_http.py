"""The inbox API over the local stack, with real tokens from its moto user pool: the gateway
refuses bad tokens (401), the function refuses callers outside staff (403), changes are
conditional (428, 412), and every read and change is in the audit table."""

from __future__ import annotations

import base64
import gzip
import json
import time
from pathlib import Path
from typing import Any

import moto.cognitoidp
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from clinic_api.staff.audit import AuditLog
from clinic_tools.local.template import load_template
from tests.conftest import ROOT
from tests.integration.conftest import (
    LocalStack,
    Reply,
    StaffToken,
    call,
    local_aws,
    preflight,
)

pytestmark = pytest.mark.integration

AUDIT_TABLE = (
    load_template(ROOT / "template.yaml").functions["StaffFunction"].environment["AUDIT_TABLE"]
)
REQUEST = {
    "patientStatus": "existing",
    "firstName": "Ilse",
    "lastName": "Varga-Okafor",
    "phone": "503-555-0177",
    "preferredContact": "phone",
    "service": "medication-management",
    "message": "Refill questions before my next visit.",
    "consent": True,
}
# moto signs its pools' tokens with this published test key: a token re-signed with it
# passes the signature check, so only the claim changed can make the gateway refuse it.
MOTO_KEY = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"


def resigned(token: str, **changes: Any) -> str:
    segment = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    key = RSAKey.import_key(json.loads(gzip.decompress(MOTO_KEY.read_bytes())))
    return jwt.encode({"alg": "RS256", "kid": "dummy"}, {**claims, **changes}, key)


def send(stack: LocalStack, path: str, token: str | None, **kwargs: Any) -> Reply:
    headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return call(f"{stack.api}/staff/requests{path}", headers=headers, **kwargs)


def patch(stack: LocalStack, reference: str, token: str, body: Any, if_match: str | None) -> Reply:
    headers = {"Content-Type": "application/json", **({"If-Match": if_match} if if_match else {})}
    data = json.dumps(body).encode()
    return send(stack, f"/{reference}", token, method="PATCH", headers=headers, data=data)


@pytest.fixture
def reference(local_stack: LocalStack) -> str:
    reply = call(
        f"{local_stack.api}/appointments",
        method="POST",
        headers={"Content-Type": "application/json"},
        data=json.dumps(REQUEST).encode(),
    )
    assert reply.status == 201, reply.body
    return reply.json()["reference"]


def trail(stack: LocalStack, reference: str) -> list[dict[str, Any]]:
    dynamodb = local_aws().client("dynamodb", endpoint_url=stack.aws)
    return AuditLog(dynamodb, AUDIT_TABLE).trail(reference)


def test_the_gateway_refuses_a_missing_forged_expired_or_foreign_token(
    local_stack: LocalStack, staff_token: StaffToken, reference: str
) -> None:
    token = staff_token()
    header, claims, signature = token.split(".")
    forged = f"{header}.{claims}.{signature[::-1]}"
    expired = resigned(token, exp=int(time.time()) - 60, iat=int(time.time()) - 3660)
    foreign = resigned(token, aud="another-app-client")
    for bad in (None, forged, expired, foreign, "not-a-token"):
        for path in ("", f"/{reference}"):
            reply = send(local_stack, path, bad)
            assert reply.status == 401, (bad, reply.body)
            assert reply.json() == {"message": "Unauthorized"}
    assert send(local_stack, "", token).status == 200  # the same token, untouched, is fine
    assert trail(local_stack, reference) == []


def test_a_signed_in_user_outside_staff_is_403(
    local_stack: LocalStack, staff_token: StaffToken, reference: str
) -> None:
    outsider = staff_token(groups=())
    for reply in (
        send(local_stack, "", outsider),
        send(local_stack, f"/{reference}", outsider),
        patch(local_stack, reference, outsider, {"status": "spam"}, "*"),
    ):
        assert reply.status == 403, reply.body
        assert reply.headers["content-type"] == "application/problem+json"
        assert reply.headers["cache-control"] == "no-store"
    assert trail(local_stack, reference) == []


def test_an_admin_works_the_inbox(
    local_stack: LocalStack, staff_token: StaffToken, reference: str
) -> None:
    token = staff_token(groups=("admin",))
    listed = send(local_stack, "?status=new&limit=100", token)
    assert listed.status == 200, listed.body
    assert listed.headers["cache-control"] == "no-store"
    (item,) = [item for item in listed.json()["items"] if item["reference"] == reference]
    assert item["phoneDisplay"] == "(503) 555-0177"
    assert item["serviceLabel"]


def test_a_search_by_name_finds_the_request_and_leaves_no_trace_of_the_name(
    local_stack: LocalStack, staff_token: StaffToken, reference: str
) -> None:
    """As the inbox searches from the site's origin: a preflighted POST with the words in
    the body. Neither the gateway's log nor the function's holds them afterwards."""
    url = f"{local_stack.api}/staff/requests/search"
    allowed = preflight(url, local_stack.site, "POST", "authorization,content-type")
    assert allowed.status in (200, 204), allowed.body
    assert "POST" in allowed.headers["access-control-allow-methods"]
    found = send(
        local_stack,
        "/search",
        staff_token(),
        method="POST",
        headers={"Content-Type": "application/json", "Origin": local_stack.site},
        data=json.dumps({"q": "varga-okaf", "status": "all", "limit": 100}).encode(),
    )
    assert found.status == 200, found.body
    assert found.headers["cache-control"] == "no-store"
    assert reference in [item["reference"] for item in found.json()["items"]]
    assert "varga" not in local_stack.log.read_text().lower()


def test_a_receptionist_reads_then_changes_a_request_and_both_are_audited(
    local_stack: LocalStack, staff_token: StaffToken, reference: str
) -> None:
    token = staff_token()
    opened = send(local_stack, f"/{reference}", token)
    assert opened.status == 200, opened.body
    assert opened.json()["message"] == REQUEST["message"]
    tag = opened.headers["etag"]

    assert patch(local_stack, reference, token, {"status": "contacted"}, None).status == 428
    changed = patch(
        local_stack, reference, token, {"status": "contacted", "note": "Called back."}, tag
    )
    assert changed.status == 200, changed.body
    assert changed.headers["etag"] != tag
    assert changed.json()["history"][-1]["by"].endswith("@clinic.test")

    stale = patch(local_stack, reference, token, {"status": "closed"}, tag)
    assert stale.status == 412
    assert stale.headers["etag"] == changed.headers["etag"]

    read, update = trail(local_stack, reference)
    assert (read["action"], update["action"]) == ("read", "update")
    assert update["fields"] == ["status", "note"]
    assert read["actorEmail"] == update["actorEmail"] == changed.json()["history"][-1]["by"]
    assert "Called back" not in str(update) and "Ilse" not in str(update)
