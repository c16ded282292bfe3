"""The team's customers as matching needs them, cached per process.

Matching a typed name compares it with every customer's normalised labels. Reading
20,000 customers as ORM objects for each `/visit` took 0.6 s, so each process keeps a
light copy per team and re-reads it only when the team's `customers_stamp` (renewed in
every flush that adds, changes or removes a customer) says the copy is out of date.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.customers import CustomerIndex, CustomerMatch, normalise, pick
from storage.models import Customer, Team

MAX_TEAMS = 16  # copies kept per process, least recently used dropped first


@dataclass(frozen=True)
class CustomerEntry:
    """What matching reads of a customer; `match_labels` are its normalised name and aliases."""

    id: int
    team_id: int
    name: str
    aliases: tuple[str, ...]
    owner_id: int | None
    match_labels: tuple[str, ...]


_cache: OrderedDict[tuple[str, int], tuple[str, CustomerIndex]] = OrderedDict()
_lock = threading.Lock()


def team_entries(session: Session, team_id: int, *, owner_ids: Iterable[int] | None = None) -> list[CustomerEntry]:
    """The team's active customers by name (only those of `owner_ids` when given)."""
    return searchable(session, team_id, owner_ids=owner_ids).customers


def searchable(session: Session, team_id: int, *, owner_ids: Iterable[int] | None = None) -> CustomerIndex:
    """The team's active customers (only those of `owner_ids` when given), ready for
    `customers.pick` and `customers.search_customers`."""
    index = _index(session, team_id)
    if owner_ids is None:
        return index
    wanted = set(owner_ids)
    return CustomerIndex([e for e in index.customers if e.owner_id in wanted])


def match_customer(session: Session, team_id: int, query: str) -> CustomerMatch:
    """Which of the team's customers `query` names (all customers, visible or not, so a
    refusal can say the customer exists but is someone else's), as rows of `session`."""
    match = pick(_index(session, team_id), query)
    found = [match.customer] if match.customer is not None else list(match.candidates)
    if not found:
        return match
    rows = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_([e.id for e in found])))}
    customers = [rows[e.id] for e in found if e.id in rows]
    if not customers:  # removed since the copy was read
        return CustomerMatch(query, "unknown")
    if match.kind == "unique" or len(customers) == 1:
        return CustomerMatch(query, "unique", customer=customers[0])
    return CustomerMatch(query, match.kind, candidates=tuple(customers))


def _index(session: Session, team_id: int) -> CustomerIndex:
    # The team's row is usually in the session already (read with the asker's membership),
    # and a flush that changes a customer renews the stamp on it too: no query then.
    team = session.get(Team, team_id)
    stamp = team.customers_stamp if team is not None else None
    key = (str(session.get_bind().engine.url), team_id)
    if stamp is not None:
        with _lock:
            cached = _cache.get(key)
            if cached is not None and cached[0] == stamp:
                _cache.move_to_end(key)
                return cached[1]
    index = CustomerIndex(_load(session, team_id))
    if stamp is not None:
        with _lock:
            _cache[key] = (stamp, index)
            _cache.move_to_end(key)
            while len(_cache) > MAX_TEAMS:
                _cache.popitem(last=False)
    return index


def _load(session: Session, team_id: int) -> list[CustomerEntry]:
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.aliases, Customer.owner_id)
        .where(Customer.team_id == team_id, Customer.active.is_(True))
        .order_by(Customer.name)
    )
    out = []
    for customer_id, name, stored_aliases, owner_id in rows:
        aliases = tuple(stored_aliases or ())
        labels = tuple(label for label in (normalise(x) for x in (name, *aliases)) if label)
        out.append(CustomerEntry(customer_id, team_id, name, aliases, owner_id, labels))
    return out


def clear() -> None:
    with _lock:
        _cache.clear()
