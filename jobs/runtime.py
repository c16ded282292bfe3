"""Process-wide things scheduled jobs need: the Slack client for the sender.

Set once by the composition root (bot.py); APScheduler calls module-level functions
with ids only, and they find the client here rather than in a pickled argument.
"""

from __future__ import annotations

from slack_sdk import WebClient

_sender_client: WebClient | None = None


def configure(sender_client: WebClient) -> None:
    global _sender_client
    _sender_client = sender_client


def sender_client() -> WebClient:
    if _sender_client is None:
        raise RuntimeError("jobs.runtime.configure() has not been called")
    return _sender_client
