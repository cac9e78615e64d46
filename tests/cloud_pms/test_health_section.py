"""The console's Health page for a hotel on a cloud PMS: the door in words, no guest data."""

from __future__ import annotations

from datetime import UTC, datetime

from connector.web.console.health import CloudFacts, cloud_section

SEEN = datetime(2026, 3, 10, 6, 2, tzinfo=UTC)


def words(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def test_a_stream_that_is_down_with_a_failed_notice_draws_the_eye() -> None:
    section = cloud_section(CloudFacts(
        vendor="ohip", connected=False, detail="stream down since 06:05 (4409: another "
        "consumer)", pending=2, failed=1, last_notice_at=SEEN, last_resync_at=SEEN,
        last_resync="1 stay(s) in house (the connector started)"), words)

    assert (section.title, section.ok) == ("Cloud PMS (ohip)", False)
    assert section.lines == (
        "NOT connected: stream down since 06:05 (4409: another consumer).",
        "Last notice from the PMS: 06:02; 2 waiting to be applied.",
        "1 notice(s) could not be read from the PMS; the resync repairs their rooms.",
        "Last resync from the in-house list: 06:02 (1 stay(s) in house (the connector "
        "started)).")


def test_webhooks_subscribed_and_nothing_yet_is_fine() -> None:
    section = cloud_section(CloudFacts(
        vendor="cloudbeds", connected=True, detail="webhooks subscribed at start", pending=0,
        failed=0, last_notice_at=None, last_resync_at=None, last_resync="none yet"), words)
    assert section.ok
    assert section.lines[1] == "Last notice from the PMS: none yet; 0 waiting to be applied."
