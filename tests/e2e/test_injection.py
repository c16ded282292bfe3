"""mrkdwn injection in every free-text field: whatever a user types comes back escaped in
every message, DM, modal and Home view the bot sends — nobody can ping @channel, fake a
mention or disguise a link through ambot."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from core import clock
from slackio import ids
from tests.helpers import first_button, runner

EVIL = "<!channel> <@U0EVIL> <https://evil.example|click me>"
RAW = ("<!channel>", "<@U0EVIL>", "<https://evil.example")
# A follow-up's text is where a mention deliberately names the follow-up's owner.
EVIL_NO_MENTION = "<!channel> <!here> <https://evil.example|click me>"


def raw_control_sequences(driver) -> list[tuple[str, str, str]]:
    found = []
    for call in driver.fake.calls:
        text = json.dumps(call.body, ensure_ascii=False)
        found += [(call.method, raw, text[max(0, text.index(raw) - 150): text.index(raw) + 40]) for raw in RAW if raw in text]
    return found


def test_every_free_text_field_is_escaped_everywhere(driver, team):
    clock.freeze(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai
    for user in ("U0MGR", "U0A1", "U0B1", "U0S1"):
        driver.fake.users[user] = {"locale": "en-US", "tz": "Asia/Shanghai"}
    # Customer name and alias (admin), visit fields and follow-up text (quick log).
    driver.command("U0MGR", "/amteam", f"customer add Evil {EVIL} owner <@U0A1|a> tier key")
    driver.command("U0A1", "/visit", f"华东制造集团; purpose: {EVIL}; needs: {EVIL}; concerns: {EVIL}; notes: {EVIL}; follow-up: {EVIL_NO_MENTION} by 2026-12-07")
    driver.command("U0A1", "/visit", "list")
    driver.command("U0A1", "/visit", "followups")
    # KPI note, handover reason, question and answer.
    driver.command("U0A1", "/kpi", f"log revenue 100 华东制造集团 {EVIL}")
    driver.command("U0A1", "/handover", f"2026-12-14 2026-12-16 {EVIL}")
    driver.command("U0A1", "/ask", f"#circuit {EVIL} MPLS 专线要多久")
    routed = [c.body for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == "U0S1"]
    if routed:
        claim = first_button(routed[-1], ids.QUESTION_CLAIM)
        driver.press("U0S1", claim, message=dict(routed[-1], ts="1.0"), channel_id="DU0S1")
    # Scheduled messages carry the same text: reminders and the handover brief.
    runner.run_now("followup_reminders", datetime(2026, 12, 7, 1, 0, tzinfo=UTC))
    driver.event({"type": "app_home_opened", "user": "U0A1", "channel": "DU0A1", "tab": "home", "event_ts": "1.0"})
    assert len(driver.fake.calls) > 10  # the flow really ran
    assert raw_control_sequences(driver) == []
    everything = json.dumps([c.body for c in driver.fake.calls], ensure_ascii=False)
    assert "&lt;!channel&gt;" in everything  # shown, harmlessly
