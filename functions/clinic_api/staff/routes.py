"""StaffFunction's routes, declared once (see clinic_api.core.routes).

Every route sits behind the HTTP API's JWT authorizer (`StaffAuthorizer`): the
gateway answers 401 itself without a valid token. Every answer is `no-store`.
"""

from __future__ import annotations

from clinic_api.core.query import ChoiceParam, IntParam, TextParam
from clinic_api.core.routes import (
    JSON,
    NO_STORE,
    RETRY_AFTER,
    Answer,
    Body,
    Header,
    Link,
    PathParam,
    Route,
    declare,
    problem,
)
from clinic_api.staff import STATUSES
from clinic_api.staff.body import MAX_BODY_BYTES

MERGE_PATCH = "application/merge-patch+json"
AUTHORIZER = "StaffAuthorizer"
ETAG_PATTERN = r'^"[0-9a-f]{32}"$'

STATUS = ChoiceParam(
    "status", (*STATUSES, "all"), "Only requests with this status (default `new`)."
)
LIMIT = IntParam("limit", 25, 1, 100, "How many requests per page.")
CURSOR = TextParam(
    "cursor", 512, "`nextCursor` of the previous page, unchanged, with the same `status`."
)
LIST_QUERY = (STATUS, LIMIT, CURSOR)
Q_MAX = 100  # a search's words: a reference, a name's start or phone digits


def schemas():  # unannotated: inferred as the module, so `schemas().RequestPage` is checked
    from clinic_api.staff import schemas  # deferred: pydantic stays off the cold start

    return schemas


REQUEST_ETAG = Header(
    "ETag",
    "The version of this request: strong, opaque; it changes with every change. Send it "
    "back in `If-Match` to change the request.",
    pattern=ETAG_PATTERN,
    example='"5d41402abc4b2a76b9719d911017c592"',
)
IF_MATCH = Header(
    "If-Match",
    "The `ETag` of the copy the change was made on: a request changed meanwhile is 412, "
    "and a change without it is 428 (RFC 6585).",
    example='"5d41402abc4b2a76b9719d911017c592"',
)
REFERENCE = PathParam(
    "reference",
    "The request's reference as people read it out: 8 characters, any case (I and L read "
    "as 1, O as 0).",
    "^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$",
    9,
    "7K3M9Q2T",
)


def _guarded(*answers: Answer) -> tuple[Answer, ...]:
    """A staff route's answers: its own, then the gateway's 401, 403 and 503."""
    return (
        *answers,
        Answer(
            401,
            "No token, or an invalid or expired one: the gateway's own answer.",
            JSON,
            lambda: schemas().GatewayMessage,
        ),
        problem(403, "Signed in, but not in the `staff` or `admin` group."),
        problem(503, "The requests or audit table is unavailable; retry.", RETRY_AFTER),
    )


LIST_REQUESTS = Route(
    "GET",
    "/staff/requests",
    "listRequests",
    "The inbox: requests by status, newest first",
    "Summaries, a page at a time. Searching is `POST /staff/requests/search`: a patient's "
    "name in a URL would be kept where a body is not; a `q` here is refused. Not audited "
    "per request: opening one is.",
    "Staff",
    _guarded(
        Answer(
            200,
            "One page of the inbox.",
            JSON,
            lambda: schemas().RequestPage,
            (NO_STORE,),
            (
                Link(
                    "GetRequest",
                    "getRequest",
                    {"reference": "$response.body#/items/0/reference"},
                    "The first request of the page, in full.",
                ),
            ),
        ),
        problem(
            422,
            "A bad `status`, `limit` or `cursor` (a cursor is only good with the `status` it "
            "came with), or a `q` (code `not_here`); `errors` names each.",
        ),
    ),
    query=LIST_QUERY,
    query_examples={"status": "new", "limit": 25},
    auth=AUTHORIZER,
)
SEARCH_REQUESTS = Route(
    "POST",
    "/staff/requests/search",
    "searchRequests",
    "Search the inbox by reference, name or phone",
    "The inbox list, of the requests that match `q`: a reference as it was read out, the "
    "starts of a name's words in any order (without accents, case or apostrophes), or "
    "phone digits. The words travel in the body, never in a URL. Not audited per request.",
    "Staff",
    _guarded(
        Answer(
            200,
            "One page of the requests that match.",
            JSON,
            lambda: schemas().RequestPage,
            (NO_STORE,),
        ),
        problem(400, "The body is not a well-formed JSON object."),
        problem(413, f"The body is over {MAX_BODY_BYTES:,} bytes."),
        problem(415, "The body is not `application/json`."),
        problem(
            422,
            "A bad `q`, `status`, `limit` or `cursor` (a cursor is only good with the `q` "
            "and `status` it came with), or a field a search does not have; `errors` names "
            "each, never its value.",
        ),
    ),
    bodies=(Body(JSON, lambda: schemas().RequestSearch, "what to look for."),),
    auth=AUTHORIZER,
)
GET_REQUEST = Route(
    "GET",
    "/staff/requests/{reference}",
    "getRequest",
    "One request in full, with its history",
    "Every field the patient sent and every change since, with an `ETag` for a change. "
    "Audited: who read it, when, from where.",
    "Staff",
    _guarded(
        Answer(
            200,
            "The request.",
            JSON,
            lambda: schemas().RequestDetail,
            (REQUEST_ETAG, NO_STORE),
            (
                Link(
                    "UpdateRequest",
                    "updateRequest",
                    {
                        "reference": "$request.path.reference",
                        "header.If-Match": "$response.header.ETag",
                    },
                    "Change the request just read, conditional on its ETag.",
                ),
            ),
        ),
        problem(404, "No request has this reference."),
    ),
    path_params=(REFERENCE,),
    auth=AUTHORIZER,
)
UPDATE_REQUEST = Route(
    "PATCH",
    "/staff/requests/{reference}",
    "updateRequest",
    "Change a request's status, add a note, assign it",
    "Conditional on `If-Match`: two receptionists cannot overwrite each other. One history "
    "entry per change (`by` is the caller's e-mail). Audited with the changed fields' names.",
    "Staff",
    _guarded(
        Answer(
            200,
            "Changed (or nothing to change): the request as it is now, with its new `ETag`.",
            JSON,
            lambda: schemas().RequestDetail,
            (REQUEST_ETAG, NO_STORE),
        ),
        problem(400, "The body is not a well-formed JSON object."),
        problem(404, "No request has this reference."),
        problem(412, "Changed meanwhile: `ETag` holds the current version.", REQUEST_ETAG),
        problem(413, f"The body is over {MAX_BODY_BYTES:,} bytes."),
        problem(415, "The body is not `application/json` or `application/merge-patch+json`."),
        problem(422, "Invalid fields, a code for each (never the value)."),
        problem(428, "No `If-Match`: read the request first and send its `ETag`."),
    ),
    path_params=(REFERENCE,),
    headers=(IF_MATCH,),
    bodies=(
        Body(JSON, lambda: schemas().RequestChange, "the fields to change."),
        Body(MERGE_PATCH, lambda: schemas().RequestChange, "the same, as a merge patch."),
    ),
    auth=AUTHORIZER,
)

STAFF = declare("StaffFunction", LIST_REQUESTS, SEARCH_REQUESTS, GET_REQUEST, UPDATE_REQUEST)
