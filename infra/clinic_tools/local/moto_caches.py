"""moto's per-request work that gives the same answer every time, done once per process:
in `clinic dev`'s moto server (`stack.start_moto`) and in the tests' in-process moto.
A fuzzer's run against the local stack took a sixth less time with them (docs/benchmarks.md).

In-process moto answers each botocore request by asking the backend for its URL table
(`BaseBackend.urls`), which imports (S3: reloads) the service's urls module and formats
every pattern again (S3: a tenth of a call's CPU); the table depends only on the backend's
class and the two settings moto reads for it, so it is kept per those. It also lists a
responses class's methods anew at each request (a tenth of a DynamoDB call).
And moto reads and checks its one fixed RSA key anew for every user pool it makes (a
fifth of a second), while the world remakes the staff pool after each test that wrote
to Cognito. SNS makes a new 2048-bit RSA key for each subscription the first time it
signs a message to it (`_signing_key`). Its response serializer works out, for every
member of every structure it writes, which names the value might have, then tries each
(`_picked`).

moto's server looks up a request's service among the folders of its own package by
listing that folder and asking whether each of its 150 entries is a folder (6% of the
local stack's main process under a fuzzer): the folders are listed once.

botocore too: each session (boto3's default, the world's, the functions' own, the ones
tests make) has a loader of its own, which reads and parses each service's JSON models
again (257 files and 85 listings of its data folders a run, 2 s of CPU): one loader per
data path serves them all (`_shared_loader`), reading them into plain dicts as the
functions' own session does (`clinic_api.core.clients.ModelFiles`, a third of the parse).
What it loads is read-only, and a session already hands the same parsed models to each of
its clients.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cache
from types import SimpleNamespace
from typing import Any

from botocore import session as botocore_session
from botocore.loaders import Loader
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwk
from moto import backends as moto_backends
from moto.cognitoidp import models as cognito_models
from moto.core import responses as moto_responses
from moto.core.base_backend import BaseBackend
from moto.core.constants import MISSING
from moto.core.serialize import (
    DEFAULT_ALIAS_PROVIDERS,
    AttributePickerContext,
    ResponseSerializer,
    XFormedAttributePicker,
)
from moto.core.utils import method_names_from_class
from moto.sns import models as sns_models

from clinic_api.core.clients import ModelFiles

# What `urls` reads besides the class: moto.settings' ISO regions and S3's custom endpoints.
_URL_SETTINGS = ("MOTO_ENABLE_ISO_REGIONS", "MOTO_S3_CUSTOM_ENDPOINTS")
_urls_of: Callable[[BaseBackend], dict[str, Callable[..., Any]]] = vars(BaseBackend)["urls"].fget
_tables: dict[tuple[Any, ...], dict[str, Callable[..., Any]]] = {}


def _kept_urls(backend: BaseBackend) -> dict[str, Callable[..., Any]]:
    key = (type(backend), *(os.environ.get(name) for name in _URL_SETTINGS))
    table = _tables.get(key)
    if table is None:
        table = _tables[key] = _urls_of(backend)
    return table


# A responses class's method names, found with inspect.getmembers at every request that
# names an action (a tenth of a DynamoDB call's CPU): its methods never change.
_method_names = cache(method_names_from_class)

_import_rsa_key = jwk.RSAKey.import_key


@cache
def _fixed_rsa_key(document: str) -> Any:
    return _import_rsa_key(json.loads(document))


@cache
def _signing_key() -> rsa.RSAPrivateKey:
    """The key SNS signs a subscription's messages with (`Subscription.private_key`), made
    once per process. moto makes a new random one per subscription, lazily, for the
    signature and certificate of every message it delivers (0.08 s of CPU each, ten or so
    a run: the world's subscriptions are made anew after each test that wrote to SNS,
    the notify tests subscribe their own). The key is random either way, each
    message carries its own certificate, and neither moto nor our code compares keys
    across subscriptions: a message is signed and delivered exactly as before, with one
    key moto could have made."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


_get_value = ResponseSerializer.get_value
_list_of_moto_modules = moto_backends.list_of_moto_modules
# A member's possible names in a plain dict, per (member, shape, the shape's parent).
_names: dict[tuple[str, int, int], tuple[object, object, tuple[str, ...]]] = {}


def _picked(self: ResponseSerializer, value: Any, key: str, shape: Any) -> Any:
    """moto's `ResponseSerializer.get_value`, for a plain dict quicker, to the same answer.

    For every member of a structure (each of an item's attributes is one: ten members, S
    to BOOL, a third of GetItem's CPU) moto's picker asks six alias providers for the
    names the value may have (each with its own object, a fifth of them via `xform_name`),
    then looks each name up until one is there. For a plain `dict` those names depend on
    nothing but the member's name, its shape and the shape's parent (set just before: a
    dict has no `Meta`, its class is always `dict`), all of which live as long as moto's
    cached service model; so they are worked out once, by moto's own picker, and looked
    up with `dict.get` (what moto's `get_value` does for a key without a dot). Any other
    value, picker or response transformer goes moto's own way."""
    picker = self._value_picker
    if (
        type(value) is not dict
        or type(picker) is not XFormedAttributePicker
        or picker.alias_providers is not DEFAULT_ALIAS_PROVIDERS
        or picker.response_transformers
    ):
        return _get_value(self, value, key, shape)
    parent = getattr(shape, "parent", None)
    kept = _names.get((key, id(shape), id(parent)))
    if kept is None or kept[0] is not shape or kept[1] is not parent:
        context = AttributePickerContext(obj=value, key=key, shape=shape)
        names = tuple(picker.get_possible_keys(context))
        if any("." in name for name in names):  # a path: moto's get_value walks it
            return _get_value(self, value, key, shape)
        kept = _names[(key, id(shape), id(parent))] = (shape, parent, names)
    for name in kept[2]:
        found = value.get(name, MISSING)
        if found is not MISSING:
            return found
    return None


@cache
def _moto_modules() -> tuple[str, ...]:
    return tuple(_list_of_moto_modules())


_create_loader = botocore_session.create_loader
_loaders: dict[str | None, Loader] = {}


def _shared_loader(search_path_string: str | None = None) -> Loader:
    """botocore's `create_loader`, made once per data path (AWS_DATA_PATH)."""
    loader = _loaders.get(search_path_string)
    if loader is None:
        loader = _loaders[search_path_string] = _create_loader(search_path_string)
        loader.file_loader = ModelFiles()  # as the functions' own session reads them
    return loader


def install() -> None:
    """Once per process, before moto answers a request (idempotent)."""
    setattr(BaseBackend, "urls", property(_kept_urls))  # noqa: B010 (pyright: a property)
    setattr(moto_responses, "method_names_from_class", _method_names)  # noqa: B010
    setattr(moto_backends, "list_of_moto_modules", _moto_modules)  # noqa: B010
    ResponseSerializer.get_value = _picked
    setattr(botocore_session, "create_loader", _shared_loader)  # noqa: B010
    setattr(sns_models.Subscription, "private_key", lambda _subscription: _signing_key())  # noqa: B010
    # RSAKey.import_key is all moto's user pools take from joserfc.jwk.
    cognito_models.jwk = SimpleNamespace(  # pyright: ignore[reportPrivateImportUsage]
        RSAKey=SimpleNamespace(import_key=lambda value: _fixed_rsa_key(json.dumps(value)))
    )
