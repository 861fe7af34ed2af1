"""moto's per-request work that gives the same answer every time, done once per process.

In-process moto answers each botocore request by asking the backend for its URL table
(`BaseBackend.urls`), which imports (S3: reloads) the service's urls module and formats
every pattern again (S3: a tenth of a call's CPU); the table depends only on the backend's
class and the two settings moto reads for it, so it is kept per those. It also lists a
responses class's methods anew at each request (a tenth of a DynamoDB call).
And moto reads and checks its one fixed RSA key anew for every user pool it makes (a
fifth of a second), while the world remakes the staff pool after each test that wrote
to Cognito.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cache
from types import SimpleNamespace
from typing import Any

from joserfc import jwk
from moto.cognitoidp import models as cognito_models
from moto.core import responses as moto_responses
from moto.core.base_backend import BaseBackend
from moto.core.utils import method_names_from_class

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


def install() -> None:
    """Once per process, before moto answers a request (idempotent)."""
    setattr(BaseBackend, "urls", property(_kept_urls))  # noqa: B010 (pyright: a property)
    setattr(moto_responses, "method_names_from_class", _method_names)  # noqa: B010
    # RSAKey.import_key is all moto's user pools take from joserfc.jwk.
    cognito_models.jwk = SimpleNamespace(  # pyright: ignore[reportPrivateImportUsage]
        RSAKey=SimpleNamespace(import_key=lambda value: _fixed_rsa_key(json.dumps(value)))
    )
