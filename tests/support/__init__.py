"""Helpers shared by the unit tests: a clock that moves on demand, and small factories."""
