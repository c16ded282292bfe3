"""The team's customers as a manager keeps them (`/amteam customer …`, `/amteam reassign`):
add (never a second copy of one that exists), list, rename, merge, retire and restore,
and permanent changes of owner.

Nothing is deleted: a retired customer is kept with its history (and no longer offered in
forms or the quick log); a merged one keeps its row, points at the customer it went into,
and its name becomes an alias there. Every change is an audited update (storage/audit.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain import team_rules as rules
from domain.refusal import Refusal
from domain.text_hygiene import SHORT_MAX, clean_short
from services import customer_transfer
from services.customer_index import match_customer
from services.customers import normalise
from services.team_admin import member_by_slack_id, require_member
from storage import withdrawal
from storage.models import Customer, Followup, KpiEntry, Member, Question, Team, Visit

DUPLICATE_SCORE = 92  # a fuzzy match this close is the same customer typed differently
# Legal forms that do not tell two customers apart (compared after `normalise`).
LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司", "limited", "ltd", "inc", "corp", "corporation", "co", "llc", "gmbh")
SHOWN = 10


@dataclass(frozen=True)
class CustomerLine:
    """A customer as `/amteam customer list` shows it."""

    name: str
    aliases: list[str]
    tier: str
    owner_slack_id: str | None
    cadence_days: int


@dataclass(frozen=True)
class Merge:
    source: Customer
    target: Customer
    visits: int
    followups: int
    kpi_entries: int


def customer_lines(session: Session, team: Team, *, owner: str | None = None, tier: str | None = None) -> list[CustomerLine]:
    """The team's active customers by name, with their account managers (one query);
    only `owner`'s (a Slack id) and of `tier` when given."""
    query = (
        select(Customer.name, Customer.aliases, Customer.tier, Member.slack_id, Customer.cadence_days)
        .outerjoin(Member, Member.id == Customer.owner_id)
        .where(Customer.team_id == team.id, Customer.active.is_(True))
        .order_by(Customer.name)
    )
    if owner is not None:
        query = query.where(Member.slack_id == owner)
    if tier is not None:
        query = query.where(Customer.tier == tier)
    rows = session.execute(query).all()
    return [CustomerLine(name, list(aliases or []), t, who, rules.cadence_days(t, cadence)) for name, aliases, t, who, cadence in rows]


def parse_tier(value: str) -> str:
    tier = rules.TIER_ALIASES.get(value.lower())
    if tier is None:
        raise Refusal("amteam.bad_tier", usage=True, value=value)
    return tier


def parse_cadence(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 366:
        raise Refusal("amteam.bad_cadence", usage=True, value=value)
    return int(value)


def customer_by_name(session: Session, team: Team, name: str) -> Customer | None:
    return session.scalar(select(Customer).where(Customer.team_id == team.id, Customer.name == name))


def require_customer(session: Session, team: Team, name: str) -> Customer:
    """The customer `name` names: its exact name (retired ones too), else the one active
    customer its name or an alias matches."""
    name = name.strip()
    customer = customer_by_name(session, team, name)
    if customer is not None:
        return customer
    match = match_customer(session, team.id, name)
    if match.kind == "unique" and match.customer is not None:
        return match.customer
    if match.kind == "ambiguous":
        raise Refusal("amteam.ambiguous_customer", name=name, candidates=[c.name for c in match.candidates])
    raise Refusal("amteam.unknown_customer", usage=True, name=name)


def _core(label: str) -> str:
    """A normalised name without its legal form: 华东制造集团有限公司 → 华东制造集团."""
    for suffix in LEGAL_SUFFIXES:
        if label.endswith(suffix) and len(label) > len(suffix) + 1:
            return label[: -len(suffix)]
    return label


def duplicate_of(session: Session, team: Team, names: list[str], *, besides: int | None = None) -> Customer | None:
    """An existing customer one of `names` already names: the same normalised name or
    alias, or a very close fuzzy match of one."""
    wanted = [_core(label) for label in (normalise(n) for n in names) if label]
    if not wanted:
        return None
    query = select(Customer.id, Customer.name, Customer.aliases).where(Customer.team_id == team.id, Customer.merged_into_id.is_(None))
    if besides is not None:
        query = query.where(Customer.id != besides)
    # Plain rows, not ORM objects: a team of 20,000 customers is read in a blink. Its
    # merged customers' names live on as aliases of the customer they went into.
    labels: list[str] = []
    owners: list[int] = []
    for customer_id, name, aliases in session.execute(query.order_by(Customer.active.desc(), Customer.name)):
        for label in {_core(normalise(x)) for x in (name, *(aliases or []))}:
            if label:
                labels.append(label)
                owners.append(customer_id)
    found = None
    positions = {label: i for i, label in reversed(list(enumerate(labels)))}
    for label in wanted:
        if label in positions:
            found = owners[positions[label]]
            break
    if found is None:
        for label in wanted:
            best = process.extractOne(label, labels, scorer=fuzz.ratio, score_cutoff=DUPLICATE_SCORE)
            if best is not None:
                found = owners[best[2]]
                break
    return session.get(Customer, found) if found is not None else None


def _refuse_duplicate(existing: Customer, typed: str) -> Refusal:
    return Refusal("amteam.customer_exists", typed=typed, name=existing.name, active=existing.active)


def add_customer(session: Session, team: Team, name: str, *, owner: str | None, tier: str | None, industry: str | None, cadence: str | None, aliases: list[str]) -> Customer:
    """A new customer. One whose name or alias matches an existing customer is refused,
    naming that customer: a second copy would split its visits in two."""
    name = clean_short(name, "customer_name")
    if not name:
        raise Refusal("amteam.missing_customer_name", usage=True)
    aliases = [a for a in (clean_short(alias, "alias", SHORT_MAX) for alias in aliases) if a]
    industry = clean_short(industry, "industry", SHORT_MAX) if industry else None
    owner_member = require_member(session, team, owner) if owner else None
    tier_value = parse_tier(tier) if tier else None
    cadence_value = parse_cadence(cadence) if cadence else None
    existing = duplicate_of(session, team, [name, *aliases])
    if existing is not None:
        raise _refuse_duplicate(existing, name)
    customer = Customer(
        team_id=team.id, name=name, aliases=sorted(set(aliases)), tier=tier_value or "regular",
        owner_id=owner_member.id if owner_member else None, industry=industry, cadence_days=cadence_value, active=True,
    )
    session.add(customer)
    session.flush()
    return customer


def rename(session: Session, team: Team, old: str, new: str) -> tuple[Customer, str]:
    """A customer's new name; the old one stays an alias, so people typing it still find it."""
    customer = require_customer(session, team, old)
    new = clean_short(new, "customer_name")
    if not new:
        raise Refusal("amteam.missing_customer_name", usage=True)
    if new == customer.name:
        raise Refusal("amteam.same_name", name=new)
    existing = duplicate_of(session, team, [new], besides=customer.id)
    if existing is not None and normalise(new) not in {normalise(a) for a in customer.aliases or []}:
        raise _refuse_duplicate(existing, new)
    before = customer.name
    customer.aliases = sorted({*(a for a in customer.aliases or [] if a != new), before})
    customer.name = new
    session.flush()
    return customer, before


def merge(session: Session, team: Team, source_name: str, target_name: str, *, by_slack_id: str, now: datetime) -> Merge:
    """`source` goes into `target`: its visits (withdrawn ones too), follow-ups, KPI entries
    and questions move; its name and aliases become aliases of `target`; it is kept,
    inactive, pointing at `target`."""
    source = require_customer(session, team, source_name)
    target = require_customer(session, team, target_name)
    if source.id == target.id:
        raise Refusal("amteam.merge_self", name=source.name)
    if source.merged_into_id is not None:
        raise Refusal("amteam.customer_merged", name=source.name)
    if not target.active:
        raise Refusal("amteam.merge_into_retired", name=target.name)
    with withdrawal.included(session):
        visits = list(session.scalars(select(Visit).where(Visit.customer_id == source.id)))
        followups = list(session.scalars(select(Followup).where(Followup.customer_id == source.id)))
    entries = list(session.scalars(select(KpiEntry).where(KpiEntry.customer_id == source.id)))
    questions = list(session.scalars(select(Question).where(Question.customer_id == source.id)))
    for visit in visits:
        visit.customer_id = target.id
    for followup in followups:
        followup.customer_id = target.id
    for entry in entries:
        entry.customer_id = target.id
    for question in questions:
        question.customer_id = target.id
    target.aliases = sorted({*(target.aliases or []), source.name, *(source.aliases or [])} - {target.name})
    by = member_by_slack_id(session, team, by_slack_id)
    source.aliases = []
    source.active, source.merged_into_id = False, target.id
    if source.withdrawn_at is None:
        source.withdrawn_at, source.withdrawn_by_id = now, by.id if by else None
    session.flush()
    return Merge(source, target, len(visits), len(followups), len(entries))


def retire(session: Session, team: Team, name: str, *, by_slack_id: str, now: datetime) -> Customer:
    """Take a customer off the team's list: kept with who and when (its visits and history
    too), restorable. Never while follow-ups promised to it are still open."""
    customer = require_customer(session, team, name)
    if customer.merged_into_id is not None:
        raise Refusal("amteam.customer_merged", name=customer.name)
    if not customer.active:
        raise Refusal("amteam.customer_already_removed", name=customer.name)
    open_count = session.scalar(
        select(func.count(Followup.id)).where(Followup.customer_id == customer.id, Followup.status == "open")
    ) or 0
    if open_count:
        raise Refusal("amteam.customer_has_followups", name=customer.name, count=open_count)
    by = member_by_slack_id(session, team, by_slack_id)
    customer.active, customer.withdrawn_at, customer.withdrawn_by_id = False, now, by.id if by else None
    session.flush()
    return customer


def restore(session: Session, team: Team, name: str) -> Customer:
    customer = require_customer(session, team, name)
    if customer.merged_into_id is not None:
        raise Refusal("amteam.customer_merged", name=customer.name)
    if customer.active:
        raise Refusal("amteam.customer_not_removed", name=customer.name)
    existing = duplicate_of(session, team, [customer.name], besides=customer.id)
    if existing is not None and existing.active:
        raise _refuse_duplicate(existing, customer.name)
    customer.active, customer.withdrawn_at, customer.withdrawn_by_id = True, None, None
    session.flush()
    return customer


# --- owners ----------------------------------------------------------------------------


def _new_owner(session: Session, team: Team, slack_id: str) -> Member:
    member = require_member(session, team, slack_id)
    if not member.has_role("rep"):
        raise Refusal("amteam.successor_not_rep", user=slack_id)
    return member


def assign(session: Session, team: Team, name: str, to_slack_id: str) -> tuple[customer_transfer.Transfer, Member | None]:
    """One customer to a new owner for good, with its open follow-ups; the former owner
    (None: it had none) is returned to be told."""
    customer = require_customer(session, team, name)
    if not customer.active:
        raise Refusal("amteam.customer_retired", name=customer.name)
    target = _new_owner(session, team, to_slack_id)
    if customer.owner_id == target.id:
        raise Refusal("amteam.already_owner", name=customer.name, user=to_slack_id)
    source = session.get(Member, customer.owner_id) if customer.owner_id else None
    return customer_transfer.move_customers(session, [customer], source, target), source


def reassign(session: Session, team: Team, from_slack_id: str, to_slack_id: str, names: list[str]) -> tuple[customer_transfer.Transfer, Member]:
    """`from`'s customers (all, or those named) to `to`, with their open follow-ups."""
    if from_slack_id == to_slack_id:
        raise Refusal("amteam.successor_self", user=from_slack_id)
    source = member_by_slack_id(session, team, from_slack_id, active_only=False)
    if source is None:
        raise Refusal("amteam.not_a_member", usage=True, user=from_slack_id)
    target = _new_owner(session, team, to_slack_id)
    if names:
        customers = [require_customer(session, team, n) for n in names]
        others = [c.name for c in customers if c.owner_id != source.id]
        if others:
            raise Refusal("amteam.not_their_customers", user=from_slack_id, names=others[:SHOWN])
        customers = list({c.id: c for c in customers if c.active}.values())
    else:
        customers = list(session.scalars(
            select(Customer).where(Customer.team_id == team.id, Customer.owner_id == source.id, Customer.active.is_(True)).order_by(Customer.name)
        ))
    if not customers:
        raise Refusal("amteam.nothing_to_reassign", user=from_slack_id)
    return customer_transfer.move_customers(session, customers, source, target), source
