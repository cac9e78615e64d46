"""Zoom Phone hospitality connector: PMS events in, Zoom room state out."""

__version__ = "0.1.0"
