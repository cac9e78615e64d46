"""Translators between the outside world (PMS webhooks, FIAS) and `connector.events`."""
