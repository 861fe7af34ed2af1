"""`clinic dev`: moto, the template's resources, published content, functions, API and site.

Order matters: ports are checked before anything starts (so a second `clinic dev`
fails cleanly), the AWS environment is faked before any client exists, and on
Ctrl-C or SIGTERM everything started is stopped in reverse order.

The template's staff user pool is made in moto with a local staff member, and the
template is read again with the ids moto gave the pool and its client, so that the
gateway's JWT authorizer trusts exactly that pool, as the deployed one does.

The site (site/, when the template has a distribution in front of a bucket) is
served on its own origin, as CloudFront would serve it, so CORS is exercised for
real: the template is loaded with parameter overrides that let the API allow the
site's origin and send the form's redirects to the site's pages, whatever ports
were chosen.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import boto3
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from clinic_tools.exit_codes import ExitCode
from clinic_tools.local.authorizer import JwksCache, verifiers
from clinic_tools.local.cognito import LocalStaffUser, create_local_staff, pool_ids
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
from clinic_tools.local.watch import Reloader, SiteSync, Watcher
from clinic_tools.local.workers import WORKERS_PER_FUNCTION, Workers, load_env_vars
from clinic_tools.publish.loader import ContentError
from clinic_tools.publish.publisher import publish
from clinic_tools.site.paths import PathRules
from clinic_tools.site.render import StaffSignIn
from clinic_tools.site.server import SiteServer, local_headers
from clinic_tools.site.upload import sync_site

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

TEMPLATE = Path("template.yaml")
# How often a server looks for its shutdown: Ctrl-C waits for each (socketserver's 0.5 s
# made three servers half of the stop's time).
SHUTDOWN_POLL_S = 0.05


class _QuietHandler(WSGIRequestHandler):
    """The gateway logs one line per request itself; werkzeug's own line would repeat it.
    A request line's bytes are read as UTF-8, as API Gateway and CloudFront read them."""

    def make_environ(self) -> WSGIEnvironment:
        # http.server decodes the request line as Latin-1, and werkzeug takes that text for
        # the URL's characters and encodes it again: a raw `?q=café` reached the app as
        # `cafÃ©` whatever it did. Bytes that are no UTF-8 become U+FFFD.
        self.path = self.path.encode("latin-1").decode("utf-8", "replace")
        return super().make_environ()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass(frozen=True)
class LocalSite:
    """Where the site and the API answer, as a browser names them."""

    folder: Path
    port: int
    origin: str  # http://127.0.0.1:8000
    api_origin: str  # http://127.0.0.1:3000


def browser_host(host: str) -> str:
    """The name a browser on this machine uses for a listening address."""
    return "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host  # noqa: S104 (compared, not bound)


def site_parameters(parameters: dict[str, Any], site_origin: str) -> dict[str, Any]:
    """Overrides that let the API serve the local site, as a deploy's parameters would.

    CORS allows the site's origin (and its localhost twin: a browser treats them as
    two origins), next to the template's own; a form redirect the template gives as
    a path on the site's origin becomes a URL on the local site's origin, because
    locally the API is another origin and a path would resolve against it; and so does
    the inbox's path, which notifications would otherwise put on the clinic's baseUrl.
    """
    overrides: dict[str, Any] = {}
    if "AllowedOrigins" in parameters:
        twins = [site_origin, site_origin.replace("//127.0.0.1:", "//localhost:")]
        origins = [*parameters["AllowedOrigins"], *twins]
        overrides["AllowedOrigins"] = list(dict.fromkeys(origins))
    for name in ("ThankYouUrl", "FormErrorUrl", "InboxUrl"):
        value = parameters.get(name)
        if isinstance(value, str) and value.startswith("/"):
            overrides[name] = site_origin + value
    return overrides


def run(args: argparse.Namespace) -> int:
    """Start everything, serve until Ctrl-C or SIGTERM, stop everything."""
    try:
        template = load_template(TEMPLATE)
        site = _local_site(template, args)
        if site is not None:
            template = load_template(TEMPLATE, site_parameters(template.parameters, site.origin))
        overrides = load_env_vars(args.env_vars)
        check_port_free(args.host, args.port, "--port")
        check_port_free(MOTO_HOST, args.aws_port, "--aws-port")
        if site is not None:
            check_port_free(args.host, site.port, "--site-port")
    except (OSError, ValueError, PortTaken) as error:
        print(f"clinic dev: {error}", file=sys.stderr)
        return ExitCode.FAILED
    stop = _stop_on_signals()
    # moto's server logs every S3 call through werkzeug; the gateway's own line is enough.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with ExitStack() as started:
        try:
            servers = _start(template, overrides, args, site, started)
        except (ContentError, PortTaken, RuntimeError, OSError) as error:
            print(f"clinic dev: {error}", file=sys.stderr)
            invalid = isinstance(error, ContentError)
            return ExitCode.INVALID_CONTENT if invalid else ExitCode.FAILED
        for name, server in servers.items():
            serve = partial(server.serve_forever, poll_interval=SHUTDOWN_POLL_S)
            threading.Thread(target=serve, name=name, daemon=True).start()
            started.callback(server.shutdown)
        stop.wait()
        print("\nclinic dev: stopping", flush=True)
    print("clinic dev: stopped", flush=True)
    return ExitCode.OK


def _local_site(template: LocalTemplate, args: argparse.Namespace) -> LocalSite | None:
    """The site to serve: the template must have its distribution, the folder must exist."""
    if template.site is None or not args.site.is_dir():
        return None
    host = browser_host(args.host)
    return LocalSite(
        args.site.resolve(),
        args.site_port,
        f"http://{host}:{args.site_port}",
        f"http://{host}:{args.port}",
    )


def _start(
    template: LocalTemplate,
    overrides: dict[str, dict[str, str]],
    args: argparse.Namespace,
    site: LocalSite | None,
    started: ExitStack,
) -> dict[str, BaseWSGIServer]:
    """Each step registers its own stop with `started`, so a failure undoes what ran."""
    endpoint = f"http://{MOTO_HOST}:{args.aws_port}"
    isolate_from_real_aws(endpoint)
    moto = start_moto(args.aws_port)
    started.callback(moto.stop)
    create_resources(template, endpoint)
    staff = create_local_staff(template, endpoint)
    if staff is not None:
        ids = pool_ids(template, staff.pool)
        template = load_template(TEMPLATE, template.parameters, physical_ids=ids)
    bucket = content_bucket(template)
    s3 = boto3.client("s3")
    site_sync = _site_sync(template, args, site, s3, staff_sign_in(staff))
    if bucket is not None:
        site_bucket = site_sync.bucket if site_sync is not None else None
        publish(
            args.content, bucket, s3, report=_indent, site_bucket=site_bucket, site_dir=args.site
        )
    if site_sync is not None:
        site_sync.sync()
    size = args.workers or WORKERS_PER_FUNCTION
    workers = Workers(template.functions, overrides, fake_aws_environment(endpoint), size)
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
        _watched(template, args, site),
        # As given: an author's errors name content/... as `clinic check` does, not /home/...
        Reloader(args.content, bucket, s3, workers, _say, site_sync, args.site),
    )
    watcher.start()
    started.callback(watcher.stop)
    checks = verifiers(template.authorizers, JwksCache(endpoint))
    gateway = Gateway(
        RouteTable(template.routes), template.cors, workers.invoke, _log, args.port, checks
    )
    servers = {"gateway": _server(args.host, args.port, gateway, started)}
    if site is not None and template.site is not None and site_sync is not None:
        distribution, api_origin = template.site, site.api_origin
        app = SiteServer(
            PathRules.from_template(TEMPLATE),
            s3,
            site_sync.bucket,
            lambda path: local_headers(distribution.headers_for(path), api_origin, endpoint),
            log=partial(_log, prefix="site "),
        )
        servers["site"] = _server(args.host, site.port, app, started)
    _banner(template, args, endpoint, bucket, site, staff)
    return servers


def _site_sync(
    template: LocalTemplate,
    args: argparse.Namespace,
    site: LocalSite | None,
    s3: Any,
    staff: StaffSignIn | None,
) -> SiteSync | None:
    """How site/ is rendered (its API the local one, its staff sign-in moto's pool) into
    the distribution's bucket."""
    if site is None or template.site is None:
        return None
    bucket = template.site.bucket
    sync = partial(
        sync_site,
        site.folder,
        args.content,
        site.api_origin,
        bucket,
        s3,
        report=_indent_site,
        staff=staff,
    )
    return SiteSync(site.folder, bucket, sync)


def staff_sign_in(staff: LocalStaffUser | None) -> StaffSignIn | None:
    """The inbox page signs in at moto's Cognito, which answers at moto's root URL."""
    endpoint = staff.pool.endpoint if staff is not None else None
    if staff is None or endpoint is None:
        return None
    return StaffSignIn(endpoint.rstrip("/") + "/", staff.pool.client_id, staff.pool.region)


def _server(host: str, port: int, app: Any, started: ExitStack) -> BaseWSGIServer:
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    started.callback(server.server_close)
    return server


def _topic_arn(name: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{name}"


def content_bucket(template: LocalTemplate) -> str | None:
    """The bucket `clinic publish` fills: ContentBucket, or the template's only bucket."""
    buckets = template.named(BUCKET)
    named = [bucket for bucket in buckets if bucket.logical_id == "ContentBucket"]
    chosen = named or buckets[:1]
    return chosen[0].name if chosen else None


def _watched(
    template: LocalTemplate, args: argparse.Namespace, site: LocalSite | None
) -> list[Path]:
    """content/ always (it is re-published), site/ when served; the code only with --reload."""
    folders = {args.content.resolve()}
    if site is not None:
        folders.add(site.folder)
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
    template: LocalTemplate,
    args: argparse.Namespace,
    endpoint: str,
    bucket: str | None,
    site: LocalSite | None,
    staff: LocalStaffUser | None,
) -> None:
    _say("")
    if site is not None:
        _say(f"clinic dev: site     {site.origin}/  (open this: the clinic's website)")
    else:
        _say(f"clinic dev: site     not served (no {args.site}/ folder or no distribution)")
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
    region = "AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1"  # the CLI v1 reads the second
    _say(f"    {fake} {region} aws s3 ls s3://{bucket or ''}")
    if template.named(*TABLES):  # the local tables are found without --table
        _say(f"    {fake} AWS_REGION=us-east-1 clinic requests list")
    if staff is not None:
        _staff_banner(staff, site)
    reload = "restarts the functions" if args.reload else "needs a restart (or --reload)"
    _say(f"clinic dev: editing  {args.content}/ re-publishes; editing functions/ {reload}")
    if site is not None:
        _say(f"clinic dev: editing  {args.site}/ or {args.content}/site.yaml re-renders the site")
    _say("clinic dev: Ctrl-C stops everything")
    _say("")


def _staff_banner(staff: LocalStaffUser, site: LocalSite | None) -> None:
    """How to sign in to the staff inbox locally (docs/local-development.md says more)."""
    where = f"{site.origin}/staff/" if site is not None else "the inbox page (no site served)"
    _say(f"clinic dev: staff    sign in at {where}")
    _say(f"clinic dev:          e-mail   {staff.email}")
    _say(f"clinic dev:          password {staff.password}  (new on every start)")
    _say("clinic dev:          MFA code any 6 digits, e.g. 123456 (moto checks no codes)")
    _say(f"clinic dev:          pool {staff.pool.pool_id}, app client {staff.pool.client_id}")


def _say(line: str) -> None:
    print(line, flush=True)


def _indent(line: str) -> None:
    print(f"  publish: {line}", flush=True)


def _indent_site(line: str) -> None:
    print(f"  site: {line.removeprefix('site: ')}", flush=True)


def _log(method: str, path: str, status: int, ms: float, prefix: str = "") -> None:
    print(f"{prefix}{method} {path} {status} {ms:.0f} ms", flush=True)
