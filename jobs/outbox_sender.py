"""Deliver the outbox: each (job, recipient, period) reaches Slack exactly once.

Every message carries its outbox id in Slack message metadata. If a sender dies after
Slack accepted a message but before recording it, the row's lease runs out and the
next sender looks in the conversation for that id before posting again.

A row whose payload has a `file` (a report's chart: PNG as base64, title, alt text) is
uploaded with `files_upload_v2` instead, into its parent's thread; a file carries no
metadata, so its name does: `<name>-<outbox id>.png`, looked for the same way.
"""

from __future__ import annotations

import base64
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlalchemy.orm import Session

from core.clock import REAL_TIME, MonotonicClock
from rendering import digest_blocks
from rendering.i18n import Texts, negotiate_locale
from rendering.mentions import mentioned, plain_fallback
from services import channel_health, people
from storage import outbox
from storage.db import Database

log = logging.getLogger("ambot.outbox")
PARENT_WAIT = timedelta(seconds=5)
# A claim with more than this left on its lease is certainly ours: no renewal before posting.
LEASE_MARGIN = outbox.LEASE / 2
SEND_LANES = 4  # posts in flight per sender
METADATA_EVENT = "ambot_outbox"
CHANNEL_PROBLEM = "channel_problem"  # the outbox job of the DM telling managers
PERMANENT_ERRORS = {
    "channel_not_found", "user_not_found", "invalid_blocks", "not_in_channel", "is_archived",
    "msg_too_long", "no_text", "cannot_dm_bot", "user_disabled", "account_inactive", "invalid_auth",
    "invalid_arguments",
}


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0
    skipped: int = 0
    retry_after: int | None = None
    errors: list[str] = field(default_factory=list)

    def add(self, other: DrainReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.recovered += other.recovered
        self.skipped += other.skipped
        self.errors += other.errors
        self.retry_after = other.retry_after if other.retry_after is not None else self.retry_after


class OutboxSender:
    """Delivers one database's outbox with one Slack client.

    `clock` measures elapsed time and sleeps through Retry-After: the real one unless a
    test passes a virtual one (shared with the fake Slack) so that waits take no time.
    """

    def __init__(self, database: Database, client: WebClient, *, clock: MonotonicClock = REAL_TIME) -> None:
        self.database = database
        self.client = client
        self.clock = clock

    def drain(self, now: datetime | None = None, *, limit: int = 50, lanes: int = SEND_LANES) -> DrainReport:
        """Send one batch of due messages: up to `lanes` posts in flight (Slack's answer, not
        our CPU, is most of a post's time), each recipient's messages in order in one lane."""
        now = now or datetime.now(UTC)
        report = DrainReport()
        with self.database.session_scope() as session:
            batch = outbox.claim(session, now, limit=limit)
            names = _names_mentioned(session, batch)
        started = self.clock.monotonic()
        lock = threading.Lock()
        attempted: set[int] = set()

        def run(lane: list[outbox.Claimed]) -> None:
            for message in lane:
                with lock:
                    if report.retry_after:  # Slack asked us to slow down: leave the rest
                        return
                    attempted.add(message.id)
                # The batch's clock moves on while Slack answers: leases are renewed from it.
                current = now + timedelta(seconds=self.clock.monotonic() - started)
                own = DrainReport()
                pause = self._deliver(message, current, own, names)
                with lock:
                    report.add(own)
                    if pause:
                        report.retry_after = max(pause, report.retry_after or 0)

        by_recipient: dict[str, list[outbox.Claimed]] = {}
        for message in batch:
            by_recipient.setdefault(message.recipient, []).append(message)
        if lanes <= 1 or len(by_recipient) <= 1 or not self.database.concurrent:
            for lane in by_recipient.values():
                run(lane)
        else:
            with ThreadPoolExecutor(max_workers=min(lanes, len(by_recipient)), thread_name_prefix="ambot-outbox") as pool:
                list(pool.map(run, by_recipient.values()))
        later = [message for message in batch if message.id not in attempted]
        if report.retry_after and later:  # hand the rest of the batch back, without using a try
            with self.database.session_scope() as session:
                for message in later:
                    outbox.mark_retry(session, message.id, at=now + timedelta(seconds=report.retry_after), error="ratelimited (batch paused)", attempts=message.attempts, counts=False)
        return report

    def drain_until_empty(self, start: datetime | None = None, *, timeout: float = 120.0, limit: int = 50) -> DrainReport:
        """Deliver everything queued, sleeping through Retry-After; the clock starts at `start`."""
        origin = self.clock.monotonic()
        start = start or datetime.now(UTC)
        total = DrainReport()
        while self.clock.monotonic() - origin < timeout:
            now = start + timedelta(seconds=self.clock.monotonic() - origin)
            report = self.drain(now, limit=limit)
            total.add(report)
            with self.database.session_scope() as session:
                remaining = outbox.pending_count(session)
                next_due = outbox.next_due(session)
            if remaining == 0:
                break
            if report.sent or report.recovered:
                continue
            wait = 0.2 if next_due is None else max(0.05, (next_due - now).total_seconds())
            self.clock.sleep(min(wait, 5.0))
        return total

    def _deliver(self, message: outbox.Claimed, now: datetime, report: DrainReport, names: dict[str, str] | None = None) -> int | None:
        key = str(message.id)
        # Notifications show `text` as plain text: people by name, not `<@U…>`.
        payload = plain_fallback(dict(message.payload), names or {})
        channel, thread_ts = message.recipient, payload.get("thread_ts")
        if "thread_parent" in payload:
            parent = self._thread_parent(message, payload.pop("thread_parent"), now, report)
            if parent is None:
                return None
            channel, thread_ts = parent
            payload["thread_ts"] = thread_ts
        if message.recovered:
            found = self._find_posted(channel, key, thread_ts)
            if found:
                with self.database.session_scope() as session:
                    outbox.mark_sent(session, message.id, now, ts=found[1], channel=found[0], attempts=message.attempts)
                report.recovered += 1
                return None
        if not message.held_at(now, LEASE_MARGIN):  # a slow batch: make sure the row is still ours
            with self.database.session_scope() as session:
                if not outbox.renew_lease(session, message.id, message.attempts, now):
                    report.skipped += 1  # another sender took it over
                    return None
        posted_channel: str | None
        try:
            if "file" in payload:
                posted_channel, ts = self._upload(channel, thread_ts, payload["file"], key), None
            else:
                payload["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
                response = self.client.chat_postMessage(channel=channel, **payload)
                posted_channel, ts = response.get("channel"), response.get("ts")
        except SlackApiError as exc:
            return self._after_error(message, now, exc, report)
        except (OSError, SlackRequestError) as exc:  # connection refused, timeout, upload refused: later
            self._retry(message, now, f"network: {exc}", report)
            return None
        with self.database.session_scope() as session:
            # If another sender took the row over during a very slow post, it will find this
            # message by its metadata and record it: no second post either way.
            outbox.mark_sent(session, message.id, now, ts=ts, channel=posted_channel, attempts=message.attempts)
            if message.team_id is not None and channel_health.is_channel(channel):
                channel_health.record_success(session, message.team_id, channel)
        report.sent += 1
        return None

    def _upload(self, channel: str, thread_ts: str | None, file: dict[str, Any], key: str) -> str:
        """A chart into the conversation (the thread of its report when `thread_ts`)."""
        if channel[:1] in {"U", "W"}:  # files are shared into a conversation, not to a user id
            channel = self.client.conversations_open(users=channel)["channel"]["id"]
        self.client.files_upload_v2(
            channel=channel, thread_ts=thread_ts, content=base64.b64decode(file["png"]),
            filename=file_name(file["name"], key), title=file["title"], alt_txt=file["alt"],
            initial_comment=file.get("comment"),
        )
        return channel

    def _after_error(self, message: outbox.Claimed, now: datetime, exc: SlackApiError, report: DrainReport) -> int | None:
        status = getattr(exc.response, "status_code", 200)
        error = (exc.response.data or {}).get("error", "unknown") if hasattr(exc.response, "data") else "unknown"
        if status == 429:
            retry_after = int(exc.response.headers.get("Retry-After", exc.response.headers.get("retry-after", 1)) or 1)
            with self.database.session_scope() as session:
                outbox.mark_retry(session, message.id, at=now + timedelta(seconds=retry_after), error="ratelimited", attempts=message.attempts, counts=False)
            report.retried += 1
            return retry_after
        if error in PERMANENT_ERRORS:
            log.error("outbox %s to %s failed for good: %s", message.id, message.recipient, error)
            with self.database.session_scope() as session:
                outbox.mark_failed(session, message.id, error=error)
                if error in channel_health.NOT_INVITED and message.team_id is not None and channel_health.is_channel(message.recipient):
                    _tell_managers(session, message, error, now)
            report.failed += 1
            report.errors.append(error)
            return None
        self._retry(message, now, f"{status} {error}", report)
        return None

    def _retry(self, message: outbox.Claimed, now: datetime, error: str, report: DrainReport) -> None:
        delay = min(600, 5 * 2 ** max(0, message.attempts - 1))
        with self.database.session_scope() as session:
            outbox.mark_retry(session, message.id, at=now + timedelta(seconds=delay), error=error, attempts=message.attempts)
        report.retried += 1
        report.errors.append(error)

    def _thread_parent(self, message: outbox.Claimed, parent: dict, now: datetime, report: DrainReport) -> tuple[str, str] | None:
        """(channel, ts) of the message this reply belongs under, once that one is posted.

        Until then the reply waits (without using up an attempt); if the parent failed for
        good, so does the reply: a reply without its message would make no sense.
        """
        with self.database.session_scope() as session:
            found = outbox.delivery_of(session, parent["job"], parent["recipient"], parent["period"])
            if found is not None and found.status == "sent" and found.ts:
                return found.channel or message.recipient, found.ts
            if found is None or found.status == "failed":
                outbox.mark_failed(session, message.id, error="thread parent was not delivered")
                report.failed += 1
                return None
            outbox.mark_retry(session, message.id, at=now + PARENT_WAIT, error="waiting for the thread parent", attempts=message.attempts, counts=False)
        report.retried += 1
        return None

    def _find_posted(self, recipient: str, key: str, thread_ts: str | None = None) -> tuple[str, str] | None:
        """Look for a message we posted earlier with this outbox key (crash recovery)."""
        try:
            channel = recipient
            if recipient[:1] in {"U", "W"}:
                channel = self.client.conversations_open(users=recipient)["channel"]["id"]
            if thread_ts:  # replies are not in the channel's history, only in their thread
                history = self.client.conversations_replies(channel=channel, ts=thread_ts, limit=200, include_all_metadata=True)
            else:
                history = self.client.conversations_history(channel=channel, limit=50, include_all_metadata=True)
        except (SlackApiError, OSError) as exc:
            log.warning("cannot check history for outbox %s: %s", key, exc)
            return None
        messages: list[dict[str, Any]] = history.get("messages", [])
        for item in messages:
            meta = item.get("metadata") or {}
            if meta.get("event_type") == METADATA_EVENT and (meta.get("event_payload") or {}).get("key") == key:
                return channel, item["ts"]
            if any(str(f.get("name", "")).endswith(f"-{key}.png") for f in item.get("files") or []):
                return channel, item["ts"]
        return None


def file_name(stem: str, key: str) -> str:
    """A chart's file name: its kind and its outbox id (how a recovering sender finds it)."""
    return f"{stem}-{key}.png"


def _tell_managers(session: Session, message: outbox.Claimed, error: str, now: datetime) -> None:
    """Once per breakdown: each manager hears by DM (through the outbox) how to fix it."""
    assert message.team_id is not None
    for manager in channel_health.record_failure(session, message.team_id, message.recipient, error, now):
        texts = Texts(negotiate_locale(manager.locale, manager.team.language), manager.tz or manager.team.timezone)
        payload = digest_blocks.channel_problem_message(texts, message.recipient, message.job)
        period = f"{message.recipient}@{now.strftime('%Y%m%dT%H%M%S')}"
        outbox.enqueue(session, job=CHANNEL_PROBLEM, recipient=manager.slack_id, period=period, payload=payload, now=now, team_id=message.team_id)


def _names_mentioned(session: Session, batch: list[outbox.Claimed]) -> dict[str, str]:
    """Names of everyone the batch's notification texts mention, in one query."""
    ids = set().union(*(mentioned(m.payload.get("text")) for m in batch if m.payload.get("blocks"))) if batch else set()
    return people.names_of(session, ids) if ids else {}


def _outbox_spec() -> None:
    from jobs.registry import JobSpec, register

    register(JobSpec(name="outbox", run=None, trigger=None))


_outbox_spec()
