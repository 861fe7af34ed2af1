"""AppointmentsFunction's route: POST /appointments (declared in `routes`). HTTP in, HTTP out.

No submitted value reaches a log line, metric or error body: logs carry the
request id, the outcome and the names and codes of failing fields only.

Powertools' idempotency (and the boto3 it imports) is loaded on the first request
that sends an Idempotency-Key, never on a cold start without one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError

from clinic_api.appointments import answers, intake, routes, waits
from clinic_api.appointments.identity import idempotency_hashes, request_id
from clinic_api.appointments.settings import appointments_settings, clinic_settings
from clinic_api.appointments.store import AlreadyStored, IntakeStore, RateLimited, RateSlot
from clinic_api.core import snapstart
from clinic_api.core.aws_errors import DependencyUnavailable, failure
from clinic_api.core.clients import dynamodb_client
from clinic_api.core.edge import edge_secret
from clinic_api.core.http import Response
from clinic_api.core.identity import client_address, forget_hash_key, hash_key, keyed_hash
from clinic_api.core.prefetch import Warmup
from clinic_api.core.problems import (
    DEPENDENCY_RETRY_AFTER,
    FieldError,
    Problem,
    invalid_input,
    unavailable,
)
from clinic_api.core.resolver import HttpFunction
from clinic_api.core.s3_cache import ObjectMissing
from clinic_api.core.site import forget_site
from clinic_api.core.timestamps import now_iso

if TYPE_CHECKING:
    from types import ModuleType

    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
    )

    from clinic_api.appointments.request import Request

app = HttpFunction()
logger, counts = app.logger, app.counts

# Nothing was stored; the sender may retry (with the same Idempotency-Key). Powertools'
# persistence error joins them once idempotency is loaded (`_unavailable`).
_UNAVAILABLE: tuple[type[Exception], ...] = (DependencyUnavailable, ObjectMissing, BotoCoreError)
IDEMPOTENCY_HEADER = "idempotency-key"
_KEY_PATTERN = re.compile(routes.KEY_CHARACTERS + "{1,255}")


def _unavailable() -> tuple[type[Exception], ...]:
    """The errors that mean nothing was stored (an `except` evaluates this only on an error)."""
    errors = waits.idempotency_errors()
    if errors is None:  # idempotency never loaded: none of its errors can have been raised
        return _UNAVAILABLE
    return (*_UNAVAILABLE, errors.IdempotencyPersistenceLayerError)


@cache
def _idempotency() -> IdempotencyConfig:
    """Same key and same (normalised) request → the stored answer; another request → 422.
    Both are keyed hashes (identity.idempotency_hashes), never the request itself."""
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath="keyHash",
        payload_validation_jmespath="payloadHash",
        expires_after_seconds=24 * 3600,
        raise_on_no_idempotency_key=True,
    )


@app.handles(routes.REQUEST_APPOINTMENT)
def request_appointment() -> Response:
    json_client = _json_client()
    settings = appointments_settings()
    try:
        receipt = _take(app.request.headers.get("content-type"), json_client)
    except _unavailable() as error:
        logger.warning("Storage unavailable", extra=failure(error))
        wait = waits.after_failure(error, _remaining_ms())
        return answers.failed(_not_stored(wait), json_client, settings.error_url)
    except Problem as problem:
        _count(f"Refused{problem.status}")
        return answers.failed(problem, json_client, settings.error_url)
    return answers.created(receipt, json_client, settings.thank_you_url)


def _take(content_type: str | None, json_client: bool) -> dict[str, str]:
    """The receipt for a stored (or honeypot) request; raises Problem or storage errors.

    Every submission takes its sender's rate slot before its body is even read, so a
    flood of invalid posts is refused (429) like valid ones, for that address only;
    the slot is given back when the request could not be stored.
    """
    sent = app.request
    sender = client_address(sent.headers, sent.source_ip)
    client_hash = keyed_hash("client", sender)
    store = _store()
    slot = _rate_slot(store, client_hash)
    try:
        return _take_counted(content_type, json_client, client_hash)
    except _unavailable():
        if not store.give_back_rate_slot(slot):
            logger.warning("Rate slot not given back")
        raise


def _rate_slot(store: IntakeStore, client_hash: str) -> RateSlot:
    settings = appointments_settings()
    now = int(datetime.now(UTC).timestamp())
    try:
        return store.take_rate_slot(
            client_hash, now, settings.rate_limit, settings.rate_window_seconds
        )
    except RateLimited as limited:
        logger.info("Appointment request rate-limited")
        raise Problem(
            429,
            "Too Many Requests",
            "Too many requests from this address; try again later.",
            headers={"Retry-After": str(limited.retry_after)},
        ) from None


def _take_counted(content_type: str | None, json_client: bool, client_hash: str) -> dict[str, str]:
    sent = app.request
    form = _form()
    fields = form.read_submission(sent.body, sent.is_base64_encoded, content_type)
    # A form that filled the trap is a bot: the thank-you page, whatever else it sent. A JSON
    # client is told what is invalid first (the OpenAPI document states every rule anyway).
    if not json_client and fields.get("website"):
        return _honeypot()
    key = _idempotency_key(sent.headers.get(IDEMPOTENCY_HEADER))
    clinic = clinic_settings()
    try:
        request = form.validate_request(
            fields, clinic.services, clinic.phone_region, clinic.providers
        )
    except Problem as problem:
        fields = [f"{error.field}:{error.code}" for error in problem.errors]
        logger.info("Appointment request invalid", extra={"fields": fields})
        raise
    if request["website"]:  # a blank one is no bot's: request.check left it out
        return _honeypot()
    submitted = {"key": key, "request": request}
    if key is None:
        return _accept(submission=submitted, request=request, client_hash=client_hash)
    submitted.update(idempotency_hashes(key, submitted["request"]))
    return _accept_keyed(submitted, request, client_hash)


def _accept_keyed(submitted: dict[str, Any], request: Request, client_hash: str) -> dict[str, str]:
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    try:
        return _accept_once()(submission=submitted, request=request, client_hash=client_hash)
    except IdempotencyAlreadyInProgressError:
        wait = waits.in_progress(_persistence(), submitted)
        raise Problem(
            409,
            "Conflict",
            "A request with this Idempotency-Key is in progress.",
            headers={"Retry-After": str(wait)},
        ) from None
    except IdempotencyValidationError:
        error = FieldError(
            "Idempotency-Key", "key_reused", "was already used for a different request"
        )
        raise invalid_input([error]) from None


def _honeypot() -> dict[str, str]:
    logger.info("Honeypot filled: answered as success, stored nothing")
    _count("HoneypotHit")
    return intake.receipt(request_id(None, {}), now_iso())


def _idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not _KEY_PATTERN.fullmatch(value):
        message = "must be 1-255 visible ASCII characters, no comma, sent once"
        error = FieldError("Idempotency-Key", "invalid_format", message)
        raise invalid_input([error])
    return value


def _accept(submission: dict[str, Any], request: Request, client_hash: str) -> dict:
    settings = appointments_settings()
    new_id = request_id(submission["key"], submission["request"])
    try:
        receipt = intake.accept(
            request, new_id, client_hash, clinic_settings(), settings, _store(), datetime.now(UTC)
        )
    except AlreadyStored:
        # This very request got through before, but its idempotency record is gone
        # (expired, or lost): the same id and reference again; the time is now.
        receipt = intake.receipt(new_id, now_iso())
    logger.info("Appointment request stored", extra={"reference": receipt["reference"]})
    _count("RequestStored")
    return receipt


def _store() -> IntakeStore:
    settings = appointments_settings()
    return IntakeStore(dynamodb_client(), settings.requests_table, settings.guard_table)


@cache
def _form() -> ModuleType:
    """The body's reader and the request's checks (jsonschema-rs; phonenumbers and
    email-validator by the first value that needs them): a module of its own, so that its
    import can run beside the cold start's prefetch."""
    from clinic_api.appointments import form

    return form


@cache
def _persistence() -> DynamoDBPersistenceLayer:
    """The idempotency records (built on first use: it creates a client)."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(
        table_name=appointments_settings().guard_table, boto3_client=dynamodb_client()
    )


@cache
def _accept_once() -> Any:
    """`_accept` behind Powertools idempotency, told this invocation's context."""
    from aws_lambda_powertools.utilities.idempotency import idempotent_function

    config = _idempotency()
    decorated = idempotent_function(
        data_keyword_argument="submission", persistence_store=_persistence(), config=config
    )(_accept)

    def accept_once(**arguments: Any) -> dict[str, str]:
        config.register_lambda_context(app.context)
        return decorated(**arguments)

    return accept_once


def _remaining_ms() -> int | None:
    """This invocation's time left: our own in-progress mark expires when it runs out."""
    context = app.context
    return context.get_remaining_time_in_millis() if context is not None else None


def _count(name: str) -> None:
    counts.add(name)


@app.answers(Exception)
def _unexpected(error: Exception) -> Response:
    app.log_unexpected(error)
    return answers.failed(_not_stored(), _json_client(), appointments_settings().error_url)


def _not_stored(retry_after: int = DEPENDENCY_RETRY_AFTER) -> Problem:
    """Nothing was stored: the sender may retry (with the same Idempotency-Key)."""
    return unavailable("The request could not be stored; please try again.", retry_after)


def _json_client() -> bool:
    headers = app.request.headers
    return answers.wants_json(headers.get("content-type"), headers.get("accept"))


# A cold start reads both secrets and site.json and makes its DynamoDB client in the
# background (core.prefetch) while the validation model, the slowest import, loads.
warmup = Warmup(edge_secret, hash_key, clinic_settings, dynamodb_client)
_form()


def before_snapshot() -> None:
    """SnapStart: the snapshot carries the request's validator, used once (phonenumbers
    and email-validator, and their lazily loaded parts, too), and site.json."""
    from clinic_api.appointments.request import REQUEST_EXAMPLE

    warmup.wait()
    clinic = clinic_settings()
    sample = {**REQUEST_EXAMPLE, "email": "avery@example.org", "service": clinic.services[0]}
    _form().validate_request(sample, clinic.services, clinic.phone_region)


def after_restore() -> None:
    """SnapStart: this container's own clients and secrets; site.json revalidated."""
    snapstart.forget_per_environment_state(edge_secret.cache_clear, forget_hash_key, forget_site)
    warmup.restart()


snapstart.register(before_snapshot, after_restore)
lambda_handler = app.entry_point(warmup)
