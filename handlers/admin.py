"""`/amteam`: team administration for managers (SPEC §4.8)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain import args as argparse_slack
from handlers import ids
from handlers.context import Actor, resolve_actor
from handlers.replies import ephemeral, error_with_usage, guarded
from rendering.blocks import section
from services import team_admin
from services.team_admin import AdminError
from storage import db

USAGE = "amteam/usage"
SETUP_KEYS = {"name": -1, "channel": 1, "timezone": 1, "tz": 1, "language": 1, "lang": 1, "calendar": 1, "meeting": 2}
SETUP_ALIASES = {"tz": "timezone", "lang": "language"}
CUSTOMER_KEYS = {"owner": 1, "tier": 1, "industry": 1, "cadence": 1, "aliases": -1, "alias": -1}
TOPIC_KEYS = {"name": -1, "keywords": -1, "lead": 1, "note": -1}
MEMBER_KEYS = {"name": -1}


def register(app: App) -> None:
    app.command(ids.AMTEAM)(handle_amteam)


@guarded
def handle_amteam(ack, command: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, command["user_id"])
    words = argparse_slack.tokenize(command.get("text", ""))
    sub = words[0].lower() if words else "help"
    if sub in {"help", "帮助", "?"}:
        respond(**ephemeral(actor.texts.render(USAGE)))
        return
    handler = SUBCOMMANDS.get(sub)
    if handler is None:
        message = actor.texts.macro("amteam/messages", "unknown_subcommand", word=sub)
        respond(**error_with_usage(actor.texts, message, USAGE))
        return
    try:
        with db.session_scope() as session:
            bootstrapping = sub == "setup" and team_admin.team_count(session) == 0
            team = team_admin.managed_team(session, actor.slack_id)
            if team is None and not bootstrapping:
                reason = "not_member" if not actor.person.is_member else "not_manager"
                respond(**ephemeral(actor.texts.macro("common", "refused_" + reason, command=ids.AMTEAM)))
                return
            text = handler(session, team, words[1:], actor, client)
    except AdminError as error:
        message = actor.texts.macro("amteam/messages", "error_" + error.code, **error.params)
        respond(**error_with_usage(actor.texts, message, USAGE))
        return
    respond(**ephemeral(text, [section(text)]))


def _setup(session, team, words, actor: Actor, client: WebClient) -> str:
    leading, options = argparse_slack.take_options(words, SETUP_KEYS)
    if leading and "name" not in options:
        options["name"] = leading
    changes: dict[str, Any] = {}
    for key, values in options.items():
        field = SETUP_ALIASES.get(key, key)
        if field == "meeting":
            if len(values) != 2:
                raise AdminError("bad_meeting", value=" ".join(values))
            changes["meeting"] = (values[0], values[1])
        elif field == "channel":
            channel = argparse_slack.channel_id(values[0]) if values else None
            if channel is None:
                raise AdminError("bad_channel", value=" ".join(values))
            changes["channel"] = channel
        elif field == "name":
            changes["name"] = " ".join(values)
        else:
            if not values:
                raise AdminError("bad_value", field=field, value="")
            changes[field] = values[0]
    founder = (actor.slack_id, _display_name(client, actor.slack_id, None)) if team is None else None
    team = team_admin.setup_team(session, team, changes, founder=founder, now=actor.now)
    return actor.texts.macro("amteam/messages", "done_setup", team=team)


def _add(session, team, words, actor: Actor, client: WebClient) -> str:
    leading, options = argparse_slack.take_options(words, MEMBER_KEYS)
    if not leading:
        raise AdminError("missing_people")
    slack_id = argparse_slack.user_id(leading[0])
    if slack_id is None:
        raise AdminError("bad_user", value=leading[0])
    rest = leading[1:]
    level = rest[-1] if rest and _looks_like_level(rest[-1]) else None
    role_words = [w for part in (rest[:-1] if level else rest) for w in argparse_slack.split_list(part)]
    roles = team_admin.parse_roles(role_words)
    name = " ".join(options.get("name", [])) or _display_name(client, slack_id, argparse_slack.user_label(leading[0]))
    member = team_admin.add_member(session, team, slack_id, name, roles, level)
    return actor.texts.macro("amteam/messages", "done_add", member=member)


def _looks_like_level(word: str) -> bool:
    from domain.team_rules import LEVEL_ALIASES

    return word.isdigit() or word.lower() in LEVEL_ALIASES


def _remove(session, team, words, actor: Actor, client: WebClient) -> str:
    slack_id = argparse_slack.user_id(words[0]) if words else None
    if slack_id is None:
        raise AdminError("missing_people")
    member = team_admin.remove_member(session, team, slack_id, by_slack_id=actor.slack_id)
    return actor.texts.macro("amteam/messages", "done_remove", member=member)


def _pair(session, team, words, actor: Actor, client: WebClient) -> str:
    people = [argparse_slack.user_id(w) for w in words if argparse_slack.user_id(w)]
    if len(people) != 2:
        raise AdminError("pair_needs_two")
    mutual = not any(w.lower() in {"oneway", "one-way", "单向"} for w in words)
    a, b = team_admin.pair(session, team, people[0], people[1], mutual=mutual)
    return actor.texts.macro("amteam/messages", "done_pair", a=a, b=b, mutual=mutual)


def _customer(session, team, words, actor: Actor, client: WebClient) -> str:
    action = words[0].lower() if words else ""
    rest = words[1:]
    if action == "add":
        leading, options = argparse_slack.take_options(rest, CUSTOMER_KEYS)
        owner = options.get("owner", [None])[0]
        owner_id = argparse_slack.user_id(owner) if owner else None
        if owner and owner_id is None:
            raise AdminError("bad_user", value=owner)
        aliases = [a for v in options.get("aliases", []) + options.get("alias", []) for a in argparse_slack.split_list(v)]
        customer = team_admin.add_customer(
            session,
            team,
            " ".join(leading),
            owner=owner_id,
            tier=(options.get("tier") or [None])[0],
            industry=" ".join(options.get("industry", [])) or None,
            cadence=(options.get("cadence") or [None])[0],
            aliases=aliases,
        )
        return actor.texts.macro("amteam/messages", "done_customer", customer=customer)
    if action in {"assign", "tier", "cadence"}:
        if len(rest) < 2:
            raise AdminError("customer_usage")
        name, value = " ".join(rest[:-1]), rest[-1]
        customer = team_admin.require_customer(session, team, name)
        if action == "assign":
            owner_id = argparse_slack.user_id(value)
            if owner_id is None:
                raise AdminError("bad_user", value=value)
            customer.owner_id = team_admin.require_member(session, team, owner_id).id
        elif action == "tier":
            customer.tier = team_admin.parse_tier(value)
        else:
            customer.cadence_days = team_admin.parse_cadence(value)
        session.flush()
        session.refresh(customer)
        return actor.texts.macro("amteam/messages", "done_customer", customer=customer)
    raise AdminError("customer_usage")


def _topic(session, team, words, actor: Actor, client: WebClient) -> str:
    action = words[0].lower() if words else ""
    rest = words[1:]
    if action == "add" and rest:
        _, options = argparse_slack.take_options(rest[1:], TOPIC_KEYS)
        keywords = [k for v in options.get("keywords", []) for k in argparse_slack.split_list(v)]
        topic = team_admin.add_topic(
            session,
            team,
            rest[0],
            name=" ".join(options.get("name", [])) or None,
            keywords=keywords,
            lead_days=(options.get("lead") or [None])[0],
            lead_note=" ".join(options.get("note", [])) or None,
        )
        return actor.texts.macro("amteam/messages", "done_topic", topic=topic)
    if action == "responders" and len(rest) >= 3:
        people = [argparse_slack.user_id(w) for w in rest[2:]]
        if None in people:
            raise AdminError("bad_user", value=rest[2 + people.index(None)])
        topic = team_admin.set_responders(session, team, rest[0], rest[1], people)
        return actor.texts.macro("amteam/messages", "done_topic", topic=topic)
    if action == "sla" and len(rest) == 3:
        topic = team_admin.set_sla(session, team, rest[0], rest[1], rest[2])
        return actor.texts.macro("amteam/messages", "done_topic", topic=topic)
    raise AdminError("topic_usage")


def _show(session, team, words, actor: Actor, client: WebClient) -> str:
    return actor.texts.render("amteam/show", s=team_admin.snapshot(session, team))


def _display_name(client: WebClient, slack_id: str, label: str | None) -> str:
    if label:
        return label
    try:
        user = client.users_info(user=slack_id)["user"]
    except (SlackApiError, OSError, KeyError):
        return slack_id
    return (user.get("profile") or {}).get("real_name") or user.get("real_name") or user.get("name") or slack_id


SUBCOMMANDS = {
    "setup": _setup,
    "add": _add,
    "remove": _remove,
    "pair": _pair,
    "customer": _customer,
    "topic": _topic,
    "show": _show,
}
