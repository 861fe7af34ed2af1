"""A slow, deterministic tool's report, kept in pytest's cache for the exact inputs it read.

checkov and cfn-lint take seconds of CPU each (mostly their own imports) and say the
same of the same template every time. A test that runs one asks `tool_report` with
everything the answer depends on: the files' bytes, the command, the tool's installed
version. A run with all of them unchanged reads the report back; any change (an edit to
the template, an upgrade of the tool) runs the tool again. The test's assertions run on
the report either way. `pytest --cache-clear` (or `-p no:cacheprovider`) runs every tool
afresh, as a fresh clone does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest


def digest(parts: Iterable[str | bytes | Path]) -> str:
    """One hash of every input: files by their bytes, everything else by its text."""
    hashed = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            data = part.read_bytes()
        elif isinstance(part, str):
            data = part.encode()
        else:
            data = part
        hashed.update(len(data).to_bytes(8, "big"))
        hashed.update(data)
    return hashed.hexdigest()


def installed(venv: Path) -> str:
    """Every package of a venv with its version (its dist-info folders' names), as an input:
    an upgrade of the tool or of anything it imports runs it again."""
    found = venv.glob("lib/python*/site-packages/*.dist-info")
    return "\n".join(sorted(path.name for path in found))


def tool_report(
    config: pytest.Config,
    tool: str,
    inputs: Iterable[str | bytes | Path],
    run: Callable[[], Any],
) -> Any:
    """`run()`'s JSON-able report, or the one it gave before for these very `inputs`."""
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    if cache is None:
        return run()
    key = f"tool-reports/{tool}"
    wanted = digest(inputs)
    kept = cache.get(key, None)
    if isinstance(kept, dict) and kept.get("inputs") == wanted:
        return kept["report"]
    report = run()
    json.dumps(report)  # fail here, not in the cache, if the report cannot be kept
    cache.set(key, {"inputs": wanted, "report": report})
    return report
