"""Nothing a user wrote is lost or silently overwritten (issue: data safety), over signed
requests: concurrent edits, stale forms, withdrawal instead of deletion, undo, restore,
the customer's history."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from slackio import ids
from slackio.driver import visible_text
from storage.models import AuditRecord, Customer, Followup, Handover, KpiEntry, Member, Visit
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import NOW, customer_id, dm_messages, form_values, speak
from tests.helpers import db, first_button

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests

LINE = "Acme Corp; needs: 20 lines; follow-up: send quote by 2026-11-20; follow-up: call IT by 2026-11-25"


def edit_forms(driver) -> list[dict]:
    """Every visit form the bot opened, oldest first, as Slack stores them (with their ids)."""
    return [v for v in driver.fake.views.values() if v.get("callback_id") == ids.VISIT_MODAL]


def open_edit(driver, user: str, message: dict) -> dict:
    before = len(edit_forms(driver))
    driver.press(user, first_button(message, ids.VISIT_EDIT))
    forms = edit_forms(driver)
    assert len(forms) == before + 1, "the edit form did not open"
    return forms[-1]


def logged(driver, user: str = "U0A1", line: str = LINE) -> dict:
    result = driver.command(user, "/visit", line)
    assert "Visit logged" in result.reply_text or "拜访已记录" in result.reply_text, result.reply_text
    return result.reply


def stored_followups(*, withdrawn: bool = True) -> list[Followup]:
    with db.session_scope() as session:
        query = select(Followup).order_by(Followup.id).execution_options(include_withdrawn=withdrawn)
        return list(session.scalars(query))


def the_visit() -> Visit:
    with db.session_scope() as session:
        return session.scalars(select(Visit).execution_options(include_withdrawn=True)).one()


def cover(visit_team: int) -> None:
    """张伟 (U0A1) is away today; 李娜 (U0B1) covers."""
    with db.session_scope() as session:
        members = {m.slack_id: m.id for m in session.scalars(select(Member))}
        session.add(Handover(team_id=visit_team, member_id=members["U0A1"], cover_id=members["U0B1"], status="active",
                             starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=2), created_at=NOW))  # fmt: skip


# --- 1. concurrent edits --------------------------------------------------------------------


def test_two_open_edit_forms_the_second_submit_is_refused_naming_who_and_when(driver, visit_team):
    speak(driver, "U0A1", "U0MGR")
    message = logged(driver)
    mine = open_edit(driver, "U0A1", message)  # 张伟 opens the form…
    theirs = open_edit(driver, "U0MGR", message)  # …and so does the manager, in another window
    acme = customer_id("Acme Corp")
    first = driver.submit("U0MGR", theirs, form_values(customer=acme, needs="25 lines", followups=[("send quote", "2026-11-20", "U0A1"), ("call IT", "2026-11-25", "U0A1")]))
    assert first.status == 200 and first.text == ""
    second = driver.submit("U0A1", mine, form_values(customer=acme, needs="30 lines", followups=[("send quote", "2026-11-20", "U0A1"), ("call IT", "2026-11-25", "U0A1")]))
    assert second.json["response_action"] == "errors"
    error = second.json["errors"]["customer"]
    assert "@王经理 changed this at" in error and "after you opened it" in error and "Nothing of yours was saved" in error
    assert the_visit().needs == "25 lines"  # the first edit stands, whole
    assert [m for m in dm_messages(driver, "U0A1") if "Visit updated" in visible_text(m)] == []


def test_the_stale_form_error_is_in_the_readers_language(driver, visit_team):
    speak(driver, "U0A1", locale="zh-CN")
    speak(driver, "U0MGR")
    message = logged(driver)
    mine, theirs = open_edit(driver, "U0A1", message), open_edit(driver, "U0MGR", message)
    acme = customer_id("Acme Corp")
    driver.submit("U0MGR", theirs, form_values(customer=acme, needs="25 lines"))
    refused = driver.submit("U0A1", mine, form_values(customer=acme, needs="30 lines"))
    assert "@王经理 在" in refused.json["errors"]["customer"] and "重新打开" in refused.json["errors"]["customer"]


def test_the_same_form_submitted_twice_is_one_edit_not_a_conflict(driver, visit_team):
    speak(driver, "U0A1")
    form = open_edit(driver, "U0A1", logged(driver))
    values = form_values(customer=customer_id("Acme Corp"), needs="25 lines", followups=[("send quote", "2026-11-20", "U0A1"), ("call IT", "2026-11-25", "U0A1")])
    assert driver.submit("U0A1", form, values).text == ""
    assert driver.submit("U0A1", form, values, retry_num=1).text == ""  # a Slack retry: no error, no second edit
    assert the_visit().needs == "25 lines" and the_visit().version == 2


# --- 2. a stale form cannot undo a Done or a Snooze ----------------------------------------------


def test_a_snooze_after_the_form_opened_makes_the_form_stale(driver, visit_team):
    speak(driver, "U0A1")
    form = open_edit(driver, "U0A1", logged(driver))
    listing = driver.command("U0A1", "/visit", "followups")
    driver.press("U0A1", first_button(listing.reply, ids.FOLLOWUP_SNOOZE_WEEK))
    snoozed = {f.text: str(f.due) for f in stored_followups()}
    assert snoozed["send quote"] == "2026-11-27"
    result = driver.submit("U0A1", form, form_values(customer=customer_id("Acme Corp"), needs="20 lines",
                                                    followups=[("send quote", "2026-11-20", "U0A1"), ("call IT", "2026-11-25", "U0A1")]))  # fmt: skip
    assert result.json["response_action"] == "errors"
    assert "@张伟 changed this at" in result.json["errors"]["customer"]  # they snoozed it themselves, elsewhere
    assert {f.text: str(f.due) for f in stored_followups()} == snoozed  # the snooze stands


def test_a_done_after_the_form_opened_makes_the_form_stale(driver, visit_team):
    speak(driver, "U0A1")
    form = open_edit(driver, "U0A1", logged(driver))
    listing = driver.command("U0A1", "/visit", "followups")
    driver.press("U0A1", first_button(listing.reply, ids.FOLLOWUP_DONE))
    result = driver.submit("U0A1", form, form_values(customer=customer_id("Acme Corp"), needs="20 lines",
                                                    followups=[("send quote (revised)", "2026-11-21", "U0A1"), ("call IT", "2026-11-25", "U0A1")]))  # fmt: skip
    assert result.json["response_action"] == "errors"
    assert [(f.text, f.status, str(f.due)) for f in stored_followups()] == [("send quote", "done", "2026-11-20"), ("call IT", "open", "2026-11-25")]


# --- 3. removing a follow-up withdraws it; B covering A may not ------------------------------


def test_removing_a_follow_up_line_withdraws_it_and_undo_puts_it_back(driver, visit_team):
    speak(driver, "U0A1")
    form = open_edit(driver, "U0A1", logged(driver))
    values = form_values(customer=customer_id("Acme Corp"), needs="20 lines", followups=[("send quote", "2026-11-20", "U0A1"), (None, None, None)])
    assert driver.submit("U0A1", form, values).text == ""
    kept = stored_followups()
    assert [(f.text, f.withdrawn_at is not None) for f in kept] == [("send quote", False), ("call IT", True)]  # kept, withdrawn
    assert [f.text for f in stored_followups(withdrawn=False)] == ["send quote"]  # hidden from normal reads
    assert "call IT" not in driver.command("U0A1", "/visit", "followups").reply_text
    with db.session_scope() as session:
        record = session.scalars(select(AuditRecord).where(AuditRecord.entity == "followups", AuditRecord.action == "withdraw")).one()
        assert (record.actor, record.entity_id, record.before, record.after["withdrawn_at"]) == ("U0A1", kept[1].id, {"withdrawn_at": None, "withdrawn_by_id": None}, NOW.isoformat())
    [dm] = [m for m in dm_messages(driver, "U0A1") if "Visit updated" in visible_text(m)]
    assert "Withdrawn: “call IT”" in visible_text(dm)
    undo = first_button(dm, ids.FOLLOWUP_RESTORE)
    pressed = driver.press("U0A1", undo, message=dict(dm, ts="1.000001"))
    assert "Restored: “call IT” is open again" in pressed.reply_text
    assert [(f.text, f.withdrawn_at) for f in stored_followups()] == [("send quote", None), ("call IT", None)]


def test_a_covering_colleague_may_add_and_complete_but_not_withdraw_the_away_reps_follow_ups(driver, visit_team):
    speak(driver, "U0A1", "U0B1")
    message = logged(driver)
    cover(visit_team)
    form = open_edit(driver, "U0B1", message)
    acme = customer_id("Acme Corp")
    refused = driver.submit("U0B1", form, form_values(customer=acme, needs="20 lines", followups=[("send quote", "2026-11-20", "U0A1"), (None, None, None)]))
    assert refused.json["response_action"] == "errors"
    assert "You cannot withdraw “call IT”" in refused.json["errors"]["followup_2"]
    assert [(f.text, f.withdrawn_at) for f in stored_followups()] == [("send quote", None), ("call IT", None)]  # nothing written
    rows = [("send quote", "2026-11-20", "U0A1"), ("call IT", "2026-11-25", "U0A1")]
    form["state"] = {"values": form_values(customer=acme, needs="20 lines", followups=rows)}
    driver.press("U0B1", next(b for b in form["blocks"] if b.get("block_id") == "add_followup")["elements"][0], view=form)
    form = driver.fake.views[form["id"]]  # the form, one row longer
    added = driver.submit("U0B1", form, form_values(customer=acme, needs="20 lines", followups=[*rows, ("B's promise", "2026-11-26", "U0B1")]))
    assert added.text == ""
    listing = driver.command("U0B1", "/visit", "followups")
    done = driver.press("U0B1", first_button(listing.reply, ids.FOLLOWUP_DONE))
    assert "Done — marked by <@U0B1>" in done.reply_text
    assert [(f.text, f.status) for f in stored_followups()] == [("send quote", "done"), ("call IT", "open"), ("B's promise", "open")]


def test_no_row_is_ever_deleted_by_an_edit(driver, visit_team):
    speak(driver, "U0A1")
    form = open_edit(driver, "U0A1", logged(driver))
    driver.submit("U0A1", form, form_values(customer=customer_id("Acme Corp"), needs="x", followups=[(None, None, None), (None, None, None)]))
    with db.session_scope() as session:
        assert session.scalar(select(AuditRecord.id).where(AuditRecord.action == "delete")) is None
    assert len(stored_followups()) == 2 and all(f.withdrawn_at for f in stored_followups())


# --- withdrawing a visit, undo, restore, history -----------------------------------------------


def test_withdraw_a_visit_undo_it_and_restore_it_by_command(driver, visit_team):
    speak(driver, "U0A1")
    message = logged(driver)
    withdraw = first_button(message, ids.VISIT_WITHDRAW)
    assert withdraw["confirm"]["title"]["text"] == "Withdraw this visit?"
    pressed = driver.press("U0A1", withdraw)
    assert "Visit #1 to *Acme Corp* on Nov 18 withdrawn" in pressed.reply_text
    assert the_visit().withdrawn_at == NOW and all(f.withdrawn_at == NOW for f in stored_followups())
    assert "Acme Corp" not in driver.command("U0A1", "/visit", "list").reply_text.split("past their")[0]
    assert "send quote" not in driver.command("U0A1", "/visit", "followups").reply_text
    again = driver.press("U0A1", withdraw)  # the old button, pressed again
    assert "was already withdrawn" in again.reply_text
    edit = driver.press("U0A1", first_button(message, ids.VISIT_EDIT))  # the old Edit button says what it is now
    assert "Visit #1 was withdrawn by <@U0A1>" in edit.reply_text and "/visit restore #1" in edit.reply_text
    undone = driver.press("U0A1", first_button(pressed.reply, ids.VISIT_RESTORE))
    assert "Visit restored" in undone.reply_text and the_visit().withdrawn_at is None
    assert [f.withdrawn_at for f in stored_followups()] == [None, None]
    driver.press("U0A1", first_button(undone.reply, ids.VISIT_WITHDRAW))
    restored = driver.command("U0A1", "/visit", "restore #1")
    assert "Visit restored" in restored.reply_text and the_visit().withdrawn_at is None


def test_only_the_owner_the_logger_or_a_manager_may_withdraw_a_visit(driver, visit_team):
    speak(driver, "U0A1", "U0B1")
    message = logged(driver)
    cover(visit_team)
    refused = driver.press("U0B1", first_button(message, ids.VISIT_WITHDRAW))
    assert "Only the account manager of *Acme Corp* (<@U0A1>)" in refused.reply_text
    assert the_visit().withdrawn_at is None


def test_a_manager_sees_the_customers_history_with_what_was_withdrawn(driver, visit_team):
    speak(driver, "U0A1", "U0MGR")
    form = open_edit(driver, "U0A1", logged(driver))
    driver.submit("U0A1", form, form_values(customer=customer_id("Acme Corp"), needs="25 lines", followups=[("send quote", "2026-11-20", "U0A1"), (None, None, None)]))
    history = driver.command("U0MGR", "/visit", "history Acme Corp")
    text = history.reply_text
    assert "History of Acme Corp" in text
    assert "<@U0A1> · changed visit #1 (2026-11-18): Needs “20 lines” → “25 lines”" in text
    assert "withdrew follow-up #2 “call IT”" in text
    assert "`/visit restore followup 2`" in text
    zh = driver.command("U0MGR", "/visit", "history Acme Corp")
    assert zh.status == 200


def test_restore_by_command_needs_a_record(driver, visit_team):
    speak(driver, "U0A1")
    result = driver.command("U0A1", "/visit", "restore something")
    assert "Say which one to restore" in result.reply_text
    assert "That visit no longer exists" in driver.command("U0A1", "/visit", "restore #99").reply_text


def test_the_edit_form_carries_the_versions_it_was_drawn_from(driver, visit_team):
    speak(driver, "U0A1")
    form = open_edit(driver, "U0A1", logged(driver))
    meta = json.loads(form["private_metadata"])
    assert (meta["v"], meta["fv"]) == (1, {"1": 1, "2": 1})


def test_a_done_button_on_a_withdrawn_follow_up_says_what_happened(driver, visit_team):
    speak(driver, "U0A1")
    logged(driver)
    listing = driver.command("U0A1", "/visit", "followups")
    driver.command("U0A1", "/visit", "list")
    with db.session_scope() as session:
        followup = session.get(Followup, 1)
        followup.withdrawn_at, followup.withdrawn_by_id = NOW, 2
    pressed = driver.press("U0A1", first_button(listing.reply, ids.FOLLOWUP_DONE))
    assert "“send quote” was withdrawn by <@U0A1>" in pressed.reply_text
    assert stored_followups()[0].status == "open"


def test_times_in_the_stale_message_are_the_readers(driver, visit_team):
    speak(driver, "U0A1", "U0MGR")
    message = logged(driver)
    mine, theirs = open_edit(driver, "U0A1", message), open_edit(driver, "U0MGR", message)
    driver.submit("U0MGR", theirs, form_values(customer=customer_id("Acme Corp"), needs="25 lines"))
    refused = driver.submit("U0A1", mine, form_values(customer=customer_id("Acme Corp"), needs="30 lines"))
    assert "11/18/26, 10:00" in refused.json["errors"]["customer"]  # NOW (02:00 UTC) in Shanghai
    assert datetime(2026, 11, 18, 2, tzinfo=UTC) == NOW


# --- customers and KPI entries are withdrawn too ---------------------------------------------


def test_a_manager_takes_a_customer_off_the_list_and_puts_it_back_but_not_with_open_follow_ups(driver, visit_team):
    speak(driver, "U0A1", "U0MGR")
    logged(driver)  # Acme Corp has two open follow-ups
    refused = driver.command("U0MGR", "/amteam", "customer remove Acme Corp")
    assert "*Acme Corp* still has 2 open follow-ups, so it stays on the list" in refused.reply_text
    removed = driver.command("U0MGR", "/amteam", "customer remove Beta Bank")
    assert "Customer *Beta Bank* is off the team's list" in removed.reply_text
    with db.session_scope() as session:
        beta = session.scalars(select(Customer).where(Customer.name == "Beta Bank")).one()
        assert (beta.active, beta.withdrawn_at, beta.withdrawn_by_id) == (False, NOW, session.scalars(select(Member.id).where(Member.slack_id == "U0MGR")).one())
    assert "I don't know a customer called" in driver.command("U0MGR", "/visit", "Beta Bank; needs: x").reply_text
    restored = driver.command("U0MGR", "/amteam", "customer restore Beta Bank")
    assert "Customer *Beta Bank* is back on the team's list" in restored.reply_text
    assert "Visit logged" in driver.command("U0MGR", "/visit", "Beta Bank; needs: x").reply_text


def test_a_kpi_entry_taken_back_can_be_put_back(driver, visit_team):
    speak(driver, "U0A1")
    logged_entry = driver.command("U0A1", "/kpi", "log revenue 12000 Acme Corp")
    undone = driver.press("U0A1", first_button(logged_entry.reply, ids.KPI_UNDO_ENTRY))
    assert "Taken back" in undone.reply_text
    with db.session_scope() as session:
        entry = session.scalars(select(KpiEntry)).one()
        assert (entry.undone, entry.withdrawn_at is not None, entry.withdrawn_by_id is not None) == (True, True, True)
    back = driver.press("U0A1", first_button(undone.reply, ids.KPI_RESTORE_ENTRY))
    assert "Put back" in back.reply_text and "counts again" in back.reply_text
    with db.session_scope() as session:
        entry = session.scalars(select(KpiEntry)).one()
        assert (entry.undone, entry.withdrawn_at) == (False, None)
    again = driver.press("U0A1", first_button(undone.reply, ids.KPI_RESTORE_ENTRY))
    assert "already counts" in again.reply_text


# --- at the same instant -----------------------------------------------------------------------


@pytest.mark.real_commits  # two submissions race on connections of their own
def test_two_forms_saved_at_the_same_instant_one_wins_whole_and_the_other_is_told(driver, visit_team):
    speak(driver, "U0A1", "U0MGR")
    message = logged(driver)
    forms = {"U0A1": open_edit(driver, "U0A1", message), "U0MGR": open_edit(driver, "U0MGR", message)}
    acme = customer_id("Acme Corp")
    rows = [("send quote", "2026-11-20", "U0A1"), ("call IT", "2026-11-25", "U0A1")]
    results: dict[str, dict] = {}

    def save(user: str) -> None:
        results[user] = driver.submit(user, forms[user], form_values(customer=acme, needs=f"needs of {user}", followups=rows)).json

    threads = [threading.Thread(target=save, args=(user,)) for user in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [user for user, answer in results.items() if answer.get("response_action") == "errors"]
    assert len(refused) == 1, results
    winner = next(user for user in forms if user not in refused)
    assert the_visit().needs == f"needs of {winner}" and the_visit().version == 2
    error = results[refused[0]]["errors"]["customer"]
    assert "changed" in error and "nothing of yours was saved" in error.lower()  # refused by the version check, or by the database


@pytest.mark.real_commits  # the presses race on connections of their own
def test_done_pressed_twice_at_once_marks_it_done_once_and_answers_both(driver, visit_team):
    speak(driver, "U0A1")
    logged(driver)
    listing = driver.command("U0A1", "/visit", "followups")
    button = first_button(listing.reply, ids.FOLLOWUP_DONE)
    answers: list[str] = []
    threads = [threading.Thread(target=lambda: answers.append(driver.press("U0A1", button).reply_text)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum("Done — marked by" in a for a in answers) == 1 and sum("already done" in a for a in answers) == 2, answers
    with db.session_scope() as session:
        records = session.scalars(select(AuditRecord).where(AuditRecord.entity == "followups", AuditRecord.entity_id == 1, AuditRecord.action == "update")).all()
        assert [r.after["status"] for r in records] == ["done"]


def test_withdraw_on_an_old_message_of_a_visit_edited_since_says_who_changed_it(driver, visit_team):
    speak(driver, "U0A1", "U0MGR")
    message = logged(driver)
    form = open_edit(driver, "U0MGR", message)
    driver.submit("U0MGR", form, form_values(customer=customer_id("Acme Corp"), needs="25 lines",
                                             followups=[("send quote", "2026-11-20", "U0A1"), ("call IT", "2026-11-25", "U0A1")]))  # fmt: skip
    pressed = driver.press("U0A1", first_button(message, ids.VISIT_WITHDRAW))  # drawn at version 1
    assert "<@U0MGR> changed this at" in pressed.reply_text
    assert the_visit().withdrawn_at is None and the_visit().needs == "25 lines"
