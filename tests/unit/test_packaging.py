"""The Lambda bundle (CodeUri: functions/) needs only what the functions import."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

from tests.conftest import ROOT
from tests.imports import runtime_imports

FUNCTIONS = ROOT / "functions"
# Provided by the Lambda runtime itself (snapshot_restore_py: SnapStart's hooks, in the
# managed Python runtimes only; core/snapstart.py imports it guardedly).
RUNTIME = {"boto3", "botocore", "snapshot_restore_py"}


def imported_top_levels(path: Path) -> set[str]:
    names: set[str] = set()
    for node in runtime_imports(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def requirement_names(lines: list[str]) -> set[str]:
    return {
        re.split(r"[<>=!~\[ ;]", line.strip(), maxsplit=1)[0].lower()
        for line in lines
        if line.strip() and not line.startswith("#")
    }


def test_functions_never_import_the_tools() -> None:
    for path in FUNCTIONS.rglob("*.py"):
        assert "clinic_tools" not in imported_top_levels(path), path


def with_dependencies(names: set[str]) -> set[str]:
    """The distributions `pip install` brings for `names` (no extras)."""
    found, pending = set(), set(names)
    while pending:
        name = pending.pop()
        found.add(name)
        needs = [need for need in requires(name) or [] if "extra ==" not in need]
        pending |= requirement_names(needs) - found
    return found


def bundled_modules() -> set[str]:
    """Top-level modules the bundle's requirements provide (as installed here)."""
    wanted = with_dependencies(
        requirement_names((FUNCTIONS / "requirements.txt").read_text().splitlines())
    )
    return {
        module
        for module, distributions in packages_distributions().items()
        if any(name.lower().replace("_", "-") in wanted for name in distributions)
    }


def test_every_third_party_import_is_in_the_bundle_requirements() -> None:
    allowed = bundled_modules() | RUNTIME
    for path in FUNCTIONS.rglob("*.py"):
        third_party = imported_top_levels(path) - set(sys.stdlib_module_names) - {"clinic_api"}
        assert third_party <= allowed, f"{path}: {third_party - allowed}"


def test_no_function_loads_pydantic() -> None:
    # The models are for `clinic openapi` and tests: the appointments function checks a
    # request against their JSON Schema (request.py), which costs a sixth of pydantic's
    # import and model build on a cold start.
    handlers = [f"clinic_api.{name}.handler" for name in ("content", "appointments", "staff")]
    modules = [*handlers, "clinic_api.notify.handler", "clinic_api.notify.digest"]
    steps = [_validated("'phone': '+1 503-555-0117', 'email': 'avery@example.org'")]
    assert loaded_after_each(modules, ("pydantic",), steps) == [[], []]


def test_bundle_requirements_are_pinned_and_within_the_project_bounds() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = requirement_names(project["dependencies"])
    for line in (FUNCTIONS / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"pin the deployed version exactly: {line}"
            assert requirement_names([line]) <= declared


def test_the_clinic_command_loads_no_function_code_until_a_subcommand_runs() -> None:
    # `clinic dev` spawns workers that re-import it; they must import the handlers
    # themselves, from the template's CodeUri, after setting their environment.
    probe = "import sys, clinic_tools.cli; print([m for m in sys.modules if 'clinic_api' in m])"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def loaded_after_each(
    modules: list[str], prefixes: tuple[str, ...], steps: list[str]
) -> list[list[str]]:
    """The modules named by `prefixes` that a fresh process has loaded once it imported
    `modules` (with the environment a function's import needs), then after each of `steps`
    (Python statements)."""
    show = f"print(sorted(m for m in sys.modules if m.startswith({prefixes!r})))"
    imports = f"import importlib, sys; [importlib.import_module(m) for m in {modules!r}]"
    probe = "; ".join([imports, show, *(f"{step}; {show}" for step in steps)])
    environment = {"POWERTOOLS_METRICS_NAMESPACE": "ClinicTest", "AWS_DEFAULT_REGION": "us-east-1"}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **environment},
    )
    return [ast.literal_eval(line) for line in result.stdout.splitlines()]


def loaded_after_importing(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return loaded_after_each(modules, prefixes, [])[0]


def test_type_stubs_are_for_the_type_checker_only() -> None:
    # boto3's stubs come with the dev tools: neither the bundle nor `clinic` may need them.
    modules = sorted(
        ".".join(path.relative_to(root).with_suffix("").parts)
        for root in (FUNCTIONS, ROOT / "infra")
        for path in root.rglob("*.py")
        if path.name != "__init__.py"
    )
    assert len(modules) > 40
    assert loaded_after_importing(modules, ("mypy_boto3", "botocore_stubs")) == []


def test_no_http_function_loads_powertools_resolvers_or_boto3() -> None:
    # The gateway's routeKey names the route (core/resolver.py): Powertools' event_handler
    # package, which imports every resolver it has (AppSync's asyncio among them), cost a
    # cold start about 60 ms; boto3's package (s3transfer, multiprocessing) about 40 ms,
    # for a type serializer (core/attributes.py). Idempotency loads it, with a key only.
    handlers = [f"clinic_api.{name}.handler" for name in ("content", "appointments", "staff")]
    assert loaded_after_importing(handlers, ("aws_lambda_powertools.event_", "boto3")) == []


def _validated(fields: str) -> str:
    """A statement checking a request with `fields` (Python dict items) beside the rest."""
    return (
        "from clinic_api.appointments.request import Site, check; "
        "check({'patientStatus': 'new', 'firstName': 'Avery', 'lastName': 'Lind', "
        f"'preferredContact': 'phone', 'service': 's', 'consent': True, {fields}}}, "
        "Site(['s'], 'US'))"
    )


def test_the_inbox_loads_its_name_folding_only_for_a_search() -> None:
    # anyascii's import (importlib.resources) costs tens of milliseconds: the list, the
    # detail and a change never need it.
    search = "from clinic_api.staff.inbox import matches; matches({'firstName': 'Zoë'}, 'zoe')"
    loaded = loaded_after_each(["clinic_api.staff.handler"], ("anyascii",), [search])
    assert [sorted({name.split(".")[0] for name in found}) for found in loaded] == [
        [],
        ["anyascii"],
    ]


def test_the_request_checks_load_the_phone_and_email_libraries_only_for_a_value() -> None:
    # Each costs a cold start about 40 ms to import; a request without one never needs it.
    # The models only the OpenAPI document reads are not built on the function's path.
    modules = ["clinic_api.appointments.handler", "clinic_api.appointments.form"]
    prefixes = ("email_validator", "phonenumbers", "clinic_api.appointments.openapi_models")
    steps = [
        _validated(""),
        _validated("'phone': '+1 503-555-0117'"),
        _validated("'email': 'avery@example.org'"),
    ]
    loaded = [
        sorted({name.split(".")[0] for name in found})
        for found in loaded_after_each(modules, prefixes, steps)
    ]
    assert loaded == [[], [], ["phonenumbers"], ["email_validator", "phonenumbers"]]
