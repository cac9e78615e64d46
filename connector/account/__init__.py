"""Account-wide work of a hotel group on one Zoom account, done once per account: the Zoom
webhook intake that routes each event to its hotel, and the elected account worker that spends
the Heavy daily budget once (docs/account-worker.md)."""
