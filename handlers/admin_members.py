"""`/amteam add|remove|role|pair`: people joining, leaving, changing role, backing up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import args as argparse_slack
from domain.refusal import Refusal
from domain.team_rules import LEVEL_ALIASES
from listening.request import Request
from rendering import admin_blocks
from rendering import handover as handover_views
from services import customer_transfer, team_members
from services.handover import Leaving
from slackio.profiles import fetch_profile

if TYPE_CHECKING:
    from storage.models import Member, Team

MEMBER_KEYS = {"name": -1}
TO_WORDS = {"to", "给", "交给", "→", "->"}
FORCE_WORDS = {"force", "强制"}
ONEWAY_WORDS = {"oneway", "one-way", "单向"}


def display_name(req: Request, slack_id: str, label: str | None) -> str:
    return label or fetch_profile(req.client, slack_id).real_name or slack_id


def _person(word: str) -> str:
    slack_id = argparse_slack.user_id(word)
    if slack_id is None:
        raise Refusal("amteam.bad_user", usage=True, value=word)
    return slack_id


def _member_and_roles(words: list[str]) -> tuple[str, list[str], str | None]:
    """`@x rep,support 2` → the person, the roles, the level."""
    if not words:
        raise Refusal("amteam.missing_people", usage=True)
    slack_id = _person(words[0])
    rest = words[1:]
    level = rest[-1] if rest and _looks_like_level(rest[-1]) else None
    role_words = [w for part in (rest[:-1] if level else rest) for w in argparse_slack.split_list(part)]
    return slack_id, team_members.parse_roles(role_words), level


def add(req: Request, team: Team, words: list[str]) -> str:
    leading, options = argparse_slack.take_options(words, MEMBER_KEYS)
    if not leading:
        raise Refusal("amteam.missing_people", usage=True)
    slack_id, roles, level = _member_and_roles(leading)
    name = " ".join(options.get("name", [])) or display_name(req, slack_id, argparse_slack.user_label(leading[0]))
    member = team_members.add_member(req.db, team, slack_id, name, roles, level)
    return req.texts.macro("amteam/messages", "done_add", member=member)


def role(req: Request, team: Team, words: list[str]) -> str:
    slack_id, roles, level = _member_and_roles(words)
    member = team_members.set_role(req.db, team, slack_id, roles, level)
    return req.texts.macro("amteam/messages", "done_role", member=member)


def _looks_like_level(word: str) -> bool:
    return word.isdigit() or word.lower() in LEVEL_ALIASES


def remove(req: Request, team: Team, words: list[str]) -> str:
    """`/amteam remove @x` or `/amteam remove @x to @y`."""
    if not words:
        raise Refusal("amteam.missing_people", usage=True)
    slack_id = _person(words[0])
    rest = words[1:]
    successor = None
    if rest:
        if rest[0].lower() in TO_WORDS and len(rest) == 2:
            successor = _person(rest[1])
        elif len(rest) == 1 and argparse_slack.user_id(rest[0]):
            successor = _person(rest[0])
        else:
            raise Refusal("amteam.remove_usage", usage=True)
    removal = team_members.remove_member(req.db, team, slack_id, by_slack_id=req.user_id, to_slack_id=successor, now=req.now)
    _handovers_left(req, removal.handovers)
    moved = removal.moved
    if removal.successor is None or moved is None or not (moved.customer_ids or moved.followups or removal.questions):
        return req.texts.macro("amteam/messages", "done_remove", member=removal.member)
    to = removal.successor.slack_id
    brief = customer_transfer.brief(req.db, team, moved, req.now)
    req.post(to, admin_blocks.received_message(req.texts_for(to), brief, reason="left", questions=removal.questions))
    return req.texts.macro("amteam/messages", "done_remove_to", member=removal.member, to=to, moved=moved, questions=removal.questions)


def _handovers_left(req: Request, leaving: Leaving) -> None:
    """Whoever a removal leaves waiting on a handover is told: the cover of the leaver's own
    leave that it is off, the person whose cover left and the managers (with the picker to
    assign another cover) that it needs a new one."""
    for outcome in leaving.cancelled:
        h = outcome.handover
        if h.cover:
            req.post(h.cover, handover_views.notice(req.texts_for(h.cover), "cover_cancelled", h))
    for outcome in leaving.uncovered:
        h = outcome.handover
        req.post(h.member, handover_views.notice(req.texts_for(h.member), "member_cover_left", h))
        for manager in outcome.managers:
            req.post(manager, handover_views.assign_cover_message(req.texts_for(manager), h, "manager_cover_left"))
    req.refresh_home(*(o.handover.member for o in leaving.uncovered), *(o.handover.cover for o in leaving.cancelled))


def pair(req: Request, team: Team, words: list[str]) -> str:
    people = [slack_id for w in words if (slack_id := argparse_slack.user_id(w))]
    if len(people) != 2:
        raise Refusal("amteam.pair_needs_two", usage=True)
    lowered = {w.lower() for w in words}
    change = team_members.pair(req.db, team, people[0], people[1], mutual=not (lowered & ONEWAY_WORDS), force=bool(lowered & FORCE_WORDS))
    for alone, former in change.left_alone:
        note = req.texts_for(alone.slack_id).macro("amteam/messages", "partner_left_you", partner=former.slack_id, new=_new_partner(change, former).slack_id)
        req.post(alone.slack_id, admin_blocks.text_message(note))
    return req.texts.macro("amteam/messages", "done_pair", a=change.a, b=change.b, mutual=change.mutual, alone=[m.slack_id for m, _ in change.left_alone])


def _new_partner(change: team_members.PairChange, former: object) -> Member:
    return change.b if former is change.a else change.a
