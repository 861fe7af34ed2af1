"""What the functions count (ArticleServed, RequestStored, Refused429, ...), written as
one CloudWatch embedded metric format (EMF) line per invocation that counted anything.

The line is the one Powertools' Metrics writes for counts (namespace from
`POWERTOOLS_METRICS_NAMESPACE`, the function's `POWERTOOLS_SERVICE_NAME` as the one
dimension; `test_metrics` holds the two lines equal). Powertools validates the name,
unit and dimensions at every add and reads its switches from the environment at every
flush: 28 µs of a warm article's answer, about what a bare handler's whole answer costs
(docs/benchmarks.md). Our metrics are all counts, with one dimension, set once.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

SERVICE_UNDEFINED = "service_undefined"  # Powertools' name for a function without one
Handler = TypeVar("Handler", bound=Callable[..., Any])
_HEAD = '{"_aws":{"Timestamp":'


class Counts:
    """This invocation's counts; `flush` writes them (if any) and starts again."""

    def __init__(self) -> None:
        self._namespace = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "")
        if not self._namespace:  # CloudWatch would drop every line, and the alarms go quiet
            raise ValueError("POWERTOOLS_METRICS_NAMESPACE is not set (template.yaml sets it)")
        self._service = os.environ.get("POWERTOOLS_SERVICE_NAME") or SERVICE_UNDEFINED
        self._counts: dict[str, list[float]] = {}
        # The line after its timestamp, per set of counts: a warm answer counts what the
        # last one did, and its line differs only in time (encoding it: 7 µs).
        self._tails: dict[tuple[tuple[str, int], ...], str] = {}

    def add(self, name: str) -> None:
        self._counts.setdefault(name, []).append(1.0)

    def flush(self) -> None:
        if not self._counts:
            return
        counts, self._counts = self._counts, {}
        key = tuple((name, len(values)) for name, values in counts.items())
        tail = self._tails.get(key)
        if tail is None:
            tail = self._tails[key] = self._tail(counts)
        sys.stdout.write(f"{_HEAD}{int(time.time() * 1000)}{tail}\n")

    def _tail(self, counts: dict[str, list[float]]) -> str:
        definitions = [{"Name": name, "Unit": "Count"} for name in counts]
        metrics = {
            "Namespace": self._namespace,
            "Dimensions": [["service"]],
            "Metrics": definitions,
        }
        line = {
            "_aws": {"Timestamp": 0, "CloudWatchMetrics": [metrics]},
            "service": self._service,
            **counts,
        }
        return json.dumps(line, separators=(",", ":")).removeprefix(f"{_HEAD}0")

    def written_after(self, handler: Handler) -> Handler:
        """The Lambda handler, writing its invocation's counts when it returns or raises."""

        @functools.wraps(handler)
        def counted(*args: Any, **kwargs: Any) -> Any:
            try:
                return handler(*args, **kwargs)
            finally:
                self.flush()

        return counted  # pyright: ignore[reportReturnType]
