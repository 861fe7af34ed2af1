"""Uploading the rendered site: what changed only, with its Content-Type and Cache-Control."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clinic_tools.site.render import RenderedFile
from clinic_tools.site.upload import (
    ASSET_CACHE,
    PAGE_CACHE,
    stale_paths,
    sync_site,
    upload_site,
)
from tests.aws_world import AwsWorld
from tests.unit.site_fixtures import settings_only_content, write_site
from tests.worker_plugin import fresh_world, shared_client

SITE_BUCKET = "clinic-site-test"
HTML = "text/html; charset=utf-8"


@pytest.fixture
def s3(aws_world: AwsWorld, fake_aws: None) -> Iterator[Any]:
    with fresh_world(aws_world, published=False):
        client = shared_client("s3")
        client.create_bucket(Bucket=SITE_BUCKET)
        yield client


def files(**bodies: str) -> dict[str, RenderedFile]:
    kinds = {"html": HTML, "css": "text/css; charset=utf-8", "json": "application/json"}
    return {
        key.replace("__", "/").replace("_", "."): RenderedFile(
            body.encode(), kinds[key.rsplit("_", 1)[-1]]
        )
        for key, body in bodies.items()
    }


def stored(s3: Any, key: str) -> dict[str, Any]:
    return s3.get_object(Bucket=SITE_BUCKET, Key=key)


def test_pages_and_config_must_revalidate_and_assets_are_cached_longer(s3: Any) -> None:
    upload_site(
        files(index_html="<h1>Home</h1>", config_json="{}", assets__theme_css="a{}"),
        SITE_BUCKET,
        s3,
        report=lambda _: None,
    )
    page, config, asset = (stored(s3, k) for k in ("index.html", "config.json", "assets/theme.css"))
    assert (page["ContentType"], page["CacheControl"]) == (HTML, PAGE_CACHE)
    assert config["CacheControl"] == PAGE_CACHE
    assert (asset["ContentType"], asset["CacheControl"]) == ("text/css; charset=utf-8", ASSET_CACHE)
    assert page["Body"].read() == b"<h1>Home</h1>"


def test_only_what_changed_is_uploaded_and_what_is_gone_is_deleted(s3: Any) -> None:
    quiet = lambda _: None  # noqa: E731
    upload_site(
        files(index_html="one", old_html="old", assets__theme_css="a{}"), SITE_BUCKET, s3, quiet
    )
    plan = upload_site(files(index_html="two", assets__theme_css="a{}"), SITE_BUCKET, s3, quiet)
    assert plan.uploads == [("index.html", "changed")]
    assert plan.skipped == ["assets/theme.css"]
    assert plan.deletes == ["old.html"]
    assert stale_paths(plan) == ["/index.html", "/old.html"]
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=SITE_BUCKET)["Contents"]}
    assert keys == {"index.html", "assets/theme.css"}


def test_the_sitemap_and_feed_written_by_publish_are_kept(s3: Any) -> None:
    for key in ("sitemap.xml", "feed.xml"):
        s3.put_object(Bucket=SITE_BUCKET, Key=key, Body=b"<xml/>")
    plan = upload_site(files(index_html="home"), SITE_BUCKET, s3, report=lambda _: None)
    assert plan.deletes == []
    assert s3.head_object(Bucket=SITE_BUCKET, Key="sitemap.xml")


def test_new_headers_for_the_same_bytes_are_an_upload(s3: Any) -> None:
    upload_site(files(page_css="same"), SITE_BUCKET, s3, report=lambda _: None)
    as_page = {"page.css": RenderedFile(b"same", HTML)}  # now served as a page
    plan = upload_site(as_page, SITE_BUCKET, s3, report=lambda _: None)
    assert plan.uploads == [("page.css", "changed")]
    assert stored(s3, "page.css")["CacheControl"] == PAGE_CACHE


def test_sync_renders_site_with_the_settings_and_the_api_base(s3: Any, tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    content = settings_only_content(tmp_path / "content")
    sync_site(site, content, "http://127.0.0.1:3000", SITE_BUCKET, s3, report=lambda _: None)
    config = json.loads(stored(s3, "config.json")["Body"].read())
    assert config == {"apiBase": "http://127.0.0.1:3000"}
    assert stored(s3, "index.html")["ContentType"].startswith("text/html")
    assert stored(s3, "assets/css/theme.css")["CacheControl"] == ASSET_CACHE
