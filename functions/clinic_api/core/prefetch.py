"""A cold start's network waits, overlapped: what every first request will need is
fetched in the background while the rest of the function loads.

A cold container's first answer waits for its secrets (the edge's, the hashing key),
the clinic's site.json or the article index, each a round trip (with its TLS
handshake) that would otherwise come one after another, after the imports. Started
at the end of a handler module's import, each task runs in its own thread; the first
invocation waits for them (`wait`) before it handles the request, so no cache is
filled twice and the request path meets each value as a warm one would.

A task's error is dropped here: the request path makes the same call again and
answers its failure as it always does (503, a cached copy). Only Lambda's own
on-demand initialisation prefetches (`AWS_LAMBDA_INITIALIZATION_TYPE`): under
SnapStart the restore hook does it, and tests and `clinic dev` load modules in an
order of their own.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable

# The initialisation types Lambda names (SnapStart's is "snap-start").
ON_DEMAND = ("on-demand", "provisioned-concurrency")


class Prefetch:
    """Tasks running in background threads, until `wait` (idempotent, any thread)."""

    def __init__(self, tasks: Iterable[Callable[[], object]]) -> None:
        self._threads = [
            threading.Thread(target=_quietly, args=(task,), name="prefetch", daemon=True)
            for task in tasks
        ]
        for thread in self._threads:
            thread.start()

    def wait(self) -> None:
        for thread in self._threads:
            thread.join()


def _quietly(task: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):  # the request path meets it again and answers it
        task()


def at_cold_start(*tasks: Callable[[], object]) -> Prefetch | None:
    """Start `tasks` when Lambda is initialising this container on demand; else None."""
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") not in ON_DEMAND:
        return None
    return Prefetch(tasks)


class Warmup:
    """A function's one prefetch: started at import, awaited by the first invocation."""

    def __init__(self, *tasks: Callable[[], object]) -> None:
        self._tasks = tasks
        self._running = at_cold_start(*tasks)

    def wait(self) -> None:
        """Before a request is handled: the prefetch (if one runs) is done."""
        running, self._running = self._running, None
        if running is not None:
            running.wait()

    def restart(self) -> None:
        """After a SnapStart restore: fetch again what was forgotten (in the background)."""
        self.wait()
        self._running = Prefetch(self._tasks)
