"""Past 100 choices a Slack menu cannot hold them: the topic picker becomes a type-ahead
(`external_select` with an options endpoint) in the form, and the button picker sends you
to that form; customers already are one. Both languages; every answer ≤ 100 options."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from slackio import ids
from storage.models import Customer, Member, Team, Topic
from tests.e2e.question_helpers import qteam_fixture, speaks  # noqa: F401 - the `qteam` fixture
from tests.helpers import db, first_button, row_counts


@pytest.fixture
def many_topics(qteam):
    with db.session_scope() as session:
        for n in range(150):
            session.add(Topic(team_id=qteam, key=f"product{n:03d}", name=f"产品线 {n:03d}", keywords=[f"sku{n:03d}"], lead_time_days=1))
    return qteam


def topic_element(view: dict) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == "topic")["element"]


def test_the_form_searches_topics_once_there_are_more_than_100(driver, many_topics):
    driver.command("U0A1", "/ask", "")
    form = driver.fake.calls_to("views.open")[-1].response["view"]
    element = topic_element(form)
    assert element["type"] == "external_select" and element["action_id"] == ids.ASK_TOPIC
    everything = driver.suggest("U0A1", ids.ASK_TOPIC, "", block_id="topic", view=form).json["options"]
    assert len(everything) == 100  # Slack's most; typing narrows it
    by_key = [o["value"] for o in driver.suggest("U0A1", ids.ASK_TOPIC, "product12", block_id="topic", view=form).json["options"]]
    assert by_key == [f"product{n}" for n in range(120, 130)]
    by_name = driver.suggest("U0A1", ids.ASK_TOPIC, "产品线 149", block_id="topic", view=form).json["options"]
    assert [o["value"] for o in by_name] == ["product149"]
    by_keyword = driver.suggest("U0A1", ids.ASK_TOPIC, "circuit", block_id="topic", view=form).json["options"]
    assert by_keyword[0]["value"] == "circuit"
    values = {
        "topic": {ids.ASK_TOPIC: {"type": "external_select", "selected_option": by_keyword[0]}},
        "level": {"level": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": "1"}, "value": "1"}}},
        "customer": {ids.ASK_CUSTOMER: {"type": "external_select", "selected_option": None}},
        "question": {ids.ASK_QUESTION_TYPED: {"type": "plain_text_input", "value": "资源核查要多久？"}},
    }
    result = driver.submit("U0A1", form, values)
    assert result.json["response_action"] == "update" and row_counts()["questions"] == 1


def test_with_many_topics_the_picker_sends_you_to_the_form_with_your_question(driver, many_topics):
    speaks("U0A1", "zh-CN")
    driver.fake.users["U0A1"] = {"locale": "zh-CN", "tz": "Asia/Shanghai"}
    picker = driver.command("U0A1", "/ask", "这个问题没有任何关键词").reply
    assert len(picker["blocks"]) < 10 and "共有 152 个主题" in picker["blocks"][1]["text"]["text"]
    opened = driver.press("U0A1", first_button(picker, ids.ASK_OPEN_FORM))
    assert opened.status == 200
    form = driver.fake.calls_to("views.open")[-1].body["view"]
    question = next(b for b in form["blocks"] if b.get("block_id") == "question")["element"]
    assert question["initial_value"] == "这个问题没有任何关键词"
    assert topic_element(form)["placeholder"]["text"] == "输入主题或关键词的一部分"
    assert row_counts()["questions"] == 0


def test_up_to_100_topics_stay_a_menu_and_buttons(driver, qteam):
    driver.command("U0A1", "/ask", "")
    assert topic_element(driver.fake.calls_to("views.open")[-1].response["view"])["type"] == "static_select"
    picker = driver.command("U0A1", "/ask", "no keywords at all here").reply
    assert first_button(picker, ids.ASK_PICK_TOPIC)


def test_customer_type_aheads_answer_at_most_100_in_both_forms(driver, qteam):
    with db.session_scope() as session:
        team = session.get(Team, qteam)
        owner = session.scalar(select(Member).where(Member.slack_id == "U0A1", Member.team_id == team.id))
        for n in range(150):
            session.add(Customer(team_id=qteam, name=f"客户 {n:03d} 有限公司", aliases=[f"C{n:03d}"], owner_id=owner.id, tier="regular"))
    driver.command("U0A1", "/visit", "")
    visit_form = driver.fake.calls_to("views.open")[-1].response["view"]
    assert next(b for b in visit_form["blocks"] if b.get("block_id") == "customer")["element"]["type"] == "external_select"
    assert len(driver.suggest("U0A1", ids.VISIT_CUSTOMER, "", block_id="customer", view=visit_form).json["options"]) == 100
    found = driver.suggest("U0A1", ids.VISIT_CUSTOMER, "C149", block_id="customer", view=visit_form).json["options"]
    assert found[0]["text"]["text"].startswith("客户 149 有限公司")
    driver.command("U0A1", "/ask", "")
    ask_form = driver.fake.calls_to("views.open")[-1].response["view"]
    options = driver.suggest("U0A1", ids.ASK_CUSTOMER, "客户 14", block_id="customer", view=ask_form).json["options"]
    assert 0 < len(options) <= 100 and all("客户 14" in o["text"]["text"] for o in options)
