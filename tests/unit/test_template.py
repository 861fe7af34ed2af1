"""Checks on the SAM template, made on the CloudFormation that the SAM transform produces.

The template is translated offline with aws-sam-translator (the library behind the
``AWS::Serverless-2016-10-31`` transform), so these assertions see the IAM role, the
API Gateway resources and the stage exactly as CloudFormation will receive them.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from clinic_api.routes import all_routes
from clinic_tools.local.template import Resolver
from tests.conftest import ROOT
from tests.unit.sam_template import (
    TEMPLATE_PATH,
    TEST_ORIGINS,
    as_list,
    cfn_lint,
    resources_of_type,
)

# Every declared route of the API and the function behind it (clinic_api.*.routes).
EXPECTED_ROUTES = {
    (route.method, route.path): function.function for function, route in all_routes()
}

# The API invokes an HTTP function's `live` alias (AutoPublishAlias: SnapStart runs only
# published versions), which SAM names after the function.
ALIAS = "live"


def invoked(function: str) -> str:
    return f"{function}Alias{ALIAS}"


# One function per trust boundary: the routes' functions, the notifier and the digest.
FUNCTIONS = {*EXPECTED_ROUTES.values(), "NotifyFunction", "DigestFunction"}

BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
XRAY_WRITE = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"

BUCKET_ARN = {"Fn::GetAtt": ["ContentBucket", "Arn"]}
OBJECTS_ARN = {"Fn::Sub": "${ContentBucket.Arn}/*"}


@pytest.fixture(scope="module")
def function(cfn: dict[str, Any]) -> dict[str, Any]:
    resource = cfn["Resources"]["ContentFunction"]
    assert resource["Type"] == "AWS::Lambda::Function"
    return resource["Properties"]


@pytest.fixture(scope="module")
def api_body(cfn: dict[str, Any]) -> dict[str, Any]:
    api = cfn["Resources"]["HttpApi"]
    assert api["Type"] == "AWS::ApiGatewayV2::Api"
    return api["Properties"]["Body"]


@pytest.fixture(scope="module")
def stage(cfn: dict[str, Any]) -> dict[str, Any]:
    stages = [
        resource["Properties"]
        for resource in resources_of_type(cfn, "AWS::ApiGatewayV2::Stage").values()
        if resource["Properties"]["ApiId"] == {"Ref": "HttpApi"}
    ]
    assert len(stages) == 1
    return stages[0]


# --- function -----------------------------------------------------------------------


def test_stack_has_one_function_per_trust_boundary(cfn: dict[str, Any]) -> None:
    assert set(resources_of_type(cfn, "AWS::Lambda::Function")) == FUNCTIONS


def test_content_function_configuration(function: dict[str, Any]) -> None:
    assert function["Runtime"] == "python3.13"
    assert function["Architectures"] == ["arm64"]
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert function["Handler"] == "clinic_api.content.handler.lambda_handler"
    assert function["MemorySize"] == 512
    assert function["Timeout"] == 20  # the SDK's bounded retries end inside it
    assert function["Description"]


def test_the_bundles_are_built_for_each_functions_architecture_and_python(
    cfn: dict[str, Any],
) -> None:
    # functions/Makefile installs wheels for one architecture and compiles for one Python:
    # the template's, for every function.
    makefile = (ROOT / "functions" / "Makefile").read_text()
    arch = re.search(r"^LAMBDA_ARCH \?= (\S+)$", makefile, re.MULTILINE)
    assert arch is not None
    wheels = {"aarch64": "arm64", "x86_64": "x86_64"}[arch.group(1)]
    for name, function in resources_of_type(cfn, "AWS::Lambda::Function").items():
        properties = function["Properties"]
        assert properties["Architectures"] == [wheels], name
        assert properties["Runtime"] == "python3.13", name
    assert "--python-version 3.13" in makefile and "(3, 13)" in makefile


def test_content_function_environment(function: dict[str, Any]) -> None:
    env = function["Environment"]["Variables"]
    assert env["CONTENT_BUCKET"] == {"Ref": "ContentBucket"}
    assert env["CACHE_TTL_SECONDS"] == {"Ref": "ContentCacheSeconds"}
    assert env["POWERTOOLS_SERVICE_NAME"] == "clinic-content"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "Clinic"
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"
    # Patient data must never reach the logs: the string "false", not a YAML boolean.
    assert env["POWERTOOLS_LOGGER_LOG_EVENT"] == "false"


def test_content_function_logs_to_its_own_log_group(
    cfn: dict[str, Any], function: dict[str, Any]
) -> None:
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": "ContentFunctionLogGroup"}
    log_group = cfn["Resources"]["ContentFunctionLogGroup"]
    assert log_group["Type"] == "AWS::Logs::LogGroup"
    assert log_group["Properties"]["LogGroupName"] == {
        "Fn::Sub": "/aws/lambda/${AWS::StackName}-content"
    }


# --- IAM ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def role(cfn: dict[str, Any], function: dict[str, Any]) -> dict[str, Any]:
    role_ref = function["Role"]
    assert role_ref == {"Fn::GetAtt": ["ContentFunctionRole", "Arn"]}
    resource = cfn["Resources"]["ContentFunctionRole"]
    assert resource["Type"] == "AWS::IAM::Role"
    return resource["Properties"]


def test_role_inline_policies_are_least_privilege(role: dict[str, Any]) -> None:
    statements = [
        statement
        for policy in role.get("Policies", [])
        for statement in as_list(policy["PolicyDocument"]["Statement"])
    ]
    assert statements, "expected the inline S3 read policy"

    actions: set[str] = set()
    resources_by_action: dict[str, list[Any]] = {}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert "NotAction" not in statement
        assert "NotResource" not in statement
        for action in as_list(statement["Action"]):
            assert "*" not in action, f"wildcard action {action!r}"
            actions.add(action)
            resources_by_action.setdefault(action, []).extend(as_list(statement["Resource"]))

    assert actions == {"s3:GetObject", "s3:ListBucket", "secretsmanager:GetSecretValue"}
    assert resources_by_action == {
        "s3:GetObject": [OBJECTS_ARN],
        "s3:ListBucket": [BUCKET_ARN],
        # The distribution's secret: requests sent around the edge are refused.
        "secretsmanager:GetSecretValue": [{"Ref": "EdgeOriginSecret"}],
    }


def test_role_managed_policies_are_only_logs_and_xray(role: dict[str, Any]) -> None:
    assert set(role["ManagedPolicyArns"]) == {BASIC_EXECUTION, XRAY_WRITE}


def test_role_can_only_be_assumed_by_lambda(role: dict[str, Any]) -> None:
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": ["lambda.amazonaws.com"]}


def test_the_only_standalone_policy_is_the_staff_one(cfn: dict[str, Any]) -> None:
    assert resources_of_type(cfn, "AWS::IAM::Policy") == {}
    assert set(resources_of_type(cfn, "AWS::IAM::ManagedPolicy")) == {"StaffPolicy"}


# --- HTTP API -----------------------------------------------------------------------


def _routes(cfn: dict[str, Any], api_body: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """Every route of the API, from the OpenAPI body and from any Route resources."""
    routes: dict[tuple[str, str], Any] = {}
    for path, operations in api_body.get("paths", {}).items():
        for method, operation in operations.items():
            routes[(method.upper(), path)] = operation["x-amazon-apigateway-integration"]
    for resource in resources_of_type(cfn, "AWS::ApiGatewayV2::Route").values():
        method, path = resource["Properties"]["RouteKey"].split(" ", 1)
        routes[(method, path)] = resource["Properties"].get("Target")
    return routes


def test_api_has_exactly_the_expected_routes(cfn: dict[str, Any], api_body: dict[str, Any]) -> None:
    assert set(_routes(cfn, api_body)) == set(EXPECTED_ROUTES)


def test_every_route_invokes_its_function(cfn: dict[str, Any], api_body: dict[str, Any]) -> None:
    for route, integration in _routes(cfn, api_body).items():
        assert integration["type"] == "aws_proxy", route
        assert integration["payloadFormatVersion"] == "2.0", route
        uri = integration["uri"]["Fn::Sub"]
        assert f"${{{invoked(EXPECTED_ROUTES[route])}}}" in uri, route


def test_api_gateway_may_invoke_the_function_once_per_route(cfn: dict[str, Any]) -> None:
    permissions = [
        permission
        for permission in resources_of_type(cfn, "AWS::Lambda::Permission").values()
        if permission["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]
    assert len(permissions) == len(EXPECTED_ROUTES)
    for permission in permissions:
        props = permission["Properties"]
        assert props["FunctionName"] in [
            {"Ref": invoked(name)} for name in EXPECTED_ROUTES.values()
        ]
        assert props["Principal"] == "apigateway.amazonaws.com"
        assert props["SourceArn"]["Fn::Sub"][1]["__ApiId__"] == {"Ref": "HttpApi"}


SNAPSTARTED = {
    "None": set(),
    "Appointments": {"AppointmentsFunction"},
    "PublishedVersions": {"ContentFunction", "AppointmentsFunction", "StaffFunction"},
}


def test_snapstart_is_an_option_of_the_http_functions_off_by_default(cfn: dict[str, Any]) -> None:
    parameter = cfn["Parameters"]["SnapStart"]
    assert parameter["Default"] == "None"
    assert set(parameter["AllowedValues"]) == {"None", "Appointments", "PublishedVersions"}
    for name in set(EXPECTED_ROUTES.values()):
        props = cfn["Resources"][name]["Properties"]
        condition, on, off = props["SnapStart"]["ApplyOn"]["Fn::If"]
        assert (on, off) == ("PublishedVersions", "None"), name
        # Each value of the parameter turns SnapStart on for exactly the functions it names.
        for value, functions in SNAPSTARTED.items():
            # The local stack's resolver: conditions as CloudFormation evaluates them.
            holds = Resolver(cfn, {"SnapStart": value}).condition(condition)
            assert holds == (name in functions), (name, value)
        alias = cfn["Resources"][invoked(name)]
        assert alias["Type"] == "AWS::Lambda::Alias"
        assert alias["Properties"]["Name"] == ALIAS


def test_cors_origins_come_from_the_parameter(
    cfn: dict[str, Any], api_body: dict[str, Any]
) -> None:
    cors = api_body["x-amazon-apigateway-cors"]
    assert cors["allowOrigins"] == TEST_ORIGINS
    parameter = cfn["Parameters"]["AllowedOrigins"]
    assert parameter["Type"] == "CommaDelimitedList"
    # A deploy names its origins (test_template_keys: https only, no localhost default).
    assert "Default" not in parameter


def test_cors_headers_methods_and_credentials(api_body: dict[str, Any]) -> None:
    cors = api_body["x-amazon-apigateway-cors"]
    allowed = {"content-type", "idempotency-key", "if-none-match", "authorization", "if-match"}
    assert allowed <= set(cors["allowHeaders"])
    assert {"etag", "retry-after", "location"} <= set(cors["exposeHeaders"])
    assert set(cors["allowMethods"]) == {"GET", "POST", "PATCH"}
    assert cors["maxAge"] == 600
    assert cors.get("allowCredentials", False) is False
    assert "*" not in cors["allowOrigins"]


def test_access_log_goes_to_the_log_group_without_client_identity(
    stage: dict[str, Any],
) -> None:
    settings = stage["AccessLogSettings"]
    assert settings["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    log_format = settings["Format"]
    fields = json.loads(log_format)  # the format must stay valid JSON
    assert fields["requestId"] == "$context.requestId"
    assert fields["status"] == "$context.status"
    assert {
        "requestTime",
        "httpMethod",
        "routeKey",
        "path",
        "protocol",
        "responseLength",
        "responseLatency",
        "integrationLatency",
        "integrationError",
    } <= set(fields)
    for forbidden in ("sourceIp", "userAgent", "$context.identity"):
        assert forbidden not in log_format


def test_stage_is_default_and_throttled_by_parameters(stage: dict[str, Any]) -> None:
    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == {"Ref": "ThrottlingBurstLimit"}
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == {"Ref": "ThrottlingRateLimit"}


# --- S3 -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bucket(cfn: dict[str, Any]) -> dict[str, Any]:
    resource = cfn["Resources"]["ContentBucket"]
    assert resource["Type"] == "AWS::S3::Bucket"
    return resource


def test_bucket_blocks_all_public_access(bucket: dict[str, Any]) -> None:
    assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["Properties"]["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }


def test_bucket_is_encrypted_versioned_and_retained(bucket: dict[str, Any]) -> None:
    props = bucket["Properties"]
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["DeletionPolicy"] == "Retain"
    assert bucket["UpdateReplacePolicy"] == "Retain"


def test_bucket_lifecycle_cleans_up_old_versions_and_uploads(bucket: dict[str, Any]) -> None:
    rules = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert all(rule["Status"] == "Enabled" for rule in rules)
    noncurrent = [
        r["NoncurrentVersionExpiration"] for r in rules if "NoncurrentVersionExpiration" in r
    ]
    multipart = [
        r["AbortIncompleteMultipartUpload"] for r in rules if "AbortIncompleteMultipartUpload" in r
    ]
    assert noncurrent == [{"NoncurrentDays": 30}]
    assert multipart == [{"DaysAfterInitiation": 1}]


def test_bucket_policy_denies_insecure_transport(cfn: dict[str, Any]) -> None:
    policies = [
        resource["Properties"]
        for resource in resources_of_type(cfn, "AWS::S3::BucketPolicy").values()
        if resource["Properties"]["Bucket"] == {"Ref": "ContentBucket"}
    ]
    assert len(policies) == 1
    denials = [
        statement
        for statement in as_list(policies[0]["PolicyDocument"]["Statement"])
        if statement["Effect"] == "Deny"
        and str(statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")).lower()
        == "false"
    ]
    assert len(denials) == 1
    (deny,) = denials
    assert deny["Principal"] in ("*", {"AWS": "*"})
    assert as_list(deny["Action"]) == ["s3:*"]
    resources = as_list(deny["Resource"])
    assert BUCKET_ARN in resources
    assert OBJECTS_ARN in resources


# --- logs and outputs ---------------------------------------------------------------


def test_every_log_group_has_retention(cfn: dict[str, Any]) -> None:
    log_groups = resources_of_type(cfn, "AWS::Logs::LogGroup")
    functions = {f"{name}LogGroup" for name in FUNCTIONS}
    assert set(log_groups) == {"ApiAccessLogGroup", *functions}
    for logical_id, resource in log_groups.items():
        assert resource["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, logical_id


def test_outputs(cfn: dict[str, Any]) -> None:
    outputs = cfn["Outputs"]
    assert outputs["ApiUrl"]["Value"] == {
        "Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert outputs["ContentBucketName"]["Value"] == {"Ref": "ContentBucket"}
    assert outputs["ContentFunctionName"]["Value"] == {"Ref": "ContentFunction"}
    assert all(output.get("Description") for output in outputs.values())


# --- lint ---------------------------------------------------------------------------


def test_cfn_lint_reports_no_errors_or_warnings(pytestconfig: pytest.Config) -> None:
    assert cfn_lint(pytestconfig, TEMPLATE_PATH) == []
