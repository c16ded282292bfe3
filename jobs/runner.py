"""Running jobs: by the scheduler (with the runtime and ids) or by hand (`jobs run`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk import WebClient
from sqlalchemy import select

from jobs import outbox_sender, registry
from storage.db import Database
from storage.models import Team

log = logging.getLogger("ambot.jobs")


@dataclass
class JobRunReport:
    name: str
    queued: int
    delivery: outbox_sender.DrainReport


def team_ids(database: Database) -> list[int]:
    with database.session_scope() as session:
        return list(session.scalars(select(Team.id).order_by(Team.id)))


def team_schedules(database: Database) -> list[registry.TeamSchedule]:
    with database.session_scope() as session:
        return [
            registry.TeamSchedule(t.id, t.timezone, t.meeting_day, t.meeting_time, dict(t.schedule or {}))
            for t in session.scalars(select(Team).order_by(Team.id))
        ]


def run_for_team(database: Database, spec: registry.JobSpec, team_id: int, now: datetime) -> int:
    """One job for one team in one transaction; how many messages it queued."""
    assert spec.run is not None
    with database.session_scope() as session:
        return spec.run(session, team_id, now)


def run_team_job(database: Database, name: str, team_id: int) -> None:
    """APScheduler entry point: the job for one team, at the real current time."""
    spec = registry.get(name)
    if spec is None or spec.run is None:
        log.error("no runnable job %s", name)
        return
    queued = run_for_team(database, spec, team_id, datetime.now(UTC))
    log.info("job %s for team %s queued %s message(s)", name, team_id, queued)


def drain_outbox(database: Database, client: WebClient) -> None:
    """APScheduler entry point: deliver a batch of due messages."""
    report = outbox_sender.OutboxSender(database, client).drain()
    if report.sent or report.retried or report.failed:
        log.info("outbox: sent %s, retried %s, failed %s", report.sent, report.retried, report.failed)


def run_now(database: Database, client: WebClient, name: str, at: datetime | None = None) -> JobRunReport:
    """`jobs run NAME [--at T]`: run for every team as if the clock said T, then deliver
    with `client` (the outbox's Slack client)."""
    spec = registry.get(name)
    if spec is None:
        raise KeyError(name)
    now = at or datetime.now(UTC)
    queued = 0
    if spec.run is not None:
        for team_id in team_ids(database):
            queued += run_for_team(database, spec, team_id, now)
    delivery = outbox_sender.OutboxSender(database, client).drain_until_empty(now)
    return JobRunReport(name, queued, delivery)
