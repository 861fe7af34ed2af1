"""Python's garbage collector around a container's init: paused while the function's
modules load, and resumed, with everything init made frozen, once the first answer is sent.

A cold start's imports (botocore and its models, Powertools, pydantic and the validation
model, our modules) make some 75,000 objects that live as long as the container, and the
collector walked them again and again as they appeared: about 30 collections, 20-35 ms of
a cold start here, as much as the floor's whole handler. Paused, it walks none of them;
after the first answer `gc.freeze()` puts them out of its reach for good, so later
collections see only what requests make. What init left unreachable in cycles (about 500
objects, a few tens of KB) stays frozen with the rest.

Only Lambda's init pauses it (`AWS_LAMBDA_INITIALIZATION_TYPE` is set there, and by the
benchmarks): tests, `clinic dev` and the tools run with the collector as Python runs it.
The package's `__init__` pauses it, before a handler's first import.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable
from typing import Any, TypeVar

Handler = TypeVar("Handler", bound=Callable[..., Any])

_state = {"paused": False}


def pause_for_init() -> None:
    """Lambda's init: no collection until the first answer (`settle`)."""
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") and gc.isenabled():
        gc.disable()
        _state["paused"] = True


def settle() -> None:
    """What init made is frozen and collection resumes (once; later calls do nothing)."""
    if _state["paused"]:
        _state["paused"] = False
        gc.freeze()
        gc.enable()


def settles_after(handler: Handler) -> Handler:
    """The Lambda handler, settling the collector when its first invocation returns or raises."""

    @functools.wraps(handler)
    def settling(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        finally:
            settle()

    return settling  # pyright: ignore[reportReturnType]
