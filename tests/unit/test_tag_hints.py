"""A tag that looks like a slip is named by `clinic check` and `clinic publish`, which go on."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from clinic_tools.publish.loader import load_content
from clinic_tools.publish.tag_hints import tag_hints
from tests.conftest import CONTENT
from tests.fixture_content import ANXIETY


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))


def retag(content: Path, slug: str, old: str, new: str) -> Path:
    path = content / "articles" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert f"tags: [{old}," in text
    path.write_text(text.replace(f"tags: [{old},", f"tags: [{new},", 1), encoding="utf-8")
    return path


def test_tags_in_use_and_new_ones_far_from_them_get_no_hint(content: Path) -> None:
    assert tag_hints(load_content(content)) == []
    retag(content, ANXIETY, "ketamine", "sleep")  # a new tag, one article so far
    assert tag_hints(load_content(content)) == []


def test_a_tag_one_typo_from_one_in_use_is_named_with_it(content: Path) -> None:
    path = retag(content, ANXIETY, "ketamine", "ketamnie")  # a swap: one typo
    assert tag_hints(load_content(content)) == [
        f"{path}: tags: 'ketamnie' is on no other article; did you mean 'ketamine'?"
    ]


def test_clinic_check_and_publish_say_it_and_go_on(
    content: Path, capsys: pytest.CaptureFixture[str], s3: Any
) -> None:
    from clinic_tools.cli import main
    from clinic_tools.exit_codes import ExitCode
    from clinic_tools.publish.publisher import publish
    from tests.conftest import BUCKET

    retag(content, ANXIETY, "ketamine", "ketamin")
    assert main(["check", "--content", str(content)]) == ExitCode.OK
    said = capsys.readouterr().out
    assert "ready to publish" in said and "did you mean 'ketamine'?" in said
    reported: list[str] = []
    publish(content, BUCKET, s3, report=reported.append)
    assert any("'ketamin' is on no other article" in line for line in reported)
