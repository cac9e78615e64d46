"""The FIAS link against the simulated PMS over real loopback sockets, in both roles."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connector.events.models import CheckIn, Event, ResyncEnd, ResyncStart
from connector.pms.fias.codec import Malformed, MalformedReason, Record
from connector.pms.fias.config import DEFAULT_SUBSCRIPTIONS, AliveCheck, AliveRecord
from connector.pms.fias.errors import LinkNotUp
from connector.pms.fias.inbound import InboundTranslator
from connector.pms.fias.link_events import LinkDown, LinkUp, RecordReceived
from connector.pms.fias.outbound import parse_posting_answer, posting, wakeup_answer
from connector.sandbox.fias_pms import FiasPms, PmsStyle
from tests.fias.conftest import HOTEL, Watcher, make_pms, running_client, running_server
from tests.fias.tls import self_signed


def gi(room: str, reservation: str, name: str, *extra: tuple[str, str]) -> Record:
    return Record("GI", (("RN", room), ("G#", reservation), ("GN", name), *extra))


async def test_client_role_handshake_announces_a_pbx(pms: FiasPms) -> None:
    port = await pms.serve()
    async with running_client(port) as client:
        watcher = Watcher(client)
        assert isinstance(await watcher.next(), LinkUp)
        ld = await pms.wait_for("LD")
        assert ld.get("IF") == "PB"
        assert {"GI", "GO", "GC", "RE", "WR", "WC", "PA", "DS", "DE"} <= set(pms.subscriptions)
        types = [r.type for r in pms.received]
        assert types == ["LD"] + ["LR"] * len(DEFAULT_SUBSCRIPTIONS) + ["LA"]  # no DR: the
        assert client.is_up  # door's resync policy decides when


async def test_server_role_handshake_when_the_pms_dials_out(pms: FiasPms) -> None:
    async with running_server() as server:
        watcher = Watcher(server)
        await pms.dial("127.0.0.1", server.bound_port)
        assert isinstance(await watcher.next(), LinkUp)
        await pms.send(gi("101", "1", "Rossi"))
        assert (await watcher.record("GI")).get("RN") == "101"


async def test_a_protel_like_pms_that_waits_for_the_client_gets_our_handshake() -> None:
    pms = make_pms(style=PmsStyle.PROTEL)
    port = await pms.serve()
    try:
        async with running_client(port) as client:
            assert isinstance(await Watcher(client).next(), LinkUp)
            types = [r.type for r in pms.received]
            assert types == ["LS", "LD"] + ["LR"] * len(DEFAULT_SUBSCRIPTIONS) + ["LA"]
            assert pms.connections == 1
    finally:
        await pms.close()


async def test_resync_brings_every_in_house_guest_between_ds_and_de(pms: FiasPms) -> None:
    pms.in_house.apply(gi("101", "1", "Rossi", ("GF", "Maria")))
    pms.in_house.apply(gi("102", "2", "Bianchi"))
    pms.in_house.apply(gi("102", "3", "Verdi", ("GS", "Y")))
    port = await pms.serve()
    translator = InboundTranslator(tz=HOTEL)
    async with running_client(port) as client:
        watcher = Watcher(client)
        await watcher.until(LinkUp)
        translator.link_up()
        client.request_resync()
        events: list[Event] = []
        while not events or not isinstance(events[-1], ResyncEnd):
            received = await watcher.until(RecordReceived)
            events += translator.translate(received.record, received_at=datetime.now(UTC))
    assert isinstance(events[0], ResyncStart)
    check_ins = [e for e in events if isinstance(e, CheckIn)]
    assert [(c.room, c.reservation, c.share) for c in check_ins] == [
        ("101", "1", False), ("102", "2", False), ("102", "3", True)]
    assert check_ins[0].guests[0].first_name == "Maria"


async def test_records_from_the_pms_arrive_as_sent(pms: FiasPms) -> None:
    port = await pms.serve()
    async with running_client(port) as client:
        watcher = Watcher(client)
        await watcher.until(LinkUp)
        script = [
            gi("101", "1", "Rossi"),
            Record("GC", (("RN", "202"), ("RO", "101"), ("G#", "1"), ("GN", "Rossi"))),
            Record("RE", (("RN", "202"), ("DN", "Y"), ("ML", "Y"), ("CS", "1"))),
            Record("WR", (("RN", "202"), ("DA", "260315"), ("TI", "063000"))),
            Record("WC", (("RN", "202"), ("DA", "260315"), ("TI", "063000"))),
            Record("GO", (("RN", "202"), ("G#", "1"))),
        ]
        for record in script:
            await pms.send(record)
        got: list[Record] = []
        while len(got) < len(script):
            got.append((await watcher.until(RecordReceived)).record)
    assert got == script


async def test_fields_the_connector_did_not_ask_for_never_arrive(pms: FiasPms) -> None:
    port = await pms.serve()
    async with running_client(port) as client:
        watcher = Watcher(client)
        await watcher.until(LinkUp)
        await pms.send(gi("101", "1", "Rossi", ("A7", "loyalty gold")))
        await pms.send(Record("XL", (("RN", "101"), ("MT", "call home"))))
        assert (await watcher.record("GI")).get("A7") is None
        assert [r.type for r in pms.filtered] == ["XL"]


async def test_reports_reach_the_pms_and_a_posting_is_answered(pms: FiasPms) -> None:
    port = await pms.serve()
    async with running_client(port) as client:
        watcher = Watcher(client)
        await watcher.until(LinkUp)
        requested = datetime(2026, 3, 15, 6, 30, tzinfo=HOTEL)
        await client.send(wakeup_answer("101", requested, "NR", tz=HOTEL))
        await client.send(posting(900001, "101", 250, at=requested, tz=HOTEL, dialled="0612345",
                                  duration=timedelta(seconds=65)))
        wa = await pms.wait_for("WA")
        assert (wa.get("TI"), wa.get("AS")) == ("063000", "NR")
        ps = await pms.wait_for("PS")
        assert (ps.get("P#"), ps.get("TA"), ps.get("DU")) == ("900001", "250", "000105")
        assert parse_posting_answer(await watcher.record("PA")) == (900001, "OK")


async def test_link_loss_reconnects_and_nothing_sent_after_it_is_lost(pms: FiasPms) -> None:
    port = await pms.serve()
    async with running_client(port) as client:
        watcher = Watcher(client)
        await watcher.until(LinkUp)
        await pms.send(gi("101", "1", "Rossi"))
        before = await watcher.record("GI")

        pms.drop()
        down = await watcher.until(LinkDown)
        assert down.reason == "connection lost"
        with pytest.raises(LinkNotUp):
            await client.send(Record("RE", (("RN", "101"), ("RS", "3"))))

        await watcher.until(LinkUp)
        assert pms.connections == 2
        await pms.send(Record("GO", (("RN", "101"), ("G#", "1"))))
        after = await watcher.record("GO")
        await client.send(Record("RE", (("RN", "101"), ("RS", "3"))))
        await pms.wait_for("RE")
    assert (before.get("RN"), after.get("RN")) == ("101", "101")
    kinds = [type(e).__name__ for e in watcher.seen if not isinstance(e, RecordReceived)]
    assert kinds == ["LinkUp", "LinkDown", "LinkUp"]


async def test_a_malformed_frame_is_skipped_and_the_link_kept(pms: FiasPms) -> None:
    port = await pms.serve()
    async with running_client(port) as client:
        watcher = Watcher(client)
        await watcher.until(LinkUp)
        pms.inject(b"\x02GI|R\x03")
        malformed = await watcher.until(Malformed)
        assert malformed.reason is MalformedReason.BAD_FIELD
        await pms.send(gi("101", "1", "Rossi"))
        await watcher.record("GI")
        assert client.is_up
        assert not any(isinstance(e, LinkDown) for e in watcher.seen)


async def test_a_pms_that_needs_lrc_and_ack() -> None:
    pms = make_pms(lrc=True, ack_mode=True, nak_first=1, charset="cp850")
    port = await pms.serve()
    try:
        async with running_client(port, lrc=True, ack_mode=True, charset="cp850") as client:
            watcher = Watcher(client)
            await watcher.until(LinkUp)  # its first NAK made us resend LD
            await pms.send(gi("101", "1", "Müller"))
            assert (await watcher.record("GI")).get("GN") == "Müller"
            await client.send(posting(7, "101", 100, at=datetime.now(HOTEL), tz=HOTEL))
            await pms.wait_for("PS")
            assert pms.acks_received >= 3  # LS, LA and GI were each ACKed
            assert len(pms.received_of("LD")) == 1
            assert not pms.malformed
    finally:
        await pms.close()


async def test_le_on_close_reaches_the_pms(pms: FiasPms) -> None:
    port = await pms.serve()
    async with running_client(port) as client:
        await Watcher(client).until(LinkUp)
    await pms.wait_for("LE")


async def test_le_from_the_pms_is_answered_and_a_guest_queued_after_it_arrives(
    pms: FiasPms,
) -> None:
    port = await pms.serve()
    async with running_client(port) as client:
        watcher = Watcher(client)
        await watcher.until(LinkUp)
        ended = asyncio.create_task(pms.send_le())
        assert (await watcher.until(LinkDown)).reason == "the PMS ended the link (LE)"
        await asyncio.wait_for(ended, 1)  # our LE came back well within its 2 s
        assert len(pms.received_of("LE")) == 1
        await asyncio.sleep(0.2)  # the PMS's "2 s later", scaled
        await pms.send(gi("101", "1", "Rossi"))  # kept by the PMS until the link is back
        assert (await watcher.record("GI")).get("RN") == "101"
        assert pms.connections == 2  # we dialled again


async def test_le_from_the_pms_in_the_server_role_waits_for_it_to_dial_again() -> None:
    pms = make_pms()
    try:
        async with running_server() as server:
            watcher = Watcher(server)
            await pms.dial("127.0.0.1", server.bound_port)
            await watcher.until(LinkUp)
            await pms.send_le()
            assert (await watcher.until(LinkDown)).reason == "the PMS ended the link (LE)"
            assert len(pms.received_of("LE")) == 1
            await pms.dial("127.0.0.1", server.bound_port)
            await watcher.until(LinkUp)
            await pms.send(gi("102", "2", "Verdi"))
            assert (await watcher.record("GI")).get("RN") == "102"
    finally:
        await pms.close()


async def test_a_second_pms_connection_replaces_the_first() -> None:
    first, second = make_pms(), make_pms()
    try:
        async with running_server() as server:
            watcher = Watcher(server)
            await first.dial("127.0.0.1", server.bound_port)
            await watcher.until(LinkUp)
            await second.dial("127.0.0.1", server.bound_port)
            await watcher.until(LinkDown)
            await watcher.until(LinkUp)
            await second.send(gi("101", "1", "Rossi"))
            await watcher.record("GI")
            assert second.link_up.is_set()
            assert not first.link_up.is_set()
    finally:
        await first.close()
        await second.close()


async def test_a_pms_gone_silent_is_dropped_and_redialled() -> None:
    pms = make_pms(style=PmsStyle.QUIET)  # our LS alive check goes unanswered
    port = await pms.serve()
    alive = AliveCheck(AliveRecord.LS, 0.1, 0.4, answer_la=False)
    try:
        async with running_client(port, alive=alive) as client:
            watcher = Watcher(client)
            await watcher.until(LinkUp)
            down = await watcher.until(LinkDown)
            assert down.reason == "no byte from the PMS for 0.4 s"
            await watcher.until(LinkUp)
            assert pms.connections == 2
    finally:
        await pms.close()


async def test_tls_in_both_roles(tmp_path: Path) -> None:
    server_tls, client_tls = self_signed(tmp_path)
    # The connector dials a PMS interface behind TLS.
    pms = make_pms()
    port = await pms.serve(tls=server_tls)
    try:
        async with running_client(port, tls=client_tls) as client:
            await Watcher(client).until(LinkUp)
    finally:
        await pms.close()
    # A cloud PMS dials out to the connector over TLS.
    pms = make_pms()
    try:
        async with running_server(tls=server_tls) as server:
            watcher = Watcher(server)
            await pms.dial("127.0.0.1", server.bound_port, tls=client_tls,
                           server_hostname="localhost")
            await watcher.until(LinkUp)
            await pms.send(gi("101", "1", "Rossi"))
            assert (await watcher.record("GI")).get("GN") == "Rossi"
    finally:
        await pms.close()


@pytest.mark.parametrize("answer", ["NP", None])
async def test_a_posting_refused_or_never_answered(answer: str | None) -> None:
    pms = make_pms(posting_answer=answer)
    port = await pms.serve()
    try:
        async with running_client(port) as client:
            watcher = Watcher(client)
            await watcher.until(LinkUp)
            await client.send(posting(42, "101", 990, at=datetime.now(HOTEL), tz=HOTEL))
            await pms.wait_for("PS")
            if answer is None:
                with pytest.raises(TimeoutError):
                    await watcher.record("PA", within=0.3)
            else:
                assert parse_posting_answer(await watcher.record("PA")) == (42, "NP")
    finally:
        await pms.close()
