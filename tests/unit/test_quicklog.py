from datetime import date

import pytest

from domain.dates import DateError
from domain.quicklog import (
    QUICKLOG_ERROR_CODES,
    FollowupDraft,
    QuickLog,
    QuickLogError,
    is_bare_customer,
    parse_quick_log,
)

TODAY = date(2026, 11, 18)  # a Wednesday


def test_spec_example_in_english():
    log = parse_quick_log(
        "Acme Corp; needs: 20 more SIM lines; concerns: price; "
        "follow-up: send quote by 2026-12-01; next: 2026-12-10",
        TODAY,
    )
    assert log == QuickLog(
        customer="Acme Corp",
        visit_date=TODAY,
        type="onsite",
        purpose=None,
        needs="20 more SIM lines",
        concerns="price",
        notes=None,
        followups=(FollowupDraft("send quote", date(2026, 12, 1), None),),
        next_visit=date(2026, 12, 10),
    )


def test_chinese_with_full_width_punctuation():
    log = parse_quick_log(
        "华东制造集团；日期：昨天；方式：上门；目的：季度回访；需求：增加20条专线；顾虑：价格；"
        "备注：客户满意；跟进：发报价 截止下周五；下次：12月10日",
        TODAY,
    )
    assert log == QuickLog(
        customer="华东制造集团",
        visit_date=date(2026, 11, 17),
        type="onsite",
        purpose="季度回访",
        needs="增加20条专线",
        concerns="价格",
        notes="客户满意",
        followups=(FollowupDraft("发报价", date(2026, 11, 27), None),),
        next_visit=date(2026, 12, 10),
    )


def test_mixed_punctuation_spacing_and_full_width_labels():
    log = parse_quick_log(
        "  Acme ;ＮＥＥＤＳ：more lines ；  Concerns :price;;  Follow Up: call back by fri ; ",
        TODAY,
    )
    assert (log.customer, log.needs, log.concerns) == ("Acme", "more lines", "price")
    assert log.followups == (FollowupDraft("call back", date(2026, 11, 20), None),)


def test_several_followups_with_owners_and_due_dates():
    log = parse_quick_log(
        "Acme; follow-up: send quote by 2026-12-01 <@U0B1|lina>; "
        "followup: @U0S1 check circuit resources by next friday; "
        "跟进：安排技术交流 截止12月5日前; follow-up: send brochure by email",
        TODAY,
    )
    assert log.followups == (
        FollowupDraft("send quote", date(2026, 12, 1), "U0B1"),
        FollowupDraft("check circuit resources", date(2026, 11, 27), "U0S1"),
        FollowupDraft("安排技术交流", date(2026, 12, 5), None),
        # "by email" is not a date, so it stays part of the text
        FollowupDraft("send brochure by email", None, None),
    )


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        (
            "follow-up: send quote by tomorrow",
            FollowupDraft("send quote", date(2026, 11, 19), None),
        ),
        (
            "follow-up: send quote BY Tomorrow",
            FollowupDraft("send quote", date(2026, 11, 19), None),
        ),
        ("跟进：发报价 截止 明天", FollowupDraft("发报价", date(2026, 11, 19), None)),
        ("跟进：发报价，截至：2026/12/1", FollowupDraft("发报价", date(2026, 12, 1), None)),
        ("跟进：发报价 截止到周五之前", FollowupDraft("发报价", date(2026, 11, 20), None)),
        ("跟进：<@U0A1> 发报价 截止下周一", FollowupDraft("发报价", date(2026, 11, 23), "U0A1")),
        (
            "follow-up: call <@W123ABC> by in 3 days",
            FollowupDraft("call", date(2026, 11, 21), "W123ABC"),
        ),
        ("follow-up: send quote", FollowupDraft("send quote", None, None)),
        ("follow-up: email @bob the deck", FollowupDraft("email @bob the deck", None, None)),
        (
            "follow-up: drop by the office by 12/1",
            FollowupDraft("drop by the office", date(2026, 12, 1), None),
        ),
    ],
)
def test_followup_forms(segment, expected):
    assert parse_quick_log(f"Acme; {segment}", TODAY).followups == (expected,)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("onsite", "onsite"),
        ("on-site", "onsite"),
        ("On Site", "onsite"),
        ("现场", "onsite"),
        ("上门", "onsite"),
        ("phone", "phone"),
        ("电话", "phone"),
        ("video", "video"),
        ("视频", "video"),
        ("other", "other"),
        ("其他", "other"),
    ],
)
def test_visit_type_is_canonical(value, expected):
    assert parse_quick_log(f"Acme; type: {value}; notes: x", TODAY).type == expected
    assert parse_quick_log(f"Acme；方式：{value}；备注：x", TODAY).type == expected


@pytest.mark.parametrize(
    ("segment", "field", "expected"),
    [
        ("needs: a", "needs", "a"),
        ("需求：a", "needs", "a"),
        ("concerns: a", "concerns", "a"),
        ("顾虑：a", "concerns", "a"),
        ("notes: a", "notes", "a"),
        ("note: a", "notes", "a"),
        ("outcome: a", "notes", "a"),
        ("备注：a", "notes", "a"),
        ("结果：a", "notes", "a"),
        ("purpose: a", "purpose", "a"),
        ("目的：a", "purpose", "a"),
        ("date: 2026-11-10", "visit_date", date(2026, 11, 10)),
        ("日期：前天", "visit_date", date(2026, 11, 16)),
        ("next: next friday", "next_visit", date(2026, 11, 27)),
        ("下次：下周五", "next_visit", date(2026, 11, 27)),
        ("next visit: 12/10", "next_visit", date(2026, 12, 10)),
    ],
)
def test_each_label_in_both_languages(segment, field, expected):
    assert getattr(parse_quick_log(f"Acme; {segment}", TODAY), field) == expected


def test_defaults_when_only_one_field_is_given():
    log = parse_quick_log("Acme; needs: more lines", TODAY)
    assert (log.visit_date, log.type, log.followups, log.next_visit) == (TODAY, "onsite", (), None)
    assert (log.purpose, log.concerns, log.notes) == (None, None, None)


def test_repeated_text_labels_are_joined():
    log = parse_quick_log("Acme; needs: 20 SIM lines; 需求：专线; needs: IoT cards", TODAY)
    assert log.needs == "20 SIM lines; 专线; IoT cards"


def test_unlabelled_segments_after_the_customer_are_kept_as_notes():
    log = parse_quick_log("Acme; notes: met the CIO; meeting at 9:30 ran late", TODAY)
    assert log.notes == "met the CIO; meeting at 9:30 ran late"


def test_customer_may_come_after_labels_or_be_labelled():
    assert parse_quick_log("needs: x; Acme", TODAY).customer == "Acme"
    assert parse_quick_log("客户：华东制造集团；需求：专线", TODAY).customer == "华东制造集团"


def test_colon_in_first_segment_is_part_of_customer_name():
    assert (
        parse_quick_log("Acme: Shanghai branch; needs: x", TODAY).customer
        == "Acme: Shanghai branch"
    )


def test_urls_and_times_in_values_are_not_labels():
    log = parse_quick_log("Acme; notes: deck at https://example.com/a?b=1 at 9:30", TODAY)
    assert log.notes == "deck at https://example.com/a?b=1 at 9:30"


def test_due_and_next_may_equal_the_visit_date():
    log = parse_quick_log("Acme; follow-up: call by today; next: today", TODAY)
    assert log.followups[0].due == TODAY
    assert log.next_visit == TODAY


def test_relative_dates_use_today_not_the_visit_date():
    log = parse_quick_log("Acme; date: 2026-11-10; next: tomorrow", TODAY)
    assert log.next_visit == date(2026, 11, 19)


def test_require_due_accepts_followups_that_have_one():
    log = parse_quick_log("Acme; follow-up: a by fri; 跟进：b 截止明天", TODAY, require_due=True)
    assert [f.due for f in log.followups] == [date(2026, 11, 20), date(2026, 11, 19)]


def test_require_due_is_irrelevant_without_followups():
    assert parse_quick_log("Acme; needs: x", TODAY, require_due=True).needs == "x"


@pytest.mark.parametrize(
    ("text", "code", "detail"),
    [
        ("", "no_customer", ""),
        ("  ;  ; ", "no_customer", ""),
        ("needs: x; concerns: y", "no_customer", ""),
        ("客户：；需求：x", "empty_value", "客户"),
        ("Acme; date: someday", "bad_date", "someday"),
        ("Acme; 日期：下下周", "bad_date", "下下周"),
        ("Acme; next: whenever", "bad_date", "whenever"),
        ("Acme; nees: 20 lines", "unknown_label", "nees"),
        ("Acme；需要：专线", "unknown_label", "需要"),
        ("Acme; needs:", "empty_value", "needs"),
        ("Acme; 顾虑：  ", "empty_value", "顾虑"),
        ("Acme; follow-up: by friday", "empty_value", "follow-up"),
        ("Acme; 跟进：截止周五", "empty_value", "跟进"),
        ("Acme; follow-up: <@U0B1>", "empty_value", "follow-up"),
        ("Acme; type: fax", "bad_type", "fax"),
        ("Acme; 方式：传真", "bad_type", "传真"),
        ("Acme; follow-up: send quote by 2026-11-01", "due_before_visit", "2026-11-01"),
        ("Acme; follow-up: send quote by yesterday", "due_before_visit", "2026-11-17"),
        ("Acme; follow-up: x by 2026-11-12; date: 2026-11-15", "due_before_visit", "2026-11-12"),
        ("Acme; next: 2026-11-01", "next_before_visit", "2026-11-01"),
        ("Acme; 下次：昨天", "next_before_visit", "2026-11-17"),
        ("Acme; date: tomorrow; needs: x", "visit_in_future", "2026-11-19"),
        ("Acme; 日期：下周一；需求：x", "visit_in_future", "2026-11-23"),
        ("Acme; date: 2026-12-01; needs: x", "visit_in_future", "2026-12-01"),
        ("Acme", "empty_visit", "Acme"),
        ("Acme;;", "empty_visit", "Acme"),
        ("华东制造集团；", "empty_visit", "华东制造集团"),
        ("customer: Acme", "empty_visit", "Acme"),
    ],
)
def test_errors(text, code, detail):
    with pytest.raises(QuickLogError) as caught:
        parse_quick_log(text, TODAY)
    assert (caught.value.code, caught.value.detail) == (code, detail)
    assert code in QUICKLOG_ERROR_CODES


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Acme; follow-up: send quote", "send quote"),
        ("Acme; follow-up: a by fri; 跟进：发报价 <@U0B1>", "发报价"),
    ],
)
def test_followup_without_due_only_when_required(text, detail):
    with pytest.raises(QuickLogError) as caught:
        parse_quick_log(text, TODAY, require_due=True)
    assert (caught.value.code, caught.value.detail) == ("followup_without_due", detail)
    assert parse_quick_log(text, TODAY).followups[-1].due is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Acme; nees: x; date: nonsense", "unknown_label"),
        ("Acme; date: nonsense; nees: x", "bad_date"),
        ("Acme; type: fax; needs:", "bad_type"),
        ("Acme; next: 2026-11-01; follow-up: x by 2026-11-02", "next_before_visit"),
        ("Acme; follow-up: x by 2026-11-02; next: 2026-11-01", "due_before_visit"),
        ("needs: ; concerns: y", "empty_value"),  # found before noticing there is no customer
    ],
)
def test_first_error_wins(text, code):
    with pytest.raises(QuickLogError) as caught:
        parse_quick_log(text, TODAY)
    assert caught.value.code == code


def test_error_message_names_code_and_detail():
    error = QuickLogError("bad_type", "fax")
    assert str(error) == "bad_type: fax"
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme", True),
        ("  Acme Corp  ", True),
        ("Acme;", True),
        ("华东制造集团", True),
        ("Acme: HQ", True),
        ("", False),
        ("  ", False),
        ("Acme; needs: x", False),
        ("需求：专线", False),
        ("customer: Acme", False),
    ],
)
def test_is_bare_customer(text, expected):
    assert is_bare_customer(text) is expected


@pytest.mark.parametrize(("when", "expected"), [("mon", date(2026, 11, 16)), ("周一", date(2026, 11, 16)), ("wed", TODAY), ("fri", date(2026, 11, 13))])
def test_a_bare_weekday_as_visit_date_is_the_last_such_day(when, expected):
    log = parse_quick_log(f"Acme; date: {when}; needs: x; follow-up: call by fri; next: mon", TODAY)
    assert log.visit_date == expected
    # due dates and the next visit still look forward
    assert (log.followups[0].due, log.next_visit) == (date(2026, 11, 20), date(2026, 11, 23))


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("Acme; date: 2026-02-30", "impossible", {"text": "2026-02-30", "read": "2026-02-30"}),
        ("Acme; follow-up: send quote by 2026-13-01", "impossible", {"text": "2026-13-01", "read": "2026-13-01"}),
        ("Acme; 跟进：发报价 截止2月30日", "impossible", {"text": "2月30日", "read": "2027-02-30"}),
        ("Acme; 下次：11月1日", "too_far", {"text": "11月1日", "day": date(2027, 11, 1)}),
        ("Acme; 日期：12月1日", "too_far", {"text": "12月1日", "day": date(2025, 12, 1)}),
    ],
)
def test_dates_read_but_refused_name_what_was_read(text, code, params):
    with pytest.raises(DateError) as caught:
        parse_quick_log(text, TODAY)
    assert caught.value.code == code
    assert {key: caught.value.params[key] for key in params} == params


def test_direction_comes_from_the_field():
    early_december = date(2026, 12, 3)
    log = parse_quick_log("Acme; 日期：11月28日; 需求：专线; 跟进：发报价 截止 1月5日; 下次：12月10日", early_december)
    assert log.visit_date == date(2026, 11, 28)  # a visit that happened: the last 28 November
    assert log.followups[0].due == date(2027, 1, 5)  # a promise: the next 5 January
    assert log.next_visit == date(2026, 12, 10)
    assert parse_quick_log("Acme; date: last fri; notes: x", early_december).visit_date == date(2026, 11, 27)
    assert parse_quick_log("Acme; date: Nov 28; notes: x", early_december).visit_date == date(2026, 11, 28)
    assert parse_quick_log("Acme; date: 28 Nov; notes: x", early_december).visit_date == date(2026, 11, 28)
    assert parse_quick_log("Acme; 日期：上周五; 备注：x", early_december).visit_date == date(2026, 11, 27)


def test_a_promise_or_a_plan_in_the_past_is_refused():
    early_december = date(2026, 12, 3)
    with pytest.raises(QuickLogError) as due:
        parse_quick_log("Acme; 日期：11月28日; 跟进：发报价 截止 2026-12-02", early_december)
    assert (due.value.code, due.value.detail) == ("due_in_past", date(2026, 12, 2))
    with pytest.raises(QuickLogError) as plan:
        parse_quick_log("Acme; 日期：上周五; 备注：x; 下次：昨天", early_december)
    assert (plan.value.code, plan.value.detail) == ("next_in_past", date(2026, 12, 2))


@pytest.mark.parametrize(
    ("word", "kind"),
    [("微信", "wechat"), ("WeChat", "wechat"), ("面访", "onsite"), ("上门", "onsite"), ("电话", "phone"),
     ("视频", "video"), ("邮件", "email"), ("email", "email"), ("会议", "meeting"), ("meeting", "meeting")],
)
def test_visit_types_in_both_languages(word, kind):
    assert parse_quick_log(f"Acme; 方式：{word}; 备注：x", TODAY).type == kind


def test_a_type_the_team_does_not_offer_is_refused_with_its_list():
    with pytest.raises(QuickLogError) as caught:
        parse_quick_log("Acme; 方式：邮件; 备注：x", TODAY, visit_types=("onsite", "phone", "wechat"))
    assert caught.value.code == "bad_type"
    assert caught.value.params["types"] == ["onsite", "phone", "wechat"]


def test_a_typed_name_after_a_follow_up_is_its_owner_to_resolve():
    log = parse_quick_log("华东制造集团；跟进：资源核查 截止 周五 @陈工；跟进：mail a@b.com by fri", date(2026, 12, 2))
    first, second = log.followups
    assert (first.text, first.owner_name, first.owner_slack_id) == ("资源核查", "陈工", None)
    assert (second.text, second.owner_name) == ("mail a@b.com", None)
