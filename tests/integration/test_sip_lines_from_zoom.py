"""The connector's SIP lines, read from the Zoom "Other" device the hotel names."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from connector.sandbox.server import SandboxServer
from connector.serve.sip_lines import SipLinesError, account_from_zoom, resolve_lines
from connector.settings.phone import SipAccount, SipSettings
from connector.zoom.api import ZoomApi
from connector.zoom.models import SipAccount as ZoomSipAccount


async def test_every_sip_account_of_the_named_device_becomes_a_line(
    zoom: ZoomApi, served: SandboxServer
) -> None:
    device_id = served.sandbox.hotel.connector_device_id
    own = SipAccount(user="900", password=SecretStr("pw"), domain="sip.example")
    lines, secondary = await resolve_lines(
        SipSettings(lines=[own], zoom_device_ids=[device_id]), zoom)
    device = served.sandbox.hotel.account.devices[device_id]
    assert len(lines) == 1 + len(device.sip_accounts)
    assert lines[0] == own
    first = device.sip_accounts[0]
    assert lines[1].user == first.user_name
    assert lines[1].auth_user == first.authorization_id
    assert lines[1].password.get_secret_value() == first.password
    assert lines[1].domain == first.sip_domain and lines[1].outbound_proxy == first.outbound_proxy
    assert secondary == first.secondary_outbound_proxy


async def test_an_unknown_device_is_a_start_up_error_naming_the_setting(zoom: ZoomApi) -> None:
    with pytest.raises(SipLinesError, match="CONNECTOR_SIP__ZOOM_DEVICE_IDS"):
        await resolve_lines(SipSettings(zoom_device_ids=["no-such-device"]), zoom)


def test_an_account_without_a_password_says_how_to_provision_it() -> None:
    account = ZoomSipAccount(user_name="1001", sip_domain="x.zoom.us")
    with pytest.raises(SipLinesError, match="without password"):
        account_from_zoom("dev1", account)
