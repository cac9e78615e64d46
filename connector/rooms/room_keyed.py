"""Guests of a PMS that keys them by room, not by reservation (FIAS without G#), pure.

Such a PMS names no reservation, so a room holds at most one stay of its own (`reservation`
None) whose guests are the room's. Guests are told apart by name (last and first, ignoring
case): the only key such a PMS gives.

- Check-in, not shared (GS N): this is the room's guest. The same guest again (a re-send,
  a resync) refreshes the stay; another one means the last guest left unannounced: the room
  is vacated (wishes and voicemail go) and checked in afresh.
- Check-in, shared (GS Y): the guest is added to the room's stay (opened if there is none).
- Guest change in place: not shared, it renames the room's first guest; shared, it adds a
  guest not yet named.
- Check-out: the room is empty, whatever stays it held.
- Move (RO): the old room's whole stay moves, with the guests' wishes, and the old room is
  vacated; when the old room's GS is Y and others share it, only the named guest moves. In an
  occupied room the guests join the stay there (the PMS is authoritative: nobody is dropped).
"""

from __future__ import annotations

from datetime import datetime

from connector.events.models import CheckIn, Guest, GuestChange
from connector.rooms.occupancy import became_occupied, stay_from, vacated, wishes_follow
from connector.rooms.state import RoomState, Stay


def stay_by_room(state: RoomState, event: CheckIn | GuestChange, seq: int) -> RoomState:
    """A check-in or an in-place guest change without a reservation number."""
    at = event.occurred_at
    keyed = _keyed(state)
    if keyed is None:
        if isinstance(event, CheckIn) and not event.share and state.occupied:
            state = vacated(state, at)
        if not state.occupied:
            state = became_occupied(state, at)
        return _with_stay(state, stay_from(event, seq, at))
    if event.share:
        # A sharer: the stay's dates and class of service stay as the room's guest has them.
        return _with_stay(state, keyed.model_copy(
            update={"guests": _added(keyed.guests, event.guests), "seen_seq": seq}))
    if isinstance(event, GuestChange) or _same(keyed.primary, event.guests[0]):
        guests = _added(tuple(event.guests), keyed.guests[1:])
        refreshed = stay_from(event, seq, keyed.checked_in_at, keyed)
        return _with_stay(state, refreshed.model_copy(update={"guests": guests}))
    state = became_occupied(vacated(state, at), at)
    return _with_stay(state, stay_from(event, seq, at))


def check_out_by_room(state: RoomState, at: datetime) -> RoomState:
    """A check-out without a reservation number: everyone leaves the room."""
    return vacated(state, at) if state.occupied else state


def move_by_room(
    old: RoomState, target: RoomState, event: GuestChange, seq: int
) -> tuple[RoomState, RoomState]:
    """A move without a reservation number: (the old room, the new room) afterwards."""
    at = event.occurred_at
    keyed_old = _keyed(old)
    mover = event.guests[0]
    staying = tuple(g for g in keyed_old.guests if not _same(g, mover)) if keyed_old else ()
    alone = keyed_old is None or not staying or len(staying) == len(keyed_old.guests)
    if event.old_room_share and not alone:
        assert keyed_old is not None
        old_after = _with_stay(old, keyed_old.model_copy(update={"guests": staying}))
        moving, previous = tuple(event.guests), None
    else:
        old_after = check_out_by_room(old, at)
        moving = _renamed(keyed_old.guests, mover) if keyed_old else tuple(event.guests)
        previous = keyed_old
    checked_in_at = previous.checked_in_at if previous else at
    stay = stay_from(event, seq, checked_in_at, previous).model_copy(update={"guests": moving})
    keyed_new = _keyed(target)
    if keyed_new is not None:
        new = _with_stay(target, keyed_new.model_copy(
            update={"guests": _added(keyed_new.guests, moving), "seen_seq": seq}))
    elif target.occupied:
        new = _with_stay(target, stay)
    else:
        new = _with_stay(became_occupied(target, checked_in_at), stay)
    if previous is not None and old.occupied and not old_after.occupied:
        new = wishes_follow(old, new, joined=target.occupied)
    return old_after, new


def _keyed(state: RoomState) -> Stay | None:
    return next((s for s in state.stays if s.reservation is None), None)


def _with_stay(state: RoomState, stay: Stay) -> RoomState:
    """The room with its own stay replaced (in place, keeping the order) or added."""
    stays = [stay if s.reservation is None else s for s in state.stays]
    if _keyed(state) is None:
        stays.append(stay)
    return state.model_copy(update={"stays": tuple(stays)})


def _same(a: Guest, b: Guest) -> bool:
    return ((a.last_name.casefold(), a.first_name.casefold())
            == (b.last_name.casefold(), b.first_name.casefold()))


def _added(guests: tuple[Guest, ...], new: tuple[Guest, ...] | list[Guest]) -> tuple[Guest, ...]:
    """`guests`, then those of `new` not among them."""
    kept = list(guests)
    for guest in new:
        if not any(_same(guest, g) for g in kept):
            kept.append(guest)
    return tuple(kept)


def _renamed(guests: tuple[Guest, ...], guest: Guest) -> tuple[Guest, ...]:
    """`guest` in place of the one of that name (else of the first), keeping the order."""
    at = next((i for i, g in enumerate(guests) if _same(g, guest)), 0)
    return (*guests[:at], guest, *guests[at + 1:])
