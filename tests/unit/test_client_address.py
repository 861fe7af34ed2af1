"""Behind the site's CloudFront every request comes from an edge server: whose slot is it?"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clinic_api.core.identity import client_address
from tests.unit.stack import Stack
from tests.worker_plugin import forget_containers, shared_client

EDGE = "198.51.100.7"  # a CloudFront edge server
VIEWER = "203.0.113.20"  # the patient's browser
SECRET = "edge-secret-for-tests"


@pytest.fixture
def edge_secret(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A secret like the template's, in a world whose function containers are new."""
    arn = shared_client("secretsmanager").create_secret(Name="edge", SecretString=SECRET)
    monkeypatch.setenv("EDGE_ORIGIN_SECRET", arn["ARN"])
    forget_containers()  # the settings were read before the variable changed
    yield


def test_a_request_through_the_distribution_counts_against_its_viewer(edge_secret: None) -> None:
    headers = {"x-viewer-address": VIEWER, "x-origin-verify": SECRET}
    assert client_address(headers, EDGE) == VIEWER


def test_a_viewer_address_without_the_secret_is_ignored(edge_secret: None) -> None:
    assert client_address({"x-viewer-address": VIEWER}, EDGE) == EDGE
    wrong = {"x-viewer-address": VIEWER, "x-origin-verify": "guess"}
    assert client_address(wrong, EDGE) == EDGE


def test_a_direct_request_counts_against_its_connection(edge_secret: None) -> None:
    assert client_address({}, VIEWER) == VIEWER


def test_without_a_configured_secret_no_header_is_trusted(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EDGE_ORIGIN_SECRET", raising=False)
    headers = {"x-viewer-address": VIEWER, "x-origin-verify": ""}
    assert client_address(headers, EDGE) == EDGE
    headers["x-origin-verify"] = "anything"
    assert client_address(headers, EDGE) == EDGE
