"""A request's life on the local stack: submitted over HTTP, announced, listed, worked, exported."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import CONTENT, ROOT
from tests.integration.conftest import LocalStack, call

pytestmark = pytest.mark.integration

REQUEST = {
    "patientStatus": "new",
    "firstName": "Oksana",
    "lastName": "Delacroix-Ngata",
    "email": "oksana.dn@example.com",
    "phone": "503-555-0166",
    "preferredContact": "email",
    "service": "tms-consultation",
    "message": "Three antidepressants tried; asking about TMS.",
    "consent": True,
}


def submit(stack: LocalStack) -> dict[str, str]:
    reply = call(
        f"{stack.api}/appointments",
        method="POST",
        headers={"Content-Type": "application/json"},
        data=json.dumps(REQUEST).encode(),
    )
    return reply.json()


def clinic(stack: LocalStack, *args: str) -> subprocess.CompletedProcess[str]:
    """`clinic requests ...` as staff run it from the project folder, pointed at the local
    stack: no --table, the local tables are found by themselves."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": stack.aws,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
    }
    env.pop("AWS_DEFAULT_REGION", None)
    for variable in ("CLINIC_REQUESTS_TABLE", "CLINIC_AUDIT_TABLE"):
        env.pop(variable, None)
    command = [sys.executable, "-m", "clinic_tools.cli", "requests", *args, "--by", "ana"]
    command += ["--content", str(CONTENT)]  # the fixture clinic's settings, not content/
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_staff_hear_of_a_request_then_list_work_and_export_it(local_stack: LocalStack) -> None:
    receipt = submit(local_stack)
    reference = receipt["reference"]

    # The notifier ran from the table's stream; the local stack shows what it published.
    announced = f"New appointment request {reference}"
    deadline = time.monotonic() + 20
    while announced not in local_stack.log.read_text():
        assert time.monotonic() < deadline, local_stack.log.read_text()
        time.sleep(0.25)
    log = local_stack.log.read_text()
    # Its link is the local site's inbox, where the local staff member signs in.
    assert f"    {local_stack.site}/staff/\n" in log
    assert "fernhill-mood.example/staff" not in log
    assert "console.aws.amazon.com" not in log  # moto's table is in no AWS console
    for secret in ("Oksana", "Delacroix", "oksana.dn", "555-0166", "5550166", "antidepressants"):
        assert secret not in log

    listed = clinic(local_stack, "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert reference in {row["reference"] for row in json.loads(listed.stdout)}

    changed = clinic(local_stack, "set-status", reference.lower(), "contacted", "--note", "called")
    assert changed.returncode == 0, changed.stderr
    assert f"{reference}: new -> contacted" in changed.stdout

    noted = clinic(local_stack, "note", reference, "prefers evenings")
    assert noted.returncode == 0, noted.stderr

    shown = clinic(local_stack, "show", reference)
    assert "new -> contacted" in shown.stdout and "(called)" in shown.stdout
    assert "(prefers evenings)" in shown.stdout
    assert "(503) 555-0166" in shown.stdout and "TMS consultation" in shown.stdout

    audit = clinic(local_stack, "audit", reference)
    assert audit.returncode == 0, audit.stderr
    actions = [line.split()[6] for line in audit.stdout.splitlines()[1:]]
    assert actions == ["update", "update", "read"]

    exported = clinic(local_stack, "export", "--status", "contacted")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    (row,) = [row for row in rows if row["reference"] == reference]
    assert row["status"] == "contacted"
    assert row["phone"] == "(503) 555-0166"
    assert row["email"] == REQUEST["email"]
