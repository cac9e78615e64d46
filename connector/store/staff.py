"""The front-desk console's records (`Store.staff`): staff accounts, signed-in sessions,
failed sign-ins (for the lock-out) and the audit trail of console actions.

Passwords arrive here already hashed and sessions by the hash of their id: this module
never sees a secret. The audit never holds a guest name (callers pass room numbers and
plain words).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from connector.store.outbox import Reading, Writing
from connector.store.timestamps import from_text, to_text

Role = Literal["desk", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)


@dataclass(frozen=True)
class StaffAccount:
    name: str
    role: Role
    password_hash: str
    created_at: datetime
    password_changed_at: datetime


@dataclass(frozen=True)
class ConsoleSession:
    """A signed-in session: whose, its CSRF token, and when it ends."""

    staff: str
    role: Role
    csrf: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class ConsoleAction:
    """One row of the `audit` table: a staff member's action (or `connector staff`'s)."""

    id: int
    at: datetime
    staff: str
    action: str
    room: str | None
    detail: str


class StaffRecords:
    """The console's door into the store; the Store builds one over its own connection."""

    def __init__(self, *, reading: Reading, writing: Writing,
                 now: Callable[[], str]) -> None:
        self._reading = reading
        self._writing = writing
        self._now = now

    # Accounts

    def add(self, name: str, role: Role, password_hash: str) -> bool:
        """A new account; False (nothing changed) when the name is taken."""
        now = self._now()
        with self._writing(f"add staff account {name}") as conn:
            cursor = conn.execute(
                "INSERT INTO staff (name, role, password_hash, created_at, password_changed_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                (name, role, password_hash, now, now))
            return cursor.rowcount == 1

    def get(self, name: str) -> StaffAccount | None:
        with self._reading() as conn:
            row = conn.execute("SELECT name, role, password_hash, created_at, "
                               "password_changed_at FROM staff WHERE name = ?",
                               (name,)).fetchone()
        return None if row is None else _account(row)

    def accounts(self) -> list[StaffAccount]:
        with self._reading() as conn:
            rows = conn.execute("SELECT name, role, password_hash, created_at, "
                                "password_changed_at FROM staff ORDER BY name").fetchall()
        return [_account(row) for row in rows]

    def count(self) -> int:
        with self._reading() as conn:
            return int(conn.execute("SELECT count(*) FROM staff").fetchone()[0])

    def remove(self, name: str) -> bool:
        """Remove the account and end its sessions; False when there is no such account."""
        with self._writing(f"remove staff account {name}") as conn:
            conn.execute("DELETE FROM console_sessions WHERE staff = ?", (name,))
            return conn.execute("DELETE FROM staff WHERE name = ?", (name,)).rowcount == 1

    def set_password(self, name: str, password_hash: str) -> bool:
        """Replace the password and end every session of the account (signed out
        everywhere); False when there is no such account."""
        with self._writing(f"change the password of {name}") as conn:
            changed = conn.execute(
                "UPDATE staff SET password_hash = ?, password_changed_at = ? WHERE name = ?",
                (password_hash, self._now(), name)).rowcount == 1
            conn.execute("DELETE FROM console_sessions WHERE staff = ?", (name,))
            return changed

    # Sessions

    def open_session(self, id_hash: str, staff: str, csrf: str, expires_at: datetime) -> None:
        with self._writing(f"open a console session for {staff}") as conn:
            conn.execute("INSERT INTO console_sessions (id_hash, staff, csrf, created_at,"
                         " expires_at) VALUES (?, ?, ?, ?, ?)",
                         (id_hash, staff, csrf, self._now(), to_text(expires_at)))

    def session(self, id_hash: str) -> ConsoleSession | None:
        """The session, or None when unknown or expired (by the store's clock)."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT s.staff, a.role, s.csrf, s.created_at, s.expires_at"
                " FROM console_sessions s JOIN staff a ON a.name = s.staff"
                " WHERE s.id_hash = ? AND s.expires_at > ?", (id_hash, self._now())).fetchone()
        if row is None:
            return None
        return ConsoleSession(staff=row[0], role=row[1], csrf=row[2],
                              created_at=from_text(row[3]), expires_at=from_text(row[4]))

    def close_session(self, id_hash: str) -> None:
        """End the session and drop every expired one."""
        with self._writing("close a console session") as conn:
            conn.execute("DELETE FROM console_sessions WHERE id_hash = ? OR expires_at <= ?",
                         (id_hash, self._now()))

    # Failed sign-ins

    def record_failed_sign_in(self, account: str, address: str, *, forget_before: datetime) -> None:
        """Note a failed sign-in; failures older than `forget_before` are dropped."""
        with self._writing("note a failed sign-in") as conn:
            conn.execute("DELETE FROM sign_in_failures WHERE at < ?", (to_text(forget_before),))
            conn.execute("INSERT INTO sign_in_failures (account, address, at) VALUES (?, ?, ?)",
                         (account, address, self._now()))

    def failed_sign_ins(self, *, account: str, address: str,
                        since: datetime) -> tuple[list[datetime], list[datetime]]:
        """Times of the failures since `since`: of the account, and from the address."""
        with self._reading() as conn:
            by_account = conn.execute("SELECT at FROM sign_in_failures WHERE account = ?"
                                      " AND at >= ? ORDER BY at", (account, to_text(since)))
            of_account = [from_text(row[0]) for row in by_account]
            by_address = conn.execute("SELECT at FROM sign_in_failures WHERE address = ?"
                                      " AND at >= ? ORDER BY at", (address, to_text(since)))
            return of_account, [from_text(row[0]) for row in by_address]

    def clear_failed_sign_ins(self, account: str) -> None:
        """A good sign-in forgets the account's failures (not its address's: a guessing
        client stays locked out of every other account)."""
        with self._writing("forget failed sign-ins") as conn:
            conn.execute("DELETE FROM sign_in_failures WHERE account = ?", (account,))

    # Audit

    def audit(self, staff: str, action: str, *, room: str | None = None,
              detail: str = "") -> None:
        """Record a console action: who, what, which room. Never pass a guest name."""
        with self._writing(f"audit {action}") as conn:
            conn.execute("INSERT INTO audit (at, staff, action, room, detail)"
                         " VALUES (?, ?, ?, ?, ?)", (self._now(), staff, action, room, detail))

    def audit_entries(self, *, room: str | None = None, limit: int = 100) -> list[ConsoleAction]:
        """The newest `limit` entries, newest first, of one room or of all."""
        with self._reading() as conn:
            if room is None:
                rows = conn.execute("SELECT id, at, staff, action, room, detail FROM audit"
                                    " ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
            else:
                rows = conn.execute("SELECT id, at, staff, action, room, detail FROM audit"
                                    " WHERE room = ? ORDER BY id DESC LIMIT ?",
                                    (room, limit)).fetchall()
        return [ConsoleAction(id=row[0], at=from_text(row[1]), staff=row[2], action=row[3],
                           room=row[4], detail=row[5]) for row in rows]


def _account(row: sqlite3.Row | tuple[object, ...]) -> StaffAccount:
    name, role, password_hash, created_at, changed_at = row
    assert isinstance(role, str) and role in ROLES
    return StaffAccount(name=str(name), role=role, password_hash=str(password_hash),
                        created_at=from_text(str(created_at)),
                        password_changed_at=from_text(str(changed_at)))
