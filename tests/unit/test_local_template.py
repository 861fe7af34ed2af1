"""The local stack's reading of a template: functions, routes, CORS and resources."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_tools.local.template import (
    BUCKET,
    SECRET,
    TABLES,
    TOPIC,
    LocalTemplate,
    Route,
    load_template,
    policy_headers,
)
from tests.unit.sam_template import TEMPLATE_PATH
from tests.unit.sample_template import load_sample, write_sample


@pytest.fixture
def template(tmp_path: Path) -> LocalTemplate:
    return load_sample(tmp_path)


def test_functions_take_globals_unless_they_say_otherwise(
    template: LocalTemplate, tmp_path: Path
) -> None:
    pages, fallback = template.functions["PagesFunction"], template.functions["FallbackFunction"]
    assert (pages.memory_mb, pages.timeout_s) == (1024, 5)
    assert (fallback.memory_mb, fallback.timeout_s) == (256, 5)
    assert pages.handler == "pages.handler.main"
    assert pages.code_uri == (tmp_path / "src").resolve()  # relative to the template


def test_environment_refs_resolve_to_the_local_names_and_arns(template: LocalTemplate) -> None:
    environment = template.functions["PagesFunction"].environment
    assert environment == {
        "LOG_LEVEL": "INFO",  # from Globals
        "SHARED": "from-function",  # the function's own value wins
        "BUCKET": "clinic-site-local",
        "UPLOADS": "clinic-local-uploads",  # its BucketName, with AWS::StackName resolved
        "TABLE": "clinic-requests-local",
        "TABLE_ARN": "arn:aws:dynamodb:us-east-1:123456789012:table/clinic-requests-local",
        "SESSIONS": "clinic-sessions-local",
        "TOPIC": "arn:aws:sns:us-east-1:123456789012:clinic-alerts-local",  # Ref to a topic: ARN
        "SECRET": "clinic-hash-local",
        "CACHE": "60",  # a parameter's default, as a string
        "ORIGINS": "http://localhost:5173;https://*.clinic.example",
        "OBJECTS": "arn:aws:s3:::clinic-site-local/*",
        "FLAG": "true",  # as CloudFormation writes a boolean
    }


def test_routes_come_from_the_httpapi_events_only(template: LocalTemplate) -> None:
    assert set(template.routes) == {
        Route("GET", "/pages", "PagesFunction"),
        Route("GET", "/pages/{slug}", "PagesFunction"),
        Route("ANY", "/files/{proxy+}", "PagesFunction"),  # no Method: any method
        Route("ANY", "$default", "FallbackFunction"),  # no Path: the default route
    }
    assert {route.key for route in template.routes} >= {"GET /pages/{slug}", "$default"}


def test_cors_configuration_is_resolved_and_normalised(template: LocalTemplate) -> None:
    cors = template.cors
    assert cors is not None
    assert cors.allow_origins == ("http://localhost:5173", "https://*.clinic.example")
    assert cors.allow_methods == ("GET", "POST")
    assert cors.allow_headers == ("content-type", "if-none-match")
    assert cors.expose_headers == ("etag",)
    assert (cors.max_age, cors.allow_credentials) == (600, False)


def test_resources_are_named_and_typed(template: LocalTemplate) -> None:
    assert {(resource.logical_id, resource.name) for resource in template.resources} == {
        ("SiteBucket", "clinic-site-local"),
        ("UploadsBucket", "clinic-local-uploads"),
        ("RequestsTable", "clinic-requests-local"),
        ("SessionsTable", "clinic-sessions-local"),
        ("AlertsTopic", "clinic-alerts-local"),
        ("HashSecret", "clinic-hash-local"),
    }
    assert len(template.named(BUCKET)) == 2
    assert len(template.named(*TABLES)) == 2
    assert [resource.logical_id for resource in template.named(TOPIC, SECRET)] == [
        "AlertsTopic",
        "HashSecret",
    ]


def test_a_table_keeps_its_keys_indexes_ttl_and_stream(template: LocalTemplate) -> None:
    (table,) = [
        resource for resource in template.resources if resource.name.endswith("requests-local")
    ]
    props = table.properties
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    (index,) = props["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "byStatus"
    assert [key["AttributeName"] for key in index["KeySchema"]] == ["status", "createdAt"]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert props["StreamSpecification"] == {"StreamViewType": "KEYS_ONLY"}


# --- parameter overrides, as `sam deploy --parameter-overrides` ------------------------


def test_overrides_replace_the_defaults_everywhere_they_are_used(tmp_path: Path) -> None:
    template = load_template(
        write_sample(tmp_path), {"Origins": "http://127.0.0.1:8000", "CacheSeconds": 5}
    )
    assert template.cors is not None
    assert template.cors.allow_origins == ("http://127.0.0.1:8000",)
    assert template.functions["PagesFunction"].environment["CACHE"] == "5"
    assert template.parameters["Origins"] == ["http://127.0.0.1:8000"]


def test_a_list_parameter_may_be_overridden_with_a_list(tmp_path: Path) -> None:
    origins = ["http://127.0.0.1:8000", "http://localhost:8000"]
    template = load_template(write_sample(tmp_path), {"Origins": origins})
    assert template.functions["PagesFunction"].environment["ORIGINS"] == ";".join(origins)


def test_an_unknown_parameter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no parameter 'Orgins'"):
        load_template(write_sample(tmp_path), {"Orgins": "http://127.0.0.1:8000"})


def test_an_override_is_checked_as_cloudformation_checks_it() -> None:
    with pytest.raises(ValueError, match="ThankYouUrl"):
        load_template(TEMPLATE_PATH, {"ThankYouUrl": "//evil.example/thanks"})
    with pytest.raises(ValueError, match="PriceClass"):
        load_template(TEMPLATE_PATH, {"PriceClass": "PriceClass_Cheapest"})


# --- the site's distribution, read from the real template ---------------------------


def test_the_site_distribution_names_its_bucket_and_headers() -> None:
    site = load_template(TEMPLATE_PATH).site
    assert site is not None
    assert site.bucket == "clinic-site-local"
    assert site.root_object == "index.html"
    assert "frame-ancestors 'none'" in site.headers["Content-Security-Policy"]
    assert site.headers["X-Content-Type-Options"] == "nosniff"
    assert site.headers["X-Frame-Options"] == "DENY"
    assert site.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert site.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("path", ["/staff", "/staff/", "/staff/index.html"])
def test_the_staff_paths_take_the_staff_behaviors_headers(path: str) -> None:
    site = load_template(TEMPLATE_PATH).site
    assert site is not None
    staff = site.headers_for(path)
    assert staff["Cache-Control"] == "no-store"
    assert "https://cognito-idp.us-east-1.amazonaws.com" in staff["Content-Security-Policy"]
    own = {"Cache-Control", "Content-Security-Policy", "X-Robots-Tag"}
    shared = {name: value for name, value in staff.items() if name not in own}
    assert shared == {k: v for k, v in site.headers.items() if k != "Content-Security-Policy"}


@pytest.mark.parametrize("path", ["/", "/articles/x", "/assets/js/staff.js", "/404.html"])
def test_every_other_path_takes_the_default_behaviors_headers(path: str) -> None:
    site = load_template(TEMPLATE_PATH).site
    assert site is not None
    assert site.headers_for(path) == site.headers
    assert "cognito" not in site.headers["Content-Security-Policy"]


def test_cloudfront_resources_are_read_not_created_and_the_site_bucket_is() -> None:
    template = load_template(TEMPLATE_PATH)
    assert not [r for r in template.resources if r.type.startswith("AWS::CloudFront::")]
    assert "clinic-site-local" in {bucket.name for bucket in template.named(BUCKET)}


def test_a_template_without_a_distribution_has_no_site(template: LocalTemplate) -> None:
    assert template.site is None


def test_policy_headers_follow_cloudfronts_spelling() -> None:
    config = {
        "SecurityHeadersConfig": {
            "StrictTransportSecurity": {
                "AccessControlMaxAgeSec": 600,
                "IncludeSubdomains": True,
                "Preload": True,
                "Override": True,
            },
            "FrameOptions": {"FrameOption": "SAMEORIGIN", "Override": True},
        },
        "CustomHeadersConfig": {"Items": [{"Header": "X-Clinic", "Value": "1", "Override": True}]},
    }
    assert policy_headers(config) == {
        "Strict-Transport-Security": "max-age=600; includeSubDomains; preload",
        "X-Frame-Options": "SAMEORIGIN",
        "X-Clinic": "1",
    }
