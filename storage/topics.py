"""A topic's responders, changed in place.

Replacing a topic's whole list of `TopicResponder` rows would insert the new rows before
the old ones are gone, and a person who stays at a level then breaks the UNIQUE
(topic, level, member) constraint. `set_responders` keeps the rows that stay (moving
their position), adds the new ones and removes the ones that go, each change recorded
in the audit trail.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage import audit
from storage.models import Topic, TopicResponder


def responders_by_level(topic: Topic) -> dict[int, list[int]]:
    """{level: [member id, …] in order}."""
    out: dict[int, list[int]] = {}
    for row in sorted(topic.responders, key=lambda r: (r.level, r.position)):
        out.setdefault(row.level, []).append(row.member_id)
    return out


def set_responders(session: Session, topic: Topic, wanted: dict[int, list[int]]) -> bool:
    """Make each level in `wanted` hold exactly those members, in that order (levels not
    in `wanted` keep theirs). Returns whether anything changed."""
    wanted = {level: list(dict.fromkeys(ids)) for level, ids in wanted.items()}
    going = [r for r in topic.responders if r.level in wanted and r.member_id not in wanted[r.level]]
    for row in going:
        _remove(session, topic, row)
    if going:
        session.expire(topic, ["responders"])
    current = {(r.level, r.member_id): r for r in topic.responders}
    changed = bool(going)
    for level, member_ids in wanted.items():
        for position, member_id in enumerate(member_ids):
            kept = current.get((level, member_id))
            if kept is None:
                topic.responders.append(TopicResponder(level=level, member_id=member_id, position=position))
                changed = True
            elif kept.position != position:
                kept.position = position
                changed = True
    if changed:
        session.flush()
        session.expire(topic, ["responders"])
    return changed


def _remove(session: Session, topic: Topic, row: TopicResponder) -> None:
    """Routing configuration, not anything a user wrote: the row goes, its values stay in
    the audit trail."""
    audit.record(session, entity="topic_responders", entity_id=row.id, team_id=topic.team_id, action="delete",
                 before={"topic_id": topic.id, "level": row.level, "member_id": row.member_id, "position": row.position}, after=None)
    session.execute(delete(TopicResponder).where(TopicResponder.id == row.id).execution_options(synchronize_session=False))
    session.expunge(row)
