"""Guest service status from the room: DND the guest sets on the phone (seen through Zoom's
presence webhook) and make-up room, kept as room state and reported to the PMS (RS 8/9/10)."""
