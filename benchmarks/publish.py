"""`clinic publish` at 1,000 and 10,000 articles: full, unchanged and incremental (one
article's text changed) publishes, timed, with the S3 calls each makes, against a baseline
revision of the code in the same run (`make bench-publish`).

Articles are generated (benchmarks/search.py's word salad, shaped like ours: front
matter, intro, H2/H3 sections), with content/'s site settings and authors. An embedded
moto S3 server stands in for S3; each variant publishes into its own bucket from a
child process with that variant's code on its path, and counts its calls through
botocore's `before-parameter-build` event hook (the call as the code made it).

Run: `make bench-publish`, or `.venv/bin/python benchmarks/publish.py [--sizes 1000 10000]
[--baseline REV]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
CONTENT = BENCH_DIR.parent / "content"
EDITED = 7  # the article an incremental publish changes
STEPS = ("full", "unchanged", "incremental")


def write_content(size: int, folder: Path) -> Path:
    """content/'s settings and authors with `size` generated articles."""
    import yaml
    from search import TextMaker, sample_corpus
    from search_queries import SEED

    from clinic_tools.publish.search_index import search_units, vocabulary

    content = folder / f"content-{size}"
    (content / "articles").mkdir(parents=True)
    for name in ("site.yaml", "authors.yaml", "synonyms.yaml"):
        if (CONTENT / name).exists():
            shutil.copy(CONTENT / name, content / name)
    authors = sorted(yaml.safe_load((CONTENT / "authors.yaml").read_text(encoding="utf-8")))
    rng = random.Random(SEED + size)
    maker = TextMaker(rng, vocabulary(search_units(sample_corpus().articles)))
    first = date(2020, 1, 1)
    for number in range(size):
        article = _article(maker, rng, authors, first + timedelta(days=number % 2000))
        (content / "articles" / f"article-{number}.md").write_text(article, encoding="utf-8")
    return content


def _article(maker: Any, rng: random.Random, authors: list[str], day: date) -> str:
    from search import TAG_POOL

    tags = ", ".join(sorted(rng.sample(TAG_POOL, rng.randint(1, 3))))
    lines = [
        "---",
        f'title: "{maker.heading()}"',
        f'description: "{maker.sentence()}"',
        f"date: {day.isoformat()}",
        f"author: {rng.choice(authors)}",
        f"tags: [{tags}]",
        "---",
        "",
        maker.paragraph(2),
    ]
    for section in range(rng.randint(3, 5)):
        lines += ["", f"## {maker.heading()} {section}", "", maker.paragraph(3)]
        if rng.random() < 0.4:
            lines += ["", f"### {maker.heading()} {section}b", "", maker.paragraph(2)]
    return "\n".join(lines) + "\n"


def edit_one(content: Path) -> None:
    path = content / "articles" / f"article-{EDITED}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")


# --- the child: one variant's code publishes, timed and counted ----------------------


def _child(content: Path, bucket: str, step: str) -> dict[str, Any]:
    import boto3

    from clinic_tools.publish.publisher import publish

    client = boto3.client("s3")
    calls: Counter[str] = Counter()
    client.meta.events.register(
        "before-parameter-build.s3.*", lambda model, **_: calls.update([model.name])
    )
    if step == "full":
        client.create_bucket(Bucket=bucket)
        calls.clear()
    elif step == "incremental":
        edit_one(content)
    started = time.perf_counter()
    publish(content, bucket, client, report=lambda _: None)
    return {"seconds": time.perf_counter() - started, "calls": dict(calls)}


def measure(sizes: list[int], baseline: str | None) -> list[dict[str, Any]]:
    from search_cold import Variant, child_json, export_revision

    from clinic_tools.local.stack import free_port, start_moto

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server: no line per request
    port = free_port()
    server = start_moto(port)
    endpoint = f"http://127.0.0.1:{port}"
    rows = []
    with tempfile.TemporaryDirectory(prefix="clinic-publish-bench-") as folder:
        variants = [Variant("this tree", BENCH_DIR.parent)]
        if baseline:
            exported = Path(folder) / "baseline"
            exported.mkdir()
            variants.insert(0, export_revision(baseline, exported))
        for size in sizes:
            for number, variant in enumerate(variants):
                # Each variant its own copy: the incremental step edits one article.
                content = write_content(size, Path(folder) / f"{number}")
                for step in STEPS:
                    script = str(BENCH_DIR / "publish.py")
                    bucket = f"publish-{number}-{size}"
                    result = child_json(
                        variant, endpoint, script, "child", str(content), bucket, step
                    )
                    rows.append({"size": size, "variant": variant.name, "step": step, **result})
                    print(
                        f"{size:,} articles, {variant.name}: {step} publish: {result}", flush=True
                    )
                shutil.rmtree(content.parent)
    server.stop()
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print("\n| articles | code | publish | time | S3 calls | of which |")
    print("|---:|---|---|---:|---:|---|")
    for row in rows:
        calls = row["calls"]
        detail = ", ".join(f"{name} {count:,}" for name, count in sorted(calls.items()))
        print(
            f"| {row['size']:,} | {row['variant']} | {row['step']} | {row['seconds']:.1f} s "
            f"| {sum(calls.values()):,} | {detail} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--baseline", default="e8c5dad", help="git revision to compare with")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.node()}")
    print_table(measure(args.sizes, args.baseline or None))


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH_DIR))  # search.py's generator, search_cold.py's children
    if sys.argv[1:2] == ["child"]:
        print(json.dumps(_child(Path(sys.argv[2]), sys.argv[3], sys.argv[4])))
    else:
        main()
