"""The tests' moto world: what `clinic dev` creates, and nothing a test wrote outlives it."""

from __future__ import annotations

import functools
import json
from typing import Any

import boto3
import pytest
from moto.core.base_backend import BackendDict

from clinic_tools.local.stack import create_resources
from tests.aws_world import AwsWorld
from tests.conftest import BUCKET, TEMPLATE
from tests.fixture_content import fixture_objects
from tests.kept_clients import KeptClients
from tests.worker_plugin import shared_client


def objects(bucket: str) -> dict[str, tuple[Any, ...]]:
    """Each object's key with what a reader of it sees besides its bytes."""
    s3 = shared_client("s3")
    keys = [item.get("Key", "") for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    heads = {key: s3.head_object(Bucket=bucket, Key=key) for key in keys}
    return {
        key: (head.get("ETag"), head.get("ContentType"), head.get("Metadata"))
        for key, head in heads.items()
    }


def inventory() -> dict[str, Any]:
    """Every resource in moto, as the tests and the functions can see it."""
    s3, dynamodb = shared_client("s3"), shared_client("dynamodb")
    sns, secrets = shared_client("sns"), shared_client("secretsmanager")
    buckets = [bucket.get("Name", "") for bucket in s3.list_buckets()["Buckets"]]
    tables = {}
    for name in dynamodb.list_tables()["TableNames"]:
        table = dynamodb.describe_table(TableName=name)["Table"]
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        tables[name] = (
            table.get("KeySchema"),
            [index.get("IndexName") for index in table.get("GlobalSecondaryIndexes", [])],
            table.get("StreamSpecification"),
            ttl.get("AttributeName"),
            dynamodb.scan(TableName=name)["Count"],
        )
    secret_names = [secret.get("Name", "") for secret in secrets.list_secrets()["SecretList"]]
    return {
        "buckets": {name: s3.get_bucket_versioning(Bucket=name).get("Status") for name in buckets},
        "objects": {name: objects(name) for name in buckets},
        "tables": tables,
        "queues": sorted(shared_client("sqs").list_queues().get("QueueUrls", [])),
        "topics": sorted(topic.get("TopicArn", "") for topic in sns.list_topics()["Topics"]),
        "subscriptions": sns.list_subscriptions()["Subscriptions"],
        "secrets": {
            name: secrets.get_secret_value(SecretId=name).get("SecretString")
            for name in secret_names
        },
        "stacks": shared_client("cloudformation").describe_stacks()["Stacks"],
    }


def test_the_world_holds_what_clinic_dev_creates(aws_world: AwsWorld, fake_aws: None) -> None:
    aws_world.wipe()
    create_resources(TEMPLATE, None)
    created = inventory()
    assert created["tables"] and created["buckets"] and created["secrets"]

    aws_world.wipe()
    aws_world.ready(published=False)

    assert inventory() == created


def test_what_a_test_wrote_is_gone_before_the_next(aws_world: AwsWorld, fake_aws: None) -> None:
    aws_world.ready(published=True)
    baseline = inventory()
    assert set(baseline["objects"][BUCKET]) == set(fixture_objects())

    s3, dynamodb, sqs = shared_client("s3"), shared_client("dynamodb"), shared_client("sqs")
    s3.put_object(Bucket=BUCKET, Key="site.json", Body=b"{}")
    s3.create_bucket(Bucket="a-test-bucket")
    for table, (key_schema, *_) in baseline["tables"].items():
        item = {key["AttributeName"]: {"S": "written-by-a-test"} for key in key_schema}
        dynamodb.put_item(TableName=table, Item=item)
    queue = sqs.create_queue(QueueName="a-test-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    for topic in baseline["topics"]:
        shared_client("sns").subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"]
        )
    shared_client("cloudformation").create_stack(
        StackName="a-test-stack",
        TemplateBody=json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}),
    )
    assert inventory() != baseline

    aws_world.ready(published=True)

    assert inventory() == baseline


def test_the_content_bucket_is_empty_or_as_the_publisher_leaves_it(
    aws_world: AwsWorld, fake_aws: None
) -> None:
    from clinic_tools.publish.publisher import upload

    aws_world.ready(published=False)
    assert objects(BUCKET) == {}
    upload(fixture_objects(), BUCKET, shared_client("s3"), report=lambda _: None)
    uploaded = objects(BUCKET)
    assert set(uploaded) == set(fixture_objects())

    aws_world.ready(published=False)
    assert objects(BUCKET) == {}
    aws_world.ready(published=True)
    assert objects(BUCKET) == uploaded


def test_a_test_that_resets_moto_itself_costs_only_a_rebuild(
    aws_world: AwsWorld, fake_aws: None
) -> None:
    aws_world.ready(published=True)
    baseline = inventory()
    BackendDict.reset()  # what moto's reset API does, and an outermost mock_aws on entry

    aws_world.ready(published=True)

    assert inventory() == baseline


def test_a_client_is_kept_until_a_test_hooks_it_or_changes_aws_settings(
    fake_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    @functools.cache
    def make() -> Any:
        return boto3.client("s3")

    kept = KeptClients([make])
    kept.check()
    first = make()
    kept.check()
    assert make() is first

    first.meta.events.register("before-call.s3", lambda **_: None)
    kept.check()
    second = make()
    assert second is not first

    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    kept.check()
    assert make() is not second
