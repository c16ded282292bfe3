"""Thread replies through the outbox: each reply is its own row, posted under its parent
once the parent is posted, exactly once, through errors and crashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from jobs import outbox_sender
from storage import outbox
from storage.models import OutboxMessage
from tests.helpers import current_runtime, db, sender

NOW = datetime(2026, 12, 4, 7, 30, tzinfo=UTC)
PARENT = {"job": "weekly_summary", "recipient": "C0TEAM", "period": "2026-W49"}


def queue(period: str, text: str, *, reply: bool = False) -> None:
    payload = {"text": text, **({"thread_parent": PARENT} if reply else {})}
    with db.session_scope() as s:
        outbox.enqueue(s, job="weekly_summary", recipient="C0TEAM", period=period, payload=payload, now=NOW)


def statuses() -> dict[str, str]:
    with db.session_scope() as s:
        return dict(s.execute(select(OutboxMessage.period, OutboxMessage.status)).all())


def test_replies_go_under_their_parent_in_order(driver):
    queue("2026-W49", "summary")
    queue("2026-W49#2", "table 1", reply=True)
    queue("2026-W49#3", "table 2", reply=True)
    report = sender().drain_until_empty(NOW, timeout=10)
    assert report.sent == 3
    first, *replies = driver.fake.calls_to("chat.postMessage")
    assert "thread_ts" not in first.body
    assert [(r.body["text"], r.body["thread_ts"], r.body["channel"]) for r in replies] == [
        ("table 1", first.response["ts"], "C0TEAM"), ("table 2", first.response["ts"], "C0TEAM")
    ]
    assert "thread_parent" not in replies[0].body


def test_a_reply_waits_while_its_parent_is_retried(driver):
    queue("2026-W49", "summary")
    queue("2026-W49#2", "table", reply=True)
    driver.fake.fail("chat.postMessage", status=200, error="internal_error")  # not retried inside the client
    first = sender().drain(NOW)
    assert (first.sent, statuses()) == (0, {"2026-W49": "pending", "2026-W49#2": "pending"})
    later = sender().drain_until_empty(NOW + timedelta(minutes=1), timeout=15)
    assert later.sent == 2 and later.failed == 0
    parent, reply = driver.fake.calls_to("chat.postMessage")
    assert reply.body["thread_ts"] == parent.response["ts"]
    with db.session_scope() as s:
        attempts = dict(s.execute(select(OutboxMessage.period, OutboxMessage.attempts)).all())
    assert attempts["2026-W49#2"] == 1  # waiting for the parent used no attempt


def test_a_reply_whose_parent_failed_for_good_is_not_posted(driver):
    queue("2026-W49", "summary")
    queue("2026-W49#2", "table", reply=True)
    driver.fake.fail("chat.postMessage", status=200, error="channel_not_found")
    report = sender().drain(NOW)
    assert report.failed == 2 and statuses() == {"2026-W49": "failed", "2026-W49#2": "failed"}
    assert driver.fake.calls_to("chat.postMessage") == []


def test_a_reply_posted_before_a_crash_is_found_in_the_thread_not_posted_again(driver):
    queue("2026-W49", "summary")
    client = current_runtime().sender
    sender(client).drain(NOW)
    [parent] = driver.fake.calls_to("chat.postMessage")
    queue("2026-W49#2", "table", reply=True)
    with db.session_scope() as s:
        [claimed] = outbox.claim(s, NOW)
    # The sender posted the reply, then died before recording it.
    client.chat_postMessage(channel="C0TEAM", text="table", thread_ts=parent.response["ts"],
                            metadata={"event_type": outbox_sender.METADATA_EVENT, "event_payload": {"key": str(claimed.id)}})
    report = sender(client).drain(NOW + timedelta(minutes=3))
    assert (report.recovered, report.sent) == (1, 0)
    assert [c.body["text"] for c in driver.fake.calls_to("chat.postMessage")] == ["summary", "table"]
    assert driver.fake.calls_to("conversations.replies") and statuses()["2026-W49#2"] == "sent"
