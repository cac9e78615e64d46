"""`connector serve`: every part in one long-lived process."""
