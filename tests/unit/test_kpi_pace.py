"""Pace from the database: quarter and month, Chinese holidays, leave from handovers,
less-is-better metrics, zero targets, averages, ranking, and a bounded query count."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event

from domain.pace import MetricPace
from services import kpi
from storage.models import KpiTarget
from tests import kpi_scenario as scenario

D = Decimal
TODAY = scenario.TODAY  # Monday 7 December 2026: working day 44 of 62 in Q4, 5 of 23 in December


@pytest.fixture
def session(database):
    with database.session_scope() as session:
        scenario.load(session)
        yield session


def pace_of(session, slack_id: str, today: date = TODAY) -> dict[tuple[str, str], MetricPace]:
    member = scenario.member(session, slack_id)
    return {(pp.period.key, p.metric_key): p for pp in kpi.member_pace(session, member.id, today) for p in pp.paces}


def periods_of(session, slack_id: str, today: date = TODAY):
    return kpi.member_pace(session, scenario.member(session, slack_id).id, today)


def target(session, slack_id: str, period: str, metric: str, value) -> None:
    rep = scenario.member(session, slack_id)
    session.add(KpiTarget(team_id=rep.team_id, member_id=rep.id, period=period, metric=metric, value=D(str(value))))
    session.flush()


def test_quarter_expected_counts_chinese_working_days(session):
    [q4] = periods_of(session, "U0A1")
    assert (q4.period.key, q4.workdays, q4.elapsed, q4.leave_days) == ("2026Q4", 62, 44, 0)
    paces = pace_of(session, "U0A1")
    new = paces[("2026Q4", "new_customers")]
    assert (new.actual, new.target, new.expected, new.status) == (D(3), D(10), D("7.10"), "behind")
    assert paces[("2026Q4", "revenue")].status == "on_track"  # 700,000 of 709,677.42 expected


def test_national_day_week_expects_nothing_from_the_holiday(session):
    # 1–7 October 2026 are off; Saturday the 10th is a make-up working day.
    assert pace_of(session, "U0A1", date(2026, 10, 7))[("2026Q4", "new_customers")].expected == D(0)
    assert pace_of(session, "U0A1", date(2026, 10, 10))[("2026Q4", "new_customers")].expected == D("0.48")  # 10 × 3/62


def test_month_and_quarter_targets_are_both_shown_month_first(session):
    december, q4 = periods_of(session, "U0C1")
    assert (december.period.key, december.workdays, december.elapsed) == ("2026-12", 23, 5)
    assert q4.period.key == "2026Q4"
    month = december.paces[0]
    assert (month.actual, month.expected, month.status) == (D(50000), D("43478.26"), "ahead")
    assert q4.paces[0].status == "behind"  # 150,000 of 354,838.71


def test_leave_is_excluded_on_both_sides(session):
    [q4] = periods_of(session, "U0D1")
    assert (q4.workdays, q4.elapsed, q4.leave_days) == (57, 43, 5)
    assert q4.paces[0].expected == D("3.77")  # 5 × 43/57


def test_only_accepted_active_or_ended_handovers_are_leave(session):
    scenario.leave(session, "U0A1", "U0B1", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 7, tzinfo=UTC), status="declined")
    scenario.leave(session, "U0A1", "U0B1", datetime(2026, 11, 8, tzinfo=UTC), datetime(2026, 11, 14, tzinfo=UTC), status="requested")
    session.flush()
    assert periods_of(session, "U0A1")[0].leave_days == 0
    # Away 16–20 November but back on the 18th (`/handover back`): two days of leave.
    back = scenario.leave(session, "U0A1", "U0B1", datetime(2026, 11, 15, 16, tzinfo=UTC), datetime(2026, 11, 20, 16, tzinfo=UTC), status="ended")
    back.ended_at = datetime(2026, 11, 17, 16, tzinfo=UTC)
    session.flush()
    [q4] = periods_of(session, "U0A1")
    assert (q4.workdays, q4.elapsed, q4.leave_days) == (60, 42, 2)


def test_less_is_better_turns_the_comparison_round(session):
    complaints = pace_of(session, "U0B1")[("2026Q4", "complaints")]
    assert (complaints.actual, complaints.expected, complaints.status) == (D(1), D("2.13"), "ahead")
    assert complaints.gap < 0  # under the allowance
    for _ in range(2):
        scenario.entry(session, "U0B1", "complaints", 1, date(2026, 12, 1))
    session.flush()
    complaints = pace_of(session, "U0B1")[("2026Q4", "complaints")]
    assert (complaints.actual, complaints.status) == (D(3), "behind")
    assert complaints.gap == D("0.87")


def test_zero_targets(session):
    target(session, "U0E1", "2026Q4", "complaints", 0)
    target(session, "U0E1", "2026Q4", "new_customers", 0)
    paces = pace_of(session, "U0E1")
    assert paces[("2026Q4", "complaints")].status == "on_track"  # no complaint under a zero ceiling
    assert paces[("2026Q4", "new_customers")].status == "no_target"  # "at least zero" is no goal
    scenario.entry(session, "U0E1", "complaints", 1, date(2026, 12, 3))
    session.flush()
    breached = pace_of(session, "U0E1")[("2026Q4", "complaints")]
    assert (breached.status, breached.gap_ratio) == ("behind", D(1))


def test_satisfaction_is_an_average_with_its_target_from_day_one(session):
    target(session, "U0E1", "2026Q4", "satisfaction", 90)
    assert pace_of(session, "U0E1")[("2026Q4", "satisfaction")].status == "no_data"
    scenario.entry(session, "U0E1", "satisfaction", 70, date(2026, 10, 20))
    scenario.entry(session, "U0E1", "satisfaction", 80, date(2026, 11, 20))
    session.flush()
    score = pace_of(session, "U0E1")[("2026Q4", "satisfaction")]
    assert (score.actual, score.expected, score.status) == (D(75), D(90), "behind")


def test_actuals_ignore_undone_entries_other_periods_and_count_visits(session):
    scenario.entry(session, "U0A1", "new_customers", 5, date(2026, 12, 1), undone=True)
    scenario.entry(session, "U0A1", "new_customers", 5, date(2026, 9, 30))  # Q3
    scenario.entry(session, "U0A1", "revenue", -20000, date(2026, 12, 1))  # a refund
    scenario.visit(session, "U0A1", "城东小学", date(2026, 9, 29))  # Q3
    scenario.visit(session, "U0B1", "西湖文旅", date(2026, 12, 1))  # someone else's
    session.flush()
    paces = pace_of(session, "U0A1")
    assert paces[("2026Q4", "new_customers")].actual == D(3)
    assert paces[("2026Q4", "revenue")].actual == D(680000)
    assert paces[("2026Q4", "visits")].actual == D(10)


def test_without_targets_my_numbers_still_show(session):
    scenario.entry(session, "U0E1", "praise", 2, date(2026, 11, 5))
    session.flush()
    [q4] = periods_of(session, "U0E1")
    assert q4.period.key == "2026Q4"
    assert [(p.metric_key, p.actual, p.status) for p in q4.paces] == [("praise", D(2), "no_target")]


def test_team_pace_ranks_reps_by_score(session):
    team_id = scenario.member(session, "U0A1").team_id
    pace = kpi.team_pace(session, team_id, TODAY)
    assert [p.key for p in pace.periods] == ["2026-12", "2026Q4"]
    assert [(r.slack_id, r.rank) for r in pace.reps] == [("U0B1", 1), ("U0C1", 2), ("U0A1", 3), ("U0D1", 4), ("U0E1", None)]
    a1 = next(r for r in pace.reps if r.slack_id == "U0A1")
    assert (a1.ahead, a1.on_track, a1.behind) == (0, 1, 2)
    assert a1.worst is not None and a1.worst[0].key == "2026Q4" and a1.worst[1].metric_key == "new_customers"
    assert a1.score == D("-0.2653")  # −(0.41 + 0.0097 + 0.3763) / 3


def test_equal_scores_share_a_rank(session):
    from services import team_members

    team = scenario.member(session, "U0A1").team
    team_members.add_member(session, team, "U0F1", "周敏", ["rep"], None)
    for slack_id in ("U0E1", "U0F1"):
        target(session, slack_id, "2026-12", "praise", 10)
    pace = kpi.team_pace(session, team.id, TODAY)
    ranks = [(r.slack_id, r.rank) for r in pace.reps]
    # Equal scores: the same rank, in name order; the next rank skips.
    assert ranks == [("U0B1", 1), ("U0C1", 2), ("U0F1", 3), ("U0E1", 3), ("U0A1", 5), ("U0D1", 6)]


def test_team_pace_and_nudge_planning_cost_the_same_queries_for_5_or_45_reps(session, database):
    from services import kpi_nudges, team_members

    team_id = scenario.member(session, "U0A1").team_id

    def count_queries(work) -> int:
        statements: list[str] = []

        def listener(*args) -> None:
            statements.append(args[2])

        event.listen(database.engine, "before_cursor_execute", listener)
        try:
            session.expire_all()
            work()
        finally:
            event.remove(database.engine, "before_cursor_execute", listener)
        return len(statements)

    def pace() -> None:
        kpi.team_pace(session, team_id, TODAY)

    def nudges() -> None:
        kpi_nudges.plan_nudges(session, team_id, scenario.NUDGE_AT)

    small = (count_queries(pace), count_queries(nudges))
    team = scenario.member(session, "U0A1").team
    for i in range(40):
        slack_id = f"U0X{i:03d}"
        team_members.add_member(session, team, slack_id, f"rep {i}", ["rep"], None)
        target(session, slack_id, "2026Q4", "new_customers", 5)
        target(session, slack_id, "2026-12", "revenue", 1000)
        scenario.entry(session, slack_id, "new_customers", 1, date(2026, 11, 2))
        scenario.leave(session, slack_id, "U0A1", datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC))
        scenario.followup(session, slack_id, "南山能源", date(2026, 11, 30))
    session.flush()
    large = (count_queries(pace), count_queries(nudges))
    assert large == small
    assert small[0] <= 9 and small[1] <= 16  # one of them reads the team's own calendar days
