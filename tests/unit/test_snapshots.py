"""A scenario copied from its first load (tests/snapshots.py) is, row for row, what its
loader writes: the copy is only ever a faster way to the same starting point."""

from __future__ import annotations

import pytest

from tests import kpi_scenario, reports_scenario, snapshots
from tests.conftest import FIXTURES, _empty, load_team
from tests.helpers import db

TEAM_YAML = (FIXTURES / "team.yaml").read_text("utf-8")
SCENARIOS = {
    "team": (f"team:{hash(TEAM_YAML)}", lambda s: load_team(s, TEAM_YAML)),
    "kpi": ("kpi_scenario", kpi_scenario.write),
    "reports": ("reports_scenario", reports_scenario.write),
}
RANDOM = {("teams", "customers_stamp"), ("teams", "knowledge_stamp"), ("audit_log", "at")}  # a fresh uuid, the wall clock: at every load


def comparable(rows: snapshots.Rows) -> snapshots.Rows:
    return {table: [{k: (v is not None if (table, k) in RANDOM else v) for k, v in row.items()} for row in rows]
            for table, rows in rows.items()}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_copied_scenario_is_what_its_loader_writes(database, scenario):
    name, loader = SCENARIOS[scenario]
    with db.session_scope() as session:
        snapshots.load(session, name, loader)  # taken now, or copied from an earlier test
    _empty(database)
    with db.session_scope() as session:
        copied = snapshots.load(session, name, loader)  # so this one is surely a copy
        copy, copy_ids = snapshots.dump(session), snapshots.sequences(session)
    _empty(database)
    with db.session_scope() as session:
        written = loader(session)
        fresh, fresh_ids = snapshots.dump(session), snapshots.sequences(session)
    assert copied == written
    assert comparable(copy) == comparable(fresh)
    assert copy_ids == fresh_ids  # PostgreSQL: the next row gets the same id either way
    assert sum(len(rows) for rows in fresh.values()) > 0


def test_a_database_with_rows_already_gets_the_loader_itself(database):
    name, loader = SCENARIOS["team"]
    calls: list[int] = []

    def counted(session):
        calls.append(1)
        return loader(session)

    with db.session_scope() as session:
        first = snapshots.load(session, name, counted)  # taken or copied: either way, empty before
    before = len(calls)
    with db.session_scope() as session:
        again = snapshots.load(session, name, counted)  # rows there now: loaded on top, idempotently
    assert len(calls) == before + 1 and again == first
