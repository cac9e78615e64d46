"""Who is calling, and which service they dialled (pure).

The room is found by the calling extension, exactly as the room map has it (leading zeros
aside, as in the map): P-Asserted-Identity first (`CallerId.number`: Zoom puts the original
caller there on forwarded calls), then the From user. A number that merely ends with a room's
extension (`+15557772101` for 2101) is NOT taken: an outside caller whose number happens to
end that way would change a room's status or wake-up.
"""

from __future__ import annotations

from connector.rooms.room_map import RoomMap
from connector.settings.phone import IvrService, IvrSettings
from connector.sip.api import CallerId

_MAX_EXTENSION_DIGITS = 15


def room_of_caller(caller: CallerId, room_map: RoomMap) -> str | None:
    """The guest room the call comes from, or None when it is no room's extension."""
    for number in (caller.number, caller.from_user):
        extension = _as_extension(number)
        if extension is not None:
            room = room_map.room_for_extension(extension)
            if room is not None:
                return room
    return None


def _as_extension(number: str) -> str | None:
    number = number.strip()
    if not (number.isascii() and number.isdigit()) or len(number) > _MAX_EXTENSION_DIGITS:
        return None
    return str(int(number))  # the room map keeps `02101` as `2101`, as Zoom does


def service_for(dialled: str, settings: IvrSettings) -> IvrService:
    """The service a call reaches by the number it was dialled to."""
    if settings.housekeeping_number is not None and dialled == settings.housekeeping_number:
        return IvrService.HOUSEKEEPING
    if settings.wakeup_number is not None and dialled == settings.wakeup_number:
        return IvrService.WAKEUP
    return settings.default_service
