"""The local stack's parameter values: samconfig.toml's `local` environment.

A deploy must name its own origins, key admin and https URLs (the template has no
localhost defaults); the local stack takes them from the `parameter_overrides` of
samconfig.toml's `[local.global.parameters]`, beside the template, which
`sam local ... --config-env local` reads too. The local stack serves plain http
(on loopback, or the address `clinic dev --host` names), so there an `http://`
value is checked against a parameter's https-only pattern as the https URL a
deploy would give; CloudFormation itself refuses it.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

LOCAL_ENVIRONMENT = "local"
_PLAIN_HTTP = re.compile(r"^http://")


def local_parameters(template_path: Path) -> dict[str, str]:
    """`Name=Value` pairs from samconfig.toml beside the template (none without one)."""
    config = template_path.resolve().parent / "samconfig.toml"
    if not config.is_file():
        return {}
    document: dict[str, Any] = tomllib.loads(config.read_text(encoding="utf-8"))
    section = document.get(LOCAL_ENVIRONMENT, {}).get("global", {}).get("parameters", {})
    overrides = section.get("parameter_overrides", [])
    pairs = shlex.split(overrides) if isinstance(overrides, str) else list(overrides)
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = str(pair).partition("=")
        if not sep:
            raise ValueError(f"{config.name}: parameter override {pair!r} is not Name=Value")
        values[name] = value
    return values


def as_deployed(text: str) -> str:
    """A local http URL as the https one a deploy would give, for pattern checks."""
    return _PLAIN_HTTP.sub("https://", text)
