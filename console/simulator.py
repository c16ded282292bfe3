"""`python bot.py console`: chat with ambot locally.

The real Bolt app runs behind its real HTTP front; this loop sends it signed,
Slack-shaped requests as the member you choose and prints every Web API call the bot
makes (against a local stand-in for Slack). Type slash commands, press buttons by
number, fill modals field by field. No Slack account, no network.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from app import create_app
from console.demo import DEMO_CHANNEL_NAME, demo_profiles
from console.demo_seed import load_demo_team, seed_history
from core import clock
from core.settings import Settings
from listening.runtime import Runtime
from rendering.i18n import Texts, negotiate_locale
from slackio.driver import SlackDriver
from slackio.fake_api import Call, FakeSlack
from slackio.terminal import Pressable, Screen
from slackio.text import as_slack_delivers
from slackio.web import BackgroundServer
from storage.db import open_database
from storage.models import Member, Team


def run_console(settings: Settings, as_user: str | None = None, demo: bool = True, input_fn: Callable[[str], str] = input) -> int:
    with open_console(settings, as_user, demo, input_fn) as console:
        return console.loop()


@contextmanager
def open_console(settings: Settings, as_user: str | None = None, demo: bool = True, input_fn: Callable[[str], str] = input) -> Iterator[Console]:
    """The bot behind its HTTP front, a local Slack, and the console acting on them."""
    with FakeSlack(token="xoxb-console") as fake:
        console_settings = settings.with_(
            bot_token="xoxb-console",
            signing_secret=secrets.token_hex(16),
            slack_api_url=fake.api_url,
            process_before_response=True,
        )
        ambot = create_app(console_settings, open_database(console_settings.database_url, migrate=True))
        with ambot.runtime.db.session_scope() as session:
            team = session.scalars(select(Team).order_by(Team.id)).first()
            if team is None and demo:
                team = load_demo_team(session, clock.now())
                seed_history(session, team, clock.now().date())
            members = session.scalars(select(Member).where(Member.active.is_(True)).order_by(Member.id)).all()
            if team is not None:
                fake.users.update(demo_profiles(team))
            names = {m.slack_id: m.name for m in members}
            for slack_id, profile in fake.users.items():  # the workspace's other people
                names.setdefault(slack_id, profile.get("real_name") or slack_id)
            channels = {DEMO_CHANNEL_NAME: team.channel} if team is not None and team.channel else {}
            language = team.language if team else "en"
            default_user = next((m.slack_id for m in members if m.has_role("rep")), members[0].slack_id if members else "U0YOU")
        try:
            with BackgroundServer(ambot.wsgi()) as server:
                driver = SlackDriver(server.url, ambot.runtime.settings.signing_secret or "", fake)
                yield Console(driver, fake, names, as_user or default_user, language, input_fn, ambot.runtime, channels=channels)
        finally:
            ambot.close()


class Console:
    def __init__(self, driver: SlackDriver, fake: FakeSlack, names: dict[str, str], user: str, language: str, input_fn: Callable[[str], str], runtime: Runtime, *, channels: dict[str, str] | None = None) -> None:
        self.driver = driver
        self.runtime = runtime
        self.fake = fake
        self.names = names
        self.channels = channels or {}
        self.user = user
        self.input = input_fn
        self.echo = not sys.stdin.isatty()
        self.texts = Texts(negotiate_locale(None, language))
        self.screen = Screen(names=lambda uid: names.get(uid, uid), color=sys.stdout.isatty(), channels={cid: name for name, cid in self.channels.items()})
        self.seen = 0
        self.home_wanted = False  # show the next Home in full: it was opened or pressed
        self.acked: dict[str, Any] = {}

    def say(self, macro: str, **kwargs: Any) -> None:
        print(self.texts.macro("console/messages", macro, **kwargs))

    def ask(self, prompt: str) -> str:
        # Piped input (a script, a test): show the prompt with the line, like a transcript.
        line = self.input("" if self.echo else prompt)
        if self.echo:
            print(prompt + line)
        return line.strip()

    def loop(self) -> int:
        self.say("console_intro", user=self.names.get(self.user, self.user))
        while True:
            try:
                line = self.ask(f"[{self.names.get(self.user, self.user)}]> ")
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            if line in {":quit", ":q", ":exit"}:
                return 0
            try:
                self.handle(line)
            except (EOFError, KeyboardInterrupt):
                print()
                return 0

    def handle(self, line: str) -> None:
        if not line:
            return
        if line.startswith("/"):
            command, _, text = line.partition(" ")
            self.acked = self.driver.command(self.user, command, self.as_slack_delivers(text)).json
        elif line.isdigit():
            self.press(int(line))
        elif line.startswith(":as"):
            self.switch(line[3:].strip())
            return
        elif line == ":who":
            for slack_id, name in self.names.items():
                print(f"  {slack_id:10} {name}")
            return
        elif line == ":home":
            self.home_wanted = True
            self.driver.event({"type": "app_home_opened", "user": self.user, "channel": "D" + self.user, "tab": "home", "event_ts": "1.0"})
        elif line.startswith(":run"):
            self.run_job(line[4:].strip())
        elif line.startswith(":"):
            self.say("console_help")
            return
        else:  # written to ambot in its Messages tab
            self.driver.dm(self.user, self.as_slack_delivers(line, labelled=False))
        self.show_new()

    def as_slack_delivers(self, typed: str, *, labelled: bool = True) -> str:
        """`@name` and `#channel` as Slack delivers them (`should_escape`): mentions."""
        people: dict[str, str] = {}
        for slack_id, profile in self.fake.users.items():
            for name in (profile.get("name"), profile.get("real_name"), self.names.get(slack_id)):
                if name:
                    people.setdefault(name, slack_id)
        return as_slack_delivers(typed, people, self.channels, labelled=labelled)

    def switch(self, who: str) -> None:
        match = next((sid for sid, name in self.names.items() if who in {sid, name}), None)
        if match is None:
            self.say("console_unknown_user", who=who)
            return
        self.user = match
        self.say("console_now_acting", user=self.names[match])

    def run_job(self, spec: str) -> None:
        from datetime import datetime

        from jobs import runner

        name, _, at = spec.partition(" ")
        when = datetime.fromisoformat(at) if at else None
        try:
            report = runner.run_now(self.runtime.db, self.runtime.sender, name, when)
        except KeyError:
            self.say("console_unknown_job", name=name)
            return
        self.say("console_job_ran", name=name, queued=report.queued, sent=report.delivery.sent)

    # --- showing what the bot did ---------------------------------------------------------

    def show_new(self) -> None:
        calls = self.fake.calls[self.seen :]
        self.seen = len(self.fake.calls)
        self.screen.pressables.clear()
        acked, self.acked = self.acked, {}
        shown = self.screen.ack_reply(acked)
        if shown:
            print(shown)
        modal: Call | None = None
        for call in calls:
            if not call.ok:
                continue
            if call.method == "chat.postMessage":
                call.body.setdefault("ts", call.response.get("ts"))
            rendered = self.screen.call(call, home_in_full=self.home_wanted)
            if rendered:
                print(rendered)
            if call.method in {"views.open", "views.push", "views.update"} and (call.response.get("view") or {}).get("type") == "modal":
                modal = call
        self.home_wanted = False
        if modal is not None:
            self.fill_modal(modal.response["view"])

    def press(self, number: int) -> None:
        if not 1 <= number <= len(self.screen.pressables):
            self.say("console_no_such_button", number=number)
            return
        pressable: Pressable = self.screen.pressables[number - 1]
        element = pressable.element
        action: dict[str, Any] = {"action_id": element["action_id"], "block_id": "b", "type": element["type"]}
        if element["type"] == "button":
            action["value"] = element.get("value", "")
        elif element["type"] == "static_select":
            action["selected_option"] = self.pick(element.get("options") or [])
        elif element["type"] == "users_select":
            action["selected_user"] = self.pick_user()
        message = pressable.message
        self.home_wanted = bool(message and message.get("home"))
        if message is not None:
            # Ephemeral replies have no ts on Slack either; the payload still carries one.
            message = {"ts": message.get("ts") or "1.000000", "text": message.get("text", ""), "blocks": message.get("blocks")}
        self.driver.action(self.user, action, message=message, view=pressable.view, channel_id=pressable.channel or "D" + self.user)

    # --- modals -----------------------------------------------------------------------------

    def fill_modal(self, view: dict[str, Any]) -> None:
        errors: dict[str, str] = {}
        values: dict[str, dict[str, Any]] = {}
        while True:
            for block in view.get("blocks") or []:
                if block.get("type") != "input":
                    continue
                block_id = block["block_id"]
                if errors and block_id not in errors:
                    continue
                if block_id in errors:
                    print("  ⚠ " + self.screen.mrkdwn(errors[block_id]))
                values[block_id] = {block["element"]["action_id"]: self.field_value(block, view)}
            result = self.driver.submit(self.user, view, values)
            answer = result.json
            if answer.get("response_action") == "errors":
                errors = answer.get("errors") or {}
                continue
            if answer.get("response_action") in {"update", "push"} and answer.get("view"):
                # The form changed in place (a next step, a confirmation): show it.
                shown = dict(answer["view"], id=view.get("id"))
                print(self.screen.view(answer["view"], shown))
                if any(b.get("type") == "input" for b in answer["view"].get("blocks") or []):
                    view, errors, values = shown, {}, {}
                    continue
            self.show_new()
            return

    def field_value(self, block: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
        element = block["element"]
        label = (block.get("label") or {}).get("text", block["block_id"])
        kind = element["type"]
        if kind == "plain_text_input":
            default = element.get("initial_value") or ""
            text = self.ask(f"  {label}{f' [{default}]' if default else ''}: ") or default
            return {"type": kind, "value": text or None}
        if kind == "datepicker":
            default = element.get("initial_date") or ""
            return {"type": kind, "selected_date": self.ask(f"  {label} (YYYY-MM-DD){f' [{default}]' if default else ''}: ") or default or None}
        if kind == "static_select":
            print(f"  {label}:")
            return {"type": kind, "selected_option": self.pick(element.get("options") or [], element.get("initial_option"))}
        if kind == "external_select":
            initial = element.get("initial_option")
            query = self.ask(f"  {label} — {self.texts.macro('console/messages', 'console_search')}{' [' + initial['text']['text'] + ']' if initial else ''}: ")
            if not query and initial:
                return {"type": kind, "selected_option": initial}
            found = self.driver.suggest(self.user, element["action_id"], query, block_id=block["block_id"], view=view).json
            options = found.get("options") or [o for g in found.get("option_groups") or [] for o in g.get("options", [])]
            return {"type": kind, "selected_option": self.pick(options)}
        if kind == "users_select":
            return {"type": kind, "selected_user": self.pick_user(label)}
        return {"type": kind, "value": self.ask(f"  {label}: ") or None}

    def pick(self, options: list[dict[str, Any]], default: dict[str, Any] | None = None) -> dict[str, Any] | None:
        if not options:
            self.say("console_no_options")
            return None
        for number, option in enumerate(options, 1):
            print(f"    [{number}] {option['text']['text']}")
        while True:
            answer = self.ask("  # ")
            if not answer and default:
                return default
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return options[int(answer) - 1]

    def pick_user(self, label: str = "") -> str:
        answer = self.ask(f"  {label} (U… / {self.texts.macro('console/messages', 'console_name')}): ")
        return next((sid for sid, name in self.names.items() if answer in {sid, name}), answer)

