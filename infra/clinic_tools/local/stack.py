"""moto in server mode, on loopback only, holding the template's buckets, tables, topics, secrets.

Everything the local stack runs (the publisher, the function workers) gets fake
credentials and moto's endpoint through the environment, so no call can reach a
real AWS account, whatever the developer's shell or ~/.aws holds.
"""

from __future__ import annotations

import errno
import os
import socket
from typing import TYPE_CHECKING, Any

import boto3

from clinic_tools.local.template import (
    BUCKET,
    QUEUE,
    REGION,
    SECRET,
    TABLES,
    TOPIC,
    LocalTemplate,
    Resource,
)

if TYPE_CHECKING:
    from moto.server import ThreadedMotoServer
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

# moto holds patient-like test data: never listen beyond this machine.
MOTO_HOST = "127.0.0.1"
# The fixed key the local stack uses where the template generates a secret.
DEV_SECRET = "local-dev-key-not-a-secret"  # noqa: S105 (fixed on purpose)
# Variables that could point boto3 at a real account or at other credentials.
_UNSAFE = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
)


class PortTaken(Exception):
    """Raised before anything starts, so a second `clinic dev` leaves the first alone."""


def check_port_free(host: str, port: int, option: str) -> None:
    """Bind and release at once; `option` names the flag that picks another port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortTaken(
                    f"port {port} on {host} is already in use (another `clinic dev`?); "
                    f"stop it or pick a free port with {option}"
                ) from None
            raise PortTaken(f"cannot listen on {host}:{port}: {error.strerror}") from None


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now, for a server started next (tests, benchmarks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def fake_aws_environment(endpoint: str) -> dict[str, str]:
    """The AWS settings every local process runs with: moto's endpoint, fake keys."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        # No shared config or credentials file can add a profile or a role.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        # Account-based endpoints are real AWS's; moto's streams need them off.
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }


def isolate_from_real_aws(endpoint: str) -> None:
    """Point this process (and the children it starts) at moto only."""
    for name in _UNSAFE:
        os.environ.pop(name, None)
    os.environ.update(fake_aws_environment(endpoint))


def start_moto(port: int) -> ThreadedMotoServer:
    # Imported here: the server brings Flask (a fifth of a second), which a process that only
    # creates resources (each test process, through the tests' in-process moto) never uses.
    from moto.server import ThreadedMotoServer

    from clinic_tools.local import moto_caches, moto_dynamodb

    moto_caches.install()
    moto_dynamodb.serialize()
    server = ThreadedMotoServer(ip_address=MOTO_HOST, port=port, verbose=False)
    server.start()
    return server


def moto_session() -> boto3.session.Session:
    """A session with moto's fake keys and region, whatever the shell holds."""
    return boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 (moto's fake key)
        region_name=REGION,
    )


def create_resources(template: LocalTemplate, endpoint: str | None) -> None:
    """Create in moto each bucket, table, queue, topic and secret the template declares."""
    session = moto_session()

    s3 = session.client("s3", endpoint_url=endpoint)
    dynamodb = session.client("dynamodb", endpoint_url=endpoint)
    sqs = session.client("sqs", endpoint_url=endpoint)
    sns = session.client("sns", endpoint_url=endpoint)
    secrets = session.client("secretsmanager", endpoint_url=endpoint)
    for resource in template.named(BUCKET):
        _create_bucket(s3, resource)
    for resource in template.named(*TABLES):
        _create_table(dynamodb, resource)
    for resource in template.named(QUEUE):
        sqs.create_queue(QueueName=resource.name)
    for resource in template.named(TOPIC):
        sns.create_topic(Name=resource.name)
    for resource in template.named(SECRET):
        value = resource.properties.get("SecretString", DEV_SECRET)
        secrets.create_secret(Name=resource.name, SecretString=str(value))


def _create_bucket(s3: S3Client, resource: Resource) -> None:
    s3.create_bucket(Bucket=resource.name)
    if resource.properties.get("VersioningConfiguration", {}).get("Status") == "Enabled":
        s3.put_bucket_versioning(
            Bucket=resource.name, VersioningConfiguration={"Status": "Enabled"}
        )


def _create_table(dynamodb: DynamoDBClient, resource: Resource) -> None:
    props: dict[str, Any] = resource.properties
    if resource.type == "AWS::Serverless::SimpleTable":
        key = props.get("PrimaryKey", {"Name": "id", "Type": "String"})
        kind = {"String": "S", "Number": "N", "Binary": "B"}[key["Type"]]
        props = {
            "KeySchema": [{"AttributeName": key["Name"], "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": key["Name"], "AttributeType": kind}],
        }
    request: dict[str, Any] = {
        "TableName": resource.name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    for name in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "ProvisionedThroughput"):
        if name in props:
            request[name] = props[name]
    stream = props.get("StreamSpecification")
    if stream:
        request["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": stream["StreamViewType"],
        }
    dynamodb.create_table(**request)
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(
            TableName=resource.name,
            TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
        )
