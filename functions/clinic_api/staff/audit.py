"""Who read or changed which request, when, from where: the audit table.

A record names the request's reference, the action, the actor (id and e-mail),
the names of the changed fields and a keyed hash of the caller's address; never
a value a patient wrote. Records are only ever added (PutItem, conditional on a
new key) and read by reference, oldest first; the table's key holds the time
and a random id, so an overwrite would need the exact key of an existing record.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from clinic_api.core.attributes import attribute_value
from clinic_api.core.timestamps import iso
from clinic_api.staff.requests import from_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Action = Literal["read", "update", "export", "delete"]
# Six years (with their leap days): how long a clinic keeps such records.
RETENTION_DAYS = 6 * 365 + 2
ENTRY_KEY = "entry"  # the sort key: "{at}#{id}", oldest first


@dataclass(frozen=True)
class Actor:
    """Who acts: a Cognito user (sub, e-mail) or an IAM identity (ARN, e-mail or name)."""

    id: str
    email: str
    address_hash: str | None = None


@dataclass
class AuditLog:
    client: DynamoDBClient
    name: str

    def record(
        self,
        reference: str,
        action: Action,
        actor: Actor,
        fields: Sequence[str] = (),
        now: datetime | None = None,
    ) -> dict[str, Any]:
        moment = now or datetime.now(UTC)
        record: dict[str, Any] = {
            "reference": reference,
            "at": iso(moment),
            "id": str(uuid.uuid4()),
            "action": action,
            "actorId": actor.id,
            "actorEmail": actor.email,
            "fields": list(fields),
            "addressHash": actor.address_hash,
            "expiresAt": int(moment.timestamp()) + RETENTION_DAYS * 86_400,
        }
        item = {key: attribute_value(value) for key, value in record.items() if value is not None}
        item[ENTRY_KEY] = {"S": f"{record['at']}#{record['id']}"}
        self.client.put_item(
            TableName=self.name, Item=item, ConditionExpression="attribute_not_exists(#entry)",
            ExpressionAttributeNames={"#entry": ENTRY_KEY},
        )  # fmt: skip
        return record

    def trail(self, reference: str) -> list[dict[str, Any]]:
        """Every record of one request, oldest first."""
        pages = self.client.get_paginator("query").paginate(
            TableName=self.name,
            KeyConditionExpression="reference = :reference",
            ExpressionAttributeValues={":reference": {"S": reference}},
        )
        records = []
        for page in pages:
            for item in page["Items"]:
                record = from_item(item)
                record.pop(ENTRY_KEY, None)
                records.append(record)
        return records
