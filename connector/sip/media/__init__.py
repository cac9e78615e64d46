"""RTP media for the SIP user agent: SDP offer/answer, G.711, SDES-SRTP, RFC 4733 digits,
one shared 20 ms send clock, and WAV prompts converted to 8 kHz PCM.

Signalling uses `MediaStream` (one per call) and `MediaClock` (one per process); the other
modules are pure and are tested without sockets.
"""
