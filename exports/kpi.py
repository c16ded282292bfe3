"""`bot.py export kpi`: one row per target with its actual and expected-to-date (SPEC §7).

`member` is the Slack id, as in the team YAML; `--since` / `--until` keep periods that
overlap those days. Expected-to-date is as of today in each team's time zone: a finished period
expects its whole target, a future one nothing yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from domain.kpi_input import local_today
from domain.metrics import parse_period
from exports import Exporter, Selection, register
from services.kpi import pace_table
from storage import kpi as queries
from storage.models import Member, Team

COLUMNS = ("period", "member", "metric", "target", "actual", "expected_to_date")


def kpi_rows(session: Session, selection: Selection) -> Iterator[list[Any]]:
    now = clock.now()
    teams = select(Team).order_by(Team.id)
    if selection.team_id is not None:
        teams = teams.where(Team.id == selection.team_id)
    for team in session.scalars(teams):
        periods = [parse_period(key) for _, key in queries.target_periods(session, team.id)]
        keys = [
            p.key for p in periods
            if p and (selection.since is None or p.end >= selection.since) and (selection.until is None or p.start <= selection.until)
        ]  # fmt: skip
        if not keys:
            continue
        slack_ids = dict(session.execute(select(Member.id, Member.slack_id).where(Member.team_id == team.id)).all())
        table = pace_table(session, team, local_today(now, team.timezone), keys)
        rows = [
            (pp.period.start, pp.period.kind, slack_ids.get(member_id, ""), index, pp.period.key, p)
            for member_id, period_paces in table.items()
            for pp in period_paces
            for index, p in enumerate(pp.paces)
        ]
        for _, _, slack_id, _, key, p in sorted(rows, key=lambda r: r[:4]):
            yield [key, slack_id, p.metric_key, _plain(p.target), _plain(p.actual), _plain(p.expected)]


def _plain(value: Decimal | None) -> Decimal | None:
    """A number, no trailing zeros (written `20`, `12000.5`, never in scientific notation)."""
    if value is None:
        return None
    return Decimal(value).normalize()


register("kpi", Exporter(columns=COLUMNS, rows=kpi_rows))
