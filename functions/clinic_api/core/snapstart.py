"""Lambda SnapStart's runtime hooks, for functions deployed with the template's
`SnapStart=PublishedVersions` (or, for the appointments function alone,
`SnapStart=Appointments`; docs/configuration.md).

Lambda snapshots a function's memory once its init (and each before-snapshot hook)
is done, and every new container resumes from that snapshot, possibly hours later
and many at once. So before the snapshot a function loads whatever a request will
import and parse (the work the snapshot then saves every container), and waits for
its network work to finish; after a restore it forgets what must be its own: the
AWS clients (their connections and credentials), the secrets read through them
(rotated meanwhile, perhaps), the cached S3 objects' freshness (the snapshot's
clock is not the restore's), and the random state every restored copy would share.

`snapshot_restore_py` ships in Lambda's managed Python runtimes only; elsewhere
(tests, `clinic dev`) nothing is registered, and the hooks stay plain functions
that a test calls.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable

from clinic_api.core.clients import forget_clients

Hook = Callable[[], None]


def register(before_snapshot: Hook, after_restore: Hook) -> bool:
    """Hand the hooks to Lambda's runtime, where it has them; True if it did."""
    try:
        import snapshot_restore_py  # pyright: ignore[reportMissingImports]
    except ImportError:
        return False
    snapshot_restore_py.register_before_snapshot(before_snapshot)
    snapshot_restore_py.register_after_restore(after_restore)
    return True


def forget_per_environment_state(*caches: Callable[[], None]) -> None:
    """What each restored container must have for itself: new clients, fresh random
    state, and the given caches (secrets, S3 copies) emptied."""
    forget_clients()
    random.seed(os.urandom(32))  # the snapshot's seed would be every copy's
    for clear in caches:
        clear()
