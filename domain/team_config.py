"""Team configuration files (SPEC §7): parse, remember line numbers, validate as a whole.

`parse_team_config(text, known)` returns a `TeamConfig` or raises `ConfigInvalid` listing
every problem with its line, so a broken file is refused before anything is written.

A file may describe only part of a team: each item holds the fields the file mentions and
no others, so loading it changes those and keeps the rest (`services.team_config`). What
the file leaves out is checked against what the team already has (`known`): a member
already on the team needs no name or roles to be given a level; a customer's owner may
be a member the file does not list. With `replace=True` the file is the whole truth:
every field takes the file's value or its default, so new and existing rows alike need
everything a new one would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import yaml

from domain import team_rules as rules
from domain.metrics import METRIC_KEYS, parse_period
from domain.text_hygiene import NAME_MAX, SHORT_MAX, clean_short, short_problem
from domain.visit_types import visit_type_of
from domain.workdays import known_country as valid_calendar

_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class Problem:
    line: int
    code: str
    detail: str = ""


class ConfigInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"line {p.line}: {p.code} {p.detail}" for p in problems))
        self.problems = problems


@dataclass
class TeamConfig:
    team: dict[str, Any]
    schedule: dict[str, dict[str, Any]]
    members: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    topics: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    replace: bool = False  # the file is the whole truth (`config load --replace`)
    implied: list[str] = field(default_factory=list)  # responders added as support people


@dataclass(frozen=True)
class Known:
    """What the team already has, for a file that describes only part of it."""

    members: dict[str, list[str]] = field(default_factory=dict)  # Slack id → roles
    customers: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()


TEAM_DEFAULTS: dict[str, Any] = {
    "channel": None, "timezone": "Asia/Shanghai", "language": "zh", "calendar": "CN",
    "meeting_day": "fri", "meeting_time": "16:00", "require_followup_due": False,
}
MEMBER_DEFAULTS: dict[str, Any] = {"rep_level": None, "support_level": None, "backup": None}
CUSTOMER_DEFAULTS: dict[str, Any] = {"aliases": [], "owner": None, "tier": "regular", "industry": None, "cadence_days": None}
TOPIC_DEFAULTS: dict[str, Any] = {"keywords": [], "lead_time": None, "lead_time_days": None, "responders": {}, "sla_minutes": {}}


# --- a loader that remembers where things were -------------------------------------------


class LineDict(dict):
    line = 0
    lines: dict[Any, int]


class LineList(list):
    line = 0
    lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise ConfigInvalid([Problem(key_node.start_mark.line + 1, "duplicate_key", str(key))])
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # `2027-02-30` looks like a date to YAML but is none: keep the text, so the check that
    # reads it names the line instead of the whole load failing.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _line(container: Any, key: Any = None) -> int:
    if key is not None and isinstance(container, LineDict):
        return container.lines.get(key, container.line)
    if key is not None and isinstance(container, LineList) and isinstance(key, int) and key < len(container.lines):
        return container.lines[key]
    return getattr(container, "line", 1) or 1


def hhmm(value: Any) -> str | None:
    """"16:00" or YAML 1.1's sexagesimal reading of an unquoted 16:00 (960)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    if isinstance(value, str) and rules.valid_hhmm(value):
        return rules.normalise_hhmm(value)
    return None


# --- validation ----------------------------------------------------------------------------


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, line: int, code: str, detail: Any = "") -> None:
        self.problems.append(Problem(line, code, str(detail)))

    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        if not isinstance(value, LineDict):  # every mapping that _Loader reads is a LineDict
            self.add(line, "expected_mapping", what)
            return None
        return value

    def unknown_keys(self, mapping: LineDict, allowed: set[str]) -> None:
        for key in mapping:
            if key not in allowed:
                self.add(_line(mapping, key), "unknown_key", key)

    def text(self, mapping: LineDict, key: str, *, required: bool = False, limit: int = NAME_MAX) -> str | None:
        value = mapping.get(key)
        if value is None:
            if required:
                self.add(mapping.line, "missing_key", key)
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
            self.add(_line(mapping, key), "expected_text", key)
            return None
        return self._short(mapping, key, str(value), limit)

    def _short(self, mapping: LineDict, key: str, value: str, limit: int) -> str | None:
        """A name-like value as ambot keeps it: no controls or direction overrides, one line."""
        if short_problem(value, limit):
            self.add(_line(mapping, key), "too_long", f"{key} ({limit})")
            return None
        return clean_short(value, key, limit)

    def choice(self, mapping: LineDict, key: str, valid: Callable[[str], bool], code: str) -> str:
        """A text that must be one of a known set (a time zone, a language, a tier): the
        problem `code` on its line when it is not; the text as read either way."""
        value = self.text(mapping, key) or ""
        if not valid(value):
            self.add(_line(mapping, key), code, value)
        return value

    def text_list(self, mapping: LineDict, key: str, limit: int = SHORT_MAX) -> list[str]:
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
            self.add(_line(mapping, key), "expected_list", key)
            return []
        cleaned = [self._short(mapping, key, str(v), limit) for v in value]
        return [v for v in cleaned if v]

    def integer(self, mapping: LineDict, key: str, low: int, high: int) -> int | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(_line(mapping, key), "expected_integer", f"{key} ({low}–{high})")
            return None
        return value


def parse_team_config(text: str, known: Known | None = None, *, replace: bool = False) -> TeamConfig:
    known = known or Known()
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigInvalid([Problem((mark.line + 1) if mark else 1, "yaml_syntax", exc.problem or str(exc))]) from None
    check = _Checker()
    root = check.mapping(data, 1, "file")
    if root is None:
        raise ConfigInvalid(check.problems)
    check.unknown_keys(root, {"team", "schedule", "members", "customers", "topics", "targets"})
    team = _team(check, root, replace)
    schedule = _schedule(check, root)
    members = _members(check, root, known, replace)
    member_ids = {m["slack_id"] for m in members} | (set() if replace else set(known.members))
    customers = _customers(check, root, member_ids, replace)
    implied: dict[str, int] = {}
    topics = _topics(check, root, member_ids, implied, replace)
    for slack_id, level in implied.items():
        members.append({"slack_id": slack_id, "name": slack_id, "roles": ["support"], "rep_level": None,
                        "support_level": level, "backup": None})
    targets = _targets(check, root, member_ids | set(implied))
    if check.problems:
        raise ConfigInvalid(sorted(check.problems, key=lambda p: p.line))
    return TeamConfig(team=team, schedule=schedule, members=members, customers=customers, topics=topics, targets=targets,
                      replace=replace, implied=sorted(implied))


def _items(check: _Checker, root: LineDict, key: str) -> list[tuple[int, LineDict]]:
    value = root.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        check.add(_line(root, key), "expected_list", key)
        return []
    out = []
    for index, item in enumerate(value):
        mapping = check.mapping(item, _line(value, index), key)
        if mapping is not None:
            out.append((_line(value, index), mapping))
    return out


def _team(check: _Checker, root: LineDict, replace: bool) -> dict[str, Any]:
    """The team block: its name, and the settings the file gives (all of them with `replace`)."""
    raw = check.mapping(root.get("team"), _line(root, "team"), "team") if "team" in root else None
    if raw is None:
        if "team" not in root:
            check.add(1, "missing_key", "team")
        return {}
    check.unknown_keys(raw, {"name", "channel", "timezone", "language", "calendar", "meeting", "require_followup_due", "visit_types"})
    team: dict[str, Any] = {"name": check.text(raw, "name", required=True)}
    if "channel" in raw:
        team["channel"] = check.text(raw, "channel")
    if "timezone" in raw:
        team["timezone"] = check.choice(raw, "timezone", rules.valid_timezone, "bad_timezone")
    if "language" in raw:
        team["language"] = check.choice(raw, "language", rules.LANGUAGES.__contains__, "bad_language")
    if "calendar" in raw:
        team["calendar"], team["calendar_days"] = _calendar(check, raw)
    if "visit_types" in raw:
        team["visit_types"] = _visit_types(check, raw)
    meeting = raw.get("meeting")
    if meeting is not None:
        meeting_map = check.mapping(meeting, _line(raw, "meeting"), "meeting")
        if meeting_map is not None:
            if "day" in meeting_map:
                day = str(meeting_map.get("day")).lower()[:3]
                if day not in rules.WEEKDAYS:
                    check.add(_line(meeting_map, "day"), "bad_weekday", meeting_map.get("day"))
                team["meeting_day"] = day
            if "time" in meeting_map:
                time = hhmm(meeting_map.get("time"))
                if time is None:
                    check.add(_line(meeting_map, "time"), "bad_time", meeting_map.get("time"))
                team["meeting_time"] = time or "16:00"
    if "require_followup_due" in raw:
        flag = raw.get("require_followup_due")
        if not isinstance(flag, bool):
            check.add(_line(raw, "require_followup_due"), "expected_boolean", "require_followup_due")
        team["require_followup_due"] = bool(flag)
    return {**TEAM_DEFAULTS, **team} if replace else team


def _calendar(check: _Checker, raw: LineDict) -> tuple[str, dict[date, tuple[str, str | None]]]:
    """`calendar: CN`, or `calendar: {country: CN, holidays: [...], workdays: [...]}` where
    each entry is a day or a range (`2027-02-06..2027-02-12`) with an optional name after it
    (`2027-02-06..2027-02-12 春节`), or `{from:, to:, name:}`."""
    value = raw.get("calendar")
    line = _line(raw, "calendar")
    days: dict[date, tuple[str, str | None]] = {}
    if isinstance(value, LineDict):
        check.unknown_keys(value, {"country", "holidays", "workdays"})
        country = str(value.get("country") or "CN")
        for key, kind in (("holidays", "holiday"), ("workdays", "workday")):
            entries = value.get(key) or []
            if not isinstance(entries, list):
                check.add(_line(value, key), "expected_list", key)
                continue
            for index, entry in enumerate(entries):
                entry_line = _line(entries, index)
                read = _calendar_entry(entry)
                if read is None:
                    check.add(entry_line, "bad_calendar_day", str(entry))
                    continue
                first, last, name = read
                day = first
                while day <= last:
                    if day in days and days[day][0] != kind:
                        check.add(entry_line, "calendar_day_twice", day.isoformat())
                    days[day] = (kind, name)
                    day += timedelta(days=1)
    else:
        country = str(value) if value not in (None, "") else "CN"
    country = country.upper() if country.lower() != "none" else "none"
    if not valid_calendar(country):
        check.add(line, "bad_calendar", country)
    return country, days


def _calendar_entry(entry: Any) -> tuple[date, date, str | None] | None:
    if isinstance(entry, date):
        return entry, entry, None
    if isinstance(entry, dict):
        first = _as_date(entry.get("from", entry.get("date")))
        last = _as_date(entry.get("to")) or first
        name = str(entry["name"]).strip() if entry.get("name") else None
        return (first, last, name) if first and last and first <= last else None
    if not isinstance(entry, str):
        return None
    period, _, name = entry.strip().partition(" ")
    start, _, end = period.partition("..")
    first, last = _as_date(start), _as_date(end) if end else _as_date(start)
    if first is None or last is None or last < first:
        return None
    return first, last, name.strip() or None


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None


def _visit_types(check: _Checker, raw: LineDict) -> list[str] | None:
    value = raw.get("visit_types")
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        check.add(_line(raw, "visit_types"), "expected_list", "visit_types")
        return None
    kinds: list[str] = []
    for index, word in enumerate(value):
        kind = visit_type_of(str(word))
        if kind is None:
            check.add(_line(value, index), "bad_visit_type", str(word))
        elif kind not in kinds:
            kinds.append(kind)
    return kinds


def _schedule(check: _Checker, root: LineDict) -> dict[str, dict[str, Any]]:
    raw = root.get("schedule")
    if raw is None:
        return {}
    mapping = check.mapping(raw, _line(root, "schedule"), "schedule")
    if mapping is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    allowed = {job: set(values) for job, values in rules.DEFAULT_SCHEDULE.items()}
    for job, values in mapping.items():
        if job not in allowed:
            check.add(_line(mapping, job), "unknown_job", job)
            continue
        values_map = check.mapping(values, _line(mapping, job), job)
        if values_map is None:
            continue
        check.unknown_keys(values_map, allowed[job])
        entry: dict[str, Any] = {}
        if "time" in values_map:
            time = hhmm(values_map["time"])
            if time is None:
                check.add(_line(values_map, "time"), "bad_time", values_map["time"])
            entry["time"] = time
        if "day" in values_map:
            day = str(values_map["day"]).lower()[:3]
            if day not in rules.WEEKDAYS:
                check.add(_line(values_map, "day"), "bad_weekday", values_map["day"])
            entry["day"] = day
        if "before_meeting_minutes" in values_map:
            entry["before_meeting_minutes"] = check.integer(values_map, "before_meeting_minutes", 0, 24 * 60)
        out[job] = entry
    return out


def _members(check: _Checker, root: LineDict, known: Known, replace: bool) -> list[dict[str, Any]]:
    members: list[dict[str, Any]] = []
    seen: set[str] = set()
    raw_items = _items(check, root, "members")
    for line, raw in raw_items:
        check.unknown_keys(raw, {"slack_id", "name", "roles", "level", "backup"})
        slack_id = check.text(raw, "slack_id", required=True)
        if slack_id and not _SLACK_USER.match(slack_id):
            check.add(_line(raw, "slack_id"), "bad_slack_id", slack_id)
        if slack_id in seen:
            check.add(_line(raw, "slack_id"), "duplicate_member", slack_id)
        seen.add(slack_id or "")
        existing = None if replace else known.members.get(slack_id or "")
        member: dict[str, Any] = {"slack_id": slack_id}
        name = check.text(raw, "name", required=existing is None)
        if name is not None:
            member["name"] = name
        roles = check.text_list(raw, "roles")
        for role in roles:
            if role not in rules.ROLES:
                check.add(_line(raw, "roles"), "bad_role", role)
        if roles:
            member["roles"] = roles
        elif existing is None:
            check.add(_line(raw, "roles") if "roles" in raw else line, "missing_key", "roles")
        effective_roles = roles or existing or []
        level = raw.get("level")
        if level is not None:
            if "support" in effective_roles and isinstance(level, int) and not isinstance(level, bool):
                if level not in rules.SUPPORT_LEVELS:
                    check.add(_line(raw, "level"), "bad_support_level", level)
                member["support_level"] = level
            elif "rep" in effective_roles and str(level) in rules.REP_LEVELS:
                member["rep_level"] = str(level)
            else:
                check.add(_line(raw, "level"), "bad_level", level)
        if "backup" in raw:
            member["backup"] = check.text(raw, "backup")
        members.append({**MEMBER_DEFAULTS, **member} if replace else member)
    by_id = {m["slack_id"] for m in members} | (set() if replace else set(known.members))
    for (_line_no, raw), member in zip(raw_items, members, strict=True):
        backup = member.get("backup")
        if backup and backup not in by_id:
            check.add(_line(raw, "backup"), "unknown_member", backup)
        if backup and backup == member["slack_id"]:
            check.add(_line(raw, "backup"), "self_backup", backup)
    return members


def _customers(check: _Checker, root: LineDict, member_ids: set[str], replace: bool) -> list[dict[str, Any]]:
    customers: list[dict[str, Any]] = []
    seen: set[str] = set()
    for _line_no, raw in _items(check, root, "customers"):
        check.unknown_keys(raw, {"name", "aliases", "owner", "tier", "industry", "cadence_days"})
        name = check.text(raw, "name", required=True)
        if name in seen:
            check.add(_line(raw, "name"), "duplicate_customer", name)
        seen.add(name or "")
        customer: dict[str, Any] = {"name": name}
        if "aliases" in raw:
            customer["aliases"] = check.text_list(raw, "aliases")
        if "owner" in raw:
            owner = check.text(raw, "owner")
            if owner and owner not in member_ids:
                check.add(_line(raw, "owner"), "unknown_member", owner)
            customer["owner"] = owner
        if "tier" in raw:
            customer["tier"] = check.choice(raw, "tier", rules.TIERS.__contains__, "bad_tier")
        if "industry" in raw:
            customer["industry"] = check.text(raw, "industry", limit=SHORT_MAX)
        if "cadence_days" in raw:
            customer["cadence_days"] = check.integer(raw, "cadence_days", 1, 366)
        customers.append({**CUSTOMER_DEFAULTS, **customer} if replace else customer)
    return customers


def _topics(check: _Checker, root: LineDict, member_ids: set[str], implied: dict[str, int], replace: bool) -> list[dict[str, Any]]:
    topics: list[dict[str, Any]] = []
    seen: set[str] = set()
    for _line_no, raw in _items(check, root, "topics"):
        check.unknown_keys(raw, {"key", "name", "keywords", "lead_time", "lead_time_days", "responders", "sla_minutes"})
        key = check.text(raw, "key", required=True)
        if key and not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            check.add(_line(raw, "key"), "bad_topic_key", key)
        if key in seen:
            check.add(_line(raw, "key"), "duplicate_topic", key)
        seen.add(key or "")
        topic: dict[str, Any] = {"key": (key or "").lower()}
        if "name" in raw:
            topic["name"] = check.text(raw, "name")
        if "keywords" in raw:
            topic["keywords"] = check.text_list(raw, "keywords")
        if "lead_time" in raw:
            topic["lead_time"] = check.text(raw, "lead_time", limit=500)
        if "lead_time_days" in raw:
            topic["lead_time_days"] = check.integer(raw, "lead_time_days", 0, 365)
        raw_responders = raw.get("responders")
        if raw_responders is not None:
            responders: dict[int, list[str]] = {}
            mapping = check.mapping(raw_responders, _line(raw, "responders"), "responders")
            for level, people in (mapping or {}).items():
                if level not in rules.SUPPORT_LEVELS:
                    check.add(_line(mapping, level), "bad_support_level", level)
                    continue
                if not isinstance(people, list):
                    check.add(_line(mapping, level), "expected_list", f"responders {level}")
                    continue
                for person in people:
                    if not _SLACK_USER.match(str(person)):
                        check.add(_line(mapping, level), "bad_slack_id", person)
                    elif str(person) not in member_ids:
                        # A responder nobody knows: a support person at that level.
                        implied.setdefault(str(person), level)
                responders[level] = list(dict.fromkeys(str(p) for p in people))
            topic["responders"] = responders
        raw_sla = raw.get("sla_minutes")
        if raw_sla is not None:
            sla: dict[str, int] = {}
            mapping = check.mapping(raw_sla, _line(raw, "sla_minutes"), "sla_minutes")
            for level, minutes in (mapping or {}).items():
                if level not in rules.SUPPORT_LEVELS:
                    check.add(_line(mapping, level), "bad_support_level", level)
                elif isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
                    check.add(_line(mapping, level), "expected_integer", f"sla_minutes {level}")
                else:
                    sla[str(level)] = minutes
            topic["sla_minutes"] = sla
        topics.append({**TOPIC_DEFAULTS, **topic} if replace else topic)
    return topics


def _targets(check: _Checker, root: LineDict, member_ids: set[str]) -> list[dict[str, Any]]:
    targets: list[dict[str, Any]] = []
    for _line_no, raw in _items(check, root, "targets"):
        check.unknown_keys(raw, {"member", "period", "metric", "value"})
        member = check.text(raw, "member", required=True)
        if member and member not in member_ids:
            check.add(_line(raw, "member"), "unknown_member", member)
        period = check.text(raw, "period", required=True)
        parsed_period = parse_period(period) if period else None
        if period and parsed_period is None:
            check.add(_line(raw, "period"), "bad_period", period)
        metric = check.text(raw, "metric", required=True)
        if metric and metric not in METRIC_KEYS:
            check.add(_line(raw, "metric"), "bad_metric", metric)
        value = raw.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            check.add(_line(raw, "value") if "value" in raw else raw.line, "expected_number", "value")
        targets.append({"member": member, "period": parsed_period.key if parsed_period else "", "metric": metric, "value": value})
    return targets
