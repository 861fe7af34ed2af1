"""What the local stack's topics publish, shown in `clinic dev`'s output.

Each topic gets an SQS queue subscribed to it, as a staff e-mail would be, and
every message that arrives is printed: developers see what staff would read.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable

import boto3

WAIT_SECONDS = 1
STOP_WAIT_SECONDS = 0.1


class TopicInbox:
    def __init__(self, topic_arns: list[str], say: Callable[[str], None]) -> None:
        self._say = say
        self._stopped = threading.Event()
        self._sqs = boto3.client("sqs")
        sns = boto3.client("sns")
        self._queues = []
        for arn in topic_arns:
            name = arn.rsplit(":", 1)[-1] + "-inbox"
            queue = self._sqs.create_queue(QueueName=name)["QueueUrl"]
            attributes = self._sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
            sns.subscribe(
                TopicArn=arn, Protocol="sqs", Endpoint=attributes["Attributes"]["QueueArn"]
            )
            self._queues.append(queue)
        self._thread = threading.Thread(target=self._run, name="topic-inbox", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Not waiting out a long poll in flight (up to WAIT_SECONDS): the thread is a
        daemon, and what it would still print goes with the stack."""
        self._stopped.set()
        self._thread.join(timeout=STOP_WAIT_SECONDS)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self._read_all()
            except Exception:
                if self._stopped.is_set():  # moto stopped under a poll: nothing went wrong
                    return
                traceback.print_exc()
                self._stopped.wait(WAIT_SECONDS)

    def _read_all(self) -> None:
        for queue in self._queues:
            answer = self._sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=WAIT_SECONDS)
            for message in answer.get("Messages", []):
                self._show(json.loads(message.get("Body", "{}")))
                self._sqs.delete_message(
                    QueueUrl=queue, ReceiptHandle=message.get("ReceiptHandle", "")
                )

    def _show(self, notification: dict[str, str]) -> None:
        topic = notification.get("TopicArn", "").rsplit(":", 1)[-1]
        self._say(f"clinic dev: to {topic}: {notification.get('Subject', '')}")
        for line in notification.get("Message", "").splitlines():
            self._say(f"    {line}")
