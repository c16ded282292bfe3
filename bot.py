"""ambot's command line: `python bot.py --help`.

`main()` builds the one Settings object from the environment and hands it down; each
command opens the database it needs and, where Slack is involved, makes the app with
`app.create_app`. Importing this module does nothing.

Serving processes (`serve`, `socket`, `scheduler`, gunicorn workers) never migrate: they
refuse to start while the schema is behind (run `python bot.py migrate`). Operator tools
(`config`, `jobs`, `export`, `import`, `console`, `demo`) migrate first, under the lock.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app import Ambot, configure_logging, create_app
from core.settings import Settings
from rendering.i18n import Texts, negotiate_locale
from storage.db import Database, SchemaBehind, open_database

QUIET_COMMANDS = {"console", "demo", "config", "export", "import", "jobs", "migrate", "calendar"}


def cli_texts(settings: Settings) -> Texts:
    return Texts(negotiate_locale(settings.cli_language, None))


class Cli:
    """What every command shares: the settings and the command line's language."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.texts = cli_texts(settings)

    def say(self, macro: str, **kwargs: object) -> None:
        print(self.texts.macro("cli/messages", macro, **kwargs))

    def fail(self, macro: str, **kwargs: object) -> int:
        print(self.texts.macro("cli/messages", macro, **kwargs), file=sys.stderr)
        return 2

    def database(self, *, migrate: bool) -> Database:
        return open_database(self.settings.database_url, migrate=migrate)

    def serving_database(self) -> Database | None:
        """The database for a serving process: at the schema head, else None (told why)."""
        database = self.database(migrate=False)
        try:
            database.require_schema()
        except SchemaBehind as behind:
            self.fail("schema_behind", current=behind.current or "—", head=behind.head)
            database.dispose()
            return None
        return database


# --- commands ------------------------------------------------------------------------------


def cmd_serve(cli: Cli, args: argparse.Namespace) -> int:
    settings = cli.settings
    if not settings.signing_secret:
        return cli.fail("serve_needs_secret")
    if not settings.bot_token:
        return cli.fail("serve_needs_token")
    database = cli.serving_database()
    if database is None:
        return 2
    from slackio.web import make_http_server

    ambot = create_app(settings, database)
    scheduler = None if args.no_scheduler else start_scheduler(ambot)
    server = make_http_server(ambot.wsgi(), args.host, args.port)
    cli.say("serving", host=args.host, port=server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler:
            scheduler.stop()
        ambot.close()
    return 0


def start_scheduler(ambot: Ambot) -> Any:
    """The scheduler in a background thread of this process, leading or standing by."""
    from jobs.leadership import leadership_for
    from jobs.scheduler import SchedulerService

    runtime = ambot.runtime
    service = SchedulerService(runtime.db, runtime.sender, leadership_for(runtime.db.url), poll_seconds=runtime.settings.scheduler_poll_seconds)
    service.start_in_thread()
    return service


def cmd_socket(cli: Cli, args: argparse.Namespace) -> int:
    settings = cli.settings
    if not settings.app_token or not settings.bot_token:
        return cli.fail("socket_needs_tokens")
    database = cli.serving_database()
    if database is None:
        return 2
    from slackio.socket_mode import CleanSocketModeHandler

    ambot = create_app(settings.with_(signing_secret=settings.signing_secret or "socket-mode"), database)
    scheduler = start_scheduler(ambot)
    try:
        CleanSocketModeHandler(ambot.bolt, settings.app_token).start()
    finally:
        scheduler.stop()
        ambot.close()
    return 0


def cmd_scheduler(cli: Cli, args: argparse.Namespace) -> int:
    database = cli.serving_database()
    if database is None:
        return 2
    from jobs.scheduler import run_scheduler_process
    from slackio.client import make_web_client

    return run_scheduler_process(database, make_web_client(cli.settings, rate_limit_retries=0), poll_seconds=cli.settings.scheduler_poll_seconds)


def cmd_migrate(cli: Cli, args: argparse.Namespace) -> int:
    database = cli.database(migrate=False)
    try:
        head = database.migrate()
    finally:
        database.dispose()
    cli.say("migrated", head=head)
    return 0


def cmd_config(cli: Cli, args: argparse.Namespace) -> int:
    from domain.team_config import ConfigInvalid
    from services import team_config
    from storage import audit

    database = cli.database(migrate=True)
    if args.action == "load":
        path = Path(args.file)
        if not path.exists():
            return cli.fail("file_missing", path=str(path))
        # --replace asks first: the plan is shown, and nothing written, until --yes.
        rehearsal = args.dry_run or (args.replace and not args.yes)
        try:
            with database.session_scope() as session:
                audit.act_as(session, None, "config")
                report = team_config.load_report(session, path.read_text("utf-8"), datetime.now(UTC), replace=args.replace)
                lines = [cli.texts.render("cli/config_change", change=change) for change in report.changes]
                name, removed, changed = report.team.name, report.removed, report.changed
                if rehearsal:
                    session.rollback()
        except ConfigInvalid as invalid:
            print(cli.texts.macro("cli/messages", "config_refused", path=str(path), count=len(invalid.problems)), file=sys.stderr)
            for problem in invalid.problems:
                print(cli.texts.render("cli/config_problem", path=str(path), problem=problem), file=sys.stderr)
            return 1
        if rehearsal or args.verbose:
            for line in lines:
                print(line)
        if args.dry_run:
            cli.say("config_dry_run", path=str(path), count=changed)
            return 0
        if args.replace and not args.yes:
            cli.say("config_replace_confirm", path=str(path), removed=removed)
            return 1
        cli.say("config_loaded", name=name)
        return 0
    with database.session_scope() as session:
        team = team_config.team_named(session, args.team)
        if team is None:
            return cli.fail("no_team")
        sys.stdout.write(team_config.dump(session, team))
    return 0


def cmd_jobs(cli: Cli, args: argparse.Namespace) -> int:
    from jobs import registry, runner
    from slackio.client import make_web_client

    if args.action == "list":
        for name in registry.all_jobs():
            print(cli.texts.render("cli/job_line", name=name, summary=cli.texts.macro("cli/jobs", "summary", name)))
        return 0
    if registry.get(args.name) is None:
        return cli.fail("unknown_job", name=args.name, names=", ".join(registry.all_jobs()))
    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            return cli.fail("bad_time", value=args.at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
    database = cli.database(migrate=True)
    try:
        report = runner.run_now(database, make_web_client(cli.settings, rate_limit_retries=0), args.name, at)
    finally:
        database.dispose()
    cli.say("job_ran", name=args.name, queued=report.queued, sent=report.delivery.sent, failed=report.delivery.failed)
    return 0 if report.delivery.failed == 0 else 1


def cmd_export(cli: Cli, args: argparse.Namespace) -> int:
    from exports import EXPORTERS, ExportError, load_exporters, team_language, write_export
    from rendering.refusals import refusal_text

    if args.kind == "all":
        return export_all(cli, args)
    load_exporters()
    if args.kind not in EXPORTERS:
        return cli.fail("export_unavailable", kind=args.kind, kinds=", ".join(EXPORTERS) or "—")
    fmt = args.format or "csv"
    if fmt == "json":
        return cli.fail("json_is_for_all")
    if fmt == "xlsx" and not args.output:
        return cli.fail("xlsx_needs_output")
    database = cli.database(migrate=True)
    try:
        # CSV keeps the SPEC's column keys (scripts read them) unless --lang asks otherwise;
        # a spreadsheet is read by people: the team's language by default.
        lang = args.lang or (team_language(database) if fmt == "xlsx" else None)
        header = export_header(Texts(negotiate_locale(lang, None))) if lang else None
        rows = write_export(database, args.kind, since=args.since, until=args.until, fmt=fmt, output=args.output, header=header)
    except ExportError as error:
        if error.refusal is not None:
            print(refusal_text(cli.texts, error.refusal), file=sys.stderr)
            return 2
        return cli.fail("export_" + error.code, value=error.value)
    finally:
        database.dispose()
    if args.output:
        cli.say("exported", count=rows, path=args.output)
    return 0


def export_header(texts: Texts) -> Callable[[str, str], str]:
    return lambda kind, column: texts.macro("cli/export", "column", kind, column)


def export_all(cli: Cli, args: argparse.Namespace) -> int:
    """`export all --format json`: the whole database, to restore with `import all`."""
    from storage import backup

    if (args.format or "json") != "json":
        return cli.fail("all_is_json")
    if args.since or args.until:
        return cli.fail("all_has_no_since")
    database = cli.database(migrate=True)
    try:
        with database.session_scope() as session:
            document = backup.dump(session, database.current_revision())
    finally:
        database.dispose()
    if args.output:
        Path(args.output).write_text(backup.to_json(document), "utf-8")
        cli.say("backed_up", path=args.output, rows=sum(len(rows) for rows in document["tables"].values()))
    else:
        sys.stdout.write(backup.to_json(document))
    return 0


def cmd_import(cli: Cli, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.exists():
        return cli.fail("file_missing", path=str(path))
    if args.kind == "all":
        return import_all(cli, path)
    from services.kpi_import import KpiImportInvalid, decode_csv, import_kpi_csv
    from storage import audit

    database = cli.database(migrate=True)
    try:
        with database.session_scope() as session:
            audit.act_as(session, None, "import")
            added = import_kpi_csv(session, decode_csv(path.read_bytes()), datetime.now(UTC))
    except KpiImportInvalid as invalid:
        print(cli.texts.macro("kpi/import", "refused", path=str(path), count=len(invalid.problems)), file=sys.stderr)
        for problem in invalid.problems:
            print(cli.texts.macro("kpi/import", "problem", str(path), problem), file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(cli.texts.macro("kpi/import", "imported", count=added, path=str(path)))
    return 0


def cmd_calendar(cli: Cli, args: argparse.Namespace) -> int:
    """`calendar show 2027-02`: each day of the month, working or not, and where that came from."""
    import calendar as months

    from domain.workdays import WorkCalendar, known_country
    from services import calendars, team_config

    try:
        year, month = (int(part) for part in args.month.split("-"))
        first = datetime(year, month, 1).date()
    except ValueError:
        return cli.fail("bad_month", value=args.month)
    last = first.replace(day=months.monthrange(year, month)[1])
    database = cli.database(migrate=True)
    try:
        with database.session_scope() as session:
            team = None if args.country else team_config.team_named(session, args.team)
            if args.team and team is None:
                return cli.fail("no_team")
            if team is not None:
                work = calendars.team_calendar(session, team)
                name: str | None = team.name
            else:
                country = (args.country or "CN").upper() if (args.country or "CN").lower() != "none" else "none"
                if not known_country(country):
                    return cli.fail("bad_country", value=args.country)
                work, name = WorkCalendar(country), None
            days = list(work.days(first, last, cli.texts.locale))
            unknown = work.years_without_makeup_days(first, last)
            print(cli.texts.render("cli/calendar", first=first, days=days, country=work.kind, team=name, unknown=unknown))
    finally:
        database.dispose()
    return 0


def import_all(cli: Cli, path: Path) -> int:
    """`import all FILE`: restore an `export all` into an empty database, all or nothing."""
    import json

    from storage import backup

    try:
        document = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return cli.fail("restore_not_a_backup", path=str(path))
    database = cli.database(migrate=True)
    try:
        with database.session_scope() as session:
            written = backup.restore(session, document, database.current_revision())
    except backup.RestoreRefused as refused:
        return cli.fail("restore_" + refused.code, path=str(path), **refused.details)
    finally:
        database.dispose()
    cli.say("restored", path=str(path), rows=sum(written.values()), tables=sum(1 for n in written.values() if n))
    return 0


def cmd_console(cli: Cli, args: argparse.Namespace) -> int:
    from console.simulator import run_console

    return run_console(cli.settings, as_user=args.as_user, demo=not args.empty)


def cmd_demo(cli: Cli, args: argparse.Namespace) -> int:
    from console.demo import run_demo

    return run_demo(cli.settings, at=args.at)


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
    load = config_sub.add_parser("load", help="load a team file: merges (what it does not mention is kept); refused whole when invalid")
    load.add_argument("file")
    load.add_argument("--dry-run", action="store_true", help="print what would change, per member, customer, topic and target; write nothing")
    load.add_argument("--replace", action="store_true", help="the file is the whole truth: what it leaves out is removed (asks for --yes)")
    load.add_argument("--yes", action="store_true", help="with --replace: apply it")
    load.add_argument("--verbose", action="store_true", help="print each change as it is written")
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
    export.add_argument("kind", choices=["visits", "followups", "questions", "kpi", "audit", "all"],
                        help="all: the whole database as JSON, to restore with `import all`")
    export.add_argument("--since", help="first day kept: 2026-10-01, 上周一, yesterday…")
    export.add_argument("--until", help="last day kept (included)")
    export.add_argument("--format", choices=["csv", "xlsx", "json"], default=None, help="csv (default), xlsx, or json (for all)")
    export.add_argument("--output", help="file to write (required for xlsx; CSV defaults to standard output)")
    export.add_argument("--lang", choices=["en", "zh"], help="column headers in this language (default: xlsx in the team's language, CSV with the field keys a CRM import expects)")
    export.set_defaults(func=cmd_export)

    imp = sub.add_parser("import", help="bulk data in from the CRM (validated as a whole; nothing written on error)")
    imp.add_argument("kind", choices=["kpi", "all"], help="all: restore an `export all` into an empty database")
    imp.add_argument("file", help="kpi: CSV with date, member, metric, value, customer, note (UTF-8 or GB18030); all: the JSON backup")
    imp.set_defaults(func=cmd_import)

    cal = sub.add_parser("calendar", help="the team's working days: where each answer comes from")
    cal_sub = cal.add_subparsers(dest="action", required=True)
    show = cal_sub.add_parser("show", help="each day of a month, working or not, with its source")
    show.add_argument("month", help="YYYY-MM, e.g. 2027-02")
    show.add_argument("--team", help="team name (default: the first team)")
    show.add_argument("--country", help="a country's calendar without any team's own days (CN, HK, SG, none…)")
    cal.set_defaults(func=cmd_calendar)

    sub.add_parser("migrate", help="apply database migrations (safe to run from several processes at once)").set_defaults(func=cmd_migrate)
    return p


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    args = parser().parse_args(argv)
    settings = settings or Settings.from_env()
    configure_logging(settings, quiet=args.command in QUIET_COMMANDS and not settings.log_level_given)
    try:
        return int(args.func(Cli(settings), args))
    except BrokenPipeError:
        # The reader went away (`export visits | head`): not worth a stack trace.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
