"""Visits: log one (modal or quick log), edit it, list them (SPEC §4.1).

Nothing is doubled: a modal submission carries `view:<view id>` and a quick log the
command's trigger id as `Visit.source_key` (unique), so a retried or double-clicked
request finds the visit it already stored. An identical quick log typed again within
two minutes is recognised by its fingerprint. Refusals raise `Refusal("visit.…")` before
anything is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from domain.refusal import Refusal
from domain.visit_form import FollowupRow, VisitDraft, row_block_ids
from services.customer_index import match_customer
from services.visit_access import VisitAccess, check_may_see, team_member_by_slack_id
from storage import audit, withdrawal
from storage import visits as store
from storage.models import Customer, Followup, Member, ProcessedRequest, Visit

REPEAT_WINDOW = timedelta(minutes=2)
LIST_LIMIT = 100  # the newest visits `/visit list` pages through
LIST_PAGE = 10  # visits a page of `/visit list`: each at most one section, so a page always fits a message
PLANS_LOOK_BACK = timedelta(days=14)  # a plan missed longer ago than this is history, not news


@dataclass(frozen=True)
class FollowupView:
    id: int
    text: str
    due: date | None
    status: str
    owner_slack_id: str | None
    customer_id: int
    customer_name: str
    overdue_days: int  # 0 when not overdue
    done_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True)
class VisitView:
    id: int
    customer_id: int
    customer_name: str
    visit_date: date
    type: str
    purpose: str | None
    needs: str | None
    concerns: str | None
    notes: str | None
    next_visit: date | None
    rep_slack_id: str | None
    logged_by_slack_id: str | None
    logged_at: datetime
    followups: tuple[FollowupView, ...] = ()
    editable: bool = False
    version: int = 1
    withdrawable: bool = False  # this reader may withdraw it (its customer's owner, its logger, a manager)
    withdrawn: tuple[FollowupView, ...] = ()  # follow-ups this change withdrew (for their Undo buttons)


@dataclass(frozen=True)
class LogOutcome:
    visit: VisitView
    created: bool  # False: this request (or an identical one) had already stored it


@dataclass(frozen=True)
class Seen:
    """The versions an edit form was drawn from: the visit's and each follow-up row's."""

    visit: int | None
    followups: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, view: VisitView) -> Seen:
        return cls(view.version, {f.id: f.version for f in view.followups if f.status == "open"})


@dataclass(frozen=True)
class VisitList:
    visits: list[VisitView]
    total: int
    customer: Customer | None = None
    customer_status: store.CadenceStatus | None = None  # for `/visit list <customer>`
    past_cadence: list[store.CadenceStatus] = field(default_factory=list)
    owners: dict[int, str] = field(default_factory=dict)  # member id -> Slack id, for cadence lines
    team_wide: bool = False
    plans: list[store.PlannedVisit] = field(default_factory=list)  # open planned visits, soonest first
    today: date | None = None
    shown: int | None = None  # how many of `total` the list pages through (the newest `LIST_LIMIT`)
    per_page: int = LIST_PAGE  # visits a page; `visits` are the asked page's

    @property
    def reach(self) -> int:
        return len(self.visits) if self.shown is None else self.shown


# --- customers ---------------------------------------------------------------------------


def unknown_customer(query: str, access: VisitAccess) -> Refusal:
    return Refusal("visit.unknown_customer", usage=True, name=query, manager=access.is_manager)


def resolve_customer(session: Session, access: VisitAccess, query: str) -> Customer:
    """The one customer `query` names, if this person may see it; else a Refusal."""
    match = match_customer(session, access.team_id, query)
    if match.kind == "unknown":
        raise unknown_customer(query, access)
    if match.kind == "ambiguous":
        # Of several similar names, the one customer this person works with is the one meant.
        visible = [c for c in match.candidates if access.may_see(c)]
        if len(visible) == 1:
            return visible[0]
        names = [c.name for c in (visible or match.candidates)]
        raise Refusal("visit.ambiguous_customer", usage=True, name=query, candidates=names)
    assert match.customer is not None
    check_may_see(access, match.customer)
    return match.customer


def customer_for_form(session: Session, access: VisitAccess, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None or customer.team_id != access.team_id or not customer.active:
        raise Refusal("visit.customer_gone", usage=True)
    check_may_see(access, customer)
    return customer


# --- logging -----------------------------------------------------------------------------


def find_logged(session: Session, access: VisitAccess, *, source_key: str, fingerprint: str | None = None, now: datetime | None = None) -> LogOutcome | None:
    """The visit an earlier copy of this request stored, if any."""
    visit, _ = _earlier_copy(session, source_key, fingerprint, now)
    if visit is None:
        return None
    return LogOutcome(view_of(visit, access, access.today(now or visit.logged_at)), created=False)


def _earlier_copy(session: Session, source_key: str, fingerprint: str | None, now: datetime | None) -> tuple[Visit | None, ProcessedRequest | None]:
    """The visit stored under `source_key` or, within the repeat window, `fingerprint`;
    and the fingerprint's row whatever its age (None when it was never seen)."""
    visit = store.visit_by_source_key(session, source_key)
    if visit is not None or not fingerprint or now is None:
        return visit, None
    seen = session.get(ProcessedRequest, fingerprint)
    if seen is not None and now - seen.created_at < REPEAT_WINDOW:
        visit = store.get_visit(session, int(seen.result.get("visit_id", 0)))
    return visit, seen


def quick_log(session: Session, access: VisitAccess, customer_query: str, draft: VisitDraft, *, text: str, source_key: str, now: datetime) -> LogOutcome:
    """A one-line log: find the customer it names and store the visit, in one transaction."""
    customer, fingerprint = _quick_log_target(session, access, customer_query, text)
    return log_visit(session, access, customer, draft, source_key=source_key, now=now, fingerprint=fingerprint)


def preview_quick_log(session: Session, access: VisitAccess, customer_query: str, draft: VisitDraft, *, now: datetime) -> VisitView:
    """Exactly what `quick_log` would store — the same customer look-up, owners and
    checks — stored in a savepoint that is rolled back: nothing is written."""
    savepoint = session.begin_nested()
    try:
        customer = resolve_customer(session, access, customer_query)
        return log_visit(session, access, customer, draft, source_key=f"preview:{uuid4().hex}", now=now).visit
    finally:
        savepoint.rollback()


def find_quick_log(session: Session, access: VisitAccess, customer_query: str, *, text: str, source_key: str, now: datetime) -> LogOutcome | None:
    """What a concurrent copy of the same one-line log stored (see `quick_log`)."""
    _, fingerprint = _quick_log_target(session, access, customer_query, text)
    return find_logged(session, access, source_key=source_key, fingerprint=fingerprint, now=now)


def _quick_log_target(session: Session, access: VisitAccess, customer_query: str, text: str) -> tuple[Customer, str]:
    customer = resolve_customer(session, access, customer_query)
    return customer, quick_log_fingerprint(access.slack_id, customer.id, text)


def quick_log_fingerprint(slack_id: str, customer_id: int, text: str) -> str:
    digest = hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:32]
    return f"quicklog:{slack_id}:{customer_id}:{digest}"


def log_visit(
    session: Session,
    access: VisitAccess,
    customer: Customer,
    draft: VisitDraft,
    *,
    source_key: str,
    now: datetime,
    fingerprint: str | None = None,
) -> LogOutcome:
    """Store a visit and its follow-ups once. The caller has validated `draft`."""
    check_may_see(access, customer)
    earlier, seen = _earlier_copy(session, source_key, fingerprint, now)
    if earlier is not None:
        return LogOutcome(view_of(earlier, access, access.today(now)), created=False)
    draft = draft.with_defaults(access.slack_id)
    owners = _followup_owners(session, access, draft.followups)
    visit = Visit(
        team_id=access.team_id,
        customer=customer,
        # The rep who made the visit; a manager logging a joint visit credits the account's owner.
        rep_id=access.member_id if access.is_rep or customer.owner_id is None else customer.owner_id,
        logged_by_id=access.member_id,
        logged_at=now,
        source_key=source_key,
    )
    _apply(visit, draft)
    visit.followups = [_new_followup(visit, row, owners, now, access.member_id) for row in draft.followups]
    session.add(visit)
    session.flush()
    if fingerprint:
        _remember_fingerprint(session, seen, fingerprint, visit.id, now)
    session.flush()
    return LogOutcome(view_of(visit, access, access.today(now)), created=True)


def update_visit(session: Session, access: VisitAccess, visit_id: int, customer: Customer, draft: VisitDraft, *, seen: Seen, edit_key: str, now: datetime) -> LogOutcome:
    """Apply an edit once (`edit_key` identifies the submission) and return the visit.

    Only if nothing the form showed has changed since it was drawn (`seen`): otherwise
    `Refusal("visit.stale")` names who changed what and when, and nothing is written.
    An emptied row withdraws its follow-up (kept, restorable), if this person may."""
    visit = _editable_visit(session, access, visit_id)
    if session.get(ProcessedRequest, edit_key) is not None:
        return LogOutcome(view_of(visit, access, access.today(now)), created=False)
    _check_seen(session, visit, seen)
    check_may_see(access, customer)
    by_id = {f.id: f for f in visit.followups if f.withdrawn_at is None}
    withdrawn = [by_id[row.followup_id] for row in draft.followups if row.followup_id in by_id and not row.text]
    for index, row in enumerate(draft.followups):
        if row.followup_id in by_id and not row.text:
            _check_may_withdraw(access, by_id[row.followup_id], beside=row_block_ids(index)[0])
    draft = draft.with_defaults(access.slack_id)
    owners = _followup_owners(session, access, draft.followups)
    if visit.customer_id != customer.id:
        visit.customer = customer
    _apply(visit, draft)
    for followup in withdrawn:
        if followup.status == "open":
            _withdraw(followup, access, now)
    for row in draft.followups:
        existing = by_id.get(row.followup_id) if row.followup_id else None
        if existing is None:
            visit.followups.append(_new_followup(visit, row, owners, now, access.member_id))
            continue
        if row.text and existing.text != row.text:
            existing.text = row.text
        if existing.due != row.due:
            existing.due = row.due
        if row.owner_slack_id and existing.owner_id != owners[row.owner_slack_id].id:
            existing.owner = owners[row.owner_slack_id]
    for followup in visit.followups:  # a visit moved to another customer takes its promises along
        if followup.customer_id != customer.id:
            followup.customer = customer
    session.add(ProcessedRequest(key=edit_key, created_at=now, result={"visit_id": visit.id}))
    session.flush()
    today = access.today(now)
    view = view_of(visit, access, today)
    return LogOutcome(replace(view, withdrawn=tuple(followup_view(f, today) for f in withdrawn)), created=True)


def _check_seen(session: Session, visit: Visit, seen: Seen) -> None:
    """Refuse an edit drawn from an older version of the visit or of one of its rows."""
    if seen.visit is None or visit.version != seen.visit:
        raise stale(session, "visits", visit.id, seen.visit)
    with withdrawal.included(session):
        current = {f.id: f for f in visit_followups_all(session, visit.id)}
    for followup_id, version in seen.followups.items():
        followup = current.get(followup_id)
        if followup is None or followup.version != version or followup.withdrawn_at is not None:
            raise stale(session, "followups", followup_id, version)


def stale(session: Session, entity: str, entity_id: int, seen_version: int | None) -> Refusal:
    """`visit.stale`, naming who made the change that came after `seen_version`, and when."""
    change = audit.last_change(session, entity, entity_id, after_version=seen_version) if seen_version else None
    change = change or audit.last_change(session, entity, entity_id)
    return Refusal("visit.stale", beside="customer", by=change.actor if change else None, at=change.at if change else None)


def visit_followups_all(session: Session, visit_id: int) -> list[Followup]:
    return list(session.scalars(select(Followup).where(Followup.visit_id == visit_id).order_by(Followup.id)))


def visit_for_edit(session: Session, access: VisitAccess, visit_id: int, now: datetime) -> VisitView:
    return view_of(_editable_visit(session, access, visit_id), access, access.today(now))


def _editable_visit(session: Session, access: VisitAccess, visit_id: int) -> Visit:
    visit = _team_visit(session, access, visit_id)
    if visit.withdrawn_at is not None:
        raise withdrawn_refusal(session, visit)
    check_may_see(access, visit.customer)
    return visit


def _team_visit(session: Session, access: VisitAccess, visit_id: int) -> Visit:
    """The visit, withdrawn or not, if it is this person's team's."""
    with withdrawal.included(session):
        visit = store.get_visit(session, visit_id)
    if visit is None or visit.team_id != access.team_id:
        raise Refusal("visit.visit_gone", usage=True)
    return visit


def withdrawn_refusal(session: Session, visit: Visit) -> Refusal:
    by = session.get(Member, visit.withdrawn_by_id) if visit.withdrawn_by_id else None
    return Refusal("visit.visit_withdrawn", id=visit.id, by=by.slack_id if by else None, at=visit.withdrawn_at)


# --- withdrawing and restoring ----------------------------------------------------------


@dataclass(frozen=True)
class WithdrawOutcome:
    visit: VisitView | None
    followup: FollowupView | None
    changed: bool  # False: it already was (a double click, an old button)


def may_withdraw(access: VisitAccess, customer: Customer, creator_id: int | None) -> bool:
    """The customer's account manager, whoever created the record, or a manager. A
    colleague covering during a handover may add and complete, not withdraw."""
    if customer.team_id != access.team_id:
        return False
    return access.is_manager or customer.owner_id == access.member_id or (creator_id is not None and creator_id == access.member_id)


def _check_may_withdraw(access: VisitAccess, followup: Followup, *, beside: str | None = None) -> None:
    if not may_withdraw(access, followup.customer, followup.created_by_id):
        owner = followup.customer.owner.slack_id if followup.customer.owner else None
        raise Refusal("visit.withdraw_not_allowed", beside=beside, owner=owner, text=followup.text)


def _withdraw(row: Visit | Followup, access: VisitAccess, now: datetime) -> None:
    row.withdrawn_at, row.withdrawn_by_id = now, access.member_id


def withdraw_visit(session: Session, access: VisitAccess, visit_id: int, now: datetime, *, seen_version: int | None = None) -> WithdrawOutcome:
    """Withdraw a visit and its follow-ups: kept with who and when, hidden from every list,
    report and export, shown in its customer's history, restorable."""
    visit = _team_visit(session, access, visit_id)
    today = access.today(now)
    if visit.withdrawn_at is not None:
        return WithdrawOutcome(view_of(visit, access, today), None, changed=False)
    if not may_withdraw(access, visit.customer, visit.logged_by_id):
        owner = visit.customer.owner.slack_id if visit.customer.owner else None
        raise Refusal("visit.withdraw_visit_not_allowed", owner=owner, name=visit.customer.name)
    if seen_version is not None and visit.version != seen_version:
        raise stale(session, "visits", visit.id, seen_version)
    _withdraw(visit, access, now)
    for followup in visit.followups:
        if followup.withdrawn_at is None:
            _withdraw(followup, access, now)
    session.flush()
    return WithdrawOutcome(view_of(visit, access, today), None, changed=True)


def restore_visit(session: Session, access: VisitAccess, visit_id: int, now: datetime) -> WithdrawOutcome:
    """Put a withdrawn visit back, with the follow-ups withdrawn along with it."""
    visit = _team_visit(session, access, visit_id)
    today = access.today(now)
    if visit.withdrawn_at is None:
        return WithdrawOutcome(view_of(visit, access, today), None, changed=False)
    if not may_withdraw(access, visit.customer, visit.logged_by_id):
        owner = visit.customer.owner.slack_id if visit.customer.owner else None
        raise Refusal("visit.withdraw_visit_not_allowed", owner=owner, name=visit.customer.name)
    with withdrawal.included(session):
        taken_along = [f for f in visit_followups_all(session, visit.id) if f.withdrawn_at == visit.withdrawn_at]
    visit.withdrawn_at = visit.withdrawn_by_id = None
    for followup in taken_along:
        followup.withdrawn_at = followup.withdrawn_by_id = None
    session.flush()
    session.expire(visit, ["followups"])
    return WithdrawOutcome(view_of(visit, access, today), None, changed=True)


def _team_followup(session: Session, access: VisitAccess, followup_id: int) -> Followup:
    with withdrawal.included(session):
        followup = store.get_followup(session, followup_id)
    if followup is None or followup.team_id != access.team_id:
        raise Refusal("visit.followup_gone", usage=True)
    return followup


def withdraw_followup(session: Session, access: VisitAccess, followup_id: int, now: datetime) -> WithdrawOutcome:
    followup = _team_followup(session, access, followup_id)
    today = access.today(now)
    if followup.withdrawn_at is not None:
        return WithdrawOutcome(None, followup_view(followup, today), changed=False)
    _check_may_withdraw(access, followup)
    _withdraw(followup, access, now)
    session.flush()
    return WithdrawOutcome(None, followup_view(followup, today), changed=True)


def restore_followup(session: Session, access: VisitAccess, followup_id: int, now: datetime) -> WithdrawOutcome:
    followup = _team_followup(session, access, followup_id)
    today = access.today(now)
    if followup.withdrawn_at is None:
        return WithdrawOutcome(None, followup_view(followup, today), changed=False)
    _check_may_withdraw(access, followup)
    if followup.visit_id is not None:
        with withdrawal.included(session):
            visit = session.get(Visit, followup.visit_id)
        if visit is not None and visit.withdrawn_at is not None:  # its visit is withdrawn: restore that
            raise Refusal("visit.restore_visit_first", id=visit.id)
    followup.withdrawn_at = followup.withdrawn_by_id = None
    session.flush()
    return WithdrawOutcome(None, followup_view(followup, today), changed=True)


def _apply(visit: Visit, draft: VisitDraft) -> None:
    """The draft's values, each set only where it differs (an unchanged visit keeps its version)."""
    assert draft.visit_date is not None and draft.type is not None
    values = dict(visit_date=draft.visit_date, type=draft.type, purpose=draft.purpose, needs=draft.needs,
                  concerns=draft.concerns, notes=draft.notes, next_visit=draft.next_visit)
    for name, value in values.items():
        if getattr(visit, name) != value:
            setattr(visit, name, value)


def _new_followup(visit: Visit, row: FollowupRow, owners: dict[str, Member], now: datetime, created_by_id: int) -> Followup:
    return Followup(
        team_id=visit.team_id,
        customer=visit.customer,
        text=row.text or "",
        owner=owners.get(row.owner_slack_id or ""),
        due=row.due,
        status="open",
        created_at=now,
        created_by_id=created_by_id,
    )


def _followup_owners(session: Session, access: VisitAccess, rows: tuple[FollowupRow, ...]) -> dict[str, Member]:
    owners: dict[str, Member] = {}
    for index, row in enumerate(rows):
        slack_id = row.owner_slack_id
        if not slack_id or slack_id in owners:
            continue
        member = team_member_by_slack_id(session, access, slack_id)
        if member is None:
            raise Refusal("visit.owner_not_member", usage=True, beside=row_block_ids(index)[2], user=slack_id)
        owners[slack_id] = member
    return owners


def _remember_fingerprint(session: Session, seen: ProcessedRequest | None, key: str, visit_id: int, now: datetime) -> None:
    if seen is None:  # never seen (a copy that inserts it meanwhile makes this one's flush fail)
        session.add(ProcessedRequest(key=key, created_at=now, result={"visit_id": visit_id}))
    else:  # the same text logged again after the repeat window: a new visit, a new window
        seen.created_at, seen.result = now, {"visit_id": visit_id}


# --- reading -----------------------------------------------------------------------------


def list_visits(
    session: Session, access: VisitAccess, today: date, *, customer: Customer | None = None, page: int = 1, per_page: int = LIST_PAGE,
    limit: int = LIST_LIMIT,
) -> VisitList:
    """`/visit list [customer]`, page `page`: that page's visits of the newest `limit`
    (`per_page` a page, read alone), how many there are, and the customers past their cadence."""
    if customer is not None:
        check_may_see(access, customer)
        where = store.visits_where(access.team_id, customer_ids=[customer.id])
    else:
        owner_ids = access.visible_owner_ids()
        where = store.visits_where(access.team_id, owner_ids=owner_ids)
    total = store.count_visits(session, where) if page > 1 else None
    # A list of one page shares its pages with the plans and customers that follow it.
    first = 0 if total is not None and total <= per_page else (page - 1) * per_page
    reach = limit if total is None else min(total, limit)
    rows = store.visits_page(session, where, limit=min(per_page, reach - first), offset=first) if first < reach else []
    if total is None:
        total = len(rows) if len(rows) < per_page else store.count_visits(session, where)
    views = [view_of(v, access, today) for v in rows]
    shown = min(total, limit)
    if customer is not None:
        last = store.last_visit_dates(session, [customer.id], today).get(customer.id)
        status = store.cadence_status(customer, last, today)
        plans = store.open_plans(session, access.team_id, start=today - PLANS_LOOK_BACK, customer_ids=[customer.id])
        return VisitList(views, total, customer=customer, customer_status=status, plans=plans, today=today, shown=shown, per_page=per_page)
    past = store.customers_past_cadence(session, access.team_id, today, owner_ids=owner_ids)
    plans = store.open_plans(session, access.team_id, start=today - PLANS_LOOK_BACK, owner_ids=owner_ids)
    team_wide = owner_ids is None
    # Owners are named only in the whole team's list.
    owner_slack = dict(session.execute(select(Member.id, Member.slack_id).where(Member.team_id == access.team_id)).all()) if team_wide and (past or plans) else {}
    return VisitList(views, total, past_cadence=past, owners=owner_slack, team_wide=team_wide, plans=plans, today=today, shown=shown, per_page=per_page)


def view_of(visit: Visit, access: VisitAccess | None, today: date) -> VisitView:
    return VisitView(
        id=visit.id,
        customer_id=visit.customer_id,
        customer_name=visit.customer.name,
        visit_date=visit.visit_date,
        type=visit.type,
        purpose=visit.purpose,
        needs=visit.needs,
        concerns=visit.concerns,
        notes=visit.notes,
        next_visit=visit.next_visit,
        rep_slack_id=visit.rep.slack_id if visit.rep else None,
        logged_by_slack_id=visit.logged_by.slack_id if visit.logged_by else None,
        logged_at=visit.logged_at,
        followups=tuple(followup_view(f, today) for f in visit.followups if f.withdrawn_at is None),
        editable=access is not None and visit.withdrawn_at is None and access.may_log(visit.customer),
        version=visit.version,
        withdrawable=access is not None and visit.withdrawn_at is None and may_withdraw(access, visit.customer, visit.logged_by_id),
    )


def followup_view(followup: Followup, today: date) -> FollowupView:
    overdue = (today - followup.due).days if followup.status == "open" and followup.due and followup.due < today else 0
    return FollowupView(
        id=followup.id,
        text=followup.text,
        due=followup.due,
        status=followup.status,
        owner_slack_id=followup.owner.slack_id if followup.owner else None,
        customer_id=followup.customer_id,
        customer_name=followup.customer.name,
        overdue_days=overdue,
        done_at=followup.done_at,
        version=followup.version,
    )


def draft_of(view: VisitView) -> VisitDraft:
    """A stored visit as a draft, to prefill the edit modal (open follow-ups only)."""
    rows = tuple(
        FollowupRow(f.text, f.due, f.owner_slack_id, f.id) for f in view.followups if f.status == "open"
    )
    return VisitDraft(
        visit_date=view.visit_date,
        type=view.type,
        purpose=view.purpose,
        needs=view.needs,
        concerns=view.concerns,
        notes=view.notes,
        followups=rows,
        next_visit=view.next_visit,
        customer_id=view.customer_id,
    )


def find_edit(session: Session, access: VisitAccess, visit_id: int, *, edit_key: str, now: datetime) -> LogOutcome | None:
    """The visit as a concurrent copy of the same edit left it (None: no copy stored it)."""
    if session.get(ProcessedRequest, edit_key) is None:
        return None
    return LogOutcome(visit_for_edit(session, access, visit_id, now), created=False)


def store_once(session: Session, store: Callable[[Session], LogOutcome], recover: Callable[[Session], LogOutcome | None]) -> LogOutcome:
    """Run `store` in a savepoint; if a concurrent copy of the same request won the race
    (a unique key was taken, or the row's version moved under it), return what that copy
    stored instead. When no copy did, the error stands (another person's change won)."""
    try:
        with session.begin_nested():
            return store(session)
    except (IntegrityError, StaleDataError):
        found = recover(session)
        if found is None:
            raise
        return found
