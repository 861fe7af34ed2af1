"""Lambda's DynamoDB stream event source mapping, for the local stack: stream → function.

moto runs no Lambda triggers itself. As the real mapping does, this polls the
table's stream, keeps the records that match the FilterCriteria, invokes the
function with batches of up to BatchSize, retries from the first failed record
of a partial batch response up to MaximumRetryAttempts, then sends a
description of the batch (keys never included) to the on-failure queue.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3

from clinic_tools.local.template import REGION, StreamMapping

Invoke = Callable[[str, dict[str, Any]], Any]
POLL_SECONDS = 0.5  # while records arrive
# An idle stream is polled less and less often, up to this: each poll is three calls to
# moto (DescribeStream, GetShardIterator, GetRecords), and a test run keeps several stacks
# idle for minutes (25-30 s of CPU at 0.5 s). The first record after a quiet spell reaches
# its function within this, where Lambda's own mapping takes under a second.
IDLE_POLL_SECONDS = 2.0


def next_interval(interval: float, delivered: bool, busy: float = POLL_SECONDS) -> float:
    """The wait before the next poll: back to `busy` once records came, else doubled up to
    IDLE_POLL_SECONDS."""
    return busy if delivered else min(interval * 2, IDLE_POLL_SECONDS)


def matches(pattern: dict[str, Any], record: dict[str, Any]) -> bool:
    """An event filter pattern: each key's value is one of those listed (nested keys too)."""
    for key, wanted in pattern.items():
        value = record.get(key)
        if isinstance(wanted, dict):
            if not isinstance(value, dict) or not matches(wanted, value):
                return False
        elif value not in wanted:
            return False
    return True


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A stream record as Lambda hands it over: epoch seconds, the stream's ARN."""
    stream = dict(record["dynamodb"])
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        stream["ApproximateCreationDateTime"] = created.timestamp()
    return {**record, "dynamodb": stream, "eventSourceARN": stream_arn, "awsRegion": REGION}


class StreamPoller:
    def __init__(
        self,
        mapping: StreamMapping,
        invoke: Invoke,
        say: Callable[[str], None],
        interval: float = POLL_SECONDS,
    ) -> None:
        self.mapping = mapping
        self._invoke = invoke
        self._say = say
        self._interval = interval  # while records arrive
        self._stream_arn = ""  # known once started
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"stream-{mapping.function}")
        self._thread.daemon = True

    def start(self) -> None:
        dynamodb = boto3.client("dynamodb")
        table = dynamodb.describe_table(TableName=self.mapping.table)["Table"]
        if "LatestStreamArn" not in table:
            raise ValueError(f"{self.mapping.table} has no stream for {self.mapping.function}")
        self._stream_arn = table["LatestStreamArn"]
        self._streams = boto3.client("dynamodbstreams")
        # Per shard, the last sequence number read. Iterators are asked for afresh on
        # every poll (AFTER_SEQUENCE_NUMBER): moto's rollback of a cancelled
        # transaction replaces the shard an older iterator points at.
        self._after: dict[str, str | None] = {}
        if self.mapping.starting_position == "LATEST":
            for shard in self._shards():
                records = self._records(shard)
                self._after[shard] = records[-1]["dynamodb"]["SequenceNumber"] if records else None
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _shards(self) -> list[str]:
        described = self._streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]
        return [shard["ShardId"] for shard in described["Shards"]]

    def _records(self, shard: str) -> list[dict[str, Any]]:
        """The records after the last one read (from the shard's start if none was)."""
        after = self._after.get(shard)
        position: dict[str, str] = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
            if after
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        iterator = self._streams.get_shard_iterator(
            StreamArn=self._stream_arn, ShardId=shard, **position
        )["ShardIterator"]
        return self._streams.get_records(ShardIterator=iterator)["Records"]

    def _run(self) -> None:
        interval = self._interval
        while not self._stopped.wait(interval):
            try:
                read = self._poll()
            except Exception:  # keep polling, as the real mapping does
                traceback.print_exc()
                read = False
            interval = next_interval(interval, read, self._interval)

    def _poll(self) -> bool:
        """Deliver what the stream holds since the last poll; whether it held anything."""
        read = False
        for shard in self._shards():
            records = self._records(shard)
            if not records:
                continue
            read = True
            self._after[shard] = records[-1]["dynamodb"]["SequenceNumber"]
            wanted = [record for record in records if self._wanted(record)]
            for start in range(0, len(wanted), self.mapping.batch_size):
                self.deliver(wanted[start : start + self.mapping.batch_size], shard)
        return read

    def _wanted(self, record: dict[str, Any]) -> bool:
        return not self.mapping.filters or any(matches(f, record) for f in self.mapping.filters)

    def deliver(self, batch: list[dict[str, Any]], shard: str = "") -> None:
        """Invoke; retry from the first failed record; dead-letter when retries run out."""
        failures = 0
        while batch:
            event = {"Records": [lambda_record(record, self._stream_arn) for record in batch]}
            try:
                answer = self._invoke(self.mapping.function, event) or {}
                failed = {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
            except Exception:  # the function failed as a whole: the whole batch again
                failed = {batch[0]["dynamodb"]["SequenceNumber"]}
            if not failed:
                return
            numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
            batch = batch[min(numbers.index(number) for number in failed if number in numbers) :]
            failures += 1
            if 0 <= self.mapping.max_retries < failures:
                self._dead_letter(batch, shard)
                return

    def _dead_letter(self, batch: list[dict[str, Any]], shard: str) -> None:
        numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        gave_up = f"clinic dev: {self.mapping.function} gave up on {len(batch)} stream record(s)"
        if self.mapping.on_failure_queue is None:
            self._say(gave_up)
            return
        sqs = boto3.client("sqs")
        queue = sqs.get_queue_url(QueueName=self.mapping.on_failure_queue)["QueueUrl"]
        info = {
            "streamArn": self._stream_arn,
            "shardId": shard,  # as Lambda's record names it: `clinic notify redrive` reads it
            "startSequenceNumber": numbers[0],
            "endSequenceNumber": numbers[-1],
            "batchSize": len(batch),
        }
        body = {
            "requestContext": {"condition": "RetryAttemptsExhausted"},
            "DDBStreamBatchInfo": info,
        }
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(body))
        self._say(f"{gave_up}; see {self.mapping.on_failure_queue}")
