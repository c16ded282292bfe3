"""`bot.py import kpi FILE.csv`: bulk KPI entries from the CRM.

The file is validated as a whole: every problem is reported with its line number and
nothing is written unless every row is good. Importing the same rows again adds
nothing, so a CRM export can be re-loaded after a partial fix or a cron retry.

Columns (header row, any order, English or Chinese): date 日期, member 成员, metric 指标,
value 数值, customer 客户 (optional), note 备注 (optional). `member` is a Slack id or a
member's name; `metric` a key or its Chinese alias.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.kpi_input import parse_amount
from domain.metrics import resolve_metric
from domain.refusal import Refusal
from domain.text_hygiene import clean_short, short_problem
from services.kpi import NOTE_LIMIT, check_value
from storage.models import Customer, KpiEntry, Member

HEADERS = {
    "date": "date", "日期": "date",
    "member": "member", "成员": "member", "客户经理": "member",
    "metric": "metric", "指标": "metric",
    "value": "value", "数值": "value", "值": "value",
    "customer": "customer", "客户": "customer",
    "note": "note", "备注": "note",
}  # fmt: skip
REQUIRED = ("date", "member", "metric", "value")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_KEY_CHUNK = 500


@dataclass(frozen=True)
class ImportProblem:
    row: int  # line in the file; the header is line 1
    code: str
    detail: str = ""


class KpiImportInvalid(Exception):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class _Row:
    line: int
    day: date
    member: Member
    metric: str
    value: object
    customer: Customer | None
    note: str | None


def decode_csv(data: bytes) -> str:
    """File bytes to text: UTF-8 (with or without Excel's BOM), else GB18030, which is
    what Excel on a Chinese Windows writes when it saves CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def import_kpi_csv(session: Session, text: str, now: datetime) -> int:
    """Validate every row, then add the entries not already imported; returns how many."""
    rows = _validated(session, text)
    keyed = _source_keys(rows)
    existing = _existing_keys(session, list(keyed))
    added = 0
    for key, row in keyed.items():
        if key in existing:
            continue
        session.add(KpiEntry(
            team_id=row.member.team_id, member_id=row.member.id, metric=row.metric, value=row.value,
            occurred_on=row.day, customer_id=row.customer.id if row.customer else None, note=row.note,
            source="import", entered_by_id=None, entered_at=now, undone=False, source_key=key,
        ))
        added += 1
    session.flush()
    return added


def _validated(session: Session, text: str) -> list[_Row]:
    problems: list[ImportProblem] = []
    try:
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
        header = next(reader, None)
        if header is None:
            raise KpiImportInvalid([ImportProblem(1, "empty")])
        columns = {column: index for index, name in enumerate(header) if (column := HEADERS.get(_fold(name)))}
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise KpiImportInvalid([ImportProblem(1, "missing_column", c) for c in missing])
        members = _member_index(session)
        customers = _customer_index(session)
        rows: list[_Row] = []
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            cells = {name: (record[i].strip() if i < len(record) else "") for name, i in columns.items()}
            row = _row(line, cells, members, customers, problems)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        raise KpiImportInvalid([ImportProblem(reader.line_num or 1, "not_csv", str(error))]) from None
    if not rows and not problems:
        problems.append(ImportProblem(1, "empty"))
    if problems:
        raise KpiImportInvalid(problems)
    return rows


def _row(line: int, cells: dict[str, str], members: dict, customers: dict, problems: list[ImportProblem]) -> _Row | None:
    found = len(problems)
    day = _parse_date(cells["date"])
    if day is None:
        problems.append(ImportProblem(line, "bad_date", cells["date"]))
    candidates = members.get(_fold(cells["member"]), [])
    if not candidates:
        problems.append(ImportProblem(line, "unknown_member", cells["member"]))
    elif len(candidates) > 1:
        problems.append(ImportProblem(line, "ambiguous_member", cells["member"]))
    metric = resolve_metric(cells["metric"])
    value = parse_amount(cells["value"])
    if metric is None:
        problems.append(ImportProblem(line, "bad_metric", cells["metric"]))
    if value is None:
        problems.append(ImportProblem(line, "bad_value", cells["value"]))
    if metric is not None and value is not None:
        try:
            check_value(metric, value)
        except Refusal as error:
            detail = metric.key if error.code == "negative_not_allowed" else cells["value"]
            problems.append(ImportProblem(line, error.code, detail))
    customer = None
    name = cells.get("customer", "")
    if name and len(candidates) == 1:
        customer = customers.get((candidates[0].team_id, _fold(name)))
        if customer is None:
            problems.append(ImportProblem(line, "unknown_customer", name))
    note = cells.get("note", "") or None
    if note and short_problem(note, NOTE_LIMIT):
        problems.append(ImportProblem(line, "note_too_long"))
    elif note:
        note = clean_short(note, "note", NOTE_LIMIT) or None  # as typed in Slack: no controls, no direction overrides
    if len(problems) > found or day is None or metric is None or value is None:  # each one a problem above
        return None
    return _Row(line, day, candidates[0], metric.key, value, customer, note)


def _parse_date(text: str) -> date | None:
    match = _DATE.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _member_index(session: Session) -> dict[str, list[Member]]:
    index: dict[str, list[Member]] = {}
    for member in session.scalars(select(Member).where(Member.active.is_(True)).order_by(Member.id)):
        for key in {_fold(member.slack_id), _fold(member.name)}:
            index.setdefault(key, []).append(member)
    return index


def _customer_index(session: Session) -> dict[tuple[int, str], Customer]:
    index: dict[tuple[int, str], Customer] = {}
    for customer in session.scalars(select(Customer).where(Customer.active.is_(True)).order_by(Customer.id)):
        for name in [customer.name, *(customer.aliases or [])]:
            index.setdefault((customer.team_id, _fold(name)), customer)
    return index


def _source_keys(rows: list[_Row]) -> dict[str, _Row]:
    """A stable key per row: identical rows in one file are told apart by their order."""
    seen: Counter[str] = Counter()
    keyed: dict[str, _Row] = {}
    for row in rows:
        basis = "|".join(str(x) for x in (row.day, row.member.id, row.metric, row.value, row.customer.id if row.customer else "", row.note or ""))
        seen[basis] += 1
        digest = hashlib.sha256(f"{basis}|{seen[basis]}".encode()).hexdigest()[:40]
        keyed[f"kpi:import:{digest}"] = row
    return keyed


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[i : i + _KEY_CHUNK]
        found.update(session.scalars(select(KpiEntry.source_key).where(KpiEntry.source_key.in_(chunk))))
    return found
