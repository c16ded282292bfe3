"""One source of truth: on the same data, what `/digest weekly`, `/digest manager`,
`/kpi team` and the exports say agree on every number they share."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

import pytest

from core import clock
from exports import Selection
from exports.kpi import kpi_rows
from exports.questions import rows as question_rows
from exports.visits import followup_rows, visit_rows
from services.manager_digest import manager_digest
from services.weekly_summary import weekly_summary
from tests import reports_scenario as scenario
from tests.helpers import db

MONDAY, SUNDAY = date(2026, 11, 30), date(2026, 12, 6)
PACE_LINE = re.compile(r"^\*\d+\.\* <@U\w+> `[^`]+` ▲\d+ ●\d+ ▼\d+.*$", re.M)


@pytest.fixture
def demo(driver, database):
    clock.freeze(scenario.FRIDAY)
    with database.session_scope() as session:
        team_id = scenario.load(session)
    driver.fake.users["U0MGR"] = {"locale": "en-US", "tz": "Asia/Shanghai"}
    return team_id


def test_summary_digest_kpi_team_and_exports_agree(driver, demo):
    kpi_team = driver.command("U0MGR", "/kpi", "team").reply_text
    weekly = driver.command("U0MGR", "/digest", "weekly").reply_text
    digest_text = driver.command("U0MGR", "/digest", "manager").reply_text
    with db.session_scope() as session:
        summary = weekly_summary(session, demo, scenario.FRIDAY)
        digest = manager_digest(session, demo, scenario.FRIDAY)
        kpi_export = list(kpi_rows(session, Selection()))
        visits = list(visit_rows(session, Selection(since=MONDAY)))
        followups = list(followup_rows(session, Selection()))
        questions = list(question_rows(session, Selection(since=MONDAY)))

    # KPI pace: the ranked lines of /kpi team, word for word, in both reports.
    ranked = set(PACE_LINE.findall(kpi_team))  # the reply text holds the fallback and the blocks
    assert len(ranked) == 8
    for line in ranked:
        assert line in weekly and line in digest_text
    assert summary.pace == digest.pace

    # …and each rep's actual, target and expected-to-date are the kpi export's.
    exported = {(row[1], row[2]): tuple(row[3:]) for row in kpi_export if row[0] == "2026Q4"}
    paced = {
        (rep.slack_id, p.metric_key): tuple(_plain(v) for v in (p.target, p.actual, p.expected))
        for rep in summary.pace.reps for period in rep.periods for p in period.paces
    }
    assert paced == exported and len(paced) == 40

    # Visits this week per rep: the visits export, the summary, and the line the reader sees.
    per_rep = Counter(row[2] for row in visits if row[0] <= SUNDAY)
    assert {r.slack_id: r.visits for r in summary.reps if r.visits} == dict(per_rep)
    for rep in summary.reps:
        assert f"<@{rep.slack_id}> — visits *{rep.visits}* (last week {rep.visits_last_week})" in weekly
    assert f"{summary.visits} visits (last week {summary.visits_last_week}" in weekly

    # Overdue follow-ups per rep: the followups export, the summary and the digest.
    overdue = Counter(row[2] for row in followups if row[4] == "open" and row[3] and row[3] < summary.today)
    assert {o.slack_id: o.count for o in digest.overdue} == dict(overdue)
    assert {r.slack_id: r.followups_overdue for r in summary.reps if r.followups_overdue} == dict(overdue)
    for line in digest.overdue:
        assert f"<@{line.slack_id}> *{line.count}*" in digest_text
    assert f"follow-ups: {summary.followups_done} done, {sum(overdue.values())} overdue" in weekly
    assert f"Overdue follow-ups* — {sum(overdue.values())} in all" in digest_text

    # Questions asked this week: the questions export and the summary.
    asked = [row for row in questions if row[0] < datetime(2026, 12, 6, 16, tzinfo=row[0].tzinfo)]
    assert summary.questions.asked == len(asked)
    assert f"{len(asked)} asked · {summary.questions.answered} answered" in weekly


def _plain(value):
    from exports.kpi import _plain as plain

    return plain(value)
