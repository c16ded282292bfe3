"""`config load` / `config dump`: the team as a YAML file (SPEC §7).

Loading upserts by natural keys (team name, member Slack id, customer name, topic key,
target member+period+metric), so loading the same file twice changes nothing. What a
file does not mention is left alone: a config file never deletes history.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.team_config import TeamConfig, parse_team_config
from domain.team_rules import merged_schedule
from storage import calendars
from storage.models import Customer, KpiTarget, Member, Team, Topic, TopicResponder


def load(session: Session, text: str, now: datetime) -> Team:
    """Validate the whole file, then apply it in the caller's transaction."""
    config = parse_team_config(text)
    return apply(session, config, now)


def apply(session: Session, config: TeamConfig, now: datetime) -> Team:
    team = session.scalar(select(Team).where(Team.name == config.team["name"]))
    if team is None:
        team = Team(name=config.team["name"], created_at=now, schedule={})
        session.add(team)
    for field in ("channel", "timezone", "language", "calendar", "meeting_day", "meeting_time", "require_followup_due", "visit_types"):
        setattr(team, field, config.team[field])
    if config.schedule or team.schedule:
        team.schedule = {job: dict(values) for job, values in config.schedule.items()}
    session.flush()
    calendars.replace_config_days(session, team.id, config.team["calendar_days"], now)

    members = {m.slack_id: m for m in session.scalars(select(Member).where(Member.team_id == team.id))}
    for item in config.members:
        member = members.get(item["slack_id"])
        if member is None:
            member = Member(team_id=team.id, slack_id=item["slack_id"], name=item["name"], roles=item["roles"])
            session.add(member)
            members[item["slack_id"]] = member
        member.name = item["name"]
        member.roles = list(item["roles"])
        member.rep_level = item["rep_level"]
        member.support_level = item["support_level"]
        member.active = True
    session.flush()
    for item in config.members:
        backup = members.get(item["backup"]) if item["backup"] else None
        members[item["slack_id"]].backup_id = backup.id if backup else None

    customers = {c.name: c for c in session.scalars(select(Customer).where(Customer.team_id == team.id))}
    for item in config.customers:
        customer = customers.get(item["name"])
        if customer is None:
            customer = Customer(team_id=team.id, name=item["name"])
            session.add(customer)
        customer.aliases = list(item["aliases"])
        customer.owner_id = members[item["owner"]].id if item["owner"] else None
        customer.tier = item["tier"]
        customer.industry = item["industry"]
        customer.cadence_days = item["cadence_days"]
        customer.active = True

    topics = {t.key: t for t in session.scalars(select(Topic).where(Topic.team_id == team.id))}
    for item in config.topics:
        topic = topics.get(item["key"])
        if topic is None:
            topic = Topic(team_id=team.id, key=item["key"], name=item["name"])
            session.add(topic)
        topic.name = item["name"]
        topic.keywords = list(item["keywords"])
        topic.lead_time = item["lead_time"]
        topic.lead_time_days = item["lead_time_days"]
        topic.sla_minutes = dict(item["sla_minutes"])
        wanted = [(level, members[sid].id, pos) for level, people in sorted(item["responders"].items()) for pos, sid in enumerate(people)]
        current = [(r.level, r.member_id, r.position) for r in topic.responders]
        if current != wanted:
            topic.responders = [TopicResponder(level=lv, member_id=mid, position=pos) for lv, mid, pos in wanted]
            session.flush()

    targets = {(t.member_id, t.period, t.metric): t for t in session.scalars(select(KpiTarget).where(KpiTarget.team_id == team.id))}
    for item in config.targets:
        member_id = members[item["member"]].id
        key = (member_id, item["period"], item["metric"])
        value = Decimal(str(item["value"]))
        target = targets.get(key)
        if target is None:
            target = KpiTarget(team_id=team.id, member_id=member_id, period=item["period"], metric=item["metric"], value=value)
            session.add(target)
            targets[key] = target
        elif target.value != value:
            target.value = value
    session.flush()
    return team


def team_named(session: Session, name: str | None) -> Team | None:
    """The team called `name`, or the first team when no name is given."""
    query = select(Team).order_by(Team.id)
    if name:
        query = query.where(Team.name == name)
    return session.scalars(query).first()


def dump(session: Session, team: Team) -> str:
    return yaml.safe_dump(as_document(session, team), allow_unicode=True, sort_keys=False, width=120)


def as_document(session: Session, team: Team) -> dict[str, Any]:
    members = session.scalars(select(Member).where(Member.team_id == team.id, Member.active.is_(True)).order_by(Member.id)).all()
    by_id = {m.id: m.slack_id for m in members}
    doc: dict[str, Any] = {
        "team": {
            "name": team.name,
            **({"channel": team.channel} if team.channel else {}),
            "timezone": team.timezone,
            "language": team.language,
            "calendar": _calendar_document(session, team),
            **({"visit_types": list(team.visit_types)} if team.visit_types else {}),
            "meeting": {"day": team.meeting_day, "time": team.meeting_time},
            **({"require_followup_due": True} if team.require_followup_due else {}),
        },
        "schedule": merged_schedule(team.schedule),
        "members": [],
        "customers": [],
        "topics": [],
        "targets": [],
    }
    for m in members:
        entry: dict[str, Any] = {"slack_id": m.slack_id, "name": m.name, "roles": list(m.roles)}
        if m.rep_level:
            entry["level"] = m.rep_level
        elif m.support_level and "rep" not in m.roles:
            entry["level"] = m.support_level
        if m.backup_id in by_id:
            entry["backup"] = by_id[m.backup_id]
        doc["members"].append(entry)
    for c in session.scalars(select(Customer).where(Customer.team_id == team.id, Customer.active.is_(True)).order_by(Customer.id)):
        entry = {"name": c.name}
        if c.aliases:
            entry["aliases"] = list(c.aliases)
        if c.owner_id in by_id:
            entry["owner"] = by_id[c.owner_id]
        entry["tier"] = c.tier
        if c.industry:
            entry["industry"] = c.industry
        if c.cadence_days:
            entry["cadence_days"] = c.cadence_days
        doc["customers"].append(entry)
    for t in session.scalars(select(Topic).where(Topic.team_id == team.id).order_by(Topic.id)):
        entry = {"key": t.key, "name": t.name, "keywords": list(t.keywords or [])}
        if t.lead_time:
            entry["lead_time"] = t.lead_time
        if t.lead_time_days is not None:
            entry["lead_time_days"] = t.lead_time_days
        responders: dict[int, list[str]] = {}
        for r in t.responders:
            if r.member_id in by_id:
                responders.setdefault(r.level, []).append(by_id[r.member_id])
        if responders:
            entry["responders"] = responders
        if t.sla_minutes:
            entry["sla_minutes"] = {int(k): v for k, v in sorted(t.sla_minutes.items())}
        doc["topics"].append(entry)
    for target in session.scalars(select(KpiTarget).where(KpiTarget.team_id == team.id).order_by(KpiTarget.id)):
        if target.member_id in by_id:
            value = target.value
            doc["targets"].append({
                "member": by_id[target.member_id], "period": target.period, "metric": target.metric,
                "value": int(value) if value == value.to_integral_value() else float(value),
            })
    return doc


def _calendar_document(session: Session, team: Team) -> str | dict[str, Any]:
    """`CN`, or the long form when the team has days of its own (ranges kept together)."""
    days = calendars.active_overrides(session, team.id)
    if not days:
        return team.calendar
    doc: dict[str, Any] = {"country": team.calendar}
    for kind, key in (("holiday", "holidays"), ("workday", "workdays")):
        entries: list[str] = []
        run: list[Any] = []
        for o in [o for o in days if o.kind == kind] + [None]:
            if run and (o is None or (o.day - run[-1].day).days != 1 or o.name != run[0].name):
                span = run[0].day.isoformat() + (f"..{run[-1].day.isoformat()}" if len(run) > 1 else "")
                entries.append(f"{span} {run[0].name}" if run[0].name else span)
                run = []
            if o is not None:
                run.append(o)
        if entries:
            doc[key] = entries
    return doc
