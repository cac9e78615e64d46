"""Tests of the SIP side: the connector's user agent against real peers on loopback."""
