"""`clinic notify redrive` against `clinic dev`: it finds the local queue, topic and table."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT
from tests.integration.conftest import LocalStack, call, local_aws
from tests.integration.test_appointments_http import APPOINTMENTS, REQUEST, TEMPLATE

QUEUE_NAME = next(r.name for r in TEMPLATE.resources if r.logical_id == "NotifyDeadLetterQueue")


def test_redrive_finds_the_local_stack_and_resends_a_dead_letter(local_stack: LocalStack) -> None:
    aws = local_aws()
    created = call(
        f"{local_stack.api}/appointments",
        method="POST",
        headers={"Content-Type": "application/json"},
        data=json.dumps({**REQUEST, "firstName": "Redriven"}).encode(),
    ).json()
    streams = aws.client("dynamodbstreams", endpoint_url=local_stack.aws)
    (stream,) = streams.list_streams(TableName=APPOINTMENTS["REQUESTS_TABLE"])["Streams"]
    (shard,) = streams.describe_stream(StreamArn=stream["StreamArn"])["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream["StreamArn"], ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    (number,) = [
        r["dynamodb"]["SequenceNumber"] for r in records
        if r["dynamodb"]["Keys"]["id"]["S"] == created["id"]
    ]  # fmt: skip
    sqs = aws.client("sqs", endpoint_url=local_stack.aws)
    queue = sqs.get_queue_url(QueueName=QUEUE_NAME)["QueueUrl"]
    info = {"streamArn": stream["StreamArn"], "shardId": shard["ShardId"]}
    info |= {"startSequenceNumber": number, "endSequenceNumber": number, "batchSize": 1}
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"DDBStreamBatchInfo": info}))

    env = {**os.environ, "AWS_ENDPOINT_URL": local_stack.aws, "AWS_REGION": "us-east-1"}
    env |= {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    done = subprocess.run(
        [sys.executable, "-m", "clinic_tools.cli", "notify", "redrive"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["notified", created["reference"]]
    left = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
    assert left["Attributes"]["ApproximateNumberOfMessages"] == "0"
