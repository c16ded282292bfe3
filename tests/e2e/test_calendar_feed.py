"""`/visit calendar`: a member's private feed, fetched over HTTP from the same server that
takes Slack's requests, parsed with `icalendar`: follow-ups due, planned visits, leave and
cover, the team's holidays; a manager's feed holds the team's leave. Without a live token
the server says nothing; with one it caches properly."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from storage.models import CalendarFeed, Handover, Member
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import speak
from tests.helpers import db, row_counts

visit_team = visits_fixtures.visit_team  # the fixture: the SPEC team on Wednesday 18 November 2026
PUBLIC = "https://ambot.example.com"
FEED_URL = re.compile(re.escape(PUBLIC) + r"/calendar/([A-Za-z0-9_-]+)\.ics")


@pytest.fixture
def public_url(runtime):
    saved = runtime.settings
    runtime.settings = saved.with_(public_url=PUBLIC)
    yield PUBLIC
    runtime.settings = saved


@pytest.fixture
def base(server) -> str:
    return server.url.removesuffix("/slack/events")


def feed_token(reply_text: str) -> str:
    found = FEED_URL.search(reply_text)
    assert found, reply_text
    return found.group(1)


def fetch(base: str, token: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(f"{base}/calendar/{token}.ics", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def events(body: bytes) -> dict[str, tuple[object, object, str]]:
    """SUMMARY → (start, end, STATUS) of each event in the feed."""
    calendar = Calendar.from_ical(body)
    return {str(e["SUMMARY"]): (e.decoded("DTSTART"), e.decoded("DTEND"), str(e.get("STATUS", ""))) for e in calendar.walk("VEVENT")}


def leave(team: int, slack_id: str, cover: str | None, start: datetime, end: datetime, status: str) -> None:
    with db.session_scope() as session:
        ids = {slack_id: member_id for slack_id, member_id in session.execute(select(Member.slack_id, Member.id).where(Member.team_id == team))}
        session.add(Handover(team_id=team, member_id=ids[slack_id], cover_id=ids.get(cover or ""), starts_at=start, ends_at=end,
                             status=status, created_at=datetime(2026, 11, 17, tzinfo=UTC)))  # fmt: skip


def test_a_members_feed_holds_their_followups_plans_leave_cover_and_the_holidays(driver, visit_team, public_url, base):
    speak(driver, "U0A1", "U0B1")
    speak(driver, "U0MGR", locale="zh-CN")
    driver.command("U0A1", "/visit", "Acme Corp; needs: SIM; follow-up: send quote by 2026-11-20; next: 2026-12-01")
    driver.command("U0B1", "/visit", "Beta Bank; needs: audit; follow-up: call back by 2026-11-25")  # someone else's
    leave(visit_team, "U0A1", "U0B1", datetime(2026, 12, 6, 16, tzinfo=UTC), datetime(2026, 12, 9, 16, tzinfo=UTC), "accepted")
    leave(visit_team, "U0B1", "U0A1", datetime(2026, 12, 20, 16, tzinfo=UTC), datetime(2026, 12, 22, 16, tzinfo=UTC), "requested")
    leave(visit_team, "U0MGR", None, datetime(2026, 12, 27, 16, tzinfo=UTC), datetime(2026, 12, 28, 16, tzinfo=UTC), "declined")

    reply = driver.command("U0A1", "/visit", "calendar").reply_text
    assert "Your private calendar address" in reply and "/visit calendar reset" in reply
    status, headers, body = fetch(base, feed_token(reply))
    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Cache-Control"] == "private, max-age=900" and headers["ETag"].startswith('"')
    found = events(body)  # in the member's language
    assert found["Follow-up due: send quote (Acme Corp)"][:2] == (date(2026, 11, 20), date(2026, 11, 21))
    assert found["Planned visit: Acme Corp"][:2] == (date(2026, 12, 1), date(2026, 12, 2))
    assert found["On leave — 李娜 covers"][:2] == (datetime(2026, 12, 6, 16, tzinfo=UTC), datetime(2026, 12, 9, 16, tzinfo=UTC))
    assert found["Asked to cover 李娜"][2] == "TENTATIVE"  # asked, not yet accepted
    assert found["Holiday: New Year's Day"][:2] == (date(2027, 1, 1), date(2027, 1, 2))  # the team's calendar (CN)
    start, end, _ = found["Holiday: National Day"]
    assert isinstance(start, date) and isinstance(end, date) and (end - start).days >= 3  # a run of days off is one event
    assert not any("call back" in s for s in found)  # another rep's follow-up
    assert not any("王经理" in s for s in found)  # the manager's leave is not a rep's business

    manager = driver.command("U0MGR", "/visit", "calendar").reply_text
    assert "团队成员的休假" in manager
    team_view = events(fetch(base, feed_token(manager))[2])  # in Chinese, the manager's language
    assert "张伟 休假" in team_view and "李娜 申请休假" in team_view  # the team's leave
    assert not any("王经理" in s for s in team_view)  # declined leave is on nobody's calendar


def test_the_feed_is_cached_by_etag_and_revoked_by_reset(driver, visit_team, public_url, base):
    speak(driver, "U0A1")
    token = feed_token(driver.command("U0A1", "/visit", "calendar").reply_text)
    _, headers, body = fetch(base, token)
    status, again, nothing = fetch(base, token, {"If-None-Match": headers["ETag"]})
    assert (status, nothing, again["ETag"]) == (304, b"", headers["ETag"])  # unchanged: not sent again
    with urllib.request.urlopen(urllib.request.Request(f"{base}/calendar/{token}.ics", method="HEAD"), timeout=10) as head:
        assert head.status == 200 and head.headers["ETag"] == headers["ETag"] and head.read() == b""
    driver.command("U0A1", "/visit", "Acme Corp; needs: SIM; follow-up: send quote by 2026-11-20")
    status, changed, _ = fetch(base, token, {"If-None-Match": headers["ETag"]})
    assert status == 200 and changed["ETag"] != headers["ETag"]  # a new follow-up: a new feed

    shown = driver.command("U0A1", "/visit", "calendar").reply_text  # asked again: not shown again
    assert "since" in shown and not FEED_URL.search(shown) and "/visit calendar reset" in shown
    reset = driver.command("U0A1", "/visit", "calendar reset").reply_text
    assert "the old one has stopped working" in reset
    new_token = feed_token(reset)
    assert fetch(base, new_token)[0] == 200
    gone = fetch(base, token)
    made_up = fetch(base, "x" * 43)
    assert gone[0] == made_up[0] == 404 and gone[2] == made_up[2]  # revoked and unknown look alike
    with db.session_scope() as session:
        feeds = session.scalars(select(CalendarFeed).order_by(CalendarFeed.id)).all()
        assert [f.revoked_at is not None for f in feeds] == [True, False]  # kept, never deleted
        assert token not in {f.token_hash for f in feeds} and len(feeds[1].token_hash) == 64  # only hashes are stored


@pytest.mark.parametrize("path", ["/calendar/", "/calendar/short.ics", "/calendar/../slack/events", "/calendar/" + "a" * 43 + ".ics", "/calendar/" + "a" * 43])
def test_addresses_without_a_live_token_reveal_nothing(driver, visit_team, public_url, base, path):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "calendar")  # a live feed exists; these addresses still open nothing
    try:
        urllib.request.urlopen(base + path, timeout=10)
        raise AssertionError("answered " + path)
    except urllib.error.HTTPError as error:
        assert error.code == 404 and error.read() == b'{"error": "not found"}'  # as any unknown address


def test_without_a_public_address_the_command_says_so_and_writes_nothing(driver, visit_team):
    speak(driver, "U0A1")
    before = row_counts()
    reply = driver.command("U0A1", "/visit", "calendar").reply_text
    assert "AMBOT_PUBLIC_URL" in reply
    assert row_counts() == before


def test_strangers_and_stray_words_are_refused(driver, visit_team, public_url):
    speak(driver, "U0A1", "U0NOBODY")
    assert "not a member" in driver.command("U0NOBODY", "/visit", "calendar").reply_text
    assert "`/visit calendar reset` makes a new one" in driver.command("U0A1", "/visit", "calendar please").reply_text
    with db.session_scope() as session:
        assert session.scalar(select(func.count(CalendarFeed.id))) == 0
