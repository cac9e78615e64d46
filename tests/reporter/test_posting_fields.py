"""A hotel whose PMS interface is set up for SO, PX and PC on call charges gets them on every
PS, and our LR for PS announces exactly the fields we send (the simulator keeps only those)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from connector.billing.call import from_webhook_row
from connector.billing.pipeline import CallPipeline
from connector.pms.fias.config import DEFAULT_SUBSCRIPTIONS
from connector.pms.fias.posting_fields import PostingFields
from connector.pms.reporter import Reporter
from connector.pms.reporter_channels import FiasChannel
from connector.sandbox.fias_pms import FiasPms
from connector.serve.fias_door import link_config
from connector.settings.model import FiasSettings
from connector.store import Store
from tests.billing.front_desk import ARRIVAL, ROOMS, FrontDesk, call_row, stand_in_rate
from tests.fias.conftest import HOTEL, running_client
from tests.reporter.conftest import posting_numbered, running_reporter, state_of, until

CALL_ENDED = datetime(2026, 3, 10, 21, 14, 5, tzinfo=HOTEL)
HOTEL_IFC = FiasSettings(posting_sales_outlet="PHONE", posting_trunk="ZOOM",
                         posting_call_types="international=I,national=N,*=O")


class _NoLink:
    """A FIAS link that is down: what is kept is checked, nothing is sent."""

    is_up = False


def _fields(record_fields: tuple[tuple[str, str], ...]) -> list[str]:
    return [name for name, _ in record_fields]


async def test_a_configured_ifc_gets_so_px_and_pc_on_every_call_charge(
    pms: FiasPms, store: Store
) -> None:
    fields = HOTEL_IFC.posting_fields()
    port = await pms.serve()
    async with running_client(port, subscriptions=fields.subscriptions()) as client, \
            running_reporter(store, FiasChannel(client, posting=fields),
                             link=client) as reporter:
        to_paris = reporter.post_charge("104", 250, "33142685300", 125, CALL_ENDED,
                                        class_name="international/FR")
        to_rome = reporter.post_charge("105", 40, "0612345678", 60, CALL_ENDED,
                                       class_name="national")
        to_mobile = reporter.post_charge("106", 90, "3471234567", 60, CALL_ENDED,
                                         class_name="mobile")
        await until(lambda: len(pms.received_of("PS")) == 3)
        await until(lambda: state_of(store, posting_numbered(store, to_mobile)) == "answered")

    assert pms.subscriptions["PS"] == {"DA", "TI", "RN", "PT", "TA", "DD", "DU", "P#",
                                       "SO", "PX", "PC"}
    paris, rome, mobile = pms.received_of("PS")
    assert str(paris) == (f"PS|RN104|PTC|TA250|DD33142685300|DU000205|DA260310|TI211405|"
                          f"P#{to_paris}|SOPHONE|PXZOOM|PCI|")
    assert (rome.get("P#"), rome.get("PC")) == (str(to_rome), "N")
    assert (mobile.get("SO"), mobile.get("PX"), mobile.get("PC")) == ("PHONE", "ZOOM", "O")


async def test_an_ifc_without_them_is_told_of_and_gets_only_the_fields_sent(
    pms: FiasPms, store: Store
) -> None:
    port = await pms.serve()
    async with running_client(port) as client, \
            running_reporter(store, FiasChannel(client), link=client) as reporter:
        reporter.post_charge("104", 250, "33142685300", 125, CALL_ENDED,
                             class_name="international/FR")
        posting = await pms.wait_for("PS")

    announced = next(s for s in DEFAULT_SUBSCRIPTIONS if s.record_type == "PS").fields
    assert sorted(_fields(posting.fields)) == sorted(announced)
    assert pms.subscriptions["PS"] == set(announced)
    assert pms.filtered == []


def test_a_call_class_without_a_call_type_is_refused_before_it_is_kept(store: Store) -> None:
    fields = PostingFields(call_types={"international": "I"})

    reporter = Reporter(store, FiasChannel(_NoLink(), posting=fields),  # type: ignore[arg-type]
                        tz=HOTEL)
    with pytest.raises(ValueError, match=r"no FIAS call type \(PC\) for the tariff class 'local'"):
        reporter.charge_report("104", 30, "0612345678", 60, CALL_ENDED, class_name="local")
    kept = reporter.charge_report("104", 250, "33142685300", 60, CALL_ENDED,
                                  class_name="international/FR")
    assert kept.payload["class_name"] == "international/FR"


@pytest.mark.parametrize("settings, problem", [
    ({"posting_sales_outlet": "PH|ONE"}, "sales outlet"),
    ({"posting_trunk": "x" * 17}, "trunk"),
    ({"posting_call_types": "local"}, "class=CODE"),
    ({"posting_call_types": "local=L,local=M"}, "twice"),
])
def test_settings_the_ifc_could_not_read_are_refused_at_start(
    settings: dict[str, str], problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        FiasSettings.model_validate(settings)


def test_empty_settings_send_nothing_more() -> None:
    fields = FiasSettings(posting_sales_outlet="", posting_trunk=" ").posting_fields()
    assert fields.names() == ()
    assert fields.ps_subscription().fields == ("DA", "TI", "RN", "PT", "TA", "DD", "DU", "P#")


def test_connector_serve_announces_the_hotels_fields_in_its_lr_for_ps() -> None:
    ps = next(s for s in link_config(HOTEL_IFC).subscriptions if s.record_type == "PS")
    assert str(ps.to_record()) == "LR|RIPS|FLDATIRNPTTADDDUP#SOPXPC|"


def test_a_call_whose_class_has_no_call_type_is_rated_and_not_posted_with_the_reason() -> None:
    desk = FrontDesk()
    reporter = Reporter(desk.store, FiasChannel(
        _NoLink(), posting=PostingFields(call_types={"toll_free": "T"})),  # type: ignore[arg-type]
        tz=UTC, clock=desk.clock)
    pipeline = CallPipeline(desk.store, ROOMS, reporter, stand_in_rate, clock=desk.clock,
                            late_window=timedelta(hours=24), metrics=desk.metrics)
    desk.check_in("101", "R1", ARRIVAL)
    london = call_row("2101", ARRIVAL + timedelta(hours=1))
    desk.store.take_call(from_webhook_row(london), "webhook")

    assert pipeline.settle(london["call_id"]) == "rated"

    call = desk.call(london)
    assert call.state == "rated" and call.p_number is None
    assert "no FIAS call type (PC) for the tariff class 'international'" in (call.reason or "")
    assert desk.store.outbox.pending_counts().total("pending") == 0
