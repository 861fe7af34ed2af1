"""Every `clinic` command exits with a code from one table, documented once."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from clinic_tools.cli import main, parser
from clinic_tools.exit_codes import HELP, ExitCode
from tests.conftest import ROOT

DOCS = ROOT / "docs" / "local-development.md"


def _commands(command: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield command
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subcommand in action.choices.values():
                yield from _commands(subcommand)


def test_the_docs_table_lists_every_code_with_its_name() -> None:
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \|", DOCS.read_text(encoding="utf-8"), re.M)
    assert [(int(code), name) for code, name in rows] == [
        (int(code), code.name) for code in ExitCode
    ]


def test_every_commands_help_ends_with_the_table() -> None:
    commands = list(_commands(parser()))
    assert len(commands) > 8  # clinic, publish, ..., requests and its actions
    assert all(command.epilog == HELP for command in commands)
    assert all(str(int(code)) in HELP for code in ExitCode)


@pytest.mark.parametrize(
    "argv",
    [
        ["publish"],  # no --bucket
        ["requests", "list", "--table", "t", "--limit", "0"],
        ["site", "deploy"],  # no --stack
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2_in_every_command(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == ExitCode.USAGE == 2
