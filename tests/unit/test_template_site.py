"""The website in the template: a private bucket, one distribution, strict headers, /api/.

Checked on the CloudFormation the SAM transform produces, as the other template tests.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.unit.sam_template import as_list

MANAGED_CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
MANAGED_ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


@pytest.fixture(scope="module")
def distribution(cfn: dict[str, Any]) -> dict[str, Any]:
    resource = cfn["Resources"]["SiteDistribution"]
    assert resource["Type"] == "AWS::CloudFront::Distribution"
    return resource["Properties"]["DistributionConfig"]


def _behavior(distribution: dict[str, Any], pattern: str) -> dict[str, Any]:
    (behavior,) = [b for b in distribution["CacheBehaviors"] if b["PathPattern"] == pattern]
    return behavior


def _origin(distribution: dict[str, Any], origin_id: str) -> dict[str, Any]:
    (origin,) = [o for o in distribution["Origins"] if o["Id"] == origin_id]
    return origin


def test_the_site_bucket_is_private_encrypted_and_versioned(cfn: dict[str, Any]) -> None:
    bucket = cfn["Resources"]["SiteBucket"]
    assert bucket["Type"] == "AWS::S3::Bucket"
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_only_this_distribution_may_read_the_site_bucket(cfn: dict[str, Any]) -> None:
    policy = cfn["Resources"]["SiteBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "SiteBucket"}
    statements = policy["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    # GetObject only: without ListBucket a missing key is a 403, shown as the 404 page.
    assert as_list(allow["Action"]) == ["s3:GetObject"]
    assert allow["Resource"] == {"Fn::Sub": "${SiteBucket.Arn}/*"}
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert source == {
        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/"
        "${SiteDistribution}"
    }
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_distribution_reads_the_bucket_through_origin_access_control(
    cfn: dict[str, Any], distribution: dict[str, Any]
) -> None:
    origin = _origin(distribution, "site")
    assert origin["DomainName"] == {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy OAI
    oac = cfn["Resources"]["SiteOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert oac["OriginAccessControlOriginType"] == "s3"
    assert (oac["SigningBehavior"], oac["SigningProtocol"]) == ("always", "sigv4")


def test_the_site_is_https_http2_and_3_with_a_root_object(distribution: dict[str, Any]) -> None:
    assert distribution["Enabled"] is True
    assert distribution["HttpVersion"] == "http2and3"
    assert distribution["DefaultRootObject"] == "index.html"
    assert distribution["PriceClass"] == {"Ref": "PriceClass"}
    default = distribution["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == "site"
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["AllowedMethods"] == ["GET", "HEAD"]
    assert default["CachePolicyId"] == MANAGED_CACHING_OPTIMIZED
    assert default["Compress"] is True


def test_every_site_path_goes_through_the_path_rules(distribution: dict[str, Any]) -> None:
    (association,) = distribution["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association == {
        "EventType": "viewer-request",
        "FunctionARN": {"Fn::GetAtt": ["SitePathsFunction", "FunctionARN"]},
    }


def test_the_functions_are_published_cloudfront_js_2(cfn: dict[str, Any]) -> None:
    for name in ("SitePathsFunction", "SiteApiPrefixFunction"):
        resource = cfn["Resources"][name]
        assert resource["Type"] == "AWS::CloudFront::Function"
        props = resource["Properties"]
        assert props["AutoPublish"] is True
        assert props["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
        assert "function handler(event)" in props["FunctionCode"]
        assert len(props["FunctionCode"].encode()) < 10_240  # CloudFront's limit


def test_a_missing_object_is_the_404_page_and_the_apis_404s_are_left_alone(
    distribution: dict[str, Any],
) -> None:
    (error,) = distribution["CustomErrorResponses"]
    assert error["ErrorCode"] == 403
    assert (error["ResponseCode"], error["ResponsePagePath"]) == (404, "/404.html")


def test_the_api_is_under_api_on_its_own_origin(distribution: dict[str, Any]) -> None:
    origin = _origin(distribution, "api")
    assert origin["DomainName"] == {
        "Fn::Sub": "${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    api = _behavior(distribution, "/api/*")
    assert api["TargetOriginId"] == "api"
    assert api["ViewerProtocolPolicy"] == "https-only"  # a redirected POST loses its body
    assert set(api["AllowedMethods"]) == {
        "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"
    }  # fmt: skip
    assert api["OriginRequestPolicyId"] == MANAGED_ALL_VIEWER_EXCEPT_HOST
    (association,) = api["FunctionAssociations"]
    assert association["FunctionARN"] == {"Fn::GetAtt": ["SiteApiPrefixFunction", "FunctionARN"]}


def test_the_api_cache_honours_the_apis_cache_control(
    cfn: dict[str, Any], distribution: dict[str, Any]
) -> None:
    api = _behavior(distribution, "/api/*")
    assert api["CachePolicyId"] == {"Ref": "SiteApiCachePolicy"}
    config = cfn["Resources"]["SiteApiCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert (config["MinTTL"], config["DefaultTTL"]) == (0, 0)
    assert config["MaxTTL"] > 0
    key = config["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["EnableAcceptEncodingGzip"] is True
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "all"}
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}


def test_the_headers_policy_is_strict(cfn: dict[str, Any], distribution: dict[str, Any]) -> None:
    policy = {"Ref": "SiteHeadersPolicy"}
    assert distribution["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == policy
    assert _behavior(distribution, "/api/*")["ResponseHeadersPolicyId"] == policy
    config = cfn["Resources"]["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    directives = {
        name: " ".join(values)
        for name, *values in (part.split() for part in csp.split(";") if part.strip())
    }
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "connect-src": "'self'",  # the API is on this origin, under /api/
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }
    assert "unsafe" not in csp
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    assert all(header["Override"] for header in security.values())


def test_the_outputs_name_the_site(cfn: dict[str, Any]) -> None:
    outputs = cfn["Outputs"]
    assert outputs["SiteUrl"]["Value"] == {"Fn::Sub": "https://${SiteDistribution.DomainName}"}
    assert outputs["SiteBucketName"]["Value"] == {"Ref": "SiteBucket"}
    assert outputs["SiteDistributionId"]["Value"] == {"Ref": "SiteDistribution"}


def test_form_redirects_default_to_the_sites_own_pages(cfn: dict[str, Any]) -> None:
    parameters = cfn["Parameters"]
    assert parameters["ThankYouUrl"]["Default"] == "/request-appointment/thank-you"
    assert parameters["FormErrorUrl"]["Default"] == "/request-appointment/error"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/request-appointment/thank-you", True),
        ("/thanks?from=form", True),
        ("https://www.clinic.example/thanks", True),
        ("http://127.0.0.1:8000/request-appointment/thank-you", True),
        ("//evil.example/x", False),  # another host, to a browser
        ("/\\evil.example/x", False),  # the same, as browsers read a backslash
        ("/", False),
        ("javascript:alert(1)", False),
        ("thanks", False),
        ("https://clinic.example/a b", False),
    ],
)
def test_the_redirect_parameters_allow_urls_and_site_paths_only(
    cfn: dict[str, Any], url: str, allowed: bool
) -> None:
    for name in ("ThankYouUrl", "FormErrorUrl"):
        pattern = cfn["Parameters"][name]["AllowedPattern"]
        assert bool(re.fullmatch(pattern, url)) is allowed, (name, url)
