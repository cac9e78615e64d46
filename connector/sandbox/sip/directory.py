"""What the SIP side reads from the emulated Zoom account: the connector's lines (the
manual-provision SIP accounts of "Other" devices) and which extensions have a phone."""

from __future__ import annotations

from connector.sandbox.sip.digest_check import Credential
from connector.sandbox.state import Account


def line_credentials(account: Account) -> dict[str, Credential]:
    """Every manual-provision SIP account, by authorization id."""
    found: dict[str, Credential] = {}
    for device in account.devices.values():
        for sip in device.sip_accounts:
            auth_id = sip.authorization_id or sip.user_name
            found[auth_id] = Credential(user=sip.user_name, auth_id=auth_id,
                                        password=sip.password)
    return found


def has_phone(account: Account, extension: str) -> bool:
    """Does a user or common area own this extension (so a desk phone rings there)?"""
    return extension.isdigit() and account.owner_of_extension(int(extension)) is not None
