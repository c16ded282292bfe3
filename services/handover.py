"""A/B handover (SPEC §4.2): ask for cover, decide, start and end on time.

Statuses: requested → accepted → active → ended, with `approval` first when `via` names
someone other than the usual B, and declined, cancelled and escalated (nobody answered by
the start) on the side. Who covers whom at a moment is `services.coverage`, which reads
the rows written here. Refusals raise `Refusal("handover.<code>", **params)`; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.handover_command import HandoverCommand
from domain.handover_rules import (
    LIVE_STATUSES,
    HandoverRequest,
    RuleBreak,
    check_handover_request,
    window_for_dates,
)
from domain.refusal import Refusal
from storage import handovers as store
from storage.models import Handover, Member, ProcessedRequest

# A request made after its own start time still gets this long to be answered before
# the manager is alerted; a request for "from today" should not escalate in a minute.
ESCALATION_GRACE = timedelta(hours=1)
DECIDABLE = ("requested", "escalated")  # the cover may accept or decline
ASSIGNABLE = ("requested", "approval", "escalated", "declined")  # the manager may assign a cover




@dataclass(frozen=True)
class WindowView:
    starts_at: datetime
    ends_at: datetime
    first_day: date  # in the team's time zone
    last_day: date  # inclusive
    whole_days: bool  # midnight to midnight in the team's time zone


@dataclass(frozen=True)
class HandoverView:
    """A handover detached from the session, for templates and notifications."""

    id: int
    team_id: int
    status: str
    member: str  # Slack id of A
    cover: str | None  # Slack id of the cover
    window: WindowView
    reason: str | None
    via: bool
    team_tz: str


@dataclass(frozen=True)
class RefusalView:
    code: str
    other: str | None  # Slack id of the person whose handover is in the way
    clash: WindowView | None


@dataclass(frozen=True)
class Outcome:
    handover: HandoverView
    changed: bool = True  # False: this request or press had already been acted on
    previous_status: str | None = None
    previous_cover: str | None = None
    managers: tuple[str, ...] = ()  # Slack ids of the team's managers


@dataclass
class Transitions:
    started: list[HandoverView] = field(default_factory=list)
    ended: list[HandoverView] = field(default_factory=list)
    escalated: list[Outcome] = field(default_factory=list)


def window_view(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> WindowView:
    local_start, local_end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    whole = local_start.time() == time(0) and local_end.time() == time(0)
    last = (local_end - timedelta(microseconds=1)).date() if local_end > local_start else local_start.date()
    return WindowView(starts_at, ends_at, local_start.date(), last, whole)


def view(handover: Handover) -> HandoverView:
    tz_name = handover.member.team.timezone
    return HandoverView(
        id=handover.id,
        team_id=handover.team_id,
        status=handover.status,
        member=handover.member.slack_id,
        cover=handover.cover.slack_id if handover.cover else None,
        window=window_view(handover.starts_at, handover.ends_at, ZoneInfo(tz_name)),
        reason=handover.reason,
        via=handover.via,
        team_tz=tz_name,
    )


def _outcome(session: Session, handover: Handover, **kwargs: Any) -> Outcome:
    managers = tuple(m.slack_id for m in store.managers(session, handover.team_id))
    return Outcome(view(handover), managers=managers, **kwargs)


# --- asking ----------------------------------------------------------------------------


def request(session: Session, member_id: int, command: HandoverCommand, *, source_key: str | None, now: datetime) -> Outcome:
    """A asks for cover. A Slack retry (same `source_key`) returns the first request."""
    if source_key and (earlier := store.by_source_key(session, source_key)) is not None:
        return _outcome(session, earlier, changed=False)
    member = _member(session, member_id)
    tz = ZoneInfo(member.team.timezone)
    starts_at, ends_at = window_for_dates(command.start, command.end, tz, command.start_time, command.end_time)
    partner = member.backup if member.backup is not None and member.backup.active else None
    cover, via = partner, False
    if command.via:
        cover = store.member_by_slack_id(session, member.team_id, command.via)
        if cover is None:
            raise Refusal("handover.via_not_member", user=command.via)
        via = partner is None or cover.id != partner.id
    rule_request = HandoverRequest(
        member.id, cover.id if cover else None, starts_at, ends_at, via, partner.id if partner else None
    )
    _enforce(session, rule_request, member.team_id, now, tz, asked_by_member=True)
    handover = Handover(
        team_id=member.team_id,
        member_id=member.id,
        cover_id=cover.id if cover else None,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=command.reason,
        via=via,
        status="approval" if via else "requested",
        created_at=now,
        source_key=source_key,
    )
    try:
        with session.begin_nested():
            session.add(handover)
            session.flush()
    except IntegrityError:  # the same request arrived twice at the same moment
        earlier = store.by_source_key(session, source_key or "")
        if earlier is None:
            raise
        return _outcome(session, earlier, changed=False)
    return _outcome(session, handover)


def _enforce(session: Session, rule_request: HandoverRequest, team_id: int, now: datetime, tz: ZoneInfo, exclude_id: int | None = None, *, asked_by_member: bool = False) -> None:
    """Refuse with every broken rule (`handover.rules`); the member asking for cover is
    told nobody was asked, a manager or cover deciding just reads the reasons."""
    existing = store.live_overlapping(session, team_id, rule_request.starts_at, rule_request.ends_at, exclude_id=exclude_id)
    refusals = check_handover_request(rule_request, store.as_absences(existing), now)
    if refusals:
        raise Refusal("handover.rules", reasons=[_refusal_view(session, r, tz) for r in refusals], intro=asked_by_member)


def _refusal_view(session: Session, refusal: RuleBreak, tz: ZoneInfo) -> RefusalView:
    other = session.get(Member, refusal.other_member_id) if refusal.other_member_id else None
    clash = None
    if refusal.clash_starts_at and refusal.clash_ends_at:
        clash = window_view(refusal.clash_starts_at, refusal.clash_ends_at, tz)
    return RefusalView(refusal.code, other.slack_id if other else None, clash)


# --- deciding --------------------------------------------------------------------------


def accept(session: Session, handover_id: int, slack_id: str, now: datetime) -> Outcome:
    handover = _require(session, handover_id)
    _require_cover(handover, slack_id)
    if handover.status in store.COVERING_STATUSES:
        return _outcome(session, handover, changed=False)
    if handover.status not in DECIDABLE:
        raise Refusal("handover.already_decided", status=handover.status)
    if handover.ends_at <= now:
        raise Refusal("handover.too_late")
    # Re-check with the cover alone: a pair changed since the request does not undo it.
    rule_request = HandoverRequest(handover.member_id, handover.cover_id, handover.starts_at, handover.ends_at, handover.via, None)
    _enforce(session, rule_request, handover.team_id, now, ZoneInfo(handover.member.team.timezone), exclude_id=handover.id)
    previous = handover.status
    if not store.change_status(session, handover.id, DECIDABLE, decided_at=now, **_starting(handover, now)):
        session.refresh(handover)
        return _outcome(session, handover, changed=False)
    return _outcome(session, handover, previous_status=previous)


def decline(session: Session, handover_id: int, slack_id: str, now: datetime) -> Outcome:
    handover = _require(session, handover_id)
    _require_cover(handover, slack_id)
    if handover.status == "declined":
        return _outcome(session, handover, changed=False)
    if handover.status not in DECIDABLE:
        raise Refusal("handover.already_decided", status=handover.status)
    previous = handover.status
    if not store.change_status(session, handover.id, DECIDABLE, status="declined", decided_at=now):
        session.refresh(handover)
        return _outcome(session, handover, changed=False)
    return _outcome(session, handover, previous_status=previous)


def approve(session: Session, handover_id: int, slack_id: str, now: datetime) -> Outcome:
    """The manager lets a `via` cover be asked."""
    handover = _require(session, handover_id)
    _require_manager(session, handover, slack_id)
    if handover.status != "approval":
        if handover.status in ("requested", *store.COVERING_STATUSES):
            return _outcome(session, handover, changed=False)
        raise Refusal("handover.already_decided", status=handover.status)
    if not store.change_status(session, handover.id, ("approval",), status="requested", decided_at=now):
        session.refresh(handover)
        return _outcome(session, handover, changed=False)
    return _outcome(session, handover, previous_status="approval")


def refuse(session: Session, handover_id: int, slack_id: str, now: datetime) -> Outcome:
    """The manager turns a `via` request down."""
    handover = _require(session, handover_id)
    _require_manager(session, handover, slack_id)
    if handover.status != "approval":
        if handover.status == "declined":
            return _outcome(session, handover, changed=False)
        raise Refusal("handover.already_decided", status=handover.status)
    if not store.change_status(session, handover.id, ("approval",), status="declined", decided_at=now):
        session.refresh(handover)
        return _outcome(session, handover, changed=False)
    return _outcome(session, handover, previous_status="approval")


def assign_cover(session: Session, handover_id: int, manager_slack_id: str, cover_slack_id: str, now: datetime) -> Outcome:
    """The manager names the cover for a request nobody took; it stands at once."""
    handover = _require(session, handover_id)
    _require_manager(session, handover, manager_slack_id)
    if handover.status in store.COVERING_STATUSES and handover.cover and handover.cover.slack_id == cover_slack_id:
        return _outcome(session, handover, changed=False)
    if handover.status not in ASSIGNABLE:
        raise Refusal("handover.already_decided", status=handover.status)
    if handover.ends_at <= now:
        raise Refusal("handover.too_late")
    cover = store.member_by_slack_id(session, handover.team_id, cover_slack_id)
    if cover is None:
        raise Refusal("handover.via_not_member", user=cover_slack_id)
    via = cover.id != handover.member.backup_id
    rule_request = HandoverRequest(handover.member_id, cover.id, handover.starts_at, handover.ends_at, via, None)
    _enforce(session, rule_request, handover.team_id, now, ZoneInfo(handover.member.team.timezone), exclude_id=handover.id)
    previous_status = handover.status
    previous_cover = handover.cover.slack_id if handover.cover else None
    values = dict(cover_id=cover.id, via=via, decided_at=now, **_starting(handover, now))
    if not store.change_status(session, handover.id, ASSIGNABLE, **values):
        session.refresh(handover)
        return _outcome(session, handover, changed=False)
    return _outcome(session, handover, previous_status=previous_status, previous_cover=previous_cover)


def _starting(handover: Handover, now: datetime) -> dict[str, Any]:
    if handover.starts_at <= now:
        return {"status": "active", "started_at": now}
    return {"status": "accepted"}


# --- A changes their mind ----------------------------------------------------------------


def cancel(session: Session, member_id: int, now: datetime, handover_id: int | None = None, *, source_key: str | None = None) -> Outcome:
    """Withdraw a handover that has not started covering yet (the next one by default)."""
    _once(session, f"handover-cancel:{source_key}" if source_key else None, now)
    mine = store.of_member(session, member_id, now)
    started = [h for h in mine if _covering_now(h, now)]
    candidates = [h for h in mine if not _covering_now(h, now)]
    if handover_id is not None:
        candidates = [h for h in candidates if h.id == handover_id]
        if not candidates:
            if any(h.id == handover_id for h in started):
                raise Refusal("handover.use_back")
            raise Refusal("handover.not_found", id=handover_id)
    if not candidates:
        raise Refusal("handover.use_back" if started else "handover.nothing_to_cancel")
    handover = candidates[0]
    previous = handover.status
    if not store.change_status(session, handover.id, (previous,), status="cancelled", ended_at=now):
        raise Refusal("handover.nothing_to_cancel")
    return _outcome(session, handover, previous_status=previous)


def back(session: Session, member_id: int, now: datetime, *, source_key: str | None = None) -> Outcome:
    """A is back early: the running handover ends now (a pending one is withdrawn)."""
    _once(session, f"handover-back:{source_key}" if source_key else None, now)
    running = [h for h in store.of_member(session, member_id, now) if h.starts_at <= now]
    if not running:
        raise Refusal("handover.not_away")
    handover = running[0]
    previous = handover.status
    status = "ended" if previous in store.COVERING_STATUSES else "cancelled"
    if not store.change_status(session, handover.id, (previous,), status=status, ended_at=now):
        raise Refusal("handover.not_away")
    return _outcome(session, handover, previous_status=previous)


def _once(session: Session, key: str | None, now: datetime) -> None:
    """A retried `cancel` must not cancel the next handover too: remember the request."""
    if key is None:
        return
    try:
        with session.begin_nested():
            session.add(ProcessedRequest(key=key[:200], created_at=now, result={}))
            session.flush()
    except IntegrityError:
        raise Refusal("handover.duplicate") from None


def _covering_now(handover: Handover, now: datetime) -> bool:
    return handover.status == "active" or (handover.status == "accepted" and handover.starts_at <= now)


# --- on time ---------------------------------------------------------------------------


def transitions(session: Session, team_id: int, now: datetime) -> Transitions:
    """Start accepted handovers, end finished ones, escalate unanswered requests."""
    done = Transitions()
    for handover in store.due_to_end(session, team_id, now):
        if store.change_status(session, handover.id, store.COVERING_STATUSES, status="ended", ended_at=handover.ends_at):
            done.ended.append(view(handover))
    for handover in store.due_to_start(session, team_id, now):
        if store.change_status(session, handover.id, ("accepted",), status="active", started_at=now):
            done.started.append(view(handover))
    for handover in store.unanswered_since_start(session, team_id, now):
        asked_at = handover.decided_at or handover.created_at
        if max(handover.starts_at, asked_at + ESCALATION_GRACE) > now:
            continue
        previous = handover.status
        if store.change_status(session, handover.id, (previous,), status="escalated"):
            done.escalated.append(_outcome(session, handover, previous_status=previous))
    return done


# --- helpers ---------------------------------------------------------------------------


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None or not member.active:
        raise Refusal("handover.not_member")
    return member


def _require(session: Session, handover_id: int) -> Handover:
    handover = store.get(session, handover_id)
    if handover is None:
        raise Refusal("handover.not_found", id=handover_id)
    return handover


def _require_cover(handover: Handover, slack_id: str) -> None:
    if handover.cover is None or handover.cover.slack_id != slack_id:
        raise Refusal("handover.not_yours")


def _require_manager(session: Session, handover: Handover, slack_id: str) -> None:
    if slack_id not in {m.slack_id for m in store.managers(session, handover.team_id)}:
        raise Refusal("handover.not_manager")


# --- someone leaves the team -------------------------------------------------------------


@dataclass
class Leaving:
    """What a member's removal did to the handovers they were part of."""

    cancelled: list[Outcome] = field(default_factory=list)  # their own leave: nobody needs to cover it
    uncovered: list[Outcome] = field(default_factory=list)  # leave they were to cover: a manager assigns another cover


def member_leaves(session: Session, member: Member, now: datetime) -> Leaving:
    """A removed member neither goes on leave nor covers anyone: their own live handovers
    are cancelled, and those they were (asked) to cover are declined for them, so the
    manager can assign another cover with the picker a decline brings."""
    leaving = Leaving()
    for handover in store.of_member(session, member.id, now):
        previous = handover.status
        if store.change_status(session, handover.id, (previous,), status="cancelled", ended_at=now):
            leaving.cancelled.append(_outcome(session, handover, previous_status=previous))
    for handover in store.for_cover(session, member.id, now, LIVE_STATUSES):
        previous = handover.status
        if store.change_status(session, handover.id, (previous,), status="declined", decided_at=now):
            leaving.uncovered.append(_outcome(session, handover, previous_status=previous))
    return leaving
