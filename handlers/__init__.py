"""Slack listeners, one module per capability. `register(app)` wires them all."""

from __future__ import annotations

from slack_bolt import App

from handlers import admin, digest, handover, home, kpi, questions, visits
from handlers.usage_only import usage_listener

# Commands whose capability module has not landed yet: they answer help and usage.
_USAGE_ONLY: dict[str, str] = {}


def register(app: App) -> None:
    admin.register(app)
    kpi.register(app)
    handover.register(app)
    visits.register(app)
    questions.register(app)
    digest.register(app)
    home.register(app)
    for command, usage in _USAGE_ONLY.items():
        app.command(command)(usage_listener(command, usage))
