"""DynamoDB for appointment requests: the staff table, and the function's own guard table.

The function may only put into the requests table: it never reads a request
back. Rate-limit counters and duplicate markers live in the guard table (with
Powertools' idempotency records), keyed by keyed hashes, never by contact data.
A request and its duplicate marker are written in one transaction, so a
failure leaves nothing half-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from clinic_api.core.attributes import attribute_value
from clinic_api.core.aws_errors import DependencyUnavailable, error_code

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        PutTypeDef,
        TransactWriteItemTypeDef,
    )

# Shared with Powertools' idempotency records (its default expiry attribute).
EXPIRY_ATTRIBUTE = "expiration"


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


class AlreadyStored(Exception):
    """The request id exists: an earlier attempt of this very request got through."""


class DuplicateRace(Exception):
    """An identical submission claimed the duplicate marker meanwhile, or wrote it at once."""


def to_item(document: dict[str, Any]) -> dict[str, Any]:
    return {key: attribute_value(value) for key, value in document.items() if value is not None}


@dataclass(frozen=True)
class RateSlot:
    """One counted submission: the guard item of its client's window."""

    key: str


@dataclass(frozen=True)
class DuplicateMarker:
    fingerprint: str
    first_id: str
    expires: int


class IntakeStore:
    def __init__(self, client: DynamoDBClient, requests_table: str, guard_table: str) -> None:
        self._client = client
        self._requests = requests_table
        self._guard = guard_table

    def take_rate_slot(self, client_hash: str, now: int, limit: int, window: int) -> RateSlot:
        """Count one submission for this client in the current window; RateLimited past `limit`."""
        slot = RateSlot(f"rate#{client_hash}#{now - now % window}")
        window_end = now - now % window + window
        try:
            self._add_hits(
                slot,
                1,
                "attribute_not_exists(#hits) OR #hits < :limit",
                {":limit": {"N": str(limit)}},
                expires=window_end,
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise RateLimited(max(1, window_end - now)) from None
            raise DependencyUnavailable("dynamodb") from error
        except BotoCoreError as error:
            raise DependencyUnavailable("dynamodb") from error
        return slot

    def give_back_rate_slot(self, slot: RateSlot) -> bool:
        """Uncount a submission that was not stored (storage failed); False if that failed too.

        Never below zero, and never raising: the sender is told 503 either way, and a
        slot that could not be given back only expires with its window.
        """
        try:
            self._add_hits(slot, -1, "#hits > :zero", {":zero": {"N": "0"}})
        except (ClientError, BotoCoreError):
            return False
        return True

    def _add_hits(
        self,
        slot: RateSlot,
        hits: int,
        condition: str,
        values: dict[str, AttributeValueTypeDef],
        expires: int | None = None,
    ) -> None:
        """Add to a window's count (under `condition`), and set when it expires if given."""
        names = {"#hits": "hits"}
        update = "ADD #hits :hits"
        if expires is not None:
            names["#expiry"] = EXPIRY_ATTRIBUTE
            values = {**values, ":expiry": {"N": str(expires)}}
            update += " SET #expiry = :expiry"
        self._client.update_item(
            TableName=self._guard,
            Key={"id": {"S": slot.key}},
            UpdateExpression=update,
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={":hits": {"N": str(hits)}, **values},
        )

    def duplicate_of(self, fingerprint: str, now: int) -> str | None:
        """The id of an identical request stored within the window, if any."""
        try:
            found = self._client.get_item(
                TableName=self._guard, Key={"id": {"S": f"dup#{fingerprint}"}}, ConsistentRead=True
            ).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise DependencyUnavailable("dynamodb") from error
        if not found or int(found[EXPIRY_ATTRIBUTE].get("N", 0)) <= now:
            return None  # TTL deletes lazily: an expired marker may still be there
        return found["firstId"].get("S")

    def save(self, item: dict[str, Any], marker: DuplicateMarker | None, now: int) -> None:
        """Put the request (never over an existing one) and, if given, claim the marker."""
        actions: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._requests,
                    "Item": to_item(item),
                    # No ReturnValuesOnConditionCheckFailure: this function reads no request.
                    "ConditionExpression": "attribute_not_exists(id)",
                }
            }
        ]
        if marker is not None:
            actions.append({"Put": _marker_put(self._guard, marker, now)})
        try:
            self._client.transact_write_items(TransactItems=actions)
        except ClientError as error:
            _raise_cancelled(error)
        except BotoCoreError as error:
            raise DependencyUnavailable("dynamodb") from error


def _marker_put(table: str, marker: DuplicateMarker, now: int) -> PutTypeDef:
    return {
        "TableName": table,
        "Item": {
            "id": {"S": f"dup#{marker.fingerprint}"},
            "firstId": {"S": marker.first_id},
            EXPIRY_ATTRIBUTE: {"N": str(marker.expires)},
        },
        "ConditionExpression": "attribute_not_exists(id) OR #expiry <= :now",
        "ExpressionAttributeNames": {"#expiry": EXPIRY_ATTRIBUTE},
        "ExpressionAttributeValues": {":now": {"N": str(now)}},
    }


def _raise_cancelled(error: ClientError) -> None:
    if error_code(error) != "TransactionCanceledException":
        raise DependencyUnavailable("dynamodb") from error
    codes = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
    if codes[:1] == ["ConditionalCheckFailed"]:
        raise AlreadyStored from None
    # Two identical submissions at once: one claimed the marker, or both wrote it together.
    if "ConditionalCheckFailed" in codes[1:] or "TransactionConflict" in codes:
        raise DuplicateRace from None
    raise DependencyUnavailable("dynamodb") from error
