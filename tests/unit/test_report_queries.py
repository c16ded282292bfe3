"""Computing either report issues the same number of SQL statements for the demo team and
for the demo team with 40 more reps, each with customers, visits, follow-ups, targets and
KPI entries: the cost in statements does not grow with the team."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from services.manager_digest import manager_digest
from services.weekly_summary import weekly_summary
from storage.db import Database
from tests import reports_scenario as scenario


@contextmanager
def counted(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def statements_for(database: Database, team_id: int) -> dict[str, int]:
    out = {}
    for name, compute, at in (("summary", weekly_summary, scenario.FRIDAY), ("digest", manager_digest, scenario.MONDAY)):
        with database.session_scope() as session, counted(database) as statements:
            report = compute(session, team_id, at)
        assert report.team_id == team_id
        out[name] = len(statements)
    return out


def test_statements_do_not_grow_with_the_number_of_reps(database):
    with database.session_scope() as session:
        team_id = scenario.load(session)
    small = statements_for(database, team_id)
    with database.session_scope() as session:
        scenario.add_reps(session, team_id, 40)
    with database.session_scope() as session:
        summary = weekly_summary(session, team_id, scenario.FRIDAY)
        digest = manager_digest(session, team_id, scenario.MONDAY)
    assert len(summary.reps) == 9 + 40 and len(digest.pace.reps) == 9 + 40  # the new reps are really counted
    assert summary.visits_last_week > 40 and summary.praise >= 40
    large = statements_for(database, team_id)
    assert large == small
    assert small["summary"] <= 32 and small["digest"] <= 30  # the summary: +2 for its chart (storage/visit_weeks.py)
