"""Fair routing within a level, over signed requests: the least recently assigned person at
work gets the question, ties to the fewest open; turns never mix levels or topics."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from services import team_admin
from storage.models import Member, Team
from tests.e2e.question_helpers import (
    away,
    member_id,
    qteam_fixture,  # noqa: F401 - the `qteam` fixture
    questions,
)
from tests.helpers import db


def cloud_topic(team_id: int, level1: list[str], level2: list[str]) -> None:
    with db.session_scope() as session:
        team = session.get(Team, team_id)
        team_admin.add_topic(session, team, "cloud", name="云专线", keywords=["云", "cloud"], lead_days="5", lead_note="方案评估 5 个工作日")
        team_admin.set_responders(session, team, "cloud", "1", level1)
        team_admin.set_responders(session, team, "cloud", "2", level2)


def slack_ids() -> dict[int, str]:
    with db.session_scope() as session:
        return {m.id: m.slack_id for m in session.scalars(select(Member))}


def test_twelve_questions_spread_evenly_over_three_people_and_two_levels(driver, qteam):
    # U0S2 answers at both levels: their level-2 work must not cost them their level-1 turns.
    cloud_topic(qteam, ["U0S1", "U0S2"], ["U0S2", "U0S3"])
    for n in range(12):
        level = "!1" if n % 2 == 0 else "!2"
        result = driver.command("U0A1", "/ask", f"#cloud {level} 云专线接入第 {n} 个站点要多久？")
        assert "is with <@" in result.reply_text
    names = slack_ids()
    routed = [(q.level, names[q.assignee_id or 0]) for q in questions()]
    assert Counter(routed) == {(1, "U0S1"): 3, (1, "U0S2"): 3, (2, "U0S2"): 3, (2, "U0S3"): 3}
    level1 = [who for level, who in routed if level == 1]
    level2 = [who for level, who in routed if level == 2]
    assert level1 == ["U0S1", "U0S2"] * 3 and level2 == ["U0S2", "U0S3"] * 3  # they alternate


def test_turns_are_counted_per_topic(driver, qteam):
    # billing: level 1 U0S1 and U0S4. Circuit questions on U0S1 do not make billing skip them.
    for _ in range(3):
        driver.command("U0A1", "/ask", "#circuit 专线资源核查要多久？")
    names = slack_ids()
    billing = []
    for _ in range(4):
        driver.command("U0A1", "/ask", "#billing 发票怎么重开？")
        billing.append(names[questions()[-1].assignee_id or 0])
    assert billing == ["U0S1", "U0S4", "U0S1", "U0S4"]


def test_someone_outside_working_hours_is_passed_over_while_someone_else_is_at_work(driver, qteam):
    with db.session_scope() as session:  # 10:00 in Shanghai is 21:00 the evening before in New York
        session.query(Member).filter(Member.slack_id == "U0S1").update({"tz": "America/New_York"})
    names = slack_ids()
    picked = []
    for _ in range(3):
        driver.command("U0A1", "/ask", "#billing 发票怎么重开？")
        picked.append(names[questions()[-1].assignee_id or 0])
    assert picked == ["U0S4", "U0S4", "U0S4"]


def test_someone_on_leave_is_replaced_and_their_stand_in_takes_their_own_turn(driver, qteam):
    away("U0S1", cover="U0S3")
    names = slack_ids()
    picked = []
    for _ in range(4):
        result = driver.command("U0A1", "/ask", "#billing 发票怎么重开？")
        picked.append(names[questions()[-1].assignee_id or 0])
    assert set(picked) == {"U0S3", "U0S4"} and Counter(picked) == {"U0S3": 2, "U0S4": 2}
    assert "U0S1" not in picked and member_id("U0S1") not in {q.assignee_id for q in questions()}
    assert "is away" in result.reply_text or "covering" in result.reply_text or "<@U0S" in result.reply_text
