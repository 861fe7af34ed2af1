"""`clinic`: one command for the backend's whole life: publish, dev, site, requests, staff,
notify."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from clinic_tools.exit_codes import HELP, ExitCode
from clinic_tools.notify.commands import register as register_notify
from clinic_tools.staff.commands import positive
from clinic_tools.staff.commands import register as register_requests
from clinic_tools.staff.pool import register as register_staff

# Subcommands import their modules when run: `clinic dev` spawns worker processes
# that re-import this module, and must not load the handlers before their environment.


def _publish(args: argparse.Namespace) -> int:
    from clinic_api.core.aws_errors import error_code
    from clinic_tools.publish.loader import ContentError
    from clinic_tools.publish.publisher import MissingSiteBucket, publish

    if args.stack:
        failed = _buckets_of_stack(args)
        if failed:
            print(failed, file=sys.stderr)
            return ExitCode.AWS
    try:
        publish(
            args.content,
            args.bucket,
            boto3.client("s3"),
            prune=args.prune,
            dry_run=args.dry_run,
            site_bucket=args.site_bucket,
            site_dir=args.site,
        )
    except ContentError as error:
        print(f"Nothing was published; fix these first:\n{error}", file=sys.stderr)
        return ExitCode.INVALID_CONTENT
    except MissingSiteBucket as missing:
        print(f"No site bucket {missing.bucket!r}; nothing was published.", file=sys.stderr)
        return ExitCode.AWS
    except NoCredentialsError:
        print("No AWS credentials: set AWS_PROFILE or run `aws configure`.", file=sys.stderr)
        return ExitCode.AWS
    except ClientError as error:
        if error_code(error) in {"404", "NoSuchBucket", "NotFound"}:
            print(f"No bucket {args.bucket!r}: use the stack's ContentBucketName.", file=sys.stderr)
        else:
            print(f"S3 refused the publish to {args.bucket!r}: {error}", file=sys.stderr)
        return ExitCode.AWS
    except BotoCoreError as error:
        print(f"Could not reach S3: {error}", file=sys.stderr)
        return ExitCode.AWS
    return ExitCode.OK


def _site_folder_option(parser: argparse.ArgumentParser, *, for_links: bool = False) -> None:
    """--site: dev and deploy render it; publish and check look there for the files a link
    names, so a folder given there must exist (a missing default only skips that check)."""
    from clinic_tools.site.paths import SITE_DIR

    parser.add_argument(
        "--site",
        type=_folder if for_links else Path,
        default=SITE_DIR,
        help="the website's folder (default: site/ beside template.yaml)",
    )


def _folder(text: str) -> Path:
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"no folder {text!r}")
    return Path(text)


def _buckets_of_stack(args: argparse.Namespace) -> str | None:
    """--stack: the content bucket and (unless --site-bucket names another) the site's,
    from the stack's outputs; what went wrong, in words, if they cannot be read."""
    from clinic_tools.stack_outputs import StackError, required_output, stack_outputs

    try:
        outputs = stack_outputs(boto3.client("cloudformation"), args.stack)
        for option, output in (("bucket", "ContentBucketName"), ("site_bucket", "SiteBucketName")):
            if not getattr(args, option):  # --bucket and --stack exclude each other
                (value,) = required_output(outputs, args.stack, output)
                setattr(args, option, value)
    except StackError as error:
        return str(error)
    except NoCredentialsError:
        return "No AWS credentials: set AWS_PROFILE or run `aws configure`."
    except ClientError as error:
        return f"CloudFormation refused to describe {args.stack!r}: {error}"
    except BotoCoreError as error:
        return f"Could not reach CloudFormation: {error}"
    return None


def _check(args: argparse.Namespace) -> int:
    from clinic_api.content.store import visible_from
    from clinic_api.core.keys import ARTICLE_PREFIX
    from clinic_tools.publish.loader import ContentError
    from clinic_tools.publish.publisher import check_content

    try:
        objects, hints = check_content(args.content, args.site)
    except ContentError as error:
        print(f"Not ready to publish; fix these first:\n{error}", file=sys.stderr)
        return ExitCode.INVALID_CONTENT
    articles = [
        json.loads(payload.body)
        for key, payload in objects.items()
        if key.startswith(ARTICLE_PREFIX)
    ]
    now = time.time()
    shown = [(visible_from(a["publishedAt"]), a["publishedAt"], a["slug"]) for a in articles]
    later = sorted(entry for entry in shown if entry[0] > now)
    scheduled = f", {len(later)} of them scheduled" if later else ""
    print(
        f"{args.content}: ready to publish ({len(articles)} articles{scheduled}, "
        "every link leads somewhere)"
    )
    for _, when, slug in later:  # a future `date:` schedules too, perhaps by mistake
        print(f"  {slug}: shown from {when}")
    for hint in hints:
        print(hint)
    return ExitCode.OK


def _openapi(args: argparse.Namespace) -> int:
    from clinic_tools.openapi import build_openapi
    from clinic_tools.publish.compile import site_document
    from clinic_tools.publish.loader import ContentError, load_content

    if args.request_schema:
        from clinic_api.appointments.openapi_models import checked_schema

        return _written(json.dumps(checked_schema(), indent=1) + "\n", args.output)
    try:
        site = site_document(load_content(args.content))
    except ContentError as error:
        print(f"No document written; fix these first:\n{error}", file=sys.stderr)
        return ExitCode.INVALID_CONTENT
    return _written(json.dumps(build_openapi(site), indent=2) + "\n", args.output)


def _written(text: str, output: str) -> int:
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
        print(f"wrote {output}")
    return ExitCode.OK


def _site_deploy(args: argparse.Namespace) -> int:
    from clinic_tools.publish.loader import ContentError
    from clinic_tools.site.deploy import deploy_site
    from clinic_tools.stack_outputs import StackError

    try:
        deploy_site(
            args.stack,
            args.content,
            args.site,
            boto3.client("cloudformation"),
            boto3.client("s3"),
            boto3.client("cloudfront"),
        )
    except ContentError as error:
        print(f"The site was not deployed; fix these first:\n{error}", file=sys.stderr)
        return ExitCode.INVALID_CONTENT
    except StackError as error:
        print(f"clinic site deploy: {error}", file=sys.stderr)
        return ExitCode.AWS
    except NoCredentialsError:
        print("No AWS credentials: set AWS_PROFILE or run `aws configure`.", file=sys.stderr)
        return ExitCode.AWS
    except (ClientError, BotoCoreError) as error:
        print(f"clinic site deploy: AWS refused: {error}", file=sys.stderr)
        return ExitCode.AWS
    return ExitCode.OK


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="clinic", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    pub = commands.add_parser(
        "publish",
        help="compile content/ and upload what changed to the content bucket",
        description="Compile Markdown articles to JSON and upload what changed. "
        "Endpoint and credentials come from the usual AWS variables.",
    )
    pub.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default: content)"
    )
    where = pub.add_mutually_exclusive_group(required=True)
    where.add_argument("--bucket", help="the stack's ContentBucketName output")
    where.add_argument(
        "--stack",
        help="the deployed stack's name: its ContentBucketName and SiteBucketName outputs",
    )
    pub.add_argument("--prune", action="store_true", help="delete articles no longer in content/")
    pub.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    pub.add_argument(
        "--site-bucket",
        help="the site's bucket: also upload the pictures' copies (media/) there, and "
        "sitemap.xml and feed.xml (they need baseUrl)",
    )
    _site_folder_option(pub, for_links=True)
    pub.set_defaults(run=_publish)

    check = commands.add_parser(
        "check",
        help="check content/ as publish would, with no AWS: every problem, or ready",
    )
    check.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default: content)"
    )
    _site_folder_option(check, for_links=True)
    check.set_defaults(run=_check)

    api = commands.add_parser("openapi", help="write the OpenAPI 3.1 document for every route")
    api.add_argument("--output", default="-", help="file to write (default: standard output)")
    api.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        help="content folder whose site.yaml lists the services (default: content)",
    )
    api.add_argument(
        "--request-schema",
        action="store_true",
        help="instead, the JSON Schema AppointmentsFunction checks a request against "
        "(`make request-schema` writes it to functions/clinic_api/appointments/)",
    )
    api.set_defaults(run=_openapi)

    dev = commands.add_parser(
        "dev",
        help="run the whole backend on this machine (moto + the template's API and functions)",
        description="Start moto on 127.0.0.1, create the template's resources, publish "
        "content/, serve the template's HTTP API with its real handlers, and the site/ "
        "on its own port with the distribution's path rules and headers.",
    )
    dev.add_argument("--host", default="127.0.0.1", help="API address (default: 127.0.0.1)")
    dev.add_argument("--port", type=int, default=3000, help="API port (default: 3000)")
    dev.add_argument("--aws-port", type=int, default=5000, help="moto port (default: 5000)")
    dev.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default: content)"
    )
    _site_folder_option(dev)
    dev.add_argument(
        "--site-port", type=int, default=8000, help="site port on 127.0.0.1 (default: 8000)"
    )
    dev.add_argument(
        "--env-vars", type=Path, help="env.json overriding function variables, as sam local"
    )
    dev.add_argument(
        "--workers",
        type=positive,
        help="worker processes per function (default: 2, so that one request may wait on "
        "another; 1 starts quicker where requests come one at a time)",
    )
    dev.add_argument(
        "--reload",
        action="store_true",
        help="restart the functions when a file under their code folder changes "
        "(content/ is re-published on change either way)",
    )
    dev.set_defaults(run=_dev)

    site = commands.add_parser("site", help="deploy the website (site/) to the stack")
    site_commands = site.add_subparsers(dest="site_command", required=True)
    deploy = site_commands.add_parser(
        "deploy",
        help="render site/, upload what changed to the site bucket, invalidate the cache",
        description="Render site/ with content/site.yaml (the API under /api), upload what "
        "changed to the stack's SiteBucketName and invalidate it on SiteDistributionId. "
        "Endpoint and credentials come from the usual AWS variables.",
    )
    deploy.add_argument("--stack", required=True, help="the deployed stack's name")
    deploy.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default: content)"
    )
    _site_folder_option(deploy)
    deploy.set_defaults(run=_site_deploy)

    register_requests(commands)
    register_staff(commands)
    register_notify(commands)
    _end_with_exit_codes(root)
    return root


def _end_with_exit_codes(command: argparse.ArgumentParser) -> None:
    """Every command's --help ends with the one exit-code table, its subcommands' too."""
    command.epilog = HELP
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subcommand in action.choices.values():
                _end_with_exit_codes(subcommand)


def _dev(args: argparse.Namespace) -> int:
    from clinic_tools.local.dev import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    # AWS_REGION is the usual variable (Lambda sets it); boto3 reads AWS_DEFAULT_REGION.
    if "AWS_REGION" in os.environ:
        os.environ.setdefault("AWS_DEFAULT_REGION", os.environ["AWS_REGION"])
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
