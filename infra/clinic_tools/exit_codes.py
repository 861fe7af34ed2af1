"""The exit codes of every `clinic` command: one table, so a script can tell outcomes apart.

2 is argparse's own code for a usage error and means only that here. The table is
documented in docs/local-development.md ("Exit codes"; a test keeps the two equal)
and summed up at the end of every command's --help.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # `clinic dev` could not start; Python's own code for an unexpected error
    USAGE = 2  # argparse's: an unknown option, a missing or invalid argument
    AWS = 3  # credentials, access, a missing bucket, table or stack, no connection
    STALE = 4  # someone changed the request meanwhile: show it, then decide again
    CANCELLED = 5  # the person answered no when asked to confirm
    NOT_FOUND = 6  # no such request
    INVALID_CONTENT = 7  # content/ has errors (named by file and field): nothing was uploaded


MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "done",
    ExitCode.FAILED: "failed",
    ExitCode.USAGE: "usage",
    ExitCode.AWS: "AWS refused or unreachable",
    ExitCode.STALE: "changed meanwhile",
    ExitCode.CANCELLED: "cancelled",
    ExitCode.NOT_FOUND: "not found",
    ExitCode.INVALID_CONTENT: "invalid content",
}

HELP = (
    "exit codes: "
    + ", ".join(f"{int(code)} {meaning}" for code, meaning in MEANINGS.items())
    + " (see docs/local-development.md)"
)
