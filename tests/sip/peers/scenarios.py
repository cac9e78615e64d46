"""The sipp scenarios: their parameters, defaults, and rendering into runnable XML files.

A scenario file in `scenarios/` is a template; `render_scenario` fills its `{{...}}` values
(durations, the key press to replay, the caller's keys) and writes the XML sipp runs.
What sipp can vary per run is left to sipp: the R-URI user (`-s`) and `[dialled]` (`-key`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.sip.peers.dtmf_pcap import EVENTS, DtmfStream, write_pcap
from tests.sip.peers.templates import HERE, render_file

DEBIAN_PCAPS = Path("/usr/share/sip-tester")
_DEBIAN_NAMES = {"*": "star", "#": "pound"}
MIN_KEY_GAP_MS = 250  # a replayed press lasts about 170 ms; closer presses would overlap

Params = dict[str, object]
_FROM_TAG = "[pid]SIPpTag00[call_number]"  # the caller's tag, as in caller_digits.xml


@dataclass(frozen=True)
class Scenario:
    """One scenario: its template file, the parameters a test may set, how to derive the
    template's values from them."""

    template: str
    defaults: Mapping[str, object]
    derive: Callable[[Params, Path], Params] = field(default=lambda params, _dir: params)


def debian_pcap(key: str) -> Path:
    """Debian's recorded RFC 4733 press of `key` (0-9, *, #)."""
    path = DEBIAN_PCAPS / f"dtmf_2833_{_DEBIAN_NAMES.get(key, key)}.pcap"
    if not path.exists():
        raise ValueError(f"no Debian pcap for key {key!r} ({path})")
    return path


def _room_digit(params: Params, _directory: Path) -> Params:
    return {**params, "digit_pcap": debian_pcap(str(params["digit"]))}


def _registrar(params: Params, _directory: Path) -> Params:
    own = "<sip:{user}@[local_ip]:[local_port];transport=[transport]>".format(**params)
    return {**params, "contact": "*" if str(params["expires"]) == "0" else own}


def _caller(params: Params, directory: Path) -> Params:
    digits = str(params["digits"])
    unknown = [key for key in digits if key not in EVENTS]
    if unknown:
        raise ValueError(f"keys {unknown} cannot be sent as RFC 4733 events")
    gap_ms = int(str(params["gap_ms"]))
    if params["dtmf"] == "rfc4733" and len(digits) > 1 and gap_ms < MIN_KEY_GAP_MS:
        raise ValueError(f"gap_ms must be at least {MIN_KEY_GAP_MS} for RFC 4733 keys")
    steps, bye_cseq = _key_steps(params, directory)
    pai = str(params["pai"])
    pai_header = (f'\n      P-Asserted-Identity: "{params["pai_name"]}" <sip:{pai}@sip.test>'
                  if pai else "")
    return {
        **params, "key_steps": steps, "bye_cseq": bye_cseq, "pai_header": pai_header,
        "digits_comment": digits or "nothing", "dtmf_comment": params["dtmf"],
    }


def _key_steps(params: Params, directory: Path) -> tuple[str, int]:
    digits = str(params["digits"])
    first_ms = int(str(params["first_key_after_ms"]))
    gap_ms = int(str(params["gap_ms"]))
    stream = DtmfStream()
    steps: list[str] = []
    cseq = 2
    for index, key in enumerate(digits):
        wait_ms = first_ms if index == 0 else gap_ms
        # Waiting for a BYE rather than pausing: the far end may hang up at any moment.
        steps.append(f'  <recv request="BYE" timeout="{max(1, wait_ms)}" ontimeout="key{index}"'
                     f' next="far_end_hung_up"/>\n  <label id="key{index}"/>')
        if params["dtmf"] == "info":
            steps.append(_info_step(params, key, cseq))
            cseq += 1
        else:
            pcap = write_pcap(stream.press(key, first_ms + index * gap_ms),
                              directory / f"press-{index}-{_DEBIAN_NAMES.get(key, key)}.pcap")
            steps.append(f'  <nop><action><exec play_pcap_audio="{pcap}"/></action></nop>')
    return "\n".join(steps), cseq


def _info_step(params: Params, key: str, cseq: int) -> str:
    return f"""  <send retrans="500">
    <![CDATA[
      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: "{params["caller_name"]}" <sip:{params["caller"]}@[local_ip]>;tag={_FROM_TAG}
      [last_To:]
      [last_Call-ID:]
      CSeq: {cseq} INFO
      Contact: <sip:{params["caller"]}@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal={key}
      Duration=160
    ]]>
  </send>
  <recv response="200"/>"""


# sdp_media_port: the RTP port put in the SDP; default sipp's own -mp port. A test may point
# it at a socket of its own to capture what the far end sends (key presses, audio).
_MEDIA = {"sdp_media_port": "[media_port]"}
_ROOM = {**_MEDIA, "ring_ms": 300, "bye_timeout_ms": 30000, "linger_ms": 0}
_CALLER = {
    **_MEDIA,
    "caller": "2104", "caller_name": "Room 2104", "pai": "+15557770007",
    "pai_name": "Housekeeping 7", "digits": "42#", "dtmf": "rfc4733", "first_key_after_ms": 1000,
    "gap_ms": 400, "hangup_after_ms": 2000, "linger_ms": 0,
}
_LINE = {**_MEDIA, "line": "1001", "password": "secret"}

SCENARIOS: dict[str, Scenario] = {
    "room_answer_digit": Scenario("room_answer_digit.xml",
                                  {**_ROOM, "digit": "1", "digit_after_ms": 1000}, _room_digit),
    "room_answer_silent": Scenario("room_answer_silent.xml", _ROOM),
    "room_no_answer": Scenario("room_no_answer.xml", {"cancel_timeout_ms": 60000,
                                                      "linger_ms": 0}),
    "room_busy": Scenario("room_busy.xml", {"linger_ms": 0}),
    "caller_digits": Scenario("caller_digits.xml", {**_CALLER, "scenario_name": "caller_digits"},
                              _caller),
    "caller_info_digits": Scenario(
        "caller_digits.xml",
        {**_CALLER, "dtmf": "info", "scenario_name": "caller_info_digits"}, _caller),
    "caller_hangs_up": Scenario(
        "caller_digits.xml",
        {**_CALLER, "digits": "1", "first_key_after_ms": 500, "hangup_after_ms": 100,
         "scenario_name": "caller_hangs_up"}, _caller),
    "registrar_check": Scenario("registrar_check.xml",
                                {"user": "1098", "password": "secret", "expires": 60},
                                _registrar),
    "line_calls_room": Scenario("line_calls_room.xml", {**_LINE, "talk_ms": 1500}),
    "line_gets_busy": Scenario("line_gets_busy.xml", _LINE),
    "line_cancels": Scenario("line_cancels.xml", {**_LINE, "cancel_after_ms": 500}),
}


def render_scenario(name: str, params: Mapping[str, object], directory: Path) -> Path:
    """Write scenario `name` with `params` (over its defaults) as XML under `directory`."""
    scenario = SCENARIOS[name]
    unknown = sorted(set(params) - set(scenario.defaults))
    if unknown:
        raise TypeError(f"{name} has no parameter {', '.join(unknown)}; "
                        f"it takes {', '.join(sorted(scenario.defaults))}")
    merged: Params = {**scenario.defaults, **params}
    digest = hashlib.sha1(json.dumps([name, merged], sort_keys=True, default=str).encode(),
                          usedforsecurity=False).hexdigest()[:10]
    target_dir = directory / f"{name}-{digest}"
    target_dir.mkdir(parents=True, exist_ok=True)
    values = scenario.derive(merged, target_dir)
    return render_file(HERE / "scenarios" / scenario.template, values, target_dir / f"{name}.xml")
