"""Response-time statistics for the digests, from questions driven through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services import knowledge, question_escalation, questions, team_admin
from services.knowledge import EntryFields
from services.questions import Draft
from storage.models import Team
from storage.question_stats import ResponseTimes, response_stats

MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def at(minutes: int) -> datetime:
    return MONDAY + timedelta(minutes=minutes)


def test_response_stats_per_responder_and_per_topic(database, team):
    with database.session_scope() as s:
        t = s.get(Team, team)
        team_admin.add_topic(s, t, "billing", name="账单", keywords=["发票"], lead_days="1", lead_note=None)
        team_admin.set_responders(s, t, "billing", "1", ["U0S1"])
    with database.session_scope() as s:
        q1 = questions.ask(s, "U0A1", Draft("MPLS one", "circuit"), at(0), source_key="k1").card.id
        questions.claim(s, q1, "U0S1", at(30))
        questions.answer(s, q1, "U0S1", "three days", at(60))
        q2 = questions.ask(s, "U0B1", Draft("MPLS two", "circuit"), at(60), source_key="k2").card.id
    with database.session_scope() as s:
        moved = question_escalation.escalate_overdue(s, team, at(180))  # 2 working hours later
        assert [m.card.assignee for m in moved] == ["U0S2"]
        questions.claim(s, q2, "U0S2", at(200))
        questions.answer(s, q2, "U0S2", "five days", at(240))
        questions.ask(s, "U0A1", Draft("发票 three", "billing"), at(300), source_key="k3")
        entry, _ = knowledge.add_from_question(s, q1, "U0S1", EntryFields("MPLS one", "three days", "circuit", ()), at(305))
        knowledge.deflected(s, entry.id, "U0B1", at(310))
    with database.session_scope() as s:
        stats = response_stats(s, team, MONDAY - timedelta(days=1), MONDAY + timedelta(days=1))
    assert (stats.asked, stats.answered, stats.escalated, stats.open, stats.deflected) == (3, 2, 1, 1, 1)
    assert stats.deflection_rate == 0.25  # one of the four questions people had never reached support
    levels = {(level.key, level.level): level for level in stats.levels}
    circuit = levels[("circuit", 1)]  # both first routed to level 1: claimed after 30 and 140 minutes, SLA 120
    assert (circuit.asked, circuit.sla_met, circuit.sla_counted, circuit.to_first_response.median_minutes) == (2, 1, 2, 85.0)
    assert (levels[("billing", 1)].sla_met, levels[("billing", 1)].sla_counted) == (0, 1)  # still unclaimed, past its SLA
    assert (stats.sla_met, stats.sla_counted) == (1, 3)
    assert stats.to_claim == ResponseTimes(2, 85.0, 85.0)  # 30 and 140 minutes after asking
    topics = {t.key: t for t in stats.topics}
    assert (topics["circuit"].asked, topics["circuit"].answered, topics["circuit"].escalated) == (2, 2, 1)
    assert topics["circuit"].to_answer == ResponseTimes(2, 120.0, 120.0)  # 60 and 180
    assert (topics["billing"].asked, topics["billing"].open, topics["billing"].to_claim.count) == (1, 1, 0)
    people = {r.slack_id: r for r in stats.responders}
    s1, s2 = people["U0S1"], people["U0S2"]
    assert (s1.assigned, s1.claimed, s1.answered, s1.escalated_away) == (3, 1, 1, 1)
    assert (s1.to_claim, s1.to_answer) == (ResponseTimes(1, 30.0, 30.0), ResponseTimes(1, 60.0, 60.0))
    # U0S2 is timed from when the question reached them, not from when it was asked.
    assert (s2.assigned, s2.claimed, s2.answered) == (1, 1, 1)
    assert (s2.to_claim, s2.to_answer) == (ResponseTimes(1, 20.0, 20.0), ResponseTimes(1, 60.0, 60.0))


def test_working_minutes_skip_the_weekend(database, team):
    friday_17 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    with database.session_scope() as s:
        q = questions.ask(s, "U0A1", Draft("MPLS weekend", "circuit"), friday_17, source_key="w").card.id
        questions.claim(s, q, "U0S1", datetime(2026, 12, 7, 1, 10, tzinfo=UTC))  # Monday 09:10
    with database.session_scope() as s:
        stats = response_stats(s, team, friday_17, friday_17 + timedelta(days=7))
    assert stats.to_claim == ResponseTimes(1, 70.0, 70.0)  # 60 on Friday + 10 on Monday


def test_an_empty_window(database, team):
    with database.session_scope() as s:
        stats = response_stats(s, team, MONDAY, MONDAY + timedelta(days=1))
    assert (stats.asked, stats.responders, stats.topics, stats.to_answer) == (0, [], [], ResponseTimes(0, None, None))


def test_open_and_escalated_questions_for_the_digests(database, team):
    from storage import questions as store

    with database.session_scope() as s:
        first = questions.ask(s, "U0A1", Draft("MPLS first", "circuit"), at(0), source_key="o1").card.id
        second = questions.ask(s, "U0B1", Draft("MPLS second", "circuit"), at(10), source_key="o2").card.id
        questions.answer(s, second, "U0S1", "done", at(20))
    with database.session_scope() as s:
        question_escalation.escalate_overdue(s, team, at(150))
    with database.session_scope() as s:
        assert [q.id for q in store.open_questions(s, team)] == [first]
        assert [q.id for q in store.escalated_questions(s, team, MONDAY, MONDAY + timedelta(days=1))] == [first]
        assert store.escalated_questions(s, team, MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)) == []
        assignee_id = store.fresh(s, first).assignee_id
        assert assignee_id is not None
        assert [q.id for q in store.queue_for(s, assignee_id)] == [first]
