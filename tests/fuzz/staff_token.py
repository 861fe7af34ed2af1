"""`python -m tests.fuzz.staff_token AWS`: an admin's ID token from a running `clinic dev`'s
staff pool (moto at AWS, e.g. http://127.0.0.1:5000), for `make fuzz` to send to the staff
routes, as the suite's own fuzz does; without one the fuzzer only meets the gateway's 401s."""

from __future__ import annotations

import sys
from pathlib import Path

from botocore.exceptions import BotoCoreError

from clinic_tools.local.cognito import find_staff_pool, new_staff_token
from clinic_tools.local.stack import isolate_from_real_aws
from clinic_tools.local.template import load_template

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


def main(endpoint: str) -> int:
    isolate_from_real_aws(endpoint)  # moto's fake keys, whatever the shell holds
    try:
        pool = find_staff_pool(load_template(TEMPLATE), endpoint)
    except BotoCoreError:  # nothing listens there
        pool = None
    if pool is None:
        print(f"no staff pool at {endpoint}: is `make dev` running?", file=sys.stderr)
        return 1
    print(new_staff_token(pool, ("admin",)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
