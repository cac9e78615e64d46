"""Rooms: which extension is in which room, and (later) each room's desired state."""
