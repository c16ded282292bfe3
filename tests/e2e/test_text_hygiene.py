"""Text hygiene where input enters, over signed requests on SQLite and PostgreSQL: control
characters never reach the database (PostgreSQL refuses NUL outright, so a NUL must not
turn into "please try again"), direction overrides never reach a name or a follow-up shown
to others, and what is too long is refused with a clear message."""

from __future__ import annotations

import json
from urllib.parse import quote

from sqlalchemy import select

from storage.models import Customer, Followup, Visit
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import customer_id, form_values, opened_view, speak
from tests.helpers import db, row_counts

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests


def stored_visit() -> Visit:
    with db.session_scope() as session:
        visit = session.scalars(select(Visit)).one()
        _ = [f.text for f in visit.followups]
        return visit


def test_a_nul_byte_in_a_quick_log_is_dropped_and_the_visit_stored(driver, visit_team):
    speak(driver, "U0A1")
    result = driver.command("U0A1", "/visit", "Acme Corp; needs: 20\x00 more lines; follow-up: send\x00 quote by 2026-11-20")
    assert "Visit logged" in result.reply_text, result.reply_text
    assert "try again" not in result.reply_text
    visit = stored_visit()
    assert visit.needs == "20 more lines" and [f.text for f in visit.followups] == ["send quote"]


def test_other_control_characters_are_dropped_newlines_and_tabs_kept(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    values = form_values(customer=customer_id("Acme Corp"), needs="line one\r\nline\ttwo\x1b[31m red\x07", followups=[("call\x0b back\x7f", None, None)])
    assert driver.submit("U0A1", opened_view(driver), values).text == ""
    visit = stored_visit()
    assert visit.needs == "line one\nline\ttwo[31m red"
    assert [f.text for f in visit.followups] == ["call back"]


def test_direction_overrides_never_reach_a_follow_up_or_a_customer_name(driver, visit_team):
    speak(driver, "U0A1", "U0MGR")
    driver.command("U0A1", "/visit", "Acme Corp; needs: x; follow-up: pay \u202egpj.exe\u202c now")
    assert [f.text for f in stored_visit().followups] == ["pay gpj.exe now"]
    added = driver.command("U0MGR", "/amteam", "customer add Evil\u202eCorp\u2066 owner <@U0A1>")
    assert added.status == 200
    with db.session_scope() as session:
        assert session.scalar(select(Customer.name).where(Customer.name.like("Evil%"))) == "EvilCorp"


def test_a_lone_surrogate_in_a_json_payload_is_stored_as_a_replacement_character(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)
    payload = driver.shapes.view_submission("U0A1", view, form_values(customer=customer_id("Acme Corp"), needs="SURROGATE"))
    body = json.dumps(payload, ensure_ascii=True).replace("SURROGATE", "x\\ud800y\\u0000z")
    result = driver.post("payload=" + quote(body))
    assert result.status == 200 and result.text == ""
    assert stored_visit().needs == "x\ufffdyz"


def test_too_long_is_refused_with_its_limit_and_nothing_is_written(driver, visit_team):
    speak(driver, "U0A1", "U0MGR")
    before = row_counts()
    long_name = driver.command("U0MGR", "/amteam", "customer add " + "长" * 201 + " owner <@U0A1>")
    assert "“Customer name” is too long: keep it within 200 characters. Nothing was saved." in long_name.reply_text
    long_followup = driver.command("U0A1", "/visit", "Acme Corp; needs: x; follow-up: " + "x" * 1001)
    assert "“Follow-up” is too long: keep it within 1,000 characters" in long_followup.reply_text
    long_needs = driver.command("U0A1", "/visit", "Acme Corp; needs: " + "专" * 10_001)
    assert "“Needs” is too long: keep it within 10,000 characters" in long_needs.reply_text
    assert row_counts() == before


def test_too_long_in_the_form_is_shown_beside_that_field(driver, visit_team):
    speak(driver, "U0A1", locale="zh-CN")
    driver.command("U0A1", "/visit", "")
    values = form_values(customer=customer_id("Acme Corp"), needs="x", followups=[("y" * 1001, None, None)])
    result = driver.submit("U0A1", opened_view(driver), values)
    assert result.json["response_action"] == "errors"
    assert list(result.json["errors"]) == ["followup"] and "1,000" in result.json["errors"]["followup"]
    with db.session_scope() as session:
        assert session.scalar(select(Followup.id)) is None
