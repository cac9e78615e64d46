"""The OPERA Cloud (OHIP) emulator: reservations, rooms and wake-up calls of one hotel, its
REST operations as OHIP answers them, and its business events as a stream with offsets and as
the polling dequeue. Every answer is checked against Oracle's published specs in the tests."""
