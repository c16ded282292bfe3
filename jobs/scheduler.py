"""The APScheduler set-up. Only `bot.py scheduler|serve|socket|console` call this —
never an import, never a web worker under gunicorn."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from jobs import registry, runner

log = logging.getLogger("ambot.scheduler")
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 600}
OUTBOX_SECONDS = 10
SYNC_SECONDS = 60

_scheduler: BaseScheduler | None = None
_added_with: dict[str, dict] = {}  # job id -> trigger arguments it was last added with


def build_scheduler(*, blocking: bool) -> BaseScheduler:
    global _scheduler
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=UTC, job_defaults=JOB_DEFAULTS)
    scheduler.add_job(runner.drain_outbox, "interval", seconds=OUTBOX_SECONDS, id="outbox", replace_existing=True)
    scheduler.add_job(sync_team_jobs, "interval", seconds=SYNC_SECONDS, id="sync_team_jobs", replace_existing=True)
    _scheduler = scheduler
    sync_team_jobs()
    return scheduler


def sync_team_jobs() -> None:
    """(Re)add each team's jobs with deterministic ids, so schedule edits take effect."""
    scheduler = _scheduler
    if scheduler is None:
        return
    wanted: set[str] = {"outbox", "sync_team_jobs"}
    for team in runner.team_schedules():
        for name, spec in registry.all_jobs().items():
            if spec.run is None or spec.trigger is None:
                continue
            job_id = f"{name}:{team.team_id}"
            wanted.add(job_id)
            trigger_args = spec.trigger(team)
            if scheduler.get_job(job_id) is not None and _added_with.get(job_id) == trigger_args:
                continue
            scheduler.add_job(
                runner.run_team_job,
                args=[name, team.team_id],
                id=job_id,
                replace_existing=True,
                **trigger_args,
            )
            _added_with[job_id] = trigger_args
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            job.remove()


def run_scheduler_process(settings) -> int:
    """`bot.py scheduler`: run the jobs in the foreground until stopped."""
    scheduler = build_scheduler(blocking=True)
    log.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    return 0
