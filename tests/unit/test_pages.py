"""Cutting a long list into what Slack takes: sections ≤ 3,000 characters, messages ≤ 50
blocks, never inside an entry."""

from __future__ import annotations

import pytest

from domain.args import take_page
from domain.refusal import Refusal
from rendering.pages import Entry, entry_blocks, more_value, page_of, paginate, read_more_value

BUTTON = {"type": "button", "action_id": "x", "text": {"type": "plain_text", "text": "Edit"}}


def test_plain_entries_share_a_section_up_to_3000_characters():
    entries = [Entry("x" * 999) for _ in range(7)]
    blocks = entry_blocks(entries)
    assert [len(b["text"]["text"]) for b in blocks] == [2999, 2999, 999]  # three a section, never split


def test_an_entry_with_buttons_has_a_section_of_its_own():
    entries = [Entry("a"), Entry("b", accessory=BUTTON), Entry("c"), Entry("d", after=({"type": "actions", "elements": [BUTTON]},))]
    kinds = [(b["type"], (b.get("text") or {}).get("text")) for b in entry_blocks(entries)]
    assert kinds == [("section", "a"), ("section", "b"), ("section", "c"), ("section", "d"), ("actions", None)]


def test_pages_stay_within_50_blocks_and_the_character_budget():
    entries = [Entry(f"item {n}", after=({"type": "actions", "elements": [BUTTON]},)) for n in range(100)]
    pages = paginate(entries, reserved_blocks=4)
    assert all(len(entry_blocks(p)) + 4 <= 50 for p in pages) and sum(map(len, pages)) == 100
    long = [Entry("y" * 2000) for _ in range(20)]
    assert all(sum(len(e.text) for e in p) <= 12_000 for p in paginate(long, reserved_blocks=2))


def test_an_entry_longer_than_a_section_is_clipped_not_lost():
    [block] = entry_blocks([Entry("z" * 5000)])
    assert len(block["text"]["text"]) == 3000 and block["text"]["text"].endswith("…")


def test_asking_past_the_last_page_is_refused_with_the_count():
    with pytest.raises(Refusal) as refused:
        page_of([Entry("a")], 3, reserved_blocks=2)
    assert refused.value.key == "common.no_such_page" and refused.value.params == {"page": 3, "pages": 1}


def test_the_more_value_round_trips_and_tolerates_junk():
    assert read_more_value(more_value(3, "华东制造 & co")) == (3, "华东制造 & co")
    assert read_more_value("not json") == (1, "") and read_more_value('{"p": -4}') == (1, "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("list page 2", ("list", 2)), ("list 华东制造 第3页", ("list 华东制造", 3)), ("show", ("show", 1)), ("list page", ("list page", 1))],
)
def test_page_n_is_read_off_the_end(text, expected):
    assert take_page(text) == expected
