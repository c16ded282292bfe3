from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.handover_rules import (
    Absence,
    HandoverRequest,
    PairClash,
    RuleBreak,
    check_handover_request,
    handover_state,
    pairs_both_away,
    window_for_dates,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
A, B, C, D = 1, 2, 3, 4  # A and B are a pair; C and D are another
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


def days(first: date, last: date, tz=SHANGHAI) -> tuple[datetime, datetime]:
    return window_for_dates(first, last, tz)


def away(member, first, last, *, cover=None, status="accepted", handover_id=None, tz=SHANGHAI):
    starts_at, ends_at = days(first, last, tz)
    return Absence(member, starts_at, ends_at, handover_id or member * 100, status, cover)


def ask(member, cover, first, last, *, via=False, partner=None, tz=SHANGHAI):
    starts_at, ends_at = days(first, last, tz)
    return HandoverRequest(member, cover, starts_at, ends_at, via, partner)


def codes(refusals: list[RuleBreak]) -> list[str]:
    return [r.code for r in refusals]


DEC_10, DEC_11, DEC_12, DEC_13, DEC_14, DEC_20 = (
    date(2026, 12, d) for d in (10, 11, 12, 13, 14, 20)
)


# --- simple refusals ------------------------------------------------------------------


def test_clean_request_is_allowed():
    assert check_handover_request(ask(A, B, DEC_10, DEC_12), [], NOW) == []


def test_request_that_already_started_is_allowed():
    # Off sick since this morning: the window began before `now` but is not over.
    request = ask(A, B, date(2026, 12, 1), date(2026, 12, 2))
    assert check_handover_request(request, [], NOW) == []


@pytest.mark.parametrize("hours", [0, -1, -48])
def test_end_before_start(hours):
    start = datetime(2026, 12, 10, 9, tzinfo=SHANGHAI)
    request = HandoverRequest(A, B, start, start + timedelta(hours=hours))
    assert codes(check_handover_request(request, [], NOW)) == ["end_before_start"]


def test_bad_window_skips_window_rules_but_reports_partner_problems():
    start = datetime(2026, 12, 10, tzinfo=SHANGHAI)
    request = HandoverRequest(A, None, start, start - timedelta(days=1))
    # An absence of A's at that time would clash with a valid window; it is not reported.
    existing = [away(A, date(2026, 12, 8), DEC_12)]
    assert codes(check_handover_request(request, existing, NOW)) == [
        "end_before_start",
        "no_partner",
    ]


@pytest.mark.parametrize(
    "window",
    [
        (date(2026, 11, 20), date(2026, 11, 25)),
        (date(2026, 11, 30), date(2026, 11, 30)),  # ended at midnight, nine hours ago
    ],
)
def test_in_past(window):
    assert codes(check_handover_request(ask(A, B, *window), [], NOW)) == ["in_past"]


def test_no_partner():
    refusals = check_handover_request(ask(A, None, DEC_10, DEC_12), [], NOW)
    assert refusals == [RuleBreak("no_partner")]


def test_self_cover():
    refusals = check_handover_request(ask(A, A, DEC_10, DEC_12), [], NOW)
    assert refusals == [RuleBreak("self_cover")]


def test_naive_times_are_a_programming_error():
    request = HandoverRequest(A, B, datetime(2026, 12, 10), datetime(2026, 12, 11))
    with pytest.raises(ValueError):
        check_handover_request(request, [], NOW)


# --- overlaps -------------------------------------------------------------------------


def test_overlaps_own_names_the_clashing_window():
    mine = away(A, DEC_12, DEC_14, cover=B, handover_id=7)
    refusals = check_handover_request(ask(A, B, DEC_10, DEC_12), [mine], NOW)
    assert refusals == [RuleBreak("overlaps_own", A, 7, mine.starts_at, mine.ends_at)]


@pytest.mark.parametrize(
    ("member", "cover", "absent", "absent_cover"),
    [(A, B, B, A), (B, A, A, B)],
    ids=["A asks while B is away", "B asks while A is away"],
)
def test_partner_away_on_both_sides_of_the_pair(member, cover, absent, absent_cover):
    theirs = away(absent, DEC_12, DEC_20, cover=absent_cover, handover_id=9)
    refusals = check_handover_request(ask(member, cover, DEC_10, DEC_14), [theirs], NOW)
    assert refusals == [RuleBreak("partner_away", absent, 9, theirs.starts_at, theirs.ends_at)]
    assert refusals[0].clash_starts_at == datetime(2026, 12, 11, 16, tzinfo=UTC)  # 12 Dec, Shanghai
    assert refusals[0].clash_ends_at == datetime(2026, 12, 20, 16, tzinfo=UTC)  # end of 20 Dec


@pytest.mark.parametrize(
    ("member", "usual_partner", "absent"),
    [(A, B, B), (B, A, A)],
    ids=["A via C while B away", "B via C while A away"],
)
def test_partner_away_even_via_another_cover(member, usual_partner, absent):
    # The usual partner's leave is covered by someone else, so only partner_id reveals it.
    theirs = away(absent, DEC_12, DEC_14, cover=D)
    request = ask(member, C, DEC_10, DEC_12, via=True, partner=usual_partner)
    assert codes(check_handover_request(request, [theirs], NOW)) == ["partner_away"]


@pytest.mark.parametrize(
    ("member", "absent"), [(A, B), (B, A)], ids=["A covering B", "B covering A"]
)
def test_partner_away_when_member_is_covering_them(member, absent):
    # Without partner_id: the absence itself says the member is its cover.
    theirs = away(absent, DEC_12, DEC_14, cover=member)
    request = ask(member, C, DEC_10, DEC_12, via=True)
    assert codes(check_handover_request(request, [theirs], NOW)) == ["partner_away"]


def test_cover_already_covering_someone_else():
    d_away = away(D, DEC_10, DEC_12, cover=C, handover_id=44)
    refusals = check_handover_request(ask(A, C, DEC_12, DEC_14, via=True), [d_away], NOW)
    assert refusals == [RuleBreak("cover_is_covering", D, 44, d_away.starts_at, d_away.ends_at)]


@pytest.mark.parametrize("status", ["declined", "cancelled", "ended"])
def test_dead_handovers_do_not_block(status):
    existing = [
        away(A, DEC_10, DEC_12, status=status),
        away(B, DEC_10, DEC_12, cover=A, status=status),
        away(D, DEC_10, DEC_12, cover=C, status=status),
    ]
    assert check_handover_request(ask(A, B, DEC_10, DEC_12), existing, NOW) == []
    assert check_handover_request(ask(A, C, DEC_10, DEC_12, via=True), existing, NOW) == []


@pytest.mark.parametrize("status", ["requested", "approval", "accepted", "active", "escalated"])
def test_pending_and_accepted_handovers_block(status):
    existing = [away(B, DEC_12, DEC_12, cover=A, status=status)]
    assert codes(check_handover_request(ask(A, B, DEC_10, DEC_12), existing, NOW)) == [
        "partner_away"
    ]


def test_back_to_back_windows_do_not_clash():
    b_before = away(B, date(2026, 12, 7), date(2026, 12, 9), cover=A)
    b_after = away(B, date(2026, 12, 13), date(2026, 12, 15), cover=A)
    request = ask(A, B, DEC_10, DEC_12)
    assert check_handover_request(request, [b_before, b_after], NOW) == []


def test_unrelated_people_away_do_not_matter():
    existing = [away(C, DEC_10, DEC_12, cover=D), away(D, DEC_10, DEC_12, cover=None)]
    assert check_handover_request(ask(A, B, DEC_10, DEC_12), existing, NOW) == []


def test_all_refusals_in_order_of_importance():
    existing = [
        away(D, DEC_12, DEC_12, cover=C, handover_id=40),
        away(C, DEC_14, DEC_14, cover=None, handover_id=30),
        away(C, DEC_12, DEC_12, cover=None, handover_id=31),
        away(A, DEC_10, DEC_10, cover=B, handover_id=10),
    ]
    refusals = check_handover_request(ask(A, C, DEC_10, DEC_14, via=True), existing, NOW)
    assert [(r.code, r.handover_id) for r in refusals] == [
        ("overlaps_own", 10),
        ("partner_away", 31),  # earliest clash first
        ("partner_away", 30),
        ("cover_is_covering", 40),
    ]


# --- across time zones ----------------------------------------------------------------


def test_clash_across_time_zones():
    # B in London is away 10–12 Dec (until 13 Dec 00:00 London = 08:00 Shanghai).
    b_away = away(B, DEC_10, DEC_12, cover=A, tz=LONDON)
    # A in Shanghai asks for 13 Dec: by the clock those first eight hours overlap.
    request = ask(A, B, date(2026, 12, 13), date(2026, 12, 13), tz=SHANGHAI)
    refusals = check_handover_request(request, [b_away], NOW)
    assert codes(refusals) == ["partner_away"]
    assert refusals[0].clash_starts_at == datetime(2026, 12, 10, tzinfo=LONDON)


def test_no_clash_across_time_zones_when_the_clock_does_not_overlap():
    b_away = away(B, DEC_10, DEC_12, cover=A, tz=LONDON)
    # 9 Dec in Shanghai ends at 16:00 UTC, before B leaves at London midnight.
    request = ask(A, B, date(2026, 12, 9), date(2026, 12, 9), tz=SHANGHAI)
    assert check_handover_request(request, [b_away], NOW) == []


def test_in_past_judged_by_the_instant_not_the_local_date():
    # 30 Nov in London ends at 1 Dec 08:00 Shanghai; `now` is 09:00 Shanghai.
    request = ask(A, B, date(2026, 11, 30), date(2026, 11, 30), tz=LONDON)
    assert codes(check_handover_request(request, [], NOW)) == ["in_past"]
    earlier = datetime(2026, 12, 1, 7, 59, tzinfo=SHANGHAI)
    assert check_handover_request(request, [], earlier) == []


# --- windows and states ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "tz", "starts_at", "ends_at"),
    [
        (DEC_10, DEC_12, SHANGHAI, datetime(2026, 12, 9, 16), datetime(2026, 12, 12, 16)),
        (DEC_10, DEC_10, LONDON, datetime(2026, 12, 10, 0), datetime(2026, 12, 11, 0)),
        # British Summer Time: local midnight is 23:00 UTC the day before.
        (
            date(2026, 7, 1),
            date(2026, 7, 1),
            LONDON,
            datetime(2026, 6, 30, 23),
            datetime(2026, 7, 1, 23),
        ),
    ],
)
def test_window_for_whole_days(first, last, tz, starts_at, ends_at):
    window = window_for_dates(first, last, tz)
    assert window == (starts_at.replace(tzinfo=UTC), ends_at.replace(tzinfo=UTC))
    assert all(moment.tzinfo is UTC for moment in window)


def test_window_over_daylight_saving_change_keeps_true_length():
    # Clocks go back on 25 Oct 2026 in London: that day lasts 25 hours.
    starts_at, ends_at = window_for_dates(date(2026, 10, 25), date(2026, 10, 25), LONDON)
    assert ends_at - starts_at == timedelta(hours=25)


def test_window_with_times():
    starts_at, ends_at = window_for_dates(DEC_10, DEC_12, SHANGHAI, time(14, 0), time(12, 0))
    assert starts_at == datetime(2026, 12, 10, 6, tzinfo=UTC)
    assert ends_at == datetime(2026, 12, 12, 4, tzinfo=UTC)


def test_window_with_start_time_only_runs_to_end_of_last_day():
    starts_at, ends_at = window_for_dates(DEC_10, DEC_10, SHANGHAI, time(13, 30))
    assert ends_at - starts_at == timedelta(hours=10, minutes=30)


HANDOVER = away(A, DEC_10, DEC_12, cover=B)  # 9 Dec 16:00 UTC – 12 Dec 16:00 UTC


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (datetime(2026, 12, 9, 23, 59, tzinfo=SHANGHAI), "upcoming"),
        (datetime(2026, 12, 10, 0, 0, tzinfo=SHANGHAI), "active"),
        (datetime(2026, 12, 9, 16, 0, tzinfo=UTC), "active"),  # the same instant in UTC
        (datetime(2026, 12, 12, 8, 0, tzinfo=LONDON), "active"),  # 16:00 Shanghai on the 12th
        (datetime(2026, 12, 12, 16, 0, tzinfo=LONDON), "ended"),  # past Shanghai midnight
        (datetime(2026, 12, 13, 0, 0, tzinfo=SHANGHAI), "ended"),
    ],
)
def test_handover_state(now, state):
    assert handover_state(HANDOVER, now) == state


def test_handover_state_accepts_a_request_too():
    assert handover_state(ask(A, B, DEC_10, DEC_12), NOW) == "upcoming"


# --- pairs both away (manager digest) -------------------------------------------------

WEEK = days(date(2026, 12, 7), date(2026, 12, 13))  # Monday to Sunday


def test_pair_both_away_reported_once_with_the_overlap():
    a_away = away(A, DEC_10, DEC_12, cover=C, handover_id=1)
    b_away = away(B, DEC_12, DEC_14, cover=D, handover_id=2)
    clashes = pairs_both_away([a_away, b_away], [(A, B), (B, A)], *WEEK)
    assert clashes == [PairClash((A, B), b_away.starts_at, a_away.ends_at, (1, 2))]


def test_pair_order_in_the_report_is_by_member_id():
    a_away = away(A, DEC_10, DEC_12, handover_id=1)
    b_away = away(B, DEC_10, DEC_10, handover_id=2)
    assert pairs_both_away([b_away, a_away], [(B, A)], *WEEK)[0].handover_ids == (1, 2)


@pytest.mark.parametrize(
    "absences",
    [
        [away(A, DEC_10, DEC_10), away(B, DEC_12, DEC_12)],  # away, but not at the same time
        [away(A, DEC_10, DEC_12), away(C, DEC_10, DEC_12)],  # not a pair
        [away(A, DEC_14, DEC_20), away(B, DEC_14, DEC_20)],  # both away, next week
        [away(A, DEC_10, DEC_12), away(B, DEC_10, DEC_12, status="cancelled")],
    ],
)
def test_pairs_not_both_away_in_the_window(absences):
    assert pairs_both_away(absences, [(A, B), (C, D)], *WEEK) == []


def test_overlap_must_fall_in_the_window():
    # Each absence touches the week, but their shared days are the week after.
    a_away = away(A, DEC_12, DEC_20)
    b_away = away(B, DEC_14, DEC_20)
    assert pairs_both_away([a_away, b_away], [(A, B)], *WEEK) == []


def test_several_pairs_sorted_by_start():
    absences = [
        away(C, DEC_12, DEC_12, handover_id=30),
        away(D, DEC_12, DEC_13, handover_id=40),
        away(A, DEC_10, DEC_10, handover_id=10),
        away(B, DEC_10, DEC_11, handover_id=20),
    ]
    clashes = pairs_both_away(absences, [(C, D), (A, B), (A, A)], *WEEK)
    assert [c.member_ids for c in clashes] == [(A, B), (C, D)]
