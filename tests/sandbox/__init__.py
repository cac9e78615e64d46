"""Tests of the Zoom sandbox (emulator, demo hotel, `connector sandbox`)."""
