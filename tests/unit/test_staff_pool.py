"""`clinic staff invite|remove|list`: an administrator manages inbox accounts in the pool."""

from __future__ import annotations

import json
from typing import Any

import pytest

from clinic_tools.cli import main
from clinic_tools.exit_codes import ExitCode
from clinic_tools.local.cognito import LocalStaffPool, create_staff_user, local_password
from tests.worker_plugin import shared_client


def staff(pool: LocalStaffPool, *args: str) -> int:
    return main(["staff", *args[:1], "--pool-id", pool.pool_id, *args[1:]])


def groups_of(pool: LocalStaffPool, email: str) -> list[str]:
    idp = shared_client("cognito-idp")
    found = idp.admin_list_groups_for_user(UserPoolId=pool.pool_id, Username=email)["Groups"]
    return sorted(group.get("GroupName", "") for group in found)


def listed(pool: LocalStaffPool, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert staff(pool, "list", "--format", "json") == ExitCode.OK
    return json.loads(capsys.readouterr().out)


def test_an_invited_receptionist_is_staff_and_must_choose_a_password(
    staff_pool: LocalStaffPool, capsys: pytest.CaptureFixture[str]
) -> None:
    assert staff(staff_pool, "invite", "Front.Desk@Clinic.example") == 0
    assert "temporary password" in capsys.readouterr().out
    assert groups_of(staff_pool, "front.desk@clinic.example") == ["staff"]
    (account,) = listed(staff_pool, capsys)
    assert account["email"] == "front.desk@clinic.example"
    assert account["status"] == "FORCE_CHANGE_PASSWORD"
    assert account["mfa"] is False


def test_an_invited_admin_is_in_both_groups(staff_pool: LocalStaffPool) -> None:
    assert staff(staff_pool, "invite", "manager@clinic.example", "--admin") == 0
    assert groups_of(staff_pool, "manager@clinic.example") == ["admin", "staff"]


def test_inviting_someone_twice_says_so(
    staff_pool: LocalStaffPool, capsys: pytest.CaptureFixture[str]
) -> None:
    assert staff(staff_pool, "invite", "desk@clinic.example") == 0
    assert staff(staff_pool, "invite", "desk@clinic.example") == ExitCode.USAGE
    assert "--resend" in capsys.readouterr().err


def test_resending_an_invitation_keeps_the_one_account(
    staff_pool: LocalStaffPool, capsys: pytest.CaptureFixture[str]
) -> None:
    assert staff(staff_pool, "invite", "desk@clinic.example") == 0
    assert staff(staff_pool, "invite", "desk@clinic.example", "--resend") == 0
    (account,) = listed(staff_pool, capsys)
    assert account["email"] == "desk@clinic.example"
    assert account["groups"] == ["staff"] and account["status"] == "FORCE_CHANGE_PASSWORD"
    # No account to resend to; an account that has signed in has no invitation left.
    assert staff(staff_pool, "invite", "nobody@clinic.example", "--resend") == ExitCode.NOT_FOUND
    assert "No staff account nobody@clinic.example" in capsys.readouterr().err
    create_staff_user(staff_pool, "nurse@clinic.example", local_password(), ["staff"])
    assert staff(staff_pool, "invite", "nurse@clinic.example", "--resend") == ExitCode.AWS
    assert "nurse@clinic.example has signed in already" in capsys.readouterr().err
    assert len(listed(staff_pool, capsys)) == 2


def test_an_address_that_is_not_an_email_is_a_usage_error(staff_pool: LocalStaffPool) -> None:
    with pytest.raises(SystemExit) as exited:
        staff(staff_pool, "invite", "front desk")
    assert exited.value.code == ExitCode.USAGE


def test_list_shows_groups_status_and_whether_mfa_is_set_up(
    staff_pool: LocalStaffPool, capsys: pytest.CaptureFixture[str]
) -> None:
    create_staff_user(staff_pool, "nurse@clinic.example", local_password(), ["staff", "admin"])
    (account,) = listed(staff_pool, capsys)
    assert account["groups"] == ["admin", "staff"]
    assert account["status"] == "CONFIRMED" and account["mfa"] is True
    assert account["created"].startswith("20")
    assert staff(staff_pool, "list") == 0
    table = capsys.readouterr().out
    assert "nurse@clinic.example" in table and "admin,staff" in table and " yes " in table


def test_remove_asks_first_and_a_wrong_answer_removes_nothing(
    staff_pool: LocalStaffPool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    create_staff_user(staff_pool, "locum@clinic.example", local_password(), ["staff"])
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert staff(staff_pool, "remove", "locum@clinic.example") == ExitCode.CANCELLED
    assert len(listed(staff_pool, capsys)) == 1
    monkeypatch.setattr("builtins.input", lambda prompt: "locum@clinic.example")
    assert staff(staff_pool, "remove", "locum@clinic.example") == 0
    assert listed(staff_pool, capsys) == []


def test_removing_an_unknown_account_says_not_found(staff_pool: LocalStaffPool) -> None:
    assert staff(staff_pool, "remove", "nobody@clinic.example", "--yes") == ExitCode.NOT_FOUND


def test_the_pool_comes_from_the_environment_or_a_usage_error(
    staff_pool: LocalStaffPool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["staff", "list"]) == ExitCode.USAGE
    assert "--pool-id" in capsys.readouterr().err
    monkeypatch.setenv("CLINIC_STAFF_POOL", staff_pool.pool_id)
    assert main(["staff", "list"]) == 0


def test_an_unknown_stack_is_named_in_the_error(
    staff_pool: LocalStaffPool, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["staff", "list", "--stack", "no-such-stack"]) == ExitCode.AWS
    assert "No stack 'no-such-stack'" in capsys.readouterr().err
