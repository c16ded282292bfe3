"""Running jobs: by the scheduler (module-level callables taking ids) or by hand."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from jobs import outbox_sender, registry, runtime
from storage import db
from storage.models import Team

log = logging.getLogger("ambot.jobs")


@dataclass
class JobRunReport:
    name: str
    queued: int
    delivery: outbox_sender.DrainReport


def team_ids() -> list[int]:
    with db.session_scope() as session:
        return list(session.scalars(select(Team.id).order_by(Team.id)))


def team_schedules() -> list[registry.TeamSchedule]:
    with db.session_scope() as session:
        return [
            registry.TeamSchedule(t.id, t.timezone, t.meeting_day, t.meeting_time, dict(t.schedule or {}))
            for t in session.scalars(select(Team).order_by(Team.id))
        ]


def run_team_job(name: str, team_id: int) -> None:
    """APScheduler entry point: the job for one team, at the real current time."""
    spec = registry.get(name)
    if spec is None or spec.run is None:
        log.error("no runnable job %s", name)
        return
    queued = spec.run(team_id, datetime.now(UTC))
    log.info("job %s for team %s queued %s message(s)", name, team_id, queued)


def drain_outbox() -> None:
    """APScheduler entry point: deliver a batch of due messages."""
    report = outbox_sender.drain(runtime.sender_client())
    if report.sent or report.retried or report.failed:
        log.info("outbox: sent %s, retried %s, failed %s", report.sent, report.retried, report.failed)


def run_now(name: str, at: datetime | None = None) -> JobRunReport:
    """`jobs run NAME [--at T]`: run for every team as if the clock said T, then deliver."""
    spec = registry.get(name)
    if spec is None:
        raise KeyError(name)
    now = at or datetime.now(UTC)
    queued = 0
    if spec.run is not None:
        for team_id in team_ids():
            queued += spec.run(team_id, now)
    delivery = outbox_sender.drain_until_empty(runtime.sender_client(), now)
    return JobRunReport(name, queued, delivery)
