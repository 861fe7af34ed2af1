"""The cold start's prefetch and SnapStart's hooks, called as Lambda would call them."""

from __future__ import annotations

import gc
import importlib
import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import http_event
from tests.unit.stack import APPOINTMENTS, VALID, Stack, invoke, post_json
from tests.worker_plugin import forget_containers, shared_client

CONTENT = "ContentFunction"


def s3_calls() -> list[str]:
    """The S3 calls the functions' client makes from now on (GetObject keys)."""
    from clinic_api.core.clients import s3_client

    keys: list[str] = []
    s3_client().meta.events.register(
        "before-call.s3.GetObject", lambda params, **_: keys.append(params["url_path"])
    )
    return keys


def test_an_on_demand_cold_start_fetches_in_the_background_and_waits_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from clinic_api.core.prefetch import Warmup

    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
    started = threading.Event()
    release = threading.Event()
    seen: list[str] = []

    def slow() -> None:
        started.set()
        release.wait(5)
        seen.append(threading.current_thread().name)

    warmup = Warmup(slow)
    assert started.wait(5)  # running while "init" goes on
    assert seen == []
    release.set()
    warmup.wait()
    assert seen == ["prefetch"]
    warmup.wait()  # the next invocation waits for nothing
    assert seen == ["prefetch"]


@pytest.mark.parametrize("initialisation", [None, "snap-start"])
def test_outside_an_on_demand_start_nothing_is_prefetched(
    monkeypatch: pytest.MonkeyPatch, initialisation: str | None
) -> None:
    from clinic_api.core.prefetch import Warmup

    if initialisation is None:
        monkeypatch.delenv("AWS_LAMBDA_INITIALIZATION_TYPE", raising=False)
    else:
        monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", initialisation)
    ran: list[int] = []
    Warmup(lambda: ran.append(1)).wait()
    assert ran == []


def test_a_failed_prefetch_is_met_again_by_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_api.core.prefetch import Warmup

    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
    tries: list[int] = []

    def fails() -> None:
        tries.append(1)
        raise RuntimeError("S3 is down")

    Warmup(fails).wait()  # dropped: no error escapes the prefetch
    assert tries == [1]
    with pytest.raises(RuntimeError):
        fails()


def test_hooks_are_registered_only_where_the_runtime_has_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from clinic_api.core import snapstart

    def before() -> None: ...
    def after() -> None: ...

    assert snapstart.register(before, after) is False  # no snapshot_restore_py here
    registered: list[tuple[str, Any]] = []
    runtime = SimpleNamespace(
        register_before_snapshot=lambda hook: registered.append(("before", hook)),
        register_after_restore=lambda hook: registered.append(("after", hook)),
    )
    monkeypatch.setitem(__import__("sys").modules, "snapshot_restore_py", runtime)
    assert snapstart.register(before, after) is True
    assert registered == [("before", before), ("after", after)]


def test_content_before_the_snapshot_loads_what_requests_read(stack: Stack) -> None:
    from clinic_api.content import handler

    handler.before_snapshot()
    calls = s3_calls()
    assert invoke(CONTENT, http_event("GET", "/articles")).status == 200
    assert invoke(CONTENT, http_event("GET", "/site")).status == 200
    search = http_event("GET", "/search", query={"q": "ketamine"})
    assert invoke(CONTENT, search).status == 200
    assert calls == []  # the index, site.json and the search index came with the snapshot


def test_content_after_a_restore_has_its_own_clients_and_no_stale_copy(stack: Stack) -> None:
    import json

    from clinic_api.content import handler
    from clinic_api.core.clients import s3_client, secrets_client

    handler.before_snapshot()
    listed = invoke(CONTENT, http_event("GET", "/articles")).json()["total"]
    before = (s3_client(), secrets_client())
    state = random.getstate()
    # Republished while the snapshot waited: one article fewer in index.json.
    s3, bucket = shared_client("s3"), stack.environment["CONTENT_BUCKET"]
    index = json.loads(s3.get_object(Bucket=bucket, Key="index.json")["Body"].read())
    index["articles"] = index["articles"][:-1]
    s3.put_object(Bucket=bucket, Key="index.json", Body=json.dumps(index).encode())

    handler.after_restore()
    handler.warmup.wait()
    assert s3_client() is not before[0]
    assert secrets_client() is not before[1]
    assert random.getstate() != state  # a restored copy does not replay the snapshot's draws
    # Within the cache's TTL, yet the restored container has revalidated its copy.
    assert invoke(CONTENT, http_event("GET", "/articles")).json()["total"] == listed - 1


def test_after_a_restore_a_rotated_hashing_key_is_read_anew(stack: Stack) -> None:
    from clinic_api.appointments import handler
    from clinic_api.core import identity

    assert post_json(VALID).status == 201
    first = identity.hash_key()
    shared_client("secretsmanager").put_secret_value(
        SecretId=stack.environment["CLIENT_HASH_SECRET"], SecretString="rotated while frozen"
    )
    handler.after_restore()
    handler.warmup.wait()
    assert identity.hash_key() == b"rotated while frozen" != first
    assert post_json({**VALID, "message": "after the restore"}).status == 201


def test_appointments_before_the_snapshot_validates_once_and_keeps_site_json(
    stack: Stack,
) -> None:
    from clinic_api.appointments import handler

    forget_containers()
    handler.before_snapshot()
    calls = s3_calls()
    assert invoke(APPOINTMENTS, _json_post()).status == 201
    assert calls == []  # site.json came with the snapshot


def _json_post() -> dict[str, Any]:
    import json

    event = http_event("POST", "/appointments", headers={"content-type": "application/json"})
    event["body"] = json.dumps(VALID)
    return event


@pytest.mark.parametrize(
    "value",
    ["a", "", True, False, 0, 12, -5, None, ["tue", "thu"], [], {"at": "x", "from": None}],
)
def test_stored_values_are_typed_as_boto3_types_them(value: Any) -> None:
    from boto3.dynamodb.types import TypeSerializer

    from clinic_api.core.attributes import attribute_value

    assert attribute_value(value) == TypeSerializer().serialize(value)


@pytest.mark.parametrize(
    "attribute",
    [
        {"S": "a"},
        {"N": "12"},
        {"N": "-0.5"},
        {"N": "123456789012345678901234567890.12345678"},
        {"BOOL": False},
        {"NULL": True},
        {"L": [{"S": "tue"}, {"N": "3"}]},
        {"M": {"at": {"S": "x"}, "history": {"L": [{"M": {"by": {"NULL": True}}}]}}},
        {"SS": ["a", "b"]},
        {"NS": ["1", "2.5"]},
    ],
)
def test_stored_values_are_read_as_boto3_reads_them(attribute: Any) -> None:
    from boto3.dynamodb.types import TypeDeserializer

    from clinic_api.core.attributes import plain_value

    read = plain_value(attribute)
    assert read == TypeDeserializer().deserialize(attribute)
    assert type(read) is type(TypeDeserializer().deserialize(attribute))


def test_binary_is_read_as_bytes() -> None:
    from clinic_api.core.attributes import plain_value

    assert plain_value({"B": b"\x00\x01"}) == b"\x00\x01"
    assert plain_value({"BS": [b"a", b"b"]}) == {b"a", b"b"}


def test_a_float_is_refused_as_boto3_refuses_it() -> None:
    from clinic_api.core.attributes import attribute_value

    with pytest.raises(TypeError):
        attribute_value(0.5)


# The collector around init (core/collector.py), in a fresh process: as Lambda imports a
# handler, then invokes it (snap-start: the init type that starts no prefetch here).
COLLECTOR_PROBE = """
import gc, json
from types import SimpleNamespace
from clinic_api.appointments.handler import lambda_handler
seen = {"after_import": gc.isenabled(), "frozen_before": gc.get_freeze_count()}
context = SimpleNamespace(function_name="f", memory_limit_in_mb=512, aws_request_id="r",
                          invoked_function_arn="arn:aws:lambda:us-east-1:1:function:f")
event = {"routeKey": "GET /nowhere", "rawPath": "/nowhere", "headers": {},
         "requestContext": {"requestId": "q", "http": {"method": "GET"}}}
seen["status"] = lambda_handler(event, context)["statusCode"]
seen["after_answer"] = gc.isenabled()
seen["frozen"] = gc.get_freeze_count() > seen["frozen_before"]
print(json.dumps(seen))
"""


def test_lambdas_init_runs_without_the_collector_which_resumes_after_the_first_answer() -> None:
    environment = {
        **os.environ,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start",
        "POWERTOOLS_METRICS_NAMESPACE": "ClinicTest",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    done = subprocess.run(
        [sys.executable, "-c", COLLECTOR_PROBE],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["after_import"] is False  # paused by the package, before the handler's imports
    assert (seen["status"], seen["after_answer"], seen["frozen"]) == (404, True, True)


@pytest.mark.parametrize(
    "module",
    [
        "clinic_api.content.handler",
        "clinic_api.appointments.handler",
        "clinic_api.staff.handler",
        "clinic_api.notify.handler",
        "clinic_api.notify.digest",
    ],
)
def test_every_handler_resumes_the_collector(module: str) -> None:
    handler, wrappers = importlib.import_module(module).lambda_handler, []
    while handler is not None:
        wrappers.append(handler.__code__.co_name)
        handler = getattr(handler, "__wrapped__", None)
    assert "settling" in wrappers


def test_outside_lambdas_init_the_collector_is_left_as_python_runs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from clinic_api.core import collector

    monkeypatch.delenv("AWS_LAMBDA_INITIALIZATION_TYPE", raising=False)
    collector.pause_for_init()
    assert gc.isenabled()
    collector.settle()  # nothing was paused: nothing frozen, nothing changed
    assert gc.isenabled()


@pytest.mark.parametrize("name", ["s3/2006-03-01/service-2", "endpoints", "no-such/file"])
def test_botocore_files_are_read_as_botocore_reads_them_but_as_plain_dicts(name: str) -> None:
    import botocore
    from botocore.loaders import JSONFileLoader

    from clinic_api.core.clients import ModelFiles

    path = str(Path(botocore.__file__).parent / "data" / name)  # .json.gz, .json, neither
    ours, botocores = ModelFiles().load_file(path), JSONFileLoader().load_file(path)
    assert json.dumps(ours) == json.dumps(botocores)  # the same keys, in the same order
    assert ours is None or type(ours) is dict
    assert ModelFiles().exists(path) == JSONFileLoader().exists(path)


def _gzipped(text: str) -> bytes:
    import gzip

    return gzip.compress(text.encode())


# Files beside one another in a data folder (AWS_DATA_PATH, ~/.aws/models): a name ending
# in "/" is a folder.
@pytest.mark.parametrize(
    "files",
    [
        {"m.json/": b"", "m.json.gz": _gzipped('{"from": "gz"}')},  # a folder is no file
        {"m.json": b"null", "m.json.gz": _gzipped('{"from": "gz"}')},  # null is not found
        {"m.json": b'{"from": "json"}', "m.json.gz": _gzipped('{"from": "gz"}')},
        {"m.json": b'\xef\xbb\xbf{"a": 1}'},  # a byte-order mark: refused
        {"m.json": '{"a": 1}'.encode("utf-16")},  # not UTF-8: refused
        {},
    ],
)
def test_a_data_folder_is_read_as_botocore_reads_it(tmp_path: Path, files: dict) -> None:
    from botocore.loaders import JSONFileLoader

    from clinic_api.core.clients import ModelFiles

    for name, data in files.items():
        if name.endswith("/"):
            (tmp_path / name).mkdir()
        else:
            (tmp_path / name).write_bytes(data)

    def outcome(loader: Any) -> str:
        try:
            return json.dumps(loader.load_file(str(tmp_path / "m")))
        except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
            return type(error).__name__

    assert outcome(ModelFiles()) == outcome(JSONFileLoader())
    assert ModelFiles().exists(str(tmp_path / "m")) == JSONFileLoader().exists(str(tmp_path / "m"))


def test_the_functions_clients_read_botocores_files_as_plain_dicts() -> None:
    from typing import cast

    from clinic_api.core.clients import ModelFiles, dynamodb_client, s3_client, secrets_client

    for client in (s3_client(), dynamodb_client(), secrets_client()):
        assert isinstance(cast("Any", client)._loader.file_loader, ModelFiles)
