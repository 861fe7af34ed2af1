"""The staff side of template.yaml, translated: notifier, digest, alarms, staff policy, trail.

moto enforces no IAM conditions, so the digest's limits are checked on the policy text.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit.sam_template import as_list, grants, resources_of_type, role_statements

TOPIC = {"Ref": "StaffTopic"}
STREAM = {"Fn::GetAtt": ["RequestsTable", "StreamArn"]}
KEY = {"Fn::GetAtt": ["RequestsKey", "Arn"]}
SITE_JSON = {"Fn::Sub": "${ContentBucket.Arn}/site.json"}
VIA_DYNAMODB = {
    "StringEquals": {"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.${AWS::URLSuffix}"}}
}


def test_the_notifier_reads_the_stream_and_publishes_to_the_topic_only(
    cfn: dict[str, Any],
) -> None:
    found = role_statements(cfn, "NotifyFunction")
    assert grants(found) == {
        "dynamodb:DescribeStream": [STREAM],
        "dynamodb:GetRecords": [STREAM],
        "dynamodb:GetShardIterator": [STREAM],
        "dynamodb:ListStreams": ["*"],
        "kms:Decrypt": [KEY],
        "sqs:SendMessage": [{"Fn::GetAtt": ["NotifyDeadLetterQueue", "Arn"]}],
        "sns:Publish": [TOPIC],
        "s3:GetObject": [SITE_JSON],  # the clinic's time zone and site URL
    }
    (kms,) = [s for s in found if s["Action"] == "kms:Decrypt"]
    assert kms["Condition"] == VIA_DYNAMODB
    managed = cfn["Resources"]["NotifyFunctionRole"]["Properties"]["ManagedPolicyArns"]
    assert not any("DynamoDB" in arn for arn in managed)  # no read-every-stream policy


def test_the_stream_mapping_is_inserts_only_partial_and_bounded(cfn: dict[str, Any]) -> None:
    props = cfn["Resources"]["NotifyStreamMapping"]["Properties"]
    assert props["EventSourceArn"] == STREAM
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert json.loads(props["FilterCriteria"]["Filters"][0]["Pattern"]) == {"eventName": ["INSERT"]}
    assert 0 < props["MaximumRetryAttempts"] <= 10
    assert props["BisectBatchOnFunctionError"] is True
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["NotifyDeadLetterQueue", "Arn"]
    }


def test_the_digest_may_only_count_and_read_status_and_created_at(cfn: dict[str, Any]) -> None:
    found = role_statements(cfn, "DigestFunction")
    assert grants(found) == {
        "dynamodb:Query": [{"Fn::Sub": "${RequestsTable.Arn}/index/byStatus"}],
        "kms:Decrypt": [KEY],
        "sns:Publish": [TOPIC],
        "s3:GetObject": [SITE_JSON],
        # SAM's grant for the failure destination (test_template_keys).
        "sqs:SendMessage": [{"Fn::GetAtt": ["DigestFailureQueue", "Arn"]}],
    }
    (query,) = [s for s in found if s["Action"] == "dynamodb:Query"]
    assert query["Condition"] == {
        "StringEquals": {"dynamodb:Select": ["COUNT", "SPECIFIC_ATTRIBUTES"]},
        "ForAllValues:StringEquals": {"dynamodb:Attributes": ["status", "createdAt"]},
    }


def test_the_digest_runs_daily_on_the_parameters_schedule(cfn: dict[str, Any]) -> None:
    rules = resources_of_type(cfn, "AWS::Events::Rule").values()
    (rule,) = [r for r in rules if "Digest" in json.dumps(r["Properties"]["Targets"])]
    assert rule["Properties"]["ScheduleExpression"] == {"Ref": "DigestSchedule"}


def test_the_email_subscription_exists_only_with_an_address(cfn: dict[str, Any]) -> None:
    subscription = cfn["Resources"]["StaffEmailSubscription"]
    assert subscription["Condition"] == "HasNotificationEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "NotificationEmail"}
    assert subscription["Properties"]["TopicArn"] == TOPIC


@pytest.mark.parametrize(
    ("alarm", "metric"),
    [
        ("NotifyDeadLetterAlarm", "ApproximateNumberOfMessagesVisible"),
        ("FunctionErrorsAlarm", "Errors"),
        ("FunctionThrottlesAlarm", "Throttles"),
    ],
)
def test_alarms_go_to_the_staff_topic(cfn: dict[str, Any], alarm: str, metric: str) -> None:
    props = cfn["Resources"][alarm]["Properties"]
    assert props["AlarmActions"] == [TOPIC]
    assert metric in json.dumps(props)
    if "Metrics" in props:  # one alarm over every function, counting silent ones as 0
        (total,) = [m for m in props["Metrics"] if "Expression" in m]
        assert total["Expression"].count("FILL(") == 5
        named = {
            m["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"]
            for m in props["Metrics"]
            if "MetricStat" in m
        }
        assert named == {
            "ContentFunction", "AppointmentsFunction", "NotifyFunction", "DigestFunction",
            "StaffFunction",
        }  # fmt: skip


def test_the_staff_policy_works_requests_through_by_status_and_keys(cfn: dict[str, Any]) -> None:
    document = cfn["Resources"]["StaffPolicy"]["Properties"]["PolicyDocument"]
    assert grants(document["Statement"]) == {
        "dynamodb:Query": [
            {"Fn::Sub": "${RequestsTable.Arn}/index/byStatus"},
            {"Fn::GetAtt": ["AuditTable", "Arn"]},
        ],
        "dynamodb:GetItem": [{"Fn::GetAtt": ["RequestsTable", "Arn"]}],
        "dynamodb:UpdateItem": [{"Fn::GetAtt": ["RequestsTable", "Arn"]}],
        "dynamodb:DeleteItem": [{"Fn::GetAtt": ["RequestsTable", "Arn"]}],
        "dynamodb:PutItem": [{"Fn::GetAtt": ["AuditTable", "Arn"]}],
        "kms:Decrypt": [KEY],
        "kms:Encrypt": [KEY],
        "kms:GenerateDataKey": [KEY],
        "kms:DescribeKey": [KEY],
        "cloudformation:DescribeStacks": [{"Ref": "AWS::StackId"}],
    }
    (kms,) = [s for s in document["Statement"] if "kms:Decrypt" in as_list(s["Action"])]
    assert kms["Condition"] == VIA_DYNAMODB


def test_data_events_are_recorded_only_when_asked(cfn: dict[str, Any]) -> None:
    for name in ("RequestsTrail", "RequestsTrailBucket", "RequestsTrailBucketPolicy"):
        assert cfn["Resources"][name]["Condition"] == "RecordRequestsDataEvents"
    trail = cfn["Resources"]["RequestsTrail"]["Properties"]
    (selector,) = trail["AdvancedEventSelectors"]
    fields = {f["Field"]: f["Equals"] for f in selector["FieldSelectors"]}
    assert fields == {
        "eventCategory": ["Data"],
        "resources.type": ["AWS::DynamoDB::Table"],
        "resources.ARN": [
            {"Fn::GetAtt": ["RequestsTable", "Arn"]},
            {"Fn::GetAtt": ["AuditTable", "Arn"]},
        ],
    }
