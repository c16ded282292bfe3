"""The scheduled jobs by name (SPEC §7): what each runs, and when, per team.

A capability adds its job with `register(JobSpec(...))` from its own module under
jobs/; `jobs list`, `jobs run` and the scheduler all read this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

JOB_NAMES = (
    "followup_reminders",
    "weekly_summary",
    "kpi_nudges",
    "manager_digest",
    "question_escalation",
    "handover_transitions",
    "outbox",
    "calendar_check",
)


@dataclass(frozen=True)
class TeamSchedule:
    """What a trigger needs to know about a team; no ORM objects cross into APScheduler."""

    team_id: int
    timezone: str
    meeting_day: str
    meeting_time: str
    schedule: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class JobSpec:
    name: str  # what each does, in both languages: templates/cli/jobs.j2
    # Queue this team's messages for the moment `now`, in the session given (the runner's
    # one transaction for the team); returns how many were queued.
    run: Callable[[Session, int, datetime], int] | None
    # APScheduler trigger arguments for a team: {"trigger": "cron", …} or {"trigger": "interval", …}.
    trigger: Callable[[TeamSchedule], dict[str, Any]] | None


_JOBS: dict[str, JobSpec] = {}


def register(spec: JobSpec) -> JobSpec:
    if spec.name not in JOB_NAMES:
        raise ValueError(f"unknown job name {spec.name!r}")
    _JOBS[spec.name] = spec
    return spec


def all_jobs() -> dict[str, JobSpec]:
    load_job_modules()
    return dict(sorted(_JOBS.items(), key=lambda kv: JOB_NAMES.index(kv[0])))


def get(name: str) -> JobSpec | None:
    return all_jobs().get(name)


def load_job_modules() -> None:
    """Import every job module so each registers itself (idempotent)."""
    import importlib
    import pkgutil

    import jobs

    for info in pkgutil.iter_modules(jobs.__path__):
        if info.name not in {"registry", "scheduler", "runner", "leadership"}:
            importlib.import_module(f"jobs.{info.name}")
