"""The benchmark's AWS: moto in server mode on loopback, holding the template's bucket,
tables, topic and secrets (the local stack's own code), with tests/fixtures/content
published by the real `clinic publish` code. Functions get their template environment,
pointed at it, with the site distribution's edge secret configured as deployed."""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import boto3

from clinic_tools.local.stack import (
    DEV_SECRET,
    create_resources,
    fake_aws_environment,
    free_port,
    isolate_from_real_aws,
    start_moto,
)
from clinic_tools.local.template import SECRET, load_template
from clinic_tools.local.workers import function_environment
from clinic_tools.publish.publisher import publish

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
CONTENT = ROOT / "tests" / "fixtures" / "content"
# Deployed, every request comes through the site's distribution with its secret header.
EDGE_HEADER = {"x-origin-verify": DEV_SECRET}


@dataclass(frozen=True)
class World:
    endpoint: str
    environments: dict[str, dict[str, str]]  # per function logical id, PYTHONPATH included


def _lambda_like() -> dict[str, str]:
    """What Lambda's runtime sets for an on-demand container (core/prefetch.py reads it);
    logs at WARNING: the runs measure the work, not a terminal's scrolling."""
    return {
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "",
    }


@contextmanager
def running_world(functions: Path | None = None) -> Iterator[World]:
    """The world; the functions' code from `functions` when given (another checkout's
    functions/, to measure before and after), else the installed one."""
    endpoint_port = free_port()
    endpoint = f"http://127.0.0.1:{endpoint_port}"
    isolate_from_real_aws(endpoint)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    server = start_moto(endpoint_port)
    try:
        template = load_template(TEMPLATE)
        create_resources(template, endpoint)
        bucket = template.functions["ContentFunction"].environment["CONTENT_BUCKET"]
        publish(CONTENT, bucket, boto3.client("s3"), report=lambda _: None)
        edge = next(r.name for r in template.named(SECRET) if r.logical_id == "EdgeOriginSecret")
        paths = [str(functions.resolve())] if functions else []
        python_path = os.pathsep.join([*paths, str(ROOT / "benchmarks")])
        forced = {**fake_aws_environment(endpoint), **_lambda_like(), "PYTHONPATH": python_path}
        environments = {}
        for name, function in template.functions.items():
            environment = {**os.environ, **function_environment(function, {}, forced)}
            if "EDGE_ORIGIN_SECRET" in function.environment:
                environment["EDGE_ORIGIN_SECRET"] = edge
            environments[name] = environment
        yield World(endpoint, environments)
    finally:
        server.stop()
