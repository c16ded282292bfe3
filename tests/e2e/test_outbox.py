"""The outbox delivers each (job, recipient, period) exactly once, through 429s and crashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from jobs import outbox_sender
from storage import outbox
from storage.models import OutboxMessage
from tests.helpers import current_runtime, db, sender

NOW = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)


def queue(key: str = "2026-W50", recipient: str = "U0A1") -> bool:
    with db.session_scope() as s:
        return outbox.enqueue(s, job="kpi_nudges", recipient=recipient, period=key, payload={"text": "hello"}, now=NOW)


def test_enqueue_is_idempotent(driver):
    assert queue() is True
    assert queue() is False
    with db.session_scope() as s:
        assert len(s.scalars(select(OutboxMessage)).all()) == 1


def test_sender_running_twice_delivers_once(driver):
    queue()
    client = current_runtime().sender
    first = sender(client).drain(NOW)
    second = sender(client).drain(NOW + timedelta(seconds=1))
    assert (first.sent, second.sent) == (1, 0)
    assert driver.fake.dm_texts("U0A1") == ["hello"]


def test_429_is_retried_after_retry_after_and_delivered_once(driver, virtual_time):
    queue()
    driver.fake.fail("chat.postMessage", status=429, retry_after=1)
    report = sender().drain_until_empty(NOW, timeout=15)
    assert report.sent == 1 and report.retried >= 1
    attempts = driver.fake.calls_to("chat.postMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200]
    # Retry-After honoured: call times are on the virtual clock, which only the sender's
    # own sleeps move on, so the retry came after the sender waited at least that long.
    assert attempts[1].at - attempts[0].at >= 0.9
    assert driver.fake.dm_texts("U0A1") == ["hello"]


def test_server_errors_are_retried_later(driver, virtual_time):
    queue()
    driver.fake.fail("chat.postMessage", status=500, times=10)
    report = sender().drain(NOW)
    assert report.sent == 0 and report.retried == 1
    with db.session_scope() as s:
        row = s.scalar(select(OutboxMessage))
        assert row.status == "pending" and row.next_attempt_at > NOW
    driver.fake.faults.clear()
    later = sender().drain(NOW + timedelta(minutes=5))
    assert later.sent == 1


def test_permanent_errors_are_not_retried(driver):
    queue()
    driver.fake.fail("chat.postMessage", status=200, error="channel_not_found")
    report = sender().drain(NOW)
    assert report.failed == 1
    with db.session_scope() as s:
        assert s.scalar(select(OutboxMessage.status)) == "failed"


def test_a_crashed_send_that_reached_slack_is_not_sent_again(driver):
    """A sender posted, then died before recording it: the lease runs out and the next
    sender finds the message by its metadata instead of posting twice."""
    queue()
    client = current_runtime().sender
    with db.session_scope() as s:
        claimed = outbox.claim(s, NOW)
    client.chat_postMessage(channel="U0A1", text="hello", metadata={"event_type": outbox_sender.METADATA_EVENT, "event_payload": {"key": str(claimed[0].id)}})
    report = sender(client).drain(NOW + timedelta(minutes=3))
    assert report.recovered == 1 and report.sent == 0
    assert driver.fake.dm_texts("U0A1") == ["hello"]


def test_a_crashed_send_that_never_reached_slack_is_sent(driver):
    queue()
    with db.session_scope() as s:
        outbox.claim(s, NOW)
    report = sender().drain(NOW + timedelta(minutes=3))
    assert report.sent == 1
    assert driver.fake.dm_texts("U0A1") == ["hello"]


@pytest.mark.real_commits  # lanes post from threads of their own
def test_a_429_storm_loses_nothing_and_doubles_nothing(driver, virtual_time):
    """Being rate limited many times over must never exhaust a message's attempts."""
    from collections import Counter

    from slackio.fake_limits import RateLimit

    for i in range(30):
        queue(recipient=f"U{i:04d}")
    driver.fake.rate_limit = RateLimit(workspace_budget=4, window_seconds=1.0)
    try:
        report = sender().drain_until_empty(NOW, timeout=60, limit=10)
    finally:
        driver.fake.rate_limit = None
    delivered = Counter(c.body["channel"] for c in driver.fake.calls_to("chat.postMessage"))
    assert report.failed == 0 and len(delivered) == 30 and set(delivered.values()) == {1}
    assert any(c.status == 429 for c in driver.fake.calls_to("chat.postMessage", ok_only=False))  # a storm it was
    with db.session_scope() as s:
        assert set(s.scalars(select(OutboxMessage.status))) == {"sent"}


def test_a_row_taken_over_during_a_slow_batch_is_not_posted_by_the_first_sender(driver):
    """Sender A claims a batch, then stalls past its lease; sender B takes the row over
    and posts it. When A finally gets to the row it must not post it again."""
    queue()
    client = current_runtime().sender
    with db.session_scope() as s:
        stale = outbox.claim(s, NOW)  # A's claim
    late = NOW + timedelta(minutes=3)
    assert sender(client).drain(late).sent == 1  # B: the lease ran out, B delivers
    report = outbox_sender.DrainReport()
    sender(client)._deliver(stale[0], late, report)  # A wakes up with its old claim
    assert report.sent == 0 and report.skipped == 1
    assert driver.fake.dm_texts("U0A1") == ["hello"]


@pytest.mark.real_commits  # lanes post from threads of their own
def test_posts_go_out_in_parallel_lanes_but_each_person_gets_theirs_in_order(driver):
    for week in range(3):
        with db.session_scope() as s:
            outbox.enqueue(s, job="kpi_nudges", recipient="U0A1", period=f"2026-W5{week}", payload={"text": f"nudge {week}"}, now=NOW + timedelta(seconds=week))
    for i in range(12):
        queue(recipient=f"U{i:04d}")
    report = sender().drain(NOW + timedelta(minutes=1), lanes=4)
    assert report.sent == 15 and report.failed == 0
    assert driver.fake.dm_texts("U0A1") == ["nudge 0", "nudge 1", "nudge 2"]


def test_a_claim_with_most_of_its_lease_left_is_posted_without_renewing(driver, monkeypatch):
    queue()
    renewals: list[int] = []
    original = outbox.renew_lease

    def counted(*a, **k):
        renewals.append(1)
        return original(*a, **k)

    monkeypatch.setattr(outbox, "renew_lease", counted)
    client = current_runtime().sender
    with db.session_scope() as s:
        claimed = outbox.claim(s, NOW)
    report = outbox_sender.DrainReport()
    sender(client)._deliver(claimed[0], NOW + timedelta(seconds=30), report)  # 90 s of lease left
    assert report.sent == 1 and renewals == []
    queue(key="2026-W51")
    with db.session_scope() as s:
        slow = outbox.claim(s, NOW)
    sender(client)._deliver(slow[0], NOW + timedelta(seconds=90), report)  # a slow batch: renewed first
    assert report.sent == 2 and renewals == [1]
