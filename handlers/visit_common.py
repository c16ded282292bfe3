"""What the visit listeners share: who may do what, and which button was pressed."""

from __future__ import annotations

from typing import Any

from domain.refusal import Refusal
from listening.request import Request
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
