"""A handover seen from the other capabilities (SPEC §4.2 "while active"): A's follow-up
reminders and routed questions reach B, B logs a visit for A's customer, and A's
hand-back summary tells what happened. Driven over HTTP and through the jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core import clock
from slackio import ids
from storage.models import Followup, Question, Visit
from tests.e2e.test_handover import (
    END,
    NOW,
    START,
    dms,
    en,
    handover_row,
    member_id,
    request,
    text_of,
)
from tests.helpers import db, first_button, runner

FRIDAY_9 = datetime(2026, 12, 11, 1, 0, tzinfo=UTC)  # Fri 11 Dec, 09:00 in Shanghai, mid-handover


def start_handover(driver, member: str, cover: str) -> None:
    request(driver, "2026-12-10 2026-12-12 annual leave", user=member)
    driver.press(cover, first_button(dms(driver, cover)[-1], ids.HANDOVER_ACCEPT))
    runner.run_now("handover_transitions", at=START)
    assert handover_row().status == "active"


def test_reminders_go_to_b_who_logs_a_visit_and_a_gets_the_hand_back(driver, team):
    en(driver, "U0MGR", "U0A1", "U0B1")
    clock.freeze(NOW)
    logged = driver.command("U0A1", "/visit", "华东制造集团; concerns: price; follow-up: send the quote by 2026-12-11")
    assert logged.status == 200
    with db.session_scope() as s:
        assert s.scalar(select(Followup.text)) == "send the quote"
    start_handover(driver, "U0A1", "U0B1")

    # The morning the follow-up is due, its reminder goes to B, not to A.
    clock.freeze(FRIDAY_9)
    driver.fake.reset()
    runner.run_now("followup_reminders", at=FRIDAY_9)
    assert dms(driver, "U0A1") == []
    [reminder] = dms(driver, "U0B1")
    assert "send the quote" in text_of(reminder)

    # B logs a visit for A's customer: stored on A's customer, logged by B.
    visit = driver.command("U0B1", "/visit", "华东制造集团; needs: 20 more SIM lines; notes: covering for Zhang Wei")
    assert visit.status == 200
    with db.session_scope() as s:
        row = s.scalars(select(Visit).order_by(Visit.id.desc())).first()
        assert row.customer.name == "华东制造集团" and row.customer.owner_id == member_id("U0A1")
        assert row.logged_by_id == member_id("U0B1")
    driver.press("U0B1", first_button(reminder, ids.FOLLOWUP_DONE))
    with db.session_scope() as s:
        assert s.scalar(select(Followup.status).where(Followup.text == "send the quote")) == "done"

    runner.run_now("handover_transitions", at=END)
    handback = text_of(dms(driver, "U0A1")[-1])
    assert "Welcome back" in handback
    assert "Visits logged for your customers: 1" in handback and "logged by <@U0B1>" in handback
    assert "Follow-ups done: 1" in handback and "send the quote" in handback


def test_questions_routed_to_a_go_to_b_and_come_back_in_the_hand_back(driver, team):
    en(driver, "U0MGR", "U0A1", "U0B1", "U0S1", "U0S4")
    clock.freeze(NOW)
    driver.command("U0MGR", "/amteam", "add <@U0S4|zhou> support 1")
    driver.command("U0MGR", "/amteam", "pair <@U0S1|chen> <@U0S4|zhou>")
    start_handover(driver, "U0S1", "U0S4")  # S1 answers #circuit at level 1

    clock.freeze(FRIDAY_9)
    driver.fake.reset()
    driver.command("U0A1", "/ask", "MPLS circuit Shanghai–Suzhou: how long is the resource check?")
    with db.session_scope() as s:
        question = s.scalar(select(Question))
        assert question.assignee_id == member_id("U0S4")
    assert dms(driver, "U0S1") == []
    [routed] = dms(driver, "U0S4")
    driver.press("U0S4", first_button(routed, ids.QUESTION_ANSWER))
    [opened] = driver.fake.calls_to("views.open")
    view = dict(opened.body["view"], id="V0ANSWER")
    driver.submit("U0S4", view, {"answer": {"answer": {"type": "plain_text_input", "value": "Three working days."}}})
    with db.session_scope() as s:
        assert s.get(Question, question.id).status == "answered"

    runner.run_now("handover_transitions", at=END)
    handback = text_of(dms(driver, "U0S1")[-1])
    assert "Questions answered: 1" in handback and "answered by <@U0S4>" in handback


def test_access_ends_when_the_handover_ends(driver, team):
    """After `/handover back` B no longer acts for A: the next reminder goes to A."""
    en(driver, "U0MGR", "U0A1", "U0B1")
    clock.freeze(NOW)
    driver.command("U0A1", "/visit", "华东制造集团; follow-up: call the CIO by 2026-12-11")
    start_handover(driver, "U0A1", "U0B1")
    clock.freeze(FRIDAY_9 - timedelta(hours=2))
    driver.command("U0A1", "/handover", "back")
    driver.fake.reset()
    runner.run_now("followup_reminders", at=FRIDAY_9)
    assert dms(driver, "U0B1") == []
    assert "call the CIO" in text_of(dms(driver, "U0A1")[0])
