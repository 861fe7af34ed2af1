"""`clinic dev`: moto, the template's resources, published content, the functions and the API.

Order matters: ports are checked before anything starts (so a second `clinic dev`
fails cleanly), the AWS environment is faked before any client exists, and on
Ctrl-C or SIGTERM everything started is stopped in reverse order.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

import boto3
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from clinic_tools.local.gateway import Gateway, RouteTable
from clinic_tools.local.inbox import TopicInbox
from clinic_tools.local.stack import (
    MOTO_HOST,
    PortTaken,
    check_port_free,
    create_resources,
    fake_aws_environment,
    isolate_from_real_aws,
    start_moto,
)
from clinic_tools.local.streams import StreamPoller
from clinic_tools.local.template import (
    ACCOUNT_ID,
    BUCKET,
    REGION,
    TABLES,
    TOPIC,
    LocalTemplate,
    load_template,
)
from clinic_tools.local.watch import Reloader, Watcher
from clinic_tools.local.workers import Workers, load_env_vars
from clinic_tools.publish.loader import ContentError
from clinic_tools.publish.publisher import publish

EXIT_FAILED = 1
TEMPLATE = Path("template.yaml")


class _QuietHandler(WSGIRequestHandler):
    """The gateway logs one line per request itself; werkzeug's own line would repeat it."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def run(args: argparse.Namespace) -> int:
    """Start everything, serve until Ctrl-C or SIGTERM, stop everything."""
    try:
        template = load_template(TEMPLATE)
        overrides = load_env_vars(args.env_vars)
        check_port_free(args.host, args.port, "--port")
        check_port_free(MOTO_HOST, args.aws_port, "--aws-port")
    except (OSError, ValueError, PortTaken) as error:
        print(f"clinic dev: {error}", file=sys.stderr)
        return EXIT_FAILED
    stop = _stop_on_signals()
    # moto's server logs every S3 call through werkzeug; the gateway's own line is enough.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with ExitStack() as started:
        try:
            server = _start(template, overrides, args, started)
        except (ContentError, PortTaken, RuntimeError, OSError) as error:
            print(f"clinic dev: {error}", file=sys.stderr)
            return EXIT_FAILED
        threading.Thread(target=server.serve_forever, name="gateway", daemon=True).start()
        started.callback(server.shutdown)
        stop.wait()
        print("\nclinic dev: stopping", flush=True)
    print("clinic dev: stopped", flush=True)
    return 0


def _start(
    template: LocalTemplate,
    overrides: dict[str, dict[str, str]],
    args: argparse.Namespace,
    started: ExitStack,
) -> BaseWSGIServer:
    """Each step registers its own stop with `started`, so a failure undoes what ran."""
    endpoint = f"http://{MOTO_HOST}:{args.aws_port}"
    isolate_from_real_aws(endpoint)
    moto = start_moto(args.aws_port)
    started.callback(moto.stop)
    create_resources(template, endpoint)
    bucket = content_bucket(template)
    s3 = boto3.client("s3")
    if bucket is not None:
        publish(args.content, bucket, s3, report=_indent)
    workers = Workers(template.functions, overrides, fake_aws_environment(endpoint))
    started.callback(workers.stop)
    for mapping in template.stream_mappings:
        poller = StreamPoller(mapping, workers.invoke, _say)
        poller.start()
        started.callback(poller.stop)
    topics = [resource.name for resource in template.named(TOPIC)]
    if topics:
        inbox = TopicInbox([_topic_arn(name) for name in topics], _say)
        inbox.start()
        started.callback(inbox.stop)
    watcher = Watcher(
        _watched(template, args), Reloader(args.content.resolve(), bucket, s3, workers, _say)
    )
    watcher.start()
    started.callback(watcher.stop)
    gateway = Gateway(RouteTable(template.routes), template.cors, workers.invoke, _log, args.port)
    server = make_server(
        args.host, args.port, gateway, threaded=True, request_handler=_QuietHandler
    )
    started.callback(server.server_close)
    _banner(template, args, endpoint, bucket)
    return server


def _topic_arn(name: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{name}"


def content_bucket(template: LocalTemplate) -> str | None:
    """The bucket `clinic publish` fills: ContentBucket, or the template's only bucket."""
    buckets = template.named(BUCKET)
    named = [bucket for bucket in buckets if bucket.logical_id == "ContentBucket"]
    chosen = named or buckets[:1]
    return chosen[0].name if chosen else None


def _watched(template: LocalTemplate, args: argparse.Namespace) -> list[Path]:
    """content/ always (it is re-published); the functions' code only with --reload."""
    folders = {args.content.resolve()}
    if args.reload:
        folders |= {function.code_uri for function in template.functions.values()}
    return sorted(folders)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return stop


def _banner(
    template: LocalTemplate, args: argparse.Namespace, endpoint: str, bucket: str | None
) -> None:
    _say("")
    _say(f"clinic dev: API      http://{args.host}:{args.port}  (try /health, /articles)")
    _say(f"clinic dev: moto     {endpoint}  (in-memory AWS; gone when this stops)")
    for resource in template.resources:
        _say(f"clinic dev: {resource.type.split('::')[-1]:<8} {resource.name}")
    for route in template.routes:
        _say(f"clinic dev: route    {route.key:<28} -> {route.function}")
    for mapping in template.stream_mappings:
        _say(f"clinic dev: stream   {mapping.table:<28} -> {mapping.function}")
    fake = f"AWS_ENDPOINT_URL={endpoint} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing"
    _say("clinic dev: AWS CLI / clinic tools against it:")
    _say(f"    {fake} AWS_REGION=us-east-1 aws s3 ls s3://{bucket or ''}")
    for table in template.named(*TABLES)[:1]:
        _say(f"    {fake} AWS_REGION=us-east-1 clinic requests list --table {table.name}")
    reload = "restarts the functions" if args.reload else "needs a restart (or --reload)"
    _say(f"clinic dev: editing  {args.content}/ re-publishes; editing functions/ {reload}")
    _say("clinic dev: Ctrl-C stops everything")
    _say("")


def _say(line: str) -> None:
    print(line, flush=True)


def _indent(line: str) -> None:
    print(f"  publish: {line}", flush=True)


def _log(method: str, path: str, status: int, ms: float) -> None:
    print(f"{method} {path} {status} {ms:.0f} ms", flush=True)
