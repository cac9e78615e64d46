"""The `elementName`s the emulator puts in its business events' details.

Oracle publishes the event names but not the elements each event carries (they are chosen per
external system in OPERA): these are the emulator's, named like OPERA's business-event data
elements, and the adapter must read the entity back rather than rely on them.
"""

ROOM = "ROOMNO"
STATUS = "RESV STATUS"
GUEST_NAME = "GUESTNAME"
GIVEN_NAME = "FIRST NAME"
SURNAME = "LAST NAME"
TITLE = "TITLE"
VIP = "VIP"
LANGUAGE = "LANGUAGE"
ARRIVAL = "ARRIVAL"
DEPARTURE = "DEPARTURE"
WAKEUP_TIME = "WAKEUPTIME"
WAKEUP_STATUS = "WAKEUP STATUS"
ROOM_STATUS = "ROOM STATUS"
FO_STATUS = "FO STATUS"

MODULE_RESERVATION = "RESERVATION"
MODULE_FRONT_DESK = "FRONT DESK"
MODULE_HOUSEKEEPING = "HOUSEKEEPING"
