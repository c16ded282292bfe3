"""What the visit listeners share: who may do what, and which button was pressed."""

from __future__ import annotations

from typing import Any

from domain.refusal import Refusal
from listening.request import Request
from rendering import visit_blocks
from services.visit_access import VisitAccess, access_of_person

USAGE = "visit/usage"


def visit_access(req: Request) -> VisitAccess:
    """What the asker may do with visits; refused when they are on no team."""
    access = access_of_person(req.db, req.person, req.now)
    if access is None:
        raise Refusal("visit.not_member", usage=True)
    return access


def id_value(req: Request, gone: str = "visit.visit_gone") -> int:
    """The id a button carries; a value that is not one is a thing that is gone."""
    value = req.value
    if not (value.isascii() and value.isdigit()):
        raise Refusal(gone)
    return int(value)


def visit_readers(visit: Any) -> list[str | None]:
    """Whose Home a logged or edited visit changes besides the logger's: the rep's (the
    visits metric) and each follow-up owner's."""
    return [visit.rep_slack_id, *(f.owner_slack_id for f in visit.followups)]


def announce_assigned(req: Request, visit: Any, *, owners_before: dict[int, str | None] | None = None) -> None:
    """Tell each colleague a follow-up was just assigned to, at once: not the logger, and
    in an edit only the rows that are new or changed hands (`owners_before`: id → owner)."""
    before = owners_before or {}
    for followup in visit.followups:
        owner = followup.owner_slack_id
        if not owner or owner == req.user_id or followup.status != "open":
            continue
        if followup.id in before and before[followup.id] == owner:
            continue
        req.post(owner, visit_blocks.assigned_message(req.texts_for(owner), visit, followup, req.user_id))
