"""watch.py: which file changes count, and what `clinic dev` does about them."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from clinic_tools.local.watch import Reloader, SiteSync, Watcher
from clinic_tools.publish.upload import Plan
from tests.conftest import BUCKET, CONTENT
from tests.fixture_content import ANXIETY

SLUG = ANXIETY
TITLE = 'title: "Ketamine for anxiety: how soon does it help?"'


def touch(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_edits_additions_and_deletions_are_changes(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "one.md", "1")
    watcher = Watcher([tmp_path], lambda changed: None)
    assert watcher.changed() == []
    touch(tmp_path / "a" / "one.md", "one")
    assert watcher.changed() == [tmp_path]
    assert watcher.changed() == []  # reported once
    touch(tmp_path / "two.md", "2")
    assert watcher.changed() == [tmp_path]
    (tmp_path / "two.md").unlink()
    assert watcher.changed() == [tmp_path]


def test_bytecode_hidden_and_editor_files_are_not_changes(tmp_path: Path) -> None:
    watcher = Watcher([tmp_path], lambda changed: None)
    # The workers write bytecode when they import: that must not trigger a reload.
    touch(tmp_path / "pkg" / "__pycache__" / "handler.cpython-313.pyc", "x")
    touch(tmp_path / ".git" / "index", "x")
    touch(tmp_path / "article.md.swp", "x")
    touch(tmp_path / "article.md~", "x")
    assert watcher.changed() == []


def test_only_the_folders_that_changed_are_reported(tmp_path: Path) -> None:
    content, code = tmp_path / "content", tmp_path / "functions"
    touch(content / "a.md", "a")
    touch(code / "handler.py", "h")
    watcher = Watcher([content, code], lambda changed: None)
    touch(code / "handler.py", "handler")
    assert watcher.changed() == [code]


def test_the_thread_calls_back_after_a_change(tmp_path: Path) -> None:
    seen: list[list[Path]] = []
    called = threading.Event()

    def on_change(changed: list[Path]) -> None:
        seen.append(changed)
        called.set()

    watcher = Watcher([tmp_path], on_change, interval=0.05)
    watcher.start()
    try:
        touch(tmp_path / "new.md", "x")
        assert called.wait(5)
    finally:
        watcher.stop()
    assert seen == [[tmp_path]]


# --- Reloader -------------------------------------------------------------------


class FakeWorkers:
    def __init__(self, error: str | None = None) -> None:
        self.restarts = 0
        self.error = error

    def restart(self) -> None:
        if self.error:
            raise RuntimeError(self.error)
        self.restarts += 1


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def reloader(content: Path, s3: Any, workers: FakeWorkers, said: list[str]) -> Reloader:
    return Reloader(content, BUCKET, s3, workers, said.append)


def test_a_content_change_is_republished_then_the_functions_restart(content: Path, s3: Any) -> None:
    said: list[str] = []
    workers = FakeWorkers()
    reload = reloader(content, s3, workers, said)
    reload([content])  # the first publish, as `clinic dev` does at start
    article = content / "articles" / f"{SLUG}.md"
    article.write_text(article.read_text().replace(TITLE, 'title: "Edited title"'))
    reload([content])
    stored = s3.get_object(Bucket=BUCKET, Key=f"articles/{SLUG}.json")["Body"].read()
    assert json.loads(stored)["title"] == "Edited title"
    assert workers.restarts == 2  # so no warm cache serves the old title
    assert said[-1].startswith("clinic dev: content/ changed: re-published (")
    assert said[-1].endswith("functions restarted")
    assert len(said) == 2  # one line per change


def test_a_code_change_restarts_without_publishing(content: Path, s3: Any) -> None:
    said: list[str] = []
    workers = FakeWorkers()
    reloader(content, s3, workers, said)([content.parent / "functions"])
    assert workers.restarts == 1
    assert said == ["clinic dev: functions/ changed: functions restarted"]
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


def test_invalid_content_is_reported_and_nothing_restarts(content: Path, s3: Any) -> None:
    said: list[str] = []
    workers = FakeWorkers()
    article = content / "articles" / f"{SLUG}.md"
    article.write_text(article.read_text().replace("author: dr-nadia-brandt", "author: dr-nobody"))
    reloader(content, s3, workers, said)([content])
    assert workers.restarts == 0
    assert "not re-published" in said[0]
    assert f"{SLUG}.md" in said[0]


def test_invalid_content_is_named_by_the_path_clinic_dev_was_given(
    content: Path, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make dev` runs with `content`: an error says content/articles/x.md, as `clinic check`
    does, while the watcher reports the folder resolved."""
    monkeypatch.chdir(content.parent)
    said: list[str] = []
    article = content / "articles" / f"{SLUG}.md"
    article.write_text(article.read_text().replace("author: dr-nadia-brandt", "author: dr-nobody"))
    reloader(Path("content"), s3, FakeWorkers(), said)([content.resolve()])
    assert f"\ncontent/articles/{SLUG}.md: author: unknown author" in said[0]
    assert str(content) not in said[0]


def test_new_code_that_fails_to_import_is_reported(content: Path, s3: Any) -> None:
    said: list[str] = []
    workers = FakeWorkers(error="ContentFunction failed to import clinic_api.content.handler")
    reloader(content, s3, workers, said)([content.parent / "functions"])
    assert said == [
        "clinic dev: functions/ changed; ContentFunction failed to import "
        "clinic_api.content.handler: still running the previous code"
    ]


# --- the site -------------------------------------------------------------------


class FakeSite:
    def __init__(self, folder: Path) -> None:
        self.folder, self.renders = folder, 0

    def sync(self) -> Plan:
        self.renders += 1
        return Plan(uploads=[("index.html", "changed")])


def site_reloader(
    content: Path, s3: Any, workers: FakeWorkers, said: list[str], site: FakeSite
) -> Reloader:
    s3.create_bucket(Bucket="clinic-site-test")  # publish writes its sitemap there
    return Reloader(
        content,
        BUCKET,
        s3,
        workers,
        said.append,
        SiteSync(site.folder, "clinic-site-test", site.sync),
    )


def test_a_site_change_re_renders_the_site_and_restarts_nothing(
    content: Path, s3: Any, tmp_path: Path
) -> None:
    said: list[str] = []
    workers, site = FakeWorkers(), FakeSite(tmp_path / "site")
    site_reloader(content, s3, workers, said, site)([site.folder])
    assert (site.renders, workers.restarts) == (1, 0)
    assert said == ["clinic dev: site/ changed: site re-rendered (1 uploaded, 0 deleted)"]
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0  # nothing re-published


def test_a_content_change_re_renders_the_site_too(content: Path, s3: Any, tmp_path: Path) -> None:
    said: list[str] = []
    workers, site = FakeWorkers(), FakeSite(tmp_path / "site")
    site_reloader(content, s3, workers, said, site)([content])
    assert (site.renders, workers.restarts) == (1, 1)  # site.yaml may have changed
    assert "site re-rendered" in said[-1] and said[-1].endswith("functions restarted")


def test_a_publish_refused_for_a_missing_file_is_tried_again_when_site_changes(
    content: Path, s3: Any, tmp_path: Path
) -> None:
    """An author links /forms/intake.pdf, then adds site/forms/intake.pdf as the error says:
    the article went live only on the next edit to content/."""
    said: list[str] = []
    workers, site = FakeWorkers(), FakeSite(tmp_path / "site")
    site.folder.mkdir()
    reload = site_reloader(content, s3, workers, said, site)
    article = content / "articles" / f"{SLUG}.md"
    article.write_text(article.read_text() + "\nPrint [the form](/forms/intake.pdf).\n")
    reload([content])
    assert "not re-published" in said[-1] and "/forms/intake.pdf is no file" in said[-1]

    (site.folder / "forms").mkdir()
    (site.folder / "forms" / "intake.pdf").write_bytes(b"%PDF-1.4\n")
    reload([site.folder])

    assert said[-1].startswith("clinic dev: site/ changed: re-published (")
    assert said[-1].endswith("functions restarted")
    stored = s3.get_object(Bucket=BUCKET, Key=f"articles/{SLUG}.json")["Body"].read()
    assert "/forms/intake.pdf" in json.loads(stored)["html"]
    reload([site.folder])  # published now: a change to site/ alone re-renders it
    assert said[-1] == "clinic dev: site/ changed: site re-rendered (1 uploaded, 0 deleted)"


def test_while_content_is_refused_site_and_code_changes_still_take_effect(
    content: Path, s3: Any, tmp_path: Path
) -> None:
    """A retried publish that is refused again must not hold back the site's CSS, nor a
    code change that came with it."""
    said: list[str] = []
    workers, site = FakeWorkers(), FakeSite(tmp_path / "site")
    reload = site_reloader(content, s3, workers, said, site)
    article = content / "articles" / f"{SLUG}.md"
    article.write_text(article.read_text().replace("author: dr-nadia-brandt", "author: dr-nobody"))
    reload([content])
    assert (site.renders, workers.restarts) == (0, 0)  # refused: nothing else changes

    reload([site.folder])
    assert "not re-published" in said[-2]
    assert said[-1] == "clinic dev: site/ changed: site re-rendered (1 uploaded, 0 deleted)"
    reload([site.folder, content.parent / "functions"])
    assert (site.renders, workers.restarts) == (2, 1)
    assert said[-1].endswith("site re-rendered (1 uploaded, 0 deleted), functions restarted")
