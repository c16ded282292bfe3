"""`/kpi`: my pace, logging results, undo, targets and the team table (SPEC §4.4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from domain import args as argparse_slack
from domain.kpi_input import parse_amount
from domain.metrics import METRICS, Metric, parse_period, period_containing, resolve_metric
from domain.pace import text_bar
from handlers import ids
from handlers.context import Actor, resolve_actor
from handlers.home import refresh_home
from handlers.replies import ephemeral, error_with_usage, guarded
from rendering.blocks import button, context, section, sections
from rendering.i18n import Texts
from services import kpi
from services.kpi import KpiError
from services.visit_access import access_for
from storage import db
from storage.models import Member

USAGE = "kpi/usage"
MESSAGES = "kpi/messages"
HELP_WORDS = {"help", "帮助", "?", "？"}
# Refusals explain themselves; errors in what was typed also show the usage.
REFUSALS = {"not_your_entry", "already_undone", "nothing_to_undo", "no_team", "customer_hidden"}


def register(app: App) -> None:
    app.command(ids.KPI)(handle_kpi)
    app.action(ids.KPI_UNDO_ENTRY)(handle_undo_button)


@guarded
def handle_kpi(ack, command: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    try:
        with db.session_scope() as session:  # the asker and the answer: one transaction
            actor = resolve_actor(client, command["user_id"], session=session)
            payload, changes_my_pace = _answer(session, actor, command)
    except KpiError as error:
        message = actor.texts.macro(MESSAGES, "error_" + error.code, **error.params)
        if error.code in REFUSALS:
            respond(**ephemeral(message))
        else:
            respond(**error_with_usage(actor.texts, message, USAGE))
        return
    respond(**payload)
    if changes_my_pace:
        refresh_home(client, actor.slack_id)


def _answer(session, actor: Actor, command: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The reply to a `/kpi` command, and whether it changed the asker's pace."""
    words = argparse_slack.tokenize(command.get("text", ""))
    sub = words[0].lower() if words else ""
    if sub in HELP_WORDS:
        return ephemeral(actor.texts.render(USAGE)), False
    if not actor.person.is_member:
        return ephemeral(actor.texts.macro("common", "refused_not_member", command=ids.KPI)), False
    handler = SUBCOMMANDS.get(sub) if words else _mine
    if handler is None and argparse_slack.user_id(words[0]):
        handler, sub = _someone, ""
    if handler is None:
        message = actor.texts.macro(MESSAGES, "unknown_subcommand", word=words[0])
        return error_with_usage(actor.texts, message, USAGE), False
    if handler in MANAGER_ONLY and not actor.person.is_manager:
        what = f"{ids.KPI} {sub}".strip() if sub else f"{ids.KPI} @user"
        return ephemeral(actor.texts.macro(MESSAGES, "refused_not_manager", what=what)), False
    arguments = words if handler is _someone else words[1:]
    member = session.get(Member, actor.person.member_id)  # read with the asker: no second query
    return handler(session, member, arguments, actor, command), handler in CHANGES_MY_PACE


@guarded
def handle_undo_button(ack, body: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    value = (body.get("actions") or [{}])[0].get("value", "")
    try:
        with db.session_scope() as session:
            member = session.get(Member, actor.person.member_id) if actor.person.member_id else None
            if member is None or not value.isdigit():
                raise KpiError("not_your_entry")
            entry = kpi.undo_entry(session, member, int(value))
            text = actor.texts.macro(MESSAGES, "undone", entry=entry, metric=METRICS[entry.metric])
    except KpiError as error:
        respond(**ephemeral(actor.texts.macro(MESSAGES, "error_" + error.code, **error.params)))
        return
    respond(replace_original=True, **ephemeral(text))
    refresh_home(client, actor.slack_id)


# --- subcommands ----------------------------------------------------------------------


def _mine(session, member: Member, words: list[str], actor: Actor, command: dict) -> dict[str, Any]:
    return _pace_reply(session, member, actor, who=None)


def _someone(session, member: Member, words: list[str], actor: Actor, command: dict) -> dict[str, Any]:
    other = _team_member(session, member, words[0])
    if len(words) > 1:
        raise KpiError("bad_user", value=" ".join(words))
    return _pace_reply(session, other, actor, who=other.slack_id)


def _pace_reply(session, member: Member, actor: Actor, who: str | None) -> dict[str, Any]:
    today = kpi.team_today(member.team, actor.now)
    text = pace_text(actor.texts, kpi.member_pace(session, member.id, today), today, who)
    return ephemeral(text, [*sections(text), context(actor.texts.macro(MESSAGES, "footer"))])


def pace_text(texts: Texts, periods: list[kpi.PeriodPace], today: date, who: str | None = None) -> str:
    """One member's pace as mrkdwn (`/kpi`, and App Home's "my KPI pace")."""
    has_targets = any(p.target is not None for pp in periods for p in pp.paces)
    return texts.render("kpi/mine", periods=periods, who=who, today=today, metrics=METRICS, bar=text_bar, has_targets=has_targets)


def team_pace_text(texts: Texts, pace: kpi.TeamPace) -> str:
    """The ranked team table as mrkdwn (`/kpi team`, and App Home's team snapshot)."""
    return texts.render("kpi/team", pace=pace, metrics=METRICS)


def _log(session, member: Member, words: list[str], actor: Actor, command: dict) -> dict[str, Any]:
    metric, rest = _take_metric(words)
    if metric is None:
        raise KpiError("bad_metric", value=words[0]) if words else KpiError("log_usage")
    if not rest:
        raise KpiError("log_usage")
    value = parse_amount(rest[0])
    if value is None:
        raise KpiError("bad_value", value=rest[0])
    kpi.check_value(metric, value)
    access = access_for(session, actor.slack_id, actor.now)
    if access is None:  # checked on the way in; left the team since
        raise KpiError("no_team")
    customer, note_words = kpi.split_customer(session, access, rest[1:])
    trigger = command.get("trigger_id")
    entry = kpi.log_entry(
        session, member, metric, value,
        occurred_on=kpi.team_today(member.team, actor.now), now=actor.now, customer=customer,
        note=" ".join(note_words) or None, source_key=f"kpi:slash:{trigger}" if trigger else None,
    )
    texts = actor.texts
    lines = [texts.macro(MESSAGES, "logged", entry=entry, metric=metric, customer=kpi.customer_name(session, entry.customer_id))]
    for period_pace in kpi.member_pace(session, member.id, entry.occurred_on):
        for pace in period_pace.paces:
            if pace.metric_key == metric.key and pace.target is not None:
                period = texts.macro(MESSAGES, "period_name", period_pace.period)
                lines.append(f"{period}: {texts.macro(MESSAGES, 'pace_line', metric, pace)}")
    text = "\n".join(lines)
    undo = button(texts.macro(MESSAGES, "undo_button"), ids.KPI_UNDO_ENTRY, value=str(entry.id))
    return ephemeral(text, [section(lines[0], accessory=undo), *[section(line) for line in lines[1:]]])


def _undo(session, member: Member, words: list[str], actor: Actor, command: dict) -> dict[str, Any]:
    entry = kpi.undo_last(session, member)
    text = actor.texts.macro(MESSAGES, "undone", entry=entry, metric=METRICS[entry.metric])
    return ephemeral(text, [section(text)])


def _target(session, member: Member, words: list[str], actor: Actor, command: dict) -> dict[str, Any]:
    if len(words) < 3:
        raise KpiError("target_usage")
    other = _team_member(session, member, words[0])
    metric, rest = _take_metric(words[1:])
    if metric is None:
        raise KpiError("bad_metric", value=words[1])
    if not rest or len(rest) > 2:
        raise KpiError("target_usage")
    value = parse_amount(rest[0])
    if value is None:
        raise KpiError("bad_value", value=rest[0])
    today = kpi.team_today(member.team, actor.now)
    period = parse_period(rest[1]) if len(rest) == 2 else period_containing(today, "quarter")
    if period is None:
        raise KpiError("bad_period", value=rest[1])
    target, previous = kpi.set_target(session, member.team, other, metric, value, period)
    text = actor.texts.macro(MESSAGES, "target_set", member=other, metric=metric, value=target.value, period=period, previous=previous)
    return ephemeral(text, [section(text)])


def _team(session, member: Member, words: list[str], actor: Actor, command: dict) -> dict[str, Any]:
    text = team_pace_text(actor.texts, kpi.team_pace(session, member.team_id, kpi.team_today(member.team, actor.now)))
    return ephemeral(text, [*sections(text), context(actor.texts.macro(MESSAGES, "footer"))])


def _team_member(session, member: Member, token: str) -> Member:
    slack_id = argparse_slack.user_id(token)
    if slack_id is None:
        raise KpiError("bad_user", value=token)
    other = kpi.member_in_team(session, member.team_id, slack_id)
    if other is None:
        raise KpiError("not_on_team", user=slack_id)
    return other


def _take_metric(words: list[str]) -> tuple[Metric | None, list[str]]:
    """A metric named in one word (`revenue`, `新增客户`) or two (`new customers`)."""
    if len(words) >= 2 and (metric := resolve_metric(f"{words[0]} {words[1]}")):
        return metric, words[2:]
    if words and (metric := resolve_metric(words[0])):
        return metric, words[1:]
    return None, words


SUBCOMMANDS = {
    "log": _log, "记录": _log, "登记": _log,
    "undo": _undo, "撤销": _undo,
    "target": _target, "目标": _target,
    "team": _team, "团队": _team,
}
MANAGER_ONLY = {_target, _team, _someone}
CHANGES_MY_PACE = {_log, _undo}  # the App Home shows my pace: refresh it after these
