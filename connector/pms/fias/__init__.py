"""FIAS (Oracle Fidelio Interface Application Specification) link to an on-premises PMS.

Layers, each in its own file, from the wire up:

- `codec`: bytes <-> `Record` (STX/ETX framing, optional LRC, charset); no I/O.
- `config`: `LinkConfig` (charset, LRC, ACK mode, the alive check per PMS profile, pacing)
  and the LR subscriptions.
- `link`: the PBX side of the link state machine (handshake, alive check, LE, ACK/NAK,
  pacing) in the h11 style: bytes and `now` in, bytes and events (`link_events`) out.
- `mapping`: FIAS records -> canonical events (`connector.events`), pure, with the event-id
  policy; `fields_used` the table of fields each mapping reads; `inbound.InboundTranslator`
  holds the little state they need (resync window, unused fields and guest key per session).
- `outbound`: records we send (WA, WR, WC, RE, PS) and reading PA; pure.
- `session` and `transport`: the thin asyncio shell; `FiasClient` dials the PMS interface,
  `FiasServer` accepts a PMS that dials out. Both: `run()`, `events()`, `send()`, `close()`.
- `resync_policy`: when to send DR (first link-up, a long gap, daily, on demand); pure.

Wiring (for `connector serve`):

    endpoint = FiasClient(host, port, config=LinkConfig(...), tz=hotel_tz, clock=clock)
    translator = InboundTranslator(tz=hotel_tz)
    async for event in endpoint.events():
        LinkUp         -> translator.link_up(); the outbox starts pushing; DR if the
                          `ResyncPolicy` says so
        LinkDown       -> the outbox pauses; /readyz goes red
        RecordReceived -> translator.notice(record): unused fields, guest key (log, count)
                          record.type in EVENT_TYPES: translator.translate(...) -> inbox
                          "PA": outbound.parse_posting_answer(...) -> postings
                          else: log and ignore
        Malformed      -> already logged; count it
    outbox: await endpoint.send(record)   # LinkNotUp: keep; SendFailed: see maybe_delivered
    shutdown: await endpoint.close()      # LE
"""
