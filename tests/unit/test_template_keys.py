"""Keys, data and roles (issue 12) in template.yaml as CloudFormation receives it (translated).

The key policies are read as KMS would: which statements allow an action, to whom,
under which condition, and what the deny statement leaves to whom.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any, cast

import pytest

from tests.unit.sam_template import as_list, resources_of_type, role_statements

ADMIN = {"Ref": "KeyAdminRoleArn"}
ACCOUNT = {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
ROOT_USER = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
VIA_DYNAMODB = {"Fn::Sub": "dynamodb.${AWS::Region}.${AWS::URLSuffix}"}
DESTROYERS = ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"]
KEYS = ["RequestsKey", "LogsKey"]
SUBMISSION_FUNCTIONS = ["AppointmentsFunction", "NotifyFunction", "StaffFunction"]


def statements(cfn: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return cfn["Resources"][key]["Properties"]["KeyPolicy"]["Statement"]


def allowing(cfn: dict[str, Any], key: str, action: str) -> list[dict[str, Any]]:
    """The Allow statements of a key's policy that cover `action`."""
    return [
        statement
        for statement in statements(cfn, key)
        if statement["Effect"] == "Allow"
        and any(fnmatch.fnmatchcase(action, pattern) for pattern in as_list(statement["Action"]))
    ]


@pytest.mark.parametrize("key", KEYS)
def test_no_statement_gives_kms_star_and_the_account_cannot_administer(
    cfn: dict[str, Any], key: str
) -> None:
    for statement in statements(cfn, key):
        assert "kms:*" not in as_list(statement["Action"]), statement["Sid"]
    for action in ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:CreateGrant"]:
        for statement in allowing(cfn, key, action):
            if statement["Principal"] == ACCOUNT:
                # Only DynamoDB's grants for its tables (tested below), never an admin's.
                assert action == "kms:CreateGrant"
                assert statement["Condition"]["StringEquals"]["kms:ViaService"] == VIA_DYNAMODB


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("action", DESTROYERS)
def test_only_the_key_admin_may_disable_delete_or_repolicy(
    cfn: dict[str, Any], key: str, action: str
) -> None:
    for statement in allowing(cfn, key, action):
        if statement["Principal"] == {"AWS": ADMIN}:
            continue
        # The break-glass: the account's root user alone (not IAM), and only the policy.
        assert action == "kms:PutKeyPolicy"
        assert statement["Condition"] == {"ArnEquals": {"aws:PrincipalArn": ROOT_USER}}
    (deny,) = [s for s in statements(cfn, key) if s["Effect"] == "Deny"]
    assert deny["Principal"] == {"AWS": "*"}
    assert action in deny["Action"]
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [ADMIN, ROOT_USER]}}


@pytest.mark.parametrize("key", KEYS)
def test_the_key_admin_administers_but_cannot_read_or_grant(cfn: dict[str, Any], key: str) -> None:
    (admin,) = [s for s in statements(cfn, key) if s["Principal"] == {"AWS": ADMIN}]
    for action in ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:CreateGrant"]:
        assert not any(fnmatch.fnmatchcase(action, pattern) for pattern in admin["Action"])
    assert set(DESTROYERS) <= set(admin["Action"])
    assert {"kms:CancelKeyDeletion", "kms:EnableKey"} <= set(admin["Action"])


def test_the_requests_key_decrypts_only_through_dynamodb(cfn: dict[str, Any]) -> None:
    for action in ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"]:
        (use,) = allowing(cfn, "RequestsKey", action)
        assert use["Principal"] == ACCOUNT
        assert use["Condition"]["StringEquals"]["kms:ViaService"] == VIA_DYNAMODB
    key = cfn["Resources"]["RequestsKey"]
    assert key["DeletionPolicy"] == "Retain"
    assert key["Properties"]["EnableKeyRotation"] is True


def test_the_key_admin_is_a_required_role_parameter(cfn: dict[str, Any]) -> None:
    parameter = cfn["Parameters"]["KeyAdminRoleArn"]
    assert "Default" not in parameter
    pattern = parameter["AllowedPattern"]
    assert re.fullmatch(pattern, "arn:aws:iam::123456789012:role/clinic-key-admin")
    assert not re.fullmatch(pattern, "arn:aws:iam::123456789012:root")
    assert not re.fullmatch(pattern, "arn:aws:iam::123456789012:user/alice")


def test_logs_key_lets_cloudwatch_logs_use_it_for_this_stacks_function_logs_only(
    cfn: dict[str, Any],
) -> None:
    (logs,) = allowing(cfn, "LogsKey", "kms:GenerateDataKey")
    assert logs["Principal"] == {"Service": {"Fn::Sub": "logs.${AWS::Region}.${AWS::URLSuffix}"}}
    context = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]["Fn::Sub"]
    assert context.endswith(":log-group:/aws/lambda/${AWS::StackName}-*")
    assert allowing(cfn, "LogsKey", "kms:Decrypt") == [logs]  # no person reads through the key


@pytest.mark.parametrize("function", SUBMISSION_FUNCTIONS)
def test_functions_that_see_submissions_log_under_the_logs_key(
    cfn: dict[str, Any], function: str
) -> None:
    group = cfn["Resources"][f"{function}LogGroup"]["Properties"]
    assert group["KmsKeyId"] == {"Fn::GetAtt": ["LogsKey", "Arn"]}
    assert fnmatch.fnmatchcase(group["LogGroupName"]["Fn::Sub"], "/aws/lambda/${AWS::StackName}-*")


def test_any_key_state_change_pages_staff(cfn: dict[str, Any]) -> None:
    rule = cfn["Resources"]["KeyStateChangeRule"]
    pattern = rule["Properties"]["EventPattern"]
    assert pattern["source"] == ["aws.kms"]
    assert pattern["detail-type"] == ["AWS API Call via CloudTrail"]
    events = set(pattern["detail"]["eventName"])
    destroyers = {action.removeprefix("kms:") for action in DESTROYERS}
    assert {*destroyers, "CancelKeyDeletion", "DisableKeyRotation", "EnableKey"} <= events
    assert pattern["detail"]["resources"]["ARN"] == [
        {"Fn::GetAtt": ["RequestsKey", "Arn"]},
        {"Fn::GetAtt": ["LogsKey", "Arn"]},
    ]
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": "StaffTopic"}
    topic_policy = cfn["Resources"]["StaffTopicPolicy"]["Properties"]["PolicyDocument"]
    (events_may,) = [
        s
        for s in topic_policy["Statement"]
        if s["Principal"] == {"Service": "events.amazonaws.com"}
    ]
    assert events_may["Action"] == "sns:Publish"
    assert events_may["Condition"] == {
        "ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["KeyStateChangeRule", "Arn"]}}
    }


def test_the_appointments_put_is_held_to_return_values_none(cfn: dict[str, Any]) -> None:
    requests = {"Fn::GetAtt": ["RequestsTable", "Arn"]}
    puts = [
        s
        for s in role_statements(cfn, "AppointmentsFunction")
        if "dynamodb:PutItem" in as_list(s["Action"]) and requests in as_list(s["Resource"])
    ]
    assert puts and all(
        s["Condition"] == {"StringEqualsIfExists": {"dynamodb:ReturnValues": "NONE"}} for s in puts
    )


@pytest.mark.parametrize("name", ["AllowedOrigins", "ThankYouUrl", "FormErrorUrl"])
def test_browser_facing_parameters_are_https_with_no_localhost_default(
    cfn: dict[str, Any], name: str
) -> None:
    parameter = cfn["Parameters"][name]
    assert "localhost" not in str(parameter.get("Default", ""))
    assert "http:" not in str(parameter.get("Default", ""))
    pattern = parameter["AllowedPattern"]
    assert re.fullmatch(
        pattern, "https://clinic.example" + ("" if name == "AllowedOrigins" else "/x")
    )
    for refused in ["http://clinic.example", "http://localhost:5173", "http://127.0.0.1:8000"]:
        assert not re.fullmatch(pattern, refused + ("" if name == "AllowedOrigins" else "/x"))


def test_no_parameter_defaults_to_localhost_or_plain_http(cfn: dict[str, Any]) -> None:
    for name, parameter in cfn["Parameters"].items():
        default = str(parameter.get("Default", ""))
        assert "localhost" not in default and "http://" not in default, name


def test_the_content_bucket_logs_access_to_a_log_bucket_only_s3_logging_writes(
    cfn: dict[str, Any],
) -> None:
    logging = cfn["Resources"]["ContentBucket"]["Properties"]["LoggingConfiguration"]
    assert logging == {
        "DestinationBucketName": {"Ref": "AccessLogBucket"},
        "LogFilePrefix": "content/",
    }
    bucket = cfn["Resources"]["AccessLogBucket"]["Properties"]
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"  # S3 logging needs it
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    expiry = [r for r in bucket["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in r]
    assert expiry[0]["ExpirationInDays"] == {"Ref": "LogRetentionDays"}
    policy = cfn["Resources"]["AccessLogBucketPolicy"]["Properties"]["PolicyDocument"]
    (writes,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert writes["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert writes["Action"] == "s3:PutObject"
    assert writes["Resource"] == {"Fn::Sub": "${AccessLogBucket.Arn}/content/*"}
    assert writes["Condition"]["ArnLike"]["aws:SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:s3:::${ContentBucket}"
    }
    assert writes["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def scheduled_functions(cfn: dict[str, Any]) -> set[str]:
    """Functions EventBridge invokes (asynchronously): the targets of rules on a schedule."""
    found = set()
    for rule in resources_of_type(cfn, "AWS::Events::Rule").values():
        for target in rule["Properties"]["Targets"]:
            arn = target["Arn"]
            if isinstance(arn, dict) and "Fn::GetAtt" in arn:
                found.add(arn["Fn::GetAtt"][0])
    return found


def test_every_asynchronous_function_has_a_failure_destination(cfn: dict[str, Any]) -> None:
    invoke_configs = {
        config["Properties"]["FunctionName"]["Ref"]: config["Properties"]
        for config in resources_of_type(cfn, "AWS::Lambda::EventInvokeConfig").values()
    }
    asynchronous = scheduled_functions(cfn)
    assert asynchronous == {"DigestFunction"}
    for function in asynchronous:
        on_failure = invoke_configs[function]["DestinationConfig"]["OnFailure"]
        queue = on_failure["Destination"]["Fn::GetAtt"][0]
        assert cfn["Resources"][queue]["Type"] == "AWS::SQS::Queue"
        assert cfn["Resources"][queue]["Properties"]["SqsManagedSseEnabled"] is True
    # The stream-driven notifier (a synchronous poller) keeps its own failure queue.
    for mapping in resources_of_type(cfn, "AWS::Lambda::EventSourceMapping").values():
        assert "OnFailure" in mapping["Properties"]["DestinationConfig"]


def test_the_store_never_asks_dynamodb_for_return_values() -> None:
    """What the condition above would refuse, the code never sends (store.py's only put)."""
    from clinic_api.appointments.store import IntakeStore

    calls: list[dict[str, Any]] = []

    class Recording:
        def transact_write_items(self, **kwargs: Any) -> None:
            calls.append(kwargs)

    IntakeStore(cast(Any, Recording()), "requests", "guard").save({"id": "x"}, None, 0)
    (call,) = calls
    for action in call["TransactItems"]:
        assert not {"ReturnValues", "ReturnValuesOnConditionCheckFailure"} & set(action["Put"])
