"""`/kpi`: my pace, logging results, undo, targets and the team table (SPEC §4.4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from domain import args as argparse_slack
from domain.args import take_page
from domain.kpi_input import parse_amount
from domain.metrics import METRICS, Metric, parse_period, period_containing, resolve_metric
from domain.refusal import Refusal
from listening.layer import Listeners
from listening.request import Request
from rendering import charts
from rendering.blocks import button, context, ephemeral, section, sections
from rendering.kpi_text import pace_text, team_pace_message
from rendering.pages import read_more_value
from services import kpi, people
from services.visit_access import access_for
from slackio import ids

if TYPE_CHECKING:
    from storage.models import Member

USAGE = "kpi/usage"
MESSAGES = "kpi/messages"
HELP_WORDS = {"help", "帮助", "?", "？"}
CHART = "_chart"  # a subcommand's answer may carry a chart for the asker's DM under this key

Subcommand = Callable[[Request, "Member", list[str]], dict[str, Any]]


def register(on: Listeners) -> None:
    on.command(ids.KPI, handle_kpi, usage=USAGE)
    on.action(ids.KPI_UNDO_ENTRY, handle_undo_button)
    on.action(ids.KPI_RESTORE_ENTRY, handle_restore_button)
    on.action(ids.KPI_TEAM_MORE, handle_team_more)


def handle_kpi(req: Request) -> None:
    words = argparse_slack.tokenize(req.text)
    sub = words[0].lower() if words else ""
    if sub in HELP_WORDS:
        req.say(req.texts.render(USAGE))
        return
    if not req.person.is_member:
        raise Refusal("common.not_member", command=ids.KPI)
    handler = SUBCOMMANDS.get(sub) if words else _mine
    if handler is None and argparse_slack.user_id(words[0]):
        handler, sub = _someone, ""
    if handler is None:
        raise Refusal("kpi.unknown_subcommand", usage=True, word=words[0])
    if handler in MANAGER_ONLY and not req.person.is_manager:
        raise Refusal("kpi.not_manager", what=f"{ids.KPI} {sub}".strip() if sub else f"{ids.KPI} @user")
    member = people.member_of(req.db, req.person)
    assert member is not None
    answer = handler(req, member, words if handler is _someone else words[1:])
    chart = answer.pop(CHART, None)
    req.reply(answer)
    if chart is not None:  # after the answer: the chart goes to the asker's DM
        req.share_file(req.user_id, chart)
    if handler in CHANGES_MY_PACE:
        req.refresh_home(req.user_id)


def handle_undo_button(req: Request) -> None:
    member = people.member_of(req.db, req.person)
    if member is None or not req.value.isdigit():
        raise Refusal("kpi.not_your_entry")
    entry = kpi.undo_entry(req.db, member, int(req.value), req.now)
    req.reply(_undone_reply(req, entry), replace_original=True)
    req.refresh_home(req.user_id)


def handle_restore_button(req: Request) -> None:
    member = people.member_of(req.db, req.person)
    if member is None or not req.value.isdigit():
        raise Refusal("kpi.not_your_entry")
    entry = kpi.restore_entry(req.db, member, int(req.value))
    text = req.texts.macro(MESSAGES, "restored", entry=entry, metric=METRICS[entry.metric])
    req.reply(ephemeral(text, [section(text)]), replace_original=True)
    req.refresh_home(req.user_id)


def _undone_reply(req: Request, entry: Any) -> dict[str, Any]:
    """What was taken back, with a button that puts it back."""
    text = req.texts.macro(MESSAGES, "undone", entry=entry, metric=METRICS[entry.metric])
    restore = button(req.texts.macro(MESSAGES, "restore_button"), ids.KPI_RESTORE_ENTRY, value=str(entry.id))
    return ephemeral(text, [section(text, accessory=restore)])


# --- subcommands ----------------------------------------------------------------------


def _mine(req: Request, member: Member, words: list[str]) -> dict[str, Any]:
    return _pace_reply(req, member, who=None)


def _someone(req: Request, member: Member, words: list[str]) -> dict[str, Any]:
    other = _team_member(req, member, words[0])
    if len(words) > 1:
        raise Refusal("kpi.bad_user", usage=True, value=" ".join(words))
    return _pace_reply(req, other, who=other.slack_id)


def _pace_reply(req: Request, member: Member, who: str | None) -> dict[str, Any]:
    today = kpi.team_today(member.team, req.now)
    text = pace_text(req.texts, kpi.member_pace(req.db, member.id, today), today, who)
    return ephemeral(text, [*sections(text), context(req.texts.macro(MESSAGES, "footer"))])


def _log(req: Request, member: Member, words: list[str]) -> dict[str, Any]:
    metric, rest = _take_metric(words)
    if metric is None:
        raise Refusal("kpi.bad_metric", usage=True, value=words[0]) if words else Refusal("kpi.log_usage", usage=True)
    if not rest:
        raise Refusal("kpi.log_usage", usage=True)
    value = parse_amount(rest[0])
    if value is None:
        raise Refusal("kpi.bad_value", usage=True, value=rest[0])
    kpi.check_value(metric, value)
    access = access_for(req.db, req.user_id, req.now)
    if access is None:  # checked on the way in; left the team since
        raise Refusal("kpi.no_team")
    customer, note_words = kpi.split_customer(req.db, access, rest[1:])
    entry = kpi.log_entry(
        req.db, member, metric, value,
        occurred_on=kpi.team_today(member.team, req.now), now=req.now, customer=customer,
        note=" ".join(note_words) or None, source_key=f"kpi:slash:{req.trigger_id}" if req.trigger_id else None,
    )
    texts = req.texts
    lines = [texts.macro(MESSAGES, "logged", entry=entry, metric=metric, customer=kpi.customer_name(req.db, entry.customer_id))]
    for period_pace in kpi.member_pace(req.db, member.id, entry.occurred_on):
        for pace in period_pace.paces:
            if pace.metric_key == metric.key and pace.target is not None:
                period = texts.macro(MESSAGES, "period_name", period_pace.period)
                lines.append(f"{period}: {texts.macro(MESSAGES, 'pace_line', metric, pace)}")
    undo = button(texts.macro(MESSAGES, "undo_button"), ids.KPI_UNDO_ENTRY, value=str(entry.id))
    return ephemeral("\n".join(lines), [section(lines[0], accessory=undo), *[section(line) for line in lines[1:]]])


def _undo(req: Request, member: Member, words: list[str]) -> dict[str, Any]:
    return _undone_reply(req, kpi.undo_last(req.db, member, req.now))


def _target(req: Request, member: Member, words: list[str]) -> dict[str, Any]:
    if len(words) < 3:
        raise Refusal("kpi.target_usage", usage=True)
    other = _team_member(req, member, words[0])
    metric, rest = _take_metric(words[1:])
    if metric is None:
        raise Refusal("kpi.bad_metric", usage=True, value=words[1])
    if not rest or len(rest) > 2:
        raise Refusal("kpi.target_usage", usage=True)
    value = parse_amount(rest[0])
    if value is None:
        raise Refusal("kpi.bad_value", usage=True, value=rest[0])
    today = kpi.team_today(member.team, req.now)
    period = parse_period(rest[1]) if len(rest) == 2 else period_containing(today, "quarter")
    if period is None:
        raise Refusal("kpi.bad_period", usage=True, value=rest[1])
    target, previous = kpi.set_target(req.db, member.team, other, metric, value, period)
    text = req.texts.macro(MESSAGES, "target_set", member=other, metric=metric, value=target.value, period=period, previous=previous)
    return ephemeral(text, [section(text)])


def _team(req: Request, member: Member, words: list[str], page: int = 1) -> dict[str, Any]:
    rest, page = take_page(" ".join(words)) if words else ("", page)
    if rest:
        raise Refusal("kpi.unknown_subcommand", usage=True, word=f"team {rest}")
    pace = kpi.team_pace(req.db, member.team_id, kpi.team_today(member.team, req.now))
    answer = dict(team_pace_message(req.texts, pace, page=page), response_type="ephemeral")
    chart = charts.pace_chart(req.texts, pace) if page == 1 else None
    if chart is not None:  # the command's first page comes with the chart (handle_kpi sends it)
        answer[CHART] = chart.upload(req.texts.macro(charts.LABELS, "kpi_team_comment", pace.today))
    return answer


def handle_team_more(req: Request) -> None:
    page, _ = read_more_value(req.value)
    if not req.person.is_member:
        raise Refusal("common.not_member", command=ids.KPI)
    if not req.person.is_manager:
        raise Refusal("kpi.not_manager", what=f"{ids.KPI} team")
    member = people.member_of(req.db, req.person)
    assert member is not None
    answer = _team(req, member, [], page)
    answer.pop(CHART, None)  # the chart came with the first page
    req.reply(answer, replace_original=False)


def _team_member(req: Request, member: Member, token: str) -> Member:
    slack_id = argparse_slack.user_id(token)
    if slack_id is None:
        raise Refusal("kpi.bad_user", usage=True, value=token)
    other = kpi.member_in_team(req.db, member.team_id, slack_id)
    if other is None:
        raise Refusal("kpi.not_on_team", usage=True, user=slack_id)
    return other


def _take_metric(words: list[str]) -> tuple[Metric | None, list[str]]:
    """A metric named in one word (`revenue`, `新增客户`) or two (`new customers`)."""
    if len(words) >= 2 and (metric := resolve_metric(f"{words[0]} {words[1]}")):
        return metric, words[2:]
    if words and (metric := resolve_metric(words[0])):
        return metric, words[1:]
    return None, words


SUBCOMMANDS: dict[str, Subcommand] = {
    "log": _log, "记录": _log, "登记": _log,
    "undo": _undo, "撤销": _undo,
    "target": _target, "目标": _target,
    "team": _team, "团队": _team,
}
MANAGER_ONLY = {_target, _team, _someone}
CHANGES_MY_PACE = {_log, _undo}  # the App Home shows my pace: refresh it after these
