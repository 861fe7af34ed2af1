"""The local stack's parameter values come from samconfig.toml, never from template defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clinic_tools.local.parameters import as_deployed, local_parameters
from clinic_tools.local.template import load_template, parse_template
from tests.unit.sam_template import TEMPLATE_PATH
from tests.unit.sample_template import write_sample

LOCAL_ORIGINS = ["http://localhost:5173", "http://127.0.0.1:5173"]


def test_the_local_stack_takes_its_origins_and_key_admin_from_samconfig() -> None:
    values = local_parameters(TEMPLATE_PATH)
    assert values["AllowedOrigins"].split(",") == LOCAL_ORIGINS
    assert values["KeyAdminRoleArn"].startswith("arn:aws:iam::123456789012:role/")
    template = load_template(TEMPLATE_PATH)
    assert template.cors is not None
    assert list(template.cors.allow_origins) == LOCAL_ORIGINS


def test_a_deploy_would_refuse_the_local_origins_the_local_stack_accepts() -> None:
    specs = parse_template(TEMPLATE_PATH.read_text(encoding="utf-8"))["Parameters"]
    pattern = specs["AllowedOrigins"]["AllowedPattern"]
    for origin in LOCAL_ORIGINS:
        assert not re.fullmatch(pattern, origin)  # CloudFormation's check
        assert re.fullmatch(pattern, as_deployed(origin))  # the local stack's


def test_the_local_stack_still_refuses_what_no_scheme_change_makes_valid() -> None:
    with pytest.raises(ValueError, match="ThankYouUrl"):
        load_template(TEMPLATE_PATH, {"ThankYouUrl": "http://"})
    with pytest.raises(ValueError, match="AllowedOrigins"):
        load_template(TEMPLATE_PATH, {"AllowedOrigins": "http://127.0.0.1:5173/path"})


def test_a_template_without_samconfig_beside_it_has_no_local_values(tmp_path: Path) -> None:
    assert local_parameters(write_sample(tmp_path)) == {}


def test_overrides_may_be_one_string_as_sam_writes_them(tmp_path: Path) -> None:
    template = write_sample(tmp_path)
    (tmp_path / "samconfig.toml").write_text(
        "[local.global.parameters]\n"
        'parameter_overrides = "Origins=\\"http://a.test,http://b.test\\" CacheSeconds=5"\n',
        encoding="utf-8",
    )
    assert local_parameters(template) == {
        "Origins": "http://a.test,http://b.test",
        "CacheSeconds": "5",
    }
    assert load_template(template).parameters["Origins"] == ["http://a.test", "http://b.test"]


def test_a_value_that_is_not_name_equals_value_is_refused(tmp_path: Path) -> None:
    template = write_sample(tmp_path)
    (tmp_path / "samconfig.toml").write_text(
        '[local.global.parameters]\nparameter_overrides = ["Origins"]\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="Name=Value"):
        local_parameters(template)
