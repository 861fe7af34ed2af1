"""moto's DynamoDB, made safe for the concurrent requests a frontend's page fires.

`clinic dev`'s moto server answers each request on a thread of its own, and moto's
DynamoDB backend was written for one caller at a time: a transaction deep-copies every
table it touches, to put them back if it fails, while another thread writes to them.
Eight clients posting the form at once met "dictionary changed size during iteration",
an HTTP 500 (11 of 480 concurrent TransactWriteItems), and a copy put back after a
failed transaction would undo the writes made meanwhile. DynamoDB itself serialises
writes to an item; here its requests are answered one at a time (moto holds the GIL
for nearly all of each one anyway).
"""

from __future__ import annotations

import threading
from functools import wraps
from typing import Any

_lock = threading.Lock()
_serialized: set[type] = set()  # the handlers already wrapped in this process


def serialize() -> None:
    """Answer moto's DynamoDB and DynamoDB Streams requests one at a time (once per process)."""
    from moto.dynamodb.responses import DynamoHandler
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    for handler in (DynamoHandler, DynamoDBStreamsHandler):
        if handler not in _serialized:
            handler.call_action = _one_at_a_time(handler.call_action)  # type: ignore[method-assign]
            _serialized.add(handler)


def _one_at_a_time(call_action: Any) -> Any:
    @wraps(call_action)
    def serialized(self: Any) -> Any:
        with _lock:
            return call_action(self)

    return serialized
