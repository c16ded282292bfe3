"""The per-process copy of a team's customers: renewed by the team's `customers_stamp`,
so a change made by any process (or any session) is seen by the next lookup."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import event, insert, select, text

from services import customer_index
from services.customers import CustomerIndex, CustomerMatch, pick, search_customers
from storage import db as storage_db
from storage.models import Customer, Member, Team
from tests.conftest import throwaway_database
from tests.helpers import db, migrate_with_old_rows

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def name_of(match: CustomerMatch) -> str | None:
    """The name of the customer a lookup settled on (None when it settled on none)."""
    return match.customer.name if match.customer is not None else None


def stamp(team_id: int) -> str | None:
    with db.session_scope() as session:
        return session.scalar(select(Team.customers_stamp).where(Team.id == team_id))


@pytest.fixture
def small_team(database) -> int:
    with database.session_scope() as session:
        team = Team(name="t", created_at=NOW, schedule={})
        session.add(team)
        session.flush()
        rep = Member(team_id=team.id, slack_id="U0REP", name="rep", roles=["rep"])
        session.add(rep)
        session.flush()
        session.add_all([
            Customer(team_id=team.id, name="Acme Corp", aliases=["ACME"], owner_id=rep.id),
            Customer(team_id=team.id, name="华东制造集团", aliases=["East Mfg"], owner_id=rep.id),
        ])  # fmt: skip
        return team.id


def statements(database):
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(database.engine, "before_cursor_execute", record)


def test_the_stamp_changes_with_customers_and_only_with_them(small_team):
    first = stamp(small_team)
    assert first is not None
    with db.session_scope() as session:
        session.scalar(select(Member).where(Member.team_id == small_team)).name = "renamed rep"
        session.scalar(select(Customer).where(Customer.name == "Acme Corp"))  # read, not changed
    assert stamp(small_team) == first
    changes = [
        lambda s: s.add(Customer(team_id=small_team, name="Beta Bank", aliases=[])),
        lambda s: setattr(s.scalar(select(Customer).where(Customer.name == "Beta Bank")), "aliases", ["BB"]),
        lambda s: setattr(s.scalar(select(Customer).where(Customer.name == "Beta Bank")), "active", False),
        lambda s: s.delete(s.scalar(select(Customer).where(Customer.name == "Beta Bank"))),
    ]
    seen: set[str | None] = {first}
    for change in changes:
        with db.session_scope() as session:
            change(session)
        now = stamp(small_team)
        assert now not in seen
        seen.add(now)


def test_a_cached_copy_answers_without_reading_every_customer(database, small_team):
    customer_index.clear()
    with db.session_scope() as session:
        assert name_of(customer_index.match_customer(session, small_team, "acme")) == "Acme Corp"
    seen, stop = statements(database)
    try:
        with db.session_scope() as session:
            match = customer_index.match_customer(session, small_team, "华东")
    finally:
        stop()
    assert match.kind == "unique" and name_of(match) == "华东制造集团"
    assert isinstance(match.customer, Customer)  # a row of the session, not the cached entry
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 2, reads  # the stamp, then the one customer named


def test_changes_made_by_another_session_are_seen_at_once(database, small_team):
    customer_index.clear()
    with db.session_scope() as session:
        assert customer_index.match_customer(session, small_team, "Beta").kind == "unknown"
    with db.session_scope() as session:  # e.g. `/amteam customer add` in another worker
        session.add(Customer(team_id=small_team, name="Beta Bank", aliases=["贝塔"]))
    with db.session_scope() as session:
        assert name_of(customer_index.match_customer(session, small_team, "贝塔")) == "Beta Bank"
    with db.session_scope() as session:
        session.scalar(select(Customer).where(Customer.name == "Beta Bank")).active = False
    with db.session_scope() as session:
        assert customer_index.match_customer(session, small_team, "贝塔").kind == "unknown"
        assert [c.name for c in customer_index.team_entries(session, small_team)] == ["Acme Corp", "华东制造集团"]


@pytest.mark.real_commits  # writes behind the session's back, on a connection of its own
def test_a_team_without_a_stamp_is_read_every_time(database, small_team):
    customer_index.clear()
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE teams SET customers_stamp = NULL"))
        connection.execute(insert(Customer), [dict(team_id=small_team, name="Gamma", aliases=[], active=True, tier="regular")])
    with db.session_scope() as session:
        assert name_of(customer_index.match_customer(session, small_team, "gamma")) == "Gamma"
    with database.engine.begin() as connection:  # a bulk write that no flush restamps
        connection.execute(text("UPDATE customers SET active = false WHERE name = 'Gamma'"))
    with db.session_scope() as session:
        assert customer_index.match_customer(session, small_team, "gamma").kind == "unknown"


# --- the index itself (pure) ------------------------------------------------------------------


def customers(*names_and_aliases: tuple[str, list[str]]) -> list[SimpleNamespace]:
    return [SimpleNamespace(id=i, name=name, aliases=aliases) for i, (name, aliases) in enumerate(names_and_aliases)]


def test_a_long_query_names_a_customer_through_a_label_inside_it():
    found = customers(("华东制造集团", []), ("Acme Corp", ["acme"]), ("CM Ltd", ["cm"]))
    assert name_of(pick(found, "华东制造集团有限公司上海分公司")) == "华东制造集团"
    assert name_of(pick(found, "acme corporation shanghai")) == "Acme Corp"
    assert pick(found, "xcmx").kind == "unknown"  # a two-letter Latin label hides inside words


def test_twenty_thousand_customers_match_and_rank_as_a_few_do():
    many = customers(*((f"客户{i:06d}", [f"alias{i}"]) for i in range(20_000)))
    index = CustomerIndex(many)
    assert name_of(pick(index, "客户012345")) == "客户012345"
    assert name_of(pick(index, "ALIAS777")) == "客户000777"
    ambiguous = pick(index, "客户01234")
    assert ambiguous.kind == "ambiguous" and ambiguous.candidates[0].name == "客户012340"
    ranked = search_customers(index, "客户0001", limit=100)
    assert [c.name for c in ranked] == [f"客户{i:06d}" for i in range(100, 200)]
    assert search_customers(index, "zzzz") == []


# --- the migration -------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_stamps_existing_teams(backend, tmp_path):
    old_team = ("INSERT INTO teams (name, timezone, language, calendar, meeting_day, meeting_time, schedule, require_followup_due, created_at) "
                "VALUES ('old', 'Asia/Shanghai', 'zh', 'CN', 'fri', '16:00', '{}', false, CURRENT_TIMESTAMP)")
    with throwaway_database(backend, tmp_path) as url:
        migrate_with_old_rows(url, "0002", [old_team])
        engine = storage_db.make_engine(url)
        try:
            with engine.connect() as connection:
                stamps = connection.execute(text("SELECT customers_stamp FROM teams")).scalars().all()
        finally:
            engine.dispose()
    assert len(stamps) == 1 and stamps[0] and len(stamps[0]) == 32

