"""The knowledge base over signed requests: deflection before routing ("This answers it" /
"Still ask"), the `/ask` form's matches as the question is typed, `/ask search`, answers
becoming entries ("Add to the knowledge base"), and `/ask kb` (edit, merge, retire)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from services import knowledge
from services.knowledge import EntryFields
from storage.models import Customer, Handover, KnowledgeEntry, KnowledgeEvent, Member
from tests.e2e.question_helpers import (
    MONDAY_10,
    as_message,
    button,
    dms,
    member_id,
    qteam_fixture,  # noqa: F401 - the `qteam` fixture
    questions,
    speaks,
)
from tests.helpers import db, row_counts

ENTRIES = [
    ("circuit", "跨域电路资源核查要几个工作日？", "资源核查 3 个工作日；核查通过后开通一般 10 个工作日。"),
    ("circuit", "专线中断了客户要求赔偿怎么处理？", "按合同 SLA 条款计算可用性，低于承诺值按月租比例赔付。"),
    ("circuit", "How long does the resource check take for an MPLS circuit from Shanghai to Suzhou?", "Three working days for the resource check."),
    ("billing", "客户发票抬头错了，能不能重开？", "可以。作废原发票后提交更正单，1 个工作日内重开。"),
    ("billing", "集团客户能不能合并出一张账单？", "可以，把各分公司账户挂到集团统付账户下，次月生效。"),
]


def seed_entries(items=ENTRIES) -> list[int]:
    """Live entries, as if answered and added earlier (by U0S1)."""
    ids = []
    with db.session_scope() as s:
        author = member_id("U0S1")
        team_id = s.scalar(select(Member.team_id).where(Member.id == author))
        for index, (key, question, answer) in enumerate(items):
            entry = knowledge.seed_entry(s, team_id, None, EntryFields(question, answer, key, ()), author, MONDAY_10 - timedelta(days=10 - index))
            ids.append(entry.id)
    return ids


def offered(reply: dict) -> list[str]:
    return [b["value"] for block in reply.get("blocks") or [] if (b := block.get("accessory")) and b.get("action_id") == "ask_deflected"]


def deflections(entry_id: int | None = None) -> int:
    with db.session_scope() as s:
        query = select(func.count()).select_from(KnowledgeEvent).where(KnowledgeEvent.kind == "deflected")
        if entry_id is not None:
            query = query.where(KnowledgeEvent.entry_id == entry_id)
        return s.scalar(query)


# --- deflection before routing ------------------------------------------------------------------


def test_a_paraphrase_is_offered_before_routing_and_this_answers_it_counts_on_the_entry(driver, qteam):
    seeded = seed_entries()
    before = row_counts()
    result = driver.command("U0A1", "/ask", "跨域专线开通最快需要多久")  # the example: other words, same need
    assert offered(result.reply)[0] == str(seeded[0])
    assert "already in the knowledge base" in result.reply_text and "资源核查 3 个工作日" in result.reply_text
    assert button(result.reply, "ask_still_ask")
    assert row_counts() == before and driver.fake.calls_to("chat.postMessage") == []

    for retry in (None, None, 1):  # a double click, then Slack retrying the request
        thanks = driver.press("U0A1", button(result.reply, "ask_deflected", str(seeded[0])), retry_num=retry)
        assert "nothing was sent to support" in thanks.reply_text
    assert deflections(seeded[0]) == 1 and questions() == [] and driver.fake.calls_to("chat.postMessage") == []
    with db.session_scope() as s:
        event = s.scalar(select(KnowledgeEvent).where(KnowledgeEvent.kind == "deflected"))
        assert event.actor_id == member_id("U0A1")
    shown = driver.command("U0B1", "/ask", f"kb {seeded[0]}").reply_text
    assert "helped 1 person before" in shown


def test_deflection_in_chinese(driver, qteam):
    seeded = seed_entries()
    speaks("U0A1", "zh-CN")
    result = driver.command("U0A1", "/ask", "发票上的公司名称开错了，怎么重新开")
    assert offered(result.reply)[0] == str(seeded[3])
    assert "知识库里已经有这些答复" in result.reply_text and "这个就是答案" in str(result.reply["blocks"])
    thanks = driver.press("U0A1", button(result.reply, "ask_deflected", str(seeded[3])))
    assert "没有发给支撑人员" in thanks.reply_text or "nothing" not in thanks.reply_text


def test_still_ask_routes_the_question(driver, qteam):
    seed_entries()
    result = driver.command("U0A1", "/ask", "How many days is the resource check for an MPLS circuit Shanghai to Suzhou?")
    assert "Three working days for the resource check" in result.reply_text
    routed = driver.press("U0A1", button(result.reply, "ask_still_ask"))
    assert "is with <@U0S1>" in routed.reply_text and "Lead time for #circuit" in routed.reply_text
    assert questions()[-1].status == "open" and len(dms(driver, "U0S1")) == 1
    assert deflections() == 0


def test_an_unrelated_question_is_routed_straight_away(driver, qteam):
    seed_entries()
    result = driver.command("U0A1", "/ask", "#circuit 北京机房的光纤割接窗口是哪天")
    assert "is with <@U0S1>" in result.reply_text
    assert questions()[-1].status == "open"


def test_retired_and_merged_entries_are_never_offered_or_found(driver, qteam):
    seeded = seed_entries()
    english = "How long does the resource check take for an MPLS circuit?"
    assert str(seeded[2]) in offered(driver.command("U0A1", "/ask", english).reply)
    assert "is merged into" in driver.command("U0S1", "/ask", f"kb merge {seeded[2]} into {seeded[0]}").reply_text
    after_merge = driver.command("U0A1", "/ask", english).reply
    assert str(seeded[2]) not in offered(after_merge) and str(seeded[0]) in offered(after_merge)  # its wording now leads to the target
    driver.command("U0S1", "/ask", f"kb retire {seeded[0]}")
    after_retire = driver.command("U0A1", "/ask", english)
    assert not {str(seeded[0]), str(seeded[2])} & set(offered(after_retire.reply))
    found = driver.command("U0A1", "/ask", "search resource check MPLS").reply_text
    assert f"K{seeded[0]}*" not in found and f"K{seeded[2]}*" not in found and "Three working days" not in found
    with db.session_scope() as s:  # withdrawn, never deleted
        assert s.scalar(select(func.count()).select_from(KnowledgeEntry)) == len(seeded)


def test_long_answers_show_their_first_lines_cut_before_they_are_escaped(driver, qteam):
    answer = "y" * 298 + "<" + "z" * 5 + "\n第二行\n第三行\n第四行"
    seed_entries([("circuit", "苏州到上海的 MPLS 专线资源核查要多久？", answer), ("billing", "发票重开要多久", "w" * 698 + "&" + "z" * 5)])
    similar = driver.command("U0A1", "/ask", "苏州到上海的 MPLS 专线资源核查要多久？").reply_text
    assert "y" * 298 + "&lt;…" in similar and "y<" not in similar and "第四行" not in similar
    found = driver.command("U0A1", "/ask", "search 发票重开").reply_text
    assert "w" * 698 + "&amp;…" in found and "w&…" not in found


# --- /ask search ---------------------------------------------------------------------------------


def test_search_the_knowledge_base_in_both_languages(driver, qteam):
    seed_entries()
    chinese = driver.command("U0A1", "/ask", "search 发票 重开").reply_text
    assert "客户发票抬头错了" in chinese and "1 个工作日内重开" in chinese and "K" in chinese
    english = driver.command("U0A1", "/ask", "search resource check MPLS").reply_text
    assert "Three working days for the resource check" in english
    nothing = driver.command("U0A1", "/ask", "search 卫星电话").reply_text
    assert "Nothing in the knowledge base matches “卫星电话”" in nothing
    empty = driver.command("U0A1", "/ask", "search")
    assert "Give some words to look for" in empty.reply_text and "`/ask" in empty.reply_text


# --- answers become knowledge ---------------------------------------------------------------------


def answer_question(driver, text: str, answer: str, *, asker: str = "U0A1") -> dict:
    driver.command(asker, "/ask", text)
    message = driver.fake.messages["DU0S1"][-1]
    driver.press("U0S1", button(message, "question_answer"), message=message, channel_id="DU0S1")
    form = driver.fake.calls_to("views.open")[-1].response["view"]
    driver.submit("U0S1", form, {"answer": {"answer": {"type": "plain_text_input", "value": answer}}})
    return driver.fake.calls_to("chat.update")[-1].body  # the responder's DM, now answered


def kb_values(question: str, answer: str, topic: str | None, tags: str = "") -> dict:
    return {
        "kb_question": {"kb_question": {"type": "plain_text_input", "value": question}},
        "kb_answer": {"kb_answer": {"type": "plain_text_input", "value": answer}},
        "kb_topic": {"kb_topic": {"type": "static_select", "selected_option": {"value": topic} if topic else None}},
        "kb_tags": {"kb_tags": {"type": "plain_text_input", "value": tags}},
    }


def test_the_answerer_adds_an_answer_to_the_knowledge_base_from_a_prefilled_form(driver, qteam):
    closed = answer_question(driver, "#billing 集团客户的增值税专票多久能开出来？", "专票 2 个工作日开出。")
    add = button(closed, "kb_add")
    assert "Add it to the knowledge base" in str(closed["blocks"])
    before = row_counts()
    assert "not one" not in driver.press("U0A1", add, message=as_message(closed), channel_id="DU0S1").reply_text  # the asker may not
    assert row_counts() == before and "Only whoever answered" in driver.fake.responses()[-1].body["text"]

    driver.press("U0S1", add, message=as_message(closed), channel_id="DU0S1")
    form = driver.fake.calls_to("views.open")[-1].response["view"]
    filled = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert filled["kb_question"]["initial_value"] == "集团客户的增值税专票多久能开出来？"
    assert filled["kb_answer"]["initial_value"] == "专票 2 个工作日开出。"
    assert filled["kb_topic"]["initial_option"]["value"] == "billing"
    question_id = questions()[-1].id
    values = kb_values("增值税专用发票多久能开出来？", "资料齐全的话 2 个工作日开出。", "billing", "专票，发票")
    for _ in range(2):  # a double click on Save stores one entry
        assert driver.submit("U0S1", form, values).status == 200
    with db.session_scope() as s:
        entry = s.scalar(select(KnowledgeEntry))
        assert (entry.question, entry.tags, entry.status, entry.source_question_id) == ("增值税专用发票多久能开出来？", ["专票", "发票"], "live", question_id)
        assert s.scalar(select(func.count()).select_from(KnowledgeEntry)) == 1
    assert "Added to the knowledge base as *K" in str(dms(driver, "U0S1")[-2:])

    found = driver.command("U0B1", "/ask", "search 专票").reply_text
    assert "资料齐全的话 2 个工作日开出" in found
    again = driver.command("U0B1", "/ask", "#billing 客户要专票，几天能拿到")
    assert offered(again.reply) == [str(entry.id)]


def test_an_entry_is_edited_from_the_version_seen_and_a_stale_edit_is_refused(driver, qteam):
    (entry_id,) = seed_entries(ENTRIES[:1])
    driver.command("U0S1", "/ask", f"kb edit K{entry_id}")
    form_s1 = driver.fake.calls_to("views.open")[-1].response["view"]
    driver.command("U0MGR", "/ask", f"kb edit {entry_id}")
    form_mgr = driver.fake.calls_to("views.open")[-1].response["view"]
    assert json.loads(form_s1["private_metadata"]) == {"e": entry_id, "v": 1}

    saved = driver.submit("U0MGR", form_mgr, kb_values("跨域电路资源核查要几个工作日？", "资源核查 3 个工作日，跨省加 2 天。", "circuit"))
    assert saved.status == 200 and saved.text in ("", "{}") or "errors" not in saved.json
    before = row_counts()
    stale = driver.submit("U0S1", form_s1, kb_values("跨域电路资源核查要几个工作日？", "3 天。", "circuit"))
    assert "@王经理 changed K" in stale.json["errors"]["kb_answer"] and "Nothing was saved" in stale.json["errors"]["kb_answer"]
    assert row_counts() == before
    with db.session_scope() as s:
        entry = s.get(KnowledgeEntry, entry_id)
        assert (entry.answer, entry.version) == ("资源核查 3 个工作日，跨省加 2 天。", 2)
        edited = s.scalar(select(KnowledgeEvent).where(KnowledgeEvent.kind == "edited"))
        assert edited.detail["before"]["answer"] == "资源核查 3 个工作日；核查通过后开通一般 10 个工作日。"


def test_kb_commands_list_show_merge_retire_restore_with_permissions(driver, qteam):
    seeded = seed_entries()
    listing = driver.command("U0A1", "/ask", "kb").reply_text
    assert f"{len(seeded)} live entries" in listing
    shown = driver.command("U0A1", "/ask", f"kb {seeded[0]}")
    assert "跨域电路资源核查" in shown.reply_text and "kb_retire" not in str(shown.reply)  # a rep reads, does not curate
    before = row_counts()
    refused = driver.command("U0A1", "/ask", f"kb retire {seeded[0]}").reply_text
    assert "Only support people, managers and whoever wrote" in refused and row_counts() == before

    curate = driver.command("U0S2", "/ask", f"kb {seeded[4]}")
    retired = driver.press("U0S2", button(curate.reply, "kb_retire"))
    assert "retired" in retired.reply_text and button(retired.reply, "kb_restore")
    assert f"K{seeded[4]}" in driver.command("U0S2", "/ask", "kb retired").reply_text
    restored = driver.press("U0S2", button(retired.reply, "kb_restore"))
    assert "live" in restored.reply_text

    merged = driver.command("U0S1", "/ask", f"kb merge {seeded[1]} into {seeded[0]}").reply_text
    assert f"*K{seeded[1]}* is merged into *K{seeded[0]}*" in merged
    assert "专线中断了客户要求赔偿怎么处理？" in driver.command("U0A1", "/ask", f"kb {seeded[0]}").reply_text  # another wording now
    assert "merged into" in driver.command("U0S1", "/ask", f"kb merge {seeded[1]} into {seeded[0]}").reply_text
    assert "cannot be merged into itself" in driver.command("U0S1", "/ask", f"kb merge {seeded[0]} into {seeded[0]}").reply_text
    assert "no knowledge-base entry K999999" in driver.command("U0S1", "/ask", "kb 999999").reply_text
    usage = driver.command("U0S1", "/ask", "kb frobnicate")
    assert "I could not read that" in usage.reply_text and "/ask" in usage.reply_text
    speaks("U0S1", "zh-CN")
    assert "已合并到" in driver.command("U0S1", "/ask", f"知识库 {seeded[1]}").reply_text


# --- the form: matches as the question is typed ------------------------------------------------------


def open_form(driver, user: str = "U0A1") -> dict:
    driver.command(user, "/ask", "")
    return driver.fake.calls_to("views.open")[-1].response["view"]


def form_values(*, question: str, topic: str | None = None, level: str = "1", customer: str | None = None) -> dict:
    return {
        "level": {"level": {"type": "static_select", "selected_option": {"value": level}}},
        "question": {"ask_question": {"type": "plain_text_input", "value": question}},
        "topic": {"topic": {"type": "static_select", "selected_option": {"value": topic} if topic else None}},
        "customer": {"ask_customer": {"type": "external_select", "selected_option": {"value": customer} if customer else None}},
    }


def type_question(driver, view: dict, text: str, user: str = "U0A1"):
    """What Slack sends as a character is typed: block_actions from the question input,
    with the view as it is (its hash and state)."""
    shown = dict(view, state={"values": form_values(question=text)})
    action = {"type": "plain_text_input", "action_id": "ask_question", "block_id": "question", "value": text}
    return driver.action(user, action, view=shown)


def current(driver, view_id: str) -> dict:
    return driver.fake.views[view_id]


def test_the_form_shows_matches_as_the_question_is_typed(driver, qteam):
    seeded = seed_entries()
    form = open_form(driver)
    question = next(b for b in form["blocks"] if b["block_id"] == "question")
    assert question["dispatch_action"] is True
    assert question["element"]["dispatch_action_config"] == {"trigger_actions_on": ["on_character_entered"]}
    assert "show up here as you type" in str(form["blocks"])

    before = row_counts()
    type_question(driver, form, "跨域")  # too short to search
    typed = type_question(driver, current(driver, form["id"]), "跨域专线开通最快需要多久")
    assert typed.status == 200
    update = driver.fake.calls_to("views.update")[-1].body
    assert update["hash"] and update["view_id"] == form["id"]
    view = current(driver, form["id"])
    assert [b["block_id"] for b in view["blocks"] if b.get("type") == "input"] == ["topic", "level", "customer", "question"]
    assert offered(view)[0] == str(seeded[0]) and "资源核查 3 个工作日" in str(view["blocks"])
    assert row_counts() == before

    thanks = driver.press("U0A1", button(view, "ask_deflected", str(seeded[0])), view=view)
    assert thanks.status == 200 and "nothing was sent to support" in str(driver.fake.calls_to("views.update")[-1].body["view"])
    assert deflections(seeded[0]) == 1 and questions() == []


def test_an_older_keystroke_never_overwrites_a_newer_one(driver, qteam):
    seed_entries()
    form = open_form(driver)
    type_question(driver, form, "跨域专线开通最快需要多久")
    newer = current(driver, form["id"])
    type_question(driver, form, "发票抬头错了")  # sent with the view's old hash: Slack says hash_conflict
    assert driver.fake.calls_to("views.update", ok_only=False)[-1].response["error"] == "hash_conflict"
    assert current(driver, form["id"]) == newer  # the newer matches stay
    assert [c for c in driver.fake.calls_to("chat.postMessage") if "went wrong" in str(c.body)] == []


def test_matches_already_seen_while_typing_do_not_stop_the_question_again(driver, qteam):
    seed_entries()
    form = open_form(driver)
    type_question(driver, form, "跨域专线开通最快需要多久")
    seen = current(driver, form["id"])
    result = driver.submit("U0A1", seen, form_values(question="跨域专线开通最快需要多久", topic="circuit"))
    assert result.json["response_action"] == "update" and "<@U0S1>" in str(result.json["view"]["blocks"])
    assert questions()[-1].text == "跨域专线开通最快需要多久"


def test_the_form_shows_similar_answers_on_submit_when_none_were_seen_and_still_asks_from_the_modal(driver, qteam):
    seed_entries()
    form = open_form(driver)
    result = driver.submit("U0A1", form, form_values(question="苏州到上海的 MPLS 专线资源核查要多久？"))
    similar = result.json["view"]
    assert result.json["response_action"] == "update" and "already in the knowledge base" in str(similar["blocks"])
    shown = dict(similar, id=form["id"])
    still = button(similar, "ask_still_ask")
    driver.press("U0A1", still, view=shown)
    assert "is with <@U0S1>" in str(driver.fake.calls_to("views.update")[-1].body["view"]["blocks"])
    assert questions()[-1].text == "苏州到上海的 MPLS 专线资源核查要多久？"
    driver.press("U0A1", still, view=shown)  # clicked twice
    assert sum(q.status == "open" for q in questions()) == 1


def test_the_form_asks_with_topic_level_and_customer(driver, qteam):
    form = open_form(driver)
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


def test_a_stranger_cannot_open_the_form(driver, qteam):
    driver.fake.users["U0NOBODY"] = {"locale": "en-US"}
    result = driver.command("U0NOBODY", "/ask", "")
    assert "not a member" in result.reply_text and driver.fake.calls_to("views.open") == []


def test_the_customer_field_offers_and_takes_only_customers_the_asker_may_see(driver, qteam):
    with db.session_scope() as s:
        own = s.scalar(select(Customer.id))  # 华东制造集团, 张伟 U0A1's
        beta = Customer(team_id=qteam, name="Beta Bank", aliases=["BB"], owner_id=member_id("U0B1"), tier="regular")
        s.add(beta)
        s.flush()
        other = beta.id

    def offered_customers(user: str) -> list[str]:
        form = open_form(driver, user)
        return [o["value"] for o in driver.suggest(user, "ask_customer", "", block_id="customer", view=form).json["options"]]

    assert offered_customers("U0A1") == [str(own)]
    assert offered_customers("U0B1") == [str(other)]
    assert sorted(offered_customers("U0MGR")) == sorted([str(own), str(other)])
    assert offered_customers("U0S1") == []  # support people leave the field empty

    before = row_counts()
    form = open_form(driver, "U0A1")
    forged = driver.submit("U0A1", form, form_values(question="MPLS?", topic="circuit", customer=str(other)))
    assert forged.json["errors"] == {"customer": "You can link a question only to your own customers and to those of a colleague you are covering."}
    speaks("U0S1", "zh-CN")
    form = open_form(driver, "U0S1")
    support = driver.submit("U0S1", form, form_values(question="MPLS?", topic="circuit", customer=str(own)))
    assert support.json["errors"] == {"customer": "请不要选择客户：问题由客户的客户经理关联到客户。"}
    assert row_counts() == before

    with db.session_scope() as s:  # 张伟 covers 李娜 while she is away: her customers too
        s.add(Handover(team_id=qteam, member_id=member_id("U0B1"), cover_id=member_id("U0A1"), status="active",
                       starts_at=MONDAY_10 - timedelta(days=1), ends_at=MONDAY_10 + timedelta(days=3), created_at=MONDAY_10))  # fmt: skip
    assert sorted(offered_customers("U0A1")) == sorted([str(own), str(other)])
    form = open_form(driver, "U0A1")
    covered = driver.submit("U0A1", form, form_values(question="MPLS?", topic="circuit", customer=str(other)))
    assert covered.json["response_action"] == "update" and questions()[-1].customer_id == other


