"""The FIAS door's side notes: a bad byte warns with the room (never the name), lamps and
unused fields are counted, and the guest key is kept for `connector doctor`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from connector.doctor.fias_check import check_fias_guest_key
from connector.doctor.report import DoctorReport
from connector.pms.fias.codec import ETX, STX, Record, decode_all
from connector.pms.fias.mapping import EVENT_TYPES
from connector.rooms.desired import fold
from connector.serve.fias_watch import GUEST_KEY_META, FiasWatch
from connector.settings import Settings, load_settings
from connector.store import Store
from tests.store.fias_hotel import NOW, FiasHotel


class Door:
    """The FIAS door's inbound path without sockets: bytes -> records -> store + watch."""

    def __init__(self, store: Store, *, charset: str = "utf-8") -> None:
        self.charset = charset
        self.hotel = FiasHotel(store)
        self.registry = CollectorRegistry()
        self.watch = FiasWatch(self.registry, charset=charset, meta=store.meta,
                               set_meta=store.set_meta)

    def wire(self, data: bytes) -> None:
        for record in decode_all(data, charset=self.charset):
            assert isinstance(record, Record)
            self.watch.record(record, self.hotel.fias.notice(record))
            if record.type not in EVENT_TYPES:
                continue
            events = self.hotel.fias.translate(record, received_at=NOW)
            if events:
                self.hotel.store.ingest(list(events), fold)
                self.watch.events(events)

    def metric(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, labels) or 0.0


def frame(text: str, charset: str) -> bytes:
    return bytes([STX]) + text.encode(charset) + bytes([ETX])


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as opened:
        yield opened


def test_a_latin1_name_on_a_windows_1252_link_checks_herr_mueller_in(store: Store) -> None:
    door = Door(store, charset="windows-1252")
    door.wire(frame("GI|RN101|G#1|GNMüller|GFJörg|", "latin-1"))
    assert door.hotel.guests("101") == ["Jörg Müller"]
    assert door.metric("connector_fias_undecodable_total", record="GI") == 0


def test_a_bad_byte_on_a_utf8_link_still_checks_the_guest_in_and_warns_with_the_room(
    store: Store, caplog: pytest.LogCaptureFixture,
) -> None:
    door = Door(store)
    with caplog.at_level(logging.INFO, logger="connector.fias"):
        door.wire(frame("GI|RN101|G#1|GNMüller|", "latin-1"))
    assert door.hotel.room("101").occupied
    assert door.hotel.guests("101") == ["M\ufffdller"]
    warning = next(r for r in caplog.records if r.levelno == logging.WARNING)
    assert "GI for room 101" in warning.getMessage()
    assert "ller" not in caplog.text  # no part of the name outside debug
    assert door.metric("connector_fias_undecodable_total", record="GI") == 1


def test_message_lamps_from_the_pms_are_kept_and_counted(store: Store) -> None:
    door = Door(store)
    door.wire(frame("GI|RN101|G#1|GNRossi|", "utf-8") + frame("RE|RN101|MLY|", "utf-8"))
    assert door.hotel.room("101").message_waiting
    door.wire(frame("RE|RN101|MLN|", "utf-8"))
    assert not door.hotel.room("101").message_waiting
    assert door.metric("connector_fias_message_lamp_total", state="on") == 1
    assert door.metric("connector_fias_message_lamp_total", state="off") == 1


def test_an_unused_field_is_counted_every_time_and_logged_once_per_link_up(
    store: Store, caplog: pytest.LogCaptureFixture,
) -> None:
    door = Door(store)
    with caplog.at_level(logging.INFO, logger="connector.fias"):
        door.wire(frame("GI|RN101|G#1|G+77|", "utf-8") + frame("GI|RN102|G#2|G+78|", "utf-8")
                  + frame("XL|RN101|G#1|", "utf-8"))
    said = [r.getMessage() for r in caplog.records if "not used" in r.getMessage()]
    assert said == [
        "PMS sends GI field G+, not used (counted in connector_fias_unused_total)",
        "PMS sends XL records, not used (counted in connector_fias_unused_total)",
    ]
    assert door.metric("connector_fias_unused_total", record="GI", field="G+") == 2
    assert door.metric("connector_fias_unused_total", record="XL", field="*") == 1


def test_the_guest_key_is_logged_once_and_kept_for_the_doctor(
    store: Store, caplog: pytest.LogCaptureFixture,
) -> None:
    door = Door(store)
    with caplog.at_level(logging.INFO, logger="connector.fias"):
        door.wire(frame("GI|RN101|GNRossi|", "utf-8") + frame("GO|RN101|", "utf-8"))
    said = [r.getMessage() for r in caplog.records if "keyed" in r.getMessage()]
    assert said == ["FIAS guests keyed by room (the PMS sends no G#)"]
    assert store.meta(GUEST_KEY_META) == "room"


def _doctor_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in {
        "CONNECTOR_ZOOM__ACCOUNT_ID": "a", "CONNECTOR_ZOOM__CLIENT_ID": "b",
        "CONNECTOR_ZOOM__CLIENT_SECRET": "c", "CONNECTOR_FIAS__MODE": "client",
        "CONNECTOR_STORE__PATH": str(tmp_path / "connector.sqlite3"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    return load_settings()


def test_the_doctor_says_how_the_pms_keys_its_guests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _doctor_settings(tmp_path, monkeypatch)
    report = DoctorReport()
    check_fias_guest_key(settings, report)
    with Store(settings.store.path) as kept:
        kept.set_meta(GUEST_KEY_META, "reservation")
    check_fias_guest_key(settings, report)
    rendered = report.render()
    assert "not known yet" in rendered
    assert "FIAS guests keyed by reservation number (G#)" in rendered
