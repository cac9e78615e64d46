"""The sandbox's telephone side: Zoom Phone's SIP registrar and proxy for the connector's
lines, and the demo hotel's room phones, emulated in-process on loopback (UDP).

It uses the connector's own SIP pieces (messages, digest, dialogs, transactions, RTP media)
for the protocol, and adds only what Zoom and the phones do. Production code never imports
it. See docs/sandbox.md."""
