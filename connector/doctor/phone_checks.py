"""The doctor's checks of the telephone side: the prompts load, and the SIP lines exist."""

from __future__ import annotations

from connector.serve.sip_lines import SipLinesError, resolve_lines
from connector.settings import Settings
from connector.voice.errors import VoiceError
from connector.voice.library import PromptLibrary
from connector.zoom.api import ZoomApi

from .report import DoctorReport, Status


def check_prompts(settings: Settings, report: DoctorReport) -> None:
    """Every prompt file converts (a bad hotel recording stops `serve` at start-up)."""
    try:
        library = PromptLibrary.load(settings.voice.prompts_dir, settings.voice.default_language)
    except VoiceError as error:
        report.add("Prompts", Status.FAIL, "a prompt cannot be used", [str(error)])
        return
    where = (f"{settings.voice.prompts_dir} and the shipped set" if settings.voice.prompts_dir
             else "the shipped set")
    report.add("Prompts", Status.OK, f"loaded from {where}; languages "
               f"{', '.join(library.languages)}, default {settings.voice.default_language}")


async def check_sip_lines(settings: Settings, api: ZoomApi, report: DoctorReport) -> None:
    """The lines exist (read from Zoom when named by device). Registration is `serve`'s job:
    `/readyz` says how many lines are up."""
    sip = settings.sip
    if not sip.configured:
        report.add("SIP lines", Status.WARN, "none configured: wake-up calls cannot ring", [
            "set CONNECTOR_SIP__ZOOM_DEVICE_IDS or CONNECTOR_SIP__LINES (docs/sip.md)"])
        return
    try:
        lines, _ = await resolve_lines(sip, api)
    except SipLinesError as error:
        report.add("SIP lines", Status.FAIL, "the lines cannot be read", [str(error)])
        return
    details = [f"{line.user}@{line.domain} via "
               f"{sip.outbound_proxy or line.outbound_proxy or line.domain}" for line in lines]
    report.add("SIP lines", Status.OK,
               f"{len(lines)} line(s) over {sip.transport.value.upper()}, SRTP {sip.srtp.value}",
               details)
