"""The appointments side of template.yaml, as CloudFormation receives it (translated).

moto does not enforce IAM, so least privilege is checked here, on the policy text.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.sam_template import as_list, grants, role_statements

REQUESTS_ARN = {"Fn::GetAtt": ["RequestsTable", "Arn"]}
GUARD_ARN = {"Fn::GetAtt": ["GuardTable", "Arn"]}
KEY_ARN = {"Fn::GetAtt": ["RequestsKey", "Arn"]}


@pytest.fixture(scope="module")
def statements(cfn: dict[str, Any]) -> list[dict[str, Any]]:
    return role_statements(cfn, "AppointmentsFunction")


def test_the_function_may_put_requests_and_never_read_them(statements: list[Any]) -> None:
    allowed = grants(statements)
    on_requests = {action for action, where in allowed.items() if REQUESTS_ARN in where}
    assert on_requests == {"dynamodb:PutItem"}
    for action, where in allowed.items():
        assert {"Fn::Sub": "${RequestsTable.Arn}/index/*"} not in where, action


def test_the_function_uses_only_its_guard_table_site_json_and_secrets(
    statements: list[Any],
) -> None:
    assert grants(statements) == {
        "dynamodb:PutItem": [REQUESTS_ARN, GUARD_ARN],
        "dynamodb:GetItem": [GUARD_ARN],
        "dynamodb:UpdateItem": [GUARD_ARN],
        "dynamodb:DeleteItem": [GUARD_ARN],
        "kms:Encrypt": [KEY_ARN],
        "kms:Decrypt": [KEY_ARN],
        "kms:GenerateDataKey": [KEY_ARN],
        "kms:DescribeKey": [KEY_ARN],
        "s3:GetObject": [{"Fn::Sub": "${ContentBucket.Arn}/site.json"}],
        "secretsmanager:GetSecretValue": [{"Ref": "ClientHashSecret"}, {"Ref": "EdgeOriginSecret"}],
    }


def test_the_table_key_is_usable_only_through_dynamodb(statements: list[Any]) -> None:
    (kms,) = [s for s in statements if any(a.startswith("kms:") for a in as_list(s["Action"]))]
    assert kms["Condition"] == {
        "StringEquals": {"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.${AWS::URLSuffix}"}}
    }


def test_the_requests_table_is_as_staff_and_privacy_need(cfn: dict[str, Any]) -> None:
    table = cfn["Resources"]["RequestsTable"]
    props = table["Properties"]
    assert table["DeletionPolicy"] == "Retain"
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    (index,) = props["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "byStatus"
    assert index["KeySchema"] == [
        {"AttributeName": "status", "KeyType": "HASH"},
        {"AttributeName": "createdAt", "KeyType": "RANGE"},
    ]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": {"Ref": "RequestsKey"},
    }
    assert props["DeletionProtectionEnabled"] is True
    assert props["StreamSpecification"] == {"StreamViewType": "KEYS_ONLY"}


def test_the_guard_table_expires_its_records(cfn: dict[str, Any]) -> None:
    props = cfn["Resources"]["GuardTable"]["Properties"]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]


@pytest.mark.parametrize("name", ["ClientHashSecret", "EdgeOriginSecret"])
def test_the_secrets_are_generated_by_the_template(cfn: dict[str, Any], name: str) -> None:
    secret = cfn["Resources"][name]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    assert "SecretString" not in secret["Properties"]


def test_the_site_distribution_proves_itself_to_the_api_with_the_edge_secret(
    cfn: dict[str, Any],
) -> None:
    config = cfn["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    (api,) = [origin for origin in config["Origins"] if origin["Id"] == "api"]
    assert api["OriginCustomHeaders"] == [
        {
            "HeaderName": "X-Origin-Verify",
            "HeaderValue": {"Fn::Sub": "{{resolve:secretsmanager:${EdgeOriginSecret}}}"},
        }
    ]
    env = cfn["Resources"]["AppointmentsFunction"]["Properties"]["Environment"]["Variables"]
    assert env["EDGE_ORIGIN_SECRET"] == {"Ref": "EdgeOriginSecret"}


def test_redirects_and_limits_come_from_parameters(cfn: dict[str, Any]) -> None:
    function = cfn["Resources"]["AppointmentsFunction"]["Properties"]
    env = function["Environment"]["Variables"]
    assert env["THANK_YOU_URL"] == {"Ref": "ThankYouUrl"}
    assert env["FORM_ERROR_URL"] == {"Ref": "FormErrorUrl"}
    assert env["RATE_LIMIT_MAX"] == {"Ref": "RateLimitMax"}
    assert env["RATE_LIMIT_WINDOW_SECONDS"] == {"Ref": "RateLimitWindowSeconds"}
    assert env["REQUEST_RETENTION_DAYS"] == {"Ref": "RequestRetentionDays"}
    assert env["CLIENT_HASH_SECRET"] == {"Ref": "ClientHashSecret"}
    assert env["POWERTOOLS_LOGGER_LOG_EVENT"] == "false"
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert function["Architectures"] == ["arm64"]
