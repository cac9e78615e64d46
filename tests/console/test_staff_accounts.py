"""`connector staff` and the store's staff records: accounts, sessions, failures, audit."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from connector.cli import main
from connector.sandbox import Sandbox, SandboxConfig
from connector.store import Store
from connector.web.console.passwords import password_matches
from tests.support.fake_clock import FakeClock


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**Sandbox(SandboxConfig()).environment(),
            "CONNECTOR_STORE__PATH": str(tmp_path / "connector.sqlite3"),
            "CONNECTOR_LOG__FORMAT": "text"}


def staff(env: dict[str, str], *args: str, typed: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["staff", *args], env=env, input=typed)
    return result.exit_code, result.output


def test_an_admin_adds_a_desk_account_typing_the_password_twice(env: dict[str, str]) -> None:
    code, said = staff(env, "add", "maria", "--role", "desk",
                       typed="harbour view front desk\nharbour view front desk\n")
    assert code == 0, said
    assert "Account maria (desk) created" in said
    assert "harbour view" not in said  # the prompt does not echo it
    with Store(env["CONNECTOR_STORE__PATH"]) as store:
        account = store.staff.get("maria")
        assert account is not None and account.role == "desk"
        assert password_matches(account.password_hash, "harbour view front desk")
        assert store.staff.audit_entries()[0].action == "staff account added"

    code, said = staff(env, "list")
    assert code == 0 and said.startswith("maria\tdesk\tpassword set ")


def test_a_short_password_is_refused_and_no_account_is_made(env: dict[str, str]) -> None:
    code, said = staff(env, "add", "maria", "--role", "desk", "--password-stdin",
                       typed="maria123\n")
    assert code == 2
    assert "too short: use at least 12 characters" in said
    assert "No staff account: the console is off" in staff(env, "list")[1]


def test_a_name_is_taken_once(env: dict[str, str]) -> None:
    typed = "harbour view front desk\n"
    assert staff(env, "add", "maria", "--role", "desk", "--password-stdin", typed=typed)[0] == 0
    code, said = staff(env, "add", "maria", "--role", "admin", "--password-stdin", typed=typed)
    assert code == 1 and "already an account named maria" in said


def test_a_new_password_or_a_removed_account_signs_the_person_out_everywhere(
        env: dict[str, str]) -> None:
    typed = "harbour view front desk\n"
    staff(env, "add", "maria", "--role", "desk", "--password-stdin", typed=typed)
    with Store(env["CONNECTOR_STORE__PATH"]) as store:
        store.staff.open_session("desk-pc", "maria", "token", FakeClock().now() +
                                 timedelta(days=365))
        store.staff.open_session("tablet", "maria", "token", FakeClock().now() +
                                 timedelta(days=365))
    code, said = staff(env, "password", "maria", "--password-stdin", typed="a brand new phrase\n")
    assert code == 0 and "sessions are ended" in said
    with Store(env["CONNECTOR_STORE__PATH"]) as store:
        assert store.staff.session("desk-pc") is None and store.staff.session("tablet") is None
        account = store.staff.get("maria")
        assert account is not None and password_matches(account.password_hash,
                                                         "a brand new phrase")
        store.staff.open_session("desk-pc", "maria", "token", FakeClock().now() +
                                 timedelta(days=365))
    assert staff(env, "remove", "maria")[0] == 0
    with Store(env["CONNECTOR_STORE__PATH"]) as store:
        assert store.staff.session("desk-pc") is None
        assert [e.action for e in store.staff.audit_entries()] == [
            "staff account removed", "password changed", "staff account added"]
    assert staff(env, "remove", "maria")[0] == 1


def test_a_session_ends_at_its_time() -> None:
    clock = FakeClock()
    with Store(":memory:", clock=clock) as store:
        store.staff.add("maria", "desk", "$argon2id$...")
        store.staff.open_session("desk-pc", "maria", "token",
                                 clock.now() + timedelta(hours=12))
        clock.advance(12 * 3600 - 1)
        assert store.staff.session("desk-pc") is not None
        clock.advance(1)
        assert store.staff.session("desk-pc") is None


def test_failed_sign_ins_are_counted_per_account_and_per_address() -> None:
    clock = FakeClock()
    with Store(":memory:", clock=clock) as store:
        start = clock.now()
        store.staff.record_failed_sign_in("maria", "10.0.0.5", forget_before=start)
        clock.advance(60)
        store.staff.record_failed_sign_in("ivo", "10.0.0.5", forget_before=start)
        of_maria, of_address = store.staff.failed_sign_ins(account="maria",
                                                           address="10.0.0.5", since=start)
        assert (len(of_maria), len(of_address)) == (1, 2)
        store.staff.clear_failed_sign_ins("maria")
        of_maria, of_address = store.staff.failed_sign_ins(account="maria",
                                                           address="10.0.0.5", since=start)
        assert (len(of_maria), len(of_address)) == (0, 1)
