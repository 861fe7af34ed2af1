"""`clinic dev --reload` in a copy of the project: edits to content/ and functions/ are served.

A copy, so that the tests edit neither the real content/ nor the real handlers;
`clinic dev` runs in it as in a checkout (template.yaml, functions/, and the fixture
content as its content/).
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CONTENT, ROOT
from tests.fixture_content import ANXIETY
from tests.integration.conftest import ONE_WORKER, LocalStack, running_clinic_dev

pytestmark = pytest.mark.integration

SLUG = ANXIETY
TITLE = 'title: "Ketamine for anxiety: how soon does it help?"'
HEALTH = 'uncached_json({"status": "ok"})'
CHANGE_TIMEOUT_S = 60  # a 1 s poll, a publish and new workers' imports, on a busy machine


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "template.yaml", copy)
    shutil.copy(ROOT / "samconfig.toml", copy)  # the local parameter values
    shutil.copytree(CONTENT, copy / "content")
    # With its bytecode: copytree keeps each file's mtime, so the workers (which write no
    # .pyc) load it instead of compiling every module again, and an edited file's own
    # bytecode no longer matches it (another size and mtime), so the edit is what runs.
    shutil.copytree(ROOT / "functions", copy / "functions")
    return copy


@pytest.fixture(scope="module")
def reloading_stack(project: Path) -> Iterator[LocalStack]:
    with running_clinic_dev(
        *ONE_WORKER, "--content", str(project / "content"), "--reload", cwd=project
    ) as stack:
        yield stack


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def wait_until(check: Callable[[], bool], stack: LocalStack) -> None:
    deadline = time.monotonic() + CHANGE_TIMEOUT_S
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not served within {CHANGE_TIMEOUT_S} s:\n{stack.log.read_text()}")
        time.sleep(0.25)


def test_an_edited_title_is_served_after_the_republish(
    reloading_stack: LocalStack, project: Path
) -> None:
    url = f"{reloading_stack.api}/articles/{SLUG}"
    for _ in range(4):  # every worker warm, with the article in its cache
        assert get_json(url)["title"] == "Ketamine for anxiety: how soon does it help?"
    article = project / "content" / "articles" / f"{SLUG}.md"
    article.write_text(article.read_text().replace(TITLE, 'title: "Edited while running"'))
    wait_until(lambda: get_json(url)["title"] == "Edited while running", reloading_stack)
    # Every worker is a new one: none can answer from its cache of the old article.
    assert {get_json(url)["title"] for _ in range(4)} == {"Edited while running"}
    listed = get_json(f"{reloading_stack.api}/articles?limit=50")["items"]
    assert "Edited while running" in {item["title"] for item in listed}
    wait_until(
        lambda: "content/ changed: re-published (" in logged(reloading_stack), reloading_stack
    )


def logged(stack: LocalStack) -> str:
    return stack.log.read_text()


def test_an_edited_handler_is_served_after_the_reload(
    reloading_stack: LocalStack, project: Path
) -> None:
    health = f"{reloading_stack.api}/health"
    assert get_json(health) == {"status": "ok"}
    handler = project / "functions" / "clinic_api" / "content" / "handler.py"
    source = handler.read_text()
    assert HEALTH in source
    handler.write_text(source.replace(HEALTH, 'uncached_json({"status": "reloaded"})'))
    wait_until(lambda: get_json(health) == {"status": "reloaded"}, reloading_stack)
    # Said once the old workers have finished and stopped: a moment after the swap.
    wait_until(
        lambda: "functions/ changed: functions restarted" in logged(reloading_stack),
        reloading_stack,
    )
