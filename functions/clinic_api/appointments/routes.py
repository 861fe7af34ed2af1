"""AppointmentsFunction's route, declared once (see clinic_api.core.routes)."""

from __future__ import annotations

from clinic_api.core.routes import (
    FORM,
    JSON,
    LOCATION,
    MULTIPART,
    NO_STORE,
    RETRY_AFTER,
    Answer,
    Body,
    Header,
    Route,
    declare,
    problem,
)

# Visible ASCII but the comma: a header sent twice reaches the function as its values joined
# by commas (API Gateway's HTTP API), which would be a new key and a second stored request.
KEY_CHARACTERS = r"[!-+\-.-~]"
IDEMPOTENCY_KEY = Header(
    "Idempotency-Key",
    "1-255 visible ASCII characters but the comma: a retry with the same key and the same "
    "request gets the same answer and stores nothing twice (for 24 hours); the same key with "
    "another request is 422, and so is the header sent twice.",
    required=False,
    pattern=f"^{KEY_CHARACTERS}+$",
    min_length=1,
    max_length=255,
    example="6f1d2c7e-2b1a-4c55-9a0e-1d4b8f3a9c21",
)


# Unannotated: inferred as the modules, so `schemas().AppointmentRequest` is checked.
def schemas():
    from clinic_api.appointments import schemas  # deferred, as the content routes' models

    return schemas


def documented():
    from clinic_api.appointments import openapi_models  # read by the document only

    return openapi_models


REQUEST_APPOINTMENT = Route(
    "POST",
    "/appointments",
    "requestAppointment",
    "Request an appointment (a call back)",
    "A frontend posts JSON and gets JSON. A browser's form post (urlencoded or multipart, "
    "from a client whose `Accept` does not prefer JSON to HTML) gets a 303 to the thank-you "
    "page, or to the error page with the failing fields' codes, instead of every other "
    "answer here. A string holding a lone surrogate (`\\ud800`) is 422 `invalid_text`.",
    "Appointments",
    (
        Answer(201, "Stored; quote `reference`.", JSON, lambda: documented().Receipt, (NO_STORE,)),
        Answer(
            303,
            "For a browser's form post: to the thank-you page (`?reference=`), or to the error "
            "page (`?errors=field:code,...` or `?error=word`).",
            headers=(LOCATION, NO_STORE),
        ),
        problem(
            400, "The body is not a well-formed JSON object, urlencoded text or multipart form."
        ),
        problem(409, "A request with this `Idempotency-Key` is in progress; retry.", RETRY_AFTER),
        problem(413, "The body is over 10,240 bytes."),
        problem(
            415,
            "No body, or not JSON, urlencoded or multipart/form-data, or in a charset that is "
            "not one we read (UTF-8 always is).",
        ),
        problem(
            422,
            "Invalid fields, a code for each (never the value), or an `Idempotency-Key` used "
            "for another request.",
        ),
        problem(429, "Too many requests from this address.", RETRY_AFTER),
        problem(503, "The request could not be stored; retry with the same key.", RETRY_AFTER),
    ),
    headers=(IDEMPOTENCY_KEY,),
    bodies=(
        Body(JSON, lambda: schemas().AppointmentRequest, "from a script, typed as shown."),
        Body(FORM, lambda: documented().AppointmentForm, "from a plain HTML form."),
        Body(
            MULTIPART,
            lambda: documented().AppointmentForm,
            'from an HTML form with `enctype="multipart/form-data"`: its text parts are the '
            "fields; a file part is never read.",
        ),
    ),
)

APPOINTMENTS = declare("AppointmentsFunction", REQUEST_APPOINTMENT)
