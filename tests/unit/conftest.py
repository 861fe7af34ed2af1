"""Unit-test fixtures beyond the shared ones: the template's whole stack in moto."""

from tests.unit.sam_template import cfn  # noqa: F401 (a fixture)
from tests.unit.stack import stack  # noqa: F401 (a fixture)
