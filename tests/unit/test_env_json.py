"""env.json does what `sam local --env-vars env.json` will really do with it.

SAM CLI (samcli/local/lambdafn/env_vars.py, `EnvironmentVariables.resolve`) starts
from the AWS_* variables it sets itself (region and credentials from the shell or
profile, never from env.json), then applies env.json only to the variables that the
template declares for the function: "Parameters" to every function, a function's own
entry to it. Anything else in env.json is dropped without a word. `clinic dev
--env-vars` reads the same file the same way, its fake AWS settings winning.
"""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest

from clinic_tools.local.template import FUNCTION, load_template, parse_template
from tests.conftest import ROOT

ENV = json.loads((ROOT / "env.json").read_text())
TEMPLATE = parse_template((ROOT / "template.yaml").read_text())
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
FUNCTIONS = [name for name, resource in RESOURCES.items() if resource["Type"] == FUNCTION]


def declared(function: str) -> dict[str, Any]:
    """The variables the template gives a function (Globals first), unresolved."""
    shared = TEMPLATE.get("Globals", {}).get("Function", {}).get("Environment", {})
    own = RESOURCES[function]["Properties"].get("Environment", {})
    return {**shared.get("Variables", {}), **own.get("Variables", {})}


def test_every_entry_names_a_function_of_the_template() -> None:
    assert set(ENV) - {"Parameters"} <= set(FUNCTIONS)


def test_a_functions_entry_sets_only_variables_the_template_declares_for_it() -> None:
    for function in set(ENV) - {"Parameters"}:
        undeclared = set(ENV[function]) - set(declared(function))
        assert not undeclared, f"sam local ignores {sorted(undeclared)} for {function}"


def test_parameters_set_only_variables_every_function_declares() -> None:
    # A "Parameters" variable a function lacks would silently not reach that function:
    # for AWS_ENDPOINT_URL, that function would talk to real AWS.
    for function in FUNCTIONS:
        undeclared = set(ENV.get("Parameters", {})) - set(declared(function))
        assert not undeclared, f"sam local ignores {sorted(undeclared)} for {function}"


def test_every_resource_name_is_set_to_the_one_clinic_dev_creates() -> None:
    """sam local turns `!Ref RequestsTable` into "RequestsTable": env.json must name the
    bucket, table, topic or secret that `clinic dev` created in moto, for every function."""
    local = load_template(ROOT / "template.yaml")
    created = {resource.logical_id for resource in local.resources}
    for function in FUNCTIONS:
        given = {**ENV.get("Parameters", {}), **ENV.get(function, {})}
        for name, raw in declared(function).items():
            if isinstance(raw, dict) and raw.get("Ref") in created:
                expected = local.functions[function].environment[name]
                assert given.get(name) == expected, f'env.json: {function}: "{name}": "{expected}"'


def test_an_empty_endpoint_url_is_no_endpoint_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the deployed value "" is harmless: botocore skips an empty AWS_ENDPOINT_URL."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "")
    client = boto3.client("s3", region_name="us-east-1")
    assert client.meta.endpoint_url == "https://s3.amazonaws.com"


def test_the_configuration_docs_list_each_functions_variables_as_the_template_does() -> None:
    """docs/configuration.md's table: each variable and the functions that have it."""
    doc = (ROOT / "docs" / "configuration.md").read_text()
    rows = re.findall(r"^\| ((?:`[A-Z_]+`(?:, )?)+) \| ([^|]+) \|", doc, re.MULTILINE)
    short = {name: name.removesuffix("Function").lower() for name in FUNCTIONS}
    shared = set(TEMPLATE["Globals"]["Function"]["Environment"]["Variables"])
    documented: dict[str, set[str]] = {}
    for names, functions in rows:
        having = (
            set(short.values())
            if functions.startswith(("all", "each"))
            else {word.strip() for word in functions.split(",")}
        )
        for name in re.findall(r"`([A-Z_]+)`", names):
            documented[name] = having
    template: dict[str, set[str]] = {}
    for function in FUNCTIONS:
        for name in declared(function):
            template.setdefault(name, set()).add(short[function])
    assert documented == template
    assert shared <= {name for name, having in documented.items() if having == set(short.values())}
