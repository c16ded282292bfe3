"""The one-line visit log of `/visit` (SPEC §4.1).

    Acme Corp; needs: 20 more SIM lines; concerns: price; follow-up: send quote by 2026-12-01; next: 2026-12-10
    华东制造集团；需求：增加20条专线；跟进：发报价 截止下周五 @U0B1；下次：12月10日

Segments are split on `;` or `；`, a label is split from its value on the first `:` or `：`.
The first unlabelled segment names the customer. Parsing either returns a complete
`QuickLog` or raises `QuickLogError` with a code the handler turns into a message in the
user's language; nothing is half-parsed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.dates import LAST, NEXT, read_day
from domain.refusal import Refusal
from domain.visit_types import DEFAULT_TEAM_TYPES, DEFAULT_VISIT_TYPE, VISIT_TYPES, visit_type_of

__all__ = ["VISIT_TYPES", "DEFAULT_VISIT_TYPE", "QuickLog", "QuickLogError", "parse_quick_log"]

QUICKLOG_ERROR_CODES = (
    "no_customer",
    "bad_date",
    "unknown_label",
    "empty_value",
    "bad_type",
    "due_before_visit",
    "next_before_visit",
    "empty_visit",
    "followup_without_due",
    "visit_in_future",
    "due_in_past",
    "next_in_past",
)

# Label as typed (after NFKC + lowercase) → field it fills.
_LABELS = {
    "customer": "customer", "客户": "customer",
    "date": "date", "日期": "date",
    "type": "type", "方式": "type", "类型": "type",
    "purpose": "purpose", "目的": "purpose",
    "needs": "needs", "need": "needs", "需求": "needs",
    "concerns": "concerns", "concern": "concerns", "顾虑": "concerns",
    "notes": "notes", "note": "notes", "outcome": "notes", "备注": "notes", "结果": "notes",
    "follow-up": "followup", "followup": "followup", "follow up": "followup",
    "follow-ups": "followup", "followups": "followup", "跟进": "followup",
    "next": "next", "next visit": "next", "下次": "next", "下次拜访": "next",
}  # fmt: skip
_TEXT_FIELDS = ("purpose", "needs", "concerns", "notes")

_SEGMENT_SEPARATOR = re.compile(r"[;；]")
_LABEL_SEPARATOR = re.compile(r"[:：]")
# What a mistyped label looks like ("nees", "需要"), as opposed to free text that merely
# contains a colon ("Meeting at 9:30", "https://…", "Acme Corp: HQ").
_LABEL_LIKE = re.compile(r"[a-z][a-z_-]{0,19}|[\u4e00-\u9fff]{1,6}")
_SLACK_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_BARE_USER_ID = re.compile(r"(?<![\w<@])@([UW][A-Z0-9]{2,})\b")
# `… 截止 周五 @陈工` typed without picking the person from Slack's list: a name at the end
# of the follow-up, resolved by the service (`email @bob the deck` keeps its @bob).
_NAME_MENTION = re.compile(r"(?<![^\s])@([^\s@<>;；,，:：]{1,40})\s*$")
_DUE_EN = re.compile(r"(?:^|\s)by\s+", re.IGNORECASE)
_DUE_ZH = re.compile(r"(?:截止|截至)(?:到|日期|时间)?[:：]?\s*")
_BEFORE_SUFFIX_ZH = re.compile(r"(?:之前|以前|前)$")


@dataclass(frozen=True)
class FollowupDraft:
    text: str
    due: date | None
    owner_slack_id: str | None
    owner_name: str | None = None  # `@陈工` as typed, when no Slack mention names the owner


@dataclass(frozen=True)
class QuickLog:
    customer: str
    visit_date: date
    type: str
    purpose: str | None
    needs: str | None
    concerns: str | None
    notes: str | None
    followups: tuple[FollowupDraft, ...]
    next_visit: date | None


class QuickLogError(Refusal, ValueError):
    """`code` is one of QUICKLOG_ERROR_CODES.

    `detail`: the text at fault (bad_date, bad_type, followup_without_due), the label as
    typed (unknown_label, empty_value), the customer (empty_visit), the ISO date that is
    too early (due_before_visit, next_before_visit) or too late (visit_in_future), the
    date read (due_in_past, next_in_past), or "" (no_customer). bad_type also names the
    kinds the team offers (`types`).
    """

    def __init__(self, code: str, detail: object = "", **params: Any) -> None:
        super().__init__("visit.quick_" + code, usage=True, detail=detail, **params)
        self.code = code  # without the `quick_` of its message key
        self.detail = detail
        self.args = (f"{code}: {detail}" if detail else code,)


# A label as people type it in a message: after a space, a line break or punctuation (a
# Chinese label may follow the customer's name directly), before its colon.
_LABELS_IN_MESSAGE = re.compile(
    r"(?:(?<=[\s,，。;；])|^|(?<=[\u4e00-\u9fff]))("
    + "|".join(re.escape(label) for label in sorted(_LABELS, key=len, reverse=True) if label != "customer")
    + r")\s*[:：]",
    re.IGNORECASE,
)


def message_line(text: str) -> str:
    """A quick log written as a chat message — `东海银行 需求：扩容 跟进：报价 截止 周五`,
    labels after spaces or on new lines instead of `;` — as the one-line form (a `;`
    before each known label). Text already written with `;` is left as it is."""
    if _SEGMENT_SEPARATOR.search(text):
        return text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = "；".join(_LABELS_IN_MESSAGE.sub(lambda m: "；" + m[0], line) for line in lines)
    return "；".join(part.strip() for part in _SEGMENT_SEPARATOR.split(joined) if part.strip())


def has_labels(text: str) -> bool:
    """Whether a message reads as a quick log: a customer, then at least one known label."""
    segments = _segments(message_line(text))
    return len(segments) > 1 and any(_known_label(segment) for segment in segments[1:])


def _known_label(segment: str) -> bool:
    label, _ = _split_label(segment)
    return label is not None and _fold(label) in _LABELS


def is_bare_customer(text: str) -> bool:
    """True when `text` is only a customer name (`/visit Acme`): open the modal instead."""
    segments = _segments(text)
    return len(segments) == 1 and _classify(segments[0], is_first=True)[0] is None


def parse_quick_log(
    text: str, today: date, require_due: bool = False, visit_types: tuple[str, ...] = DEFAULT_TEAM_TYPES
) -> QuickLog:
    """Parse a quick log; dates are relative to `today`, which is also the default visit date.

    Direction from context (`domain.dates`): the visit's `date:` looks back (`周五` is the
    Friday just gone, `11月28日` this year's), a follow-up's due date and `next:` look
    forward (`1月5日` said in December is next January) and may not be in the past.

    Text fields given twice are joined with "; "; for date, type and next the last one
    wins. Unlabelled segments after the customer are kept as notes rather than dropped.
    Raises QuickLogError for the first problem found, reading left to right.
    """
    segments = _segments(text)
    customer: str | None = None
    fields: dict[str, str] = {}
    visit_date, visit_type, next_visit = today, DEFAULT_VISIT_TYPE, None
    followups: list[FollowupDraft] = []
    # Checks that need the visit date, which may come later in the line; kept in order.
    date_checks: list[tuple[str, date, str]] = []
    recorded_more_than_customer = False

    for index, segment in enumerate(segments):
        field, label, value = _classify(segment, is_first=index == 0)
        if field is None:
            if customer is None:
                customer = value
            else:
                _append(fields, "notes", value)
                recorded_more_than_customer = True
            continue
        if not value:
            raise QuickLogError("empty_value", label)
        if field == "customer":
            customer = value
            continue
        recorded_more_than_customer = True
        if field in _TEXT_FIELDS:
            _append(fields, field, value)
        elif field == "date":
            visit_date = _visit_date(value, today)
        elif field == "next":
            next_visit = _required_date(value, today)
            date_checks.append(("next_before_visit", next_visit, next_visit.isoformat()))
        elif field == "type":
            visit_type = _visit_type(value, visit_types)
        elif field == "followup":
            followup = _parse_followup(value, label, today)
            followups.append(followup)
            if followup.due is not None:
                date_checks.append(("due_before_visit", followup.due, followup.due.isoformat()))
            elif require_due:
                date_checks.append(("followup_without_due", visit_date, followup.text))

    if not customer:
        raise QuickLogError("no_customer", "")
    if not recorded_more_than_customer:
        raise QuickLogError("empty_visit", customer)
    for code, when, detail in date_checks:
        if code == "followup_without_due" or when < visit_date:
            raise QuickLogError(code, detail)
        if when < today:  # a promise or a plan cannot be for a day already gone
            raise QuickLogError("due_in_past" if code == "due_before_visit" else "next_in_past", when)

    return QuickLog(
        customer=customer,
        visit_date=visit_date,
        type=visit_type,
        purpose=fields.get("purpose"),
        needs=fields.get("needs"),
        concerns=fields.get("concerns"),
        notes=fields.get("notes"),
        followups=tuple(followups),
        next_visit=next_visit,
    )


def _parse_followup(value: str, label: str, today: date) -> FollowupDraft:
    """`send quote by 2026-12-01 @U123` → text, due date, owner."""
    owner, name = None, None
    if match := _SLACK_MENTION.search(value) or _BARE_USER_ID.search(value):
        owner = match[1]
        value = value[: match.start()] + " " + value[match.end() :]
    elif named := _NAME_MENTION.search(value):
        name = named[1]
        value = value[: named.start()] + " " + value[named.end() :]
    text, due = _split_due(_squash(value), today)
    if not text:
        raise QuickLogError("empty_value", label)
    return FollowupDraft(text=text, due=due, owner_slack_id=owner, owner_name=name)


def _split_due(value: str, today: date) -> tuple[str, date | None]:
    if matches := list(_DUE_ZH.finditer(value)):
        # 截止 always introduces a deadline, so what follows must be a date.
        last = matches[-1]
        date_text = _BEFORE_SUFFIX_ZH.sub("", value[last.end() :].strip())
        return value[: last.start()].strip(" ,，、"), _required_date(date_text, today)
    if matches := list(_DUE_EN.finditer(value)):
        last = matches[-1]
        date_text = value[last.end() :].strip()
        due = read_day(date_text, today, NEXT)
        if due is not None:
            return value[: last.start()].strip(" ,，、"), due
        # "send quote by email" is text, but "by 2026-13-01" is a mistyped date.
        if any(ch.isdigit() for ch in date_text):
            raise QuickLogError("bad_date", date_text)
    return value, None


def _required_date(text: str, today: date) -> date:
    parsed = read_day(text, today, NEXT)
    if parsed is None:
        raise QuickLogError("bad_date", text)
    return parsed


def _visit_date(text: str, today: date) -> date:
    """A visit log describes the past: `mon` is the last Monday, and no day after today."""
    parsed = read_day(text, today, LAST)
    if parsed is None:
        raise QuickLogError("bad_date", text)
    if parsed > today:
        raise QuickLogError("visit_in_future", parsed.isoformat())
    return parsed


def _visit_type(value: str, offered: tuple[str, ...]) -> str:
    visit_type = visit_type_of(value)
    if visit_type is None or visit_type not in offered:
        raise QuickLogError("bad_type", value, types=list(offered))
    return visit_type


def _segments(text: str) -> list[str]:
    """Non-empty segments, so a trailing `;` or `;;` is harmless."""
    parts = (part.strip() for part in _SEGMENT_SEPARATOR.split(text or ""))
    return [part for part in parts if part]


def _classify(segment: str, is_first: bool) -> tuple[str | None, str, str]:
    """(field, label as typed, value); field is None for an unlabelled segment.

    A colon does not always start a label: the first segment is the customer's name
    whatever it contains ("Acme: HQ"), and later free text may hold a time or a URL.
    """
    label, value = _split_label(segment)
    if label is None:
        return None, "", segment
    field = _LABELS.get(_fold(label))
    if field is not None:
        return field, label, value
    if not is_first and _LABEL_LIKE.fullmatch(_fold(label)):
        raise QuickLogError("unknown_label", label)
    return None, "", segment


def _split_label(segment: str) -> tuple[str | None, str]:
    """(label as typed, value), or (None, segment) when there is no colon or it is a URL."""
    match = _LABEL_SEPARATOR.search(segment)
    if match is None or segment[match.end() :].startswith("//"):
        return None, segment
    return segment[: match.start()].strip(), segment[match.end() :].strip()


def _append(fields: dict[str, str], field: str, value: str) -> None:
    fields[field] = f"{fields[field]}; {value}" if field in fields else value


def _fold(text: str) -> str:
    # Full-width letters (ｎｅｅｄｓ) and case should not make a label unknown.
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _squash(text: str) -> str:
    return " ".join(text.split())
