"""Follow-ups: my open list, Done, Snooze, and who is reminded of what (SPEC §4.1).

Follow-ups go to whoever acts for their owner today: the owner, or their cover while
they are away on a handover. A follow-up whose owner has left the team goes to whoever
acts for the customer's owner, else to the team's manager, so no promise is lost with a
departure (and the manager digest lists it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from domain.refusal import Refusal
from services import coverage
from services.visit_access import VisitAccess
from services.visits import FollowupView, followup_view
from storage import audit, withdrawal
from storage import visits as store
from storage.calendars import team_calendar
from storage.models import Followup, Member, Team

SNOOZES = {"day": 1, "week": 7}
# What Done and Snooze change (or find changed by someone else): re-read after the UPDATE,
# the follow-up's other columns and its customer and owner as they were.
STATE = ["due", "status", "done_at", "done_by_id", "withdrawn_at", "withdrawn_by_id", "version"]


@dataclass(frozen=True)
class ActionOutcome:
    followup: FollowupView
    changed: bool  # False: it was already in that state (a second click)


@dataclass
class Reminder:
    """One person's reminder for one day."""

    recipient: Member
    due_today: list[FollowupView] = field(default_factory=list)
    overdue: list[FollowupView] = field(default_factory=list)
    plans_next: list[store.PlannedVisit] = field(default_factory=list)  # on the next working day
    plans_missed: list[store.PlannedVisit] = field(default_factory=list)  # passed without a visit
    meant_for: str | None = None  # Slack id of a member who left, whose follow-ups these are

    @property
    def followup_count(self) -> int:
        return len(self.due_today) + len(self.overdue)


def my_open_followups(session: Session, access: VisitAccess, today: date, *, limit: int | None = None) -> list[FollowupView]:
    """My open follow-ups and those of anyone I cover, oldest due date first."""
    rows = store.open_followups(session, access.team_id, owner_ids=access.owner_ids, limit=limit)
    return [followup_view(f, today) for f in rows]


@dataclass(frozen=True)
class FollowupPage:
    items: list[FollowupView]  # this page's
    total: int  # on every page
    page: int


def my_open_followups_page(session: Session, access: VisitAccess, today: date, *, page: int, per_page: int) -> FollowupPage:
    """Page `page` of my open follow-ups, `per_page` a page: only that page is read, and
    the count only when the page is full or past the end."""
    offset = (page - 1) * per_page
    rows = store.open_followups(session, access.team_id, owner_ids=access.owner_ids, limit=per_page, offset=offset, listing=True)
    if len(rows) < per_page and (rows or page == 1):
        total = offset + len(rows)
    else:
        total = count_my_open_followups(session, access)
    return FollowupPage([followup_view(f, today) for f in rows], total, page)


def count_my_open_followups(session: Session, access: VisitAccess) -> int:
    return store.count_open_followups(session, access.team_id, owner_ids=access.owner_ids)


def complete(session: Session, access: VisitAccess, followup_id: int, now: datetime) -> ActionOutcome:
    followup = _actionable(session, access, followup_id)
    today = access.today(now)
    if followup.status == "done":
        return ActionOutcome(followup_view(followup, today), changed=False)
    # Compare-and-set, like a snooze: of two presses at once (a double click, the reminder
    # and the Home), one marks it done and the other finds it done.
    marked = cast(CursorResult[Any], session.execute(
        update(Followup)
        .where(Followup.id == followup.id, Followup.status == "open", Followup.withdrawn_at.is_(None))
        .values(status="done", done_at=now, done_by_id=access.member_id, version=Followup.version + 1)
        .execution_options(synchronize_session=False)
    )).rowcount
    session.refresh(followup, STATE)
    if not marked:
        if followup.withdrawn_at is not None:
            return complete(session, access, followup_id, now)  # says so
        return ActionOutcome(followup_view(followup, today), changed=False)
    audit.record(session, entity="followups", entity_id=followup.id, team_id=followup.team_id, action="update",
                 before={"status": "open", "done_at": None, "done_by_id": None},
                 after={"status": "done", "done_at": now, "done_by_id": access.member_id}, version=followup.version)
    return ActionOutcome(followup_view(followup, today), changed=True)


# `snooze(shown_due=ANY_DUE)`: the button did not say which due date it was pressed on.
ANY_DUE: Any = object()


def button_value(value: str) -> tuple[int, date | None | Any]:
    """A Done or Snooze button's value: `"<id>"` (Done, and Snooze buttons drawn before due
    dates were added) or `"<id>:<due shown, ISO, or empty>"` (Snooze) → (id, due shown or
    ANY_DUE). A value that is not one names a follow-up that is gone."""
    raw_id, colon, raw_due = value.partition(":")
    if not (raw_id.isascii() and raw_id.isdigit()):
        raise Refusal("visit.followup_gone")
    if not colon:
        return int(raw_id), ANY_DUE
    try:
        return int(raw_id), date.fromisoformat(raw_due) if raw_due else None
    except ValueError:
        raise Refusal("visit.followup_gone") from None


def snooze(session: Session, access: VisitAccess, followup_id: int, length: str, now: datetime, *, shown_due: date | None = ANY_DUE) -> ActionOutcome:
    """Push the due date back a working day (`day`) or a week (`week`), counted from
    today for an overdue follow-up and from its due date otherwise.

    `shown_due` is the due date the pressed button was drawn with: the change is made only
    while the follow-up is still due then (compare-and-set), so a double click or a second
    press of an old button moves it once; otherwise `changed` is False and nothing moves.
    """
    followup = _actionable(session, access, followup_id)
    today = access.today(now)
    if followup.status == "done":
        raise Refusal("visit.followup_already_done", usage=True, text=followup.text)
    expected = followup.due if shown_due is ANY_DUE else shown_due
    if followup.due != expected:
        return ActionOutcome(followup_view(followup, today), changed=False)
    calendar = team_calendar(session.get_one(Team, access.team_id), session)
    start = max(expected or today, today)
    if SNOOZES[length] == 1:
        new_due = calendar.add_workdays(start, 1)
    else:
        new_due = calendar.next_workday(start + timedelta(days=SNOOZES[length]))
    same_due = Followup.due.is_(None) if expected is None else Followup.due == expected
    # UPDATE gives a CursorResult (rowcount); Session.execute is typed as plain Result
    moved = cast(CursorResult[Any], session.execute(
        update(Followup)
        .where(Followup.id == followup.id, Followup.status != "done", Followup.withdrawn_at.is_(None), same_due)
        .values(due=new_due, version=Followup.version + 1)
        .execution_options(synchronize_session=False)
    )).rowcount
    session.refresh(followup, STATE)  # what is stored now, whoever changed it
    if moved:
        audit.record(session, entity="followups", entity_id=followup.id, team_id=followup.team_id, action="update",
                     before={"due": expected}, after={"due": new_due}, version=followup.version)
    if not moved:
        if followup.status == "done":
            raise Refusal("visit.followup_already_done", usage=True, text=followup.text)
        return ActionOutcome(followup_view(followup, today), changed=False)
    return ActionOutcome(followup_view(followup, today), changed=True)


def _actionable(session: Session, access: VisitAccess, followup_id: int) -> Followup:
    with withdrawal.included(session):
        followup = store.get_followup(session, followup_id)
    if followup is None or followup.team_id != access.team_id:
        raise Refusal("visit.followup_gone", usage=True)
    if followup.withdrawn_at is not None:  # an old message's button: say what it is now
        by = session.get(Member, followup.withdrawn_by_id) if followup.withdrawn_by_id else None
        raise Refusal("visit.followup_withdrawn", text=followup.text, by=by.slack_id if by else None, at=followup.withdrawn_at)
    if followup.owner_id in access.owner_ids or access.may_see(followup.customer):
        return followup
    owner = followup.owner.slack_id if followup.owner else None
    raise Refusal("visit.followup_not_yours", usage=True, owner=owner)


def local_date(team: Team, now: datetime) -> date:
    return now.astimezone(ZoneInfo(team.timezone)).date()


def reminders(session: Session, team: Team, now: datetime) -> list[Reminder]:
    """What each person should be reminded of this morning: due today and overdue,
    grouped by whoever acts for the owner. Empty on a day off in the team's calendar."""
    today = local_date(team, now)
    calendar = team_calendar(team, session)
    if not calendar.is_workday(today):
        return []
    members = {m.id: m for m in session.scalars(select(Member).where(Member.team_id == team.id))}
    acting = coverage.acting_owners(session, team.id, now)
    batches: dict[tuple[int, str], Reminder] = {}
    manager = next((m for m in members.values() if m.active and m.has_role("manager")), None)

    def taker(owner_id: int | None, customer_owner_id: int | None) -> tuple[Member | None, str | None]:
        """Who is reminded for `owner_id`, and whom it was meant for when they have left."""
        owner = members.get(owner_id) if owner_id else None
        left = owner.slack_id if owner is not None and not owner.active else None
        if owner is None or not owner.active:
            owner = members.get(customer_owner_id) if customer_owner_id else None
        if owner is None or not owner.active:
            return (manager, left) if left else (None, None)
        recipient = members.get(acting.get(owner.id, owner.id))
        if recipient is None or not recipient.active:
            recipient = owner  # a cover who has left the team covers nobody
        return recipient, left

    def batch_for(recipient: Member, left: str | None) -> Reminder:
        # A departed member's follow-ups come in their own message, marked as theirs.
        return batches.setdefault((recipient.id, left or ""), Reminder(recipient, meant_for=left))

    for followup in store.open_followups(session, team.id, due_on_or_before=today):
        recipient, left = taker(followup.owner_id, followup.customer.owner_id)
        if recipient is None:
            continue
        batch = batch_for(recipient, left)
        view = followup_view(followup, today)
        (batch.overdue if view.overdue_days else batch.due_today).append(view)
    # Planned visits: reminded the working day before (a Monday's plan on Friday), and
    # flagged once in the first reminder after a day that passed without the visit.
    next_workday = calendar.add_workdays(today, 1)
    since = calendar.add_workdays(today, -1)
    for plan in store.open_plans(session, team.id, start=since, end=next_workday):
        if plan.on == today:
            continue
        recipient, left = taker(plan.owner_id, plan.customer_owner_id)
        if recipient is None:
            continue
        batch = batch_for(recipient, left)
        (batch.plans_missed if plan.on < today else batch.plans_next).append(plan)
    return [batches[key] for key in sorted(batches)]
