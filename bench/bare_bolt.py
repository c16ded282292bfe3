"""The baseline for bench.ack_latency: a bare Bolt app that only acks, on the same HTTP
front ambot uses. `python -m bench.bare_bolt --port P --secret S --api-url URL`."""

from __future__ import annotations

import argparse

from slack_bolt import App
from slack_sdk import WebClient

from slackio.web import make_http_server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    app = App(signing_secret=args.secret, client=WebClient(token="xoxb-bench", base_url=args.api_url), token_verification_enabled=False)
    for command in ("/visit", "/kpi", "/amteam"):
        app.command(command)(lambda ack: ack())
    make_http_server(app, "127.0.0.1", args.port).serve_forever()


if __name__ == "__main__":
    main()
