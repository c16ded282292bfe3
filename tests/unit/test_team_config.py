"""Team YAML: the SPEC §7 example loads, dumps and loads back; bad files are refused whole."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml
from sqlalchemy import select

from domain.team_config import ConfigInvalid, parse_team_config
from services import team_config
from storage.models import Member, Team
from tests.helpers import row_counts

NOW = datetime(2026, 11, 2, tzinfo=UTC)


def _dump(database) -> str:
    with database.session_scope() as s:
        return team_config.dump(s, s.scalars(select(Team)).first())


def test_spec_example_round_trips(database, team_yaml):
    with database.session_scope() as s:
        team_config.load(s, team_yaml, NOW)
    first = _dump(database)
    doc = yaml.safe_load(first)
    assert doc["team"]["name"] == "政企客户一部"
    assert doc["topics"][0]["responders"] == {1: ["U0S1"], 2: ["U0S2"], 3: ["U0S3"]}
    assert doc["targets"] == [{"member": "U0A1", "period": "2026Q4", "metric": "new_customers", "value": 20}]
    # A fresh database loaded from the dump holds the same state.
    database_reset(database)
    with database.session_scope() as s:
        team_config.load(s, first, NOW)
    assert _dump(database) == first


def database_reset(database):
    from tests.conftest import _empty

    _empty(database)


def test_loading_twice_changes_nothing(database, team_yaml):
    with database.session_scope() as s:
        team_config.load(s, team_yaml, NOW)
    counts, dumped = row_counts(), _dump(database)
    with database.session_scope() as s:
        team_config.load(s, team_yaml, NOW)
    assert row_counts() == counts and _dump(database) == dumped


def test_pairs_come_from_backup(database, team_yaml):
    with database.session_scope() as s:
        team_config.load(s, team_yaml, NOW)
        a1 = s.scalar(select(Member).where(Member.slack_id == "U0A1"))
        assert a1.backup.slack_id == "U0B1" and a1.backup.backup_id == a1.id


def test_broken_yaml_is_refused_with_its_line_and_nothing_written(database, team_yaml):
    broken = team_yaml.replace("  language: zh               # zh or en", "  language: [zh")
    before = row_counts()
    with pytest.raises(ConfigInvalid) as caught, database.session_scope() as s:
        team_config.load(s, broken, NOW)
    assert caught.value.problems[0].code == "yaml_syntax"
    assert caught.value.problems[0].line in (5, 6)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("needle", "replacement", "code", "line"),
    [
        ("timezone: Asia/Shanghai", "timezone: Mars/Olympus", "bad_timezone", 4),
        ("level: competitive", "level: wizard", "bad_level", 15),
        ("backup: U0B1}", "backup: U0ZZ}", "unknown_member", 15),
        ("tier: key", "tier: gold", "bad_tier", 19),
        ("metric: new_customers", "metric: happiness", "bad_metric", 29),
        ("period: 2026Q4", "period: 2026Q5", "bad_period", 29),
        ("name: 政企客户一部", "nme: 政企客户一部", "unknown_key", 2),
    ],
)
def test_invalid_values_are_reported_with_line_numbers(needle, replacement, code, line, team_yaml):
    assert needle in team_yaml
    with pytest.raises(ConfigInvalid) as caught:
        parse_team_config(team_yaml.replace(needle, replacement, 1))
    assert any(p.code == code and p.line == line for p in caught.value.problems), caught.value.problems


def test_all_problems_are_reported_at_once(team_yaml):
    text = team_yaml.replace("tier: key", "tier: gold").replace("language: zh ", "language: fr ")
    with pytest.raises(ConfigInvalid) as caught:
        parse_team_config(text)
    assert {p.code for p in caught.value.problems} >= {"bad_tier", "bad_language"}


def test_unquoted_times_are_read_as_times(team_yaml):
    config = parse_team_config(team_yaml.replace('time: "16:00"', "time: 16:00"))
    assert config.team["meeting_time"] == "16:00"


CALENDAR_TEAM = """
team:
  name: 日历组
  calendar:
    country: CN
    holidays: ["2027-02-06..2027-02-12 春节", 2027-04-05, {from: 2027-05-01, to: 2027-05-03, name: 劳动节}]
    workdays: [2027-02-14, 2027-02-20]
  visit_types: [面访, 电话, wechat]
"""


def test_a_calendar_with_the_teams_own_days_and_visit_types_round_trips(database):
    from services import calendars as calendar_service
    from storage.models import CalendarOverride

    with database.session_scope() as s:
        team = team_config.load(s, CALENDAR_TEAM, NOW)
        assert team.visit_types == ["onsite", "phone", "wechat"]
        work = calendar_service.team_calendar(s, team)
        assert work.day_info(datetime(2027, 2, 14).date()).source == "team" and work.is_workday(datetime(2027, 2, 14).date())
        assert not work.is_workday(datetime(2027, 2, 11).date())
    first = _dump(database)
    doc = yaml.safe_load(first)
    assert doc["team"]["calendar"] == {
        "country": "CN",
        "holidays": ["2027-02-06..2027-02-12 春节", "2027-04-05", "2027-05-01..2027-05-03 劳动节"],
        "workdays": ["2027-02-14", "2027-02-20"],
    }
    with database.session_scope() as s:
        team_config.load(s, first, NOW)  # loading the dump again changes nothing
        assert len(s.scalars(select(CalendarOverride)).all()) == 7 + 1 + 3 + 2
    assert _dump(database) == first


def test_the_short_form_still_loads_and_bad_days_are_refused_with_their_line():
    assert parse_team_config("team: {name: A, calendar: CN}").team["calendar"] == "CN"
    assert parse_team_config("team: {name: A, calendar: hk}").team["calendar"] == "HK"
    with pytest.raises(ConfigInvalid) as invalid:
        parse_team_config("team:\n  name: A\n  calendar:\n    holidays: [2027-02-30, 2027-02-12..2027-02-06]\n    workdays: [2027-02-14]\n  visit_types: [fax]\n")
    codes = sorted(p.code for p in invalid.value.problems)
    assert codes == ["bad_calendar_day", "bad_calendar_day", "bad_visit_type"]
