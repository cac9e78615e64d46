"""The agent's receive path: refusals, CANCEL, OPTIONS, and no packet ever escaping."""

from __future__ import annotations

import asyncio

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
