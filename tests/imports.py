"""What a module imports when it runs: its import statements, less `if TYPE_CHECKING:` blocks
(type stubs and the like, which the Lambda bundle never needs)."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def runtime_imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and ast.unparse(child.test).endswith("TYPE_CHECKING"):
            for other in child.orelse:
                yield from runtime_imports(other)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from runtime_imports(child)
