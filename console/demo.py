"""`python bot.py demo`: the demo team, a short tour of commands, and every scheduled job
run once, printing what the bot would post. A fresh SQLite file in a temporary folder
and a local stand-in for Slack: no tokens, no network, the same output every run.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from app import create_app
from console.demo_seed import load_demo_team, seed_history
from core import clock
from core.settings import Settings
from jobs import registry, runner
from rendering.i18n import Texts, negotiate_locale
from slackio.driver import SlackDriver
from slackio.fake_api import FakeSlack
from slackio.terminal import Screen
from slackio.web import BackgroundServer
from storage.db import open_database

# (who, command, text): what a morning with ambot looks like.
TOUR = [
    ("U0MGR", "/amteam", "show"),
    ("U0MGR", "/amteam", "customer assign 苏州轨道交通 <@U0REP2|li.na>"),
    ("U0REP1", "/visit", "华东制造集团；需求：总部到苏州分厂专线扩容到 200M；顾虑：价格；跟进：发送正式报价 截止 明天；下次：下周五"),
    ("U0REP1", "/visit", "followups"),
    ("U0REP1", "/visit", "list"),
    ("U0REP2", "/ask", "上海到苏州拉一条 MPLS 专线，核资源最快几天？"),
    ("U0REP3", "/ask", "search 发票 重开"),
    ("U0REP1", "/kpi", ""),
    ("U0MGR", "/kpi", "team"),
    ("U0REP1", "/handover", "下周一 至 下周三 年假"),
    ("U0REP1", "/handover", "status"),
    ("U0MGR", "/digest", "weekly"),
]


def run_demo(settings: Settings, at: str | None = None) -> int:
    anchor = datetime.fromisoformat(at) if at else clock.now()
    if anchor.tzinfo is None:
        anchor = anchor.replace(tzinfo=UTC)
    out = DemoPrinter(color=sys.stdout.isatty())
    with tempfile.TemporaryDirectory(prefix="ambot-demo-") as folder, FakeSlack(token="xoxb-demo") as fake:
        secret = secrets.token_hex(16)
        demo_settings = settings.with_(
            database_url=f"sqlite:///{folder}/demo.db",
            bot_token="xoxb-demo",
            signing_secret=secret,
            slack_api_url=fake.api_url,
            process_before_response=True,
        )
        ambot = create_app(demo_settings, open_database(demo_settings.database_url, migrate=True))
        with ambot.runtime.db.session_scope() as session:
            team = load_demo_team(session, anchor)
            tz = ZoneInfo(team.timezone)
            seed_history(session, team, anchor.astimezone(tz).date())
            names = {m.slack_id: m.name for m in team.members}
            fake.users.update(demo_profiles(team))
            schedule = registry.TeamSchedule(team.id, team.timezone, team.meeting_day, team.meeting_time, dict(team.schedule or {}))
        screen = Screen(names=lambda uid: names.get(uid, uid), color=out.color)
        texts = Texts(negotiate_locale(settings.cli_language, "zh"))
        out.title(texts.macro("console/messages", "demo_intro", members=len(names), at=anchor.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")))

        clock.freeze(anchor)
        try:
            with BackgroundServer(ambot.wsgi()) as server:
                driver = SlackDriver(server.url, secret, fake)
                for user, command, text in TOUR:
                    out.section(texts.macro("console/messages", "demo_command", user=names.get(user, user), command=f"{command} {text}".strip()))
                    seen = len(fake.calls)
                    result = driver.command(user, command, text)
                    shown = screen.ack_reply(result.json)
                    if shown:
                        print(shown)
                    out.calls(screen, fake.calls[seen:])
                for name, spec in registry.all_jobs().items():
                    if spec.run is None:
                        continue
                    fire = job_fire_time(spec, schedule, anchor)
                    out.section(texts.macro("console/messages", "demo_job", name=name, at=_when(texts, fire.astimezone(tz))))
                    seen = len(fake.calls)
                    clock.freeze(fire)
                    report = runner.run_now(ambot.runtime.db, ambot.runtime.sender, name, fire)
                    printed = out.calls(screen, fake.calls[seen:])
                    if not printed:
                        out.line(texts.macro("console/messages", "demo_job_quiet", queued=report.queued))
        finally:
            clock.freeze(None)
            ambot.close()
        out.section(texts.macro("console/messages", "demo_next"))
    return 0


# Slack handles of the demo people (what `@` completes in Slack), and people of the
# workspace who are not on the team yet — to add with `/amteam add @xu.li rep`.
DEMO_HANDLES = {
    "U0MGR": "wang.jianguo", "U0REP1": "zhang.wei", "U0REP2": "li.na", "U0REP3": "liu.yang",
    "U0REP4": "chen.jing", "U0REP5": "yang.fan", "U0REP6": "zhao.min", "U0REP7": "huang.lei",
    "U0REP8": "zhou.ting", "U0SUP1": "sun", "U0SUP2": "wu", "U0SUP3": "zheng", "U0SUP4": "feng",
    "U0SUP5": "he",
}  # fmt: skip
WORKSPACE_GUESTS = {
    "U0NEW1": ("chen", "陈工"),  # a support engineer, not on the team yet
    "U0NEW2": ("xu.li", "徐丽"),  # a new account manager
    "U0NEW3": ("amy.lee", "Amy Lee"),  # an English-speaking colleague (en-US)
}
DEMO_CHANNEL_NAME = "team"  # the team channel, as `#team` in Slack


def demo_profiles(team) -> dict[str, dict[str, str]]:
    """What Slack's users.info would say about the demo people, and the workspace's
    other people (not on the team)."""
    locale = "zh-CN" if team.language == "zh" else "en-US"
    profiles = {
        m.slack_id: {"name": DEMO_HANDLES.get(m.slack_id, m.slack_id.lower()), "real_name": m.name, "locale": locale, "tz": team.timezone}
        for m in team.members
    }
    for slack_id, (handle, real_name) in WORKSPACE_GUESTS.items():
        profiles.setdefault(slack_id, {"name": handle, "real_name": real_name, "locale": "en-US" if real_name.isascii() else "zh-CN", "tz": team.timezone})
    return profiles


def job_fire_time(spec: registry.JobSpec, team: registry.TeamSchedule, anchor: datetime) -> datetime:
    """When the job fires in the anchor's week (interval jobs: at the anchor itself)."""
    if spec.trigger is None:
        return anchor
    args = dict(spec.trigger(team))
    if args.pop("trigger", None) != "cron":
        return anchor
    tz = ZoneInfo(team.timezone)
    local = anchor.astimezone(tz)
    week_start = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    fire = CronTrigger(**args).get_next_fire_time(None, week_start)
    return (fire or anchor).astimezone(UTC)


class DemoPrinter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def title(self, text: str) -> None:
        print(f"\033[1m{text}\033[0m" if self.color else text)

    def section(self, text: str) -> None:
        rule = "━" * 4
        print(f"\n{rule} {text} {rule}")

    def line(self, text: str) -> None:
        print("  " + text)

    def calls(self, screen: Screen, calls) -> int:
        shown = 0
        for call in calls:
            rendered = screen.call(call, home_in_full=False)  # a Home refreshed by the tour: one line
            if rendered:
                print(rendered)
                shown += 1
        return shown


def _when(texts: Texts, moment: datetime) -> str:
    """`周一 2026-11-30 09:00` / `Mon 2026-11-30 09:00`: the weekday in the reader's language."""
    weekday = texts.env.from_string('{{ day|date("E") }}').render(day=moment.date())
    return f"{weekday} {moment:%Y-%m-%d %H:%M}"
