"""Staff passwords: the rule a new one must meet, and Argon2id hashing (argon2-cffi).

The rule is length, as NIST SP 800-63B recommends, not character classes: at least 12
characters, not the account's own name, not one character repeated.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256  # a longer "password" is a denial of service on the hasher, not a password

# argon2-cffi's defaults (RFC 9106's low-memory profile): about 50 ms a hash.
_HASHER = PasswordHasher()


class WeakPassword(ValueError):
    """The password does not meet the rule; the message says what to do."""


def check_strength(name: str, password: str) -> None:
    """Raise WeakPassword, with a message for the person typing it, unless it is acceptable."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"The password is too short: use at least {MIN_LENGTH} characters "
                           "(a few words in a row is easy to type and hard to guess).")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"The password is too long: use at most {MAX_LENGTH} characters.")
    if password.strip().casefold() == name.strip().casefold():
        raise WeakPassword("The password must not be the account's name.")
    if len(set(password)) == 1:
        raise WeakPassword("The password must not be one character repeated.")


def hash_password(password: str) -> str:
    """The Argon2id hash to keep (a PHC string with its own salt and parameters)."""
    return _HASHER.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether `password` is the one hashed; False too for a damaged hash."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
