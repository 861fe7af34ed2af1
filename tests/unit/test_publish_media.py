"""`clinic publish --site-bucket` puts the pictures' copies under media/ (moto): each with its
type and a year's cache, only those the bucket lacks, and `clinic site deploy` leaves them."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags

from clinic_tools.publish.images import YEAR_CACHE, read_picture
from tests.conftest import BUCKET
from tests.pictures import drawing, opened, photo
from tests.unit.small_clinic import SITE_BUCKET, article, publish_site, write_clinic
from tests.unit.small_clinic import site_bucket as site_bucket  # a fixture
from tests.worker_plugin import shared_client

BODY = "Intro.\n\n![A diagram of the visit](images/visit.png)"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    feature = {"src": "room.jpg", "alt": "A calm treatment room"}
    root = write_clinic(tmp_path / "content", {"the-article": article(BODY, image=feature)})
    photo(root / "images" / "room.jpg", 1700, 1000, orientation=6)
    drawing(root / "images" / "visit.png", 700, 300)
    return root


def media(s3: Any) -> dict[str, dict[str, Any]]:
    listed = s3.list_objects_v2(Bucket=SITE_BUCKET, Prefix="media/").get("Contents", ())
    return {item["Key"]: s3.head_object(Bucket=SITE_BUCKET, Key=item["Key"]) for item in listed}


def uploaded_media(lines: list[str]) -> list[str]:
    return sorted(
        line.removeprefix("uploaded ") for line in lines if line.startswith("uploaded media/")
    )


def test_every_copy_is_uploaded_with_its_type_and_a_years_cache(
    site_bucket: Any, content: Path
) -> None:
    lines = publish_site(content, site_bucket)
    stored = media(site_bucket)
    # The photo: 480, 960, 1000 wide once upright (1000x1700); the drawing: 480, 700.
    assert len(stored) == 2 * 3 + 2 * 2
    assert uploaded_media(lines) == sorted(stored)
    types = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}
    for key, head in stored.items():
        assert head["ContentType"] == types[key.rsplit(".", 1)[1]], key
        assert head["CacheControl"] == YEAR_CACHE == "public, max-age=31536000, immutable"
    assert "media: uploaded 10, skipped 0 already there" in lines


def test_the_upload_threads_report_one_line_at_a_time(site_bucket: Any, content: Path) -> None:
    """Lines reach `report` whole: `clinic dev` prints them, and print writes a line and its
    newline apart (two threads' lines ran together)."""
    from clinic_tools.publish.media import publish_media

    sources = [f"diagram-{width}.png" for width in range(600, 606)]  # as long to make each
    for src in sources:
        drawing(content / "images" / src, int(src[8:11]), 300)
    pictures = {src: read_picture(content / "images", src) for src in sources}
    inside: list[str] = []

    def report(line: str) -> None:
        inside.append(line)
        time.sleep(0.005)  # another thread would come in meanwhile
        assert inside == [line], inside
        inside.clear()

    plan = publish_media(pictures, SITE_BUCKET, site_bucket, report=report)
    assert len(plan.uploads) == 4 * len(sources)  # two widths, WebP and PNG


def test_publishing_by_the_stacks_name_fills_both_its_buckets(
    site_bucket: Any, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from clinic_tools.cli import main

    outputs = {"ContentBucketName": BUCKET, "SiteBucketName": SITE_BUCKET}
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    shared_client("cloudformation").create_stack(
        StackName="clinic-prod", TemplateBody=json.dumps(template)
    )
    assert main(["publish", "--stack", "clinic-prod", "--content", str(content)]) == 0
    assert len(media(site_bucket)) == 10
    assert site_bucket.head_object(Bucket=BUCKET, Key="index.json")
    assert main(["publish", "--stack", "clinic-test", "--content", str(content)]) == 3
    assert "No stack 'clinic-test' in this account and region." in capsys.readouterr().err
    template["Outputs"].pop("SiteBucketName")
    shared_client("cloudformation").create_stack(
        StackName="other-app", TemplateBody=json.dumps(template)
    )
    assert main(["publish", "--stack", "other-app", "--content", str(content)]) == 3
    assert "Stack 'other-app' has no SiteBucketName output" in capsys.readouterr().err


def test_the_uploaded_photo_has_no_location_left(site_bucket: Any, content: Path) -> None:
    publish_site(content, site_bucket)
    digest = read_picture(content / "images", "room.jpg").digest
    keys = [key for key in media(site_bucket) if key.startswith(f"media/{digest}-")]
    assert len(keys) == 6
    for key in keys:
        body = site_bucket.get_object(Bucket=SITE_BUCKET, Key=key)["Body"].read()
        image = opened(body)
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo) and b"Exif" not in body, key
        assert image.height > image.width, key  # turned upright


def test_the_article_names_only_copies_that_are_in_the_site_bucket(
    site_bucket: Any, content: Path
) -> None:
    import json
    import re

    publish_site(content, site_bucket)
    document = json.loads(
        site_bucket.get_object(Bucket=BUCKET, Key="articles/the-article.json")["Body"].read()
    )
    named = set(re.findall(r"/(media/[0-9a-f]{16}-\d+\.\w+)", json.dumps(document)))
    assert named and named <= set(media(site_bucket))


def test_a_second_publish_uploads_no_copy(site_bucket: Any, content: Path) -> None:
    publish_site(content, site_bucket)
    again = publish_site(content, site_bucket)
    assert uploaded_media(again) == []
    assert "media: uploaded 0, skipped 10 already there" in again


def test_a_changed_picture_uploads_only_its_own_new_copies(site_bucket: Any, content: Path) -> None:
    publish_site(content, site_bucket)
    before = set(media(site_bucket))
    drawing(content / "images" / "visit.png", 900, 300)  # redrawn wider
    lines = publish_site(content, site_bucket)
    added = set(media(site_bucket)) - before
    assert uploaded_media(lines) == sorted(added)
    assert len(added) == 2 * 2 and all(key.endswith((".png", ".webp")) for key in added)
    assert "media: uploaded 4, skipped 6 already there" in lines  # the photo's six


def test_a_dry_run_uploads_no_copy_and_says_which_it_would(site_bucket: Any, content: Path) -> None:
    lines = publish_site(content, site_bucket, dry_run=True)
    assert media(site_bucket) == {}
    assert sum(line.startswith("would upload media/") for line in lines) == 10


def test_without_a_site_bucket_the_publish_says_the_pictures_were_not_uploaded(
    s3: Any, content: Path
) -> None:
    from clinic_tools.publish.publisher import publish as publish_only_content

    lines: list[str] = []
    publish_only_content(content, BUCKET, s3, report=lines.append)
    assert "2 picture(s) not uploaded: they go to the site bucket," in lines


def test_a_site_deploy_keeps_the_copies_that_publish_wrote(
    site_bucket: Any, content: Path, tmp_path: Path
) -> None:
    from clinic_tools.site.render import RenderedFile
    from clinic_tools.site.upload import upload_site

    publish_site(content, site_bucket)
    copies = set(media(site_bucket))
    page = {"index.html": RenderedFile(b"<!doctype html><title>x</title>", "text/html")}
    plan = upload_site(page, SITE_BUCKET, site_bucket, report=lambda line: None)
    assert not any(key.startswith("media/") for key in plan.deletes)
    assert set(media(site_bucket)) == copies
