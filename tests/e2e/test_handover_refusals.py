"""`/handover` refusals over signed HTTP (SPEC §4.2): every one is refused before anyone
is asked, says why (naming the dates that clash), and writes nothing."""

from __future__ import annotations

import pytest

from tests.e2e import test_handover as flow
from tests.e2e.test_handover import add_rep, en, request
from tests.helpers import row_counts

setup = flow.setup  # the shared fixture: the example team in English on 1 Dec 2026


def refused(driver, text: str, user: str = "U0A1") -> str:
    before = row_counts()
    driver.fake.reset()
    result = request(driver, text, user=user)
    after = row_counts()
    assert after == before
    assert driver.fake.calls_to("chat.postMessage") == []
    assert result.reply.get("response_type") == "ephemeral"
    return result.reply_text


def test_end_before_start_is_refused(setup):
    text = refused(setup, "2026-12-12 2026-12-10")
    assert "the end is before the start" in text and "Sat, Dec 12, 2026 to Thu, Dec 10, 2026" in text


def test_a_reversed_range_of_relative_days_is_refused_not_moved(setup):
    # found on main: `/handover 下周五 下周三` became another window without a word
    text = refused(setup, "下周五 下周三")
    assert "“下周五 下周三”" in text and "the end is before the start" in text


def test_same_day_end_time_before_start_time_is_refused(setup):
    assert "ends before it starts" in refused(setup, "2026-12-10 14:00 2026-12-10 9:00")


def test_window_wholly_in_the_past_is_refused(setup):
    assert "already over" in refused(setup, "2026-11-20 2026-11-25")


def test_no_partner_is_refused_with_a_pointer_to_the_manager(setup):
    en(setup, "U0SOLO")
    add_rep(setup, "U0SOLO")
    text = refused(setup, "2026-12-10 2026-12-12", user="U0SOLO")
    assert "no B partner" in text and "/amteam pair" in text


def test_covering_oneself_is_refused(setup):
    assert "cannot cover for yourself" in refused(setup, "2026-12-10 2026-12-12 via <@U0A1|me>")


def test_overlapping_another_handover_of_ones_own_is_refused(setup):
    request(setup, "2026-12-11 2026-12-14")
    text = refused(setup, "2026-12-10 2026-12-12")
    assert "You already have a handover Fri, Dec 11 – Mon, Dec 14" in text


@pytest.mark.parametrize(("asker", "partner"), [("U0A1", "U0B1"), ("U0B1", "U0A1")], ids=["A asks, B away", "B asks, A away"])
def test_pair_partners_are_never_away_together(setup, asker, partner):
    request(setup, "2026-12-11 2026-12-20 conference", user=partner)
    text = refused(setup, "2026-12-10 2026-12-12", user=asker)
    assert f"<@{partner}> is away" in text and "Fri, Dec 11 – Sun, Dec 20" in text
    assert "Nobody was asked" in text


def test_pair_rule_holds_even_via_someone_else(setup):
    add_rep(setup, "U0C1")
    request(setup, "2026-12-11 2026-12-20", user="U0B1")
    text = refused(setup, "2026-12-10 2026-12-12 via <@U0C1|c1>")
    assert "<@U0B1> is away" in text


def test_unreadable_dates_show_usage(setup):
    text = refused(setup, "someday maybe")
    assert "“someday” is not a date" in text and "/handover 2026-12-01" in text


def test_via_a_stranger_is_refused(setup):
    assert "<@U0NOPE> is not on your team" in refused(setup, "2026-12-10 via <@U0NOPE|x>")


