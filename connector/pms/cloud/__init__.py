"""Cloud PMS doors: one adapter shape for every PMS that publishes an API and its own events
(OPERA Cloud through OHIP, Cloudbeds; Mews and Apaleo later), beside FIAS and our webhook.

The shape (`contract.py`), so that nothing vendor-specific reaches `rooms`, `wakeup` or
`billing`:

- an **event source** (a stream, a poll or the vendor's webhooks) hands each notification,
  as it arrived, to a `NoticeSink`, which stores it durably (with the stream's offset, in one
  commit) before anything acts on it;
- **hydration** reads the entity back when the notification is thin and translates it into
  the canonical `connector.events` models, with ids derived from the notice's stable key, fed
  to the same durable ingest as FIAS and the webhook;
- a **resync** turns the vendor's in-house list into the snapshot a FIAS DR produces;
- a **sender** says each report of the durable outbox (wake-up results, room status, DND,
  call charges) in the vendor's API;
- a strict **limiter** (`limiter.py`) keeps every request inside the vendor's published
  limit, bursts included.

One package per vendor (`connector.pms.ohip`, `connector.pms.cloudbeds`) implements it.
"""
