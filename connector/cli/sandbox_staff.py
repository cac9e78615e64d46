"""The sandbox's demo staff accounts, so the front-desk console can be tried at once.

The passwords are fixed and documented (docs/sandbox.md), not generated: the sandbox's web
port listens on loopback only, its store is a temporary file deleted when it stops, and its
guests are invented; a fixed login lets a tutorial, a demo and a test sign in without
copying a password out of the terminal. A real hotel's accounts come from `connector staff`."""

from __future__ import annotations

from dataclasses import dataclass

from connector.store.staff import Role, StaffRecords
from connector.web.console.passwords import check_strength, hash_password


@dataclass(frozen=True)
class DemoLogin:
    name: str
    role: Role
    password: str


DEMO_DESK = DemoLogin("desk", "desk", "harbour-view-desk")
DEMO_ADMIN = DemoLogin("admin", "admin", "harbour-view-admin")
DEMO_LOGINS = (DEMO_DESK, DEMO_ADMIN)


def add_demo_staff(staff: StaffRecords) -> None:
    """Create the demo desk and admin accounts (kept as they are if they exist), audited
    as done by the sandbox."""
    for login in DEMO_LOGINS:
        check_strength(login.name, login.password)  # the demo obeys the console's own rule
        if staff.add(login.name, login.role, hash_password(login.password)):
            staff.audit("sandbox", "staff account added", detail=f"{login.name} ({login.role})")


def console_banner(web: str) -> str:
    """Where the console is and how to sign in, for the sandbox's banner."""
    logins = "\n".join(f"                     {login.name} / {login.password} ({login.role})"
                       for login in DEMO_LOGINS)
    return (f"  Console:           {web}/console/rooms (the demo day appears on it live)\n"
            f"  Console logins (fixed, for the sandbox only):\n{logins}")
