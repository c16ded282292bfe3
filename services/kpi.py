"""KPI use cases (SPEC §4.4): log and undo entries, set targets, and compute pace for one
rep (`/kpi`, App Home) or a whole team (`/kpi team`, digests, nudges).

Pace for a team costs a fixed number of queries whatever its size: targets, one grouped
total of entries and one of visits per period, and the team's leave windows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.kpi_input import leave_dates, local_today
from domain.metrics import METRICS, Metric, Period, metric_order, parse_period, period_containing
from domain.pace import MetricPace, most_behind, pace_for
from domain.refusal import Refusal
from domain.text_hygiene import clean_short
from services.visit_access import VisitAccess
from storage import kpi as queries
from storage.calendars import team_calendar
from storage.models import Customer, KpiEntry, KpiTarget, Member, Team

NOTE_LIMIT = 500
SCORE_MAX = Decimal(100)
_RATIO = Decimal("0.0001")




@dataclass(frozen=True)
class PeriodPace:
    """One rep's pace in one period: a row per metric with a target (registry order)."""

    period: Period
    workdays: int  # working days in the period, less the rep's leave
    elapsed: int  # of those, how many have passed by today (today included)
    leave_days: int  # working days of leave inside the period
    paces: tuple[MetricPace, ...]


@dataclass(frozen=True)
class RepPace:
    member_id: int
    slack_id: str
    name: str
    periods: tuple[PeriodPace, ...]
    # Mean lead over expected-by-today as a share of target: +0.08 is 8 % of target ahead.
    score: Decimal | None
    rank: int | None  # None: nothing with a target to judge
    ahead: int
    on_track: int
    behind: int
    worst: tuple[Period, MetricPace] | None

    @property
    def paces(self) -> list[MetricPace]:
        return [p for period in self.periods for p in period.paces]


@dataclass(frozen=True)
class TeamPace:
    team_id: int
    today: date
    periods: tuple[Period, ...]  # the periods with targets that contain today
    reps: tuple[RepPace, ...]  # ranked first (best first), then reps without targets


# --- time -----------------------------------------------------------------------------


def team_today(team: Team, now: datetime) -> date:
    return local_today(now, team.timezone)


def current_period_keys(today: date) -> tuple[str, str]:
    return period_containing(today, "month").key, period_containing(today, "quarter").key


# --- pace -----------------------------------------------------------------------------


def member_pace(session: Session, member_id: int, today: date) -> list[PeriodPace]:
    """My pace: each period containing today in which I have targets (month and/or quarter).

    Without any target, the current quarter with whatever I have logged (status no_target),
    so `/kpi` still shows my numbers.
    """
    member = session.get(Member, member_id)
    if member is None:
        return []
    team = member.team
    paced = _pace_by_member(session, team, today, current_period_keys(today), [member_id]).get(member_id, [])
    if paced:
        return paced
    quarter = period_containing(today, "quarter")
    return _pace_by_member(session, team, today, [quarter.key], [member_id], untargeted=True).get(member_id, [])


def team_pace(session: Session, team_id: int, today: date) -> TeamPace:
    """Every rep's pace in the periods containing today, ranked by score."""
    team = session.get(Team, team_id)
    if team is None:
        raise Refusal("kpi.no_team")
    members = queries.reps(session, team_id)
    by_member = _pace_by_member(session, team, today, current_period_keys(today), None)
    reps = [_rep_pace(m, by_member.get(m.id, [])) for m in members]
    periods = sorted({p.period for rows in by_member.values() for p in rows}, key=lambda p: (p.kind != "month", p.key))
    return TeamPace(team_id, today, tuple(periods), tuple(_ranked(reps)))


def pace_table(session: Session, team: Team, today: date, period_keys: Iterable[str]) -> dict[int, list[PeriodPace]]:
    """Pace of every member with targets in these periods, past ones included (exports)."""
    return _pace_by_member(session, team, today, list(period_keys), None)


def _pace_by_member(session: Session, team: Team, today: date, period_keys: Collection[str], member_ids: Collection[int] | None, *, untargeted: bool = False) -> dict[int, list[PeriodPace]]:
    periods = sorted({p for p in (parse_period(k) for k in period_keys) if p}, key=lambda p: (p.kind != "month", p.start))
    if not periods:
        return {}
    targets: dict[tuple[int, str], dict[str, Decimal]] = {}
    for target in queries.targets(session, team.id, [p.key for p in periods], member_ids):
        if target.metric in METRICS:
            targets.setdefault((target.member_id, target.period), {})[target.metric] = target.value
    if not targets and not untargeted:
        return {}
    calendar = team_calendar(team, session)
    zone = ZoneInfo(team.timezone)
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    windows = queries.leave_windows(
        session, team.id, _midnight(last + timedelta(days=1), zone), _midnight(first, zone), member_ids
    )
    out: dict[int, list[PeriodPace]] = {}
    for period in periods:
        wanted = {m for (m, key) in targets if key == period.key}
        if untargeted:
            wanted |= set(member_ids or ())
        if not wanted:
            continue
        totals = {(t.member_id, t.metric): t for t in queries.entry_totals(session, team.id, period.start, period.end, member_ids)}
        visits = queries.visit_counts(session, team.id, period.start, period.end, member_ids)
        workdays = frozenset(d for d in period.days() if calendar.is_workday(d))
        for member_id in sorted(wanted):
            leave = leave_dates(windows.get(member_id, ()), team.timezone, period.start, period.end)
            metric_targets = targets.get((member_id, period.key), {})
            keys = set(metric_targets)
            if untargeted:
                keys |= {k for (m, k) in totals if m == member_id} | ({"visits"} if visits.get(member_id) else set())
            paces = tuple(
                pace_for(METRICS[key], _actual(METRICS[key], member_id, totals, visits), metric_targets.get(key), period, today, workdays.__contains__, leave)
                for key in sorted((k for k in keys if k in METRICS), key=metric_order)
            )
            worked = workdays - leave
            out.setdefault(member_id, []).append(
                PeriodPace(period, len(worked), sum(1 for d in worked if d <= today), len(workdays & leave), paces)
            )
    return out


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def _actual(metric: Metric, member_id: int, totals: dict, visits: dict[int, int]) -> Decimal | None:
    if metric.key == "visits":
        return Decimal(visits.get(member_id, 0))
    total = totals.get((member_id, metric.key))
    if metric.aggregation == "mean":
        return (total.total / total.count).quantize(Decimal("0.01")) if total and total.count else None
    return total.total if total else Decimal(0)


def _rep_pace(member: Member, periods: list[PeriodPace]) -> RepPace:
    judged = [(pp.period, p) for pp in periods for p in pp.paces if p.status in ("ahead", "on_track", "behind")]
    score = None
    if judged:
        score = (-sum((p.gap_ratio for _, p in judged), Decimal(0)) / len(judged)).quantize(_RATIO)
    worst_pace = most_behind([p for _, p in judged])
    worst = next(((period, p) for period, p in judged if p is worst_pace), None)
    counts = {status: sum(1 for _, p in judged if p.status == status) for status in ("ahead", "on_track", "behind")}
    return RepPace(
        member.id, member.slack_id, member.name, tuple(periods), score, None,
        counts["ahead"], counts["on_track"], counts["behind"], worst,
    )


def _ranked(reps: list[RepPace]) -> list[RepPace]:
    """Competition ranking (1, 2, 2, 4) by score; reps with nothing to judge come last."""
    scored = sorted((r for r in reps if r.score is not None), key=lambda r: (-(r.score or Decimal(0)), r.name))
    out: list[RepPace] = []
    for index, rep in enumerate(scored):
        rank = out[-1].rank if out and out[-1].score == rep.score else index + 1
        out.append(replace(rep, rank=rank))
    return out + sorted((r for r in reps if r.score is None), key=lambda r: r.name)


# --- entries --------------------------------------------------------------------------


def check_value(metric: Metric, value: Decimal) -> None:
    """Refuse values a metric cannot take; the same rules for `/kpi log` and CSV import."""
    if metric.key == "visits":
        raise Refusal("kpi.visits_from_log", usage=True)
    if value < 0 and not metric.allows_negative:
        raise Refusal("kpi.negative_not_allowed", usage=True, metric=metric.key)
    if value == 0 and metric.aggregation == "sum":
        raise Refusal("kpi.zero_value", usage=True, metric=metric.key)
    if metric.unit == "score" and value > SCORE_MAX:
        raise Refusal("kpi.score_out_of_range", usage=True, value=value)


def split_customer(session: Session, access: VisitAccess, words: list[str]) -> tuple[Customer | None, list[str]]:
    """The longest leading run of words naming a customer (name or alias), and the rest.

    Only customers `access` may see can be named (SPEC §5): another rep's customer is
    refused with the reason (`customer_hidden`), before anything is written."""
    customers = session.scalars(select(Customer).where(Customer.team_id == access.team_id, Customer.active.is_(True))).all()
    names: dict[str, Customer] = {}
    # A name shared by a visible and a hidden customer means the visible one.
    for customer in sorted(customers, key=lambda c: not access.may_see(c)):
        for name in [customer.name, *(customer.aliases or [])]:
            names.setdefault(_fold(name), customer)
    for size in range(len(words), 0, -1):
        found = names.get(_fold(" ".join(words[:size])))
        if found is not None:
            if not access.may_see(found):
                raise Refusal("kpi.customer_hidden", name=found.name, owner=found.owner.slack_id if found.owner else None)
            return found, words[size:]
    return None, words


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def log_entry(session: Session, member: Member, metric: Metric, value: Decimal, *, occurred_on: date, now: datetime, customer: Customer | None = None, note: str | None = None, entered_by: Member | None = None, source: str = "slash", source_key: str | None = None) -> KpiEntry:
    """Record one result; a retried request (same source_key) returns the first entry."""
    check_value(metric, value)
    note = clean_short(note, "note", NOTE_LIMIT) if note else None
    if source_key:
        existing = session.scalar(select(KpiEntry).where(KpiEntry.source_key == source_key))
        if existing is not None:
            return existing
    entry = KpiEntry(
        team_id=member.team_id, member_id=member.id, metric=metric.key, value=value, occurred_on=occurred_on,
        customer_id=customer.id if customer else None, note=note or None, source=source,
        entered_by_id=(entered_by or member).id, entered_at=now, undone=False, source_key=source_key,
    )
    session.add(entry)
    session.flush()
    return entry


def undo_last(session: Session, member: Member, now: datetime) -> KpiEntry:
    """Withdraw the latest live entry this member logged by hand."""
    entry = session.scalar(
        select(KpiEntry)
        .where(KpiEntry.entered_by_id == member.id, KpiEntry.undone.is_(False), KpiEntry.source == "slash")
        .order_by(KpiEntry.entered_at.desc(), KpiEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        raise Refusal("kpi.nothing_to_undo")
    _withdraw(entry, member, now)
    session.flush()
    return entry


def undo_entry(session: Session, member: Member, entry_id: int, now: datetime) -> KpiEntry:
    """The Undo button on a `/kpi log` confirmation: only the person who logged it. The
    entry is withdrawn — kept with who and when, counted nowhere — and can be put back."""
    entry = session.get(KpiEntry, entry_id)
    if entry is None or entry.entered_by_id != member.id:
        raise Refusal("kpi.not_your_entry")
    if entry.undone:
        raise Refusal("kpi.already_undone")
    _withdraw(entry, member, now)
    session.flush()
    return entry


def restore_entry(session: Session, member: Member, entry_id: int) -> KpiEntry:
    """The Restore button on an undo's confirmation: the entry counts again."""
    entry = session.get(KpiEntry, entry_id)
    if entry is None or entry.entered_by_id != member.id:
        raise Refusal("kpi.not_your_entry")
    if not entry.undone:
        raise Refusal("kpi.already_restored")
    entry.undone, entry.withdrawn_at, entry.withdrawn_by_id = False, None, None
    session.flush()
    return entry


def _withdraw(entry: KpiEntry, member: Member, now: datetime) -> None:
    entry.undone, entry.withdrawn_at, entry.withdrawn_by_id = True, now, member.id


def customer_name(session: Session, customer_id: int | None) -> str | None:
    customer = session.get(Customer, customer_id) if customer_id else None
    return customer.name if customer else None


# --- targets --------------------------------------------------------------------------


def set_target(session: Session, team: Team, member: Member, metric: Metric, value: Decimal, period: Period) -> tuple[KpiTarget, Decimal | None]:
    """Create or change a target; returns it and the value it had before (None if new)."""
    if value < 0:
        raise Refusal("kpi.negative_target", usage=True)
    if metric.unit == "score" and value > SCORE_MAX:
        raise Refusal("kpi.score_out_of_range", usage=True, value=value)
    if member.team_id != team.id:
        raise Refusal("kpi.not_on_team", usage=True, user=member.slack_id)
    target = session.scalar(
        select(KpiTarget)
        .where(KpiTarget.member_id == member.id, KpiTarget.period == period.key, KpiTarget.metric == metric.key)
        .execution_options(include_withdrawn=True)  # one removed by a load is set again, not doubled
    )
    previous = target.value if target and target.withdrawn_at is None else None
    if target is None:
        target = KpiTarget(team_id=team.id, member_id=member.id, period=period.key, metric=metric.key, value=value)
        session.add(target)
    else:
        target.value, target.withdrawn_at = value, None
    session.flush()
    return target, previous


def member_in_team(session: Session, team_id: int, slack_id: str) -> Member | None:
    return session.scalar(
        select(Member).where(Member.team_id == team_id, Member.slack_id == slack_id, Member.active.is_(True))
    )
