"""One Slack request as its listener sees it: what came in, who is asking, the database
session, and the replies — all resolved on first use, after the ack.

The listener layer (handlers/layer.py) makes a `Request` for every request, runs the
listener with it, commits its one transaction, and only then sends what the listener
queued: a reply, a form, DMs. A listener never sends before its writes are safe, and a
refusal or an error discards everything queued.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from core import clock
from core.settings import Settings
from listening.runtime import Runtime
from rendering.blocks import ephemeral
from rendering.i18n import Texts, negotiate_locale
from rendering.mentions import mentioned, plain_fallback
from services import home, people
from slackio.profiles import fetch_profile
from slackio.text import unescape
from storage import audit

log = logging.getLogger("ambot.request")

Effect = Callable[[], Any]


class Request:
    def __init__(self, runtime: Runtime, body: dict[str, Any], request_id: str, *, respond: Callable[..., Any] | None = None) -> None:
        self.runtime = runtime
        self.body = body
        self.id = request_id
        self.now: datetime = clock.now()
        self.respond = respond
        self._session: Session | None = None
        self._effects: list[Effect] = []
        self.form_answer: dict[str, Any] | None = None  # a view submission's ack (response_action …)
        self.options: list[dict[str, Any]] = []  # a block suggestion's answer

    # --- what came in -----------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def client(self) -> WebClient:
        """For reads from Slack (users.info); writes go through the queue below."""
        return self.runtime.client

    @property
    def user_id(self) -> str:
        user = self.body.get("user")
        if isinstance(user, dict):
            return str(user.get("id") or "")
        return str(self.body.get("user_id") or (self.body.get("event") or {}).get("user") or "")

    @property
    def text(self) -> str:
        """A slash command's text (or a direct message's) as the person typed it: Slack
        escapes `&`, `<` and `>`; its own `<@U…>`, `<#C…>`, `<!…>` and links stay whole."""
        raw = self.body.get("text") if "command" in self.body else self.event.get("text")
        return unescape(str(raw or ""))

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id") or "")

    @property
    def action(self) -> dict[str, Any]:
        """The pressed button or chosen option (block_actions)."""
        actions = self.body.get("actions") or [{}]
        return actions[0]

    @property
    def value(self) -> str:
        """The pressed button's value."""
        return str(self.action.get("value") or "")

    @property
    def view(self) -> dict[str, Any]:
        return self.body.get("view") or {}

    @property
    def event(self) -> dict[str, Any]:
        return self.body.get("event") or {}

    # --- who is asking ----------------------------------------------------------------

    @property
    def db(self) -> Session:
        """The request's one transaction, committed by the layer after the listener."""
        if self._session is None:
            self._session = self.runtime.db.sessions()
            audit.act_as(self._session, self.user_id or None, "slack")  # who the audit trail names
        return self._session

    @cached_property
    def person(self) -> people.Person:
        return self.person_of(self.user_id)

    @property
    def texts(self) -> Texts:
        return self.texts_for(self.person)

    @property
    def today(self) -> date:
        """Today in the asker's team's time zone."""
        return self.now.astimezone(ZoneInfo(self.person.team_timezone or "UTC")).date()

    def person_of(self, slack_id: str) -> people.Person:
        """Anyone, as of this request (their language and zone from Slack when unknown)."""
        person = people.find_person(self.db, slack_id, self.now)
        if person.is_member and person.profile_stale:
            if person.profile_known:
                # A week old but good enough for this answer: refresh it after the answer,
                # so no request (a form submission above all) waits on Slack for it.
                self.after(lambda: self._refresh_profile(slack_id))
            else:
                profile = fetch_profile(self.client, slack_id)
                if profile.known:
                    people.remember_profile(self.db, slack_id, profile.locale, profile.tz, self.now)
                    person = replace(person, slack_locale=profile.locale, tz=profile.tz or person.tz, profile_stale=False)
        elif not person.is_member:
            person = with_slack_profile(self.runtime, person)
        return person

    def texts_for(self, who: people.Person | str) -> Texts:
        """Someone's language and zone: the asker's, or whoever a message goes to."""
        return texts_of(self.person_of(who) if isinstance(who, str) else who)

    def fallback_texts(self) -> Texts:
        """The asker's texts, or — when even that fails (the database is away) — the
        language their Slack profile (or their payload) says, else English."""
        try:
            return self.texts
        except Exception:
            if self._session is not None:
                self._session.rollback()
            user = self.body.get("user")
            locale = user.get("locale") if isinstance(user, dict) else None
            person = with_slack_profile(self.runtime, people.Person(self.user_id, slack_locale=locale))
            return texts_of(person)

    def names_in(self, text: str) -> dict[str, str]:
        """Members' names for the `<@U…>` mentions in `text` (plain text shows no mentions)."""
        found = mentioned(text)
        if not found:
            return {}
        try:
            return people.names_of(self.db, found)
        except Exception:
            log.warning("request %s: could not read names for %s", self.id, sorted(found), exc_info=True)
            return {}

    def _refresh_profile(self, slack_id: str) -> None:
        runtime = self.runtime

        def refresh() -> None:
            profile = fetch_profile(runtime.client, slack_id)
            if profile.known:
                with runtime.db.session_scope() as session:
                    people.remember_profile(session, slack_id, profile.locale, profile.tz, clock.now())

        runtime.background.submit(refresh)

    # --- what goes out (after the commit) ---------------------------------------------

    def after(self, effect: Effect) -> None:
        """Run `effect` once the request's writes are committed (in order of asking)."""
        self._effects.append(effect)

    def named(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A message whose notification text names the people its blocks mention."""
        text = payload.get("text")
        if not payload.get("blocks") or not isinstance(text, str):
            return payload
        return plain_fallback(payload, self.names_in(text))

    def reply(self, payload: dict[str, Any], *, replace_original: bool | None = None) -> None:
        """Answer where the user asked: ephemeral under a command, in place of (or beside)
        the message whose button was pressed."""
        payload = self.named(payload)
        extra = {} if replace_original is None else {"replace_original": replace_original}
        if "response_type" not in payload and replace_original is not True:
            payload = dict(payload, response_type="ephemeral")
        respond = self.respond
        if respond is None:
            log.warning("request %s: nowhere to reply (no response_url)", self.id)
            return
        self.after(lambda: respond(**payload, **extra))

    def say(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        self.reply(ephemeral(text, blocks))

    def open_view(self, view: dict[str, Any]) -> None:
        trigger_id = self.trigger_id
        self.after(lambda: self.client.views_open(trigger_id=trigger_id, view=view))

    def update_view(self, view: dict[str, Any], *, view_id: str | None = None, hash: str | None = None, newer_wins: bool = False) -> None:
        """Redraw a form. With the `hash` of the view the request came from, Slack refuses
        the update if the view changed since; `newer_wins` takes that refusal quietly (a
        later keystroke's update already landed, and it is the one to keep)."""
        target = view_id or self.view.get("id")
        extra = {"hash": hash} if hash else {}
        client = self.client

        def send() -> None:
            try:
                client.views_update(view_id=target, view=view, **extra)
            except SlackApiError as error:
                if newer_wins and error.response.get("error") == "hash_conflict":
                    log.debug("request %s: view %s changed meanwhile; the newer one stays", self.id, target)
                    return
                raise

        self.after(send)

    def post(self, channel: str | None, payload: dict[str, Any], **extra: Any) -> None:
        """A message to a channel or a person's DM (skipped when there is nobody)."""
        if channel:
            payload = self.named(payload)
            self.after(lambda: self.client.chat_postMessage(channel=channel, **payload, **extra))

    def share_file(self, user_id: str, file: dict[str, Any]) -> None:
        """A chart (`rendering.charts.Chart.upload()`) into the DM with `user_id`, after the
        reply: an ephemeral answer cannot carry a file, and a chart of the team's numbers
        must not land in the channel the command was typed in."""
        self.send_file(
            user_id, filename=f"{file['name']}.png", content=base64.b64decode(file["png"]),
            title=file["title"], comment=file.get("comment"), alt=file["alt"],
        )

    def send_file(self, slack_id: str, *, filename: str, content: bytes, title: str, comment: str | None,
                  alt: str | None = None, sent: dict[str, Any] | None = None, failed: dict[str, Any] | None = None) -> None:
        """A file in someone's DM: `conversations.open`, then `files_upload_v2` into that
        channel; then the asker reads `sent` (or `failed`, when Slack would not take it)."""
        client, respond = self.client, self.respond

        def send() -> None:
            try:
                channel = client.conversations_open(users=slack_id)["channel"]["id"]
                client.files_upload_v2(channel=channel, filename=filename, content=content, title=title,
                                       initial_comment=comment, alt_txt=alt)
                answer = sent
            except SlackApiError as error:
                log.warning("request %s: could not send %s: %s", self.id, filename, error.response.get("error"))
                answer = failed
            if respond is not None and answer is not None:
                respond(**dict(answer, response_type="ephemeral"))

        self.after(send)

    def refresh_home(self, *slack_ids: str | None) -> None:
        """Redraw these people's App Home (they saw it recently) once the change is saved."""
        wanted = [s for s in dict.fromkeys(slack_ids) if s and self._may_be_looking(s)]
        if wanted:
            self.after(lambda: self.runtime.refresh_home(*wanted))

    def _may_be_looking(self, slack_id: str) -> bool:
        """False for someone this request has read (the asker, mostly) who has not opened
        their Home lately: nobody is looking at it, and it is built afresh when opened.
        Anyone else: the redraw looks for itself."""
        if self._session is None:
            return True
        rows = [m for m in people.loaded_members(self._session) if m.slack_id == slack_id]
        return not rows or any(home.seen_recently_at(m.home_seen_at, self.now) for m in rows)

    def answer_form(self, **answer: Any) -> None:
        """A view submission's answer: `response_action="update", view=…` and the like;
        none (the default) closes the form."""
        self.form_answer = answer

    # --- the layer's side ---------------------------------------------------------------

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()

    def discard(self) -> None:
        self._effects.clear()
        self.form_answer = None
        self.options = []
        if self._session is not None:
            self._session.rollback()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def take_effects(self) -> list[Effect]:
        effects, self._effects = self._effects, []
        return effects


def with_slack_profile(runtime: Runtime, person: people.Person) -> people.Person:
    """Someone ambot knows no language for yet (not a member, or a member Slack has not
    told us about) in their own Slack locale and zone: `users.info`, cached an hour."""
    if person.is_member and (person.profile_known or person.slack_locale):
        return person
    profile = runtime.profiles.get(runtime.client, person.slack_id) if person.slack_id else None
    if profile is None or not profile.known:
        return person
    return replace(person, slack_locale=profile.locale or person.slack_locale, tz=profile.tz or person.tz)


def texts_of(person: people.Person) -> Texts:
    """A reader's texts: their Slack locale when ambot speaks it, else the team's language."""
    return Texts(negotiate_locale(person.slack_locale, person.team_language), person.reader_tz)
