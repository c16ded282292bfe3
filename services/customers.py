"""Finding a customer by what a person types: name or alias, Chinese or Latin, typos too.

`match_customer` decides for a command (one customer, a short list to choose from, or
none); `search_customers` ranks for the modal's searchable select. Both compare
normalised labels (full-width folded, case and spacing and punctuation ignored), first
exactly, then by containment, then fuzzily with rapidfuzz.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Customer

FUZZY_THRESHOLD = 78  # below this a name is "unknown" rather than a typo
CLEAR_LEAD = 8  # a fuzzy winner must beat the runner-up by this much to be "the" match
SEARCH_THRESHOLD = 55
MAX_CANDIDATES = 8

_NOISE = re.compile(r"[\s\-_.,·&'\"()（）【】\[\]/\\，。、《》“”‘’]+")


@dataclass(frozen=True)
class CustomerMatch:
    """`unique`, `ambiguous` (see `candidates`, best first) or `unknown`."""

    query: str
    kind: str
    customer: Customer | None = None
    candidates: tuple[Customer, ...] = field(default_factory=tuple)


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return _NOISE.sub("", folded)


def labels(customer: Customer) -> list[str]:
    return [label for label in (normalise(x) for x in [customer.name, *(customer.aliases or [])]) if label]


def team_customers(session: Session, team_id: int, *, owner_ids: Iterable[int] | None = None) -> list[Customer]:
    query = select(Customer).where(Customer.team_id == team_id, Customer.active.is_(True))
    if owner_ids is not None:
        query = query.where(Customer.owner_id.in_(list(owner_ids)))
    return list(session.scalars(query.order_by(Customer.name)).all())


def match_customer(session: Session, team_id: int, query: str) -> CustomerMatch:
    """Which of the team's customers `query` names (all customers, visible or not, so a
    refusal can say the customer exists but is someone else's)."""
    return pick(team_customers(session, team_id), query)


def pick(customers: list[Customer], query: str) -> CustomerMatch:
    wanted = normalise(query)
    if not wanted:
        return CustomerMatch(query, "unknown")
    labelled = [(c, labels(c)) for c in customers]
    exact = [c for c, ls in labelled if wanted in ls]
    if exact:
        return _decide(query, exact)
    containing = [c for c, ls in labelled if any(_contains(label, wanted) for label in ls)]
    if containing:
        containing.sort(key=lambda c: -_score(wanted, labels(c)))
        return _decide(query, containing)
    scored = sorted(((_score(wanted, ls), c) for c, ls in labelled), key=lambda pair: -pair[0])
    scored = [(score, c) for score, c in scored if score >= FUZZY_THRESHOLD]
    if not scored:
        return CustomerMatch(query, "unknown")
    best = scored[0][0]
    if len(scored) == 1 or best - scored[1][0] >= CLEAR_LEAD:
        return CustomerMatch(query, "unique", customer=scored[0][1])
    close = [c for score, c in scored if best - score < CLEAR_LEAD]
    return CustomerMatch(query, "ambiguous", candidates=tuple(close[:MAX_CANDIDATES]))


def search_customers(customers: list[Customer], query: str, *, limit: int = 100) -> list[Customer]:
    """Customers ranked for a type-ahead: everything (by name) for an empty query."""
    wanted = normalise(query)
    if not wanted:
        return customers[:limit]
    ranked: list[tuple[float, str, Customer]] = []
    for customer in customers:
        ls = labels(customer)
        if any(label.startswith(wanted) for label in ls):
            score = 200.0
        elif any(wanted in label for label in ls):
            score = 150.0
        else:
            score = max((fuzz.WRatio(wanted, label) for label in ls), default=0.0)
            if score < SEARCH_THRESHOLD:
                continue
        ranked.append((score, customer.name, customer))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return [customer for _, _, customer in ranked[:limit]]


def _decide(query: str, found: list[Customer]) -> CustomerMatch:
    if len(found) == 1:
        return CustomerMatch(query, "unique", customer=found[0])
    return CustomerMatch(query, "ambiguous", candidates=tuple(found[:MAX_CANDIDATES]))


def _contains(label: str, wanted: str) -> bool:
    # "华东" names 华东制造集团; "华东制造集团有限公司" names it too. One Latin letter names nothing.
    if len(wanted) >= (2 if wanted.isascii() else 1) and wanted in label:
        return True
    # The other way round only for labels long enough not to hide inside words ("cm" in "acme").
    return len(label) >= (4 if label.isascii() else 2) and label in wanted


def _score(wanted: str, customer_labels: list[str]) -> float:
    return max((fuzz.ratio(wanted, label) for label in customer_labels), default=0.0)
