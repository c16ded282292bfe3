"""The APScheduler set-up. Only `bot.py scheduler|serve|socket|console` call this —
never an import, never a web worker under gunicorn."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from slack_sdk import WebClient

from jobs import registry, runner
from jobs.leadership import Leadership, leadership_for
from storage.db import Database

log = logging.getLogger("ambot.scheduler")
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 600}
OUTBOX_SECONDS = 10
SYNC_SECONDS = 60
DEFAULT_POLL_SECONDS = 5.0  # Settings.scheduler_poll_seconds unless told otherwise


class TeamJobs:
    """One APScheduler and the per-team jobs it holds, kept in step with the teams."""

    def __init__(self, database: Database, sender: WebClient, *, blocking: bool) -> None:
        self.database = database
        cls = BlockingScheduler if blocking else BackgroundScheduler
        self.scheduler: BaseScheduler = cls(timezone=UTC, job_defaults=JOB_DEFAULTS)
        self.added_with: dict[str, dict] = {}  # job id -> trigger arguments it was last added with
        self.scheduler.add_job(runner.drain_outbox, "interval", args=[database, sender], seconds=OUTBOX_SECONDS, id="outbox", replace_existing=True)
        self.scheduler.add_job(self.sync, "interval", seconds=SYNC_SECONDS, id="sync_team_jobs", replace_existing=True)
        self.sync()

    def sync(self) -> None:
        """(Re)add each team's jobs with deterministic ids, so schedule edits take effect."""
        wanted: set[str] = {"outbox", "sync_team_jobs"}
        for team in runner.team_schedules(self.database):
            for name, spec in registry.all_jobs().items():
                if spec.run is None or spec.trigger is None:
                    continue
                job_id = f"{name}:{team.team_id}"
                wanted.add(job_id)
                trigger_args = spec.trigger(team)
                if self.scheduler.get_job(job_id) is not None and self.added_with.get(job_id) == trigger_args:
                    continue
                self.scheduler.add_job(
                    runner.run_team_job,
                    args=[self.database, name, team.team_id],
                    id=job_id,
                    replace_existing=True,
                    **trigger_args,
                )
                self.added_with[job_id] = trigger_args
        for job in self.scheduler.get_jobs():
            if job.id not in wanted:
                job.remove()


class SchedulerService:
    """Schedule only while this process holds the leadership lock; otherwise stand by.

    A standby polls every `poll_seconds` (the settings' scheduler_poll_seconds, 5 s by
    default), so it takes over within that time after the leader's connection (and with
    it the lock) goes away.
    """

    def __init__(self, database: Database, sender: WebClient, leadership: Leadership, *, poll_seconds: float = DEFAULT_POLL_SECONDS) -> None:
        self.database = database
        self.sender = sender
        self.leadership = leadership
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self.leading = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            if not self.leadership.acquire():
                self.stopping.wait(self.poll_seconds)
                continue
            log.info("this process now leads the scheduler")
            scheduler = TeamJobs(self.database, self.sender, blocking=False).scheduler
            scheduler.start()
            self.leading.set()
            try:
                while not self.stopping.wait(self.poll_seconds):
                    if not self.leadership.still_leader():
                        log.warning("scheduler leadership lost; standing by")
                        break
            finally:
                self.leading.clear()
                scheduler.shutdown(wait=False)
        self.leadership.release()

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="ambot-scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopping.set()


def run_scheduler_process(database: Database, sender: WebClient, *, poll_seconds: float = DEFAULT_POLL_SECONDS) -> int:
    """`bot.py scheduler`: lead (or stand by) in the foreground until SIGTERM/SIGINT."""
    service = SchedulerService(database, sender, leadership_for(database.url), poll_seconds=poll_seconds)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: service.stop())
    log.info("scheduler process started; waiting for leadership")
    service.run()
    return 0
