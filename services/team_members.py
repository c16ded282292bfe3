"""Members of a team (`/amteam add|remove|role|pair`): who joins, leaves, changes role and
backs up whom. Leaving is a handover that does not end: what the person owns goes to a
successor, or the removal is refused with the list of what they own.

Each function validates everything before writing, so a refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain import team_rules as rules
from domain.refusal import Refusal
from domain.text_hygiene import clean_short
from services import customer_transfer
from services import handover as handovers
from services.team_admin import member_by_slack_id, require_member
from storage.models import Customer, Followup, Member, Question, Team

HOLDINGS_SHOWN = 10  # customer names listed in a refusal; the rest are counted
WAITING_STATUSES = ("open", "claimed")


@dataclass(frozen=True)
class Holdings:
    """What a member owns that would reach nobody if they left."""

    customers: list[str]
    followups: int
    questions: int

    @property
    def empty(self) -> bool:
        return not (self.customers or self.followups or self.questions)


@dataclass(frozen=True)
class Removal:
    member: Member
    successor: Member | None
    moved: customer_transfer.Transfer | None
    questions: int
    handovers: handovers.Leaving


@dataclass(frozen=True)
class PairChange:
    a: Member
    b: Member
    mutual: bool
    left_alone: list[tuple[Member, Member]]  # (someone now without a partner, the partner they lost)


def parse_roles(words: list[str]) -> list[str]:
    roles: list[str] = []
    for word in words:
        role = rules.ROLE_ALIASES.get(word.lower())
        if role is None:
            raise Refusal("amteam.bad_role", usage=True, value=word)
        if role not in roles:
            roles.append(role)
    if not roles:
        raise Refusal("amteam.missing_role", usage=True)
    return roles


def _levels(roles: list[str], level: str | None) -> tuple[str | None, int | None]:
    rep_level, support_level = None, None
    if level is not None:
        if "support" in roles and level.isdigit():
            support_level = int(level)
            if support_level not in rules.SUPPORT_LEVELS:
                raise Refusal("amteam.bad_support_level", usage=True, value=level)
        else:
            rep_level = rules.LEVEL_ALIASES.get(level.lower())
            if rep_level is None or "rep" not in roles:
                raise Refusal("amteam.bad_rep_level", usage=True, value=level)
    if "support" in roles and support_level is None:
        support_level = 1
    return rep_level, support_level


def add_member(session: Session, team: Team, slack_id: str, name: str, roles: list[str], level: str | None) -> Member:
    """A new member, or a former one back. Someone already on the team keeps their role:
    changing it is `/amteam role`, said out loud."""
    rep_level, support_level = _levels(roles, level)
    name = clean_short(name or "", "member_name")  # a Slack display name too: no direction overrides
    member = member_by_slack_id(session, team, slack_id, active_only=False)
    if member is not None and member.active:
        raise Refusal("amteam.already_member", user=slack_id, roles=list(member.roles or []))
    if member is None:
        member = Member(team_id=team.id, slack_id=slack_id, name=name or slack_id, roles=roles)
        session.add(member)
    member.active = True
    member.roles = roles
    if name:
        member.name = name
    member.rep_level = rep_level if "rep" in roles else None
    member.support_level = support_level if "support" in roles else None
    session.flush()
    return member


def set_role(session: Session, team: Team, slack_id: str, roles: list[str], level: str | None) -> Member:
    """`/amteam role @x rep|support|manager [level]`: the member's roles from now on."""
    member = require_member(session, team, slack_id)
    rep_level, support_level = _levels(roles, level)
    if member.has_role("rep") and "rep" not in roles:
        owned = _owned_customers(session, member)
        if owned:
            raise Refusal("amteam.rep_owns_customers", user=slack_id, count=len(owned), names=owned[:HOLDINGS_SHOWN])
    if member.has_role("manager") and "manager" not in roles and _other_managers(team, member) == 0:
        raise Refusal("amteam.last_manager_role", user=slack_id)
    member.roles = roles
    member.rep_level = (rep_level or member.rep_level) if "rep" in roles else None
    member.support_level = (support_level or member.support_level or 1) if "support" in roles else None
    session.flush()
    return member


def holdings(session: Session, member: Member) -> Holdings:
    followups = session.scalar(
        select(func.count(Followup.id)).where(Followup.owner_id == member.id, Followup.status == "open")
    ) or 0
    questions = session.scalar(
        select(func.count(Question.id)).where(Question.assignee_id == member.id, Question.status.in_(WAITING_STATUSES))
    ) or 0
    return Holdings(_owned_customers(session, member), followups, questions)


def _owned_customers(session: Session, member: Member) -> list[str]:
    return list(session.scalars(
        select(Customer.name).where(Customer.owner_id == member.id, Customer.active.is_(True)).order_by(Customer.name)
    ))


def _other_managers(team: Team, member: Member) -> int:
    return sum(1 for m in team.members if m.active and m.has_role("manager") and m.id != member.id)


def remove_member(session: Session, team: Team, slack_id: str, *, by_slack_id: str, to_slack_id: str | None, now: datetime) -> Removal:
    """Take someone off the team. With a successor, their customers, open follow-ups and
    the questions waiting on them move to the successor first (visits keep who logged
    them); without one, refused while they own anything. Their own leave is cancelled and
    the leave they were to cover goes back to the managers to assign."""
    member = require_member(session, team, slack_id)
    if member.has_role("manager") and _other_managers(team, member) == 0:
        raise Refusal("amteam.last_manager" if slack_id == by_slack_id else "amteam.last_manager_other", user=slack_id)
    successor = None
    if to_slack_id is not None:
        if to_slack_id == slack_id:
            raise Refusal("amteam.successor_self", user=slack_id)
        successor = require_member(session, team, to_slack_id)
    owned = holdings(session, member)
    if successor is None and not owned.empty:
        raise Refusal(
            "amteam.member_owns_things", user=slack_id, customers=owned.customers[:HOLDINGS_SHOWN],
            customer_count=len(owned.customers), followups=owned.followups, questions=owned.questions,
        )
    moved, questions = None, 0
    if successor is not None:
        if owned.customers and not successor.has_role("rep"):
            raise Refusal("amteam.successor_not_rep", user=to_slack_id)
        by = member_by_slack_id(session, team, by_slack_id)
        moved = customer_transfer.move_portfolio(session, team, member, successor, now=now)
        questions = customer_transfer.move_questions(session, member, successor, by=by, now=now)
    leaving = handovers.member_leaves(session, member, now)
    # Deactivate rather than delete: their visits, follow-ups and questions stay on record.
    member.active = False
    for other in team.members:
        if other.backup_id == member.id:
            other.backup_id = None
    member.backup_id = None
    session.flush()
    return Removal(member, successor, moved, questions, leaving)


def pair(session: Session, team: Team, a_id: str, b_id: str, *, mutual: bool = True, force: bool = False) -> PairChange:
    """Make b the backup of a (and a of b when mutual). Breaking another pair needs `force`;
    whoever is left without a partner is named, to be told."""
    if a_id == b_id:
        raise Refusal("amteam.pair_self", usage=True)
    a = require_member(session, team, a_id)
    b = require_member(session, team, b_id)
    wanted = {a.id: b.id, **({b.id: a.id} if mutual else {})}
    left_alone: list[tuple[Member, Member]] = []
    for person in (a, b):
        partner = person.backup
        if (person.id in wanted and partner is not None and partner.active and partner.id not in (a.id, b.id)
                and partner.backup_id == person.id):
            left_alone.append((partner, person))
    if left_alone and not force:
        raise Refusal("amteam.pair_breaks", pairs=[(person.slack_id, partner.slack_id) for partner, person in left_alone])
    for partner, _ in left_alone:
        partner.backup_id = None
    a.backup_id = b.id
    if mutual:
        b.backup_id = a.id
    session.flush()
    return PairChange(a, b, mutual, left_alone)
