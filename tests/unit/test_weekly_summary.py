"""The weekly summary of the demo team on Friday 4 December 2026, checked against the
records it is computed from."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import clock
from services.kpi import team_pace
from services.themes import points, recurring_themes
from services.weekly_summary import weekly_summary
from storage.models import Followup, KpiEntry, Member, Question, Visit
from storage.visits import customers_past_cadence
from tests import reports_scenario as scenario

MONDAY, SUNDAY = date(2026, 11, 30), date(2026, 12, 6)


@pytest.fixture
def demo(database):
    clock.freeze(scenario.FRIDAY)
    with database.session_scope() as session:
        team_id = scenario.load(session)
    with database.session_scope() as session:
        return team_id, weekly_summary(session, team_id, scenario.FRIDAY)


def slack_ids(session) -> dict[int, str]:
    return dict(session.execute(select(Member.id, Member.slack_id)).all())


def test_the_week_and_the_meeting(demo):
    _, s = demo
    assert (s.week, s.monday, s.sunday, s.today) == ("2026-W49", MONDAY, SUNDAY, date(2026, 12, 4))
    assert (s.meeting_day, s.meeting_time, s.channel, s.language) == (date(2026, 12, 4), "16:00", "C0TEAM", "zh")


def test_visits_per_rep_this_week_and_last_are_the_logged_visits(database, demo):
    _, s = demo
    with database.session_scope() as session:
        ids = slack_ids(session)
        rows = session.execute(select(Visit.rep_id, Visit.visit_date)).all()
    this_week = Counter(ids[rep] for rep, day in rows if MONDAY <= day <= SUNDAY)
    last_week = Counter(ids[rep] for rep, day in rows if MONDAY - timedelta(days=7) <= day < MONDAY)
    assert {r.slack_id: r.visits for r in s.reps if r.visits} == dict(this_week)
    assert {r.slack_id: r.visits_last_week for r in s.reps if r.visits_last_week} == dict(last_week)
    assert (s.visits, s.visits_last_week) == (sum(this_week.values()), sum(last_week.values()))
    assert s.visits > 0 and [r.visits for r in s.reps] == sorted((r.visits for r in s.reps), reverse=True)
    assert "U0REP9" in {r.slack_id for r in s.reps}  # a rep with nothing logged still has a line


def test_follow_ups_done_this_week_and_overdue_today(database, demo):
    _, s = demo
    with database.session_scope() as session:
        ids = slack_ids(session)
        followups = session.scalars(select(Followup)).all()
        start, end = scenario.shanghai(MONDAY), scenario.shanghai(SUNDAY + timedelta(days=1))
        done = Counter(ids[f.owner_id] for f in followups if f.status == "done" and start <= f.done_at < end)
        overdue = Counter(ids[f.owner_id] for f in followups if f.status == "open" and f.due and f.due < s.today)
    assert {r.slack_id: r.followups_done for r in s.reps if r.followups_done} == dict(done)
    assert {r.slack_id: r.followups_overdue for r in s.reps if r.followups_overdue} == dict(overdue)
    assert s.followups_overdue == s.agenda.followups_total == sum(overdue.values()) > 0
    shown = s.agenda.followups
    assert len(shown) == min(8, s.followups_overdue) and [f.due for f in shown] == sorted(f.due for f in shown)
    assert all(f.due < s.today for f in shown)


def test_needs_and_concerns_are_grouped_most_frequent_first(database, demo):
    _, s = demo
    with database.session_scope() as session:
        rows = session.execute(select(Visit.needs, Visit.concerns).where(Visit.visit_date.between(MONDAY, SUNDAY))).all()
    needs = Counter(p for n, _ in rows for p in points(n))
    concerns = Counter(p for _, c in rows for p in points(c))
    # The demo's phrases are distinct enough that no two are merged: each theme is one phrase.
    assert {t.text: t.mentions for t in s.needs} == dict(needs)
    assert {t.text: t.mentions for t in s.concerns} == dict(concerns)
    assert [t.mentions for t in s.needs] == sorted(needs.values(), reverse=True)


def test_themes_merge_spellings_of_the_same_point():
    themes = recurring_themes([
        (1, 10, "专线扩容到 200M；价格"),
        (2, 11, "专线扩容到200M"),
        (3, 12, "ＭＰＬＳ 专线扩容到 200M。"),
        (4, 12, "Price"),
        (5, 13, "price"),
        (6, 13, None),
    ])
    assert [(t.mentions, t.customers) for t in themes] == [(3, 3), (2, 2), (1, 1)]
    assert themes[0].text in {"专线扩容到 200M", "专线扩容到200M"} and themes[1].text.lower() == "price"


def test_handovers_this_week_and_next(demo):
    _, s = demo
    assert s.handovers_this_week == ()
    assert [(h.member, h.cover, h.status) for h in s.handovers_next_week] == [("U0REP3", "U0REP4", "requested"), ("U0REP4", "U0REP3", "accepted")]


def test_questions_asked_answered_escalated_this_week(database, demo):
    _, s = demo
    with database.session_scope() as session:
        start, end = scenario.shanghai(MONDAY), scenario.shanghai(SUNDAY + timedelta(days=1))
        asked = session.scalars(select(Question).where(Question.asked_at >= start, Question.asked_at < end)).all()
    q = s.questions
    assert q.asked == len(asked) >= 2
    assert q.answered == sum(1 for x in asked if x.status in ("answered", "resolved"))
    assert q.open == sum(1 for x in asked if x.status in ("open", "claimed")) == 1
    assert q.to_answer.count == q.answered and q.to_answer.median_minutes is not None
    [waiting] = s.agenda.questions
    assert waiting.text.startswith("<!channel>") and waiting.overdue and s.agenda.questions_total == 1


def test_pace_is_the_kpi_pace(database, demo):
    team_id, s = demo
    with database.session_scope() as session:
        assert s.pace == team_pace(session, team_id, s.today)
    ranks = {r.slack_id: r.rank for r in s.pace.reps}
    assert {r.slack_id: r.rank for r in s.reps} == {k: ranks.get(k) for k in {r.slack_id for r in s.reps}}
    assert sorted(r for r in ranks.values() if r) == list(range(1, 9))


def test_praise_and_complaints_are_this_weeks_entries(database, demo):
    _, s = demo
    with database.session_scope() as session:
        ids = slack_ids(session)
        entries = session.scalars(select(KpiEntry).where(KpiEntry.occurred_on.between(MONDAY, SUNDAY), KpiEntry.undone.is_(False))).all()
    for metric, total in (("praise", s.praise), ("complaints", s.complaints)):
        by_rep: Counter[str] = Counter()
        for e in entries:
            if e.metric == metric:
                by_rep[ids[e.member_id]] += e.value
        assert total == sum(by_rep.values(), Decimal(0))
        assert {r.slack_id: getattr(r, metric) for r in s.reps if getattr(r, metric)} == dict(by_rep)
    assert {e.metric for e in s.kudos} <= {"praise", "complaints"} and len(s.kudos) == min(8, sum(1 for e in entries if e.metric in ("praise", "complaints")))


def test_agenda_customers_are_the_key_customers_past_cadence(database, demo):
    team_id, s = demo
    with database.session_scope() as session:
        expected = customers_past_cadence(session, team_id, s.today, tiers=("key",))
    assert list(s.agenda.customers) == expected[:8] and s.agenda.customers_total == len(expected) > 0
    assert s.agenda.total == s.agenda.followups_total + len(expected) + 1
