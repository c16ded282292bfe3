"""Small helpers shared by tests."""

from __future__ import annotations

from sqlalchemy import func, select

from storage import db
from storage.models import Base


def row_counts() -> dict[str, int]:
    """Rows per table: a before/after snapshot proves a refusal wrote nothing."""
    with db.session_scope() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def first_button(message: dict, action_id_prefix: str = "") -> dict:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element.get("action_id", "").startswith(action_id_prefix):
                return element
        accessory = block.get("accessory") or {}
        if accessory.get("type") == "button" and accessory.get("action_id", "").startswith(action_id_prefix):
            return accessory
    raise AssertionError(f"no button {action_id_prefix!r} in {message}")
