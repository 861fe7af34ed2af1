"""The requests table as staff use it: newest first by status, find, change, forget.

Everything goes through the byStatus index or the key (Query on the index,
GetItem, UpdateItem; DeleteItem for the CLI's admins only). Every change bumps
`version`, and is conditional on the version read: two people changing one
request cannot overwrite each other (the second gets StaleRequest). The ETag
of a request is derived from its id and version, so it changes with every change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from clinic_api.core.attributes import attribute_value, plain_value
from clinic_api.core.aws_errors import error_code
from clinic_api.core.reference import id_prefix, is_reference
from clinic_api.core.timestamps import now_iso
from clinic_api.staff import STATUSES

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

STATUS_INDEX = "byStatus"
_UNSET = object()


class RequestNotFound(Exception):
    pass


class StaleRequest(Exception):
    """Someone changed the request between our read and our write; `current` is it now."""

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__(current.get("reference"))
        self.current = current


@dataclass(frozen=True)
class Change:
    """What a person changes: any of status, a note, the assignee (None unassigns)."""

    status: str | None = None
    note: str | None = None
    assignee: Any = _UNSET  # str, None to unassign, or _UNSET: leave as it is

    @property
    def assigns(self) -> bool:
        return self.assignee is not _UNSET

    def fields(self, request: dict[str, Any]) -> list[str]:
        """The names of the fields this change alters in `request` (a note is a field too)."""
        changed = []
        if self.status is not None and self.status != request.get("status"):
            changed.append("status")
        if self.note is not None:
            changed.append("note")
        if self.assigns and self.assignee != request.get("assignee"):
            changed.append("assignee")
        return changed


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {key: plain_value(value) for key, value in item.items()}


def version_of(request: dict[str, Any]) -> int:
    """How many times staff changed it (a request as the form stored it has no version: 0)."""
    return int(request.get("version", 0))


def etag(request: dict[str, Any]) -> str:
    """A strong, opaque ETag: changes with every change of the request."""
    digest = hashlib.blake2b(f"{request['id']}#{version_of(request)}".encode(), digest_size=16)
    return f'"{digest.hexdigest()}"'


@dataclass
class RequestStore:
    client: DynamoDBClient
    name: str

    def newest(
        self,
        status: str,
        since: str | None = None,
        id_prefix: str | None = None,
        before: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Requests with `status`, newest first, created from `since` up to `before`
        (inclusive); expired ones left out. `page_size`: items read per Query, for a reader
        that wants only the first few (else DynamoDB's 1 MB pages)."""
        condition = "#status = :status" + _created_between(since, before)
        values = {":status": {"S": status}, ":now": {"N": str(int(datetime.now(UTC).timestamp()))}}
        # TTL deletes within days, not at once: an expired request is gone to staff.
        wanted = "(attribute_not_exists(expiresAt) OR expiresAt > :now)"
        for name, value in (("since", since), ("before", before), ("prefix", id_prefix)):
            if value:
                values[f":{name}"] = {"S": value}
        if id_prefix:
            wanted += " AND begins_with(id, :prefix)"
        pages = self.client.get_paginator("query").paginate(
            TableName=self.name,
            IndexName=STATUS_INDEX,
            KeyConditionExpression=condition,
            FilterExpression=wanted,
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
            ScanIndexForward=False,
            PaginationConfig={"PageSize": page_size} if page_size else {},
        )
        for page in pages:
            yield from (from_item(item) for item in page["Items"])

    def find(self, id_or_reference: str) -> dict[str, Any]:
        """A request by its reference, or (for `clinic requests`, whose export lists them) by
        its id; an expired one is gone, as in every list (TTL deletes within days)."""
        if is_reference(id_or_reference):
            return self._by_reference(id_or_reference)
        found = self.client.get_item(
            TableName=self.name, Key={"id": {"S": id_or_reference}}, ConsistentRead=True
        ).get("Item")
        if found is None or _expired(found):
            raise RequestNotFound(id_or_reference)
        return from_item(found)

    def _by_reference(self, reference: str) -> dict[str, Any]:
        prefix = id_prefix(reference)
        for status in STATUSES:
            for request in self.newest(status, id_prefix=prefix):
                return self.find(request["id"])
        raise RequestNotFound(reference)

    def update(
        self, request: dict[str, Any], change: Change, by: str, at: str | None = None
    ) -> dict[str, Any]:
        """Apply `change` with one history entry, conditional on the version read."""
        entry = _history_entry(request, change, by, at or now_iso())
        names = {"#status": "status", "#version": "version"}
        values: dict[str, Any] = {
            ":entry": attribute_value([entry]),
            ":next": {"N": str(version_of(request) + 1)},
        }
        sets = ["history = list_append(history, :entry)", "#version = :next"]
        removes = []
        if "to" in entry:
            sets.append("#status = :to")
            values[":to"] = {"S": entry["to"]}
        if change.assigns and change.assignee is None:
            removes.append("assignee")
        elif change.assigns:
            sets.append("assignee = :assignee")
            values[":assignee"] = {"S": change.assignee}
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        # The status too: a change made around the store (the console) is refused as well.
        condition = "#status = :read_status AND "
        values[":read_status"] = {"S": request["status"]}
        if version_of(request):
            condition += "#version = :read"
            values[":read"] = {"N": str(version_of(request))}
        else:
            condition += "attribute_not_exists(#version)"
        return self._conditional_update(request["id"], expression, condition, names, values)

    def _conditional_update(
        self, request_id: str, expression: str, condition: str, names: dict, values: dict
    ) -> dict[str, Any]:
        try:
            updated = self.client.update_item(
                TableName=self.name,
                Key={"id": {"S": request_id}},
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise
            old = error.response.get("Item")
            if old is None:
                raise RequestNotFound(request_id) from None
            raise StaleRequest(from_item(old)) from None
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


def _created_between(since: str | None, before: str | None) -> str:
    if since and before:
        return " AND createdAt BETWEEN :since AND :before"
    if since:
        return " AND createdAt >= :since"
    return " AND createdAt <= :before" if before else ""


def _history_entry(request: dict[str, Any], change: Change, by: str, at: str) -> dict[str, Any]:
    """`{at, by, from?, to?, note?, assignee?}`: only what this change says."""
    entry: dict[str, Any] = {"at": at, "by": by}
    if change.status is not None and change.status != request.get("status"):
        entry |= {"from": request.get("status"), "to": change.status}
    if change.note is not None:
        entry["note"] = change.note
    if change.assigns and change.assignee != request.get("assignee"):
        entry["assignee"] = change.assignee
    return entry


def _expired(item: dict[str, Any]) -> bool:
    expires = item.get("expiresAt", {}).get("N")
    return expires is not None and int(expires) <= int(datetime.now(UTC).timestamp())
