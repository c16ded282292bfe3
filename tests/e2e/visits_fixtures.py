"""Shared set-up for the visit tests: a few more customers on the SPEC example team, and
helpers to fill the visit form the way Slack sends its state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from core import clock
from slackio import ids
from storage.models import Customer, Followup, Member, Visit
from tests.helpers import db

# Wednesday 2026-11-18, 10:00 in Shanghai.
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


@pytest.fixture
def visit_team(team: int) -> int:
    """The SPEC team (张伟 U0A1 and 李娜 U0B1 pair up; 华东制造集团 is U0A1's key customer)
    plus customers of both reps and one nobody owns, on a frozen Wednesday."""
    clock.freeze(NOW)
    with db.session_scope() as session:
        members = {m.slack_id: m for m in session.scalars(select(Member).where(Member.team_id == team))}
        session.add_all([
            Customer(team_id=team, name="Acme Corp", aliases=["ACME", "阿克美"], owner_id=members["U0A1"].id, tier="premium"),
            Customer(team_id=team, name="华东物流", aliases=["East Logistics"], owner_id=members["U0B1"].id, tier="key"),
            Customer(team_id=team, name="Beta Bank", aliases=[], owner_id=members["U0B1"].id, tier="regular"),
            Customer(team_id=team, name="Orphan Ltd", aliases=[], owner_id=None, tier="regular"),
        ])  # fmt: skip
    return team


def speak(driver, *users: str, locale: str = "en-US") -> None:
    for user in users:
        driver.fake.users[user] = {"locale": locale, "tz": "Asia/Shanghai", "real_name": f"Name {user}"}


def customer_id(name: str) -> int:
    with db.session_scope() as session:
        return session.scalar(select(Customer.id).where(Customer.name == name))


def counts() -> tuple[int, int]:
    with db.session_scope() as session:
        return (session.scalar(select(func.count(Visit.id))) or 0, session.scalar(select(func.count(Followup.id))) or 0)


def visits_of(name: str) -> list[Visit]:
    with db.session_scope() as session:
        query = select(Visit).join(Customer).where(Customer.name == name).order_by(Visit.id)
        rows = session.scalars(query).all()
        for row in rows:
            _ = [f.text for f in row.followups], row.customer.name
        return list(rows)


def opened_view(driver, index: int = -1) -> dict[str, Any]:
    """The stored copy (with its id) of a view the bot opened."""
    opened = driver.fake.calls_to("views.open")
    assert opened, "no views.open call"
    body_view = opened[index].body["view"]
    return next(v for v in reversed(list(driver.fake.views.values())) if v.get("callback_id") == body_view["callback_id"] and v["blocks"] == body_view["blocks"])


def form_values(
    *,
    customer: int | None = None,
    date: str | None = "2026-11-18",
    type: str = "onsite",
    purpose: str | None = None,
    needs: str | None = None,
    concerns: str | None = None,
    notes: str | None = None,
    followups: Sequence[tuple[str | None, str | None, str | None]] = (),
    next_visit: str | None = None,
) -> dict[str, dict[str, Any]]:
    """`view.state.values` as Slack sends it for the visit form."""
    values: dict[str, dict[str, Any]] = {
        "customer": {ids.VISIT_CUSTOMER: {"type": "external_select", "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": str(customer)} if customer else None}},
        "date": {"date": {"type": "datepicker", "selected_date": date}},
        "type": {"type": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": type}, "value": type}}},
        "next_visit": {"next_visit": {"type": "datepicker", "selected_date": next_visit}},
    }
    for name, value in (("purpose", purpose), ("needs", needs), ("concerns", concerns), ("notes", notes)):
        values[name] = {name: {"type": "plain_text_input", "value": value}}
    for index, (text, due, owner) in enumerate(followups or [(None, None, None)]):
        suffix = "" if index == 0 else f"_{index + 1}"
        values[f"followup{suffix}"] = {f"followup{suffix}": {"type": "plain_text_input", "value": text}}
        values[f"due{suffix}"] = {f"due{suffix}": {"type": "datepicker", "selected_date": due}}
        values[f"owner{suffix}"] = {f"owner{suffix}": {"type": "users_select", "selected_user": owner}}
    return values


def dm_messages(driver, user: str) -> list[dict[str, Any]]:
    return [c.body for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == user]
