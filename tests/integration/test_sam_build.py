"""`sam build` succeeds, and each function's bundle holds its handler and everything it imports.

The build (functions/Makefile) keeps the installed requirements in pytest's cache
folder (`LAMBDA_DEPS_CACHE`), so a repeat run with unchanged requirements links
them instead of downloading. Its output folder is emptied first: the assertions only ever
see this run's bundle.
"""

from __future__ import annotations

import ast
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

from tests.conftest import ROOT
from tests.imports import runtime_imports
from tests.integration.sam_cli import sam
from tests.tool_cache import installed, tool_report

pytestmark = pytest.mark.sam

# Provided by the Lambda Python runtime itself, so never in the bundle (snapshot_restore_py:
# SnapStart's hooks, in the managed Python runtimes; core/snapstart.py imports it guardedly).
RUNTIME = {"boto3", "botocore", "snapshot_restore_py"}
# The tools' own dependencies: the bundle must not carry them.
TOOLS = ["clinic_tools", "moto", "markdown_it", "mdit_py_plugins", "nh3", "samtranslator", "pytest"]
# Python 3.13's bytecode magic number (importlib.util.MAGIC_NUMBER on Lambda's python3.13).
LAMBDA_MAGIC = (3571).to_bytes(2, "little") + b"\r\n"
# `uname -m` names for the template's Architectures values.
MACHINES = {"arm64": {"aarch64", "arm64"}, "x86_64": {"x86_64", "amd64"}}


@pytest.fixture(scope="module")
def built(pytestconfig: pytest.Config) -> Path:
    """The build folder of a fresh `sam build` (SAM's caches kept between runs)."""
    work = pytestconfig.cache.mkdir("sam-build")
    shutil.rmtree(work / "build", ignore_errors=True)
    template = str(ROOT / "template.yaml")
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("LAMBDA_DEPS_CACHE", str(work / "requirements"))
        sam("build", "--template-file", template, "--build-dir", "build", "--cached", cwd=work)
    return work / "build"


def functions(built: Path) -> dict[str, dict[str, Any]]:
    """Each function's properties in the built template (CodeUri: its folder in the build)."""
    template = yaml_parse((built / "template.yaml").read_text())
    globals_ = template.get("Globals", {}).get("Function", {})
    return {
        name: {**globals_, **resource["Properties"]}
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def test_every_function_has_its_handler_module(built: Path) -> None:
    for name, props in functions(built).items():
        module = props["Handler"].rpartition(".")[0]
        assert module_file(built / props["CodeUri"], module), f"{name}: no {module} in the bundle"


def test_everything_a_handler_imports_is_in_its_bundle(built: Path) -> None:
    for name, props in functions(built).items():
        folder = built / props["CodeUri"]
        third_party = imported_third_party(folder, props["Handler"].rpartition(".")[0])
        missing = {top for top in third_party - RUNTIME if not has_top_level(folder, top)}
        assert not missing, f"{name} imports {sorted(missing)}, which its bundle lacks"


def test_every_bundle_requirement_is_installed(built: Path) -> None:
    requirements = (ROOT / "functions" / "requirements.txt").read_text().splitlines()
    for name, props in functions(built).items():
        folder = built / props["CodeUri"]
        installed = {_normalise(path.name.split("-")[0]) for path in folder.glob("*.dist-info")}
        for line in requirements:
            if line.strip() and not line.startswith("#"):
                wanted = _normalise(re.split(r"[<>=!~\[ ;]", line.strip(), maxsplit=1)[0])
                assert wanted in installed, f"{name}: {wanted} is not in the bundle"


def test_every_module_of_every_bundle_has_lambdas_bytecode(built: Path) -> None:
    # Lambda's /var/task is read-only: a module without bytecode is compiled at every
    # cold start. functions/Makefile compiles each for Python 3.13, hash-based and
    # unchecked (flags 0b01), so a zip's time stamps cannot make Python ignore it.
    for name, props in functions(built).items():
        folder = built / props["CodeUri"]
        sources = list(folder.rglob("*.py"))
        assert sources, name
        for source in sources:
            compiled = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
            assert compiled.is_file(), f"{name}: {source.relative_to(folder)} has no bytecode"
            header = compiled.read_bytes()[:8]
            assert header[:4] == LAMBDA_MAGIC, f"{name}: {compiled} is not Python 3.13's"
            assert int.from_bytes(header[4:8], "little") == 0b01, f"{name}: {compiled} is checked"


def test_no_bundle_carries_the_tools(built: Path) -> None:
    for name, props in functions(built).items():
        folder = built / props["CodeUri"]
        carried = [tool for tool in TOOLS if has_top_level(folder, tool)]
        assert not carried, f"{name} carries {carried}"


def test_the_handlers_import_where_the_architecture_matches(built: Path) -> None:
    # An arm64 bundle holds aarch64 native wheels (pydantic_core), which an x86_64
    # machine cannot load: there, the file checks above are what can be checked.
    for name, props in functions(built).items():
        (architecture,) = props.get("Architectures", ["x86_64"])
        if platform.machine().lower() not in MACHINES[architecture]:
            continue
        module = props["Handler"].rpartition(".")[0]
        code = f"import sys; sys.path.insert(0, {str(built / props['CodeUri'])!r}); import {module}"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, f"{name}: {done.stderr}"


def test_the_template_passes_sam_validate_lint(pytestconfig: pytest.Config) -> None:
    # --lint runs cfn-lint locally: no AWS call, so fake credentials are enough. Its
    # answer is kept for the same template and SAM CLI (tests/tool_cache.py).
    template = ROOT / "template.yaml"
    command = ["validate", "--lint", "--template-file", str(template)]

    def validate() -> str:
        result = sam(*command)
        return result.stdout + result.stderr

    inputs = [*command, installed(ROOT / ".venv-sam"), template]
    assert "is a valid SAM Template" in tool_report(pytestconfig, "sam-validate", inputs, validate)


# --- reading the bundle -------------------------------------------------------


def module_file(folder: Path, module: str) -> Path | None:
    base = folder.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def has_top_level(folder: Path, name: str) -> bool:
    """A package, a module, or a native extension module of that name."""
    return (
        (folder / name).is_dir()
        or (folder / f"{name}.py").is_file()
        or any(folder.glob(f"{name}.*.so"))
    )


def imported_third_party(folder: Path, handler_module: str) -> set[str]:
    """Top-level names of what the handler's first-party modules import, followed through."""
    todo, seen, third_party = [handler_module], set(), set()
    while todo:
        module = todo.pop()
        path = module_file(folder, module)
        if module in seen or path is None:  # `from pkg import name` may name no module
            continue
        seen.add(module)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for name in imported_names(path, package):
            top = name.split(".")[0]
            if top == "clinic_api":  # its parent packages run too
                parts = name.split(".")
                todo += [".".join(parts[:end]) for end in range(1, len(parts) + 1)]
            elif top not in sys.stdlib_module_names and top != "__future__":
                third_party.add(top)
    return third_party


def imported_names(path: Path, package: str) -> set[str]:
    """Absolute names a module imports; `from m import x` yields m and m.x (x may be a module)."""
    names: set[str] = set()
    for node in runtime_imports(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        else:
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()
