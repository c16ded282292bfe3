"""Who may log and read which visits (SPEC §5 Permissions).

A rep logs and reads visits for the customers they own and, while a handover is in
force, for the customers of the person they cover. A manager reads (and may log, e.g.
after a joint visit) everything in their team. Anyone else is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.quicklog import QuickLog
from domain.refusal import Refusal
from domain.visit_types import DEFAULT_TEAM_TYPES, team_types
from services import coverage, people
from storage.models import Customer, Member, Team


@dataclass(frozen=True)
class VisitAccess:
    member_id: int
    slack_id: str
    team_id: int
    is_manager: bool
    is_rep: bool
    covered_ids: frozenset[int]  # members this person stands in for right now
    timezone: str
    calendar: str
    require_followup_due: bool
    visit_types: tuple[str, ...] = DEFAULT_TEAM_TYPES  # the kinds of visit the team logs

    @property
    def owner_ids(self) -> frozenset[int]:
        """Whose customers this person acts for: their own and those of anyone they cover."""
        return self.covered_ids | {self.member_id}

    def may_see(self, customer: Customer) -> bool:
        if customer.team_id != self.team_id:
            return False
        return self.is_manager or customer.owner_id in self.owner_ids

    may_log = may_see  # the same rule: whoever may read a customer's visits may log one

    @property
    def works_with_customers(self) -> bool:
        """Reps, managers and anyone covering a rep log visits; support people only own
        the follow-ups a rep hands them."""
        return self.is_rep or self.is_manager or bool(self.covered_ids)

    def visible_owner_ids(self) -> frozenset[int] | None:
        """None for a manager (the whole team), else the owners whose customers are visible."""
        return None if self.is_manager else self.owner_ids

    def today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.timezone)).date()


def access_for(session: Session, slack_id: str, now: datetime) -> VisitAccess | None:
    """The visit permissions of a Slack user; None when they are not on any team."""
    member = people.membership(session, slack_id)
    return None if member is None else access_of(session, member, now)


def access_of(session: Session, member: Member, now: datetime) -> VisitAccess:
    """The visit permissions of a member already loaded (with its team) in `session`."""
    team: Team = member.team
    return VisitAccess(
        member_id=member.id,
        slack_id=member.slack_id,
        team_id=team.id,
        is_manager=member.has_role("manager"),
        is_rep=member.has_role("rep"),
        covered_ids=frozenset(coverage.covered_by(session, member.id, now)),
        timezone=team.timezone,
        calendar=team.calendar,
        require_followup_due=bool(team.require_followup_due),
        visit_types=team_types(team.visit_types),
    )


def access_of_person(session: Session, person: people.Person, now: datetime) -> VisitAccess | None:
    """The visit permissions of someone `people.find_person` read in this same session
    (their member row is already in it: no second lookup)."""
    if person.member_id is None:
        return None
    member = session.get(Member, person.member_id)
    return None if member is None else access_of(session, member, now)


def require_access(session: Session, slack_id: str, now: datetime) -> VisitAccess:
    access = access_for(session, slack_id, now)
    if access is None:
        raise Refusal("visit.not_member", usage=True)
    return access


def require_customer_work(access: VisitAccess) -> None:
    if not access.works_with_customers:
        raise Refusal("visit.not_rep", usage=True)


def check_may_see(access: VisitAccess, customer: Customer) -> None:
    if access.may_see(customer):
        return
    owner: Member | None = customer.owner
    if owner is None:
        raise Refusal("visit.customer_unowned", usage=True, name=customer.name)
    raise Refusal("visit.customer_hidden", usage=True, name=customer.name, owner=owner.slack_id)


def team_member_by_slack_id(session: Session, access: VisitAccess, slack_id: str) -> Member | None:
    for member in people.loaded_members(session):  # the asker, read at the start of the request
        if member.slack_id == slack_id and member.team_id == access.team_id and member.active:
            return member
    return session.scalar(
        select(Member).where(Member.team_id == access.team_id, Member.slack_id == slack_id, Member.active.is_(True))
    )


def with_named_owners(session: Session, access: VisitAccess, log: QuickLog) -> QuickLog:
    """A quick log whose follow-ups name their owner as typed (`@陈工`, not picked from
    Slack's list) with those owners' Slack ids: the one active member of that name.
    Refused when nobody, or more than one person, on the team has it."""
    if not any(f.owner_name for f in log.followups):
        return log
    members = list(session.scalars(select(Member).where(Member.team_id == access.team_id, Member.active.is_(True))))
    followups = []
    for followup in log.followups:
        if followup.owner_name:
            wanted = followup.owner_name.casefold()
            found = [m for m in members if m.name.casefold() == wanted]
            if len(found) != 1:
                raise Refusal("visit.owner_name_unknown", usage=True, name=followup.owner_name, count=len(found))
            followup = replace(followup, owner_slack_id=found[0].slack_id, owner_name=None)
        followups.append(followup)
    return replace(log, followups=tuple(followups))
