"""One moto world per test process: the template's resources made once, and after each
test only what it changed put back.

Building the stack for every test (tables, buckets, topic, secret, the published
content) cost a second or more a test. Instead, every boto3 client in this process
reports its writes (`_note_write`, registered for every client as moto registers its
own stubber), and `AwsWorld.ready` resets and rebuilds only the services written to
since the last test: a test that only reads costs nothing, one that posts a request
costs a copy of the empty tables (`COPIED`). A test therefore never sees another
test's writes.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, get_args

import boto3
from botocore.handlers import BUILTIN_HANDLERS
from moto import mock_aws
from moto.backends import get_backend
from moto.core.base_backend import BackendDict
from moto.s3.models import s3_backends

from clinic_tools.local import moto_caches
from clinic_tools.local.cognito import LocalStaffPool, create_staff_pool
from clinic_tools.local.stack import DEV_SECRET, _create_bucket, _create_table
from clinic_tools.local.template import (
    ACCOUNT_ID,
    BUCKET,
    QUEUE,
    REGION,
    SECRET,
    TABLES,
    TOPIC,
    LocalTemplate,
)

if TYPE_CHECKING:
    from botocore.model import OperationModel

    from clinic_tools.publish.upload import Payload

# Operations that change nothing (every other one is taken as a write, ReceiveMessage too:
# it hides a message).
_READS = ("Get", "List", "Describe", "Head", "Query", "Scan", "BatchGet")
# What a write to a service may change besides that service's own store.
_ALSO_CHANGED = {"sns": ("sqs",), "dynamodb": ("dynamodbstreams",)}
_written: set[str] = set()


def _note_write(model: OperationModel, **_: Any) -> None:
    if not model.name.startswith(_READS):
        service = model.service_model.service_name
        _written.update((service, *_ALSO_CHANGED.get(service, ())))


moto_caches.install()

# Every botocore session made from now on hands this to each of its clients.
BUILTIN_HANDLERS.append(("before-call", _note_write))
if boto3.DEFAULT_SESSION is not None:  # made before this module: tell it too
    boto3.DEFAULT_SESSION.events.register("before-call", _note_write)


# The services of the baseline, reset one by one (dynamodbstreams with dynamodb); a write
# to any other empties everything (CloudFormation's stacks make resources of other services).
Service = Literal[
    "s3", "dynamodb", "dynamodbstreams", "sqs", "sns", "secretsmanager", "cognito-idp"
]
RESETTABLE: tuple[Service, ...] = get_args(Service)


# Services whose baseline is copied back into moto's store (a deep copy: about a millisecond)
# rather than built again through the API: CreateTable and UpdateTimeToLive for each of the
# template's tables (20 ms, after every test that posts a request); CreateBucket and
# PutBucketVersioning for each bucket (11 ms, after every test that writes to S3, some 170 a
# run); the staff pool, its client and groups (13 ms). A store qualifies when it holds
# nothing moto tracks outside it, or what it tracks is put back too: S3 keeps each bucket's
# owner beside its stores (`_own_buckets`), and each object's open file, so only its empty
# buckets are copied; the published content is then put back from a pickle of its objects
# (`put_back_objects`: its 15 PUTs took some 50 ms, two dozen times a run).
COPIED: tuple[Service, ...] = ("dynamodb", "s3", "cognito-idp")
Baseline = dict[tuple[str, str], dict[str, Any]]


def _snapshot(service: Service) -> Baseline:
    """A copy of one service's moto store, in every account and region."""
    return {
        (account_id, region): copy.deepcopy(vars(backend))
        for account_id, account in get_backend(service).items()
        for region, backend in account.items()
    }


def _restore(service: Service, baseline: Baseline) -> None:
    """Put a copy of `baseline` into the (reset) store, as `_snapshot` took it."""
    for (account_id, region), state in baseline.items():
        vars(get_backend(service)[account_id][region]).update(copy.deepcopy(state))
        if service == "s3":
            _own_buckets(state)


def _own_buckets(state: dict[str, Any]) -> None:
    """Each bucket's owner, where moto looks it up (`s3_backends.bucket_accounts`: made by
    CreateBucket, emptied by the reset), for the buckets of a restored S3 store."""
    owners = s3_backends.bucket_accounts
    for bucket in state["buckets"].values():
        owners[bucket.name] = (bucket.partition, bucket.account_id)


def _s3_store() -> object:
    """moto's S3 store: a per-service reset empties it in place, a reset of all replaces it."""
    return get_backend("s3")[ACCOUNT_ID]["aws"]


# Every object of a bucket (each version), pickled: moto's FakeKey pickles its bytes, not its
# open file. Not kept as FakeKeys: moto tracks every one made (copies too), and closes their
# files at each reset of S3.
Objects = bytes


def holds_nothing(bucket: str) -> bool:
    """No object in the bucket, not even an old version or a delete marker."""
    return not s3_backends[ACCOUNT_ID]["aws"].get_bucket(bucket).keys


def copy_objects(bucket: str) -> Objects:
    """A copy of every object in one of moto's buckets."""
    keys = s3_backends[ACCOUNT_ID]["aws"].get_bucket(bucket).keys
    return pickle.dumps({name: keys.getlist(name) for name in keys})


def put_back_objects(bucket: str, objects: Objects) -> None:
    """`objects` into a bucket that `holds_nothing` (taken as a write to S3): what the PUTs
    that stored them would leave there again, without a request each (2-5 ms)."""
    keys = s3_backends[ACCOUNT_ID]["aws"].get_bucket(bucket).keys
    for name, versions in pickle.loads(objects).items():  # noqa: S301 (our own pickle)
        keys.setlist(name, versions)
    _written.add("s3")


def _reset(service: Service) -> None:
    """Empty one service's moto store, in every account and region."""
    for account in get_backend(service).values():
        account.reset()


class AwsWorld:
    """moto with every bucket, table, queue, topic and secret of the template, the
    content bucket empty or holding the published fixture content."""

    def __init__(self, template: LocalTemplate, content: dict[str, Payload]) -> None:
        self._template = template
        self._content = content
        self.content_bucket = template.functions["ContentFunction"].environment["CONTENT_BUCKET"]
        self._mock = mock_aws()
        self._published: bool | None = None
        self._store: object = None
        self._content_objects: Objects | None = None  # what the publisher stored
        session = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name=REGION,
        )
        self._s3 = session.client("s3")
        self._dynamodb = session.client("dynamodb")
        self._sqs = session.client("sqs")
        self._sns = session.client("sns")
        self._secrets = session.client("secretsmanager")
        self._builders: dict[Service, Callable[[], None]] = {
            "s3": self._make_buckets,
            "dynamodb": self._make_tables,
            "sqs": self._make_queues,
            "sns": self._make_topics,
            "secretsmanager": self._make_secrets,
            "cognito-idp": self._make_staff_pool,
        }
        self.staff_pool: LocalStaffPool | None = None  # moto names it anew on each rebuild
        self._baselines: dict[Service, Baseline] = {}  # of the COPIED services, once built

    def start(self) -> None:
        self._mock.start()
        self.wipe()

    def stop(self) -> None:
        self._mock.stop()

    def wipe(self) -> None:
        """Empty moto altogether (for a test that needs it so); `ready` rebuilds."""
        BackendDict.reset()
        _written.update(RESETTABLE)
        self._published = None
        self._store = _s3_store()

    def _emptied_behind_our_back(self) -> bool:
        """Something reset moto behind the world (moto's reset API, a process's first
        mock_aws): a reset of all services makes new stores."""
        return _s3_store() is not self._store

    def ready(self, *, published: bool) -> None:
        """The baseline again, the content bucket `published` or empty: what tests
        wrote since the last call is gone."""
        if _written.difference(RESETTABLE) or self._emptied_behind_our_back():
            self.wipe()
        if self._published != published:
            _written.add("s3")
        changed = set(_written)
        for service in RESETTABLE:
            if service in changed:
                _reset(service)
        for service, build in self._builders.items():
            if service in changed:
                self._build(service, build)
        if "s3" in changed and published:
            self._publish()
        self._published = published
        _written.clear()  # including the rebuild's own writes

    def _build(self, service: Service, build: Callable[[], None]) -> None:
        """Into the service's reset store: a copy of its baseline, or the baseline built
        through the API (and copied, for the next time, if the service is COPIED)."""
        baseline = self._baselines.get(service)
        if baseline is not None:
            _restore(service, baseline)
            return
        build()
        if service in COPIED:
            self._baselines[service] = _snapshot(service)

    def _publish(self) -> None:
        """The real publisher's upload the first time; after that, a copy of the objects it
        stored (a publish into an empty bucket stores nothing else)."""
        if self._content_objects is not None:
            put_back_objects(self.content_bucket, self._content_objects)
            return
        # Imported here: the publisher imports the handlers, whose Powertools read
        # their settings from the environment that conftest sets first.
        from clinic_tools.publish.publisher import upload

        upload(self._content, self.content_bucket, self._s3, report=lambda _: None)
        self._content_objects = copy_objects(self.content_bucket)

    def _make_buckets(self) -> None:
        for resource in self._template.named(BUCKET):
            _create_bucket(self._s3, resource)

    def _make_tables(self) -> None:
        for resource in self._template.named(*TABLES):
            _create_table(self._dynamodb, resource)

    def _make_queues(self) -> None:
        for resource in self._template.named(QUEUE):
            self._sqs.create_queue(QueueName=resource.name)

    def _make_topics(self) -> None:
        for resource in self._template.named(TOPIC):
            self._sns.create_topic(Name=resource.name)

    def _make_staff_pool(self) -> None:
        self.staff_pool = create_staff_pool(self._template, None)

    def _make_secrets(self) -> None:
        for resource in self._template.named(SECRET):
            value = resource.properties.get("SecretString", DEV_SECRET)
            self._secrets.create_secret(Name=resource.name, SecretString=str(value))
