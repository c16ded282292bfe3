"""Fan-out of N DMs through the outbox against a fake Slack that enforces rate limits.

    python -m bench.fanout [--messages 1000] [--budget 50] [--window 1] [--senders 1] [--database URL]

Prints total time, the floor the limits allow, their ratio, and messages lost and doubled.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime

from core.settings import Settings
from jobs import outbox_sender
from slackio.client import make_web_client
from slackio.fake_api import FakeSlack
from slackio.fake_limits import RateLimit
from storage import db, outbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--budget", type=int, default=50, help="workspace posts allowed per window")
    parser.add_argument("--window", type=float, default=1.0, help="seconds per window")
    parser.add_argument("--senders", type=int, default=1, help="parallel outbox senders (PostgreSQL for more than 1)")
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, FakeSlack(token="xoxb-bench") as fake:
        url = args.database or f"sqlite:///{folder}/fanout.db"
        database = db.open_database(url, migrate=True)
        _empty_outbox(database)
        limits = RateLimit(per_channel_seconds=1.0, workspace_budget=args.budget, window_seconds=args.window)
        fake.rate_limit = limits
        now = datetime.now(UTC)
        with database.session_scope() as session:
            for i in range(args.messages):
                outbox.enqueue(session, job="bench", recipient=f"U{i:06d}", period="p", payload={"text": f"hello {i}"}, now=now)
        client = make_web_client(Settings(bot_token="xoxb-bench", slack_api_url=fake.api_url), rate_limit_retries=0)

        started = time.monotonic()
        senders = [outbox_sender.OutboxSender(database, client) for _ in range(args.senders)]
        threads = [threading.Thread(target=sender.drain_until_empty, kwargs={"timeout": 600}) for sender in senders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        delivered = Counter(c.body["channel"] for c in fake.calls_to("chat.postMessage"))
        rejected = len(fake.calls_to("chat.postMessage", ok_only=False)) - sum(delivered.values())
        lost = args.messages - len(delivered)
        doubled = sum(n - 1 for n in delivered.values() if n > 1)
        floor = limits.floor_seconds(args.messages)
        print(f"fan-out of {args.messages} DMs, limit {args.budget} per {args.window:g}s, {args.senders} sender(s), {database.dialect}")
        print(f"  total time     {elapsed:8.2f} s")
        print(f"  rate floor     {floor:8.2f} s")
        print(f"  ratio          {elapsed / floor if floor else float('nan'):8.2f} x  (target ≤ 1.20)")
        print(f"  429 answers    {rejected:8d}")
        print(f"  lost           {lost:8d}")
        print(f"  doubled        {doubled:8d}")
        database.dispose()


def _empty_outbox(database: db.Database) -> None:
    from sqlalchemy import delete

    from storage.models import OutboxMessage

    with database.session_scope() as session:
        session.execute(delete(OutboxMessage).where(OutboxMessage.job == "bench"))


if __name__ == "__main__":
    main()
