"""`/amteam` over signed HTTP: bootstrap, managers only, members, pairs, customers, topics."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Customer, Member, Team, Topic
from tests.helpers import db, en, row_counts


def test_first_setup_creates_the_team_and_its_manager(driver):
    en(driver, "U0BOSS")
    result = driver.command("U0BOSS", "/amteam", "setup name East Team timezone Asia/Shanghai language en meeting thu 15:30 channel <#C0TEAM|team>")
    assert "East Team" in result.reply_text
    with db.session_scope() as s:
        team = s.scalar(select(Team))
        assert (team.name, team.language, team.meeting_day, team.meeting_time, team.channel) == ("East Team", "en", "thu", "15:30", "C0TEAM")
        boss = s.scalar(select(Member).where(Member.slack_id == "U0BOSS"))
        assert boss.roles == ["manager"] and boss.name == "Name U0BOSS"


def test_non_manager_is_refused_with_the_reason_and_nothing_changes(driver, team):
    en(driver, "U0A1")
    before = row_counts()
    result = driver.command("U0A1", "/amteam", "add <@U0NEW|new> rep")
    assert "Only managers" in result.reply_text
    assert row_counts() == before


def test_stranger_is_refused_as_not_a_member(driver, team):
    en(driver, "U0NOBODY")
    result = driver.command("U0NOBODY", "/amteam", "show")
    assert "not a member" in result.reply_text


def test_manager_adds_members_with_mentions_and_levels(driver, team):
    en(driver, "U0MGR")
    result = driver.command("U0MGR", "/amteam", "add <@U0NEW|zhao.lei> rep relationship")
    assert "<@U0NEW>" in result.reply_text
    driver.command("U0MGR", "/amteam", "add U0SUP support 2")
    with db.session_scope() as s:
        new = s.scalar(select(Member).where(Member.slack_id == "U0NEW"))
        sup = s.scalar(select(Member).where(Member.slack_id == "U0SUP"))
        assert (new.roles, new.rep_level, new.name) == (["rep"], "relationship", "zhao.lei")
        assert (sup.roles, sup.support_level) == (["support"], 2)


def test_bad_level_is_refused_with_usage_and_nothing_written(driver, team):
    en(driver, "U0MGR")
    before = row_counts()
    result = driver.command("U0MGR", "/amteam", "add <@U0NEW|x> rep wizard")
    assert "not a role" in result.reply_text or "not an account-manager level" in result.reply_text
    assert "/amteam add" in result.reply_text
    assert row_counts() == before


def test_pair_is_mutual_by_default(driver, team):
    en(driver, "U0MGR")
    driver.command("U0MGR", "/amteam", "add <@U0C1|c1> rep")
    driver.command("U0MGR", "/amteam", "add <@U0C2|c2> rep")
    result = driver.command("U0MGR", "/amteam", "pair <@U0C1|c1> <@U0C2|c2>")
    assert "back each other up" in result.reply_text
    with db.session_scope() as s:
        c1 = s.scalar(select(Member).where(Member.slack_id == "U0C1"))
        c2 = s.scalar(select(Member).where(Member.slack_id == "U0C2"))
        assert c1.backup_id == c2.id and c2.backup_id == c1.id


def test_customer_add_assign_tier_cadence(driver, team):
    en(driver, "U0MGR")
    result = driver.command("U0MGR", "/amteam", "customer add Acme Corp owner <@U0B1|lina> tier premium industry retail cadence 21 aliases ACME,阿克美")
    assert "Acme Corp" in result.reply_text
    driver.command("U0MGR", "/amteam", "customer tier Acme Corp key")
    driver.command("U0MGR", "/amteam", "customer assign Acme Corp <@U0A1|zw>")
    with db.session_scope() as s:
        acme = s.scalar(select(Customer).where(Customer.name == "Acme Corp"))
        assert (acme.tier, acme.cadence_days, acme.industry, sorted(acme.aliases)) == ("key", 21, "retail", ["ACME", "阿克美"])
        assert acme.owner.slack_id == "U0A1"


def test_customer_name_is_escaped_when_shown(driver, team):
    en(driver, "U0MGR")
    result = driver.command("U0MGR", "/amteam", "customer add <!channel> & Co")
    assert "&lt;!channel&gt; &amp; Co" in result.reply_text
    assert "<!channel>" not in result.reply_text


def test_topic_add_responders_and_sla(driver, team):
    en(driver, "U0MGR")
    driver.command("U0MGR", "/amteam", "topic add billing name Billing & invoices keywords 账单,invoice,发票 lead 2 note two working days")
    driver.command("U0MGR", "/amteam", "topic responders billing 1 <@U0S1|chen>")
    result = driver.command("U0MGR", "/amteam", "topic sla billing 1 90")
    assert "#billing" in result.reply_text
    with db.session_scope() as s:
        topic = s.scalar(select(Topic).where(Topic.key == "billing"))
        assert topic.keywords == ["账单", "invoice", "发票"] and topic.lead_time_days == 2
        assert [r.member.slack_id for r in topic.responders] == ["U0S1"]
        assert topic.sla_minutes == {"1": 90}


def test_show_lists_members_and_unpaired_reps(driver, team):
    en(driver, "U0MGR")
    driver.command("U0MGR", "/amteam", "add <@U0SOLO|solo> rep")
    result = driver.command("U0MGR", "/amteam", "show")
    text = result.reply_text
    assert "政企客户一部" in text and "<@U0A1>" in text and "Without an A/B partner" in text and "<@U0SOLO>" in text


def test_unknown_subcommand_shows_usage(driver, team):
    en(driver, "U0MGR")
    result = driver.command("U0MGR", "/amteam", "frobnicate")
    assert "frobnicate" in result.reply_text and "/amteam setup" in result.reply_text
