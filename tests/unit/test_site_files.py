"""`clinic publish --site-bucket`: sitemap.xml and feed.xml of the published, due articles,
written to the site bucket (moto) only when they change."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from clinic_tools.exit_codes import ExitCode
from tests.conftest import BUCKET
from tests.unit.small_clinic import (
    BASE_URL,
    SITE_BUCKET,
    article,
    page,
    publish_clinic,
    publish_site,
    write_clinic,
)
from tests.unit.small_clinic import site_bucket as site_bucket  # a fixture

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
ARTICLES = {
    "newest": article(
        title="Ketamine & you: <what> to expect",
        description="Plain answers about ketamine & infusions.",
        date=dt.date(2026, 3, 2),
        updated=dt.date(2026, 4, 1),
        tags=["ketamine", "what-to-expect"],
    ),
    "older": article(
        title="TMS basics",
        date=dt.date(2026, 1, 5),
        publishAt="2026-01-06T09:30:00Z",
        author="sam-reed-np",
        tags=["tms"],
    ),
    "a-draft": article(title="Not yet written", draft=True),
    "scheduled": article(title="Coming soon", publishAt="2026-07-01T09:00:00Z"),
}


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return write_clinic(tmp_path / "content", ARTICLES, site={"tagLabels": {"tms": "TMS"}})


def site_object(s3: Any, key: str) -> dict[str, Any]:
    return s3.get_object(Bucket=SITE_BUCKET, Key=key)


def parsed(s3: Any, key: str) -> ET.Element:
    return ET.fromstring(site_object(s3, key)["Body"].read())  # noqa: S314 (our own output)


def site_keys(s3: Any) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=SITE_BUCKET).get("Contents", ())}


def texts(element: ET.Element, path: str) -> list[str]:
    return [found.text or "" for found in element.findall(path)]


# The sitemap


def test_the_sitemap_lists_home_and_the_due_articles_with_absolute_urls(
    site_bucket: Any, content: Path
) -> None:
    publish_site(content, site_bucket)

    stored = site_object(site_bucket, "sitemap.xml")
    assert stored["ContentType"] == "application/xml; charset=utf-8"
    assert stored["CacheControl"] == "public, max-age=300"
    urlset = parsed(site_bucket, "sitemap.xml")
    assert urlset.tag == f"{SITEMAP}urlset"
    assert texts(urlset, f"{SITEMAP}url/{SITEMAP}loc") == [
        f"{BASE_URL}/",
        f"{BASE_URL}/articles/newest",
        f"{BASE_URL}/articles/older",
        f"{BASE_URL}/providers",  # the team page, then each provider (authors.yaml's order)
        f"{BASE_URL}/providers/dr-ada-stone",
        f"{BASE_URL}/providers/sam-reed-np",
    ]
    assert texts(urlset, f"{SITEMAP}url/{SITEMAP}lastmod") == ["2026-04-01", "2026-01-06T09:30:00Z"]


def test_the_sitemap_lists_the_due_pages_after_the_articles(
    site_bucket: Any, content: Path
) -> None:
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text(page(updated=dt.date(2026, 5, 2)))
    (content / "pages" / "later.md").write_text(page(publishAt="2026-07-01T09:00:00Z"))
    (content / "pages" / "unwritten.md").write_text(page(draft=True))

    publish_site(content, site_bucket)

    urls = parsed(site_bucket, "sitemap.xml").findall(f"{SITEMAP}url")
    about = [url for url in urls if url.findtext(f"{SITEMAP}loc") == f"{BASE_URL}/pages/about"]
    assert [url.findtext(f"{SITEMAP}lastmod") for url in about] == ["2026-05-02"]
    assert "later" not in site_object(site_bucket, "sitemap.xml")["Body"].read().decode()
    assert "unwritten" not in site_object(site_bucket, "sitemap.xml")["Body"].read().decode()


def test_a_scheduled_article_joins_the_sitemap_and_feed_at_the_first_publish_when_due(
    site_bucket: Any, content: Path
) -> None:
    publish_site(content, site_bucket)
    assert "scheduled" not in site_object(site_bucket, "sitemap.xml")["Body"].read().decode()
    assert "scheduled" not in site_object(site_bucket, "feed.xml")["Body"].read().decode()

    later = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
    publish_clinic(content, site_bucket, site_bucket=SITE_BUCKET, now=later)

    locs = texts(parsed(site_bucket, "sitemap.xml"), f"{SITEMAP}url/{SITEMAP}loc")
    assert locs[1] == f"{BASE_URL}/articles/scheduled"
    feed = parsed(site_bucket, "feed.xml")
    assert texts(feed, f"{ATOM}entry/{ATOM}id")[0] == f"{BASE_URL}/articles/scheduled"


def test_a_base_url_with_a_path_keeps_it(site_bucket: Any, tmp_path: Path) -> None:
    content = write_clinic(
        tmp_path / "content", {"one": article()}, site={"baseUrl": "https://clinic.example/care/"}
    )
    publish_site(content, site_bucket)

    locs = texts(parsed(site_bucket, "sitemap.xml"), f"{SITEMAP}url/{SITEMAP}loc")
    assert locs[:3] == [
        "https://clinic.example/care/",
        "https://clinic.example/care/articles/one",
        "https://clinic.example/care/providers",
    ]


# The Atom feed


def test_the_feed_is_atom_with_the_required_elements(site_bucket: Any, content: Path) -> None:
    publish_site(content, site_bucket)

    stored = site_object(site_bucket, "feed.xml")
    assert stored["ContentType"] == "application/atom+xml; charset=utf-8"
    feed = parsed(site_bucket, "feed.xml")
    assert feed.tag == f"{ATOM}feed"
    assert texts(feed, f"{ATOM}id") == [f"{BASE_URL}/"]
    assert texts(feed, f"{ATOM}title") == ["Small Clinic"]
    assert texts(feed, f"{ATOM}updated") == ["2026-04-01T00:00:00Z"]  # its newest entry's
    links = {link.get("rel"): link.attrib for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == {
        "rel": "self",
        "type": "application/atom+xml",
        "href": f"{BASE_URL}/feed.xml",
    }
    assert links["alternate"]["href"] == f"{BASE_URL}/"
    assert texts(feed, f"{ATOM}author/{ATOM}name") == ["Small Clinic"]


def test_each_entry_links_the_article_and_summarises_it(site_bucket: Any, content: Path) -> None:
    publish_site(content, site_bucket)

    entries = parsed(site_bucket, "feed.xml").findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}id") for entry in entries] == [
        f"{BASE_URL}/articles/newest",
        f"{BASE_URL}/articles/older",
    ]
    newest, older = entries
    assert newest.findtext(f"{ATOM}title") == "Ketamine & you: <what> to expect"
    assert newest.findtext(f"{ATOM}summary") == "Plain answers about ketamine & infusions."
    link = newest.find(f"{ATOM}link")
    assert link is not None
    assert link.attrib == {
        "rel": "alternate",
        "type": "text/html",
        "href": f"{BASE_URL}/articles/newest",
    }
    assert newest.findtext(f"{ATOM}published") == "2026-03-02T00:00:00Z"
    assert newest.findtext(f"{ATOM}updated") == "2026-04-01T00:00:00Z"
    assert newest.findtext(f"{ATOM}author/{ATOM}name") == "Ada Stone"
    assert [(c.get("term"), c.get("label")) for c in newest.findall(f"{ATOM}category")] == [
        ("ketamine", "Ketamine"),
        ("what-to-expect", "What to expect"),
    ]
    assert older.findtext(f"{ATOM}published") == "2026-01-06T09:30:00Z"
    assert older.findtext(f"{ATOM}author/{ATOM}name") == "Sam Reed"
    assert [c.get("label") for c in older.findall(f"{ATOM}category")] == ["TMS"]


def test_a_clinic_without_due_articles_has_an_empty_but_valid_feed(
    site_bucket: Any, tmp_path: Path
) -> None:
    content = write_clinic(
        tmp_path / "content", {"soon": article(publishAt="2099-01-01T00:00:00Z")}
    )
    publish_site(content, site_bucket)

    feed = parsed(site_bucket, "feed.xml")
    assert feed.findall(f"{ATOM}entry") == []
    assert texts(feed, f"{ATOM}updated") == ["1970-01-01T00:00:00Z"]
    locs = texts(parsed(site_bucket, "sitemap.xml"), f"{SITEMAP}url/{SITEMAP}loc")
    assert [loc for loc in locs if "/articles/" in loc] == []
    assert locs[0] == f"{BASE_URL}/"


# Uploads


def test_site_files_are_uploaded_after_the_content_and_only_when_changed(
    site_bucket: Any, content: Path
) -> None:
    first = publish_site(content, site_bucket)
    assert first.index("uploaded index.json") < first.index("uploaded sitemap.xml")
    assert first[-1] == "site bucket: uploaded 2, skipped 0 unchanged"
    assert site_keys(site_bucket) == {"sitemap.xml", "feed.xml"}

    assert publish_site(content, site_bucket)[-1] == "site bucket: uploaded 0, skipped 2 unchanged"

    older = content / "articles" / "older.md"
    older.write_text(older.read_text().replace("What the article", "Now what the article"))
    lines = publish_site(content, site_bucket)
    assert "uploaded feed.xml" in lines  # the summary changed; the sitemap did not
    assert "uploaded sitemap.xml" not in lines
    assert lines[-1] == "site bucket: uploaded 1, skipped 1 unchanged"


def test_a_dry_run_writes_nothing_to_the_site_bucket(site_bucket: Any, content: Path) -> None:
    lines = publish_site(content, site_bucket, dry_run=True)

    assert "would upload sitemap.xml (new)" in lines
    assert "would upload feed.xml (new)" in lines
    assert lines[-1] == "site bucket: would upload 2, skipped 0 unchanged"
    assert site_keys(site_bucket) == set()


def test_without_a_base_url_they_are_skipped_and_the_publish_says_why(
    site_bucket: Any, tmp_path: Path
) -> None:
    content = write_clinic(tmp_path / "content", {"one": article()}, site={"baseUrl": None})

    lines = publish_site(content, site_bucket)

    assert site_keys(site_bucket) == set()
    assert any("not written" in line and "baseUrl" in line for line in lines)
    stored = site_bucket.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert "articles/one.json" in {item["Key"] for item in stored}  # the content is published


def test_a_missing_site_bucket_stops_the_publish_before_any_upload(s3: Any, content: Path) -> None:
    from clinic_tools.publish.publisher import MissingSiteBucket

    with pytest.raises(MissingSiteBucket):
        publish_site(content, s3)

    assert s3.list_objects_v2(Bucket=BUCKET).get("Contents") is None


def test_without_a_site_bucket_nothing_but_the_content_is_written(
    site_bucket: Any, content: Path
) -> None:
    publish_clinic(content, site_bucket)

    assert site_keys(site_bucket) == set()


# The command line


def test_the_cli_writes_them_with_site_bucket(
    site_bucket: Any, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from clinic_tools.cli import main

    code = main(
        ["publish", "--content", str(content), "--bucket", BUCKET, "--site-bucket", SITE_BUCKET]
    )

    assert code == 0
    assert "site bucket: uploaded 2" in capsys.readouterr().out
    assert site_keys(site_bucket) == {"sitemap.xml", "feed.xml"}


def test_the_cli_names_a_missing_site_bucket(
    s3: Any, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from clinic_tools.cli import main

    code = main(["publish", "--content", str(content), "--bucket", BUCKET, "--site-bucket", "nope"])

    assert code == ExitCode.AWS
    assert "No site bucket 'nope'" in capsys.readouterr().err
    assert s3.list_objects_v2(Bucket=BUCKET).get("Contents") is None
