"""Who may log and read visits: owners, their cover while a handover is in force, managers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from core import clock
from slackio import ids
from storage.models import Handover, Member
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import NOW, counts, opened_view, speak, visits_of
from tests.helpers import db

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests


def handover(visit_team: int, starts: datetime, ends: datetime) -> None:
    """张伟 (U0A1) is away; 李娜 (U0B1) covers."""
    with db.session_scope() as session:
        members = {m.slack_id: m.id for m in session.scalars(select(Member))}
        session.add(Handover(team_id=visit_team, member_id=members["U0A1"], cover_id=members["U0B1"], status="accepted",
                             starts_at=starts, ends_at=ends, created_at=NOW))  # fmt: skip


def test_the_cover_logs_for_the_away_reps_customers_only_while_the_handover_is_in_force(driver, visit_team):
    speak(driver, "U0B1")
    handover(visit_team, datetime(2026, 11, 19, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC))
    before = driver.command("U0B1", "/visit", "华东制造集团; needs: x")
    assert "<@U0A1>'s customer" in before.reply_text and counts() == (0, 0)
    clock.freeze(datetime(2026, 11, 19, 2, tzinfo=UTC))
    during = driver.command("U0B1", "/visit", "华东制造集团; needs: covered")
    assert "Visit logged" in during.reply_text and "Account manager" not in during.reply_text
    [visit] = visits_of("华东制造集团")
    with db.session_scope() as session:
        assert session.get(Member, visit.rep_id).slack_id == "U0B1"  # 李娜 made the visit
    clock.freeze(datetime(2026, 11, 21, 0, 0, 1, tzinfo=UTC))
    after = driver.command("U0B1", "/visit", "华东制造集团; needs: too late")
    assert "<@U0A1>'s customer" in after.reply_text and len(visits_of("华东制造集团")) == 1


def test_the_cover_can_pick_the_away_reps_customers_in_the_form(driver, visit_team):
    speak(driver, "U0B1")
    handover(visit_team, datetime(2026, 11, 17, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC))
    driver.command("U0B1", "/visit", "")
    result = driver.suggest("U0B1", ids.VISIT_CUSTOMER, "", block_id="customer", view=opened_view(driver))
    names = [o["text"]["text"].split(" (")[0] for o in result.json["options"]]
    assert names == ["Acme Corp", "Beta Bank", "华东制造集团", "华东物流"]  # both reps' customers
    assert "Orphan Ltd" not in names


def test_a_manager_reads_and_logs_across_the_team(driver, visit_team):
    speak(driver, "U0A1", "U0MGR")
    driver.command("U0A1", "/visit", "Acme Corp; needs: from the rep")
    listed = driver.command("U0MGR", "/visit", "list Acme Corp")
    assert "from the rep" in listed.reply_text
    joint = driver.command("U0MGR", "/visit", "Acme Corp; notes: joint visit with the CIO")
    assert "Account manager <@U0A1>, logged by <@U0MGR>" in joint.reply_text
    orphan = driver.command("U0MGR", "/visit", "Orphan Ltd; needs: first contact")
    assert "Visit logged" in orphan.reply_text
    assert counts() == (3, 0)


def test_a_rep_cannot_even_search_a_colleagues_customers(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    result = driver.suggest("U0A1", ids.VISIT_CUSTOMER, "beta", block_id="customer", view=opened_view(driver))
    assert result.json["options"] == []
    opened = driver.command("U0A1", "/visit", "Beta Bank")
    assert "*Beta Bank* is <@U0B1>'s customer" in opened.reply_text
    assert len(driver.fake.calls_to("views.open")) == 1  # only the first, empty form
