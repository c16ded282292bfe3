"""Tokens for similarity: folded Latin words and Han bigrams; the draft in a button value."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from handlers.questions import decode_draft, encode_draft
from services.knowledge import fingerprint, tokens
from services.questions import Draft


def test_latin_words_are_folded_and_function_words_dropped():
    assert tokens("How long does the ＭＰＬＳ Circuit take?") == ["long", "mpls", "circuit", "take"]


def test_han_runs_become_bigrams_and_single_characters_stay():
    assert tokens("专线资源核查") == ["专线", "线资", "资源", "源核", "核查"]
    assert tokens("卡") == ["卡"]


def test_mixed_text_keeps_both():
    assert tokens("苏州 MPLS 专线，100M") == ["mpls", "100m", "苏州", "专线"]


def test_reworded_chinese_questions_score_high_and_unrelated_low():
    same = fuzz.token_set_ratio(fingerprint("苏州到上海的 MPLS 专线资源核查要多久？"), fingerprint("苏州到上海的跨域 MPLS 专线 100M，资源核查要多久？"))
    other = fuzz.token_set_ratio(fingerprint("苏州到上海的 MPLS 专线资源核查要多久？"), fingerprint("客户发票抬头错了，能不能重开？"))
    assert same > 85 and other < 40


@pytest.mark.parametrize(
    "draft",
    [
        Draft("plain question"),
        Draft("with | pipes | inside", "circuit", 2, 17),
        Draft("专线 " * 300, "billing", 3, None),
    ],
)
def test_a_draft_survives_a_button_value(draft):
    value = encode_draft(draft)
    assert decode_draft(value) == draft
    assert len(value) <= 2000 or len(draft.question) > 1800
