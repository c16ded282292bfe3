"""`/visit list`, `/visit followups` with Done and Snooze, and who may see what."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from core import clock
from slackio import ids
from slackio.driver import visible_text
from storage.models import Followup, Handover, Member
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import NOW, speak
from tests.helpers import db, first_button

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests


def log(driver, user: str, line: str) -> None:
    """Logged on the day of the visit, as a rep would: a promise due before today is refused."""
    day = re.search(r"date: (\d{4}-\d{2}-\d{2})", line)
    if day:
        clock.freeze(datetime.fromisoformat(day[1] + "T18:00+08:00"))
    try:
        result = driver.command(user, "/visit", line)
    finally:
        clock.freeze(NOW)
    assert "Visit logged" in result.reply_text, result.reply_text


def followup_due(text: str) -> str:
    with db.session_scope() as session:
        return str(session.scalar(select(Followup.due).where(Followup.text == text)))


def cover(visit_team: int, away: str, covering: str) -> None:
    with db.session_scope() as session:
        members = {m.slack_id: m.id for m in session.scalars(select(Member))}
        session.add(Handover(team_id=visit_team, member_id=members[away], cover_id=members[covering], status="active",
                             starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=3), created_at=NOW))  # fmt: skip


def test_my_list_shows_my_customers_visits_and_those_past_cadence(driver, visit_team):
    speak(driver, "U0A1", "U0B1")
    log(driver, "U0A1", "华东制造集团; date: 2026-11-02; needs: 200M line; follow-up: quote by 2026-11-20")
    log(driver, "U0B1", "Beta Bank; needs: secret of B")
    result = driver.command("U0A1", "/visit", "list")
    text = result.reply_text
    assert result.reply["response_type"] == "ephemeral"
    assert "*Recent visits to your customers*" in text
    assert "*华东制造集团* · Mon, Nov 2, 2026 · on-site · By <@U0A1>" in text and "*Needs:* 200M line" in text
    assert "1 open follow-up: quote (due Fri, Nov 20)" in text
    assert "Beta Bank" not in text and "secret of B" not in text
    assert "2 customers are past their visit cadence" in text
    assert "*华东制造集团* (key) — last visit Nov 2, 2 days past the 14-day cadence" in text
    assert "*Acme Corp* (premium) — never visited" in text
    assert first_button(result.reply, ids.VISIT_EDIT)


def test_list_for_one_customer_shows_its_cadence(driver, visit_team):
    speak(driver, "U0A1")
    log(driver, "U0A1", "Acme; date: 2026-11-10; concerns: price")
    text = driver.command("U0A1", "/visit", "list acme").reply_text
    assert "*Visits to Acme Corp*" in text and "Last visit Nov 10, 2026; the cadence is every 30 days." in text
    assert "*Concerns:* price" in text


def test_a_manager_lists_the_whole_team_with_owners(driver, visit_team):
    speak(driver, "U0A1", "U0B1", "U0MGR")
    log(driver, "U0A1", "Acme Corp; needs: a")
    log(driver, "U0B1", "Beta Bank; needs: b")
    text = driver.command("U0MGR", "/visit", "list").reply_text
    assert "*Recent visits in your team*" in text and "*Acme Corp*" in text and "*Beta Bank*" in text
    assert "*华东物流* (key) — never visited — <@U0B1>" in text
    assert "*Orphan Ltd* (regular) — never visited" in text


def test_a_rep_cannot_read_a_colleagues_customer_unless_covering(driver, visit_team):
    speak(driver, "U0A1", "U0B1")
    log(driver, "U0B1", "Beta Bank; needs: b")
    refused = driver.command("U0A1", "/visit", "list Beta Bank")
    assert "*Beta Bank* is <@U0B1>'s customer" in refused.reply_text and "*Needs:* b" not in refused.reply_text
    cover(visit_team, away="U0B1", covering="U0A1")
    allowed = driver.command("U0A1", "/visit", "list Beta Bank")
    assert "*Needs:* b" in allowed.reply_text
    log(driver, "U0A1", "Beta Bank; notes: covered while 李娜 is away")
    mine = driver.command("U0A1", "/visit", "list").reply_text
    assert "*华东物流* (key) — never visited" in mine  # 李娜's key customer, carried by 张伟 now


def test_support_and_strangers_are_refused_with_the_reason(driver, visit_team):
    speak(driver, "U0S1", "U0NOBODY")
    assert "Visits are logged by account managers" in driver.command("U0S1", "/visit", "list").reply_text
    assert "Visits are logged by account managers" in driver.command("U0S1", "/visit", "").reply_text
    assert driver.fake.calls_to("views.open") == []
    assert "not a member of any ambot team" in driver.command("U0NOBODY", "/visit", "list").reply_text


def test_followups_oldest_due_first_with_done_and_snooze(driver, visit_team):
    speak(driver, "U0A1")
    log(driver, "U0A1", "Acme Corp; date: 2026-11-16; follow-up: send quote by 2026-11-17; follow-up: call IT by 2026-11-25; follow-up: demo")
    result = driver.command("U0A1", "/visit", "followups")
    text = result.reply_text
    assert "*Your open follow-ups (3), oldest due first*" in text
    assert text.index("send quote") < text.index("call IT") < text.index("demo")
    assert "*send quote* — Acme Corp · due Tue, Nov 17 · _1 day overdue_" in text and "*demo* — Acme Corp · no due date" in text
    done = first_button(result.reply, ids.FOLLOWUP_DONE)
    pressed = driver.press("U0A1", done)  # an ephemeral list: Slack does not send it back, so it is redrawn
    assert "Done — marked by <@U0A1>." in pressed.reply_text and "*Your open follow-ups (2)" in pressed.reply_text
    assert pressed.reply["replace_original"] is True
    snooze = first_button(pressed.reply, ids.FOLLOWUP_SNOOZE_WEEK)  # call IT, due Wed 25 → Wed Dec 2
    assert "Snoozed — now due Wed, Dec 2." in driver.press("U0A1", snooze).reply_text
    assert followup_due("call IT") == "2026-12-02"
    demo = [b for b in pressed.reply["blocks"] if b.get("block_id", "").startswith("fu:")][-1]["elements"][1]
    driver.press("U0A1", demo)  # snooze 1 day without a due date: the next working day
    assert followup_due("demo") == "2026-11-19"
    again = driver.press("U0A1", done)
    assert "already done" in again.reply_text


def test_the_pressed_message_is_updated_in_place(driver, visit_team):
    speak(driver, "U0A1")
    log(driver, "U0A1", "Acme Corp; follow-up: send quote by fri; follow-up: call IT by fri")
    listing = driver.command("U0A1", "/visit", "followups").reply
    message = dict(listing, ts="1700000000.000100")
    pressed = driver.press("U0A1", first_button(listing, ids.FOLLOWUP_DONE), message=message)
    blocks = pressed.reply["blocks"]
    notes = [b for b in blocks if b["type"] == "context"]
    assert len(notes) == 1 and "Done — marked by <@U0A1>." in notes[0]["elements"][0]["text"]
    assert sum(1 for b in blocks if b["type"] == "actions") == 1  # the other follow-up keeps its buttons


def test_a_colleague_cannot_close_my_follow_up_but_my_cover_can(driver, visit_team):
    speak(driver, "U0A1", "U0B1")
    log(driver, "U0A1", "Acme Corp; follow-up: send quote by fri")
    done = first_button(driver.command("U0A1", "/visit", "followups").reply, ids.FOLLOWUP_DONE)
    refused = driver.press("U0B1", done)
    assert "This follow-up belongs to <@U0A1>" in refused.reply_text and refused.reply.get("replace_original") is False
    assert followup_due("send quote") == "2026-11-20"
    cover(visit_team, away="U0A1", covering="U0B1")
    listing = driver.command("U0B1", "/visit", "followups")
    assert "covering for <@U0A1>" in listing.reply_text
    driver.press("U0B1", first_button(listing.reply, ids.FOLLOWUP_DONE))
    with db.session_scope() as session:
        assert session.scalar(select(Followup.status)) == "done"


def test_a_support_colleague_sees_the_follow_ups_handed_to_them(driver, visit_team):
    speak(driver, "U0A1", "U0S1")
    log(driver, "U0A1", "Acme Corp; follow-up: site survey by fri <@U0S1>")
    text = driver.command("U0S1", "/visit", "followups").reply_text
    assert "*site survey* — Acme Corp · due Fri, Nov 20" in text


def test_followups_and_lists_escape_user_text(driver, visit_team):
    speak(driver, "U0A1")
    log(driver, "U0A1", "Acme Corp; notes: <!here> ok; follow-up: ping <!channel> by fri")
    for line in ("followups", "list"):
        reply = driver.command("U0A1", "/visit", line).reply
        texts = [reply["text"]] + [b["text"]["text"] for b in reply["blocks"] if b["type"] == "section"]
        assert not any("<!channel>" in t or "<!here>" in t for t in texts)
        assert "&lt;!" in "\n".join(texts)


def test_no_open_followups(driver, visit_team):
    speak(driver, "U0A1")
    assert "You have no open follow-ups" in driver.command("U0A1", "/visit", "followups").reply_text


def test_a_double_click_on_snooze_snoozes_once_and_says_the_current_due_date(driver, visit_team):
    speak(driver, "U0A1")
    log(driver, "U0A1", "Acme Corp; follow-up: call IT by 2026-11-25")
    listing = driver.command("U0A1", "/visit", "followups").reply
    snooze = first_button(listing, ids.FOLLOWUP_SNOOZE_WEEK)
    assert snooze["value"].endswith(":2026-11-25")
    first = driver.press("U0A1", snooze)
    assert "Snoozed — now due Wed, Dec 2." in first.reply_text
    second = driver.press("U0A1", snooze)  # the same button again: nothing more moves
    assert "Not snoozed again: this follow-up had already been moved and is now due Wed, Dec 2." in second.reply_text
    assert second.reply.get("replace_original") is False
    assert followup_due("call IT") == "2026-12-02"
    day = dict(first_button(listing, ids.FOLLOWUP_SNOOZE_DAY))  # also drawn on Nov 25
    assert "now due Wed, Dec 2" in driver.press("U0A1", day).reply_text
    assert followup_due("call IT") == "2026-12-02"


def test_a_snooze_button_from_before_due_dates_were_in_its_value_still_works(driver, visit_team):
    speak(driver, "U0A1", locale="zh-CN")
    log_zh = driver.command("U0A1", "/visit", "Acme Corp；跟进：发报价 截止 2026-11-25")
    assert "拜访已记录" in log_zh.reply_text
    snooze = dict(first_button(driver.command("U0A1", "/visit", "followups").reply, ids.FOLLOWUP_SNOOZE_WEEK))
    snooze["value"] = snooze["value"].split(":")[0]
    driver.press("U0A1", snooze)
    assert followup_due("发报价") == "2026-12-02"
    stale = dict(snooze, value=f"{snooze['value']}:2026-11-25")
    assert "没有再次推迟：这项跟进已经改过，现在截止 12月2日周三。" in driver.press("U0A1", stale).reply_text
    assert followup_due("发报价") == "2026-12-02"


def test_customer_names_are_escaped_in_the_list_notification_text(driver, visit_team):
    from storage.models import Customer

    with db.session_scope() as session:
        owner = session.scalar(select(Member.id).where(Member.slack_id == "U0A1"))
        session.add(Customer(team_id=visit_team, name="Tom & Jerry <!here>", aliases=["TJ"], owner_id=owner, tier="regular"))
    speak(driver, "U0A1")
    log(driver, "U0A1", "TJ; needs: lines")
    reply = driver.command("U0A1", "/visit", "list").reply
    assert "• Tom &amp; Jerry &lt;!here&gt; 2026-11-18" in reply["text"] and "<!here>" not in reply["text"]


def test_a_long_list_pages_ten_visits_at_a_time_then_the_customers_past_cadence(driver, visit_team):
    speak(driver, "U0A1")
    for n in range(12):
        log(driver, "U0A1", f"Acme Corp; date: 2026-10-{n + 10:02d}; needs: item {n:02d}")
    first = driver.command("U0A1", "/visit", "list").reply
    edits = [b for b in first["blocks"] if (b.get("accessory") or {}).get("action_id") == ids.VISIT_EDIT]
    assert len(edits) == 10  # the newest ten
    text = visible_text(first)
    assert "*Needs:* item 11" in text and "*Needs:* item 02" in text and "item 01" not in text
    assert "Page 1 of 2" in text and "`/visit list page 2`" in text
    assert "visit cadence" not in text
    button = first_button(first, ids.VISIT_LIST_MORE)
    second = driver.press("U0A1", button).reply
    assert second["blocks"] == driver.command("U0A1", "/visit", "list page 2").reply["blocks"]
    text = visible_text(second)
    assert "*Needs:* item 01" in text and "*Needs:* item 00" in text and "item 02" not in text
    assert "Page 2 of 2" in text and "1 customer is past its visit cadence" in text  # what follows, on the last page of visits
    assert "*华东制造集团* (key) — never visited" in text
    assert not any(b["type"] == "actions" for b in second["blocks"])  # no More
    past = driver.command("U0A1", "/visit", "list page 3")
    assert "There is no page 3: the list has 2 pages." in past.reply_text
