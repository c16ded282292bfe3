"""Slack's escaping (api.slack.com/docs/formatting): `&`, `<` and `>` in what a person
types arrive as entities; Slack's own sequences arrive in angle brackets."""

from __future__ import annotations

import pytest

from slackio.text import as_slack_delivers, escape_typed, unescape


@pytest.mark.parametrize(
    ("sent", "typed"),
    [
        ("Hello &amp; &lt;world&gt;", "Hello & <world>"),  # the documented example
        ("需求：A&amp;B &lt;100M&gt;", "需求：A&B <100M>"),
        ("a &amp;lt; b", "a &lt; b"),  # a typed entity is unescaped once, not twice
        ("&amp;amp;", "&amp;"),
        ("no escapes at all", "no escapes at all"),
        ("R&amp;D &quot;quoted&quot;", 'R&D &quot;quoted&quot;'),  # Slack escapes only & < >
    ],
)
def test_unescape_undoes_slacks_three_entities(sent, typed):
    assert unescape(sent) == typed


@pytest.mark.parametrize(
    "token",
    [
        "<@U024BE7LH>", "<@U024BE7LH|bob>", "<@W0ENTERPRISE|ann.lee>", "<#C024BE7LR|general>", "<#G0PRIVATE>",
        "<!channel>", "<!here|here>", "<!subteam^SAZ94GDB8|@team>", "<!date^1392734382^{date_short}|Feb 18, 2014>",
        "<https://acme.example/?a=1&amp;b=2|acme.example>", "<http://www.foo.com>", "<mailto:bob@example.com|bob@example.com>",
    ],
)  # fmt: skip
def test_slacks_own_sequences_stay_whole(token):
    sent = f"x &amp; {token} &lt;y&gt;"
    assert unescape(sent) == f"x & {token} <y>"
    assert escape_typed(f"x & {token} <y>") == sent


def test_a_typed_lookalike_of_a_mention_is_escaped_like_any_text():
    # Typed by hand, "<@bob>" is not a mention (no user id): Slack escapes it.
    assert escape_typed("cc <@bob> & <b>") == "cc &lt;@bob&gt; &amp; &lt;b&gt;"


def test_escape_then_unescape_gives_back_what_was_typed():
    for typed in ("A&B <100M>", "&lt; typed", "跟进：发报价 <@U0B1|lina> & <https://x.example|x>", "<>&&<<"):
        assert unescape(escape_typed(typed)) == typed


PEOPLE = {"zhang.wei": "U0REP1", "张伟": "U0REP1", "li.na": "U0REP2", "李娜": "U0REP2", "li": "U0LI", "孙工": "U0SUP1"}
CHANNELS = {"team": "C0TEAM"}


@pytest.mark.parametrize(
    ("typed", "delivered"),
    [
        ("pair @zhang.wei @li.na", "pair <@U0REP1|zhang.wei> <@U0REP2|li.na>"),  # the longest name that ends the word
        ("培训 via @李娜", "培训 via <@U0REP2|李娜>"),
        ("截止 下周一 @孙工；下次：下周四", "截止 下周一 <@U0SUP1|孙工>；下次：下周四"),  # a Chinese name runs into what follows
        ("ask @li. then", "ask <@U0LI|li>. then"),
        ("@Zhang.Wei", "<@U0REP1|zhang.wei>"),
        ("write to bob@li.na", "write to bob@li.na"),  # an e-mail address is not a mention
        ("@someone unknown", "@someone unknown"),  # nobody by that name: left as typed, as Slack does
        ("channel #team timezone", "channel <#C0TEAM|team> timezone"),
        ("/ask #billing", "/ask #billing"),  # not a channel
        ("see https://x.example/?a=1&b=2 now", "see <https://x.example/?a=1&amp;b=2> now"),
    ],
)
def test_what_slack_makes_of_a_typed_line(typed, delivered):
    assert as_slack_delivers(typed, PEOPLE, CHANNELS) == delivered


def test_a_message_mentions_without_the_label():
    assert as_slack_delivers("cc @li.na", PEOPLE, CHANNELS, labelled=False) == "cc <@U0REP2>"
