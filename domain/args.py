"""Splitting slash-command text into words, people and channels."""

from __future__ import annotations

import re

_TOKEN = re.compile(r'<[^>]*>|"[^"]*"|“[^”]*”|「[^」]*」|\S+')
_USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$")
_PLAIN_USER = re.compile(r"^@?([UW][A-Z0-9]{2,})$")
_CHANNEL_MENTION = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$")
_PLAIN_CHANNEL = re.compile(r"^#?([CG][A-Z0-9]{2,})$")
_QUOTES = {'"': '"', "“": "”", "「": "」"}


def tokenize(text: str) -> list[str]:
    """Words, keeping quoted phrases and Slack's `<…>` escapes whole (quotes removed)."""
    return [unquote(t) for t in _TOKEN.findall((text or "").replace("\u3000", " "))]


def unquote(token: str) -> str:
    if len(token) >= 2 and token[0] in _QUOTES and token[-1] == _QUOTES[token[0]]:
        return token[1:-1]
    return token


def user_id(token: str) -> str | None:
    """`<@U123|name>`, `<@U123>`, `@U123` or `U123` → `U123`."""
    token = token.strip()
    match = _USER_MENTION.match(token) or _PLAIN_USER.match(token)
    return match.group(1) if match else None


def user_label(token: str) -> str | None:
    match = _USER_MENTION.match(token.strip())
    return match.group(2) if match and match.group(2) else None


def channel_id(token: str) -> str | None:
    token = token.strip()
    match = _CHANNEL_MENTION.match(token) or _PLAIN_CHANNEL.match(token)
    return match.group(1) if match else None


def split_list(value: str) -> list[str]:
    """`a,b，c、d` → ['a', 'b', 'c', 'd'] (ASCII and Chinese separators)."""
    return [part.strip() for part in re.split(r"[,，、;；]", value or "") if part.strip()]


def take_options(tokens: list[str], keys: dict[str, int]) -> tuple[list[str], dict[str, list[str]]]:
    """Split `name words… key v key v1 v2` into leading words and {key: values}.

    `keys` maps each option word to how many values follow it (-1: up to the next key).
    """
    leading: list[str] = []
    options: dict[str, list[str]] = {}
    i = 0
    while i < len(tokens):
        word = tokens[i].lower()
        if word in keys:
            count = keys[word]
            j = i + 1
            values: list[str] = []
            while j < len(tokens) and (count < 0 or len(values) < count) and tokens[j].lower() not in keys:
                values.append(tokens[j])
                j += 1
            options[word] = values
            i = j
        else:
            if options:  # stray word after options: keep it with the last option
                last = list(options)[-1]
                options[last].append(tokens[i])
            else:
                leading.append(tokens[i])
            i += 1
    return leading, options


_PAGE = re.compile(r"(?:^|\s)(?:page\s*(\d{1,4})|第\s*(\d{1,4})\s*页)\s*$", re.IGNORECASE)


def take_page(text: str) -> tuple[str, int]:
    """`list 华东制造 page 2` → ("list 华东制造", 2); `第2页` likewise; no page → (text, 1)."""
    match = _PAGE.search(text or "")
    if match is None:
        return text, 1
    return text[: match.start()].rstrip(), max(1, int(match[1] or match[2]))
