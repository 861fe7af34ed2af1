"""How long a retry really has to wait: the Retry-After of a 409 (in progress) and a 503.

Powertools idempotency marks a key in progress until the invocation that took it
ends, or until that invocation's deadline (the in-progress expiry is "now plus the
remaining time" when the record is written). A retry before then gets 409, so a
Retry-After shorter than that deadline sends the client into more 409s.
"""

from __future__ import annotations

import math
import sys
import time
from types import ModuleType
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from clinic_api.core.problems import DEPENDENCY_RETRY_AFTER

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency.persistence.base import (
        BasePersistenceLayer,
    )

# Loaded with Powertools' idempotency, on the first request with an Idempotency-Key.
_IDEMPOTENCY_ERRORS = "aws_lambda_powertools.utilities.idempotency.exceptions"


def idempotency_errors() -> ModuleType | None:
    """Powertools' idempotency exceptions, or None when idempotency was never loaded (then
    none of them can have been raised, and a cold start without a key need not load them)."""
    return sys.modules.get(_IDEMPOTENCY_ERRORS)


def seconds_until(deadline_ms: float, now_ms: float | None = None) -> int:
    """Whole seconds until the deadline, rounded up, at least 1."""
    now = time.time() * 1000 if now_ms is None else now_ms
    return max(1, math.ceil((deadline_ms - now) / 1000))


def in_progress(persistence: BasePersistenceLayer, submission: dict[str, Any]) -> int:
    """Seconds until the other invocation's in-progress mark expires at the latest."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyItemNotFoundError,
        IdempotencyValidationError,
    )

    try:
        record = persistence.get_record(submission)
    except IdempotencyItemNotFoundError:
        return 1  # it finished (or failed and let go) meanwhile
    except (IdempotencyValidationError, BotoCoreError, ClientError):
        return DEPENDENCY_RETRY_AFTER
    expiry = record.in_progress_expiry_timestamp if record else None
    # A Decimal, as DynamoDB numbers are.
    return seconds_until(float(expiry)) if expiry is not None else DEPENDENCY_RETRY_AFTER


def after_failure(error: BaseException, remaining_ms: int | None) -> int:
    """Retry-After of a 503: longer than the default only when our own in-progress mark
    may have stayed behind (Powertools could not write it cleanly, or could not delete it)."""
    errors = idempotency_errors()
    if (
        remaining_ms is None
        or errors is None
        or not isinstance(error, errors.IdempotencyPersistenceLayerError)
    ):
        return DEPENDENCY_RETRY_AFTER  # nothing marked, or the mark was deleted
    if _never_sent(error):
        return DEPENDENCY_RETRY_AFTER  # the mark's write never reached DynamoDB
    return max(DEPENDENCY_RETRY_AFTER, math.ceil(remaining_ms / 1000))


def _never_sent(error: BaseException) -> bool:
    """Every cause is a refused connection: no write can have landed."""
    seen: BaseException | None = error.__cause__ or error.__context__
    refused = False
    while seen is not None:
        if isinstance(seen, BotoCoreError) and not isinstance(seen, EndpointConnectionError):
            return False
        refused = refused or isinstance(seen, EndpointConnectionError)
        seen = seen.__cause__ or seen.__context__
    return refused
