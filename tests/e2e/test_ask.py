"""`/ask` over signed HTTP: topic by keywords (English and Chinese) or by name, levels,
the lead time in working days, away responders, load balancing, and every bad input."""

from __future__ import annotations

from datetime import UTC, datetime

from core import clock
from storage.models import Question, QuestionEvent, Topic, TopicResponder
from tests.e2e.question_helpers import (
    away,
    button,
    dm_text,
    dms,
    member_id,
    only_question,
    qteam_fixture,  # noqa: F401 - the `qteam` fixture
    questions,
    set_backup,
    speaks,
)
from tests.helpers import db, row_counts


def test_english_keywords_route_to_the_topic_responder_with_the_lead_time(driver, qteam):
    result = driver.command("U0A1", "/ask", "MPLS circuit Shanghai–Suzhou: how long is the resource check?")
    text = result.reply_text
    assert result.reply["response_type"] == "ephemeral"
    assert "#circuit" in text and "<@U0S1>" in text and "level 1" in text
    # Monday + 3 working days = Thursday; the topic's own note is quoted as well.
    assert "3 working days" in text and "Thu, Dec 10, 2026" in text and "资源核查 3 个工作日" in text
    question = only_question()
    assert (question.status, question.level, question.assignee_id) == ("open", 1, member_id("U0S1"))
    # 2 working hours after Monday 10:00 in Shanghai.
    assert question.sla_due_at == datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
    responder_dm = dms(driver, "U0S1")[-1]
    assert "MPLS circuit Shanghai–Suzhou" in dm_text(driver, "U0S1")
    for action in ("question_claim", "question_answer", "question_reassign", "question_escalate"):
        assert button(responder_dm, action)["value"] == str(question.id)
    assert "Updates come in this thread" in dm_text(driver, "U0A1")
    assert (question.asker_ts, question.assignee_ts) != (None, None)


def test_chinese_keywords_are_matched_as_substrings(driver, qteam):
    driver.command("U0A1", "/ask", "苏州到上海的跨域专线资源核查要多久？")
    driver.command("U0A1", "/ask", "客户的发票抬头开错了，怎么重开")
    first, second = questions()
    with db.session_scope() as s:
        assert (s.get(Question, first.id).topic.key, s.get(Question, second.id).topic.key) == ("circuit", "billing")


def test_chinese_readers_get_chinese(driver, qteam):
    speaks("U0A1", "zh-CN")
    speaks("U0S1", "zh-CN")
    result = driver.command("U0A1", "/ask", "跨域专线资源核查要多久？")
    assert "问题 #1" in result.reply_text and "（3 个工作日）——2026年12月10日周四之前不要向客户做任何承诺" in result.reply_text
    assert "请在 2026/12/7 12:00 前认领" in dm_text(driver, "U0S1")


def test_explicit_topic_and_level(driver, qteam):
    result = driver.command("U0A1", "/ask", "#billing !2 the customer wants a refund for last quarter")
    assert "<@U0S2>" in result.reply_text and "level 2" in result.reply_text
    question = only_question()
    assert (question.level, question.assignee_id) == (2, member_id("U0S2"))
    assert "1 working day" in result.reply_text


def test_lead_time_counts_chinese_holidays_and_make_up_days(driver, qteam):
    # Wed 30 Sep 2026; 1–7 Oct is the National Day holiday, Sat 10 Oct a make-up working day.
    clock.freeze(datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    result = driver.command("U0A1", "/ask", "#circuit capacity to Wuxi?")
    assert "Sat, Oct 10, 2026" in result.reply_text


def test_away_responder_goes_to_their_backup_and_the_asker_is_told(driver, qteam):
    away("U0S1")
    set_backup("U0S1", "U0S4")
    result = driver.command("U0A1", "/ask", "#circuit MPLS to Hangzhou?")
    assert "<@U0S1> is away" in result.reply_text and "<@U0S4>" in result.reply_text
    assert only_question().assignee_id == member_id("U0S4")
    assert "<@U0S1> is away: you are covering" in dm_text(driver, "U0S4")
    with db.session_scope() as s:
        event = s.query(QuestionEvent).one()
        assert event.detail["via_backup_of"] == member_id("U0S1")


def test_away_responder_with_a_handover_cover_goes_to_the_cover(driver, qteam):
    away("U0S1", cover="U0S3")
    set_backup("U0S1", "U0S4")
    driver.command("U0A1", "/ask", "#circuit MPLS to Ningbo?")
    assert only_question().assignee_id == member_id("U0S3")


def test_nobody_at_the_level_goes_one_up_and_says_so(driver, qteam):
    away("U0S1")  # no backup
    result = driver.command("U0A1", "/ask", "#circuit MPLS to Hefei?")
    assert "Nobody is available at level 1" in result.reply_text and "<@U0S2>" in result.reply_text
    assert only_question().level == 2
    assert "Nobody was available at level 1" in dm_text(driver, "U0S2")


def test_nobody_at_any_level_goes_to_the_manager(driver, qteam):
    with db.session_scope() as s:
        s.query(TopicResponder).delete()
    result = driver.command("U0A1", "/ask", "#circuit who can check the MPLS?")
    assert "your manager <@U0MGR>" in result.reply_text
    question = only_question()
    assert question.assignee_id == member_id("U0MGR") and question.sla_due_at is None


def test_load_balancing_fewest_open_first_then_round_robin(driver, qteam):
    driver.command("U0A1", "/ask", "#billing invoice one")
    driver.command("U0A1", "/ask", "#billing invoice two")
    driver.command("U0A1", "/ask", "#billing invoice three")
    driver.command("U0A1", "/ask", "#billing invoice four")
    assignees = [q.assignee_id for q in questions() if q.assignee_id is not None]
    s1, s4 = member_id("U0S1"), member_id("U0S4")
    # Ties alternate; whoever is ahead waits until the other catches up.
    assert sorted(assignees[:2]) == sorted([s1, s4]) and sorted(assignees[2:]) == sorted([s1, s4])
    with db.session_scope() as s:
        s.get(Question, questions()[0].id).status = "answered"
    driver.command("U0A1", "/ask", "#billing invoice five")
    assert questions()[-1].assignee_id == assignees[0]  # the one with fewer open questions now


def test_the_asker_is_never_routed_their_own_question(driver, qteam):
    driver.command("U0S1", "/ask", "#circuit MPLS for our own office?")
    assert only_question().assignee_id == member_id("U0S2")


def test_no_keyword_match_lets_the_user_pick_and_writes_nothing_until_then(driver, qteam):
    before = row_counts()
    result = driver.command("U0A1", "/ask", "the customer wants a quote for something new")
    assert "Which topic" in result.reply_text and "/ask #topic" in result.reply_text
    assert {k: v for k, v in row_counts().items() if k != "processed_requests"} == {k: v for k, v in before.items() if k != "processed_requests"}
    pick = button(result.reply, "ask_pick_topic:billing")
    routed = driver.press("U0A1", pick)
    assert "#billing" in routed.reply_text
    assert only_question().text == "the customer wants a quote for something new"
    driver.press("U0A1", pick)  # a double click asks once
    assert len(questions()) == 1


def test_a_retried_slash_command_asks_once(driver, qteam):
    driver.command("U0A1", "/ask", "#circuit MPLS retry?", trigger_id="trig.same")
    again = driver.command("U0A1", "/ask", "#circuit MPLS retry?", trigger_id="trig.same", retry_num=1)
    assert "#circuit" in again.reply_text
    assert len(questions()) == 1 and len(dms(driver, "U0S1")) == 1


# --- bad input --------------------------------------------------------------------------


def refused(driver, text: str) -> str:
    before = row_counts()
    result = driver.command("U0A1", "/ask", text)
    assert result.reply["response_type"] == "ephemeral"
    assert {k: v for k, v in row_counts().items() if k != "processed_requests"} == {k: v for k, v in before.items() if k != "processed_requests"}
    assert driver.fake.calls_to("chat.postMessage") == []
    return result.reply_text


def test_empty_question_after_options(driver, qteam):
    text = refused(driver, "#circuit !2")
    assert "Write your question after `/ask`" in text and "`/ask #circuit" in text


def test_unknown_topic_offers_the_list(driver, qteam):
    result_text = refused(driver, "#nosuch how long?")
    assert "no topic “#nosuch”" in result_text and "`#circuit`" in result_text and "`#billing`" in result_text


def test_unknown_topic_buttons_route_to_the_picked_topic(driver, qteam):
    result = driver.command("U0A1", "/ask", "#nosuch how long for a circuit?")
    driver.press("U0A1", button(result.reply, "ask_pick_topic:billing"))
    with db.session_scope() as s:
        assert s.get(Question, only_question().id).topic.key == "billing"


def test_level_outside_1_to_3(driver, qteam):
    assert "“!4” is not a level" in refused(driver, "!4 MPLS circuit?")
    assert "“!0” is not a level" in refused(driver, "#circuit !0 MPLS circuit?")


def test_question_over_slacks_limits(driver, qteam):
    text = refused(driver, "#circuit " + "专" * 1801)
    assert "1801 characters" in text and "1800" in text


def test_strangers_are_refused(driver, qteam):
    driver.fake.users["U0NOBODY"] = {"locale": "en-US"}
    result = driver.command("U0NOBODY", "/ask", "#circuit MPLS?")
    assert "not a member" in result.reply_text
    assert questions() == []


def test_user_text_is_escaped(driver, qteam):
    result = driver.command("U0A1", "/ask", "#circuit <!channel> MPLS & more <@U0MGR>")
    assert "&lt;!channel&gt; MPLS &amp; more &lt;@U0MGR&gt;" in result.reply_text
    assert "<!channel>" not in dm_text(driver, "U0S1")


def test_help_and_mine(driver, qteam):
    help_text = driver.command("U0A1", "/ask", "help").reply_text
    assert "/ask search" in help_text and "!2" in help_text
    driver.command("U0A1", "/ask", "#circuit MPLS mine?")
    mine = driver.command("U0A1", "/ask", "mine").reply_text
    assert "Questions you asked" in mine and "MPLS mine?" in mine and "waiting to be claimed" in mine
    theirs = driver.command("U0S1", "/ask", "mine").reply_text
    assert "Waiting on you" in theirs and "MPLS mine?" in theirs



def test_a_team_without_topics_is_told_how_to_add_one(driver, qteam):
    with db.session_scope() as s:
        s.query(TopicResponder).delete()
        s.query(Topic).delete()
    assert "`/amteam topic add`" in refused(driver, "MPLS circuit?")
    driver.command("U0A1", "/ask", "")
    assert driver.fake.calls_to("views.open") == []
