"""Reports reach a FIAS PMS over a real socket, through the outbox, with the simulator."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from connector.pms.fias.codec import Record
from connector.pms.fias.outbound import AnswerStatus, GuestServiceStatus, MaidStatus
from connector.pms.reporter_channels import FiasChannel
from connector.sandbox.fias_pms import FiasPms
from connector.store import Store
from tests.fias.conftest import HOTEL, make_pms, running_client
from tests.reporter.conftest import posting_numbered, running_reporter, state_of, until

ASKED_FOR = datetime(2026, 3, 10, 6, 30, tzinfo=HOTEL)
CALL_ENDED = datetime(2026, 3, 10, 21, 14, 5, tzinfo=HOTEL)


async def test_every_report_arrives_as_its_fias_record(pms: FiasPms, store: Store) -> None:
    port = await pms.serve()
    async with running_client(port) as client, \
            running_reporter(store, FiasChannel(client), link=client) as reporter:
        reporter.wakeup_answer("101", ASKED_FOR, AnswerStatus.NO_RESPONSE)
        reporter.wakeup_set_by_guest("102", datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL))
        reporter.wakeup_cleared_by_guest("102", datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL))
        reporter.maid_status("103", MaidStatus.INSPECTED_VACANT)
        reporter.guest_service("105", GuestServiceStatus.DND_ON)
        p_number = reporter.post_charge("104", 250, "00390612345678", 125, CALL_ENDED)

        posting = await pms.wait_for("PS")
        await until(lambda: state_of(store, posting_numbered(store, p_number)) == "answered")

    assert str(pms.received_of("WA")[0]) == "WA|RN101|DA260310|TI063000|ASNR|"
    assert str(pms.received_of("WR")[0]) == "WR|RN102|DA260311|TI070000|"
    assert str(pms.received_of("WC")[0]) == "WC|RN102|DA260311|TI070000|"
    assert [str(r) for r in pms.received_of("RE")] == ["RE|RN103|RS5|", "RE|RN105|RS8|"]
    assert str(posting) == (f"PS|RN104|PTC|TA250|DD00390612345678|DU000205|DA260310|"
                            f"TI211405|P#{p_number}|")
    assert posting_numbered(store, p_number).answer == "OK"
    assert store.outbox.pending_counts().total("sent") == 5


async def test_a_wakeup_answered_late_still_names_the_time_it_was_asked_for(
    pms: FiasPms, store: Store
) -> None:
    port = await pms.serve()
    async with running_client(port) as client, \
            running_reporter(store, FiasChannel(client), link=client) as reporter:
        # Retries ran until 06:42; the PMS finds its request by 06:30.
        reporter.wakeup_answer("0330", ASKED_FOR, AnswerStatus.OK)
        answer = await pms.wait_for("WA")

    assert (answer.get("DA"), answer.get("TI"), answer.get("AS")) == ("260310", "063000", "OK")


async def test_postings_number_on_across_a_restart(pms: FiasPms, db_path: Path) -> None:
    port = await pms.serve()
    numbers: list[int] = []
    for _run in range(2):  # the connector restarts between the two
        with Store(db_path) as store:
            async with running_client(port) as client, \
                    running_reporter(store, FiasChannel(client), link=client) as reporter:
                numbers += [reporter.post_charge("101", 100, "5551234", 30, CALL_ENDED)
                            for _ in range(2)]
                expected = len(numbers)
                await until(lambda n=expected: len(pms.received_of("PS")) == n)  # type: ignore[misc]

    sent = [int(r.get("P#") or 0) for r in pms.received_of("PS")]
    assert sent == numbers == sorted(set(numbers))
    assert all(1 <= n <= 99_999_999 and len(str(n)) <= 8 for n in numbers)


async def test_a_posting_never_answered_becomes_unknown_and_is_not_sent_again(
    store: Store,
) -> None:
    pms = make_pms(posting_answer=None)
    port = await pms.serve()
    try:
        async with running_client(port) as client, running_reporter(
            store, FiasChannel(client, answer_timeout=0.3), link=client
        ) as reporter:
            p_number = reporter.post_charge("101", 990, "0044201234567", 600, CALL_ENDED)
            await until(lambda: state_of(store, posting_numbered(store, p_number)) == "unknown")
            assert [p.p_number for p in reporter.unknown_postings()] == [p_number]
            assert any(f"P#{p_number}" in line for line in reporter.status().problems())

            pms.drop()  # the link comes back: still nothing is re-sent
            await until(lambda: pms.connections == 2 and client.is_up)
            reporter.maid_status("101", MaidStatus.CLEAN_VACANT)
            await pms.wait_for("RE")
    finally:
        await pms.close()

    assert len(pms.received_of("PS")) == 1
    assert state_of(store, posting_numbered(store, p_number)) == "unknown"


async def test_a_late_answer_settles_an_unknown_posting(store: Store) -> None:
    pms = make_pms(posting_answer=None)
    port = await pms.serve()
    try:
        async with running_client(port) as client, running_reporter(
            store, FiasChannel(client, answer_timeout=0.3), link=client
        ) as reporter:
            p_number = reporter.post_charge("101", 990, "0044201234567", 600, CALL_ENDED)
            await until(lambda: state_of(store, posting_numbered(store, p_number)) == "unknown")
            await pms.send(_pa(p_number, "NP"))
            await until(lambda: state_of(store, posting_numbered(store, p_number)) == "answered")
    finally:
        await pms.close()

    assert posting_numbered(store, p_number).answer == "NP"
    assert store.outbox.unknown_postings() == []


async def test_reports_made_while_the_link_is_down_wait_and_arrive_once(
    store: Store,
) -> None:
    first = make_pms()
    port = await first.serve()
    second = make_pms()
    async with running_client(port) as client, \
            running_reporter(store, FiasChannel(client), link=client) as reporter:
        reporter.maid_status("101", MaidStatus.DIRTY_VACANT)
        await first.wait_for("RE")
        await first.close()  # the PMS interface goes away
        await until(lambda: not client.is_up)

        made = [reporter.maid_status(room, MaidStatus.CLEAN_VACANT)
                for room in ("102", "103", "104")]
        p_number = reporter.post_charge("105", 120, "5551234", 20, CALL_ENDED)
        made.append(posting_numbered(store, p_number))
        await asyncio.sleep(0.3)  # the client is redialling meanwhile
        assert [state_of(store, r) for r in made] == ["pending"] * 4

        try:
            await second.serve(port=port)  # it comes back on the same port
            await until(lambda: [state_of(store, r) for r in made]
                        == ["sent", "sent", "sent", "answered"])
        finally:
            await second.close()

    assert [r.get("RN") for r in first.received_of("RE")] == ["101"]
    assert [r.get("RN") for r in second.received_of("RE")] == ["102", "103", "104"]
    assert [r.get("P#") for r in second.received_of("PS")] == [str(p_number)]
    assert state_of(store, made[-1]) == "answered"


async def test_reports_kept_before_a_restart_are_delivered_after_it(
    pms: FiasPms, db_path: Path
) -> None:
    with Store(db_path) as store:
        # No channel yet (FIAS not configured): the report is kept, and status says so.
        async with running_reporter(store, None) as reporter:
            reporter.wakeup_answer("101", ASKED_FOR, "BY")
            assert reporter.status().problems()[0].startswith("1 report(s) to the PMS are kept")
    port = await pms.serve()
    with Store(db_path) as store:
        async with running_client(port) as client, \
                running_reporter(store, FiasChannel(client), link=client):
            answer = await pms.wait_for("WA")
            await until(lambda: store.outbox.pending_counts().total("sent") == 1)

    assert str(answer) == "WA|RN101|DA260310|TI063000|ASBY|"


def _pa(p_number: int, status: str) -> Record:
    return Record.of("PA", ("AS", status), ("DA", "260310"), ("TI", "211500"),
                     ("P#", str(p_number)), ("RN", "101"))
