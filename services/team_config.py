"""`config load` / `config dump`: the team as a YAML file (SPEC §7).

Loading upserts by natural keys (team name, member Slack id, customer name, topic key,
target member+period+metric), so loading the same file twice changes nothing.

A load *merges*: a field the file does not mention keeps its value, and a list the file
gives (roles, aliases, keywords, one level's responders) replaces that list only. A
responder the file does not list is added as a support person only if the team does not
know them already. With `replace=True` the file is the whole truth: unmentioned fields
take their defaults, and members, customers and targets the file leaves out are removed
— members set inactive, customers and targets withdrawn, all kept on record — except
members and customers with open follow-ups, which stay, and the report says why. Topics
are never removed (questions refer to them).

`load` returns a `LoadReport`: one `Change` per member, customer, topic and target (and
the team), which `config load --dry-run` prints after rolling the transaction back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.team_config import Known, TeamConfig, parse_team_config
from domain.team_rules import merged_schedule
from storage import calendars
from storage import topics as topic_store
from storage.models import Customer, Followup, KpiTarget, Member, Team, Topic


@dataclass(frozen=True)
class Change:
    kind: str  # team, member, customer, topic, target
    key: str  # what names it in the file: a Slack id, a name, a topic key, "U0A1 2026Q4 revenue"
    action: str  # add, change, remove, keep (a removal refused: see reason)
    fields: tuple[tuple[str, Any, Any], ...] = ()  # (field, before, after) for a change
    reason: str | None = None  # for keep: open_followups
    count: int = 0  # for keep: how many open follow-ups


@dataclass
class LoadReport:
    team: Team
    changes: list[Change] = field(default_factory=list)

    @property
    def removed(self) -> int:
        return sum(1 for c in self.changes if c.action == "remove")

    @property
    def kept(self) -> list[Change]:
        return [c for c in self.changes if c.action == "keep"]

    @property
    def changed(self) -> int:
        return sum(1 for c in self.changes if c.action in ("add", "change", "remove"))


def known_state(session: Session, team_name: str | None) -> Known:
    """What the team named in the file already has (nothing for a new team)."""
    team = session.scalar(select(Team).where(Team.name == team_name)) if team_name else None
    if team is None:
        return Known()
    members = {m.slack_id: list(m.roles or []) for m in session.scalars(select(Member).where(Member.team_id == team.id))}
    customers = frozenset(session.scalars(select(Customer.name).where(Customer.team_id == team.id)))
    topic_keys = frozenset(session.scalars(select(Topic.key).where(Topic.team_id == team.id)))
    return Known(members, customers, topic_keys)


def _team_name(text: str) -> str | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    team = data.get("team") if isinstance(data, dict) else None
    name = team.get("name") if isinstance(team, dict) else None
    return str(name).strip() if name is not None else None


def load(session: Session, text: str, now: datetime, *, replace: bool = False) -> Team:
    """Validate the whole file, then apply it in the caller's transaction."""
    return load_report(session, text, now, replace=replace).team


def load_report(session: Session, text: str, now: datetime, *, replace: bool = False) -> LoadReport:
    """`load`, with what changed (for `--dry-run`, roll the caller's transaction back)."""
    config = parse_team_config(text, known_state(session, _team_name(text)), replace=replace)
    return apply(session, config, now)


class _Changes:
    """Sets values and notes what differed, per row."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report

    def assign(self, row: Any, values: dict[str, Any]) -> list[tuple[str, Any, Any]]:
        differences = []
        for name, value in values.items():
            before = getattr(row, name)
            if before != value:
                differences.append((name, _shown(before), _shown(value)))
                setattr(row, name, value)
        return differences

    def note(self, kind: str, key: str, created: bool, differences: list[tuple[str, Any, Any]]) -> None:
        if created:
            self.report.changes.append(Change(kind, key, "add"))
        elif differences:
            self.report.changes.append(Change(kind, key, "change", tuple(differences)))


def apply(session: Session, config: TeamConfig, now: datetime) -> LoadReport:
    team = session.scalar(select(Team).where(Team.name == config.team["name"]))
    created = team is None
    if team is None:
        team = Team(name=config.team["name"], created_at=now, schedule={})
        session.add(team)
    report = LoadReport(team)
    changes = _Changes(report)
    settings = {k: v for k, v in config.team.items() if k not in {"name", "calendar_days"}}
    differences = changes.assign(team, settings)
    if config.schedule or (config.replace and team.schedule):
        schedule = {} if config.replace else {job: dict(values) for job, values in (team.schedule or {}).items()}
        for job, values in config.schedule.items():
            schedule[job] = {**schedule.get(job, {}), **values}
        differences += changes.assign(team, {"schedule": schedule})
    changes.note("team", team.name, created, differences)
    session.flush()
    if "calendar_days" in config.team:  # a file that gives the calendar gives its days too
        calendars.replace_config_days(session, team.id, config.team["calendar_days"], now)

    members = {m.slack_id: m for m in session.scalars(select(Member).where(Member.team_id == team.id))}
    implied = set(config.implied)
    for item in config.members:
        slack_id = item["slack_id"]
        member = members.get(slack_id)
        if member is not None and slack_id in implied:
            continue  # a responder the team already knows keeps their name and roles
        new = member is None
        if member is None:
            member = Member(team_id=team.id, slack_id=slack_id, name=item["name"], roles=item["roles"])
            session.add(member)
            members[slack_id] = member
        values = {k: item[k] for k in ("name", "roles", "rep_level", "support_level") if k in item}
        roles = values.get("roles", member.roles or [])
        if "rep" not in roles:
            values["rep_level"] = None
        if "support" not in roles:
            values["support_level"] = None
        elif values.get("support_level", member.support_level) is None:
            values["support_level"] = 1
        values["active"] = True
        changes.note("member", slack_id, new, changes.assign(member, values))
    session.flush()
    for item in config.members:
        if "backup" in item and item["slack_id"] not in implied:
            backup = members.get(item["backup"]) if item["backup"] else None
            difference = changes.assign(members[item["slack_id"]], {"backup_id": backup.id if backup else None})
            if difference:
                report.changes.append(Change("member", item["slack_id"], "change", (("backup", _slack(members, difference[0][1]), item["backup"]),)))

    customers = {c.name: c for c in session.scalars(select(Customer).where(Customer.team_id == team.id))}
    for item in config.customers:
        customer = customers.get(item["name"])
        new = customer is None
        if customer is None:
            customer = Customer(team_id=team.id, name=item["name"], aliases=[], tier=item.get("tier") or "regular")
            session.add(customer)
            customers[item["name"]] = customer
        values = {k: item[k] for k in ("aliases", "tier", "industry", "cadence_days") if k in item}
        if "owner" in item:
            values["owner_id"] = members[item["owner"]].id if item["owner"] else None
        if not customer.active:  # listed again: back on the list
            values.update(active=True, withdrawn_at=None, withdrawn_by_id=None)
        differences = changes.assign(customer, values)
        changes.note("customer", customer.name, new, [(n, _slack(members, b) if n == "owner_id" else b, _slack(members, a) if n == "owner_id" else a) for n, b, a in differences])

    topics = {t.key: t for t in session.scalars(select(Topic).where(Topic.team_id == team.id))}
    for item in config.topics:
        topic = topics.get(item["key"])
        new = topic is None
        values = {k: item[k] for k in ("keywords", "lead_time", "lead_time_days") if k in item}
        if item.get("name") or config.replace:
            values["name"] = item.get("name") or item["key"]
        if "sla_minutes" in item:
            current_sla = topic.sla_minutes if topic is not None else {}
            values["sla_minutes"] = dict(item["sla_minutes"]) if config.replace else {**(current_sla or {}), **item["sla_minutes"]}
        if topic is None:  # created whole: one record in the audit trail, not a create and an update
            topic = Topic(team_id=team.id, key=item["key"], name=item["key"], keywords=[], sla_minutes={})
            changes.assign(topic, values)
            session.add(topic)
            session.flush()
        differences = changes.assign(topic, values)
        if "responders" in item:
            before = topic_store.responders_by_level(topic)
            wanted = {level: [members[sid].id for sid in people] for level, people in item["responders"].items()}
            if config.replace:
                wanted = {level: wanted.get(level, []) for level in {*before, *wanted}}
            if topic_store.set_responders(session, topic, wanted):
                after = topic_store.responders_by_level(topic)
                for level in sorted(set(before) | set(after)):
                    if before.get(level, []) != after.get(level, []):
                        differences.append((f"responders {level}", [_slack(members, i) for i in before.get(level, [])], [_slack(members, i) for i in after.get(level, [])]))
        changes.note("topic", item["key"], new, differences)

    targets = {(t.member_id, t.period, t.metric): t for t in session.scalars(
        select(KpiTarget).where(KpiTarget.team_id == team.id).execution_options(include_withdrawn=True))}
    listed_targets = set()
    for item in config.targets:
        member_id = members[item["member"]].id
        key = (member_id, item["period"], item["metric"])
        listed_targets.add(key)
        value = Decimal(str(item["value"]))
        target = targets.get(key)
        label = f"{item['member']} {item['period']} {item['metric']}"
        if target is None:
            target = KpiTarget(team_id=team.id, member_id=member_id, period=item["period"], metric=item["metric"], value=value)
            session.add(target)
            targets[key] = target
            changes.note("target", label, True, [])
        else:
            changes.note("target", label, False, changes.assign(target, {"value": value, "withdrawn_at": None}))
    session.flush()
    if config.replace:
        _remove_unlisted(session, config, team, members, customers, targets, listed_targets, report, now)
    return report


def _shown(value: Any) -> Any:
    """A value as the change report prints it: 20, not 20.00."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    return value


def _slack(members: dict[str, Member], member_id: Any) -> Any:
    for slack_id, member in members.items():
        if member.id == member_id:
            return slack_id
    return member_id


def _remove_unlisted(session: Session, config: TeamConfig, team: Team, members: dict[str, Member], customers: dict[str, Customer],
                     targets: dict[tuple[int, str, str], KpiTarget], listed_targets: set[tuple[int, str, str]], report: LoadReport, now: datetime) -> None:
    """`--replace`: what the file leaves out goes (kept on record), but never a member or a
    customer with open follow-ups."""
    listed_members = {m["slack_id"] for m in config.members}
    open_by_owner = dict(session.execute(
        select(Followup.owner_id, func.count(Followup.id)).where(Followup.team_id == team.id, Followup.status == "open").group_by(Followup.owner_id)
    ).all())
    open_by_customer = dict(session.execute(
        select(Followup.customer_id, func.count(Followup.id)).where(Followup.team_id == team.id, Followup.status == "open").group_by(Followup.customer_id)
    ).all())
    for slack_id, member in sorted(members.items()):
        if slack_id in listed_members or not member.active:
            continue
        if open_by_owner.get(member.id):
            report.changes.append(Change("member", slack_id, "keep", reason="open_followups", count=open_by_owner[member.id]))
            continue
        member.active = False
        for other in members.values():
            if other.backup_id == member.id:
                other.backup_id = None
        member.backup_id = None
        report.changes.append(Change("member", slack_id, "remove"))
    listed_customers = {c["name"] for c in config.customers}
    for name, customer in sorted(customers.items()):
        if name in listed_customers or not customer.active:
            continue
        if open_by_customer.get(customer.id):
            report.changes.append(Change("customer", name, "keep", reason="open_followups", count=open_by_customer[customer.id]))
            continue
        customer.active, customer.withdrawn_at, customer.withdrawn_by_id = False, now, None
        report.changes.append(Change("customer", name, "remove"))
    slack_ids = {m.id: s for s, m in members.items()}
    for key, target in sorted(targets.items(), key=lambda kv: kv[1].id or 0):
        if key in listed_targets or target.withdrawn_at is not None:
            continue
        target.withdrawn_at = now
        report.changes.append(Change("target", f"{slack_ids.get(target.member_id, target.member_id)} {target.period} {target.metric}", "remove"))
    session.flush()


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
    for target in session.scalars(select(KpiTarget).where(KpiTarget.team_id == team.id).order_by(KpiTarget.id)):  # live ones
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
