"""The agent's receive path: refusals, CANCEL, OPTIONS, and no packet ever escaping."""

from __future__ import annotations

import asyncio
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector.sip.agent import ServerHandle, for_log
from connector.sip.ids import new_branch, new_call_id, new_tag
from connector.sip.requests import response_to
from tests.sip.unit.factories import invite, outgoing
from tests.sip.unit.fake_flow import agent_with_fake_flow

SOURCE = ("10.0.0.1", 5060)
VALID = invite(extra="Require: timer\r\n").to_bytes()


async def test_unknown_method_and_unsupported_require_are_refused() -> None:
    agent, flow, _ = agent_with_fake_flow()
    agent._received(outgoing("SUBSCRIBE").to_bytes(), SOURCE)
    agent._received(VALID, SOURCE)
    assert [r.status for r in flow.responses()] == [501, 420]
    assert all(destination == SOURCE for _, destination in flow.sent)


async def test_caller_cancelling_gets_200_and_the_invite_487() -> None:
    agent, flow, _ = agent_with_fake_flow()
    handles: list[ServerHandle] = []
    agent.serve(handles.append)
    request = invite()
    agent._received(request.to_bytes(), SOURCE)
    handles[0].respond(response_to(request, 180, to_tag="ours"))
    cancel = request.to_bytes().replace(b"INVITE sip:", b"CANCEL sip:").replace(
        b"CSeq: 1 INVITE", b"CSeq: 1 CANCEL")
    agent._received(cancel, SOURCE)
    assert [(r.status, r.cseq[1]) for r in flow.responses()] == [
        (180, "INVITE"), (200, "CANCEL"), (487, "INVITE")]
    assert handles[0].cancelled.is_set()


async def test_retransmitted_invite_is_absorbed_and_answered_again() -> None:
    agent, flow, _ = agent_with_fake_flow()
    handles: list[ServerHandle] = []
    agent.serve(handles.append)
    request = invite()
    agent._received(request.to_bytes(), SOURCE)
    handles[0].respond(response_to(request, 100))
    agent._received(request.to_bytes(), SOURCE)
    assert len(handles) == 1
    assert [r.status for r in flow.responses()] == [100, 100]


async def test_ack_for_our_200_resolves_the_answer() -> None:
    agent, _, _ = agent_with_fake_flow()
    handles: list[ServerHandle] = []
    agent.serve(handles.append)
    request = invite()
    agent._received(request.to_bytes(), SOURCE)
    handles[0].respond(response_to(request, 200, to_tag="ours"))
    ack = (request.to_bytes().replace(b"INVITE sip:", b"ACK sip:")
           .replace(b"CSeq: 1 INVITE", b"CSeq: 1 ACK")
           .replace(b"z9hG4bKinv1", b"z9hG4bKnewbranch"))
    agent._received(ack, SOURCE)
    assert await asyncio.wait_for(handles[0].acked, 1) is True
    assert agent._servers == {}  # the INVITE transaction is over once ACKed


async def test_garbage_is_counted_as_malformed() -> None:
    agent, flow, registry = agent_with_fake_flow()
    agent._received(b"\x00\x01 not sip at all\r\n\r\n", SOURCE)
    assert registry.get_sample_value("connector_sip_malformed_dropped_total") == 1
    assert flow.sent == []


def _mutations() -> st.SearchStrategy[bytes]:
    def mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
        for position, length, insert in cuts:
            position %= len(data) + 1
            data = data[:position] + insert + data[position + length:]
        return data
    return st.builds(mutate, st.just(VALID), st.lists(st.tuples(
        st.integers(0, 2000), st.integers(0, 20), st.binary(max_size=8)), max_size=6))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=600), _mutations()))
def test_no_packet_escapes_the_receive_path(data: bytes) -> None:
    async def receive() -> None:
        agent, _, _ = agent_with_fake_flow()
        agent.serve(lambda handle: handle.respond(response_to(handle.request, 200)))
        agent._received(data, SOURCE)
        await agent.close()

    asyncio.run(receive())


def test_debug_dumps_never_show_credentials() -> None:
    request = outgoing("REGISTER")
    request.add("Authorization", 'Digest username="802", response="deadbeef"')
    request.add("Proxy-Authorization", 'Digest username="802", response="cafe"')
    dump = for_log(request.to_bytes())
    assert "deadbeef" not in dump and "cafe" not in dump
    assert "Authorization: ***" in dump and "Call-ID: ours-1" in dump


def test_identifiers_are_random_and_branches_carry_the_magic_cookie() -> None:
    branches = {new_branch() for _ in range(1000)}
    assert len(branches) == 1000 and all(b.startswith("z9hG4bK") for b in branches)
    assert len({new_call_id("h") for _ in range(1000)}) == 1000
    assert len({new_tag() for _ in range(1000)}) == 1000


async def test_a_failing_handler_still_gets_the_request_answered() -> None:
    agent, flow, _ = agent_with_fake_flow()

    def broken(handle: ServerHandle) -> None:
        raise RuntimeError("bug")

    agent.serve(broken)
    agent._received(outgoing("BYE").to_bytes(), SOURCE)
    assert [r.status for r in flow.responses()] == [500]


async def test_a_call_from_an_address_that_is_not_the_proxy_is_refused_403() -> None:
    agent, flow, registry = agent_with_fake_flow()
    handles: list[ServerHandle] = []
    agent.serve(handles.append)
    stranger = ("203.0.113.66", 5060)
    forged = invite(extra="P-Asserted-Identity: <sip:2101@hotel.test>\r\n")
    agent._received(forged.to_bytes(), stranger)
    agent._received(outgoing("OPTIONS").to_bytes(), stranger)
    agent._received(outgoing("SUBSCRIBE").to_bytes(), stranger)

    assert handles == []  # nothing reached the room-phone services
    assert [r.status for r in flow.responses()] == [403, 403, 403]
    assert all(destination == stranger for _, destination in flow.sent)
    assert agent._servers == {}  # a stranger costs us no transaction
    assert registry.get_sample_value(
        "connector_sip_refused_total", {"reason": "untrusted_source"}) == 3


async def test_the_refusal_is_logged_once_a_minute_with_the_address_and_no_name(
        caplog: pytest.LogCaptureFixture) -> None:
    agent, _, _ = agent_with_fake_flow()
    with caplog.at_level(logging.WARNING, "connector.sip.agent"):
        for _ in range(5):
            agent._received(invite().to_bytes(), ("203.0.113.66", 5060))
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1
    assert refusals[0].__dict__["source"] == "203.0.113.66"
    assert "Room 101" not in caplog.text and "2101" not in caplog.text


async def test_the_proxy_may_call_and_in_dialog_requests_are_not_gated() -> None:
    agent, flow, _ = agent_with_fake_flow()
    handles: list[ServerHandle] = []
    agent.serve(handles.append)
    agent._received(invite().to_bytes(), SOURCE)
    bye = outgoing("BYE").to_bytes().replace(b"<sip:2101@hotel.test>",
                                             b"<sip:2101@hotel.test>;tag=x")
    agent._received(bye, ("203.0.113.66", 5060))
    assert [h.request.method for h in handles] == ["INVITE", "BYE"]
    assert flow.responses() == []
