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
MANAGED_CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
SITE_FUNCTIONS = [
    {
        "EventType": "viewer-request",
        "FunctionARN": {"Fn::GetAtt": ["SitePathsFunction", "FunctionARN"]},
    },
    {
        "EventType": "viewer-response",
        "FunctionARN": {"Fn::GetAtt": ["SiteStatusFunction", "FunctionARN"]},
    },
]


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
    # Reading only; ListBucket so that a missing file is a 404, not a 403.
    assert sorted(as_list(allow["Action"])) == ["s3:GetObject", "s3:ListBucket"]
    assert allow["Resource"] == [
        {"Fn::GetAtt": ["SiteBucket", "Arn"]},
        {"Fn::Sub": "${SiteBucket.Arn}/*"},
    ]
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


def test_every_site_path_goes_through_the_path_rules_and_status(
    distribution: dict[str, Any],
) -> None:
    assert distribution["DefaultCacheBehavior"]["FunctionAssociations"] == SITE_FUNCTIONS
    assert _behavior(distribution, "/staff*")["FunctionAssociations"] == SITE_FUNCTIONS


def test_the_functions_are_published_cloudfront_js_2(cfn: dict[str, Any]) -> None:
    for name in ("SitePathsFunction", "SiteStatusFunction", "SiteApiPrefixFunction"):
        resource = cfn["Resources"][name]
        assert resource["Type"] == "AWS::CloudFront::Function"
        props = resource["Properties"]
        assert props["AutoPublish"] is True
        assert props["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
        assert "function handler(event)" in props["FunctionCode"]
        assert len(props["FunctionCode"].encode()) < 10_240  # CloudFront's limit


def test_no_custom_error_page_replaces_the_apis_own_403_and_404(
    distribution: dict[str, Any],
) -> None:
    """Error pages apply to every behavior; the site's 404 page comes from its functions."""
    assert "CustomErrorResponses" not in distribution


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


def _csp(security: dict[str, Any]) -> dict[str, str]:
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    text = csp["Fn::Sub"] if isinstance(csp, dict) else csp
    assert "unsafe" not in text
    return {
        name: " ".join(values)
        for name, *values in (part.split() for part in text.split(";") if part.strip())
    }


def _policy(cfn: dict[str, Any], name: str) -> dict[str, Any]:
    return cfn["Resources"][name]["Properties"]["ResponseHeadersPolicyConfig"]


def test_the_headers_policy_is_strict(cfn: dict[str, Any], distribution: dict[str, Any]) -> None:
    policy = {"Ref": "SiteHeadersPolicy"}
    assert distribution["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == policy
    assert _behavior(distribution, "/api/*")["ResponseHeadersPolicyId"] == policy
    security = _policy(cfn, "SiteHeadersPolicy")["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert _csp(security) == {
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
    assert isinstance(csp, str)
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    assert all(header["Override"] for header in security.values())


def test_the_staff_page_is_never_cached_and_only_it_may_reach_cognito(
    cfn: dict[str, Any], distribution: dict[str, Any]
) -> None:
    staff = _behavior(distribution, "/staff*")
    assert distribution["CacheBehaviors"][0] is staff  # before any other pattern
    assert staff["TargetOriginId"] == "site"
    assert staff["ViewerProtocolPolicy"] == "redirect-to-https"
    assert staff["AllowedMethods"] == ["GET", "HEAD"]
    assert staff["CachePolicyId"] == MANAGED_CACHING_DISABLED
    assert staff["ResponseHeadersPolicyId"] == {"Ref": "SiteStaffHeadersPolicy"}
    site, inbox = _policy(cfn, "SiteHeadersPolicy"), _policy(cfn, "SiteStaffHeadersPolicy")
    site_csp, inbox_csp = _csp(site["SecurityHeadersConfig"]), _csp(inbox["SecurityHeadersConfig"])
    cognito = "https://cognito-idp.${AWS::Region}.amazonaws.com"
    assert inbox_csp == {**site_csp, "connect-src": f"'self' {cognito}"}
    same = {k: v for k, v in inbox["SecurityHeadersConfig"].items() if k != "ContentSecurityPolicy"}
    assert same == {
        k: v for k, v in site["SecurityHeadersConfig"].items() if k != "ContentSecurityPolicy"
    }
    extra = inbox["CustomHeadersConfig"]["Items"][len(site["CustomHeadersConfig"]["Items"]) :]
    assert {item["Header"]: (item["Value"], item["Override"]) for item in extra} == {
        "Cache-Control": ("no-store", True),
        "X-Robots-Tag": ("noindex, nofollow", True),
    }


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
        ("http://127.0.0.1:8000/request-appointment/thank-you", False),  # https only
        ("http://www.clinic.example/thanks", False),
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


def test_media_is_cached_as_its_objects_say_with_the_sites_headers_and_no_function(
    distribution: dict[str, Any],
) -> None:
    # clinic publish stores each copy with a year's immutable Cache-Control (its name
    # is a hash); CachingOptimized honours it. The key is the URI: no path rule to run.
    media = _behavior(distribution, "/media/*")
    assert media["TargetOriginId"] == "site"
    assert media["ViewerProtocolPolicy"] == "redirect-to-https"
    assert media["AllowedMethods"] == ["GET", "HEAD"]
    assert media["CachePolicyId"] == MANAGED_CACHING_OPTIMIZED
    assert media["ResponseHeadersPolicyId"] == {"Ref": "SiteHeadersPolicy"}
    assert "FunctionAssociations" not in media
