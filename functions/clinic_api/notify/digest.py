"""DigestFunction: once a day, how many requests are new and how old the oldest is.

The safety net for a missed e-mail. It can only count and read `status` and
`createdAt` through the byStatus index (IAM conditions on dynamodb:Select and
dynamodb:Attributes): never a patient field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from clinic_api.core.clients import dynamodb_client, sns_client
from clinic_api.core.collector import settles_after
from clinic_api.notify.messages import digest
from clinic_api.notify.settings import notify_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import QueryOutputTypeDef

logger = Logger()
STATUS_INDEX = "byStatus"
_NEW = {":status": {"S": "new"}}


def _query(**request: Any) -> QueryOutputTypeDef:
    return dynamodb_client().query(
        TableName=notify_settings().requests_table,
        IndexName=STATUS_INDEX,
        KeyConditionExpression="#status = :status",
        ExpressionAttributeNames={"#status": "status", **request.pop("names", {})},
        ExpressionAttributeValues=_NEW,
        **request,
    )


def count_new() -> int:
    total, start = 0, None
    while True:
        page = _query(Select="COUNT", **({"ExclusiveStartKey": start} if start else {}))
        total += page["Count"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return total


def oldest_new() -> datetime | None:
    page = _query(
        Select="SPECIFIC_ATTRIBUTES",
        ProjectionExpression="#created",
        names={"#created": "createdAt"},
        ScanIndexForward=True,
        Limit=1,
    )
    items = page.get("Items", [])
    created = items[0]["createdAt"].get("S") if items else None
    return datetime.fromisoformat(created) if created else None


@logger.inject_lambda_context
@settles_after
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    waiting, oldest = count_new(), oldest_new()
    settings = notify_settings()
    notice = digest(waiting, oldest, datetime.now(UTC), settings.where_to_look())
    sns_client().publish(TopicArn=settings.topic_arn, Subject=notice.subject, Message=notice.body)
    logger.info("Digest sent", extra={"waiting": waiting})
    return {"waiting": waiting}
