"""The staff inbox in template.yaml, translated: StaffFunction behind the JWT authorizer,
least privilege, and an audit table that nothing may change or delete.

moto enforces no IAM, so the limits are checked on the policy text.
"""

from __future__ import annotations

from typing import Any

from tests.unit.sam_template import grants, resources_of_type, role_statements

REQUESTS = {"Fn::GetAtt": ["RequestsTable", "Arn"]}
AUDIT = {"Fn::GetAtt": ["AuditTable", "Arn"]}
BY_STATUS = {"Fn::Sub": "${RequestsTable.Arn}/index/byStatus"}
KEY = {"Fn::GetAtt": ["RequestsKey", "Arn"]}
SIX_YEARS_OF_DAYS = 6 * 365


def test_the_staff_function_reads_and_updates_requests_and_only_adds_audit_records(
    cfn: dict[str, Any],
) -> None:
    found = grants(role_statements(cfn, "StaffFunction"))
    assert found == {
        "dynamodb:GetItem": [REQUESTS],
        "dynamodb:UpdateItem": [REQUESTS],
        "dynamodb:Query": [BY_STATUS],
        "dynamodb:PutItem": [AUDIT],
        "kms:Encrypt": [KEY],
        "kms:Decrypt": [KEY],
        "kms:GenerateDataKey": [KEY],
        "kms:DescribeKey": [KEY],
        "s3:GetObject": [{"Fn::Sub": "${ContentBucket.Arn}/site.json"}],
        "secretsmanager:GetSecretValue": [{"Ref": "ClientHashSecret"}, {"Ref": "EdgeOriginSecret"}],
    }


def test_no_role_or_policy_may_change_or_delete_an_audit_record(cfn: dict[str, Any]) -> None:
    documents = [
        policy["PolicyDocument"]
        for role in resources_of_type(cfn, "AWS::IAM::Role").values()
        for policy in role["Properties"].get("Policies", [])
    ]
    documents += [
        policy["Properties"]["PolicyDocument"]
        for policy in resources_of_type(cfn, "AWS::IAM::ManagedPolicy").values()
    ]
    for document in documents:
        for action, resources in grants(document["Statement"]).items():
            if AUDIT in resources:
                assert action in {"dynamodb:PutItem", "dynamodb:Query"}, action


def test_only_the_staff_function_and_staff_may_read_request_contents(cfn: dict[str, Any]) -> None:
    for function in resources_of_type(cfn, "AWS::Lambda::Function"):
        if f"{function}Role" not in cfn["Resources"]:
            continue
        found = grants(role_statements(cfn, function))
        reads = found.get("dynamodb:GetItem", []) + found.get("dynamodb:Query", [])
        if REQUESTS in reads or BY_STATUS in found.get("dynamodb:Query", []):
            assert function in {"StaffFunction", "DigestFunction"}, function


def test_the_audit_table_is_kept_six_years_encrypted_restorable_and_retained(
    cfn: dict[str, Any],
) -> None:
    table = cfn["Resources"]["AuditTable"]
    props = table["Properties"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert props["DeletionProtectionEnabled"] is True
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["KMSMasterKeyId"] == {"Ref": "RequestsKey"}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    from clinic_api.staff.audit import RETENTION_DAYS

    assert SIX_YEARS_OF_DAYS <= RETENTION_DAYS <= SIX_YEARS_OF_DAYS + 2


def test_every_staff_route_is_behind_the_jwt_authorizer(cfn: dict[str, Any]) -> None:
    from clinic_api.staff.routes import AUTHORIZER, STAFF

    routes = resources_of_type(cfn, "AWS::ApiGatewayV2::Route")
    api = cfn["Resources"]["HttpApi"]["Properties"]["Body"]["paths"]
    for route in STAFF.routes:
        operation = api[route.path][route.method.lower()]
        assert operation["security"] == [{AUTHORIZER: []}], route.key
    assert not routes  # every route is in the API's body, none separate
    public = [
        (path, method)
        for path, methods in api.items()
        for method, operation in methods.items()
        if not path.startswith("/staff/") and "security" in operation
    ]
    assert public == []


def test_the_outputs_name_the_staff_function_and_the_audit_table(cfn: dict[str, Any]) -> None:
    outputs = cfn["Outputs"]
    assert outputs["StaffFunctionName"]["Value"] == {"Ref": "StaffFunction"}
    assert outputs["AuditTableName"]["Value"] == {"Ref": "AuditTable"}
