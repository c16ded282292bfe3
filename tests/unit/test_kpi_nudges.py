"""Who gets the weekly KPI nudge, about which metric, with which next step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from services import kpi_nudges
from storage import outbox
from tests import kpi_scenario as scenario

AT = scenario.NUDGE_AT


@pytest.fixture
def session(database):
    with database.session_scope() as session:
        scenario.load(session)
        yield session


def plan(session, at: datetime = AT) -> dict[str, kpi_nudges.PlannedNudge]:
    team_id = scenario.member(session, "U0A1").team_id
    return {p.slack_id: p for p in kpi_nudges.plan_nudges(session, team_id, at)}


def record(session, planned: kpi_nudges.PlannedNudge, at: datetime = AT) -> None:
    team_id = scenario.member(session, planned.slack_id).team_id
    outbox.enqueue(session, job="kpi_nudges", recipient=planned.slack_id, period=planned.outbox_period, payload={"text": "x"}, now=at, team_id=team_id)


def test_each_rep_behind_gets_the_metric_most_behind_and_a_step_from_their_data(session):
    planned = plan(session)
    assert sorted(planned) == ["U0A1", "U0B1", "U0C1"]
    a1 = planned["U0A1"]
    assert (a1.nudge.kind, a1.nudge.pace.metric_key, a1.period.key, a1.outbox_period) == ("behind", "new_customers", "2026Q4", "2026-W50")
    step = a1.nudge.next_step
    assert step is not None and step.kind == "visit_overdue_key_customers"
    assert step.customers == ("华东制造集团", "星海银行")  # most overdue first
    c1 = planned["U0C1"]
    assert (c1.nudge.pace.metric_key, c1.period.key) == ("revenue", "2026Q4")  # not December's, which is ahead
    step = c1.nudge.next_step
    assert step is not None and (step.kind, step.count) == ("clear_overdue_followups", 2)


def test_a_rep_ahead_on_everything_gets_a_well_done_keyed_by_month(session):
    b1 = plan(session)["U0B1"]
    assert (b1.nudge.kind, b1.nudge.next_step, b1.outbox_period) == ("well_done", None, "2026-12")


def test_nobody_on_leave_is_nudged(session):
    assert "U0D1" not in plan(session)
    # The same rep a week later, back at work, is nudged.
    assert plan(session, AT + timedelta(days=7))["U0D1"].nudge.kind == "behind"


def test_leave_that_is_only_requested_does_not_silence_the_nudge(session):
    scenario.leave(session, "U0A1", "U0B1", AT - timedelta(hours=2), AT + timedelta(days=2), status="requested")
    session.flush()
    assert "U0A1" in plan(session)


def test_nobody_is_nudged_twice_in_a_week(session):
    first = plan(session)
    for planned in first.values():
        record(session, planned)
    assert plan(session, AT + timedelta(days=3)) == {}  # Thursday, same ISO week
    again = plan(session, AT + timedelta(days=7))
    assert sorted(again) == ["U0A1", "U0C1", "U0D1"]  # a new week; 李娜's well-done waits for January


def test_a_well_done_this_week_also_counts_as_this_weeks_message(session):
    record(session, plan(session)["U0B1"])
    for _ in range(3):
        scenario.entry(session, "U0B1", "complaints", 1, date(2026, 12, 8))
    session.flush()
    assert "U0B1" not in plan(session, AT + timedelta(days=1))  # now behind, but already heard from us
    assert plan(session, AT + timedelta(days=7))["U0B1"].nudge.pace.metric_key == "complaints"


def test_well_done_again_next_month(session):
    record(session, plan(session)["U0B1"])
    scenario.entry(session, "U0B1", "new_customers", 10, date(2027, 1, 5))
    from storage.models import KpiTarget

    b1 = scenario.member(session, "U0B1")
    session.add(KpiTarget(team_id=b1.team_id, member_id=b1.id, period="2027Q1", metric="new_customers", value=10))
    session.flush()
    january = plan(session, datetime(2027, 1, 11, 1, 30, tzinfo=UTC))["U0B1"]
    assert (january.nudge.kind, january.outbox_period) == ("well_done", "2027-01")


def test_visits_behind_with_nothing_overdue_suggests_logging_visits(session):
    from storage.models import KpiTarget

    a1 = scenario.member(session, "U0A1")
    for row in session.scalars(select(KpiTarget).where(KpiTarget.member_id == a1.id, KpiTarget.metric != "visits")):
        session.delete(row)
    for name in ("华东制造集团", "星海银行"):
        scenario.visit(session, "U0A1", name, date(2026, 12, 4))
    session.flush()
    step = plan(session)["U0A1"].nudge.next_step
    assert step is not None and (step.kind, step.days_since_last_visit) == ("log_visits", 3)


def test_never_visited_key_customers_count_from_when_the_team_started(session):
    facts = kpi_nudges.nudge_facts(session, scenario.member(session, "U0A1").team, scenario.TODAY)
    d1 = scenario.member(session, "U0D1")
    # 北辰医院 was never visited; the team exists since 1 September, so it is long overdue.
    assert facts[d1.id].key_customers_past_cadence == ("北辰医院",)
    assert facts[d1.id].days_since_last_visit is None
    c1 = scenario.member(session, "U0C1")
    assert (facts[c1.id].overdue_followups, facts[c1.id].followups_due_this_week) == (2, 0)


def test_follow_ups_due_this_week_are_counted_for_complaints(session):
    scenario.followup(session, "U0B1", "西湖文旅", date(2026, 12, 10))
    scenario.followup(session, "U0B1", "西湖文旅", date(2026, 12, 14))  # next week
    for _ in range(3):
        scenario.entry(session, "U0B1", "complaints", 1, date(2026, 12, 4))
    session.flush()
    b1 = plan(session)["U0B1"]
    step = b1.nudge.next_step
    assert step is not None
    assert (b1.nudge.pace.metric_key, step.kind, step.count) == ("complaints", "finish_followups_due_this_week", 1)


def test_no_targets_anywhere_means_no_nudges(database):
    with database.session_scope() as session:
        from services import team_config

        team = team_config.load(session, scenario.FIXTURE.read_text("utf-8").split("targets:")[0], scenario.CREATED)
        assert kpi_nudges.plan_nudges(session, team.id, AT) == []
