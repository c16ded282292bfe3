"""The buttons on a routed question, over signed HTTP: Claim (once, even when two people
press at once), Answer, Reassign, Escalate, and the asker's Resolved and follow-up."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from slackio.driver import Result
from storage.models import Question, QuestionEvent
from tests.e2e.question_helpers import (
    button,
    dm_text,
    member_id,
    only_question,
    qteam_fixture,  # noqa: F401 - the `qteam` fixture
)
from tests.helpers import db


def inbox(driver, user: str) -> list[dict]:
    """Messages in the bot's DM with `user`, as stored by the fake (with their ts)."""
    return list(driver.fake.messages.get("D" + user, []))


def press(driver, user: str, action_id: str, *, message: dict | None = None, value: str | None = None):
    message = message or next(m for m in reversed(inbox(driver, user)) if _has(m, action_id))
    return driver.press(user, button(message, action_id, value), message=message, channel_id="D" + user)


def _has(message: dict, action_id: str) -> bool:
    try:
        button(message, action_id)
    except AssertionError:
        return False
    return True


def opened_view(driver) -> dict:
    return driver.fake.calls_to("views.open")[-1].response["view"]


def text_value(block: str, value: str) -> dict:
    return {block: {block: {"type": "plain_text_input", "value": value}}}


def ask(driver, text: str = "#circuit MPLS Shanghai–Suzhou, how long?") -> Question:
    driver.command("U0A1", "/ask", text)
    return only_question()


def answer(driver, user: str, text: str):
    press(driver, user, "question_answer")
    return driver.submit(user, opened_view(driver), text_value("answer", text))


def events(question_id: int) -> list[str]:
    with db.session_scope() as s:
        return list(s.scalars(select(QuestionEvent.kind).where(QuestionEvent.question_id == question_id).order_by(QuestionEvent.id)))


def test_claim_answer_resolve(driver, qteam):
    question = ask(driver)
    press(driver, "U0S1", "question_claim")
    assert "<@U0S1> has claimed question #1" in dm_text(driver, "U0A1")
    updated = driver.fake.calls_to("chat.update")[-1].body
    assert "You claimed this" in str(updated["blocks"]) and "question_claim" not in str(updated["blocks"])

    submitted = answer(driver, "U0S1", "资源核查 3 个工作日，之后开通 10 个工作日。")
    assert submitted.status == 200 and "errors" not in submitted.json
    row = only_question()
    assert (row.status, row.answer, row.answered_by_id) == ("answered", "资源核查 3 个工作日，之后开通 10 个工作日。", member_id("U0S1"))
    assert row.claimed_at is not None and row.answered_at is not None
    answer_dm = inbox(driver, "U0A1")[-1]
    assert answer_dm["thread_ts"] == row.asker_ts and "资源核查 3 个工作日" in answer_dm["text"]
    assert "Answered and sent to <@U0A1>" in str(driver.fake.calls_to("chat.update")[-1].body["blocks"])

    press(driver, "U0A1", "question_resolve", message=answer_dm)
    assert only_question().status == "resolved"
    assert "marked question #1 resolved" in dm_text(driver, "U0S1")
    again = press(driver, "U0A1", "question_resolve", message=answer_dm)
    assert "already marked resolved" in again.reply_text
    assert events(question.id) == ["routed", "claimed", "answered", "resolved"]


def test_answer_without_claiming_claims_it_too(driver, qteam):
    question = ask(driver)
    answer(driver, "U0S1", "Three working days.")
    row = only_question()
    assert row.status == "answered" and row.claimed_at == row.answered_at
    assert events(question.id) == ["routed", "claimed", "answered"]


def test_answering_a_question_that_is_not_yours(driver, qteam):
    ask(driver)
    message = inbox(driver, "U0S1")[-1]
    refused = driver.press("U0S4", button(message, "question_answer"), message=message, channel_id="DU0S4")
    assert "not yours: it is with <@U0S1>" in refused.reply_text
    assert driver.fake.calls_to("views.open") == []


def test_a_stale_answer_form_is_refused_inside_the_form(driver, qteam):
    ask(driver)
    press(driver, "U0S1", "question_answer")
    first_form = opened_view(driver)
    driver.submit("U0S1", first_form, text_value("answer", "First answer"))
    second = driver.submit("U0S1", first_form, text_value("answer", "Second answer"))
    assert "already answered by @陈工" in second.json["errors"]["answer"]  # plain text: a name, not a raw mention
    assert only_question().answer == "First answer"


def test_empty_and_overlong_answers_are_refused(driver, qteam):
    ask(driver)
    press(driver, "U0S1", "question_answer")
    form = opened_view(driver)
    assert "Write an answer" in driver.submit("U0S1", form, text_value("answer", "   ")).json["errors"]["answer"]
    assert "3001 characters" in driver.submit("U0S1", form, text_value("answer", "x" * 3001)).json["errors"]["answer"]
    assert only_question().status == "open"


def test_claim_twice_by_the_same_person(driver, qteam):
    ask(driver)
    message = inbox(driver, "U0S1")[-1]
    press(driver, "U0S1", "question_claim", message=message)
    again = press(driver, "U0S1", "question_claim", message=message)
    assert "You have already claimed question #1" in again.reply_text


def test_someone_outside_the_topic_cannot_claim(driver, qteam):
    ask(driver)
    message = inbox(driver, "U0S1")[-1]
    refused = driver.press("U0B1", button(message, "question_claim"), message=message, channel_id="DU0B1")
    assert "not yours" in refused.reply_text and only_question().status == "open"


@pytest.mark.real_commits  # two claims race on their own connections
def test_concurrent_claims_one_wins_and_the_other_is_told_who(driver, qteam):
    """U0S1 (the assignee) and U0S4 (also answers billing) press Claim at the same moment."""
    ask(driver, "#billing invoice title is wrong")
    question = only_question()
    claimer = "U0S1" if question.assignee_id == member_id("U0S1") else "U0S4"
    other = "U0S4" if claimer == "U0S1" else "U0S1"
    message = inbox(driver, claimer)[-1]
    results: dict[str, Result] = {}
    start = threading.Barrier(2)

    def click(user: str) -> None:
        start.wait()
        results[user] = driver.press(user, button(message, "question_claim"), message=message, channel_id="D" + user)

    threads = [threading.Thread(target=click, args=(u,)) for u in (claimer, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    row = only_question()
    winner = next(u for u in (claimer, other) if member_id(u) == row.assignee_id)
    loser = other if winner == claimer else claimer
    assert row.status == "claimed"
    assert f"<@{winner}> has already claimed question #{row.id}" in results[loser].reply_text
    assert events(row.id).count("claimed") == 1
    assert sum("has claimed question" in t for t in driver.fake.dm_texts("U0A1")) == 1


def test_reassign_to_a_person(driver, qteam):
    ask(driver)
    press(driver, "U0S1", "question_reassign")
    form = opened_view(driver)
    assert form["blocks"][-1]["element"]["type"] == "users_select"
    result = driver.submit("U0S1", form, {"assignee": {"assignee": {"type": "users_select", "selected_user": "U0S4"}}})
    assert result.status == 200 and "errors" not in result.json
    row = only_question()
    assert (row.assignee_id, row.status, row.level) == (member_id("U0S4"), "open", 1)
    assert "<@U0S1> passed this to you" in dm_text(driver, "U0S4")
    assert "passed question #1 to <@U0S4>" in dm_text(driver, "U0A1")
    assert "is now with <@U0S4>" in str(driver.fake.calls_to("chat.update")[-1].body["blocks"])
    press(driver, "U0S4", "question_claim")
    assert only_question().status == "claimed"


def test_reassign_refusals(driver, qteam):
    ask(driver)
    press(driver, "U0S1", "question_reassign")
    form = opened_view(driver)
    stranger = driver.submit("U0S1", form, {"assignee": {"assignee": {"type": "users_select", "selected_user": "U0NOBODY"}}})
    assert "not on the team" in stranger.json["errors"]["assignee"]
    same = driver.submit("U0S1", form, {"assignee": {"assignee": {"type": "users_select", "selected_user": "U0S1"}}})
    assert "already with @陈工" in same.json["errors"]["assignee"]  # plain text: a name, not a raw mention
    asker = driver.submit("U0S1", form, {"assignee": {"assignee": {"type": "users_select", "selected_user": "U0A1"}}})
    assert "asked this question" in asker.json["errors"]["assignee"]
    message = inbox(driver, "U0S1")[-1]
    not_theirs = driver.press("U0B1", button(message, "question_reassign"), message=message, channel_id="DU0B1")
    assert "not yours" in not_theirs.reply_text
    assert only_question().assignee_id == member_id("U0S1")


def test_escalate_by_hand_goes_one_level_up(driver, qteam):
    ask(driver)
    press(driver, "U0S1", "question_claim")
    press(driver, "U0S1", "question_escalate")
    row = only_question()
    assert (row.level, row.assignee_id, row.status, row.escalations, row.claimed_at) == (2, member_id("U0S2"), "open", 1, None)
    assert "<@U0S1> escalated this to you from level 1" in dm_text(driver, "U0S2")
    assert "<@U0S1> escalated question #1 to <@U0S2> (level 2)" in dm_text(driver, "U0A1")
    assert "Lead time for #circuit" in dm_text(driver, "U0A1")
    assert "question_claim" in str(inbox(driver, "U0S2")[-1]["blocks"])
    press(driver, "U0S2", "question_escalate")
    press(driver, "U0S3", "question_escalate")
    row = only_question()
    assert (row.level, row.assignee_id) == (3, member_id("U0MGR"))
    assert "comes to you as the team's manager" in dm_text(driver, "U0MGR")
    refused = press(driver, "U0MGR", "question_escalate")
    assert "already with the manager" in refused.reply_text


def test_escalate_on_an_answered_question_is_refused(driver, qteam):
    ask(driver)
    message = inbox(driver, "U0S1")[-1]
    answer(driver, "U0S1", "Done.")
    refused = driver.press("U0S1", button(message, "question_escalate"), message=message, channel_id="DU0S1")
    assert "already answered" in refused.reply_text
    assert only_question().level == 1


def test_follow_up_in_the_same_thread(driver, qteam):
    ask(driver)
    answer(driver, "U0S1", "Three working days.")
    answer_dm = inbox(driver, "U0A1")[-1]
    press(driver, "U0A1", "question_followup", message=answer_dm)
    form = opened_view(driver)
    result = driver.submit("U0A1", form, text_value("followup", "And for a 1G circuit?"))
    assert "errors" not in result.json
    row = only_question()
    assert (row.status, row.assignee_id) == ("claimed", member_id("U0S1"))
    asker_note = inbox(driver, "U0A1")[-1]
    assert asker_note["thread_ts"] == row.asker_ts and "And for a 1G circuit?" in asker_note["text"]
    responder_note = inbox(driver, "U0S1")[-1]
    assert responder_note["thread_ts"] == row.assignee_ts and "has a follow-up on question #1" in responder_note["text"]
    answer(driver, "U0S1", "Five working days for 1G.")
    assert only_question().answer == "Five working days for 1G." and only_question().status == "answered"
    assert "Five working days for 1G." in inbox(driver, "U0A1")[-1]["text"]


def test_only_the_asker_resolves_or_follows_up(driver, qteam):
    ask(driver)
    answer(driver, "U0S1", "Three working days.")
    answer_dm = inbox(driver, "U0A1")[-1]
    for action in ("question_resolve", "question_followup"):
        refused = driver.press("U0B1", button(answer_dm, action), message=answer_dm, channel_id="DU0B1")
        assert "Only the person who asked" in refused.reply_text
    assert only_question().status == "answered"


def test_a_button_value_that_is_not_a_question_id_gets_the_not_found_refusal(driver, qteam):
    for action_id in ("question_claim", "question_resolve"):
        refused = driver.press("U0S1", {"action_id": action_id, "value": "12<!here>"}, channel_id="DU0S1")
        assert refused.status == 200
        assert "Question #12&lt;!here&gt; does not exist any more." in refused.reply_text and "<!here>" not in refused.reply_text


def test_long_question_text_is_cut_before_it_is_escaped(driver, qteam):
    # 301 characters: the cuts at 80 (`/ask mine`) and 300 (the answer DM) fall where
    # escaping first would have split an `&lt;` in two.
    ask(driver, "#circuit " + "x" * 78 + "<" + "y" * 216 + "<" + "z" * 5)
    answer(driver, "U0S1", "Three working days.")
    asked = dm_text(driver, "U0A1")
    assert "y" * 216 + "&lt;zzz…" in asked and "y&…" not in asked
    mine = driver.command("U0A1", "/ask", "mine").reply_text
    assert "x" * 78 + "&lt;…" in mine and "x&…" not in mine
