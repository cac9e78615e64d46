"""Real SIP peers on loopback for the SIP tests: Kamailio (standing in for Zoom), sipp room
phones and callers, baresip (a real UA with SRTP). README.md in this folder explains them."""
