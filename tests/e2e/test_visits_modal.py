"""The visit form over signed HTTP: open, search customers, add a row, errors, submit, edit."""

from __future__ import annotations

import json
import threading

import pytest

from slackio import ids
from slackio.driver import visible_text
from storage.models import Followup
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import (
    counts,
    customer_id,
    dm_messages,
    form_values,
    opened_view,
    speak,
    visits_of,
)
from tests.helpers import db, first_button

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests


def blocks_by_id(view: dict) -> dict[str, dict]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def test_visit_alone_opens_the_form_with_the_spec_fields_and_today(driver, visit_team):
    speak(driver, "U0A1")
    result = driver.command("U0A1", "/visit", "")
    assert result.status == 200 and not result.answered
    view = opened_view(driver)
    assert view["callback_id"] == ids.VISIT_MODAL and view["title"]["text"] == "Log a visit"
    by_id = blocks_by_id(view)
    for block_id in ("customer", "date", "type", "purpose", "needs", "concerns", "notes", "followup", "due", "next_visit"):
        assert by_id[block_id]["type"] == "input", block_id
    assert by_id["customer"]["element"]["type"] == "external_select"
    assert by_id["date"]["element"]["initial_date"] == "2026-11-18"  # today in Shanghai
    assert by_id["type"]["element"]["initial_option"]["value"] == "onsite"
    assert [o["value"] for o in by_id["type"]["element"]["options"]] == ["onsite", "phone", "wechat", "video", "email", "meeting", "other"]
    assert by_id["owner"]["element"]["initial_user"] == "U0A1"


def test_the_form_speaks_the_readers_language(driver, visit_team):
    speak(driver, "U0A1", locale="zh-CN")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)
    assert view["title"]["text"] == "记录拜访"
    assert blocks_by_id(view)["needs"]["label"]["text"] == "客户提出的需求"


def test_customer_search_finds_names_and_aliases_but_only_my_customers(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)

    def search(user: str, text: str) -> list[str]:
        result = driver.suggest(user, ids.VISIT_CUSTOMER, text, block_id="customer", view=view)
        assert result.status == 200
        return [o["text"]["text"] for o in result.json["options"]]

    assert search("U0A1", "") == ["Acme Corp (ACME, 阿克美)", "华东制造集团 (HDMG)"]
    assert search("U0A1", "华东") == ["华东制造集团 (HDMG)"]  # 华东物流 is 李娜's
    assert search("U0A1", "阿克") == ["Acme Corp (ACME, 阿克美)"]
    assert search("U0A1", "hdmg") == ["华东制造集团 (HDMG)"]
    assert search("U0A1", "华东智造") == ["华东制造集团 (HDMG)"]  # a typo
    assert search("U0MGR", "华东") == ["华东制造集团 (HDMG)", "华东物流 (East Logistics)"]  # managers see the team
    assert search("U0NOBODY", "") == []


def test_a_valid_submission_stores_the_visit_and_confirms_by_dm(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)
    values = form_values(
        customer=customer_id("华东制造集团"), type="video", purpose="quarterly review", needs="200M MPLS", concerns="price",
        notes="positive", followups=[("send quote", "2026-11-20", None)], next_visit="2026-12-02",
    )  # fmt: skip
    result = driver.submit("U0A1", view, values)
    assert result.status == 200 and result.text == ""  # the form closes
    [visit] = visits_of("华东制造集团")
    assert (visit.type, visit.purpose, visit.needs, visit.concerns, visit.notes) == ("video", "quarterly review", "200M MPLS", "price", "positive")
    assert str(visit.next_visit) == "2026-12-02" and visit.source_key == f"view:{view['id']}"
    assert [(f.text, str(f.due)) for f in visit.followups] == [("send quote", "2026-11-20")]
    [dm] = dm_messages(driver, "U0A1")
    text = visible_text(dm)
    assert "Visit logged" in text and "200M MPLS" in text and "send quote — <@U0A1> — due Fri, Nov 20" in text
    assert first_button(dm, ids.VISIT_EDIT)["value"] == str(visit.id)

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests


def test_mistakes_come_back_beside_each_field_and_nothing_is_stored(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)
    values = form_values(customer=None, followups=[("call back", "2026-11-01", None)], next_visit="2026-11-10")
    result = driver.submit("U0A1", view, values)
    assert result.json["response_action"] == "errors"
    assert result.json["errors"] == {
        "customer": "Pick the customer you visited.",
        "due": "The due date cannot be before the visit date.",
        "next_visit": "The next visit cannot be before this one.",
    }
    empty = driver.submit("U0A1", view, form_values(customer=customer_id("Acme Corp")))
    assert empty.json["errors"] == {"notes": "Write at least one of purpose, needs, concerns, outcome or a follow-up."}
    assert counts() == (0, 0) and dm_messages(driver, "U0A1") == []


def test_errors_are_in_the_users_language(driver, visit_team):
    speak(driver, "U0A1", locale="zh-CN")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)
    result = driver.submit("U0A1", view, form_values(customer=customer_id("Acme Corp")))
    assert result.json["errors"] == {"notes": "请至少填写目的、需求、顾虑、结果或一项跟进。"}


def test_a_customer_i_may_not_see_is_refused_inside_the_form(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    result = driver.submit("U0A1", opened_view(driver), form_values(customer=customer_id("Beta Bank"), needs="x"))
    assert result.json["response_action"] == "errors"
    assert result.json["errors"]["customer"].startswith("Beta Bank is @李娜's customer.")
    assert counts() == (0, 0)


def test_a_follow_up_owner_outside_the_team_is_refused_beside_that_row(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    values = form_values(customer=customer_id("Acme Corp"), followups=[("a", None, "U0A1"), ("b", None, "U0OUTSIDER")])
    view = opened_view(driver)
    view["private_metadata"] = json.dumps({"rows": 2})
    result = driver.submit("U0A1", view, values)
    assert result.json["errors"] == {"owner_2": "@U0OUTSIDER is not on the team, so they cannot own a follow-up. Pick a team member."}
    assert counts() == (0, 0)


def test_the_team_may_require_a_due_date(driver, visit_team):
    from storage.models import Team

    with db.session_scope() as session:
        session.get(Team, visit_team).require_followup_due = True
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)
    assert "Your team asks for a due date on every follow-up." in visible_text({"blocks": view["blocks"]})
    result = driver.submit("U0A1", view, form_values(customer=customer_id("Acme Corp"), followups=[("send quote", None, None)]))
    assert result.json["errors"] == {"due": "Your team asks for a due date on every follow-up."}


def test_add_another_follow_up_keeps_what_was_typed(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)
    view["state"] = {"values": form_values(customer=customer_id("Acme Corp"), needs="typed already", followups=[("first", "2026-11-25", "U0B1")])}
    button = next(b for b in view["blocks"] if b.get("block_id") == "add_followup")["elements"][0]
    driver.press("U0A1", button, view=view)
    [update] = driver.fake.calls_to("views.update")
    updated = update.body["view"]
    by_id = blocks_by_id(updated)
    assert update.body["view_id"] == view["id"]
    assert {"followup_2", "due_2", "owner_2"} <= set(by_id)
    assert by_id["needs"]["element"]["initial_value"] == "typed already"
    assert by_id["followup"]["element"]["initial_value"] == "first" and by_id["owner"]["element"]["initial_user"] == "U0B1"
    assert by_id["customer"]["element"]["initial_option"]["value"] == str(customer_id("Acme Corp"))
    assert json.loads(updated["private_metadata"])["rows"] == 2
    stored = driver.fake.views[view["id"]]
    values = form_values(customer=customer_id("Acme Corp"), needs="x", followups=[("first", "2026-11-25", "U0B1"), ("second", "2026-11-26", None)])
    driver.submit("U0A1", stored, values)
    [visit] = visits_of("Acme Corp")
    assert [(f.text, f.owner_id is not None) for f in visit.followups] == [("first", True), ("second", True)]


def test_a_double_click_or_a_retry_stores_one_visit(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)
    values = form_values(customer=customer_id("Acme Corp"), needs="x", followups=[("quote", "2026-11-20", None)])
    assert driver.submit("U0A1", view, values).status == 200
    assert driver.submit("U0A1", view, values).status == 200
    assert driver.submit("U0A1", view, values, retry_num=1).status == 200
    assert counts() == (1, 1)
    assert len(dm_messages(driver, "U0A1")) == 1


@pytest.mark.real_commits  # copies race on their own connections
def test_simultaneous_copies_of_one_submission_store_one_visit(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)
    values = form_values(customer=customer_id("Acme Corp"), needs="x", followups=[("quote", "2026-11-20", None)])
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(driver.submit("U0A1", view, values).status)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200, 200, 200]
    assert counts() == (1, 1)


def test_edit_reopens_the_stored_visit_and_updates_it_in_place(driver, visit_team):
    speak(driver, "U0A1")
    result = driver.command("U0A1", "/visit", "Acme Corp; needs: 20 lines; follow-up: send quote by 2026-11-20; follow-up: call IT by 2026-11-25")
    edit = first_button(result.reply, ids.VISIT_EDIT)
    driver.press("U0A1", edit)
    view = opened_view(driver)
    by_id = blocks_by_id(view)
    assert view["title"]["text"] == "Edit visit"
    assert by_id["needs"]["element"]["initial_value"] == "20 lines"
    assert by_id["followup"]["element"]["initial_value"] == "send quote" and by_id["due"]["element"]["initial_date"] == "2026-11-20"
    assert by_id["followup_2"]["element"]["initial_value"] == "call IT"
    values = form_values(customer=customer_id("Acme Corp"), needs="25 lines", followups=[("send revised quote", "2026-11-21", "U0A1"), (None, None, None)])
    assert driver.submit("U0A1", view, values).status == 200
    [visit] = visits_of("Acme Corp")
    assert visit.needs == "25 lines"
    assert [(f.text, str(f.due)) for f in visit.followups] == [("send revised quote", "2026-11-21")]
    assert "Visit updated" in visible_text(dm_messages(driver, "U0A1")[-1])
    with db.session_scope() as session:
        assert session.query(Followup).count() == 1


def test_someone_else_cannot_edit_my_visit(driver, visit_team):
    speak(driver, "U0A1", "U0B1")
    result = driver.command("U0A1", "/visit", "Acme Corp; needs: 20 lines")
    pressed = driver.press("U0B1", first_button(result.reply, ids.VISIT_EDIT))
    assert "<@U0A1>'s customer" in pressed.reply_text
    assert driver.fake.calls_to("views.open") == []


def test_a_visit_date_after_today_is_refused_beside_the_date_in_the_users_language(driver, visit_team):
    for user, locale, says in (("U0A1", "en-US", "The visit date cannot be after today"), ("U0MGR", "zh-CN", "拜访日期不能晚于今天")):
        speak(driver, user, locale=locale)
        driver.command(user, "/visit", "")
        values = form_values(customer=customer_id("Acme Corp"), date="2026-11-19", needs="x")
        result = driver.submit(user, opened_view(driver), values)
        assert result.json["response_action"] == "errors"
        assert list(result.json["errors"]) == ["date"] and says in result.json["errors"]["date"]
    assert counts() == (0, 0)


def test_an_edit_that_hands_a_follow_up_to_a_colleague_announces_it_once(driver, visit_team):
    speak(driver, "U0A1", "U0B1")
    result = driver.command("U0A1", "/visit", "Acme Corp; needs: 20 lines; follow-up: send quote by 2026-11-20; follow-up: call IT by 2026-11-25")
    driver.press("U0A1", first_button(result.reply, ids.VISIT_EDIT))
    view = opened_view(driver)
    values = form_values(customer=customer_id("Acme Corp"), needs="20 lines",
                         followups=[("send quote", "2026-11-20", "U0A1"), ("call IT", "2026-11-25", "U0B1")])
    assert driver.submit("U0A1", view, values).status == 200
    [announced] = dm_messages(driver, "U0B1")
    assert "<@U0A1> assigned you a follow-up for *Acme Corp*: “call IT”" in visible_text(announced)
    assert not [m for m in dm_messages(driver, "U0A1") if "assigned you" in visible_text(m)]  # the unchanged row: nobody told
