"""`/amteam customer …` and `/amteam reassign`: the team's customers as a manager keeps them.

    customer add <name> owner @x tier key industry … cadence 14 aliases A,B
    customer list [@owner] [tier] [page N]
    customer assign <customer> @y            customer tier|cadence <customer> <value>
    customer rename <customer> to <new name>
    customer merge <from> into <to>
    customer retire|restore <customer>       (`remove` is `retire`)
    reassign @x @y [customers, comma-separated]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import args as argparse_slack
from domain.refusal import Refusal
from listening.request import Request
from rendering import admin_blocks
from rendering.pages import read_more_value
from services import customer_admin, customer_transfer

if TYPE_CHECKING:
    from storage.models import Member, Team

CUSTOMER_KEYS = {"owner": 1, "tier": 1, "industry": 1, "cadence": 1, "aliases": -1, "alias": -1}
RENAME_TO = {"to", "为", "改为", "→", "->"}
MERGE_INTO = {"into", "并入", "合并到", "→", "->"}
RETIRE = {"retire", "remove", "停用", "移除"}
RESTORE = {"restore", "恢复"}


def _first(options: dict[str, list[str]], key: str) -> str | None:
    values = options.get(key)
    return values[0] if values else None


def _person(word: str) -> str:
    slack_id = argparse_slack.user_id(word)
    if slack_id is None:
        raise Refusal("amteam.bad_user", usage=True, value=word)
    return slack_id


def _split(words: list[str], separators: set[str]) -> tuple[str, str]:
    """`A B to C D` → ("A B", "C D"); refused without the separator or either side."""
    for i, word in enumerate(words):
        if word.lower() in separators and 0 < i < len(words) - 1:
            return " ".join(words[:i]), " ".join(words[i + 1 :])
    raise Refusal("amteam.customer_usage", usage=True)


def customer(req: Request, team: Team, words: list[str]) -> str | dict[str, Any]:
    action = words[0].lower() if words else ""
    rest = words[1:]
    if action in {"list", "列表"}:
        return _list(req, team, " ".join(rest))
    if action == "add":
        return _add(req, team, rest)
    if action in {"assign", "分配"} and len(rest) >= 2:
        return _assign(req, team, " ".join(rest[:-1]), _person(rest[-1]))
    if action in {"tier", "cadence"} and len(rest) >= 2:
        found = customer_admin.require_customer(req.db, team, " ".join(rest[:-1]))
        if action == "tier":
            found.tier = customer_admin.parse_tier(rest[-1])
        else:
            found.cadence_days = customer_admin.parse_cadence(rest[-1])
        req.db.flush()
        req.db.refresh(found)
        return req.texts.macro("amteam/messages", "done_customer", customer=found)
    if action in {"rename", "改名"} and rest:
        old, new = _split(rest, RENAME_TO)
        renamed, before = customer_admin.rename(req.db, team, old, new)
        return req.texts.macro("amteam/messages", "done_rename", customer=renamed, before=before)
    if action in {"merge", "合并"} and rest:
        source, target = _split(rest, MERGE_INTO)
        merged = customer_admin.merge(req.db, team, source, target, by_slack_id=req.user_id, now=req.now)
        return req.texts.macro("amteam/messages", "done_merge", merge=merged)
    if action in RETIRE and rest:
        retired = customer_admin.retire(req.db, team, " ".join(rest), by_slack_id=req.user_id, now=req.now)
        return req.texts.macro("amteam/messages", "done_customer_remove", customer=retired)
    if action in RESTORE and rest:
        restored = customer_admin.restore(req.db, team, " ".join(rest))
        return req.texts.macro("amteam/messages", "done_customer_restore", customer=restored)
    raise Refusal("amteam.customer_usage", usage=True)


def _add(req: Request, team: Team, rest: list[str]) -> str:
    leading, options = argparse_slack.take_options(rest, CUSTOMER_KEYS)
    owner = _first(options, "owner")
    owner_id = _person(owner) if owner else None
    # `aliases SZB,Bank of Suzhou`: commas separate aliases, spaces belong to them.
    aliases = argparse_slack.split_list(" ".join(options.get("aliases", []) + options.get("alias", [])))
    added = customer_admin.add_customer(
        req.db, team, " ".join(leading), owner=owner_id, tier=_first(options, "tier"),
        industry=" ".join(options.get("industry", [])) or None, cadence=_first(options, "cadence"), aliases=aliases,
    )
    return req.texts.macro("amteam/messages", "done_customer", customer=added)


def _list(req: Request, team: Team, text: str) -> dict[str, Any]:
    """`customer list [@owner] [tier] [page N]`."""
    rest, page = argparse_slack.take_page(text)
    owner, tier = None, None
    for word in argparse_slack.tokenize(rest):
        if argparse_slack.user_id(word):
            owner = argparse_slack.user_id(word)
        else:
            tier = customer_admin.parse_tier(word)
    lines = customer_admin.customer_lines(req.db, team, owner=owner, tier=tier)
    return admin_blocks.customer_list_message(req.texts, team.name, lines, page=page, query=rest, owner=owner, tier=tier)


def handle_customer_list_more(req: Request, team: Team) -> None:
    page, query = read_more_value(req.value)
    req.reply(_list(req, team, f"{query} page {page}".strip()), replace_original=False)


def _assign(req: Request, team: Team, name: str, to: str) -> str:
    transfer, source = customer_admin.assign(req.db, team, name, to)
    _tell(req, team, transfer, source)
    return req.texts.macro("amteam/messages", "done_reassign", moved=transfer)


def reassign(req: Request, team: Team, words: list[str]) -> str:
    """`/amteam reassign @x @y [customer, customer…]`."""
    if len(words) < 2:
        raise Refusal("amteam.reassign_usage", usage=True)
    source, target = _person(words[0]), _person(words[1])
    names = argparse_slack.split_list(" ".join(words[2:]))  # a name may have spaces; commas separate
    transfer, former = customer_admin.reassign(req.db, team, source, target, names)
    _tell(req, team, transfer, former)
    return req.texts.macro("amteam/messages", "done_reassign", moved=transfer)


def _tell(req: Request, team: Team, transfer: customer_transfer.Transfer, former: Member | None) -> None:
    """The new owner gets the brief; the former one (still on the team) hears where their
    customers went."""
    brief = customer_transfer.brief(req.db, team, transfer, req.now)
    to = transfer.to_slack_id
    req.post(to, admin_blocks.received_message(req.texts_for(to), brief, reason="reassigned"))
    if former is not None and former.active and former.slack_id != req.user_id:
        note = req.texts_for(former.slack_id).macro("amteam/messages", "customers_left_you", moved=transfer, by=req.user_id)
        req.post(former.slack_id, admin_blocks.text_message(note))
