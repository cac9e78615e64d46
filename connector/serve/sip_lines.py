"""Which SIP lines the connector registers: the ones in settings, plus the manual-provision
accounts of the Zoom "Other" devices named in settings (read once at start-up)."""

from __future__ import annotations

import logging

from connector.settings.phone import SipAccount, SipSettings
from connector.zoom.api import ZoomApi
from connector.zoom.errors import ZoomError
from connector.zoom.models import SipAccount as ZoomSipAccount

log = logging.getLogger("connector.serve.sip_lines")


class SipLinesError(Exception):
    """A device named in settings gives no usable line; the message says what to fix."""


def account_from_zoom(device_id: str, account: ZoomSipAccount) -> SipAccount:
    """One Zoom provisioning entry as a line; raises SipLinesError naming what is missing."""
    missing = [name for name, value in (
        ("user_name", account.user_name), ("password", account.password),
        ("sip_domain", account.sip_domain)) if not value]
    if missing:
        raise SipLinesError(
            f"Zoom device {device_id} has a SIP account without {', '.join(missing)}: set the "
            "device's provisioning to 'manual' in the Zoom portal (Phones & Devices > the "
            "device > Provision) or list the line in CONNECTOR_SIP__LINES instead")
    assert account.user_name and account.password and account.sip_domain
    return SipAccount(
        user=account.user_name,
        auth_user=account.authorization_id or None,
        password=account.password,
        domain=account.sip_domain,
        outbound_proxy=account.outbound_proxy or None,
    )


async def resolve_lines(settings: SipSettings, api: ZoomApi) -> tuple[list[SipAccount], str | None]:
    """The lines to register, and a secondary proxy Zoom gave (when settings name none)."""
    lines = list(settings.lines)
    secondary: str | None = None
    for device_id in settings.zoom_device_ids:
        try:
            device = await api.get_device(device_id, intent=f"read SIP lines of {device_id}")
        except ZoomError as error:
            raise SipLinesError(
                f"could not read Zoom device {device_id} for its SIP lines ({error}); check "
                "CONNECTOR_SIP__ZOOM_DEVICE_IDS and the scope phone:read:device:admin") from error
        accounts = device.provision.sip_accounts if device.provision else []
        if not accounts:
            raise SipLinesError(
                f"Zoom device {device_id} has no manual-provision SIP accounts: it must be an "
                "'Other' device provisioned manually")
        for account in accounts:
            lines.append(account_from_zoom(device_id, account))
            secondary = secondary or account.secondary_outbound_proxy or None
    log.info("SIP lines", extra={"lines": len(lines),
                                 "from_zoom_devices": len(settings.zoom_device_ids)})
    return lines, secondary
