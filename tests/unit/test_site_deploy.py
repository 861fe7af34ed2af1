"""`clinic site deploy`: the outputs say where, the upload says what, CloudFront forgets it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clinic_tools.cli import main
from clinic_tools.exit_codes import ExitCode
from clinic_tools.site.deploy import deploy_site
from clinic_tools.stack_outputs import StackError
from tests.aws_world import AwsWorld
from tests.unit.site_fixtures import settings_only_content, write_site
from tests.worker_plugin import fresh_world, shared_client

STACK = "clinic-test"
SITE_BUCKET = "clinic-site-test"


@dataclass
class Aws:
    cloudformation: Any
    s3: Any
    cloudfront: Any
    distribution_id: str
    site: Path
    content: Path

    def deploy(self) -> Any:
        return deploy_site(
            STACK,
            self.content,
            self.site,
            self.cloudformation,
            self.s3,
            self.cloudfront,
            report=lambda _: None,
        )

    def invalidations(self) -> list[list[str]]:
        listed = self.cloudfront.list_invalidations(DistributionId=self.distribution_id)
        found = []
        for item in listed["InvalidationList"].get("Items", []):
            batch = self.cloudfront.get_invalidation(
                DistributionId=self.distribution_id, Id=item["Id"]
            )["Invalidation"]["InvalidationBatch"]
            found.append(batch["Paths"]["Items"])
        return found


def _distribution(cloudfront: Any) -> dict[str, Any]:
    origin = f"{SITE_BUCKET}.s3.us-east-1.amazonaws.com"
    config = {
        "CallerReference": "test",
        "Comment": "site",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": origin}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "https-only"},
    }
    return cloudfront.create_distribution(DistributionConfig=config)["Distribution"]


def _stack_template(distribution: dict[str, Any], **outputs: str) -> str:
    """A stack with the outputs the real template gives (moto creates no distribution)."""
    return json.dumps(
        {
            "Resources": {
                "SiteBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": SITE_BUCKET}}
            },
            "Outputs": {
                "SiteUrl": {"Value": f"https://{distribution['DomainName']}"},
                "SiteBucketName": {"Value": {"Ref": "SiteBucket"}},
                "SiteDistributionId": {"Value": distribution["Id"]},
                **{name: {"Value": value} for name, value in outputs.items()},
            },
        }
    )


@pytest.fixture
def aws(aws_world: AwsWorld, fake_aws: None, tmp_path: Path) -> Iterator[Aws]:
    with fresh_world(aws_world, published=False):
        cloudformation, cloudfront = shared_client("cloudformation"), shared_client("cloudfront")
        distribution = _distribution(cloudfront)
        cloudformation.create_stack(StackName=STACK, TemplateBody=_stack_template(distribution))
        yield Aws(
            cloudformation,
            shared_client("s3"),
            cloudfront,
            distribution["Id"],
            write_site(tmp_path / "site"),
            settings_only_content(tmp_path / "content"),
        )


def test_the_first_deploy_uploads_the_site_with_the_api_under_api(aws: Aws) -> None:
    deployed = aws.deploy()
    assert deployed.site.bucket == SITE_BUCKET
    assert deployed.site.url.startswith("https://")
    config = aws.s3.get_object(Bucket=SITE_BUCKET, Key="config.json")["Body"].read()
    assert json.loads(config) == {"apiBase": "/api"}
    assert aws.s3.head_object(Bucket=SITE_BUCKET, Key="index.html")["ContentType"].startswith(
        "text/html"
    )
    assert deployed.invalidated == []  # nothing was cached yet
    assert aws.invalidations() == []


def test_the_staff_pool_outputs_tell_the_inbox_page_where_to_sign_in(aws: Aws) -> None:
    (distribution,) = aws.cloudfront.list_distributions()["DistributionList"]["Items"]
    outputs = {"StaffUserPoolId": "eu-west-1_Ab12Cd", "StaffUserPoolClientId": "client123"}
    body = _stack_template(distribution, **outputs)
    aws.cloudformation.update_stack(StackName=STACK, TemplateBody=body)
    aws.deploy()
    config = aws.s3.get_object(Bucket=SITE_BUCKET, Key="config.json")["Body"].read()
    assert json.loads(config)["staff"] == {
        "cognitoEndpoint": "https://cognito-idp.eu-west-1.amazonaws.com/",
        "clientId": "client123",
        "region": "eu-west-1",
    }


def test_the_404_page_is_stored_with_its_status(aws: Aws) -> None:
    aws.deploy()
    head = aws.s3.head_object(Bucket=SITE_BUCKET, Key="404.html")
    assert head["Metadata"]["status"] == "404"
    assert "status" not in aws.s3.head_object(Bucket=SITE_BUCKET, Key="index.html")["Metadata"]


def test_a_changed_page_and_a_deleted_asset_are_invalidated(aws: Aws) -> None:
    aws.deploy()
    (aws.site / "index.html").write_text("<!doctype html><title>New home</title>")
    (aws.site / "assets" / "js" / "app.js").unlink()
    deployed = aws.deploy()
    assert deployed.invalidated == ["/assets/js/app.js", "/index.html"]
    assert aws.invalidations() == [["/assets/js/app.js", "/index.html"]]


def test_an_unchanged_site_uploads_and_invalidates_nothing(aws: Aws) -> None:
    aws.deploy()
    deployed = aws.deploy()
    assert deployed.plan.uploads == [] and deployed.plan.deletes == []
    assert deployed.invalidation_id is None


def test_many_stale_paths_become_one_wildcard(aws: Aws) -> None:
    aws.deploy()
    for number in range(20):
        (aws.site / f"page-{number}.html").write_text("x")
    aws.deploy()
    for number in range(20):
        (aws.site / f"page-{number}.html").write_text("y")
    assert aws.deploy().invalidated == ["/*"]


def test_a_stack_without_the_site_outputs_is_explained(aws: Aws) -> None:
    aws.cloudformation.create_stack(
        StackName="older",
        TemplateBody=json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}),
    )
    with pytest.raises(StackError, match="SiteBucketName"):
        deploy_site("older", aws.content, aws.site, aws.cloudformation, aws.s3, aws.cloudfront)


def test_the_command_deploys_and_reports_failures(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    site, content = str(aws.site), str(aws.content)
    assert main(["site", "deploy", "--stack", STACK, "--site", site, "--content", content]) == 0
    assert "site: https://" in capsys.readouterr().out
    assert (
        main(["site", "deploy", "--stack", "missing", "--site", site, "--content", content])
        == ExitCode.AWS
    )
    (aws.content / "site.yaml").write_text("name: [unclosed\n")
    assert (
        main(["site", "deploy", "--stack", STACK, "--site", site, "--content", content])
        == ExitCode.INVALID_CONTENT
    )
