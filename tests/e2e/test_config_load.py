"""`python bot.py config load` as an operator runs it, on SQLite and PostgreSQL: a load
merges (what a file does not mention keeps its value), `--dry-run` writes nothing,
`--replace` asks for `--yes` and never removes anyone with open follow-ups, and a
changed topic's responders load without a UNIQUE crash."""

from __future__ import annotations

import os
import textwrap
from datetime import UTC, date, datetime

import pytest
import yaml
from sqlalchemy import select

from core.settings import Settings
from storage.models import AuditRecord, Customer, Followup, KpiTarget, Member, Team, Topic
from tests.conftest import FIXTURES
from tests.helpers import db, row_counts

pytestmark = pytest.mark.real_commits  # `bot.py` opens the database on connections of its own

TEAM = "政企客户一部"


@pytest.fixture
def settings(database) -> Settings:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AMBOT_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database.url, AMBOT_LANG="en", LANG="C.UTF-8")
    return Settings.from_env(env)


@pytest.fixture
def load(bot_cli, settings, tmp_path):
    def run(text: str, *flags: str):
        path = tmp_path / f"team{len(list(tmp_path.iterdir()))}.yaml"
        path.write_text(textwrap.dedent(text), "utf-8")
        return bot_cli("config", "load", str(path), *flags, settings=settings)

    return run


@pytest.fixture
def loaded(load):
    result = load((FIXTURES / "team.yaml").read_text("utf-8"))
    assert result.returncode == 0, result.stderr


def member(slack_id: str) -> Member:
    with db.session_scope() as session:
        return session.scalars(select(Member).where(Member.slack_id == slack_id)).one()


def customer(name: str) -> Customer:
    with db.session_scope() as session:
        return session.scalars(select(Customer).where(Customer.name == name)).one()


def team() -> Team:
    with db.session_scope() as session:
        return session.scalars(select(Team)).one()


def responders() -> dict[int, list[str]]:
    with db.session_scope() as session:
        topic = session.scalars(select(Topic).where(Topic.key == "circuit")).one()
        out: dict[int, list[str]] = {}
        for r in topic.responders:
            out.setdefault(r.level, []).append(r.member.slack_id)
        return out


def test_a_member_listed_only_as_a_topic_responder_keeps_their_name_and_roles(loaded, load):
    result = load(f"""
        team: {{name: {TEAM}}}
        topics:
          - key: circuit
            responders: {{1: [U0S1, U0A1]}}
    """)
    assert result.returncode == 0, result.stderr
    zhang = member("U0A1")
    assert (zhang.name, zhang.roles, zhang.rep_level, zhang.support_level) == ("张伟", ["rep"], "competitive", None)
    assert responders()[1] == ["U0S1", "U0A1"]


def test_a_team_block_with_only_its_name_keeps_channel_meeting_and_time_zone(loaded, load):
    assert load(f"team: {{name: {TEAM}}}\n").returncode == 0
    kept = team()
    assert (kept.channel, kept.meeting_day, kept.meeting_time, kept.timezone) == ("C0TEAM", "fri", "16:00", "Asia/Shanghai")
    assert load(f"team: {{name: {TEAM}, meeting: {{time: '15:30'}}}}\n").returncode == 0
    assert (team().meeting_day, team().meeting_time, team().channel) == ("fri", "15:30", "C0TEAM")  # only what it says


def test_a_customer_given_by_name_alone_keeps_its_owner_tier_and_aliases(loaded, load):
    assert load(f"team: {{name: {TEAM}}}\ncustomers:\n  - {{name: 华东制造集团}}\n").returncode == 0
    kept = customer("华东制造集团")
    assert (kept.owner_id, kept.tier, kept.aliases, kept.industry, kept.cadence_days) == (member("U0A1").id, "key", ["HDMG"], "manufacturing", 14)
    assert load(f"team: {{name: {TEAM}}}\ncustomers:\n  - {{name: 华东制造集团, aliases: [East China Mfg]}}\n").returncode == 0
    assert (customer("华东制造集团").aliases, customer("华东制造集团").tier) == (["East China Mfg"], "key")  # a list given replaces that list only


def test_a_file_may_name_members_the_team_already_has_without_listing_them(loaded, load):
    result = load(f"team: {{name: {TEAM}}}\ncustomers:\n  - {{name: 新客户, owner: U0B1, tier: premium}}\n")
    assert result.returncode == 0, result.stderr
    assert customer("新客户").owner_id == member("U0B1").id


def test_reloading_a_file_that_changes_a_topics_responders_does_not_crash(loaded, load):
    text = (FIXTURES / "team.yaml").read_text("utf-8")
    changed = text.replace("responders: {1: [U0S1], 2: [U0S2], 3: [U0S3]}", "responders: {1: [U0S2, U0S1], 2: [U0S3], 3: [U0S3]}")
    result = load(changed)
    assert result.returncode == 0, result.stderr
    assert responders() == {1: ["U0S2", "U0S1"], 2: ["U0S3"], 3: ["U0S3"]}
    assert load(changed).returncode == 0 and responders() == {1: ["U0S2", "U0S1"], 2: ["U0S3"], 3: ["U0S3"]}
    with db.session_scope() as session:
        removed = session.scalars(select(AuditRecord).where(AuditRecord.entity == "topic_responders", AuditRecord.action == "delete")).all()
        assert {(r.before["level"], r.source) for r in removed} == {(2, "config")}  # U0S2 left level 2, on record


def test_dry_run_prints_the_change_per_member_customer_topic_and_target_and_writes_nothing(loaded, load):
    before = row_counts()
    result = load(f"""
        team: {{name: {TEAM}}}
        members:
          - {{slack_id: U0B1, level: competitive}}
          - {{slack_id: U0N1, name: 周敏, roles: [rep]}}
        customers:
          - {{name: 华东制造集团, tier: premium}}
        topics:
          - {{key: circuit, responders: {{1: [U0S1, U0B1]}}}}
        targets:
          - {{member: U0A1, period: 2026Q4, metric: new_customers, value: 25}}
    """, "--dry-run")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "~ member U0B1: rep_level: traditional → competitive" in out
    assert "+ member U0N1: added" in out
    assert "~ customer 华东制造集团: tier: key → premium" in out
    assert "~ topic circuit: responders 1: [U0S1] → [U0S1, U0B1]" in out
    assert "~ target U0A1 2026Q4 new_customers: value: 20 → 25" in out
    assert "dry run of" in out and "5 changes; nothing was written" in out
    assert row_counts() == before and member("U0B1").rep_level == "traditional"


def test_replace_asks_for_yes_removes_what_the_file_leaves_out_but_never_anyone_with_open_follow_ups(loaded, load):
    with db.session_scope() as session:
        a1 = session.scalars(select(Member).where(Member.slack_id == "U0A1")).one()
        hdmg = session.scalars(select(Customer).where(Customer.name == "华东制造集团")).one()
        session.add(Customer(team_id=a1.team_id, name="Old Ltd", owner_id=a1.id))
        session.add(Followup(team_id=a1.team_id, customer_id=hdmg.id, text="send quote", owner_id=a1.id, due=date(2026, 12, 1),
                             created_at=datetime(2026, 11, 2, tzinfo=UTC)))  # fmt: skip
    smaller = f"""
        team: {{name: {TEAM}, channel: C0TEAM}}
        members:
          - {{slack_id: U0MGR, name: 王经理, roles: [manager]}}
          - {{slack_id: U0S1, name: 陈工, roles: [support], level: 1}}
    """
    before = row_counts()
    asked = load(smaller, "--replace")
    assert asked.returncode == 1
    assert "would remove" in asked.stdout and "--yes" in asked.stdout
    assert "! member U0A1: kept — not in the file, but 1 open follow-up still depends on it" in asked.stdout
    assert "! customer 华东制造集团: kept — not in the file, but 1 open follow-up still depends on it" in asked.stdout
    assert "- member U0B1: removed" in asked.stdout and "- customer Old Ltd: removed" in asked.stdout
    assert row_counts() == before and member("U0B1").active
    done = load(smaller, "--replace", "--yes")
    assert done.returncode == 0, done.stderr
    assert member("U0A1").active and not member("U0B1").active  # 张伟 still owes a follow-up
    gone = customer("Old Ltd")
    assert (gone.active, gone.withdrawn_at is not None) == (False, True)  # withdrawn, kept
    assert customer("华东制造集团").active
    assert team().timezone == "Asia/Shanghai" and team().meeting_time == "16:00"  # defaults: the file is the whole truth
    with db.session_scope() as session:
        target = session.scalars(select(KpiTarget).execution_options(include_withdrawn=True)).one()
        assert target.withdrawn_at is not None  # not in the file: withdrawn, kept
        assert session.scalars(select(KpiTarget)).all() == []


def test_a_load_is_recorded_in_the_audit_trail_as_the_config_file(loaded, load):
    load(f"team: {{name: {TEAM}}}\ncustomers:\n  - {{name: 华东制造集团, tier: premium}}\n")
    with db.session_scope() as session:
        change = session.scalars(select(AuditRecord).where(AuditRecord.entity == "customers").order_by(AuditRecord.id.desc())).first()
    assert change is not None
    assert (change.source, change.actor, change.action, change.before, change.after) == ("config", None, "update", {"tier": "key"}, {"tier": "premium"})


def test_control_characters_and_direction_overrides_never_reach_a_name(load):
    result = load(f"team: {{name: {TEAM}}}\nmembers:\n  - {{slack_id: U0X1, name: \"Eve\\u202E\\x00gpj.exe\", roles: [rep]}}\n")
    assert result.returncode == 0, result.stderr
    assert member("U0X1").name == "Evegpj.exe"


def test_a_name_too_long_is_refused_with_its_line(load):
    result = load(f"team: {{name: {TEAM}}}\ncustomers:\n  - {{name: {'长' * 201}}}\n")
    assert result.returncode == 1 and ":3: name (200): too long" in result.stderr


def test_the_dump_still_loads_back_to_the_same_state(loaded, bot_cli, settings, load):
    first = bot_cli("config", "dump", settings=settings).stdout
    assert load(first).returncode == 0
    assert bot_cli("config", "dump", settings=settings).stdout == first
    assert yaml.safe_load(first)["targets"] == [{"member": "U0A1", "period": "2026Q4", "metric": "new_customers", "value": 20}]
