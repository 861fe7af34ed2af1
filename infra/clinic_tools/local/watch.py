"""What `clinic dev` does when files change: re-publish content/, re-render site/, restart.

A polling thread (file sizes and mtimes, once a second) rather than OS file events:
it needs no extra dependency, behaves the same on every OS and in containers and
network folders, and a second of delay is nothing next to a browser reload.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from clinic_tools.publish.loader import ContentError
from clinic_tools.publish.publisher import publish
from clinic_tools.publish.upload import Plan

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


@dataclass(frozen=True)
class SiteSync:
    """The site `clinic dev` serves: its folder, its bucket, the call that renders and uploads."""

    folder: Path
    bucket: str
    sync: Callable[[], Plan]


class Reloader:
    """The reaction to a change: re-publish content, re-render the site, restart the workers.

    The site is rendered from site/ and content/site.yaml, so either change re-renders
    it. The restart follows a publish too: each warm worker keeps S3 objects in memory
    for CACHE_TTL_SECONDS, and locally the next request should show the edit; a change
    to site/ alone needs no restart. A publish refused is tried again on the next change
    to site/ as well: a link to a file is checked against site/, where the fix may lie.
    """

    def __init__(
        self,
        content: Path,
        bucket: str | None,
        s3: S3Client,
        workers: Restartable,
        say: Callable[[str], None],
        site: SiteSync | None = None,
        site_dir: Path | None = None,
    ) -> None:
        self.content, self.bucket, self.s3 = content, bucket, s3
        self.workers, self.say, self.site = workers, say, site
        self.site_dir = site_dir or (site.folder if site is not None else None)  # links' files
        self.refused = False  # the last publish was: content/ is not what is served

    def __call__(self, changed: list[Path]) -> None:
        what = ", ".join(f"{folder.name}/" for folder in changed)
        site_folder = self.site.folder if self.site is not None else None
        content = self.content.resolve()  # as the watcher names its folders
        content_changed = content in changed
        code_changed = any(folder not in {content, site_folder} for folder in changed)
        done = []
        published = None
        retry = self.refused and site_folder in changed
        if self.bucket is not None and (content_changed or retry):
            published = self._republish(what, self.bucket)
            if published is None and content_changed:
                return  # the last good publish stays, and so does the site rendered with it
            if published:
                done.append(published)
        if self.site is not None and (content_changed or site_folder in changed):
            try:
                plan = self.site.sync()
            except (ContentError, OSError, ValueError) as error:
                self.say(f"clinic dev: {what} changed; the site was not re-rendered:\n{error}")
                return
            done.append(
                f"site re-rendered ({len(plan.uploads)} uploaded, {len(plan.deletes)} deleted)"
            )
        if published or code_changed:
            try:
                self.workers.restart()
            except RuntimeError as error:
                self.say(f"clinic dev: {what} changed; {error}: still running the previous code")
                return
            done.append("functions restarted")
        if done:
            self.say(f"clinic dev: {what} changed: {', '.join(done)}")

    def _republish(self, what: str, bucket: str) -> str | None:
        """content/ published again: what was uploaded, or None when it was refused (said)."""
        site_bucket = self.site.bucket if self.site is not None else None
        try:
            plan = publish(
                self.content, bucket, self.s3, prune=True, report=_quiet,
                site_bucket=site_bucket, site_dir=self.site_dir,
            )  # fmt: skip
        except ContentError as error:
            self.refused = True
            self.say(f"clinic dev: {what} changed; not re-published, fix these first:\n{error}")
            return None
        self.refused = False
        return f"re-published ({len(plan.uploads)} uploaded, {len(plan.deletes)} deleted)"


def _quiet(line: str) -> None:
    """The publisher's per-object lines: the reloader prints one summary line instead."""
