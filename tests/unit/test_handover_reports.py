"""What the brief and the hand-back contain, and the coverage facts the digests use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from services import handover_reports as reports
from storage.models import Customer, Followup, Handover, Member, Question, Topic, Visit

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 1 Dec, 09:00 in Shanghai
START = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)  # 10 Dec 00:00 in Shanghai
END = datetime(2026, 12, 12, 16, 0, tzinfo=UTC)  # end of 12 Dec


@pytest.fixture
def people(database, team):
    with database.session_scope() as s:
        return {m.slack_id: m.id for m in s.scalars(select(Member))}


def add_handover(s, team: int, member: int, cover: int | None, status: str, start=START, end=END, **extra) -> Handover:
    row = Handover(team_id=team, member_id=member, cover_id=cover, starts_at=start, ends_at=end, status=status, created_at=NOW, **extra)
    s.add(row)
    s.flush()
    return row


def customer(s, team: int, name: str, owner: int, tier: str = "regular") -> Customer:
    row = Customer(team_id=team, name=name, owner_id=owner, tier=tier, aliases=[])
    s.add(row)
    s.flush()
    return row


def test_brief_lists_what_falls_in_the_window(database, team, people):
    a, b = people["U0A1"], people["U0B1"]
    with database.session_scope() as s:
        key = s.scalar(select(Customer).where(Customer.name == "华东制造集团"))
        premium = customer(s, team, "Acme Premium", a, "premium")
        customer(s, team, "Small Shop", a)
        customer(s, team, "B's own", b, "key")
        visit = Visit(team_id=team, customer_id=key.id, rep_id=a, logged_by_id=a, visit_date=date(2026, 11, 30), concerns="price", next_visit=date(2026, 12, 11), logged_at=NOW)
        s.add(visit)
        s.add(Visit(team_id=team, customer_id=premium.id, rep_id=a, logged_by_id=a, visit_date=date(2026, 11, 1), next_visit=date(2026, 12, 20), logged_at=NOW))
        s.flush()
        for text, due in [("overdue", date(2026, 11, 28)), ("in window", date(2026, 12, 12)), ("after", date(2026, 12, 13))]:
            s.add(Followup(team_id=team, visit_id=visit.id, customer_id=key.id, text=text, owner_id=a, due=due, created_at=NOW))
        s.add(Question(team_id=team, asker_id=a, text="open one", status="open", asked_at=NOW))
        s.add(Question(team_id=team, asker_id=a, text="done one", status="answered", asked_at=NOW))
        handover_id = add_handover(s, team, a, b, "requested").id
    with database.session_scope() as s:
        brief = reports.brief(s, handover_id, NOW)
    assert brief.customers_total == 3
    assert [c.name for c in brief.important] == ["华东制造集团", "Acme Premium"]
    assert brief.important[0].concerns == "price" and brief.important[0].last_visit == date(2026, 11, 30)
    assert [(f.text, f.overdue) for f in brief.followups] == [("overdue", True), ("in window", False)]
    assert [(p.customer, p.on) for p in brief.planned] == [("华东制造集团", date(2026, 12, 11))]
    assert [q.text for q in brief.questions] == ["open one"]
    assert [c.name for c in brief.past_cadence][:1] == ["Small Shop"]  # never visited: overdue first


def test_hand_back_counts_what_others_did_in_the_window(database, team, people):
    a, b, s1 = people["U0A1"], people["U0B1"], people["U0S1"]
    with database.session_scope() as s:
        key = s.scalar(select(Customer).where(Customer.name == "华东制造集团"))
        during = START + timedelta(days=1)
        by_b = Visit(team_id=team, customer_id=key.id, rep_id=b, logged_by_id=b, visit_date=date(2026, 12, 11), logged_at=during)
        by_a_before = Visit(team_id=team, customer_id=key.id, rep_id=a, logged_by_id=a, visit_date=date(2026, 12, 1), logged_at=NOW)
        s.add_all([by_b, by_a_before])
        s.flush()
        s.add(Followup(team_id=team, visit_id=by_b.id, customer_id=key.id, text="done by B", owner_id=a, status="done", done_at=during, done_by_id=b, created_at=NOW))
        s.add(Followup(team_id=team, visit_id=by_b.id, customer_id=key.id, text="still open", owner_id=a, due=date(2026, 12, 20), created_at=NOW))
        topic = s.scalar(select(Topic).where(Topic.key == "circuit"))
        # S1 is away and is a circuit responder: B answered a circuit question for them.
        s.add(Question(team_id=team, asker_id=a, text="A's question", status="answered", asked_at=NOW, answered_at=during, answered_by_id=s1))
        s.add(Question(team_id=team, asker_id=b, topic_id=topic.id, text="unrelated", status="answered", asked_at=NOW, answered_at=during, answered_by_id=s1))
        handover_id = add_handover(s, team, a, b, "ended", ended_at=END).id
    with database.session_scope() as s:
        summary = reports.handback(s, handover_id, END)
    assert [(v.customer, v.logged_by) for v in summary.visits] == [("华东制造集团", "U0B1")]
    assert [(f.text, f.done_by) for f in summary.followups_done] == [("done by B", "U0B1")]
    assert [f.text for f in summary.followups_open] == ["still open"]
    assert [q.text for q in summary.questions_answered] == ["A's question"]


def test_coverage_gaps_for_the_manager_digest(database, team, people):
    a, b, s1, mgr = people["U0A1"], people["U0B1"], people["U0S1"], people["U0MGR"]
    with database.session_scope() as s:
        s.add(Member(team_id=team, slack_id="U0SOLO", name="solo", roles=["rep"]))
        # Loaded from YAML while both were already away: the bot itself never allows it.
        add_handover(s, team, a, s1, "accepted")
        add_handover(s, team, b, mgr, "active", start=START + timedelta(days=1), end=END + timedelta(days=3))
        add_handover(s, team, s1, None, "requested", start=END + timedelta(days=5), end=END + timedelta(days=6))
        add_handover(s, team, s1, None, "declined", start=END + timedelta(days=7), end=END + timedelta(days=8))
        add_handover(s, team, s1, None, "requested", start=NOW + timedelta(days=60), end=NOW + timedelta(days=61))
    with database.session_scope() as s:
        gaps = reports.coverage_gaps(s, team, NOW)
    assert gaps.unpaired == ["U0SOLO"]
    [clash] = gaps.pairs_both_away
    assert clash.members == ("U0A1", "U0B1")
    assert (clash.window.starts_at, clash.window.ends_at) == (START + timedelta(days=1), END)
    assert (clash.window.first_day, clash.window.last_day) == (date(2026, 12, 11), date(2026, 12, 12))
    assert [(h.member, h.status) for h in gaps.unanswered] == [("U0S1", "requested")]


def test_handovers_between_for_the_weekly_summary(database, team, people):
    a, b = people["U0A1"], people["U0B1"]
    with database.session_scope() as s:
        add_handover(s, team, a, b, "ended", start=NOW - timedelta(days=3), end=NOW - timedelta(days=1), ended_at=NOW - timedelta(days=1))
        add_handover(s, team, b, a, "accepted", start=NOW + timedelta(days=10), end=NOW + timedelta(days=12))
        add_handover(s, team, b, a, "cancelled", start=NOW, end=NOW + timedelta(days=1))
    with database.session_scope() as s:
        week = reports.handovers_between(s, team, NOW - timedelta(days=7), NOW + timedelta(days=7))
        fortnight = reports.handovers_between(s, team, NOW - timedelta(days=7), NOW + timedelta(days=14), statuses=("accepted",))
    assert [(h.member, h.status) for h in week] == [("U0A1", "ended")]
    assert [(h.member, h.cover) for h in fortnight] == [("U0B1", "U0A1")]
