"""Stand-ins for Cognito's JSON API and the inbox API, answered inside the browser.

The inbox page's tests drive the page itself: Playwright's `page.route()` answers
the page's calls with the shapes the contract gives (CONTRACT-11: Cognito's
InitiateAuth / RespondToAuthChallenge / MFA set-up / RevokeToken, and
GET/PATCH /staff/requests), and records what the page sent. The real local stack
(moto's Cognito, the staff function) is tested end to end on its own.
"""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

COGNITO = "https://cognito-idp.us-east-1.amazonaws.com/"  # what the staff CSP allows locally
CLIENT_ID = "inbox-client"
EMAIL = "front.desk@clinic.example"
PASSWORD = "Correct-Horse-Battery-9!"
CODE = "123456"
TIME_ZONE = "America/Los_Angeles"


def config(site_origin: str) -> dict[str, Any]:
    """config.json as deploy writes it: the API under /api on the site's own origin."""
    del site_origin
    return {
        "apiBase": "/api",
        "staff": {"cognitoEndpoint": COGNITO, "clientId": CLIENT_ID, "region": "us-east-1"},
    }


def id_token(email: str, serial: int) -> str:
    """An unsigned JWT-shaped ID token: the page never checks it (the gateway does)."""

    def part(document: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")

    claims = {"email": email, "token_use": "id", "aud": CLIENT_ID, "serial": serial}
    return f"{part({'alg': 'none'})}.{part(claims)}.sig{serial}"


@dataclass
class FakeCognito:
    """USER_PASSWORD_AUTH → SOFTWARE_TOKEN_MFA (or, for a new user, NEW_PASSWORD_REQUIRED →
    MFA_SETUP) → tokens; REFRESH_TOKEN_AUTH; RevokeToken."""

    site_origin: str
    new_user: bool = False
    expires_in: int = 3600
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    issued: int = 0

    def targets(self) -> list[str]:
        return [target for target, _ in self.calls]

    def handle(self, route: Any) -> None:
        request = route.request
        cors = {
            "Access-Control-Allow-Origin": self.site_origin,
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "content-type, x-amz-target, x-amz-user-agent",
        }
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers=cors)
            return
        target = request.headers["x-amz-target"].rsplit(".", 1)[1]
        body = json.loads(request.post_data or "{}")
        self.calls.append((target, body))
        status, answer = self.answer(target, body)
        route.fulfill(
            status=status,
            headers=cors,
            content_type="application/x-amz-json-1.1",
            body=json.dumps(answer),
        )

    def answer(self, target: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if target == "InitiateAuth" and body["AuthFlow"] == "USER_PASSWORD_AUTH":
            if body["AuthParameters"] != {"USERNAME": EMAIL, "PASSWORD": PASSWORD}:
                return 400, {"__type": "NotAuthorizedException", "message": "Incorrect."}
            first = "NEW_PASSWORD_REQUIRED" if self.new_user else "SOFTWARE_TOKEN_MFA"
            return 200, self.challenge(first)
        if target == "InitiateAuth" and body["AuthFlow"] == "REFRESH_TOKEN_AUTH":
            return 200, {"AuthenticationResult": self.tokens(refresh=False)}
        if target == "RespondToAuthChallenge":
            return self.respond(body)
        if target == "AssociateSoftwareToken":
            return 200, {"SecretCode": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "Session": "s-assoc"}
        if target == "VerifySoftwareToken":
            ok = body["UserCode"] == CODE
            return (200, {"Status": "SUCCESS", "Session": "s-verified"}) if ok else self.mismatch()
        if target == "RevokeToken":
            return 200, {}
        return 400, {"__type": "InvalidParameterException", "message": target}

    def respond(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        name, answers = body["ChallengeName"], body["ChallengeResponses"]
        if answers.get("USERNAME") != "user-sub-1":
            return 400, {"__type": "NotAuthorizedException", "message": "Invalid session"}
        if name == "SOFTWARE_TOKEN_MFA":
            ok = answers.get("SOFTWARE_TOKEN_MFA_CODE") == CODE
            return (200, {"AuthenticationResult": self.tokens()}) if ok else self.mismatch()
        if name == "NEW_PASSWORD_REQUIRED":
            return 200, self.challenge("MFA_SETUP")
        if name == "MFA_SETUP" and body.get("Session") == "s-verified":
            return 200, {"AuthenticationResult": self.tokens()}
        return 400, {"__type": "NotAuthorizedException", "message": "Invalid session"}

    @staticmethod
    def mismatch() -> tuple[int, dict[str, Any]]:
        return 400, {"__type": "CodeMismatchException", "message": "Invalid code received."}

    @staticmethod
    def challenge(name: str) -> dict[str, Any]:
        # Cognito names the user by its internal id, not the e-mail it was signed in with.
        return {
            "ChallengeName": name,
            "Session": f"s-{name.lower()}",
            "ChallengeParameters": {"USER_ID_FOR_SRP": "user-sub-1"},
        }

    def tokens(self, *, refresh: bool = True) -> dict[str, Any]:
        self.issued += 1
        result: dict[str, Any] = {
            "IdToken": id_token(EMAIL, self.issued),
            "AccessToken": f"access-{self.issued}",
            "ExpiresIn": self.expires_in,
            "TokenType": "Bearer",
        }
        if refresh:
            result["RefreshToken"] = "refresh-1"
        return result


def request_item(reference: str, created_at: str, **changes: Any) -> dict[str, Any]:
    """A request as GET /staff/requests/{reference} answers it (the contract's Detail)."""
    item: dict[str, Any] = {
        "reference": reference,
        "status": "new",
        "createdAt": created_at,
        "firstName": "Robin",
        "lastName": "Hale",
        "phone": "+15035550199",
        "phoneDisplay": "(503) 555-0199",
        "preferredContact": "phone",
        "preferredDays": ["mon", "wed"],
        "preferredTimes": ["morning"],
        "service": "evaluation",
        "serviceLabel": "Psychiatric evaluation",
        "sourceArticle": "ketamine-for-anxiety-how-soon-it-helps",
        "assignee": None,
        "email": "robin@example.org",
        "okToText": True,
        "okToLeaveVoicemail": False,
        "visitFormat": "telehealth",
        "payment": "insurance",
        "insuranceCarrier": "Acme Health",
        "message": "Mornings are best.\nPlease call.",
        "patientStatus": "new",
        "consentVersion": "2026-01-01",
        "consentAt": created_at,
        "duplicateOf": None,
        "history": [{"at": created_at, "by": "web-form", "to": "new", "note": "received"}],
    }
    return {**item, **changes}


SUMMARY_FIELDS = (
    "reference", "status", "createdAt", "firstName", "lastName", "phone", "phoneDisplay",
    "preferredContact", "preferredDays", "preferredTimes", "service", "serviceLabel",
    "sourceArticle", "assignee",
)  # fmt: skip


@dataclass
class FakeInbox:
    """GET /staff/requests, POST /staff/requests/search, GET and PATCH
    /staff/requests/{reference}, as the contract says."""

    items: dict[str, dict[str, Any]]
    versions: dict[str, int] = field(default_factory=dict)
    answer_with: int | None = None  # a status every call gets (401, 403), when set
    hold_lists: int = 0  # list calls kept unanswered until this many have come (overlaps)
    held: list[Any] = field(default_factory=list)
    reads_held: list[Any] = field(default_factory=list)
    hold_reads: bool = False  # GETs of one request wait for `release_reads()`
    seen: list[dict[str, Any]] = field(default_factory=list)

    def etag(self, reference: str) -> str:
        return f'"v{self.versions.setdefault(reference, 1)}"'

    def changed_elsewhere(self, reference: str, **changes: Any) -> None:
        """Another receptionist's change: the page's ETag is stale from now on."""
        self.items[reference].update(changes)
        self.versions[reference] = self.versions.setdefault(reference, 1) + 1

    def handle(self, route: Any) -> None:
        request = route.request
        url = urlsplit(request.url)
        path = url.path.removeprefix("/api")
        self.seen.append(
            {
                "method": request.method,
                "path": path,
                "query": parse_qs(url.query),
                "headers": dict(request.headers),
                "body": json.loads(request.post_data) if request.post_data else None,
            }
        )
        if self.answer_with is not None:
            return self.problem(route, self.answer_with)
        if path == "/staff/requests":
            return self.list_calls(route, parse_qs(url.query))
        if path == "/staff/requests/search" and request.method == "POST":
            searched = json.loads(request.post_data)
            return self.list_calls(route, {name: [str(v)] for name, v in searched.items()})
        reference = unquote(path.rsplit("/", 1)[1])
        if reference not in self.items:
            return self.problem(route, 404)
        if request.method == "PATCH":
            return self.patch(route, reference, request)
        if self.hold_reads:
            self.reads_held.append(route)
            return None
        return self.json(route, 200, self.items[reference], self.etag(reference))

    def release_reads(self) -> None:
        """Answer the held GETs now, with what the requests hold now."""
        self.hold_reads = False
        for route in self.reads_held:
            reference = unquote(urlsplit(route.request.url).path.rsplit("/", 1)[1])
            self.json(route, 200, self.items[reference], self.etag(reference))
        self.reads_held.clear()

    def list_calls(self, route: Any, query: dict[str, list[str]]) -> None:
        """Answered at once, or, while holding, all together in the order they came."""
        self.held.append((route, self.listing(query)))
        if len(self.held) >= self.hold_lists:
            for held, answer in self.held:
                self.json(held, 200, answer)
            self.held.clear()
            self.hold_lists = 0

    def listing(self, query: dict[str, list[str]]) -> dict[str, Any]:
        status = query.get("status", ["new"])[0]
        text = query.get("q", [""])[0].lower()
        chosen = [
            {name: copy.deepcopy(item[name]) for name in SUMMARY_FIELDS}
            for item in sorted(self.items.values(), key=lambda i: i["createdAt"], reverse=True)
            if status in ("all", item["status"])
            and (not text or text in f"{item['firstName']} {item['lastName']}".lower())
        ]
        start = int(query.get("cursor", ["0"])[0])
        limit = int(query.get("limit", ["25"])[0])
        page = chosen[start : start + limit]
        more = str(start + limit) if start + limit < len(chosen) else None
        return {"items": page, "nextCursor": more, "timeZone": TIME_ZONE}

    def patch(self, route: Any, reference: str, request: Any) -> None:
        if request.headers.get("if-match") != self.etag(reference):
            return self.problem(route, 412, self.etag(reference))
        changes = json.loads(request.post_data)
        item = self.items[reference]
        entry: dict[str, Any] = {"at": "2026-11-29T18:00:00Z", "by": EMAIL}
        if "status" in changes and changes["status"] != item["status"]:
            entry |= {"from": item["status"], "to": changes["status"]}
            item["status"] = changes["status"]
        if "assignee" in changes:
            item["assignee"] = entry["assignee"] = changes["assignee"]
        if "note" in changes:
            entry["note"] = changes["note"]
        item["history"].append(entry)
        self.versions[reference] = self.versions.setdefault(reference, 1) + 1
        return self.json(route, 200, item, self.etag(reference))

    @staticmethod
    def json(
        route: Any,
        status: int,
        document: Any,
        etag: str | None = None,
        content_type: str = "application/json",
    ) -> None:
        headers = {"Cache-Control": "no-store", **({"ETag": etag} if etag else {})}
        route.fulfill(
            status=status, headers=headers, content_type=content_type, body=json.dumps(document)
        )

    @classmethod
    def problem(cls, route: Any, status: int, etag: str | None = None) -> None:
        if status == 401:  # the gateway's own answer, not a problem document
            route.fulfill(status=401, json={"message": "Unauthorized"})
            return
        document = {"type": "about:blank", "title": "Problem", "status": status}
        cls.json(route, status, document, etag, "application/problem+json")
