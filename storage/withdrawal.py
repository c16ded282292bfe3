"""Withdrawn visits and follow-ups are kept, and hidden from every read unless asked for.

Removing a visit or a follow-up sets its `withdrawn_at` / `withdrawn_by_id` (a KPI target
removed by `config load --replace`, its `withdrawn_at`); nothing is deleted. So that no list, report, pace or export has to remember to leave them out, every
ORM SELECT a session runs gets "not withdrawn" added for each (SQLAlchemy's
`with_loader_criteria` from a `do_orm_execute` hook, its documented way of a global
filter), in joins, subqueries and relationship loads alike. Reading them on purpose — a
customer's history, restoring one, the full backup — says so:

    session.execute(query.execution_options(include_withdrawn=True))
    with withdrawal.included(session): ...        # every read of the block

Customers and KPI entries keep their own flags (`active`, `undone`), which every query
over them already reads; their `withdrawn_at` / `withdrawn_by_id` say who and when.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from storage.models import Followup, KpiTarget, Visit

INCLUDE = "include_withdrawn"


@contextmanager
def included(session: Session) -> Iterator[Session]:
    """Withdrawn rows are read like the others inside the block."""
    before = session.info.get(INCLUDE, False)
    session.info[INCLUDE] = True
    try:
        yield session
    finally:
        session.info[INCLUDE] = before


@event.listens_for(Session, "do_orm_execute")
def _hide_withdrawn(state: ORMExecuteState) -> None:
    # An expired attribute's reload is not a search: a withdrawn row stays readable.
    if not state.is_select or state.is_column_load:
        return
    if state.execution_options.get(INCLUDE) or state.session.info.get(INCLUDE):
        return
    state.statement = state.statement.options(
        with_loader_criteria(Visit, _not_withdrawn, include_aliases=True),
        with_loader_criteria(Followup, _not_withdrawn, include_aliases=True),
        with_loader_criteria(KpiTarget, _not_withdrawn, include_aliases=True),
    )


def _not_withdrawn(cls: Any) -> Any:
    return cls.withdrawn_at.is_(None)
