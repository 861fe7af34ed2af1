"""Staff learn that a request exists, never what it says: the notifier and the daily digest."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError

from clinic_api.core.settings import Environment
from clinic_api.notify.messages import ClinicDesk, WhereToLook
from clinic_api.notify.settings import NotifySettings
from tests.unit.stack import VALID, Stack, invoke_function, post_json
from tests.worker_plugin import shared_client

PATIENT_DATA = [
    VALID["firstName"], VALID["lastName"], VALID["email"], "5550199", VALID["message"],
    VALID["service"], "Ketamine", VALID["insuranceCarrier"], VALID["sourceArticle"],
]  # fmt: skip
INBOX = "https://www.fernhill-mood.example/staff/"  # the fixture clinic's baseUrl + /staff/


@pytest.fixture
def inbox(stack: Stack) -> Any:
    """An SQS queue subscribed to the staff topic: what staff would receive."""
    sqs, sns = shared_client("sqs"), shared_client("sns")
    queue = sqs.create_queue(QueueName="staff-inbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(
        TopicArn=stack.environment["TOPIC_ARN"],
        Protocol="sqs",
        Endpoint=arn["QueueArn"],
        Attributes={"RawMessageDelivery": "false"},
    )

    def read() -> list[dict[str, str]]:
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(message.get("Body", "")) for message in messages]

    return read


def stream_event(*records: tuple[str, str]) -> dict[str, Any]:
    """A DynamoDB Streams batch (KEYS_ONLY) as Lambda delivers it."""
    return {
        "Records": [
            {
                "eventID": f"event-{number}",
                "eventName": name,
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-1",
                "dynamodb": {
                    "ApproximateCreationDateTime": 1795860000,
                    "Keys": {"id": {"S": request_id}},
                    "SequenceNumber": str(1000 + number),
                    "SizeBytes": 50,
                    "StreamViewType": "KEYS_ONLY",
                },
                "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
            }
            for number, (name, request_id) in enumerate(records)
        ]
    }


def test_a_new_request_becomes_one_message_with_reference_time_and_where_to_look(
    stack: Stack, inbox: Any
) -> None:
    receipt = post_json(VALID).json()
    answer = invoke_function("NotifyFunction", stream_event(("INSERT", receipt["id"])))
    assert answer == {"batchItemFailures": []}
    (message,) = inbox()
    assert message["Subject"] == f"New appointment request {receipt['reference']}"
    body = message["Message"]
    assert receipt["reference"] in body
    assert "Received:  Sat 28 Nov 2026 02:00 PST" in body  # 10:00 UTC, the clinic's clock
    assert f"{INBOX}\n" in body  # the site's inbox, from site.json's baseUrl
    assert f"clinic requests show {receipt['reference']}" in body
    assert stack.requests_table in body
    assert "byStatus" in body


@pytest.mark.parametrize(
    ("inbox_url", "link"),
    [
        ("https://inbox.fernhill-mood.example/", "https://inbox.fernhill-mood.example/"),
        ("/front-desk/", "https://www.fernhill-mood.example/front-desk/"),  # on the baseUrl
    ],
)
def test_the_inbox_link_is_the_templates_inbox_url(
    stack: Stack, inbox: Any, monkeypatch: pytest.MonkeyPatch, inbox_url: str, link: str
) -> None:
    monkeypatch.setenv("INBOX_URL", inbox_url)
    receipt = post_json(VALID).json()
    invoke_function("NotifyFunction", stream_event(("INSERT", receipt["id"])))
    invoke_function("DigestFunction", {})
    notice, digest = inbox()
    for message in (notice, digest):
        assert f"  {link}\n" in message["Message"]
        assert INBOX not in message["Message"]


def test_a_notification_names_the_day_the_clinic_received_it_as_the_inbox_does(
    stack: Stack, inbox: Any
) -> None:
    """05:17 UTC on the 30th is the evening of the 29th in the clinic (its site.yaml timeZone)."""
    receipt = post_json(VALID).json()
    event = stream_event(("INSERT", receipt["id"]))
    event["Records"][0]["dynamodb"]["ApproximateCreationDateTime"] = 1796015820
    invoke_function("NotifyFunction", event)
    (message,) = inbox()
    assert "Received:  Sun 29 Nov 2026 21:17 PST" in message["Message"]
    assert "UTC" not in message["Message"]


def test_without_site_json_staff_are_still_told_in_utc_without_an_inbox_link(
    stack: Stack, inbox: Any
) -> None:
    receipt = post_json(VALID).json()
    shared_client("s3").delete_object(Bucket=stack.environment["CONTENT_BUCKET"], Key="site.json")
    answer = invoke_function("NotifyFunction", stream_event(("INSERT", receipt["id"])))
    assert answer == {"batchItemFailures": []}
    (message,) = inbox()
    assert "Received:  Sat 28 Nov 2026 10:00 UTC" in message["Message"]
    assert "/staff/" not in message["Message"]
    assert f"clinic requests show {receipt['reference']}" in message["Message"]


def test_a_table_outside_aws_sends_no_one_to_the_dynamodb_console() -> None:
    """Under `clinic dev` (AWS_ENDPOINT_URL names moto) the table is in no AWS console."""
    env = {"REQUESTS_TABLE": "requests", "TOPIC_ARN": "arn:aws:sns:us-east-1:1:t"}
    env |= {"AWS_REGION": "us-east-1"}
    desk = ClinicDesk(base_url="https://www.fernhill-mood.example")
    for endpoint, console in [("", True), ("http://127.0.0.1:5000", False)]:
        settings = NotifySettings.read(Environment({**env, "AWS_ENDPOINT_URL": endpoint}))
        where = WhereToLook(settings.requests_table, settings.region, desk, settings.in_aws)
        text = "\n".join(where.lines("Read it in the inbox", "clinic requests show X"))
        assert ("console.aws.amazon.com" in text) is console
        assert "clinic requests show X" in text and INBOX in text


def test_a_notification_carries_no_patient_data(stack: Stack, inbox: Any) -> None:
    receipt = post_json(VALID).json()
    invoke_function("NotifyFunction", stream_event(("INSERT", receipt["id"])))
    (message,) = inbox()
    text = message["Subject"] + message["Message"]
    for secret in PATIENT_DATA:
        assert secret not in text


def test_only_inserts_are_announced(stack: Stack, inbox: Any) -> None:
    invoke_function("NotifyFunction", stream_event(("MODIFY", "x"), ("REMOVE", "y")))
    assert inbox() == []


def test_a_failed_publish_is_reported_as_that_record_alone(stack: Stack, inbox: Any) -> None:
    from clinic_api.core.clients import sns_client

    first, second, third = (post_json({**VALID, "message": str(n)}).json() for n in range(3))

    def fail_for_second(params: dict[str, Any], **_: Any) -> None:
        if second["reference"] in params["body"]["Message"]:
            raise EndpointConnectionError(endpoint_url="https://sns.example")

    sns_client().meta.events.register("before-call.sns.Publish", fail_for_second)
    event = stream_event(*(("INSERT", r["id"]) for r in (first, second, third)))
    answer = invoke_function("NotifyFunction", event)
    assert answer["batchItemFailures"] == [{"itemIdentifier": "1001"}]  # its sequence number
    assert len(inbox()) == 2


def test_the_digest_counts_new_requests_and_names_the_oldest(stack: Stack, inbox: Any) -> None:
    for number in range(3):
        post_json({**VALID, "message": f"request {number}"})
    answer = invoke_function("DigestFunction", {"source": "aws.events"})
    assert answer == {"waiting": 3}
    (message,) = inbox()
    assert message["Subject"] == "Appointment requests: 3 waiting"
    assert "3 appointment requests are waiting" in message["Message"]
    assert f"{INBOX}\n" in message["Message"]
    for secret in PATIENT_DATA:
        assert secret not in message["Subject"] + message["Message"]


def test_the_digest_says_when_nothing_waits(stack: Stack, inbox: Any) -> None:
    assert invoke_function("DigestFunction", {}) == {"waiting": 0}
    (message,) = inbox()
    assert message["Subject"] == "Appointment requests: none waiting"


def test_the_digest_pages_through_many_requests(stack: Stack, inbox: Any) -> None:
    dynamodb = shared_client("dynamodb")
    created = datetime(2026, 11, 1, tzinfo=UTC)
    for number in range(120):
        moment = (created + timedelta(minutes=number)).isoformat().replace("+00:00", "Z")
        item = {"id": {"S": f"id-{number}"}, "status": {"S": "new"}, "createdAt": {"S": moment}}
        dynamodb.put_item(TableName=stack.requests_table, Item=item)
    assert invoke_function("DigestFunction", {}) == {"waiting": 120}
    assert "The oldest arrived Sat 31 Oct 2026 17:00 PDT" in inbox()[0]["Message"]
