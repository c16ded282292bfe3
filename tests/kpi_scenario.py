"""The KPI test team (tests/fixtures/kpi_team.yaml) and its history up to Monday
7 December 2026, 09:30 in Shanghai: the default time of the weekly nudge.

- 张伟 (U0A1) is behind on new customers (3 of 7.1 expected) and on visits; two of his key
  customers are past their cadence; revenue is on track.
- 李娜 (U0B1) is ahead on everything: a well-done.
- 赵磊 (U0C1) is behind on Q4 revenue but ahead on December's; two follow-ups overdue.
- 刘洋 (U0D1) is behind but on leave (accepted handover to U0C1) this week.
- 孙丽 (U0E1) has no targets.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from services import team_config
from storage.models import Customer, Followup, Handover, KpiEntry, Member, Visit
from tests import snapshots

FIXTURE = Path(__file__).parent / "fixtures" / "kpi_team.yaml"
NUDGE_AT = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # Monday 09:30 Asia/Shanghai
TODAY = date(2026, 12, 7)
CREATED = datetime(2026, 9, 1, tzinfo=UTC)


def member(session: Session, slack_id: str) -> Member:
    return session.scalars(select(Member).where(Member.slack_id == slack_id)).one()


def customer(session: Session, name: str) -> Customer:
    return session.scalars(select(Customer).where(Customer.name == name)).one()


def entry(session: Session, slack_id: str, metric: str, value: str | int, day: date, **extra) -> KpiEntry:
    rep = member(session, slack_id)
    extra.setdefault("undone", False)
    row = KpiEntry(team_id=rep.team_id, member_id=rep.id, metric=metric, value=Decimal(str(value)), occurred_on=day,
                   source="import", entered_by_id=None, entered_at=CREATED, **extra)
    session.add(row)
    return row


def visit(session: Session, slack_id: str, customer_name: str, day: date) -> Visit:
    rep = member(session, slack_id)
    row = Visit(team_id=rep.team_id, customer_id=customer(session, customer_name).id, rep_id=rep.id,
                logged_by_id=rep.id, visit_date=day, logged_at=CREATED)
    session.add(row)
    return row


def followup(session: Session, slack_id: str, customer_name: str, due: date, status: str = "open") -> Followup:
    rep = member(session, slack_id)
    row = Followup(team_id=rep.team_id, customer_id=customer(session, customer_name).id, text="send the quote",
                   owner_id=rep.id, due=due, status=status, created_at=CREATED)
    session.add(row)
    return row


def leave(session: Session, slack_id: str, cover: str, starts: datetime, ends: datetime, status: str = "accepted") -> Handover:
    rep = member(session, slack_id)
    row = Handover(team_id=rep.team_id, member_id=rep.id, cover_id=member(session, cover).id, starts_at=starts,
                   ends_at=ends, status=status, created_at=CREATED)
    session.add(row)
    return row


def load(session: Session) -> int:
    """The scenario in the caller's session (a copy of its first load, see tests/snapshots.py)."""
    return snapshots.load(session, "kpi_scenario", write)


def write(session: Session) -> int:
    team = team_config.load(session, FIXTURE.read_text("utf-8"), CREATED)
    # 张伟: 3 new customers, revenue on pace, 10 visits (21.3 expected)
    for day in (date(2026, 10, 15), date(2026, 11, 3), date(2026, 11, 20)):
        entry(session, "U0A1", "new_customers", 1, day)
    entry(session, "U0A1", "revenue", 700000, date(2026, 11, 30))
    for day in (date(2026, 10, 12), date(2026, 10, 26), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23),
                date(2026, 11, 24), date(2026, 11, 25)):
        visit(session, "U0A1", "城东小学", day)
    visit(session, "U0A1", "华东制造集团", date(2026, 10, 20))  # 34 days past its 14-day cadence
    visit(session, "U0A1", "星海银行", date(2026, 11, 1))  # 22 days past the default 14
    visit(session, "U0A1", "长江物流", date(2026, 12, 1))  # within cadence
    # 李娜: ahead on new customers, under the complaints allowance
    for _ in range(9):
        entry(session, "U0B1", "new_customers", 1, date(2026, 11, 10))
    entry(session, "U0B1", "complaints", 1, date(2026, 10, 30))
    # 赵磊: Q4 revenue behind, December's ahead; two overdue follow-ups, one done
    entry(session, "U0C1", "revenue", 100000, date(2026, 10, 20))
    entry(session, "U0C1", "revenue", 50000, date(2026, 12, 2))
    followup(session, "U0C1", "南山能源", date(2026, 11, 30))
    followup(session, "U0C1", "南山能源", date(2026, 12, 3))
    followup(session, "U0C1", "南山能源", date(2026, 11, 1), status="done")
    # 刘洋: nothing yet, and away all week
    leave(session, "U0D1", "U0C1", datetime(2026, 12, 6, 16, tzinfo=UTC), datetime(2026, 12, 11, 16, tzinfo=UTC))
    session.flush()
    return team.id
