"""Which requests and audit tables `clinic requests` works on, without being told if it can.

In this order: `--table`/`--audit-table`, `--stack` (its outputs), the
environment (`CLINIC_REQUESTS_TABLE`, `CLINIC_AUDIT_TABLE`), then, with
`AWS_ENDPOINT_URL` set (`clinic dev`'s moto), the local stack's own tables as
template.yaml names them, and last the stack in samconfig.toml (`stack_name`
of the default config env), so that the notification's `clinic requests show
REF` runs as printed from the project folder.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clinic_tools.stack_outputs import required_output, stack_outputs

REQUESTS = ("RequestsTable", "RequestsTableName", "CLINIC_REQUESTS_TABLE")
AUDIT = ("AuditTable", "AuditTableName", "CLINIC_AUDIT_TABLE")


class NoTable(Exception):
    """Nothing says which table: no option, variable, local stack or samconfig.toml."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass
class TableFinder:
    """Finds a table's name; `cloudformation` and `dynamodb` make clients when asked."""

    cloudformation: Callable[[], Any]
    dynamodb: Callable[[], Any]
    project: Path = Path()
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)

    def find(self, which: tuple[str, str, str], given: str | None, stack: str | None) -> str:
        logical_id, output, variable = which
        if given:
            return given
        if stack:
            return self._output(stack, output)
        if self.environ.get(variable):
            return self.environ[variable]
        if self.environ.get("AWS_ENDPOINT_URL"):
            local = self._local(logical_id)
            if local:
                return local
        configured = self.configured_stack()
        if configured:
            return self._output(configured, output)
        raise NoTable(variable)

    def configured_stack(self) -> str | None:
        """samconfig.toml's stack_name for the default config env (deploy, else global)."""
        path = self.project / "samconfig.toml"
        if not path.is_file():
            return None
        default = tomllib.loads(path.read_text(encoding="utf-8")).get("default", {})
        for command in ("deploy", "global"):
            name = default.get(command, {}).get("parameters", {}).get("stack_name")
            if name:
                return str(name)
        return None

    def outputs(self, stack: str) -> dict[str, str]:
        """The stack's outputs by key."""
        return stack_outputs(self.cloudformation(), stack)

    def _output(self, stack: str, output: str) -> str:
        (table,) = required_output(self.outputs(stack), stack, output)
        return table

    def _local(self, logical_id: str) -> str | None:
        """The table `clinic dev` made from template.yaml's resource, if moto holds it."""
        from clinic_tools.local.template import load_template

        template = self.project / "template.yaml"
        if not template.is_file():
            return None
        names = {
            resource.logical_id: resource.name for resource in load_template(template).resources
        }
        name = names.get(logical_id)
        tables = self.dynamodb().list_tables().get("TableNames", [])
        return name if name in tables else None
