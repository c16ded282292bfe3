"""services.home: the manager's team snapshot costs the same number of SQL statements for
5 reps as for 80, and the Home's lists are cut with their full length kept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import event, select

from services import home
from storage.models import Customer, Followup, KpiTarget, Member, Team

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai
TODAY = date(2026, 11, 18)


def grow(session, team_id: int, reps: int, prefix: str) -> None:
    """`reps` account managers, each with a target, a key customer nobody visited and an
    overdue follow-up."""
    for n in range(reps):
        rep = Member(team_id=team_id, slack_id=f"U{prefix}{n:03d}", name=f"Rep {prefix}{n:03d}", roles=["rep"], rep_level="junior")
        session.add(rep)
        session.flush()
        customer = Customer(team_id=team_id, name=f"Customer {prefix}{n:03d}", aliases=[], owner_id=rep.id, tier="key")
        session.add_all([customer, KpiTarget(team_id=team_id, member_id=rep.id, period="2026Q4", metric="new_customers", value=Decimal(10))])
        session.flush()
        session.add(Followup(team_id=team_id, customer_id=customer.id, owner_id=rep.id, text="quote", due=TODAY - timedelta(days=3), status="open", created_at=NOW))
    session.flush()


@contextmanager
def counting(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def snapshot_statements(database, team_id: int) -> tuple[int, home.TeamSnapshot]:
    with database.session_scope() as session:
        team = session.get(Team, team_id)
        with counting(database.engine) as statements:
            snapshot = home.team_snapshot(session, team, NOW, TODAY)
        return len(statements), snapshot


def test_the_team_snapshot_costs_a_fixed_number_of_queries(database, team):
    with database.session_scope() as session:
        grow(session, team, 5, "A")
    small, before = snapshot_statements(database, team)
    with database.session_scope() as session:
        grow(session, team, 75, "B")
    large, after = snapshot_statements(database, team)
    assert (before.reps, after.reps) == (2 + 5, 2 + 5 + 75)
    assert (before.behind, after.behind) == (6, 81)  # 张伟 has a target too
    assert after.overdue_followups == before.overdue_followups + 75
    assert after.key_past_cadence == before.key_past_cadence + 75
    assert after.coverage_gaps == before.coverage_gaps + 75  # none of them has a B
    assert large == small, f"{small} statements for 7 reps, {large} for 82"


def test_the_homes_lists_are_cut_and_keep_their_length(database, team):
    with database.session_scope() as session:
        rep = session.scalar(select(Member).where(Member.slack_id == "U0A1"))
        customer = session.scalar(select(Customer).where(Customer.owner_id == rep.id))
        for n in range(home.FOLLOWUPS_SHOWN + 5):
            session.add(Followup(team_id=team, customer_id=customer.id, owner_id=rep.id, text=f"promise {n}", due=TODAY + timedelta(days=n), status="open", created_at=NOW))
    with database.session_scope() as session:
        data = home.home_for(session, "U0A1", NOW)
    assert data is not None and data.today == TODAY
    assert (len(data.followups.items), data.followups.total, data.followups.more) == (home.FOLLOWUPS_SHOWN, home.FOLLOWUPS_SHOWN + 5, 5)
    assert [f.text for f in data.followups.items[:2]] == ["promise 0", "promise 1"]
    assert data.snapshot is None and data.queue is None and data.pace is not None


def test_someone_on_no_team_has_no_home_data(database, team):
    with database.session_scope() as session:
        assert home.home_for(session, "U0NOBODY", NOW) is None
        assert home.any_team(session)


def test_the_background_refresher_coalesces_a_burst_for_one_person():
    """Ten changes for one person while a publish waits end in one publish, not ten."""
    import threading

    from listening import home_refresh as home_handlers

    started, release, published = threading.Event(), threading.Event(), []

    def slow_publish(slack_id):
        started.set()
        release.wait(5)
        published.append(slack_id)

    from concurrent.futures import ThreadPoolExecutor

    refresher = home_handlers.HomeRefresher(slow_publish, ThreadPoolExecutor(max_workers=1))
    assert refresher.request("U0BLOCK") == [True]  # occupies the only worker
    assert started.wait(5)
    accepted = [refresher.request("U0A1")[0] for _ in range(10)]
    release.set()
    refresher.drain()
    assert accepted == [True] + [False] * 9
    assert published == ["U0BLOCK", "U0A1"]
