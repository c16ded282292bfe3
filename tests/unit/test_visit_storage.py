"""The visit queries other capabilities reuse: cadence, overdue and open follow-ups, counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from storage import visits as store
from storage.models import Customer, Followup, Member, Visit
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import NOW
from tests.helpers import db

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests

TODAY = date(2026, 11, 18)


def ids_by_slack(session, team_id: int) -> dict[str, int]:
    return dict(session.execute(select(Member.slack_id, Member.id).where(Member.team_id == team_id)).all())


def add_visit(customer: str, day: date, rep: str = "U0A1", followups: Sequence[tuple[str, date | None, str, str]] = ()) -> int:
    with db.session_scope() as session:
        cust = session.scalar(select(Customer).where(Customer.name == customer))
        members = ids_by_slack(session, cust.team_id)
        visit = Visit(team_id=cust.team_id, customer_id=cust.id, rep_id=members[rep], logged_by_id=members[rep], visit_date=day, type="onsite", needs="x", logged_at=NOW)
        session.add(visit)
        session.flush()
        for text, due, owner, status in followups:
            session.add(Followup(
                team_id=cust.team_id, visit_id=visit.id, customer_id=cust.id, text=text, owner_id=members[owner], due=due, status=status,
                done_at=NOW if status == "done" else None, created_at=NOW,
            ))  # fmt: skip
        return visit.id



def test_customers_past_cadence_counts_never_visited_and_ignores_planned_visits(visit_team):
    add_visit("华东制造集团", date(2026, 11, 1))  # key, 14 days: 17 days ago → 3 days over
    add_visit("Acme Corp", date(2026, 11, 10))  # premium, 30 days: fine
    add_visit("Beta Bank", date(2026, 8, 1), rep="U0B1")  # regular, 90 days: 109 days ago → 19 over
    add_visit("华东物流", date(2026, 12, 1), rep="U0B1")  # only a planned visit: still never visited
    with db.session_scope() as session:
        past = store.customers_past_cadence(session, visit_team, TODAY)
        members = ids_by_slack(session, visit_team)
    summary = [(s.name, s.tier, s.last_visit, s.days_overdue, s.never_visited) for s in past]
    assert summary == [
        ("华东物流", "key", None, 14, True),
        ("华东制造集团", "key", date(2026, 11, 1), 3, False),
        ("Orphan Ltd", "regular", None, 90, True),
        ("Beta Bank", "regular", date(2026, 8, 1), 19, False),
    ]
    with db.session_scope() as session:
        mine = store.customers_past_cadence(session, visit_team, TODAY, members["U0A1"])
        both = store.customers_past_cadence(session, visit_team, TODAY, owner_ids=[members["U0A1"], members["U0B1"]])
        key_only = store.customers_past_cadence(session, visit_team, TODAY, tiers=("key",))
    assert [s.name for s in mine] == ["华东制造集团"]
    assert [s.name for s in both] == ["华东物流", "华东制造集团", "Beta Bank"]
    assert [s.name for s in key_only] == ["华东物流", "华东制造集团"]


def test_the_per_customer_cadence_overrides_the_tier_default(visit_team):
    add_visit("Acme Corp", date(2026, 11, 1))  # premium (30 days) but 10 days for this one
    with db.session_scope() as session:
        session.scalar(select(Customer).where(Customer.name == "Acme Corp")).cadence_days = 10
    with db.session_scope() as session:
        acme = [s for s in store.customers_past_cadence(session, visit_team, TODAY) if s.name == "Acme Corp"]
    assert [(s.cadence_days, s.days_overdue) for s in acme] == [(10, 7)]


def test_inactive_customers_are_not_a_risk(visit_team):
    with db.session_scope() as session:
        session.scalar(select(Customer).where(Customer.name == "Orphan Ltd")).active = False
    with db.session_scope() as session:
        assert "Orphan Ltd" not in [s.name for s in store.customers_past_cadence(session, visit_team, TODAY)]


def test_overdue_and_open_follow_ups(visit_team):
    add_visit("华东制造集团", date(2026, 11, 2), followups=[
        ("overdue quote", date(2026, 11, 10), "U0A1", "open"),
        ("due today", TODAY, "U0A1", "open"),
        ("finished", date(2026, 11, 5), "U0A1", "done"),
        ("someday", None, "U0A1", "open"),
    ])  # fmt: skip
    add_visit("Beta Bank", date(2026, 11, 3), rep="U0B1", followups=[("older overdue", date(2026, 11, 4), "U0B1", "open")])
    with db.session_scope() as session:
        members = ids_by_slack(session, visit_team)
        overdue = [f.text for f in store.overdue_followups(session, visit_team, TODAY)]
        mine = [f.text for f in store.overdue_followups(session, visit_team, TODAY, members["U0A1"])]
        open_all = store.open_followups(session, visit_team)
        due_by_today = [f.text for f in store.open_followups(session, visit_team, due_on_or_before=TODAY, owner_ids=[members["U0A1"]])]
    assert overdue == ["older overdue", "overdue quote"]
    assert mine == ["overdue quote"]
    assert [f.text for f in open_all] == ["older overdue", "overdue quote", "due today", "someday"]
    owner = open_all[0].owner
    assert open_all[0].customer.name == "Beta Bank" and owner is not None and owner.slack_id == "U0B1"  # loaded for later reading
    assert due_by_today == ["overdue quote", "due today"]


def test_visit_counts_and_visits_between(visit_team):
    add_visit("华东制造集团", date(2026, 11, 2))
    add_visit("Acme Corp", date(2026, 11, 16))
    add_visit("Beta Bank", date(2026, 11, 17), rep="U0B1")
    add_visit("Beta Bank", date(2026, 10, 31), rep="U0B1")
    with db.session_scope() as session:
        members = ids_by_slack(session, visit_team)
        counts = store.visit_counts_by_rep(session, visit_team, date(2026, 11, 1), date(2026, 11, 30))
        week = store.visits_between(session, visit_team, date(2026, 11, 16), date(2026, 11, 22))
        a1_week = store.visits_between(session, visit_team, date(2026, 11, 16), date(2026, 11, 22), rep_id=members["U0A1"])
        recent, total = store.recent_visits(session, visit_team, owner_ids=[members["U0B1"]], limit=1)
    assert counts == {members["U0A1"]: 2, members["U0B1"]: 1}
    assert [v.customer.name for v in week] == ["Acme Corp", "Beta Bank"]
    assert [v.customer.name for v in a1_week] == ["Acme Corp"]
    assert ([v.visit_date for v in recent], total) == ([date(2026, 11, 17)], 2)


def test_followups_done_between(visit_team):
    add_visit("华东制造集团", date(2026, 11, 2), followups=[("done one", None, "U0A1", "done"), ("open one", None, "U0A1", "open")])
    with db.session_scope() as session:
        inside = store.followups_done_between(session, visit_team, NOW - timedelta(days=1), NOW + timedelta(days=1))
        outside = store.followups_done_between(session, visit_team, datetime(2026, 1, 1, tzinfo=UTC), NOW)
    assert [f.text for f in inside] == ["done one"] and outside == []
