"""Socket Mode with the HTTP front's text hygiene: every payload string loses its
control characters (`payloads.clean`) before Bolt sees it, as over HTTP."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from slackio import payloads


class CleanSocketModeHandler(SocketModeHandler):
    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        req.payload = payloads.clean(req.payload)
        super().handle(client, req)  # type: ignore[arg-type]
