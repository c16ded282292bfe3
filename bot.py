"""ambot's composition root and command line: `python bot.py --help`.

Importing this module does nothing: no environment reads, no database, no scheduler.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from slack_bolt import App

from settings import Settings

log = logging.getLogger("ambot")
LISTENER_THREADS = 64


# --- building blocks -----------------------------------------------------------------------


def build_app(settings: Settings) -> App:
    """The Bolt app with every listener registered; the same one serves Slack, tests and the console."""
    import handlers
    from slackio.client import make_web_client

    app = App(
        signing_secret=settings.signing_secret,
        client=make_web_client(settings),
        token_verification_enabled=False,
        process_before_response=settings.process_before_response,
        # Listeners ack from inside their thread: with the default pool (CPU count + 4
        # threads) a few slow listeners would hold every new request's ack in a queue.
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="ambot-listener"),
    )
    handlers.register(app)
    # Home tabs are redrawn after actions; off the request path when serving real traffic.
    from handlers.context import use_background_profile_refresh
    from handlers.home import use_background_refresh

    use_background_refresh(not settings.process_before_response)
    use_background_profile_refresh(not settings.process_before_response)
    return app


def init_runtime(settings: Settings, *, migrate: bool = True) -> None:
    """Open the database (migrating it) and give scheduled jobs their Slack client."""
    from jobs import runtime
    from slackio.client import make_web_client
    from storage import db

    db.init(settings.database_url, migrate=migrate)
    # The outbox reschedules on 429 itself (honouring Retry-After) instead of blocking.
    runtime.configure(make_web_client(settings, rate_limit_retries=0))


class SecretsFilter(logging.Filter):
    """Never let a token or the signing secret reach a log line."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(s in message for s in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "***")
                record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings, *, quiet: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretsFilter([settings.bot_token or "", settings.signing_secret or "", settings.app_token or ""]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    # The console and the demo print a conversation: only warnings belong in it.
    root.setLevel(max(logging.WARNING, logging.getLevelName(settings.log_level)) if quiet else settings.log_level)
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, root.level))


def cli_texts():
    from rendering.i18n import Texts, negotiate_locale

    return Texts(negotiate_locale(os.environ.get("AMBOT_LANG") or os.environ.get("LANG"), None))


def say(macro: str, **kwargs: object) -> None:
    print(cli_texts().macro("cli/messages", macro, **kwargs))


def fail(macro: str, **kwargs: object) -> int:
    print(cli_texts().macro("cli/messages", macro, **kwargs), file=sys.stderr)
    return 2


# --- commands ------------------------------------------------------------------------------


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.signing_secret:
        return fail("serve_needs_secret")
    if not settings.bot_token:
        return fail("serve_needs_token")
    init_runtime(settings)
    from slackio.web import make_http_server

    app = build_app(settings)
    scheduler = None if args.no_scheduler else start_scheduler(settings)
    server = make_http_server(app, args.host, args.port)
    say("serving", host=args.host, port=server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler:
            scheduler.stop()
    return 0


def start_scheduler(settings: Settings):
    """The scheduler in a background thread of this process, leading or standing by."""
    from jobs.leadership import leadership_for
    from jobs.scheduler import SchedulerService

    service = SchedulerService(leadership_for(settings.database_url))
    service.start_in_thread()
    return service


def cmd_socket(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.app_token or not settings.bot_token:
        return fail("socket_needs_tokens")
    init_runtime(settings)
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app = build_app(settings.with_(signing_secret=settings.signing_secret or "socket-mode"))
    scheduler = start_scheduler(settings)
    try:
        SocketModeHandler(app, settings.app_token).start()
    finally:
        scheduler.stop()
    return 0


def cmd_scheduler(settings: Settings, args: argparse.Namespace) -> int:
    init_runtime(settings)
    from jobs.scheduler import run_scheduler_process

    return run_scheduler_process(settings)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from storage import db

    db.init(settings.database_url)
    say("migrated")
    return 0


def cmd_config(settings: Settings, args: argparse.Namespace) -> int:
    from domain.team_config import ConfigInvalid
    from services import team_config
    from storage import db
    from storage.models import Team

    db.init(settings.database_url)
    if args.action == "load":
        path = Path(args.file)
        if not path.exists():
            return fail("file_missing", path=str(path))
        try:
            with db.session_scope() as session:
                team = team_config.load(session, path.read_text("utf-8"), datetime.now(UTC))
                name = team.name
        except ConfigInvalid as invalid:
            texts = cli_texts()
            print(texts.macro("cli/messages", "config_refused", path=str(path), count=len(invalid.problems)), file=sys.stderr)
            for problem in invalid.problems:
                print(texts.render("cli/config_problem", path=str(path), problem=problem), file=sys.stderr)
            return 1
        say("config_loaded", name=name)
        return 0
    from sqlalchemy import select

    with db.session_scope() as session:
        query = select(Team).order_by(Team.id)
        if args.team:
            query = query.where(Team.name == args.team)
        team = session.scalars(query).first()
        if team is None:
            return fail("no_team")
        sys.stdout.write(team_config.dump(session, team))
    return 0


def cmd_jobs(settings: Settings, args: argparse.Namespace) -> int:
    init_runtime(settings)
    from jobs import registry, runner

    if args.action == "list":
        texts = cli_texts()
        for name in registry.all_jobs():
            print(texts.render("cli/job_line", name=name, summary=texts.macro("cli/jobs", "summary", name)))
        return 0
    if registry.get(args.name) is None:
        return fail("unknown_job", name=args.name, names=", ".join(registry.all_jobs()))
    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            return fail("bad_time", value=args.at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
    report = runner.run_now(args.name, at)
    say("job_ran", name=args.name, queued=report.queued, sent=report.delivery.sent, failed=report.delivery.failed)
    return 0 if report.delivery.failed == 0 else 1


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from exports import EXPORTERS, ExportError, _load, write_export
    from storage import db

    db.init(settings.database_url)
    _load()
    if args.kind not in EXPORTERS:
        return fail("export_unavailable", kind=args.kind, kinds=", ".join(EXPORTERS) or "—")
    if args.format == "xlsx" and not args.output:
        return fail("xlsx_needs_output")
    try:
        rows = write_export(args.kind, since=args.since, fmt=args.format, output=args.output)
    except ExportError as error:
        return fail("export_" + error.code, value=error.value)
    if args.output:
        say("exported", count=rows, path=args.output)
    return 0


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from services.kpi_import import KpiImportInvalid, decode_csv, import_kpi_csv
    from storage import db

    db.init(settings.database_url)
    path = Path(args.file)
    if not path.exists():
        return fail("file_missing", path=str(path))
    texts = cli_texts()
    try:
        with db.session_scope() as session:
            added = import_kpi_csv(session, decode_csv(path.read_bytes()), datetime.now(UTC))
    except KpiImportInvalid as invalid:
        print(texts.macro("kpi/import", "refused", path=str(path), count=len(invalid.problems)), file=sys.stderr)
        for problem in invalid.problems:
            print(texts.macro("kpi/import", "problem", str(path), problem), file=sys.stderr)
        return 1
    print(texts.macro("kpi/import", "imported", count=added, path=str(path)))
    return 0


def cmd_console(settings: Settings, args: argparse.Namespace) -> int:
    from console.simulator import run_console

    return run_console(settings, as_user=args.as_user, demo=not args.empty)


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from console.demo import run_demo

    return run_demo(settings, at=args.at)


# --- argument parsing ----------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bot.py", description="ambot — the account-manager team assistant for Slack.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="HTTP mode: POST /slack/events, plus the scheduler")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs in this process")
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN) plus the scheduler").set_defaults(func=cmd_socket)
    sub.add_parser("scheduler", help="the scheduler alone (one active leader at a time)").set_defaults(func=cmd_scheduler)

    console = sub.add_parser("console", help="a local chat simulator: no Slack, no network")
    console.add_argument("--as", dest="as_user", help="act as this Slack user id")
    console.add_argument("--empty", action="store_true", help="start without the demo team")
    console.set_defaults(func=cmd_console)

    demo = sub.add_parser("demo", help="load the demo team, run each scheduled job once and print what it posts")
    demo.add_argument("--at", help="pretend the clock says this ISO time")
    demo.set_defaults(func=cmd_demo)

    config = sub.add_parser("config", help="team configuration as YAML")
    config_sub = config.add_subparsers(dest="action", required=True)
    load = config_sub.add_parser("load", help="load a team file (idempotent; refused whole when invalid)")
    load.add_argument("file")
    dump = config_sub.add_parser("dump", help="write the team as YAML to standard output")
    dump.add_argument("--team", help="team name (default: the first team)")
    config.set_defaults(func=cmd_config)

    jobs = sub.add_parser("jobs", help="operate scheduled jobs by hand")
    jobs_sub = jobs.add_subparsers(dest="action", required=True)
    jobs_sub.add_parser("list", help="the jobs and what they do")
    run = jobs_sub.add_parser("run", help="run a job now (or as if at --at) and deliver its messages")
    run.add_argument("name")
    run.add_argument("--at", help="ISO time, e.g. 2026-12-07T09:30+08:00")
    jobs.set_defaults(func=cmd_jobs)

    export = sub.add_parser("export", help="data out for the CRM and Excel")
    export.add_argument("kind", choices=["visits", "followups", "questions", "kpi"])
    export.add_argument("--since", help="ISO date")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--output", help="file to write (required for xlsx; CSV defaults to standard output)")
    export.set_defaults(func=cmd_export)

    imp = sub.add_parser("import", help="bulk data in from the CRM (validated as a whole; nothing written on error)")
    imp.add_argument("kind", choices=["kpi"])
    imp.add_argument("file", help="CSV: date, member, metric, value, customer, note (UTF-8 or GB18030)")
    imp.set_defaults(func=cmd_import)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    return p


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    args = parser().parse_args(argv)
    settings = settings or Settings.from_env()
    configure_logging(settings, quiet=args.command in {"console", "demo", "config", "export", "import", "jobs", "migrate"} and "AMBOT_LOG_LEVEL" not in os.environ)
    try:
        return args.func(settings, args)
    except BrokenPipeError:
        # The reader went away (`export visits | head`): not worth a stack trace.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
