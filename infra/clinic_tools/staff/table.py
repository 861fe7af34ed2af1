"""The requests table as staff use it: newest first by status, find by reference, change status.

Everything goes through the byStatus index or the key: the staff policy in the
template allows exactly that (Query on the index, GetItem, UpdateItem, DeleteItem).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from clinic_api.core.aws_errors import error_code
from clinic_api.core.reference import id_prefix, is_reference
from clinic_tools.staff import STATUSES

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

STATUS_INDEX = "byStatus"
_READ = TypeDeserializer().deserialize
_WRITE = TypeSerializer().serialize


class RequestNotFound(Exception):
    pass


class StaleRequest(Exception):
    """Someone changed the request between our read and our write."""

    def __init__(self, current: str) -> None:
        super().__init__(current)
        self.current = current


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _READ(value) for key, value in item.items()}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class RequestTable:
    client: DynamoDBClient
    name: str

    def newest(
        self, status: str, since: str | None = None, id_prefix: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Requests with `status`, newest first, from `since` on; expired ones left out."""
        condition = "#status = :status" + (" AND createdAt >= :since" if since else "")
        now = str(int(datetime.now(UTC).timestamp()))
        values = {":status": {"S": status}, ":now": {"N": now}}
        # TTL deletes within days, not at once: an expired request is gone to staff.
        wanted = "(attribute_not_exists(expiresAt) OR expiresAt > :now)"
        if since:
            values[":since"] = {"S": since}
        if id_prefix:
            values[":prefix"] = {"S": id_prefix}
            wanted += " AND begins_with(id, :prefix)"
        pages = self.client.get_paginator("query").paginate(
            TableName=self.name,
            IndexName=STATUS_INDEX,
            KeyConditionExpression=condition,
            FilterExpression=wanted,
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
            ScanIndexForward=False,
        )
        for page in pages:
            yield from (from_item(item) for item in page["Items"])

    def find(self, id_or_reference: str) -> dict[str, Any]:
        if is_reference(id_or_reference):
            return self._by_reference(id_or_reference)
        found = self.client.get_item(
            TableName=self.name, Key={"id": {"S": id_or_reference}}, ConsistentRead=True
        ).get("Item")
        if found is None:
            raise RequestNotFound(id_or_reference)
        return from_item(found)

    def _by_reference(self, reference: str) -> dict[str, Any]:
        prefix = id_prefix(reference)
        for status in STATUSES:
            for request in self.newest(status, id_prefix=prefix):
                return self.find(request["id"])
        raise RequestNotFound(reference)

    def set_status(self, request: dict[str, Any], status: str, by: str, note: str | None) -> dict:
        """Conditional on the status we read: a change made meanwhile is refused."""
        entry = {"at": now_iso(), "by": by, "from": request["status"], "to": status, "note": note}
        try:
            updated = self.client.update_item(
                TableName=self.name,
                Key={"id": {"S": request["id"]}},
                UpdateExpression="SET #status = :to, history = list_append(history, :entry)",
                ConditionExpression="#status = :from",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":to": {"S": status},
                    ":from": {"S": request["status"]},
                    ":entry": _WRITE([entry]),
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise
            old = error.response.get("Item")
            if old is None:
                raise RequestNotFound(request["id"]) from None
            raise StaleRequest(_READ(old["status"])) from None
        return from_item(updated["Attributes"])

    def delete(self, request_id: str) -> None:
        try:
            self.client.delete_item(
                TableName=self.name,
                Key={"id": {"S": request_id}},
                ConditionExpression="attribute_exists(id)",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise RequestNotFound(request_id) from None
            raise
