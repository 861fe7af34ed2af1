"""The published search index: its size, and a cold container's first search, against a
baseline revision of the code, in one run (`make bench-search`; run by benchmarks/search.py).

Each corpus size is generated once, with this tree's code (a baseline's content loader
may refuse today's content/), and written for the children. For each variant (this
tree, and `--baseline REV` exported with `git archive`): build the archive once (a
child process with that variant's code on its path), upload it to an embedded moto
S3 server, then in alternating rounds a fresh child process does what a cold
ContentFunction does on its first `/search`: GetObject (timed: download),
`SearchIndex.load` (unpack to a temp folder and open), the first query; then, warm,
the plain, as-you-type, misspelt and question query sets (p50). Medians over the rounds; the
machine is shared, so compare rows of the same run.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
BUCKET = "search-bench"
GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Variant:
    name: str
    root: Path  # holds functions/ and infra/

    def environment(self, endpoint: str) -> dict[str, str]:
        from clinic_tools.local.stack import fake_aws_environment

        path = os.pathsep.join([str(self.root / "functions"), str(self.root / "infra"), str(ROOT)])
        return {**os.environ, **fake_aws_environment(endpoint), "PYTHONPATH": path}


def export_revision(revision: str, folder: Path) -> Variant:
    """functions/ and infra/ as they were at `revision`."""
    git = shutil.which("git") or "git"
    archive = subprocess.run(
        [git, "-C", str(ROOT), "archive", revision, "functions", "infra"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return Variant(revision, folder)


def child_json(variant: Variant, endpoint: str, script: str, *arguments: str) -> dict[str, Any]:
    """Run `script ARGUMENTS` with the variant's code against moto; its last line's JSON."""
    completed = subprocess.run(
        [sys.executable, script, *arguments],
        env=variant.environment(endpoint),
        check=False,
        capture_output=True,
        text=True,
    )
    if completed.returncode:
        raise SystemExit(f"{script} {' '.join(arguments)} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.splitlines()[-1])


@dataclass
class ColdRow:
    size: int
    variant: str
    archive_mb: float
    unpacked_mb: float
    build_s: float
    download_ms: float
    open_ms: float
    first_ms: float
    p50: dict[str, float]  # query set → ms

    @property
    def cold_ms(self) -> float:
        return self.download_ms + self.open_ms + self.first_ms


def measure_cold(
    sizes: list[int], baseline: str | None, rounds: int, queries: int
) -> list[ColdRow]:
    import boto3

    from clinic_tools.local.stack import free_port, start_moto

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server: no line per request
    port = free_port()
    server = start_moto(port)
    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 (moto's)
    )
    s3.create_bucket(Bucket=BUCKET)
    rows: list[ColdRow] = []
    from search import generated_corpus, sample_corpus

    sample = sample_corpus()  # this tree's reading of content/: a baseline's may refuse it
    with tempfile.TemporaryDirectory(prefix="clinic-search-cold-") as folder:
        words = Path(folder) / "words.json"
        words.write_text(json.dumps(sample.words), encoding="utf-8")
        variants = [Variant("this tree", ROOT)]
        if baseline:
            exported = Path(folder) / "baseline"
            exported.mkdir()
            variants.insert(0, export_revision(baseline, exported))
        for size in sizes:
            corpus = Path(folder) / f"corpus-{size}.json"
            generated = generated_corpus(size, sample)
            corpus.write_text(
                json.dumps([generated.articles, generated.synonyms]), encoding="utf-8"
            )
            built = {}
            for number, variant in enumerate(variants):
                archive = Path(folder) / f"{number}-{size}.archive"
                built[variant.name] = _child(variant, endpoint, "build", str(corpus), str(archive))
                body = archive.read_bytes()
                encoding = "gzip" if body[:2] == GZIP_MAGIC else "identity"
                s3.put_object(
                    Bucket=BUCKET, Key=f"{number}-{size}", Body=body, ContentEncoding=encoding
                )
                print(f"built {size:,} articles with {variant.name}", flush=True)
            runs: dict[str, list[dict[str, Any]]] = {variant.name: [] for variant in variants}
            for _ in range(rounds):
                for number, variant in enumerate(variants):
                    measured = _child(
                        variant, endpoint, "cold", f"{number}-{size}", str(queries), str(words)
                    )
                    runs[variant.name].append(measured)
            for variant in variants:
                rows.append(_row(size, variant.name, built[variant.name], runs[variant.name]))
            print(f"measured {size:,} articles, {rounds} rounds", flush=True)
    server.stop()
    return rows


def _child(variant: Variant, endpoint: str, *arguments: str) -> dict[str, Any]:
    return child_json(variant, endpoint, str(BENCH_DIR / "search_cold.py"), *arguments)


def _row(size: int, name: str, built: dict[str, Any], runs: list[dict[str, Any]]) -> ColdRow:
    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    sets = runs[0]["p50"].keys()
    return ColdRow(
        size, name, built["archive_mb"], built["unpacked_mb"], built["build_s"],
        median("download_ms"), median("open_ms"), median("first_ms"),
        {name: statistics.median(run["p50"][name] for run in runs) for name in sets},
    )  # fmt: skip


def print_cold(rows: list[ColdRow]) -> None:
    from search_queries import SETS

    columns = "".join(f" {name} p50 |" for name in SETS)
    print(
        "\n| articles | code | archive | unpacked | build | download | open | first query "
        f"| cold total |{columns}"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(SETS))
    for row in rows:
        p50 = " | ".join(f"{row.p50[name]:.2f} ms" for name in SETS)
        print(
            f"| {row.size:,} | {row.variant} | {row.archive_mb:.1f} MB | {row.unpacked_mb:.1f} MB "
            f"| {row.build_s:.1f} s | {row.download_ms:.0f} ms | {row.open_ms:.0f} ms "
            f"| {row.first_ms:.1f} ms | {row.cold_ms:.0f} ms | {p50} |"
        )
    by_size: dict[int, list[ColdRow]] = {}
    for row in rows:
        by_size.setdefault(row.size, []).append(row)
    for size, (before, *afters) in by_size.items():
        for after in afters if afters else ():
            archive = after.archive_mb / before.archive_mb
            cold = after.cold_ms / before.cold_ms
            plain = after.p50["plain"] / before.p50["plain"]
            print(
                f"{size:,} articles, {after.variant} against {before.variant}: archive "
                f"{archive:.2f}, cold total {cold:.2f}, plain p50 {plain:.2f} (ratios)"
            )


# --- the children: each runs with one variant's code on its path ------------------


def _build(corpus: Path, archive: Path) -> dict[str, Any]:
    from clinic_tools.publish.search_index import build_search_index

    articles, synonyms = json.loads(corpus.read_text(encoding="utf-8"))
    started = time.perf_counter()
    built = build_search_index(articles, synonyms).archive
    build_s = time.perf_counter() - started
    archive.write_bytes(built)
    with tarfile.open(fileobj=io.BytesIO(built)) as tar:
        unpacked = sum(member.size for member in tar.getmembers())
    return {"archive_mb": len(built) / 1e6, "unpacked_mb": unpacked / 1e6, "build_s": build_s}


def _cold(key: str, queries: int, words: Path) -> dict[str, Any]:
    import boto3
    from search_queries import percentile, query_sets

    from clinic_api.search.index import SearchIndex

    texts = query_sets(json.loads(words.read_text(encoding="utf-8")), queries)
    s3 = boto3.client("s3")  # made before the clock starts, as a container's init does
    s3.head_bucket(Bucket=BUCKET)  # and its connection is open: the GET is the download
    started = time.perf_counter()
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    downloaded = time.perf_counter()
    index = SearchIndex.load(body)
    opened = time.perf_counter()
    index.search(texts["plain"][0], tag=None, limit=10, hidden=())
    answered = time.perf_counter()
    p50 = {}
    for name, batch in texts.items():
        for text in batch:  # warm-up: caches as a warm container has them
            index.search(text, tag=None, limit=10, hidden=())
        samples = []
        for text in batch:
            before = time.perf_counter_ns()
            index.search(text, tag=None, limit=10, hidden=())
            samples.append((time.perf_counter_ns() - before) / 1e6)
        p50[name] = percentile(samples, 50)
    return {
        "download_ms": (downloaded - started) * 1e3,
        "open_ms": (opened - downloaded) * 1e3,
        "first_ms": (answered - opened) * 1e3,
        "p50": p50,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH_DIR))
    command, *rest = sys.argv[1:]
    if command == "build":
        result = _build(Path(rest[0]), Path(rest[1]))
    else:
        result = _cold(rest[0], int(rest[1]), Path(rest[2]))
    print(json.dumps(result))
