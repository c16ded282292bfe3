"""The migrations define exactly the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.models import Base


@pytest.mark.real_commits  # reads the schema on a connection of its own
def test_migrations_match_models(database):
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_timestamps_come_back_timezone_aware(database):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from storage.models import Team

    with database.session_scope() as session:
        session.add(Team(name="t", created_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC), schedule={}))
    with database.session_scope() as session:
        created = session.scalar(select(Team.created_at))
    assert created == datetime(2026, 12, 1, 8, 0, tzinfo=UTC) and created.tzinfo is not None
