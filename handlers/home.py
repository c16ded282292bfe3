"""The App Home tab (SPEC §4.7): published when someone opens it, and redrawn after the
actions that change what it shows.

Listeners ask for a redraw with `req.refresh_home(slack_id, …)`; once the request is
committed the runtime's HomeRefresher (listening/home_refresh.py) redraws, with
`view_for`, the Homes of those who opened theirs recently.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.refusal import Refusal
from handlers.visit_common import visit_access
from listening.layer import Listeners
from listening.request import Request, texts_of
from rendering import home_blocks
from rendering.i18n import Texts
from rendering.kpi_text import pace_text
from services import followups, home, people
from slackio import ids

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MSG = home_blocks.MSG


def register(on: Listeners) -> None:
    on.event("app_home_opened", handle_home_opened)
    on.action(ids.HOME_FOLLOWUP_DONE, handle_done, refused=_show_on_home)


def handle_home_opened(req: Request) -> None:
    # Slack sends the same event when the Messages tab is opened: nothing to publish then.
    if req.event.get("tab", "home") != "home" or not req.event.get("user"):
        return
    home.mark_seen(req.db, req.user_id, req.now)
    _publish(req, build_view(req.db, req.texts, req.user_id, req.now))


def handle_done(req: Request) -> None:
    """Done on the Home: mark the follow-up done, then publish the Home again with a note."""
    if not req.value.isdigit():
        raise Refusal("visit.followup_gone")
    access = visit_access(req)
    outcome = followups.complete(req.db, access, int(req.value), req.now)
    if outcome.changed:
        notice = req.texts.macro(MSG, "done_notice", outcome.followup)
    else:
        notice = req.texts.macro("visit/messages", "followup_was_done")
    _publish(req, build_view(req.db, req.texts, req.user_id, req.now, notice=notice))
    owner = outcome.followup.owner_slack_id
    if owner != req.user_id:  # done by their cover or a manager
        req.refresh_home(owner)


def _show_on_home(req: Request, text: str) -> None:
    """A refused Done shows on the Home it was pressed on (a Home has no reply thread)."""
    _publish(req, build_view(req.db, req.texts, req.user_id, req.now, notice=":warning: " + text))


def _publish(req: Request, view: dict[str, Any]) -> None:
    user = req.user_id
    req.after(lambda: req.client.views_publish(user_id=user, view=view))


def build_view(session: Session, texts: Texts, slack_id: str, now: datetime, notice: str | None = None) -> dict[str, Any]:
    data = home.home_for(session, slack_id, now)
    if data is None:
        return home_blocks.welcome_view(texts, team_exists=home.any_team(session), notice=notice)
    pace = pace_text(texts, data.pace, data.today) if data.pace is not None else None
    return home_blocks.home_view(texts, data, pace_text=pace, notice=notice)


def view_for(session: Session, slack_id: str, now: datetime) -> dict[str, Any] | None:
    """Someone's Home as of now, for a redraw outside any request (None: they have not
    opened it lately, so it is rebuilt when they next open it)."""
    if not home.seen_recently(session, slack_id, now):
        return None
    return build_view(session, texts_of(people.find_person(session, slack_id, now)), slack_id, now)
