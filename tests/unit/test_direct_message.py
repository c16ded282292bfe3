"""Reading a direct message: a visit written the way people chat, a question, help."""

from __future__ import annotations

from datetime import date

import pytest

from domain.direct_message import classify
from domain.quicklog import message_line, parse_quick_log

TODAY = date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("typed", "line"),
    [
        ("东海银行 需求：扩容到500M 跟进：发报价 截止 周五", "东海银行；需求：扩容到500M；跟进：发报价 截止 周五"),
        ("东海银行需求：扩容", "东海银行；需求：扩容"),
        ("东海银行\n需求：扩容\n顾虑：价格", "东海银行；需求：扩容；顾虑：价格"),
        ("Acme needs: 20 SIM lines follow-up: send quote by fri", "Acme；needs: 20 SIM lines；follow-up: send quote by fri"),
        ("Acme Corp; needs: meeting at 9:30", "Acme Corp; needs: meeting at 9:30"),  # already one line: as it is
    ],
)
def test_a_chat_message_becomes_a_quick_log_line(typed, line):
    assert message_line(typed) == line


def test_the_issue_example_parses_like_the_command():
    parsed = parse_quick_log(message_line("东海银行 需求：专线扩容 跟进：发报价 截止 周五"), TODAY)
    assert (parsed.customer, parsed.needs) == ("东海银行", "专线扩容")
    assert [(f.text, f.due) for f in parsed.followups] == [("发报价", date(2026, 11, 20))]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("help", "help"), ("帮助", "help"), ("", "help"),
        ("东海银行 需求：专线扩容 跟进：发报价 截止 周五", "quick_log"),
        ("Acme needs: 20 SIM lines", "quick_log"),
        ("苏州到上海的跨域专线资源核查要多久？", "question"),
        ("how long is the resource check", "question"),
        ("发票能重开吗", "question"),
        ("Meeting at 9:30 tomorrow", "other"), ("谢谢", "other"),
    ],
)  # fmt: skip
def test_what_a_message_means(text, kind):
    assert classify(text) == kind
