"""NotifyFunction: one SNS message per new request, from the table's KEYS_ONLY stream.

Each record is published on its own; a failure is reported as that record's
batch item failure, so Lambda retries from it (bounded by the event source
mapping) and then sends it to the dead-letter queue.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from clinic_api.core.clients import sns_client
from clinic_api.core.collector import settles_after
from clinic_api.core.metrics import Counts
from clinic_api.core.reference import reference_of
from clinic_api.notify.messages import new_request
from clinic_api.notify.settings import notify_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

logger = Logger()
counts = Counts()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def notify(record: DynamoDBRecord) -> None:
    if record.event_name != DynamoDBRecordEventName.INSERT:
        return  # the event source mapping filters these out; never announce an edit
    stream = record.dynamodb
    assert stream is not None
    request_id = str(stream.keys["id"])
    created = stream.approximate_creation_date_time
    received = datetime.fromtimestamp(created, UTC) if created else datetime.now(UTC)
    reference = reference_of(request_id)
    settings = notify_settings()
    notice = new_request(reference, received, settings.where_to_look())
    sns_client().publish(TopicArn=settings.topic_arn, Subject=notice.subject, Message=notice.body)
    logger.info("Staff notified", extra={"reference": reference})
    counts.add("StaffNotified")


@logger.inject_lambda_context
@counts.written_after
@settles_after
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=notify, processor=processor, context=context
    )
