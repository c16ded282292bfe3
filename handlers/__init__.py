"""Slack listeners, one module per capability. `register(app)` wires them all."""

from __future__ import annotations

from slack_bolt import App

from handlers import admin, ids
from handlers.usage_only import usage_listener

# Commands whose capability module has not landed yet: they answer help and usage.
_USAGE_ONLY = {
    ids.VISIT: "visit/usage",
    ids.HANDOVER: "handover/usage",
    ids.ASK: "ask/usage",
    ids.KPI: "kpi/usage",
    ids.DIGEST: "digest/usage",
}


def register(app: App) -> None:
    admin.register(app)
    for command, usage in _USAGE_ONLY.items():
        app.command(command)(usage_listener(command, usage))
