"""`/amteam`: team administration for managers (SPEC §4.8)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from domain import args as argparse_slack
from domain.dates import NEXT, read_range
from domain.refusal import Refusal
from handlers import admin_customers, admin_members
from listening.layer import Listeners
from listening.request import Request
from rendering import admin_blocks
from rendering.blocks import section
from rendering.pages import read_more_value
from services import calendars, team_admin
from slackio import ids

if TYPE_CHECKING:
    from storage.models import Team

USAGE = "amteam/usage"
SETUP_KEYS = {"name": -1, "channel": 1, "timezone": 1, "tz": 1, "language": 1, "lang": 1, "calendar": 1, "meeting": 2}
SETUP_ALIASES = {"tz": "timezone", "lang": "language"}
TOPIC_KEYS = {"name": -1, "keywords": -1, "lead": 1, "note": -1}
CALENDAR_SHOW = {"show", "list", "查看"}
CALENDAR_ADD = {"add", "set", "添加", "设置"}
CALENDAR_REMOVE = {"remove", "delete", "删除", "取消"}
CALENDAR_KINDS = {
    "holiday": "holiday", "holidays": "holiday", "off": "holiday", "假期": "holiday", "节假日": "holiday", "放假": "holiday", "休息": "holiday",
    "workday": "workday", "workdays": "workday", "工作日": "workday", "调休": "workday", "补班": "workday", "上班": "workday",
}  # fmt: skip


def register(on: Listeners) -> None:
    on.command(ids.AMTEAM, handle_amteam, usage=USAGE)
    on.action(ids.AMTEAM_SHOW_MORE, handle_show_more)
    on.action(ids.CUSTOMER_LIST_MORE, handle_customer_list_more)


def handle_amteam(req: Request) -> None:
    words = argparse_slack.tokenize(req.text)
    sub = words[0].lower() if words else "help"
    if sub in {"help", "帮助", "?"}:
        req.say(req.texts.render(USAGE))
        return
    handler = SUBCOMMANDS.get(sub)
    if handler is None:
        raise Refusal("amteam.unknown_subcommand", usage=True, word=sub)
    bootstrapping = sub == "setup" and team_admin.team_count(req.db) == 0
    team = team_admin.managed_team(req.db, req.user_id) if bootstrapping else _team(req)
    answer = handler(req, team, words[1:])
    if isinstance(answer, str):
        req.say(answer, [section(answer)])
    else:  # a list, paged
        req.reply(answer)


def _team(req: Request) -> Team:
    """The team the asker manages; refused for anyone else."""
    team = team_admin.managed_team(req.db, req.user_id)
    if team is None:
        raise Refusal("common.not_member" if not req.person.is_member else "common.not_manager", command=ids.AMTEAM)
    return team


def _setup(req: Request, team: Team, words: list[str]) -> str:
    leading, options = argparse_slack.take_options(words, SETUP_KEYS)
    if leading and "name" not in options:
        options["name"] = leading
    changes: dict[str, Any] = {}
    for key, values in options.items():
        field = SETUP_ALIASES.get(key, key)
        if field == "meeting":
            if len(values) != 2:
                raise Refusal("amteam.bad_meeting", usage=True, value=" ".join(values))
            changes["meeting"] = (values[0], values[1])
        elif field == "channel":
            channel = argparse_slack.channel_id(values[0]) if values else None
            if channel is None:
                raise Refusal("amteam.bad_channel", usage=True, value=" ".join(values))
            changes["channel"] = channel
        elif field == "name":
            changes["name"] = " ".join(values)
        else:
            if not values:
                raise Refusal("amteam.bad_value", usage=True, field=field, value="")
            changes[field] = values[0]
    founder = (req.user_id, admin_members.display_name(req, req.user_id, None)) if team is None else None
    team = team_admin.setup_team(req.db, team, changes, founder=founder, now=req.now)
    return req.texts.macro("amteam/messages", "done_setup", team=team)


def _first(options: dict[str, list[str]], key: str) -> str | None:
    """An option's first value; None when it is absent or given without a value."""
    values = options.get(key)
    return values[0] if values else None


def _topic(req: Request, team: Team, words: list[str]) -> str:
    action = words[0].lower() if words else ""
    rest = words[1:]
    if action == "add" and rest:
        _, options = argparse_slack.take_options(rest[1:], TOPIC_KEYS)
        keywords = [k for v in options.get("keywords", []) for k in argparse_slack.split_list(v)]
        topic = team_admin.add_topic(
            req.db,
            team,
            rest[0],
            name=" ".join(options.get("name", [])) or None,
            keywords=keywords,
            lead_days=_first(options, "lead"),
            lead_note=" ".join(options.get("note", [])) or None,
        )
        return req.texts.macro("amteam/messages", "done_topic", topic=topic)
    if action == "responders" and len(rest) >= 3:
        responders: list[str] = []
        for word in rest[2:]:
            slack_id = argparse_slack.user_id(word)
            if slack_id is None:
                raise Refusal("amteam.bad_user", usage=True, value=word)
            responders.append(slack_id)
        topic = team_admin.set_responders(req.db, team, rest[0], rest[1], responders)
        return req.texts.macro("amteam/messages", "done_topic", topic=topic)
    if action == "sla" and len(rest) == 3:
        topic = team_admin.set_sla(req.db, team, rest[0], rest[1], rest[2])
        return req.texts.macro("amteam/messages", "done_topic", topic=topic)
    raise Refusal("amteam.topic_usage", usage=True)


def _show(req: Request, team: Team, words: list[str]) -> dict[str, Any]:
    rest, page = argparse_slack.take_page(" ".join(words))
    if rest:
        raise Refusal("amteam.unknown_subcommand", usage=True, word=f"show {rest}")
    return _show_page(req, team, page)


def handle_show_more(req: Request) -> None:
    page, _ = read_more_value(req.value)
    req.reply(_show_page(req, _team(req), page), replace_original=False)


def handle_customer_list_more(req: Request) -> None:
    admin_customers.handle_customer_list_more(req, _team(req))


def _show_page(req: Request, team: Team, page: int) -> dict[str, Any]:
    return admin_blocks.show_message(
        req.texts,
        team_admin.snapshot(req.db, team),
        page=page,
        years_to_confirm=calendars.years_to_confirm(req.db, team, req.today),
        own_days=calendars.upcoming_own_days(req.db, team, req.today),
    )


def _calendar(req: Request, team: Team, words: list[str]) -> str:
    """`calendar add holiday|workday <day or range> [name]`, `calendar remove <day or range>`,
    `calendar` alone: the team's own days ahead and any year still to confirm."""
    action = words[0].lower() if words else "show"
    if action in CALENDAR_SHOW:
        return _show_calendar(req, team)
    if action in CALENDAR_ADD and len(words) >= 3:
        kind = CALENDAR_KINDS.get(words[1].lower())
        if kind is None:
            raise Refusal("amteam.calendar_usage", usage=True)
        (start, end), rest = _take_days(req, words[2:])
        name = " ".join(rest).strip()[:200] or None
        change = calendars.set_days(req.db, team, kind, start, end, name, by_member_id=req.person.member_id, now=req.now)
        return req.texts.macro("amteam/messages", "done_calendar", change=change) + "\n" + _show_calendar(req, team)
    if action in CALENDAR_REMOVE and len(words) >= 2:
        (start, end), _ = _take_days(req, words[1:])
        change = calendars.remove_days(req.db, team, start, end, req.now)
        return req.texts.macro("amteam/messages", "done_calendar", change=change) + "\n" + _show_calendar(req, team)
    raise Refusal("amteam.calendar_usage", usage=True)


def _take_days(req: Request, words: list[str]) -> tuple[tuple[date, date], list[str]]:
    """The day or range at the start of `words` (`2027-02-06..2027-02-12`, `2月6日-2月12日`,
    `2月6日 至 2月12日`), and the words after it."""
    for count in range(min(3, len(words)), 0, -1):
        found = read_range(" ".join(words[:count]), req.today, NEXT)
        if found is not None:
            return (found.start, found.end), words[count:]
    raise Refusal("amteam.calendar_bad_days", usage=True, value=words[0] if words else "")


def _show_calendar(req: Request, team: Team) -> str:
    return req.texts.macro(
        "amteam/messages",
        "calendar_summary",
        country=team.calendar,
        days=calendars.upcoming_own_days(req.db, team, req.today),
        years=calendars.years_to_confirm(req.db, team, req.today),
    )


SUBCOMMANDS: dict[str, Callable[[Request, Any, list[str]], str | dict[str, Any]]] = {
    "setup": _setup,
    "add": admin_members.add,
    "remove": admin_members.remove,
    "移除": admin_members.remove,
    "role": admin_members.role,
    "角色": admin_members.role,
    "pair": admin_members.pair,
    "customer": admin_customers.customer,
    "客户": admin_customers.customer,
    "reassign": admin_customers.reassign,
    "转交": admin_customers.reassign,
    "topic": _topic,
    "show": _show,
    "calendar": _calendar,
    "日历": _calendar,
}
