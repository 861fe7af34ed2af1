"""stack.py: moto on loopback, and the template's resources created in it, seen over HTTP.

The moto server runs in this process and is only ever talked to over HTTP; its store
is the one the other tests' moto world lives in, so that world is emptied first and
after (the next test that needs it rebuilds it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from clinic_tools.local.stack import (
    DEV_SECRET,
    MOTO_HOST,
    PortTaken,
    check_port_free,
    create_resources,
    fake_aws_environment,
    free_port,
    isolate_from_real_aws,
    start_moto,
)
from tests.aws_world import AwsWorld
from tests.unit.sample_template import load_sample


@pytest.fixture(scope="module")
def moto_port(tmp_path_factory: pytest.TempPathFactory, aws_world: AwsWorld) -> Iterator[int]:
    """A moto server holding the sample template's resources, for this module's tests."""
    aws_world.wipe()
    port = free_port(MOTO_HOST)
    server = start_moto(port)
    try:
        assert server.get_host_and_port() == (MOTO_HOST, port)
        create_resources(
            load_sample(tmp_path_factory.mktemp("template")), f"http://{MOTO_HOST}:{port}"
        )
        yield port
    finally:
        server.stop()
        aws_world.wipe()


def client(service: Literal["s3", "dynamodb", "sns", "secretsmanager"], port: int) -> Any:
    return boto3.client(
        service,
        endpoint_url=f"http://{MOTO_HOST}:{port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_the_table_has_its_keys_index_stream_and_ttl(moto_port: int) -> None:
    dynamodb = client("dynamodb", moto_port)
    table = dynamodb.describe_table(TableName="clinic-requests-local")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "byStatus"
    assert index["KeySchema"] == [
        {"AttributeName": "status", "KeyType": "HASH"},
        {"AttributeName": "createdAt", "KeyType": "RANGE"},
    ]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    ttl = dynamodb.describe_time_to_live(TableName="clinic-requests-local")
    assert ttl["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expiresAt",
    }


def test_a_simple_table_gets_its_primary_key(moto_port: int) -> None:
    table = client("dynamodb", moto_port).describe_table(TableName="clinic-sessions-local")
    assert table["Table"]["KeySchema"] == [{"AttributeName": "token", "KeyType": "HASH"}]
    assert table["Table"]["AttributeDefinitions"] == [
        {"AttributeName": "token", "AttributeType": "S"}
    ]


def test_buckets_exist_and_versioning_follows_the_template(moto_port: int) -> None:
    s3 = client("s3", moto_port)
    names = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    assert {"clinic-site-local", "clinic-local-uploads"} <= names
    assert s3.get_bucket_versioning(Bucket="clinic-site-local")["Status"] == "Enabled"
    assert "Status" not in s3.get_bucket_versioning(Bucket="clinic-local-uploads")


def test_the_topic_and_the_secret_exist(moto_port: int) -> None:
    topics = client("sns", moto_port).list_topics()["Topics"]
    assert {"TopicArn": "arn:aws:sns:us-east-1:123456789012:clinic-alerts-local"} in topics
    secret = client("secretsmanager", moto_port).get_secret_value(SecretId="clinic-hash-local")
    assert secret["SecretString"] == DEV_SECRET  # the template generates one; locally it is fixed


def test_a_port_in_use_is_refused_with_the_option_to_change(moto_port: int) -> None:
    with pytest.raises(PortTaken, match="--aws-port"):
        check_port_free(MOTO_HOST, moto_port, "--aws-port")
    check_port_free(MOTO_HOST, free_port(MOTO_HOST), "--aws-port")  # a free one passes


def test_isolation_removes_profiles_and_forces_moto_and_fake_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        os, "environ", {**os.environ, "AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "t"}
    )
    isolate_from_real_aws("http://127.0.0.1:5999")
    assert "AWS_PROFILE" not in os.environ
    assert "AWS_SESSION_TOKEN" not in os.environ
    assert os.environ["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5999"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    # No shared config or credentials file can bring a profile or a role back.
    assert os.environ["AWS_CONFIG_FILE"] == os.environ["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull
    assert fake_aws_environment("http://x")["AWS_EC2_METADATA_DISABLED"] == "true"


def test_transactions_from_eight_clients_at_once_are_all_stored(moto_port: int) -> None:
    """A page firing the form eight times at once: moto's DynamoDB deep-copied each table a
    transaction touched while other threads wrote to it, and answered some with HTTP 500
    (11 of 480 here); `clinic dev` answers its DynamoDB requests one at a time."""
    once = Config(retries={"max_attempts": 1})  # a 500 is a failure here, not retried away

    def write(number: int) -> list[str]:
        dynamodb = boto3.client(
            "dynamodb",
            endpoint_url=f"http://{MOTO_HOST}:{moto_port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=once,
        )
        failed = []
        for count in range(10):
            item = {"id": {"S": f"load-{number}-{count}"}, "padding": {"S": "x" * 200}}
            try:
                dynamodb.transact_write_items(
                    TransactItems=[{"Put": {"TableName": "clinic-requests-local", "Item": item}}]
                )
            except ClientError as error:
                failed.append(str(error)[:80])
        return failed

    # A table that takes moto a while to copy, as a clinic's requests table soon does.
    dynamodb = client("dynamodb", moto_port)
    for start in range(0, 300, 25):
        puts = [
            {"PutRequest": {"Item": {"id": {"S": f"old-{n}"}, "padding": {"S": "x" * 1000}}}}
            for n in range(start, start + 25)
        ]
        dynamodb.batch_write_item(RequestItems={"clinic-requests-local": puts})
    with ThreadPoolExecutor(max_workers=8) as pool:
        failed = [error for errors in pool.map(write, range(8)) for error in errors]
    assert failed == []
    stored = client("dynamodb", moto_port).scan(
        TableName="clinic-requests-local",
        Select="COUNT",
        FilterExpression="begins_with(id, :p)",
        ExpressionAttributeValues={":p": {"S": "load-"}},
    )
    assert stored["Count"] == 80
