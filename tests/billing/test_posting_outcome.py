"""A posted call's fate is its posting's: the PMS's answer makes it accepted or refused (its
answer kept), no answer makes it unknown, and someone who checked the folio settles that
from the command line; it is never posted again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from connector.cli import main
from connector.pms.fias.codec import Record
from tests.billing.front_desk import ARRIVAL, FrontDesk, call_row

EVENING = ARRIVAL + timedelta(hours=6)


def posted_call(desk: FrontDesk, call_id: str = "7214-posted") -> int:
    desk.check_in("101", "R-7", ARRIVAL)
    desk.zoom_tells(call_row("2101", EVENING, call_id=call_id))
    posting = desk.store.outbox.get(1)
    assert posting is not None and posting.kind == "posting"
    desk.store.outbox.mark_sent(posting.id)
    return posting.id


def state_of(desk: FrontDesk, call_id: str = "7214-posted") -> str:
    call = desk.store.call(call_id)
    assert call is not None
    return call.state


def pa(p_number: int, status: str) -> Record:
    return Record.of("PA", ("RN", "101"), ("AS", status), ("P#", str(p_number)))


def test_the_pms_accepting_the_posting_makes_the_call_accepted() -> None:
    desk = FrontDesk()
    posted_call(desk)

    desk.reporter.on_posting_answer(pa(1, "OK"))

    assert state_of(desk) == "accepted"


def test_a_no_post_guest_refusal_is_kept_with_the_pms_answer() -> None:
    desk = FrontDesk()
    posted_call(desk)

    desk.reporter.on_posting_answer(pa(1, "NP"))

    call = desk.store.call("7214-posted")
    assert call is not None and (call.state, call.posting_answer) == ("refused", "NP")
    assert desk.store.calls(states=["refused"]) == [call]


def test_a_posting_without_an_answer_is_unknown_and_never_posted_again() -> None:
    desk = FrontDesk()
    posting_id = posted_call(desk)
    desk.store.outbox.mark_unknown(posting_id, "no posting answer (PA) in 120 s")

    desk.zoom_tells(call_row("2101", EVENING, call_id="7214-posted"), source="poll")
    desk.pipeline.settle_new()

    assert state_of(desk) == "unknown"
    assert desk.store.count_open_calls()["unknown"] == 1
    assert len(desk.postings()) == 1


def _cli(store: Path, *args: str) -> Result:
    env = {"CONNECTOR_ZOOM__ACCOUNT_ID": "acct", "CONNECTOR_ZOOM__CLIENT_ID": "client",
           "CONNECTOR_ZOOM__CLIENT_SECRET": "secret", "CONNECTOR_STORE__PATH": str(store),
           "CONNECTOR_LOG__FORMAT": "text"}
    return CliRunner().invoke(main, ["calls", "resolve", *args], env=env)


def test_the_night_auditor_settles_an_unknown_posting_found_on_the_folio(
    tmp_path: Path,
) -> None:
    path = tmp_path / "connector.sqlite3"
    desk = FrontDesk(path)
    desk.store.outbox.mark_unknown(posted_call(desk), "no posting answer (PA) in 120 s")
    desk.store.close()

    refused = _cli(path, "7214-posted", "--posted")
    assert refused.exit_code == 2 and "--by" in refused.output
    settled = _cli(path, "7214-posted", "--posted", "--by", "night auditor")
    assert settled.exit_code == 0, settled.output
    assert "room 101, P#1): on the folio; it is now accepted" in settled.output
    again = _cli(path, "--p-number", "1", "--not-posted", "--by", "someone")
    assert again.exit_code == 2 and "has no unknown posting (it is accepted)" in again.output

    reopened = FrontDesk(path)
    assert state_of(reopened) == "accepted"
    posting = reopened.store.outbox.get(1)
    assert posting is not None and "resolved by night auditor" in (posting.last_error or "")


def test_a_posting_not_on_the_folio_is_settled_as_refused_by_its_p_number(
    tmp_path: Path,
) -> None:
    path = tmp_path / "connector.sqlite3"
    desk = FrontDesk(path)
    desk.store.outbox.mark_unknown(posted_call(desk), "no posting answer (PA) in 120 s")
    desk.store.close()

    settled = _cli(path, "--p-number", "1", "--not-posted", "--by", "front desk")

    assert settled.exit_code == 0, settled.output
    assert state_of(FrontDesk(path)) == "refused"
