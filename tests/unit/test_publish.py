"""`clinic publish` against moto: what reaches the bucket, in which order, and what is skipped.

A test whose subject is a later publish starts from the bucket as the first publish leaves
it through `publish_clinic`, which publishes the same files once per process and puts what
that stored back for the next test (95 ms against 15 ms); the publishes under test run here.

The publisher and the CLI import the content handler (for the OpenAPI document), whose
Powertools Metrics read their settings from the environment at import: they are imported
inside the helpers, after conftest's `fake_aws` has set that environment.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
import yaml

from clinic_tools.exit_codes import ExitCode
from clinic_tools.publish.loader import ContentError
from tests.conftest import BUCKET, CONTENT, ROOT
from tests.fixture_content import (
    ABOUT,
    DRAFT,
    INFUSION_VISIT,
    PUBLISH_AT,
    REVIEWER,
    SCHEDULED,
    SIDE_EFFECTS,
    TMS,
)
from tests.unit.small_clinic import publish_clinic

if TYPE_CHECKING:
    from clinic_tools.publish.upload import Plan

RENAMED = INFUSION_VISIT
SEARCH_INDEX = "search/index.tar"  # a tar, not JSON: its hash is of what it is built from
OTHER_FILES = {"site.json", "openapi.json", "index.json", SEARCH_INDEX}
SAMPLE_SLUGS = sorted(
    path.stem
    for path in (CONTENT / "articles").glob("*.md")
    if "\ndraft: true\n" not in path.read_text(encoding="utf-8")
)
SAMPLE_PAGES = sorted(path.stem for path in (CONTENT / "pages").glob("*.md"))
SAMPLE_PROVIDERS = sorted(yaml.safe_load((CONTENT / "authors.yaml").read_text(encoding="utf-8")))
SAMPLE_KEYS = (
    {f"articles/{slug}.json" for slug in SAMPLE_SLUGS}
    | {f"pages/{slug}.json" for slug in SAMPLE_PAGES}
    | {f"providers/{slug}.json" for slug in SAMPLE_PROVIDERS}
    | OTHER_FILES
)
UPLOADED = re.compile(r"^uploaded (\S+)$")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the fixture content that a test may change."""
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))


def run_publish(content: Path, s3: Any, **options: Any) -> tuple[Plan, list[str]]:
    """Publish `content` to the test bucket; the plan and the lines it reported."""
    from clinic_tools.publish.publisher import publish

    lines: list[str] = []
    plan = publish(content, BUCKET, s3, report=lines.append, **options)
    return plan, lines


def clinic(*argv: str) -> int:
    """`clinic ARGV...`: the console script's exit code."""
    from clinic_tools.cli import main

    return main(list(argv))


def uploaded(lines: list[str]) -> list[str]:
    """The keys of `uploaded KEY` lines, in report order (the summary line is not one)."""
    return [match[1] for line in lines if (match := UPLOADED.match(line))]


def stored_keys(s3: Any) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", ())}


def stored_json(s3: Any, key: str) -> Any:
    return json.loads(stored_bytes(s3, key))


def stored_bytes(s3: Any, key: str) -> bytes:
    return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def edit_front_matter(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def article_file(content: Path, slug: str) -> Path:
    return content / "articles" / f"{slug}.md"


# Uploads, order and skips


def test_a_first_publish_uploads_articles_site_openapi_and_index_last(
    s3: Any, content: Path
) -> None:
    put_keys: list[str] = []
    s3 = boto3.client("s3")  # its own: the hook must not outlive the test on the shared one
    s3.meta.events.register(
        "before-call.s3.PutObject", lambda params, **_: put_keys.append(params["url_path"])
    )
    plan, lines = run_publish(content, s3)

    assert put_keys[-1].endswith("/index.json")  # the PUTs themselves, not just the report
    assert any(key.endswith("/search/index.tar") for key in put_keys[:-1])

    assert stored_keys(s3) == SAMPLE_KEYS
    assert set(uploaded(lines)) == SAMPLE_KEYS
    assert uploaded(lines)[-1] == "index.json"
    assert len(uploaded(lines)) == len(SAMPLE_KEYS)
    assert {key for key, reason in plan.uploads if reason == "new"} == SAMPLE_KEYS
    assert lines[-1].startswith(f"uploaded {len(SAMPLE_KEYS)}, skipped 0 unchanged, deleted 0")


def test_a_second_publish_uploads_nothing(s3: Any, content: Path) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it

    plan, lines = run_publish(content, s3)

    assert plan.uploads == []
    assert set(plan.skipped) == SAMPLE_KEYS
    assert uploaded(lines) == []
    assert lines[-1].startswith(f"uploaded 0, skipped {len(SAMPLE_KEYS)} unchanged, deleted 0")


def test_a_new_description_re_uploads_just_that_article_and_the_indexes(
    s3: Any, content: Path
) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it
    slug = SIDE_EFFECTS
    edit_front_matter(article_file(content, slug), 'description: "', 'description: "Revised. ')

    plan, lines = run_publish(content, s3)

    changed = [f"articles/{slug}.json", SEARCH_INDEX, "index.json"]
    assert plan.uploads == [(key, "changed") for key in changed]
    assert uploaded(lines) == changed
    assert stored_json(s3, f"articles/{slug}.json")["description"].startswith("Revised. ")


def counted_client() -> tuple[Any, list[tuple[str, str]]]:
    """An S3 client of its own (the hook must not outlive the test on the shared one)
    that records each call it makes: (operation, key or "")."""
    calls: list[tuple[str, str]] = []
    client = boto3.client("s3")

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, params.get("Key", "")))  # the call's own parameters

    client.meta.events.register("before-parameter-build.s3.*", record)
    return client, calls


def test_an_incremental_publish_puts_the_changed_article_and_the_indexes_only(
    s3: Any, content: Path
) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it
    edit_front_matter(article_file(content, TMS), 'description: "', 'description: "Revised. ')
    counted, calls = counted_client()

    run_publish(content, counted)

    puts = [key for operation, key in calls if operation == "PutObject"]
    assert puts[:-1] and puts[-1] == "index.json"
    assert set(puts) == {f"articles/{TMS}.json", SEARCH_INDEX, "index.json"}
    assert len(puts) == 3
    # One listing tells unchanged bytes apart; only what has new bytes is asked about
    # (the search index has new bytes at every build: it is judged by what it is built from).
    heads = {key for operation, key in calls if operation == "HeadObject"}
    assert heads == set(puts)
    assert [operation for operation, _ in calls].count("ListObjectsV2") == 1


def test_an_unchanged_publish_makes_no_call_per_article(s3: Any, content: Path) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it
    counted, calls = counted_client()

    run_publish(content, counted)

    assert sorted(operation for operation, _ in calls) == [
        "HeadBucket",
        "HeadObject",  # the search index: its bytes differ at every build
        "ListObjectsV2",
    ]


def test_a_new_title_re_uploads_the_article_the_index_and_the_articles_linking_to_it(
    s3: Any, content: Path
) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it
    linking = {
        f"articles/{slug}.json"
        for slug in SAMPLE_SLUGS
        if RENAMED in [link["slug"] for link in stored_json(s3, f"articles/{slug}.json")["related"]]
    }
    assert linking  # several fixture articles share its tags
    listing = {  # the provider pages list their articles by title
        f"providers/{slug}.json"
        for slug in SAMPLE_PROVIDERS
        if RENAMED
        in [link["slug"] for link in stored_json(s3, f"providers/{slug}.json")["articles"]]
    }
    assert listing
    edit_front_matter(article_file(content, RENAMED), 'title: "Your ketamine', 'title: "A ketamine')

    _, lines = run_publish(content, s3)

    assert (
        set(uploaded(lines))
        == {f"articles/{RENAMED}.json", SEARCH_INDEX, "index.json"} | linking | listing
    )
    assert uploaded(lines)[-1] == "index.json"
    assert stored_json(s3, f"articles/{RENAMED}.json")["title"].startswith("A ketamine")


def test_the_content_hash_is_kept_in_the_object_metadata(s3: Any, content: Path) -> None:
    run_publish(content, s3)

    for key in SAMPLE_KEYS - {SEARCH_INDEX}:
        stored = s3.get_object(Bucket=BUCKET, Key=key)
        body = stored["Body"].read()
        assert stored["Metadata"]["content-sha256"] == hashlib.sha256(body).hexdigest(), key
        assert stored["ContentType"].startswith("application/json")


def test_an_object_changed_behind_our_back_is_uploaded_again(s3: Any, content: Path) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it
    s3.put_object(Bucket=BUCKET, Key="site.json", Body=b"{}", Metadata={"content-sha256": "x"})

    plan, _ = run_publish(content, s3)

    assert plan.uploads == [("site.json", "changed")]
    assert stored_json(s3, "site.json")["phoneRegion"] == "US"


# Dry run and prune


def test_a_dry_run_changes_nothing_and_reports_the_plan(s3: Any, content: Path) -> None:
    plan, lines = run_publish(content, s3, dry_run=True)

    assert stored_keys(s3) == set()
    assert {key for key, _ in plan.uploads} == SAMPLE_KEYS
    assert "would upload index.json (new)" in lines
    assert f"would upload articles/{SCHEDULED}.json (new)" in lines
    assert uploaded(lines) == []
    assert lines[-1].startswith(f"would upload {len(SAMPLE_KEYS)}, skipped 0 unchanged")


def test_a_dry_run_reports_changes_and_deletions_without_making_them(
    s3: Any, content: Path
) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it
    before = {key: stored_bytes(s3, key) for key in SAMPLE_KEYS}
    article_file(content, TMS).unlink()

    _, lines = run_publish(content, s3, dry_run=True, prune=True)

    assert f"would delete articles/{TMS}.json" in lines
    assert "would upload index.json (changed)" in lines
    assert {key: stored_bytes(s3, key) for key in stored_keys(s3)} == before


def test_prune_deletes_an_article_removed_from_content(s3: Any, content: Path) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it
    article_file(content, TMS).unlink()

    plan, lines = run_publish(content, s3, prune=True)

    assert plan.deletes == [f"articles/{TMS}.json"]
    assert f"deleted articles/{TMS}.json" in lines
    assert stored_keys(s3) == SAMPLE_KEYS - {f"articles/{TMS}.json"}
    listed = [summary["slug"] for summary in stored_json(s3, "index.json")["articles"]]
    assert TMS not in listed
    assert lines[-1].endswith("deleted 1")


def test_prune_deletes_a_page_and_a_provider_removed_from_content(s3: Any, content: Path) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it
    (content / "pages" / f"{ABOUT}.md").unlink()
    authors = yaml.safe_load((content / "authors.yaml").read_text(encoding="utf-8"))
    authors["dr-new-provider"] = authors.pop(REVIEWER)  # who reviewed its articles now
    (content / "authors.yaml").write_text(yaml.safe_dump(authors), encoding="utf-8")
    for path in (content / "articles").glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace(REVIEWER, "dr-new-provider"))

    plan, _ = run_publish(content, s3, prune=True)

    assert plan.deletes == [f"pages/{ABOUT}.json", f"providers/{REVIEWER}.json"]
    assert stored_json(s3, "site.json")["pages"] == []


def test_without_prune_a_removed_article_stays(s3: Any, content: Path) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it
    article_file(content, TMS).unlink()

    plan, lines = run_publish(content, s3)

    assert plan.deletes == []
    assert f"articles/{TMS}.json" in stored_keys(s3)
    assert "no --prune" in lines[-1]


def test_prune_leaves_keys_outside_articles_alone(s3: Any, content: Path) -> None:
    s3.put_object(Bucket=BUCKET, Key="search/index.json", Body=b"{}")

    run_publish(content, s3, prune=True)

    assert "search/index.json" in stored_keys(s3)


# Drafts, scheduled articles and bad content


def test_drafts_are_never_uploaded(s3: Any, content: Path) -> None:
    run_publish(content, s3)

    assert f"articles/{DRAFT}.json" not in stored_keys(s3)
    everything = json.dumps([stored_json(s3, key) for key in stored_keys(s3) - {SEARCH_INDEX}])
    assert DRAFT not in everything  # nor in the search index: see test_search_index.py


def test_the_scheduled_article_is_uploaded(s3: Any, content: Path) -> None:
    run_publish(content, s3)

    scheduled = stored_json(s3, f"articles/{SCHEDULED}.json")
    assert scheduled["publishedAt"] == PUBLISH_AT
    listed = [summary["slug"] for summary in stored_json(s3, "index.json")["articles"]]
    assert SCHEDULED in listed


def test_invalid_content_uploads_nothing_at_all(s3: Any, content: Path) -> None:
    edit_front_matter(
        article_file(content, TMS),
        "author: jonah-reyes-pmhnp",
        "author: dr-nobody",
    )

    with pytest.raises(ContentError, match="author"):
        run_publish(content, s3)

    assert stored_keys(s3) == set()


def test_invalid_content_leaves_a_published_bucket_as_it_was(s3: Any, content: Path) -> None:
    publish_clinic(content, s3)  # as a first publish leaves it
    before = {key: stored_bytes(s3, key) for key in SAMPLE_KEYS}
    article_file(content, TMS).unlink()
    edit_front_matter(article_file(content, SCHEDULED), "tags: [", "tittle: Oops\ntags: [")

    with pytest.raises(ContentError, match="tittle"):
        run_publish(content, s3, prune=True)

    assert {key: stored_bytes(s3, key) for key in stored_keys(s3)} == before


def test_duplicate_slugs_are_an_error(s3: Any, content: Path) -> None:
    original = article_file(content, TMS)
    copy = content / "articles" / "tms-again.md"
    copy.write_text(
        original.read_text(encoding="utf-8").replace("---\n", f"---\nslug: {TMS}\n", 1),
        encoding="utf-8",
    )

    with pytest.raises(ContentError) as caught:
        run_publish(content, s3)

    assert "slug" in str(caught.value)
    assert str(copy) in str(caught.value)
    assert str(original) in str(caught.value)
    assert stored_keys(s3) == set()


# The command line


def test_the_cli_publishes_and_prints_the_summary(
    s3: Any, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = clinic("publish", "--content", str(content), "--bucket", BUCKET)

    out = capsys.readouterr().out
    assert code == 0
    assert f"uploaded {len(SAMPLE_KEYS)}, skipped 0 unchanged, deleted 0" in out
    assert out.index("uploaded index.json") > max(
        out.index(f"uploaded {key}") for key in SAMPLE_KEYS - {"index.json"}
    )
    assert stored_keys(s3) == SAMPLE_KEYS


def test_the_cli_dry_run_prints_the_plan(
    s3: Any, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = clinic("publish", "--content", str(content), "--bucket", BUCKET, "--dry-run")

    assert code == 0
    assert "would upload index.json (new)" in capsys.readouterr().out
    assert stored_keys(s3) == set()


def test_the_cli_names_the_file_and_field_of_bad_content(
    s3: Any, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = article_file(content, TMS)
    edit_front_matter(bad, "date: 2026-08-11", "date: someday")

    code = clinic("publish", "--content", str(content), "--bucket", BUCKET)

    err = capsys.readouterr().err
    assert code == ExitCode.INVALID_CONTENT
    assert f"{bad}: date" in err
    assert stored_keys(s3) == set()


def test_the_cli_writes_an_openapi_document_for_every_route(tmp_path: Path) -> None:
    output = tmp_path / "openapi.json"

    code = clinic("openapi", "--output", str(output))

    document = json.loads(output.read_text(encoding="utf-8"))
    assert code == 0
    assert document["openapi"].startswith("3.1")
    from clinic_tools.local.template import load_template

    routes = load_template(ROOT / "template.yaml").routes
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    assert documented == {(route.method, route.path) for route in routes}
    parameters = document["paths"]["/articles"]["get"]["parameters"]
    assert {(parameter["name"], parameter["in"]) for parameter in parameters} == {
        ("limit", "query"),
        ("tag", "query"),
        ("cursor", "query"),
        ("If-None-Match", "header"),
    }
    assert {"Article", "ArticlePage", "Problem"} <= set(document["components"]["schemas"])


def test_the_published_openapi_document_is_the_one_the_cli_writes(
    s3: Any, content: Path, tmp_path: Path
) -> None:
    run_publish(content, s3)
    output = tmp_path / "openapi.json"
    # The same content: the document lists its services and providers (never content/'s).
    clinic("openapi", "--content", str(content), "--output", str(output))

    assert stored_json(s3, "openapi.json") == json.loads(output.read_text(encoding="utf-8"))


def test_a_mistyped_bucket_is_a_clear_error_even_in_a_dry_run(
    s3: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        clinic("publish", "--content", str(CONTENT), "--bucket", "no-such-bucket", "--dry-run") == 3
    )
    assert "No bucket 'no-such-bucket'" in capsys.readouterr().err
