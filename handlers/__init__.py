"""Slack listeners, one module per capability. `register(on)` wires them all."""

from __future__ import annotations

from handlers import admin, digest, direct, handover, home, kpi, questions, visits
from listening.layer import Listeners


def register(on: Listeners) -> None:
    for capability in (admin, visits, handover, questions, kpi, digest, home, direct):
        capability.register(on)
