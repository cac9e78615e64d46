"""The console's pure rules: passwords, the lock-out, CSRF tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connector.web.console import csrf
from connector.web.console.lockout import LockoutRule, locked_until
from connector.web.console.passwords import (
    WeakPassword,
    check_strength,
    hash_password,
    password_matches,
)
from connector.web.console.shell import safe_next

NINE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.mark.parametrize(("password", "says"), [
    ("short-pass", "at least 12 characters"),
    ("aaaaaaaaaaaaaaaa", "one character repeated"),
    ("Maria.Santos", "account's name"),
])
def test_a_weak_password_is_refused_with_what_to_do(password: str, says: str) -> None:
    with pytest.raises(WeakPassword, match=says):
        check_strength("maria.santos", password)


def test_a_few_words_in_a_row_make_a_good_password() -> None:
    check_strength("maria", "harbour view front desk")


def test_a_password_is_kept_as_argon2id_and_only_the_right_one_matches() -> None:
    kept = hash_password("harbour view front desk")
    assert kept.startswith("$argon2id$")
    assert "harbour" not in kept
    assert password_matches(kept, "harbour view front desk")
    assert not password_matches(kept, "harbour view front desK")
    assert not password_matches("not a hash", "harbour view front desk")


def test_four_failures_leave_sign_in_open_and_the_fifth_locks_it() -> None:
    failures = [NINE + minutes(i) for i in range(4)]
    assert locked_until(failures, NINE + minutes(4)) is None
    failures.append(NINE + minutes(4))
    assert locked_until(failures, NINE + minutes(4)) == NINE + minutes(15)


def test_the_lock_opens_when_the_oldest_counted_failure_leaves_the_window() -> None:
    failures = [NINE + minutes(i) for i in range(6)]  # six: the second one decides
    assert locked_until(failures, NINE + minutes(15)) == NINE + minutes(16)
    assert locked_until(failures, NINE + minutes(16)) is None


def test_failures_spread_wider_than_the_window_never_lock() -> None:
    failures = [NINE + minutes(4 * i) for i in range(10)]
    assert locked_until(failures, NINE + minutes(40), LockoutRule()) is None


def test_a_csrf_token_matches_only_itself() -> None:
    token = csrf.new_token()
    assert len(token) >= 40
    assert csrf.token_matches(token, token)
    assert not csrf.token_matches(token, csrf.new_token())
    assert not csrf.token_matches(token, None)
    assert not csrf.token_matches(token, "")
    assert not csrf.token_matches(None, None)


@pytest.mark.parametrize(("asked", "goes"), [
    ("/console/rooms?show=dnd", "/console/rooms?show=dnd"),
    ("https://evil.example/console/", "/console/rooms"),
    ("//evil.example/console/rooms", "/console/rooms"),
    ("/console/..\\..//evil", "/console/rooms"),
    ("/metrics", "/console/rooms"),
    (None, "/console/rooms"),
])
def test_after_sign_in_the_browser_goes_only_to_a_console_page(asked: str | None,
                                                               goes: str) -> None:
    assert safe_next(asked) == goes
