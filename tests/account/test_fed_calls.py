"""Call rows the account worker delivers reach the hotel's call accounting as its own poll's
would: a call delivered twice is one call, a row that cannot be read is counted, not kept."""

from __future__ import annotations

from connector.account import feed
from connector.account.hotel_feed import FedVoicemails, FeedTaker
from connector.billing.call import CallSource, ZoomCall
from tests.billing.test_zoom_call import _history_row


class CallAccounting:
    """A `CallSink` that keeps each call once by Zoom's call id."""

    def __init__(self) -> None:
        self.calls: dict[str, tuple[ZoomCall, CallSource]] = {}

    def take(self, call: ZoomCall, source: CallSource) -> str:
        if call.call_id in self.calls:
            return "duplicate"
        self.calls[call.call_id] = (call, source)
        return "new"


def test_a_call_delivered_twice_is_one_call_taken_as_the_polls() -> None:
    accounting = CallAccounting()
    taker = FeedTaker(FedVoicemails(store=None), accounting)  # type: ignore[arg-type]
    rows = feed.CallRows("2026-12-07T20:00:00+00:00", [_history_row(), {"call_id": ""}])
    document = feed.decode(feed.encode(rows))

    assert taker.take(document) == {"new": 1, "invalid": 1}
    assert taker.take(document) == {"duplicate": 1, "invalid": 1}
    (call, source), = accounting.calls.values()
    assert call.caller_extension == "1205" and source == "poll"
