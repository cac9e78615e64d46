"""What a sipp room phone saw, read from its message trace (`messages.log`)."""

from __future__ import annotations

import re

from tests.sip.peers.sipp import SippHandle

# Each traced message starts with a dashed line and its time, then "... message received ...",
# a blank line and the message itself. A lost message leaves a note with no line break
# ("UDP message lost (recv).") right before the next dashed line.
_RECEIVED = re.compile(r"-{20,} [^\n]*\n[^\n]*message received[^\n]*\n\n(.*?)(?=-{20,} |\Z)",
                       re.DOTALL)
_LOST = re.compile(r"message (?:voluntary )?lost")
_CALL_ID = re.compile(r"^(?:Call-ID|i):\s*(\S+)", re.MULTILINE | re.IGNORECASE)


def calls_received(room: SippHandle) -> int:
    """How many calls reached this room phone: INVITEs with different Call-IDs
    (retransmissions are the same call; one it dropped on purpose arrived all the same)."""
    trace = (room.run_dir / "messages.log").read_text(errors="replace")
    call_ids = {found.group(1) for message in _RECEIVED.findall(trace)
                if message.startswith("INVITE ") and (found := _CALL_ID.search(message))}
    return len(call_ids)


def messages_lost(room: SippHandle) -> int:
    """How many SIP messages the room phone dropped on purpose (`-lost`), sent or received."""
    trace = (room.run_dir / "messages.log").read_text(errors="replace")
    return len(_LOST.findall(trace))
