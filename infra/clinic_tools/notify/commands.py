"""`clinic notify redrive`: resend the new-request notices that ended in the dead-letter queue.

The queue, topic and requests table come from --queue-url/--topic-arn/--table,
else --stack's outputs (NotifyDeadLetterQueueUrl, StaffTopicArn,
RequestsTableName), else (with AWS_ENDPOINT_URL) the local stack's, else the
stack in samconfig.toml. The notices link to the inbox as the stack's do:
--inbox-url, else the stack's InboxUrl output, else /staff/ on site.yaml's
baseUrl. Runs with your own AWS credentials.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_tools.exit_codes import ExitCode

if TYPE_CHECKING:
    from clinic_api.notify.messages import ClinicDesk

QUEUE = ("NotifyDeadLetterQueue", "NotifyDeadLetterQueueUrl")
TOPIC = ("StaffTopic", "StaffTopicArn")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    notify = commands.add_parser("notify", help="staff notifications (dead-letter queue)")
    actions = notify.add_subparsers(dest="action", required=True)
    redrive = actions.add_parser(
        "redrive", help="resend dead-lettered notifications, each once", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    redrive.add_argument("--stack", help="read queue, topic and table from this stack's outputs")
    redrive.add_argument("--queue-url", help="the dead-letter queue (NotifyDeadLetterQueueUrl)")
    redrive.add_argument("--topic-arn", help="the staff topic (StaffTopicArn)")
    redrive.add_argument("--table", help="the requests table, named in the notices")
    redrive.add_argument(
        "--content", type=Path, default=Path("content"),
        help="for site.yaml's time zone and baseUrl (the notices' times and inbox link)",
    )  # fmt: skip
    redrive.add_argument(
        "--inbox-url", type=_inbox_url,
        help="the inbox the notices link to: a URL, or a path on baseUrl "
        "(default: the stack's InboxUrl output, else /staff/)",
    )  # fmt: skip
    redrive.set_defaults(run=run)


def _inbox_url(value: str) -> str:
    if value.startswith(("/", "https://", "http://")):
        return value
    raise argparse.ArgumentTypeError("a URL (https://...) or a path on baseUrl (/staff/)")


@dataclass(frozen=True)
class Targets:
    queue_url: str
    topic_arn: str
    table: str
    inbox_page: str | None = None  # the stack's InboxUrl, where read


class NoTarget(Exception):
    pass


def run(args: argparse.Namespace) -> int:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    from clinic_api.notify.messages import WhereToLook
    from clinic_tools.notify.redrive import Redrive
    from clinic_tools.stack_outputs import StackError

    try:
        targets = _targets(args)
        region = boto3.session.Session().region_name or "us-east-1"
        desk = _clinic_desk(args.content / "site.yaml")
        if inbox_page := args.inbox_url or targets.inbox_page:
            desk = replace(desk, inbox_page=inbox_page)
        where = WhereToLook(targets.table, region, desk, not os.environ.get("AWS_ENDPOINT_URL"))
        redrive = Redrive(
            boto3.client("sqs"), boto3.client("dynamodbstreams"), boto3.client("sns"),
            targets.queue_url, targets.topic_arn, where,
        )  # fmt: skip
        outcome = redrive.run()
    except NoTarget as missing:
        _say(f"Which {missing}? Pass --stack or the option, or run from the project folder.")
        return ExitCode.USAGE
    except StackError as error:
        _say(str(error))
        return ExitCode.AWS
    except NoCredentialsError:
        _say("No AWS credentials: set AWS_PROFILE or run `aws configure`.")
        return ExitCode.AWS
    except (ClientError, BotoCoreError) as error:
        _say(f"AWS refused or could not be reached; what was sent stays sent: {error}")
        return ExitCode.AWS
    for reference in outcome.notified:
        print(f"notified {reference}")
    _say(f"{len(outcome.notified)} notification(s) resent.")
    if outcome.expired or outcome.unreadable:
        _say(
            f"Left in the queue: {outcome.expired} whose stream records are gone (over 24 h), "
            f"{outcome.unreadable} unreadable. See `clinic requests list --status new`."
        )
        return ExitCode.NOT_FOUND
    return ExitCode.OK


def _targets(args: argparse.Namespace) -> Targets:
    import boto3

    from clinic_tools.stack_outputs import required_output
    from clinic_tools.staff.tables import REQUESTS, TableFinder

    if args.queue_url and args.topic_arn and args.table and not args.stack:
        return Targets(args.queue_url, args.topic_arn, args.table)
    finder = TableFinder(lambda: boto3.client("cloudformation"), lambda: boto3.client("dynamodb"))
    local = bool(os.environ.get("AWS_ENDPOINT_URL")) and not args.stack
    stack = args.stack or (None if local else finder.configured_stack())
    outputs = finder.outputs(stack) if stack else {}

    def pick(given: str | None, which: tuple[str, str], local_value: Any) -> str:
        logical_id, output = which
        value = given or outputs.get(output) or (local_value(logical_id) if local else None)
        if not value and stack:  # the stack was read and lacks it: not this project's?
            required_output(outputs, stack, output)
        if not value:
            raise NoTarget(output)
        return value

    queue = pick(args.queue_url, QUEUE, _local_queue)
    topic = pick(args.topic_arn, TOPIC, _local_topic)
    table = args.table or outputs.get("RequestsTableName") or finder.find(REQUESTS, None, stack)
    return Targets(queue, topic, table, outputs.get("InboxUrl"))


def _clinic_desk(site_yaml: Path) -> ClinicDesk:
    """The notices' clock and inbox link, as the NotifyFunction has them from site.json."""
    import yaml

    from clinic_api.notify.messages import ClinicDesk

    site = yaml.safe_load(site_yaml.read_text(encoding="utf-8")) if site_yaml.is_file() else {}
    return ClinicDesk.parse(site or {})


def _local_name(logical_id: str) -> str | None:
    from clinic_tools.local.template import load_template

    template = Path("template.yaml")
    if not template.is_file():
        return None
    names = {resource.logical_id: resource.name for resource in load_template(template).resources}
    return names.get(logical_id)


def _local_queue(logical_id: str) -> str | None:
    import boto3

    name = _local_name(logical_id)
    return boto3.client("sqs").get_queue_url(QueueName=name)["QueueUrl"] if name else None


def _local_topic(logical_id: str) -> str | None:
    import boto3

    name = _local_name(logical_id)
    topics = boto3.client("sns").list_topics().get("Topics", [])
    arns = [arn for topic in topics if (arn := topic.get("TopicArn", "")).endswith(f":{name}")]
    return arns[0] if name and arns else None


def _say(message: str) -> None:
    print(message, file=sys.stderr)
