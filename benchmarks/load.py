"""The local stack under load: concurrent clients against `clinic dev` on 127.0.0.1
(`make bench-load`).

`clinic dev` starts in a subprocess on free ports with content/; then CLIENTS threads,
each on its own keep-alive connection as a browser tab would be, loop for SECONDS over
an article, a search and a form post (JSON, a new name and phone each time, so that
duplicate detection does not answer for the form). Reported per request kind: count,
p50/p99, statuses; errors (a refused or dropped connection, a timeout, any 5xx); and
the peak resident memory of the stack's processes (the gateway with its embedded
moto, and each function's workers), sampled every 0.2 s.

The form's per-address rate limit (5 a window by default) would answer nearly every
post with 429 here, since every client is 127.0.0.1: by default this run lifts it
through `--env-vars`, as the integration tests do, to load the form's real path;
`--keep-rate-limit` measures the stack as `make dev` runs it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clinic_tools.local.stack import free_port

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 120
QUERIES = ["ketamine side effects", "anxiety", "tms", "depresion", "esketamine nasal", "sleep"]
FORM = {
    "patientStatus": "new",
    "preferredContact": "phone",
    "service": "medication-management",
    "consent": True,
}


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind → ms
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int, millis: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(millis)
            self.statuses.setdefault(kind, Counter())[status] += 1
            if status >= 500:
                self.errors[f"{kind} {status}"] += 1

    def failed(self, kind: str, error: Exception) -> None:
        with self.lock:
            self.errors[f"{kind} {type(error).__name__}"] += 1


def get(api: str, path: str) -> tuple[int, bytes]:
    """One GET on a connection of its own (the 127.0.0.1 stack only, http://)."""
    where = urllib.parse.urlsplit(api)
    connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def letters(number: int) -> str:
    """A name's worth of letters for a number: the form takes no digits in a name."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not number:
            return out.capitalize()


@dataclass
class Stack:
    process: subprocess.Popen[bytes]
    api: str
    site: str

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_stack(folder: Path, keep_rate_limit: bool = True) -> Stack:
    """`clinic dev` with content/ on free ports, once it answers /health."""
    port, site_port = free_port(), free_port()
    command = [sys.executable, "-m", "clinic_tools.cli", "dev", "--port", str(port)]
    command += ["--aws-port", str(free_port()), "--site-port", str(site_port)]
    if not keep_rate_limit:
        overrides = folder / "env.json"
        overrides.write_text(json.dumps({"AppointmentsFunction": {"RATE_LIMIT_MAX": "1000000"}}))
        command += ["--env-vars", str(overrides)]
    log = (folder / "clinic-dev.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            get(api, "/health")
            return Stack(process, api, f"http://127.0.0.1:{site_port}")
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"clinic dev did not start:\n{(folder / 'clinic-dev.log').read_text()}")


def stack_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and every process under it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue  # gone meanwhile
        children.setdefault(int(stat[1]), []).append(int(entry.name))
        kb = [line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")]
        rss[int(entry.name)] = int(kb[0]) if kb else 0
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total / 1024


def client(api: str, slug: str, number: int, stop: threading.Event, tally: Tally) -> None:
    host = urllib.parse.urlsplit(api)
    connection = http.client.HTTPConnection(host.hostname or "127.0.0.1", host.port, timeout=30)
    sent = 0
    while not stop.is_set():
        sent += 1
        query = urllib.parse.quote(QUERIES[(number + sent) % len(QUERIES)])
        form = {**FORM, "firstName": letters(number), "lastName": letters(sent + 100)}
        form["phone"] = f"+1 503 555 {(number * 997 + sent) % 10000:04d}"
        requests = [
            ("article", "GET", f"/articles/{slug}", None),
            ("search", "GET", f"/search?q={query}", None),
            ("form", "POST", "/appointments", json.dumps(form).encode()),
        ]
        for kind, method, path, body in requests:
            headers = {"content-type": "application/json"} if body else {}
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                tally.failed(kind, error)
                connection.close()  # the next request opens a new one
                continue
            tally.record(kind, response.status, (time.perf_counter() - started) * 1e3)
    connection.close()


def run(clients: int, seconds: float, keep_rate_limit: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="clinic-load-") as folder:
        stack = start_stack(Path(folder), keep_rate_limit)
        process, api = stack.process, stack.api
        try:
            slug = json.loads(get(api, "/articles?limit=1")[1])["items"][0]["slug"]
            idle = stack_rss_mb(process.pid)
            tally, stop = Tally(), threading.Event()
            threads = [
                threading.Thread(target=client, args=(api, slug, number, stop, tally))
                for number in range(clients)
            ]
            peak = idle
            started = time.monotonic()
            for thread in threads:
                thread.start()
            while time.monotonic() - started < seconds:
                time.sleep(0.2)
                peak = max(peak, stack_rss_mb(process.pid))
            stop.set()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            healthy = get(api, "/health")[0] == 200
        finally:
            stack.stop()
    return {"tally": tally, "idle": idle, "peak": peak, "elapsed": elapsed, "healthy": healthy}


def percentile(samples: list[float], percent: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def report(result: dict[str, Any], clients: int, keep_rate_limit: bool) -> None:
    tally: Tally = result["tally"]
    limit = "as `make dev` runs it" if keep_rate_limit else "form rate limit lifted"
    print(f"\n{clients} clients for {result['elapsed']:.0f} s ({limit}):\n")
    print("| request | answers | per second | p50 | p99 | statuses |")
    print("|---|---:|---:|---:|---:|---|")
    for kind, samples in tally.latencies.items():
        statuses = ", ".join(f"{code}: {n:,}" for code, n in sorted(tally.statuses[kind].items()))
        print(
            f"| {kind} | {len(samples):,} | {len(samples) / result['elapsed']:.1f} "
            f"| {percentile(samples, 50):.0f} ms | {percentile(samples, 99):.0f} ms | {statuses} |"
        )
    errors = ", ".join(f"{name}: {n}" for name, n in tally.errors.items()) or "none"
    print(f"\nErrors (connection failures, timeouts, 5xx): {errors}")
    print(
        f"Memory of the stack's processes: {result['idle']:.0f} MB idle, "
        f"{result['peak']:.0f} MB at peak; /health afterwards: "
        f"{'200' if result['healthy'] else 'no answer'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--keep-rate-limit", action="store_true")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    result = run(args.clients, args.seconds, args.keep_rate_limit)
    report(result, args.clients, args.keep_rate_limit)


if __name__ == "__main__":
    main()
