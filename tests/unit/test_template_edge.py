"""The edge in the templates: waf.yaml's web ACL, and how template.yaml uses it and the secret."""

from __future__ import annotations

import re
from typing import Any

import pytest

from clinic_tools.local.template import parse_template
from tests.conftest import ROOT
from tests.unit.sam_template import cfn_lint, resources_of_type

WAF_PATH = ROOT / "waf.yaml"
WAF = parse_template(WAF_PATH.read_text(encoding="utf-8"))
POST = {
    "ByteMatchStatement": {
        "FieldToMatch": {"Method": {}},
        "PositionalConstraint": "EXACTLY",
        "SearchString": "POST",
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
    }
}


@pytest.fixture(scope="module")
def acl() -> dict[str, Any]:
    (resource,) = resources_of_type(WAF, "AWS::WAFv2::WebACL").values()
    return resource["Properties"]


@pytest.fixture(scope="module")
def rules(acl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in acl["Rules"]}


def test_the_waf_template_passes_cfn_lint(pytestconfig: pytest.Config) -> None:
    assert cfn_lint(pytestconfig, WAF_PATH) == []


def test_the_web_acl_is_for_cloudfront_and_allows_what_no_rule_blocks(acl: dict[str, Any]) -> None:
    assert acl["Scope"] == "CLOUDFRONT"  # hence us-east-1
    assert acl["DefaultAction"] == {"Allow": {}}
    assert WAF["Outputs"]["WebAclArn"]["Value"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}


def test_every_rule_and_the_acl_report_metrics(
    acl: dict[str, Any], rules: dict[str, dict[str, Any]]
) -> None:
    for visibility in [acl["VisibilityConfig"], *(r["VisibilityConfig"] for r in rules.values())]:
        assert visibility["CloudWatchMetricsEnabled"] is True
        assert visibility["SampledRequestsEnabled"] is True
    priorities = [rule["Priority"] for rule in rules.values()]
    assert len(set(priorities)) == len(priorities)


def test_the_rate_rule_counts_form_posts_per_address(rules: dict[str, dict[str, Any]]) -> None:
    rule = rules["AppointmentPostsPerAddress"]
    statement = rule["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"  # CloudFront's viewer address
    assert statement["Limit"] == {"Ref": "AppointmentPostsPerWindow"}
    assert statement["EvaluationWindowSec"] == {"Ref": "RateWindowSeconds"}
    method, path = statement["ScopeDownStatement"]["AndStatement"]["Statements"]
    assert method == POST
    match = path["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"UriPath": {}}
    assert match["PositionalConstraint"] == "STARTS_WITH"
    assert match["SearchString"] == {"Ref": "AppointmentsPath"}
    assert [step["Type"] for step in match["TextTransformations"]] == ["URL_DECODE", "LOWERCASE"]
    assert WAF["Parameters"]["AppointmentsPath"]["Default"] == "/api/appointments"
    assert WAF["Parameters"]["AppointmentPostsPerWindow"]["MinValue"] >= 10  # WAF's lowest
    block = rule["Action"]["Block"]["CustomResponse"]
    assert block["ResponseCode"] == 429
    assert block["ResponseHeaders"] == [
        {"Name": "Retry-After", "Value": {"Ref": "RateWindowSeconds"}}
    ]


def test_large_post_bodies_are_blocked_by_our_own_size_rule(
    rules: dict[str, dict[str, Any]],
) -> None:
    rule = rules["PostBodyTooLarge"]
    method, size = rule["Statement"]["AndStatement"]["Statements"]
    assert method == POST
    constraint = size["SizeConstraintStatement"]
    assert constraint["FieldToMatch"] == {"Body": {"OversizeHandling": "MATCH"}}
    assert constraint["ComparisonOperator"] == "GT"
    assert constraint["Size"] == {"Ref": "MaxBodyBytes"}
    limits = WAF["Parameters"]["MaxBodyBytes"]
    # Never below the form's own limit (the function answers 413 past 10,240 bytes).
    assert limits["Default"] == 16384 and limits["MinValue"] >= 10240
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 413


def test_the_managed_common_and_known_bad_inputs_groups_block(
    rules: dict[str, dict[str, Any]],
) -> None:
    for name in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"):
        group = rules[name]["Statement"]["ManagedRuleGroupStatement"]
        assert (group["VendorName"], group["Name"]) == ("AWS", name)
        assert rules[name]["OverrideAction"] == {"None": {}}  # the group's own actions apply


def test_the_common_groups_8_kb_body_rule_only_counts(rules: dict[str, dict[str, Any]]) -> None:
    """A form of 8-10 KB is legitimate; PostBodyTooLarge is the size rule."""
    group = rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    assert group["RuleActionOverrides"] == [
        {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}
    ]
    assert (
        "RuleActionOverrides"
        not in (
            rules["AWSManagedRulesKnownBadInputsRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
        )
    )


def test_the_blocking_rules_answer_before_the_managed_groups(
    rules: dict[str, dict[str, Any]],
) -> None:
    order = sorted(rules, key=lambda name: rules[name]["Priority"])
    assert order[:2] == ["AppointmentPostsPerAddress", "PostBodyTooLarge"]


# --- template.yaml -----------------------------------------------------------------


def test_the_distribution_takes_the_web_acl_only_when_one_is_named(cfn: dict[str, Any]) -> None:
    parameter = cfn["Parameters"]["WebAclArn"]
    assert parameter["Default"] == ""  # no WAF unless waf.yaml's ARN is passed
    assert cfn["Conditions"]["HasWebAcl"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "WebAclArn"}, ""]}]
    }
    config = cfn["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert config["WebACLId"] == {
        "Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]
    }


@pytest.mark.parametrize(
    ("arn", "accepted"),
    [
        ("", True),
        ("arn:aws:wafv2:us-east-1:123456789012:global/webacl/clinic-edge/0a1b2c3d", True),
        ("arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/clinic-edge/0a1b2c3d", False),
        ("arn:aws:wafv2:eu-west-1:123456789012:global/webacl/clinic-edge/0a1b2c3d", False),
        ("0a1b2c3d-waf-classic-id", False),
    ],
)
def test_only_a_cloudfront_web_acl_from_us_east_1_is_accepted(
    cfn: dict[str, Any], arn: str, accepted: bool
) -> None:
    pattern = cfn["Parameters"]["WebAclArn"]["AllowedPattern"]
    assert bool(re.fullmatch(pattern, arn)) is accepted


def test_the_appointments_function_has_reserved_concurrency(cfn: dict[str, Any]) -> None:
    parameter = cfn["Parameters"]["AppointmentsReservedConcurrency"]
    assert parameter["Default"] == 10
    function = cfn["Resources"]["AppointmentsFunction"]["Properties"]
    assert function["ReservedConcurrentExecutions"] == {
        "Fn::If": [
            "ReservesAppointmentsConcurrency",
            {"Ref": "AppointmentsReservedConcurrency"},
            {"Ref": "AWS::NoValue"},
        ]
    }
    assert "ReservedConcurrentExecutions" not in cfn["Resources"]["ContentFunction"]["Properties"]


@pytest.mark.parametrize("function", ["ContentFunction", "AppointmentsFunction", "StaffFunction"])
def test_every_http_function_knows_the_edge_secret(cfn: dict[str, Any], function: str) -> None:
    env = cfn["Resources"][function]["Properties"]["Environment"]["Variables"]
    assert env["EDGE_ORIGIN_SECRET"] == {"Ref": "EdgeOriginSecret"}
