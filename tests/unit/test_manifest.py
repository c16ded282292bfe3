"""The Slack app manifest declares every command, the Home tab and the events we handle."""

from __future__ import annotations

from pathlib import Path

import yaml

from slackio.ids import ALL_COMMANDS

MANIFEST = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text("utf-8"))


def test_every_command_is_declared_with_escaping():
    declared = {c["command"]: c for c in MANIFEST["features"]["slash_commands"]}
    assert set(declared) == set(ALL_COMMANDS)
    assert all(c["should_escape"] for c in declared.values())  # mentions arrive as <@U…|name>


def test_home_tab_events_and_interactivity():
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert {"app_home_opened", "message.im"} <= set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True  # people write to ambot there
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True


def test_scopes_cover_what_the_bot_calls():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "im:write", "users:read", "im:history"} <= scopes
    assert "files:write" in scopes  # files_upload_v2 (charts, `/digest export`)
