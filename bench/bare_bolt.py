"""The baseline for bench.ack_latency: a bare Bolt app that only acks, served exactly as
ambot is (gunicorn, same workers and threads, or the built-in threaded server).

    gunicorn bench.bare_bolt:application     (env: SLACK_SIGNING_SECRET, SLACK_API_URL)
    python -m bench.bare_bolt --port P --secret S --api-url URL
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from slackio.web import make_http_server, wsgi_app


def bare_app(secret: str, api_url: str) -> App:
    app = App(signing_secret=secret, client=WebClient(token="xoxb-bench", base_url=api_url), token_verification_enabled=False)
    for command in ("/visit", "/kpi", "/amteam"):
        app.command(command)(lambda ack: ack())
    return app


def answering_app(secret: str, api_url: str, finished: Callable[[], None] = lambda: None) -> App:
    """A bare Bolt app that answers each request bench.cpu_per_request sends as ambot
    does, with no work of its own: a command gets an ephemeral reply (a question with
    "?" in it is routed: two DMs, to the asker and a responder), a button replaces its
    message, a form submission closes the form and sends a DM."""
    app = App(signing_secret=secret, client=WebClient(token="xoxb-bench", base_url=api_url), token_verification_enabled=False)

    def command(ack: Any, body: dict[str, Any], respond: Any, client: WebClient) -> None:
        ack()
        text = str(body.get("text") or "")
        if body.get("command") == "/ask" and ("?" in text or "？" in text):
            client.chat_postMessage(channel="U0SUP1", text=f"A question: {text}")
            client.chat_postMessage(channel=str(body.get("user_id")), text=f"Sent to a responder: {text}")
        else:
            respond(text=f"Done: {text}", response_type="ephemeral")
        finished()

    def button(ack: Any, respond: Any) -> None:
        ack()
        respond(text="Snoozed", replace_original=True)
        finished()

    def submission(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_postMessage(channel=str(body["user"]["id"]), text="Visit logged")
        finished()

    for name in ("/visit", "/kpi", "/ask"):
        app.command(name)(command)
    app.action(re.compile(".*"))(button)
    app.view(re.compile(".*"))(submission)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    make_http_server(wsgi_app(bare_app(args.secret, args.api_url), args.secret), "127.0.0.1", args.port).serve_forever()


def __getattr__(name: str):
    # `gunicorn bench.bare_bolt:application` builds the app lazily, from the environment.
    if name == "application":
        secret = os.environ["SLACK_SIGNING_SECRET"]
        return wsgi_app(bare_app(secret, os.environ["SLACK_API_URL"]), secret)
    raise AttributeError(name)


if __name__ == "__main__":
    main()
