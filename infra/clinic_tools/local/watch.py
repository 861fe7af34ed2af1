"""What `clinic dev` does when files change: re-publish content/, restart the functions.

A polling thread (file sizes and mtimes, once a second) rather than OS file events:
it needs no extra dependency, behaves the same on every OS and in containers and
network folders, and a second of delay is nothing next to a browser reload.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from clinic_tools.publish.loader import ContentError
from clinic_tools.publish.publisher import publish

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

POLL_SECONDS = 1.0
# Editor swap and backup files, and the bytecode the workers themselves write.
_IGNORED_SUFFIXES = (".pyc", ".swp", ".swx", ".tmp", "~")

Snapshot = dict[Path, tuple[int, int]]


def snapshot(folder: Path) -> Snapshot:
    """(mtime, size) of every file under `folder` that a change should react to."""
    files: Snapshot = {}
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") or part == "__pycache__" for part in relative):
            continue
        if path.name.endswith(_IGNORED_SUFFIXES):
            continue
        try:
            stat = path.stat()
        except OSError:  # deleted between listing and stat
            continue
        if path.is_file():
            files[path] = (stat.st_mtime_ns, stat.st_size)
    return files


class Watcher:
    """Calls `on_change(changed folders)` from its own thread after files under them change."""

    def __init__(
        self,
        folders: Iterable[Path],
        on_change: Callable[[list[Path]], None],
        interval: float = POLL_SECONDS,
    ) -> None:
        self._snapshots = {folder: snapshot(folder) for folder in folders}
        self._on_change = on_change
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="watcher", daemon=True)

    def changed(self) -> list[Path]:
        """The folders whose files differ from the last look (added, edited or deleted)."""
        changed = []
        for folder, before in self._snapshots.items():
            now = snapshot(folder)
            if now != before:
                self._snapshots[folder] = now
                changed.append(folder)
        return changed

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(self._interval + 5)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                changed = self.changed()
                if changed:
                    self._on_change(changed)
            except Exception:
                traceback.print_exc()


class Restartable(Protocol):
    """What the reloader asks of the function workers (clinic_tools.local.workers.Workers)."""

    def restart(self) -> None: ...


class Reloader:
    """The reaction to a change: re-publish content (if it changed), then restart the workers.

    The restart follows a publish too: each warm worker keeps S3 objects in memory
    for CACHE_TTL_SECONDS, and locally the next request should show the edit.
    """

    def __init__(
        self,
        content: Path,
        bucket: str | None,
        s3: S3Client,
        workers: Restartable,
        say: Callable[[str], None],
    ) -> None:
        self.content, self.bucket, self.s3 = content, bucket, s3
        self.workers, self.say = workers, say

    def __call__(self, changed: list[Path]) -> None:
        what = ", ".join(f"{folder.name}/" for folder in changed)
        published = ""
        if self.content in changed and self.bucket is not None:
            try:
                plan = publish(self.content, self.bucket, self.s3, prune=True, report=_quiet)
            except ContentError as error:
                self.say(f"clinic dev: {what} changed; not re-published, fix these first:\n{error}")
                return
            published = (
                f"re-published ({len(plan.uploads)} uploaded, {len(plan.deletes)} deleted), "
            )
        try:
            self.workers.restart()
        except RuntimeError as error:
            self.say(f"clinic dev: {what} changed; {error}: still running the previous code")
            return
        self.say(f"clinic dev: {what} changed: {published}functions restarted")


def _quiet(line: str) -> None:
    """The publisher's per-object lines: the reloader prints one summary line instead."""
