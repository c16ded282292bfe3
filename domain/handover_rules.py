"""A/B handover rules (SPEC §4.2): when a request for cover must be refused, and why.

Windows are half-open [starts_at, ends_at) in aware datetimes, so a handover ending at
midnight and the partner's starting at that same midnight do not clash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

RuleCode = Literal[
    "end_before_start",
    "in_past",
    "no_partner",
    "self_cover",
    "overlaps_own",
    "partner_away",
    "cover_is_covering",
]
HandoverState = Literal["upcoming", "active", "ended"]

# Handovers that still take someone away (Handover.status in storage). Pending requests
# count: two people must not both be promised the same week off.
LIVE_STATUSES = frozenset({"requested", "approval", "accepted", "active", "escalated"})


@dataclass(frozen=True)
class HandoverRequest:
    member_id: int
    cover_id: int | None
    starts_at: datetime
    ends_at: datetime
    via: bool = False  # the cover is not the usual B (needs manager approval)
    # The member's usual B. Without it the cover is taken to be B, which holds unless `via`.
    partner_id: int | None = None


@dataclass(frozen=True)
class Absence:
    """An existing handover: `member_id` is away and `cover_id` stands in."""

    member_id: int
    starts_at: datetime
    ends_at: datetime
    handover_id: int
    status: str
    cover_id: int | None = None

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES


@dataclass(frozen=True)
class RuleBreak:
    code: RuleCode
    # The existing handover in the way and its window, so the reply can show the dates.
    other_member_id: int | None = None
    handover_id: int | None = None
    clash_starts_at: datetime | None = None
    clash_ends_at: datetime | None = None


class _Window(Protocol):
    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("handover times must be timezone-aware")


def _overlaps(a: _Window, b_start: datetime, b_end: datetime) -> bool:
    return a.starts_at < b_end and b_start < a.ends_at


def _clash(code: RuleCode, absence: Absence) -> RuleBreak:
    return RuleBreak(code, absence.member_id, absence.handover_id, absence.starts_at, absence.ends_at)


def check_handover_request(
    req: HandoverRequest, existing: Iterable[Absence], now: datetime
) -> list[RuleBreak]:
    """Every reason to refuse the request, most important first; empty means allowed.

    The A/B rule (`partner_away`) holds on both sides of the pair: neither the cover nor
    the usual B (`partner_id`) may be away, and the member must not be standing in for
    someone who is away, so A asking while B is out and B asking while A is out are
    refused alike, `via` or not. The cover must not already be standing in for a third
    person either (`cover_is_covering`), or that person's customers would lose their
    cover. An empty window counts as `end_before_start`.
    """
    _require_aware(req.starts_at, req.ends_at, now)
    refusals: list[RuleBreak] = []
    window_ok = req.ends_at > req.starts_at
    if not window_ok:
        refusals.append(RuleBreak("end_before_start"))
    elif req.ends_at <= now:
        refusals.append(RuleBreak("in_past"))
    if req.cover_id is None:
        refusals.append(RuleBreak("no_partner"))
    elif req.cover_id == req.member_id:
        refusals.append(RuleBreak("self_cover"))
    if not window_ok:
        return refusals  # the remaining rules compare windows, meaningless for this one

    live = sorted(
        (a for a in existing if a.live and _overlaps(a, req.starts_at, req.ends_at)),
        key=lambda a: (a.starts_at, a.handover_id),
    )
    refusals += [_clash("overlaps_own", a) for a in live if a.member_id == req.member_id]
    # The other side of the pair is the cover, the usual B when `via` names someone else,
    # and anyone the member is standing in for at the time.
    partners = {req.cover_id, req.partner_id} - {None, req.member_id}
    refusals += [
        _clash("partner_away", a)
        for a in live
        if a.member_id != req.member_id and (a.member_id in partners or a.cover_id == req.member_id)
    ]
    cover_id = req.cover_id
    if cover_id is not None and cover_id != req.member_id:
        refusals += [
            _clash("cover_is_covering", a)
            for a in live
            if a.cover_id == cover_id and a.member_id not in (req.member_id, cover_id)
        ]
    return refusals


def window_for_dates(
    start: date,
    end: date,
    tz: ZoneInfo,
    start_time: time | None = None,
    end_time: time | None = None,
) -> tuple[datetime, datetime]:
    """Local dates (and optional times) → a UTC window.

    Whole days by default: from `start` 00:00 local to the end of `end`, i.e. the next
    day's 00:00 local, so a day that changes daylight saving time keeps its true length.
    """
    starts_at = datetime.combine(start, start_time or time(0), tzinfo=tz)
    if end_time is None:
        ends_at = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)
    else:
        ends_at = datetime.combine(end, end_time, tzinfo=tz)
    return starts_at.astimezone(UTC), ends_at.astimezone(UTC)


def handover_state(handover: _Window, now: datetime) -> HandoverState:
    """Where an accepted handover stands at `now`."""
    _require_aware(handover.starts_at, handover.ends_at, now)
    if now < handover.starts_at:
        return "upcoming"
    if now < handover.ends_at:
        return "active"
    return "ended"


@dataclass(frozen=True)
class PairClash:
    """Both members of an A/B pair away at once: nobody covers their customers."""

    member_ids: tuple[int, int]  # ascending
    starts_at: datetime  # the overlap of the two absences
    ends_at: datetime
    handover_ids: tuple[int, int]  # in the order of member_ids


def pairs_both_away(
    absences: Iterable[Absence],
    pairs: Iterable[tuple[int, int]],
    window_start: datetime,
    window_end: datetime,
) -> list[PairClash]:
    """Pairs whose members are away at overlapping times within the window (manager digest).

    Pairs are mutual, so (a, b) and (b, a) are reported once.
    """
    _require_aware(window_start, window_end)
    in_window = [a for a in absences if a.live and _overlaps(a, window_start, window_end)]
    by_member: dict[int, list[Absence]] = {}
    for absence in in_window:
        by_member.setdefault(absence.member_id, []).append(absence)

    clashes: list[PairClash] = []
    for first, second in sorted({tuple(sorted(p)) for p in pairs if p[0] != p[1]}):
        for a in by_member.get(first, []):
            for b in by_member.get(second, []):
                starts_at, ends_at = max(a.starts_at, b.starts_at), min(a.ends_at, b.ends_at)
                # Overlapping each other is not enough: the shared days must fall in the window.
                if starts_at < ends_at and starts_at < window_end and window_start < ends_at:
                    clashes.append(
                        PairClash(
                            (first, second), starts_at, ends_at, (a.handover_id, b.handover_id)
                        )
                    )
    return sorted(clashes, key=lambda c: (c.starts_at, c.member_ids))
