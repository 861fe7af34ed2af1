"""Resend the notifications that NotifyFunction gave up on, each once.

A dead-lettered message names a range of the requests table's stream (Lambda's
on-failure record for a stream: `DDBStreamBatchInfo`), not the requests: the
range is read back from the stream (records live 24 hours) and every INSERT in
it is announced as NotifyFunction would. A message is deleted only after all its
notices went out; if one fails, the rest of the range is queued again as a new
message and the old one deleted, so no notice is ever published twice, whether
the command is run again or twice at once (a received message stays invisible
to the other run for VISIBILITY_SECONDS).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from clinic_api.core.aws_errors import error_code
from clinic_api.core.reference import reference_of
from clinic_api.notify.messages import WhereToLook, new_request

VISIBILITY_SECONDS = 300
# The stream no longer holds the range (older than 24 hours, or the table was replaced).
GONE = {"TrimmedDataAccessException", "ExpiredIteratorException", "ResourceNotFoundException"}


@dataclass
class Outcome:
    notified: list[str] = field(default_factory=list)  # references, in order
    expired: int = 0  # messages whose stream records are gone (left in the queue)
    unreadable: int = 0  # messages that are no stream batch (left in the queue)


@dataclass(frozen=True)
class BatchInfo:
    stream_arn: str
    shard_id: str
    start: str
    end: str

    @classmethod
    def read(cls, body: str) -> BatchInfo | None:
        try:
            info = json.loads(body)["DDBStreamBatchInfo"]
            return cls(
                info["streamArn"], info["shardId"],
                info["startSequenceNumber"], info["endSequenceNumber"],
            )  # fmt: skip
        except (ValueError, KeyError, TypeError):
            return None

    def body(self, start: str) -> str:
        """The on-failure record for the rest of the range, from `start`."""
        info = {"streamArn": self.stream_arn, "shardId": self.shard_id}
        info |= {"startSequenceNumber": start, "endSequenceNumber": self.end}
        return json.dumps({"requestContext": {"condition": "Redrive"}, "DDBStreamBatchInfo": info})


@dataclass
class Redrive:
    sqs: Any
    streams: Any
    sns: Any
    queue_url: str
    topic_arn: str
    where: WhereToLook

    def run(self) -> Outcome:
        """Raises ClientError or BotoCoreError when AWS refuses or cannot be reached."""
        outcome = Outcome()
        for message in self._messages():
            info = BatchInfo.read(message.get("Body", ""))
            if info is None:
                outcome.unreadable += 1
                continue
            try:
                inserts = list(self._inserts(info))
            except ClientError as error:
                if error_code(error) not in GONE:
                    raise
                outcome.expired += 1
                continue
            self._announce(info, inserts, message["ReceiptHandle"], outcome)
        return outcome

    def _messages(self) -> Iterator[dict[str, Any]]:
        while True:
            received = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=VISIBILITY_SECONDS,
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not received:
                return
            yield from received

    def _inserts(self, info: BatchInfo) -> Iterator[tuple[str, dict[str, Any]]]:
        """(sequence number, stream record) of each INSERT in the range, in order."""
        iterator = self.streams.get_shard_iterator(
            StreamArn=info.stream_arn,
            ShardId=info.shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=info.start,
        ).get("ShardIterator")
        while iterator:
            answer = self.streams.get_records(ShardIterator=iterator, Limit=100)
            records = answer.get("Records", [])
            for record in records:
                number = record["dynamodb"]["SequenceNumber"]
                if int(number) > int(info.end):
                    return
                if record.get("eventName") == "INSERT":
                    yield number, record
            if not records:
                return  # the range's end is not on the stream yet (or ever): stop here
            iterator = answer.get("NextShardIterator")

    def _announce(
        self,
        info: BatchInfo,
        inserts: list[tuple[str, dict[str, Any]]],
        receipt: str,
        outcome: Outcome,
    ) -> None:
        for number, record in inserts:
            try:
                outcome.notified.append(self._publish(record))
            except Exception:
                # Keep what is left as a new message, drop the old: nothing goes out twice.
                self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=info.body(number))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=receipt)
                raise
        self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=receipt)

    def _publish(self, record: dict[str, Any]) -> str:
        stream = record["dynamodb"]
        created = stream.get("ApproximateCreationDateTime")
        received = created.astimezone(UTC) if isinstance(created, datetime) else datetime.now(UTC)
        reference = reference_of(stream["Keys"]["id"]["S"])
        notice = new_request(reference, received, self.where)
        self.sns.publish(TopicArn=self.topic_arn, Subject=notice.subject, Message=notice.body)
        return reference
