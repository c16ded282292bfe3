"""Deflection before routing, the knowledge base (`/ask search`), and the `/ask` form."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Customer, Handover, Member, Question, QuestionEvent, Topic
from tests.e2e.question_helpers import (
    MONDAY_10,
    button,
    dms,
    member_id,
    qteam_fixture,  # noqa: F401 - the `qteam` fixture
    questions,
    speaks,
)
from tests.helpers import db, row_counts

ANSWERED = [
    ("circuit", "苏州到上海的跨域 MPLS 专线 100M，资源核查要多久？", "资源核查 3 个工作日；核查通过后开通一般 10 个工作日。"),
    ("circuit", "上海到苏州 MPLS 专线资源核查需要几天", "3 个工作日。"),
    ("circuit", "苏州到上海专线 MPLS 资源核查周期", "资源核查 3 个工作日，跨省再加 2 天。"),
    ("circuit", "苏州到上海的 MPLS 专线资源核查要多长时间？", "一般 3 个工作日。"),
    ("circuit", "How long does the resource check take for an MPLS circuit from Shanghai to Suzhou?", "Three working days for the resource check."),
    ("billing", "苏州到上海的 MPLS 专线资源核查发票怎么开？", "按月开具。"),
    ("billing", "客户发票抬头错了，能不能重开？", "可以。作废原发票后提交更正单，1 个工作日内重开。"),
]


def seed_answered(items=ANSWERED) -> list[int]:
    ids = []
    with db.session_scope() as s:
        s1 = member_id("U0S1")
        asker = member_id("U0B1")
        topics = {t.key: t.id for t in s.scalars(select(Topic))}
        team_id = s.scalar(select(Member.team_id).where(Member.id == s1))
        for index, (key, text, answer) in enumerate(items):
            asked = MONDAY_10 - timedelta(days=10 - index)
            question = Question(
                team_id=team_id, asker_id=asker, topic_id=topics[key], level=1, text=text, status="answered", assignee_id=s1,
                asked_at=asked, routed_at=asked, claimed_at=asked + timedelta(minutes=10), answered_at=asked + timedelta(hours=1),
                answered_by_id=s1, answer=answer, escalations=0,
            )
            s.add(question)
            s.flush()
            ids.append(question.id)
    return ids


def test_similar_answered_questions_come_first_and_nothing_is_written(driver, qteam):
    seeded = seed_answered()
    before = row_counts()
    result = driver.command("U0A1", "/ask", "苏州到上海的 MPLS 专线资源核查要多久？")
    offered = [b["value"] for block in result.reply["blocks"] if (b := block.get("accessory"))]
    assert "look similar" in result.reply_text
    assert 1 <= len(offered) <= 3 and set(offered) <= {str(i) for i in seeded[:5]}
    assert str(seeded[5]) not in offered  # another topic's answer is not offered
    assert button(result.reply, "ask_still_ask")
    assert row_counts() == before and driver.fake.calls_to("chat.postMessage") == []

    thanks = driver.press("U0A1", button(result.reply, "ask_deflected", offered[0]))
    assert "nothing was sent to support" in thanks.reply_text
    assert len(questions()) == len(seeded) and driver.fake.calls_to("chat.postMessage") == []
    with db.session_scope() as s:
        event = s.scalar(select(QuestionEvent).where(QuestionEvent.kind == "deflected"))
        assert event.question_id == int(offered[0]) and event.actor_id == member_id("U0A1")


def test_that_answers_it_pressed_twice_counts_once(driver, qteam):
    from storage.question_stats import response_stats

    seed_answered()
    result = driver.command("U0A1", "/ask", "苏州到上海的 MPLS 专线资源核查要多久？")
    deflect = button(result.reply, "ask_deflected")
    for retry in (None, None, 1):  # a double click, then Slack retrying the request
        assert "nothing was sent to support" in driver.press("U0A1", deflect, retry_num=retry).reply_text
    with db.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(QuestionEvent).where(QuestionEvent.kind == "deflected")) == 1
        assert response_stats(s, qteam, MONDAY_10 - timedelta(days=1), MONDAY_10 + timedelta(days=1)).deflected == 1


def test_long_answers_are_cut_before_they_are_escaped(driver, qteam):
    similar_answer = "y" * 598 + "<" + "z" * 5  # shown cut at 600 among similar questions
    search_answer = "w" * 698 + "&" + "z" * 5  # and at 700 in `/ask search`
    seed_answered([("circuit", "苏州到上海的 MPLS 专线资源核查要多久？", similar_answer), ("billing", "发票重开要多久", search_answer)])
    similar = driver.command("U0A1", "/ask", "苏州到上海的 MPLS 专线资源核查要多久？").reply_text
    assert "y" * 598 + "&lt;…" in similar and "y&…" not in similar
    found = driver.command("U0A1", "/ask", "search 发票重开").reply_text
    assert "w" * 698 + "&amp;…" in found and "w&…" not in found


def test_still_ask_routes_the_question(driver, qteam):
    seed_answered()
    result = driver.command("U0A1", "/ask", "How long is the MPLS circuit resource check from Shanghai to Suzhou?")
    assert "Three working days for the resource check" in result.reply_text
    routed = driver.press("U0A1", button(result.reply, "ask_still_ask"))
    assert "is with <@U0S1>" in routed.reply_text and "Lead time for #circuit" in routed.reply_text
    newest = questions()[-1]
    assert newest.text == "How long is the MPLS circuit resource check from Shanghai to Suzhou?" and newest.status == "open"
    assert len(dms(driver, "U0S1")) == 1


def test_an_unrelated_question_is_routed_straight_away(driver, qteam):
    seed_answered()
    result = driver.command("U0A1", "/ask", "#circuit 北京机房的光纤割接窗口是哪天")
    assert "is with <@U0S1>" in result.reply_text
    assert questions()[-1].status == "open"


def test_search_the_knowledge_base_in_both_languages(driver, qteam):
    seed_answered()
    chinese = driver.command("U0A1", "/ask", "search 发票 重开").reply_text
    assert "客户发票抬头错了" in chinese and "1 个工作日内重开" in chinese
    english = driver.command("U0A1", "/ask", "search resource check MPLS").reply_text
    assert "Three working days for the resource check" in english
    nothing = driver.command("U0A1", "/ask", "search 卫星电话").reply_text
    assert "Nothing answered matches “卫星电话”" in nothing
    empty = driver.command("U0A1", "/ask", "search")
    assert "Give some words to look for" in empty.reply_text and "`/ask" in empty.reply_text


def test_every_answer_joins_the_knowledge_base(driver, qteam):
    driver.command("U0A1", "/ask", "#billing 集团客户的增值税专票多久能开出来？")
    message = driver.fake.messages["DU0S1"][-1]
    driver.press("U0S1", button(message, "question_answer"), message=message, channel_id="DU0S1")
    form = driver.fake.calls_to("views.open")[-1].response["view"]
    driver.submit("U0S1", form, {"answer": {"answer": {"type": "plain_text_input", "value": "专票 2 个工作日开出。"}}})
    found = driver.command("U0B1", "/ask", "search 专票").reply_text
    assert "增值税专票" in found and "2 个工作日开出" in found
    again = driver.command("U0B1", "/ask", "#billing 集团客户增值税专票多久能开出来")
    assert "专票 2 个工作日开出" in again.reply_text and button(again.reply, "ask_deflected")


# --- the form ---------------------------------------------------------------------------------


def open_form(driver) -> dict:
    driver.command("U0A1", "/ask", "")
    return driver.fake.calls_to("views.open")[-1].response["view"]


def form_values(*, question: str, topic: str | None = None, level: str = "1", customer: str | None = None) -> dict:
    values = {
        "level": {"level": {"type": "static_select", "selected_option": {"value": level}}},
        "question": {"question": {"type": "plain_text_input", "value": question}},
        "topic": {"topic": {"type": "static_select", "selected_option": {"value": topic} if topic else None}},
        "customer": {"ask_customer": {"type": "external_select", "selected_option": {"value": customer} if customer else None}},
    }
    return values


def test_the_form_asks_with_topic_level_and_customer(driver, qteam):
    form = open_form(driver)
    assert [b["block_id"] for b in form["blocks"]] == ["topic", "level", "customer", "question"]
    with db.session_scope() as s:
        customer_id = s.scalar(select(Customer.id))
    options = driver.suggest("U0A1", "ask_customer", "HDMG", block_id="customer", view=form)
    assert [o["value"] for o in options.json["options"]] == [str(customer_id)]
    result = driver.submit("U0A1", form, form_values(question="Capacity for the new plant?", topic="billing", level="2", customer=str(customer_id)))
    assert result.json["response_action"] == "update" and "<@U0S2>" in str(result.json["view"]["blocks"])
    question = questions()[-1]
    assert (question.level, question.customer_id, question.assignee_id) == (2, customer_id, member_id("U0S2"))
    assert "华东制造集团" in str(dms(driver, "U0S2")[-1]["blocks"])


def test_the_form_refuses_bad_input_field_by_field(driver, qteam):
    form = open_form(driver)
    before = row_counts()
    no_topic = driver.submit("U0A1", form, form_values(question="something without keywords"))
    assert "pick a topic" in no_topic.json["errors"]["topic"]
    empty = driver.submit("U0A1", form, form_values(question="   ", topic="circuit"))
    assert "Write your question" in empty.json["errors"]["question"]
    bad_customer = driver.submit("U0A1", form, form_values(question="MPLS?", topic="circuit", customer="999999"))
    assert "not one of your team's customers" in bad_customer.json["errors"]["customer"]
    assert row_counts() == before


def test_the_form_shows_similar_answers_and_still_asks_from_the_modal(driver, qteam):
    seed_answered()
    form = open_form(driver)
    result = driver.submit("U0A1", form, form_values(question="苏州到上海的 MPLS 专线资源核查要多久？"))
    similar = result.json["view"]
    assert result.json["response_action"] == "update" and "look similar" in str(similar["blocks"])
    shown = dict(similar, id=form["id"])
    still = button(similar, "ask_still_ask")
    driver.press("U0A1", still, view=shown)
    assert "is with <@U0S1>" in str(driver.fake.calls_to("views.update")[-1].body["view"]["blocks"])
    assert questions()[-1].text == "苏州到上海的 MPLS 专线资源核查要多久？"
    driver.press("U0A1", still, view=shown)  # clicked twice
    assert sum(q.status == "open" for q in questions()) == 1


def test_a_stranger_cannot_open_the_form(driver, qteam):
    driver.fake.users["U0NOBODY"] = {"locale": "en-US"}
    result = driver.command("U0NOBODY", "/ask", "")
    assert "not a member" in result.reply_text and driver.fake.calls_to("views.open") == []


def _open_form_as(driver, user: str) -> dict:
    driver.command(user, "/ask", "")
    return driver.fake.calls_to("views.open")[-1].response["view"]


def test_the_customer_field_offers_and_takes_only_customers_the_asker_may_see(driver, qteam):
    with db.session_scope() as s:
        own = s.scalar(select(Customer.id))  # 华东制造集团, 张伟 U0A1's
        beta = Customer(team_id=qteam, name="Beta Bank", aliases=["BB"], owner_id=member_id("U0B1"), tier="regular")
        s.add(beta)
        s.flush()
        other = beta.id

    def offered(user: str) -> list[str]:
        form = _open_form_as(driver, user)
        return [o["value"] for o in driver.suggest(user, "ask_customer", "", block_id="customer", view=form).json["options"]]

    assert offered("U0A1") == [str(own)]
    assert offered("U0B1") == [str(other)]
    assert sorted(offered("U0MGR")) == sorted([str(own), str(other)])
    assert offered("U0S1") == []  # support people leave the field empty

    before = row_counts()
    form = _open_form_as(driver, "U0A1")
    forged = driver.submit("U0A1", form, form_values(question="MPLS?", topic="circuit", customer=str(other)))
    assert forged.json["errors"] == {"customer": "You can link a question only to your own customers and to those of a colleague you are covering."}
    speaks("U0S1", "zh-CN")
    form = _open_form_as(driver, "U0S1")
    support = driver.submit("U0S1", form, form_values(question="MPLS?", topic="circuit", customer=str(own)))
    assert support.json["errors"] == {"customer": "请不要选择客户：问题由客户的客户经理关联到客户。"}
    assert row_counts() == before

    with db.session_scope() as s:  # 张伟 covers 李娜 while she is away: her customers too
        s.add(Handover(team_id=qteam, member_id=member_id("U0B1"), cover_id=member_id("U0A1"), status="active",
                       starts_at=MONDAY_10 - timedelta(days=1), ends_at=MONDAY_10 + timedelta(days=3), created_at=MONDAY_10))  # fmt: skip
    assert sorted(offered("U0A1")) == sorted([str(own), str(other)])
    form = _open_form_as(driver, "U0A1")
    covered = driver.submit("U0A1", form, form_values(question="MPLS?", topic="circuit", customer=str(other)))
    assert covered.json["response_action"] == "update" and questions()[-1].customer_id == other
