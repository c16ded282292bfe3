"""The demo team (demo/team.yaml and console/demo_seed.py) on a frozen week, for the
weekly summary and the manager digest.

The seeded history ends on Friday 4 December 2026; the summary runs at 15:30 that day
(30 minutes before the 16:00 meeting) and the digest on Monday 7 December at 08:30,
Shanghai time. On top of the seed:

- 刘洋 (U0REP3) asked 陈静 (U0REP4) to cover 8–10 December (not answered yet), and 陈静
  is away 9–11 December with 刘洋 covering: the pair is both away on the 9th and 10th.
- 吴磊 (U0REP9), a new rep, has no A/B partner.
- A question asked on Thursday 3 December at 10:00 was never claimed (past its SLA).
- 李娜 (U0REP2) lost a customer in the week of 30 November, with a note.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.demo_seed import load_demo_team, seed_history
from storage.models import (
    Customer,
    Followup,
    Handover,
    KpiEntry,
    KpiTarget,
    Member,
    Question,
    QuestionEvent,
    Topic,
    Visit,
)
from tests import snapshots

FRIDAY = datetime(2026, 12, 4, 7, 30, tzinfo=UTC)  # 15:30 in Shanghai
MONDAY = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
TODAY = date(2026, 12, 4)
CREATED = datetime(2026, 9, 1, tzinfo=UTC)


def member(session: Session, slack_id: str) -> Member:
    return session.scalars(select(Member).where(Member.slack_id == slack_id)).one()


def shanghai(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8)


def load(session: Session) -> int:
    """The scenario in the caller's session (a copy of its first load, see tests/snapshots.py)."""
    return snapshots.load(session, "reports_scenario", write)


def write(session: Session) -> int:
    team = load_demo_team(session, CREATED)
    seed_history(session, team, TODAY)
    rep3, rep4, rep2 = member(session, "U0REP3"), member(session, "U0REP4"), member(session, "U0REP2")
    session.add_all([
        Handover(team_id=team.id, member_id=rep3.id, cover_id=rep4.id, starts_at=shanghai(date(2026, 12, 8)),
                 ends_at=shanghai(date(2026, 12, 11)), status="requested", reason="年假", created_at=CREATED),
        Handover(team_id=team.id, member_id=rep4.id, cover_id=rep3.id, starts_at=shanghai(date(2026, 12, 9)),
                 ends_at=shanghai(date(2026, 12, 12)), status="accepted", reason="培训", created_at=CREATED),
        Member(team_id=team.id, slack_id="U0REP9", name="吴磊", roles=["rep"], rep_level="junior", active=True),
    ])
    topic = session.scalars(select(Topic).where(Topic.team_id == team.id, Topic.key == "circuit")).one()
    support = member(session, "U0SUP1")
    asked = shanghai(date(2026, 12, 3), 10)
    question = Question(team_id=team.id, asker_id=rep2.id, topic_id=topic.id, level=1, text="<!channel> 专线资源核查要多久？",
                        status="open", assignee_id=support.id, asked_at=asked, routed_at=asked,
                        sla_due_at=asked + timedelta(hours=2), escalations=0)
    session.add(question)
    session.flush()
    session.add(QuestionEvent(question_id=question.id, kind="routed", assignee_id=support.id, level=1, at=asked))
    customer = session.scalar(select(Customer).where(Customer.owner_id == rep2.id).order_by(Customer.id))
    assert customer is not None
    session.add(KpiEntry(team_id=team.id, member_id=rep2.id, metric="lost_customers", value=Decimal(1), occurred_on=date(2026, 12, 2),
                         customer_id=customer.id, note="转网到友商 & 不再续约", source="import", entered_at=CREATED, undone=False))
    session.flush()
    return team.id


def add_reps(session: Session, team_id: int, count: int, *, prefix: str = "X") -> None:
    """`count` more reps, each with customers, visits this week and last, follow-ups done
    and overdue, targets, praise and complaints: more of everything the reports count."""
    previous = None
    for i in range(count):
        rep = Member(team_id=team_id, slack_id=f"U{prefix}{i:04d}", name=f"rep {prefix}{i:04d}", roles=["rep"], rep_level="junior", active=True)
        session.add(rep)
        session.flush()
        customers = [
            Customer(team_id=team_id, name=f"{prefix} customer {i}-{k}", aliases=[], owner_id=rep.id, tier=tier, active=True)
            for k, tier in enumerate(("key", "premium", "regular"))
        ]
        session.add_all(customers)
        session.flush()
        for day in (date(2026, 11, 24), date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)):
            visit = Visit(team_id=team_id, customer_id=customers[i % 3].id, rep_id=rep.id, logged_by_id=rep.id, visit_date=day,
                          needs=f"需求 {i % 5}", concerns="价格", logged_at=shanghai(day, 18))
            session.add(visit)
            session.flush()
            session.add(Followup(team_id=team_id, visit_id=visit.id, customer_id=visit.customer_id, text="报价", owner_id=rep.id,
                                 due=day + timedelta(days=1), status="open" if day < date(2026, 12, 2) else "done",
                                 done_at=None if day < date(2026, 12, 2) else shanghai(day, 20), created_at=shanghai(day, 18)))
        if previous is not None and i % 10 == 0:
            session.add(Handover(team_id=team_id, member_id=rep.id, cover_id=previous.id, starts_at=shanghai(date(2026, 12, 8)),
                                 ends_at=shanghai(date(2026, 12, 10)), status="requested", created_at=CREATED))
        previous = rep
        session.add_all([
            KpiTarget(team_id=team_id, member_id=rep.id, period="2026Q4", metric="visits", value=Decimal(20)),
            KpiTarget(team_id=team_id, member_id=rep.id, period="2026Q4", metric="new_customers", value=Decimal(5)),
            KpiEntry(team_id=team_id, member_id=rep.id, metric="praise", value=Decimal(1), occurred_on=date(2026, 12, 1),
                     customer_id=customers[0].id, note="thanks", source="import", entered_at=CREATED, undone=False),
            KpiEntry(team_id=team_id, member_id=rep.id, metric="complaints", value=Decimal(1), occurred_on=date(2026, 12, 2),
                     source="import", entered_at=CREATED, undone=False),
        ])
    session.flush()
