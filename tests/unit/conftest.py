"""Unit-test fixtures beyond the shared ones: the template's whole stack in moto."""

import gc

import pytest

from tests.conftest import hands_tests_out
from tests.unit.sam_template import cfn  # noqa: F401 (a fixture)


def pytest_configure(config: pytest.Config) -> None:
    """The `stack` fixture, and small_clinic's keeping of the publisher's pictures and
    indexes, where tests run (not in pytest-xdist's controller: see tests/worker_plugin.py)."""
    if not hands_tests_out(config):
        config.pluginmanager.import_plugin("tests.unit.small_clinic")
        config.pluginmanager.import_plugin("tests.unit.stack")


def pytest_collection_finish(session: pytest.Session) -> None:
    """What imports and collection made lives all run long: the collector stops scanning it
    (`gc.freeze`), and runs a fifth as often (moto's stores, the tests' objects are many and
    short-lived). A test process spent 7% of its CPU collecting; now about half that."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
