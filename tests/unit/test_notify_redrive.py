"""`clinic notify redrive`: dead-lettered notices go out again, each exactly once."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from clinic_tools.cli import main
from clinic_tools.exit_codes import ExitCode
from clinic_tools.notify.redrive import Redrive
from tests.conftest import CONTENT, TEMPLATE
from tests.unit.stack import VALID, Stack, post_json
from tests.worker_plugin import shared_client

QUEUE_NAME = next(r.name for r in TEMPLATE.resources if r.logical_id == "NotifyDeadLetterQueue")


class World:
    """The stack's dead-letter queue and topic, and a queue reading what staff receive."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.sqs, self.sns = shared_client("sqs"), shared_client("sns")
        self.queue = self.sqs.get_queue_url(QueueName=QUEUE_NAME)["QueueUrl"]
        self.topic = stack.environment["TOPIC_ARN"]
        self.inbox = self.sqs.create_queue(QueueName="redrive-inbox")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.inbox, AttributeNames=["QueueArn"])
        self.sns.subscribe(
            TopicArn=self.topic, Protocol="sqs", Endpoint=arn["Attributes"]["QueueArn"]
        )

    def dead_letter(self, start: str, end: str, shard: str | None = None) -> None:
        streams = shared_client("dynamodbstreams")
        arn = streams.list_streams(TableName=self.stack.requests_table)["Streams"][0]["StreamArn"]
        shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        info = {"streamArn": arn, "shardId": shard or shards[0]["ShardId"]}
        info |= {"startSequenceNumber": start, "endSequenceNumber": end, "batchSize": 1}
        body = {"requestContext": {"condition": "RetryAttemptsExhausted"}}
        self.sqs.send_message(
            QueueUrl=self.queue, MessageBody=json.dumps(body | {"DDBStreamBatchInfo": info})
        )

    def sequence_numbers(self) -> list[str]:
        streams = shared_client("dynamodbstreams")
        arn = streams.list_streams(TableName=self.stack.requests_table)["Streams"][0]["StreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = streams.get_records(ShardIterator=iterator)["Records"]
        return [record["dynamodb"]["SequenceNumber"] for record in records]

    def received(self, part: str = "Subject") -> list[str]:
        messages = self.sqs.receive_message(QueueUrl=self.inbox, MaxNumberOfMessages=10)
        return [json.loads(m.get("Body", ""))[part] for m in messages.get("Messages", [])]

    def waiting(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue, AttributeNames=["ApproximateNumberOfMessages"]
        )
        return int(attributes["Attributes"]["ApproximateNumberOfMessages"])

    def redrive(self, *options: str) -> int:
        return main([
            "notify", "redrive", "--queue-url", self.queue, "--topic-arn", self.topic,
            "--table", self.stack.requests_table, "--content", str(CONTENT), *options,
        ])  # fmt: skip


@pytest.fixture
def world(stack: Stack) -> World:
    return World(stack)


def _store_two() -> list[str]:
    first = post_json(VALID).json()["reference"]
    second = post_json({**VALID, "firstName": "Ines"}).json()["reference"]
    return [first, second]


def test_a_dead_lettered_batch_is_announced_once_and_leaves_the_queue(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    references = _store_two()
    numbers = world.sequence_numbers()
    world.dead_letter(numbers[0], numbers[-1])
    capsys.readouterr()
    assert world.redrive() == ExitCode.OK
    assert sorted(world.received()) == sorted(f"New appointment request {r}" for r in references)
    assert world.waiting() == 0
    assert capsys.readouterr().out.split() == [w for r in references for w in ("notified", r)]


def test_a_resent_notice_reads_like_the_first_in_the_clinics_time_with_its_inbox(
    world: World,
) -> None:
    """Times and the inbox's address from the tests' site.yaml, as the function has them."""
    post_json(VALID)
    (number,) = world.sequence_numbers()
    world.dead_letter(number, number)
    assert world.redrive() == ExitCode.OK
    (body,) = world.received("Message")
    assert re.search(r"Received: +\w{3} \d\d \w{3} 2026 \d\d:\d\d P[SD]T\n", body)
    assert "https://www.fernhill-mood.example/staff/\n" in body


def test_the_inbox_link_is_the_stacks_as_its_notices_have_it(world: World) -> None:
    """The stack's InboxUrl output (the template's parameter), as NotifyFunction's INBOX_URL."""
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {
            "NotifyDeadLetterQueueUrl": {"Value": world.queue},
            "StaffTopicArn": {"Value": world.topic},
            "RequestsTableName": {"Value": world.stack.requests_table},
            "InboxUrl": {"Value": "https://inbox.fernhill-mood.example/"},
        },
    }
    shared_client("cloudformation").create_stack(
        StackName="clinic-prod", TemplateBody=json.dumps(template)
    )
    for options, link in [
        (["--stack", "clinic-prod"], "https://inbox.fernhill-mood.example/"),
        (["--stack", "clinic-prod", "--inbox-url", "/desk/"], "https://www.fernhill-mood.example/desk/"),
        (["--inbox-url", "http://127.0.0.1:8080/staff/"], "http://127.0.0.1:8080/staff/"),
    ]:  # fmt: skip
        post_json(VALID)
        number = world.sequence_numbers()[-1]
        world.dead_letter(number, number)
        assert world.redrive(*options) == ExitCode.OK
        (body,) = world.received("Message")
        assert f"{link}\n" in body, options
        assert "/staff/" not in body.replace(link, ""), options


def test_an_inbox_url_that_is_neither_a_url_nor_a_path_is_a_usage_error(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        world.redrive("--inbox-url", "staff")
    assert exited.value.code == ExitCode.USAGE
    assert (
        "--inbox-url: a URL (https://...) or a path on baseUrl (/staff/)" in capsys.readouterr().err
    )


def test_running_it_again_publishes_nothing_twice(world: World) -> None:
    _store_two()
    numbers = world.sequence_numbers()
    world.dead_letter(numbers[0], numbers[-1])
    assert world.redrive() == ExitCode.OK
    assert len(world.received()) == 2
    assert world.redrive() == ExitCode.OK
    assert world.received() == []


def test_a_failed_publish_keeps_only_the_rest_for_the_next_run(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    references = _store_two()
    numbers = world.sequence_numbers()
    world.dead_letter(numbers[0], numbers[-1])
    publish = Redrive._publish
    calls: list[int] = []

    def refuse_the_second(self: Redrive, record: dict[str, Any]) -> str:
        calls.append(1)
        if len(calls) == 2:
            raise EndpointConnectionError(endpoint_url="https://sns.us-east-1.amazonaws.com")
        return publish(self, record)

    with monkeypatch.context() as patched:
        patched.setattr(Redrive, "_publish", refuse_the_second)
        assert world.redrive() == ExitCode.AWS
    assert world.received() == [f"New appointment request {references[0]}"]
    assert world.waiting() == 1
    assert world.redrive() == ExitCode.OK
    assert world.received() == [f"New appointment request {references[1]}"]
    assert world.waiting() == 0


def test_records_gone_from_the_stream_stay_in_the_queue_and_say_so(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_two()
    numbers = world.sequence_numbers()
    world.dead_letter(numbers[0], numbers[-1])
    world.sqs.send_message(QueueUrl=world.queue, MessageBody="not a stream batch")

    def trimmed(*_: Any) -> None:  # what DynamoDB Streams says of records over 24 h old
        gone = "TrimmedDataAccessException"
        raise ClientError({"Error": {"Code": gone, "Message": "trimmed"}}, "GetShardIterator")

    monkeypatch.setattr(Redrive, "_inserts", trimmed)
    assert world.redrive() == ExitCode.NOT_FOUND
    assert world.received() == []
