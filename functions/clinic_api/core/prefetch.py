"""A cold start's network waits, overlapped: what every first request will need is
fetched in the background while the rest of the function loads.

The appointments function's first answer waits for both secrets, site.json and its
DynamoDB client, each a round trip (with its TLS handshake) that would otherwise
come after its slowest import, the validation model. Started just before that
import, the tasks run one after another in one background thread (a thread per task
only added GIL hand-offs: measured slower on a busy machine); the first invocation
waits for them (`wait`) before it handles the request, so no cache is filled twice
and the request path meets each value as a warm one would. A function with nothing
left to import after its handler module (content, staff) gains nothing from it and
does not prefetch; its tasks still serve SnapStart's restore (`Warmup.restart`).

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
from collections.abc import Callable

# The initialisation types Lambda names (SnapStart's is "snap-start").
ON_DEMAND = ("on-demand", "provisioned-concurrency")


def _start(tasks: tuple[Callable[[], object], ...]) -> threading.Thread:
    """The tasks, one after another, in a background thread."""
    thread = threading.Thread(target=_quietly, args=(tasks,), name="prefetch", daemon=True)
    thread.start()
    return thread


def _quietly(tasks: tuple[Callable[[], object], ...]) -> None:
    for task in tasks:
        with contextlib.suppress(Exception):  # the request path meets it again and answers it
            task()


class Warmup:
    """A function's one prefetch: started at import when Lambda initialises the container
    on demand (`at_init`), awaited by the first invocation; after a SnapStart restore,
    started again (`restart`)."""

    def __init__(self, *tasks: Callable[[], object], at_init: bool = True) -> None:
        self._tasks = tasks
        on_demand = os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") in ON_DEMAND
        self._running = _start(tasks) if at_init and on_demand else None

    def wait(self) -> None:
        """Before a request is handled: the prefetch (if one runs) is done (idempotent)."""
        running, self._running = self._running, None
        if running is not None:
            running.join()

    def restart(self) -> None:
        """After a SnapStart restore: fetch again what was forgotten (in the background)."""
        self.wait()
        self._running = _start(self._tasks)
