"""Slack listeners, one module per capability. `register(app)` wires them all."""

from __future__ import annotations

from slack_bolt import App

from handlers import admin, digest, handover, home, kpi, questions, visits


def register(app: App) -> None:
    for capability in (admin, visits, handover, questions, kpi, digest, home):
        capability.register(app)
