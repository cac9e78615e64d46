"""RFC 3261 §17 timers and retransmissions, driven without sockets or clocks."""

from __future__ import annotations

from connector.sip.message import Request, parse
from connector.sip.transaction import (
    T1,
    T2,
    T4,
    TIMEOUT,
    AckReceived,
    Action,
    ClientInvite,
    ClientNonInvite,
    Send,
    ServerInvite,
    ServerNonInvite,
    StartTimer,
    State,
    Terminated,
    TimedOut,
    ToUser,
)
from tests.sip.unit.factories import invite, outgoing, response


def timers(actions: list[Action]) -> list[tuple[str, float]]:
    return [(a.name, a.delay) for a in actions if isinstance(a, StartTimer)]


def sends(actions: list[Action]) -> list[Send]:
    return [a for a in actions if isinstance(a, Send)]


def test_invite_timer_a_doubles_until_a_provisional_arrives() -> None:
    request = outgoing("INVITE")
    tx = ClientInvite(request, reliable=False)
    assert timers(tx.start()) == [("A", T1), ("B", TIMEOUT)]
    delays = []
    for _ in range(4):
        actions = tx.on_timer("A")
        assert sends(actions) == [Send(request.to_bytes(), retransmission=True)]
        delays.append(timers(actions)[0][1])
    assert delays == [1.0, 2.0, 4.0, 8.0]
    tx.on_response(response(request, 180))
    assert tx.on_timer("A") == []
    assert tx.on_timer("B") == []  # no INVITE timeout once ringing: the TU cancels


def test_invite_timer_b_times_out_without_any_answer() -> None:
    tx = ClientInvite(outgoing("INVITE"), reliable=False)
    tx.start()
    assert tx.on_timer("B") == [TimedOut(), Terminated()]


def test_reliable_invite_is_not_retransmitted() -> None:
    tx = ClientInvite(outgoing("INVITE"), reliable=True)
    assert timers(tx.start()) == [("B", TIMEOUT)]


def test_invite_error_is_acked_on_the_same_branch_and_again_for_each_repeat() -> None:
    request = outgoing("INVITE")
    tx = ClientInvite(request, reliable=False)
    tx.start()
    rejection = response(request, 407)
    actions = tx.on_response(rejection)
    ack = parse(sends(actions)[0].data)
    assert isinstance(ack, Request) and ack.method == "ACK"
    assert ack.header_values("Via") == request.header_values("Via")[:1]
    assert ack.cseq == (1, "ACK")
    assert ack.header("To") == rejection.header("To")
    assert ToUser(rejection) in actions and ("D", 32.0) in timers(actions)
    assert sends(tx.on_response(rejection))[0].retransmission
    assert tx.on_timer("D") == [Terminated()]


def test_invite_2xx_and_its_retransmissions_go_to_the_user() -> None:
    request = outgoing("INVITE")
    tx = ClientInvite(request, reliable=False)
    tx.start()
    ok = response(request, 200)
    assert tx.on_response(ok) == [ToUser(ok), StartTimer("M", TIMEOUT)]
    assert tx.state is State.ACCEPTED
    assert tx.on_response(ok) == [ToUser(ok)]
    assert tx.on_timer("M") == [Terminated()]


def test_non_invite_timer_e_doubles_up_to_t2() -> None:
    tx = ClientNonInvite(outgoing("REGISTER"), reliable=False)
    assert timers(tx.start()) == [("E", T1), ("F", TIMEOUT)]
    delays = [timers(tx.on_timer("E"))[0][1] for _ in range(5)]
    assert delays == [1.0, 2.0, T2, T2, T2]


def test_non_invite_retransmits_every_t2_once_proceeding() -> None:
    request = outgoing("BYE")
    tx = ClientNonInvite(request, reliable=False)
    tx.start()
    tx.on_response(response(request, 100))
    assert timers(tx.on_timer("E")) == [("E", T2)]


def test_non_invite_timer_f_gives_up_and_k_absorbs_repeats() -> None:
    request = outgoing("REGISTER")
    tx = ClientNonInvite(request, reliable=False)
    tx.start()
    ok = response(request, 200)
    assert tx.on_response(ok) == [ToUser(ok), StartTimer("K", T4)]
    assert tx.on_response(ok) == []
    assert tx.on_timer("F") == []
    assert tx.on_timer("K") == [Terminated()]
    lost = ClientNonInvite(outgoing("REGISTER"), reliable=False)
    lost.start()
    assert lost.on_timer("F") == [TimedOut(), Terminated()]


def test_server_invite_retransmits_200_until_the_ack() -> None:
    request = invite()
    tx = ServerInvite(request, reliable=False)
    ok = response(request, 200)
    assert timers(tx.respond(ok)) == [("G", T1), ("H", TIMEOUT)]
    delays = [timers(tx.on_timer("G"))[0][1] for _ in range(5)]
    assert delays == [1.0, 2.0, T2, T2, T2]
    ack = Request(method="ACK", uri=request.uri, headers=list(request.headers))
    assert tx.on_request(ack) == [AckReceived(), Terminated()]
    assert tx.on_timer("G") == []


def test_server_invite_200_is_retransmitted_even_on_a_reliable_first_hop() -> None:
    request = invite()
    tx = ServerInvite(request, reliable=True)
    assert ("G", T1) in timers(tx.respond(response(request, 200)))


def test_server_invite_without_ack_times_out_on_timer_h() -> None:
    request = invite()
    tx = ServerInvite(request, reliable=False)
    tx.respond(response(request, 200))
    assert tx.on_timer("H") == [TimedOut(), Terminated()]


def test_server_invite_repeats_last_response_for_a_retransmitted_invite() -> None:
    request = invite()
    tx = ServerInvite(request, reliable=False)
    ringing = response(request, 180)
    tx.respond(ringing)
    assert tx.on_request(request) == [Send(ringing.to_bytes(), retransmission=True)]


def test_server_invite_error_waits_timer_i_after_ack() -> None:
    request = invite()
    tx = ServerInvite(request, reliable=False)
    tx.respond(response(request, 486))
    ack = Request(method="ACK", uri=request.uri, headers=list(request.headers))
    assert tx.on_request(ack) == [StartTimer("I", T4)]
    assert tx.on_timer("I") == [Terminated()]


def test_server_non_invite_answers_repeats_until_timer_j() -> None:
    request = outgoing("BYE")
    tx = ServerNonInvite(request, reliable=False)
    ok = response(request, 200)
    assert tx.respond(ok) == [Send(ok.to_bytes()), StartTimer("J", TIMEOUT)]
    assert tx.on_request(request) == [Send(ok.to_bytes(), retransmission=True)]
    assert tx.on_timer("J") == [Terminated()]
    reliable = ServerNonInvite(request, reliable=True)
    assert reliable.respond(ok) == [Send(ok.to_bytes()), Terminated()]
