"""Finding the right person for a backend question (SPEC §4.3): topic, level, responder.

"Right" means, in order: whose responsibility the topic is, at a seniority that fits the
difficulty, who is not away (else their backup), and — fairly among those — who is at
work now and was assigned a question of this topic at this level least recently, ties
going to the fewest open questions of this topic at this level. Counts never mix levels
or topics: a first-line responder who also covers level 2 is not skipped at level 1 for
their level-2 work.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.refusal import Refusal

MIN_LEVEL = 1
MAX_LEVEL = 3
# SLA per level in minutes: 2 h, 4 h and one working day. A working day is taken as
# 09:00–18:00, i.e. 540 minutes, because that is the span a responder is expected to
# be reachable; a team that counts 8 h sets `sla_minutes: {3: 480}` in its YAML.
DEFAULT_SLA_MINUTES: dict[int, int] = {1: 120, 2: 240, 3: 540}


@dataclass(frozen=True)
class Candidate:
    """A responder listed for the topic at `level`, as of now. Counts and turns are this
    topic's at this level only; `last_assigned` orders assignments (a larger number is
    more recent; None: never assigned here)."""

    member_id: int
    level: int
    away: bool  # on leave: their backup stands in
    backup_id: int | None
    backup_away: bool
    open_count: int
    backup_open_count: int
    position: int  # order in the topic's responder list at this level
    at_work: bool = True  # within their working hours on a working day
    last_assigned: int | None = None
    backup_at_work: bool = True
    backup_last_assigned: int | None = None


@dataclass(frozen=True)
class RoutingChoice:
    member_id: int
    level: int
    via_backup_of: int | None  # the away responder this one stands in for
    skipped_levels: tuple[int, ...]  # requested levels where nobody was available

    @property
    def escalated_from(self) -> int | None:
        """The level asked for, when the question had to go higher; the asker is told."""
        return self.skipped_levels[0] if self.skipped_levels else None


@dataclass(frozen=True)
class _Option:
    member_id: int
    open_count: int
    via_backup_of: int | None
    position: int
    at_work: bool
    last_assigned: int | None

    def turn(self) -> tuple[int, int, int, int]:
        """Who goes first: never assigned, then least recently; fewest open; list order."""
        never = self.last_assigned is None
        return (0 if never else 1, self.last_assigned or 0, self.open_count, self.position)


def _available_at(
    candidates: Sequence[Candidate], level: int, exclude_ids: Collection[int]
) -> list[_Option]:
    options: dict[int, _Option] = {}
    at_level = sorted((c for c in candidates if c.level == level), key=lambda c: c.position)
    for c in at_level:
        if not c.away:
            option = _Option(c.member_id, c.open_count, None, c.position, c.at_work, c.last_assigned)
        elif c.backup_id is not None and not c.backup_away:
            option = _Option(c.backup_id, c.backup_open_count, c.member_id, c.position, c.backup_at_work, c.backup_last_assigned)
        else:
            continue
        if option.member_id in exclude_ids:
            continue
        known = options.get(option.member_id)
        # A person listed in their own right beats the same person standing in as a backup,
        # so a present responder is never reported as "via backup".
        if known is None or (known.via_backup_of is not None and option.via_backup_of is None):
            options[option.member_id] = option
    return sorted(options.values(), key=lambda o: o.position)


def choose_responder(
    candidates: Sequence[Candidate],
    level: int,
    max_level: int = MAX_LEVEL,
    *,
    exclude_ids: Collection[int] = (),
) -> RoutingChoice | None:
    """The responder for a question at `level`, going up a level when nobody is there.

    Among the available at the level, those at work now come first (outside everyone's
    working hours, all of them); of those, the one assigned least recently here (never
    assigned: first of all), then the fewest open questions here, then list order. So two
    people at one level alternate, and a third joining the rotation gets the next one.
    `exclude_ids` leaves out, e.g., the asker or the person it is being moved away from.
    """
    if level < MIN_LEVEL:
        raise ValueError(f"level must be at least {MIN_LEVEL}, got {level}")
    for current in range(level, max_level + 1):
        options = _available_at(candidates, current, exclude_ids)
        if not options:
            continue
        working = [o for o in options if o.at_work] or options
        pick = min(working, key=_Option.turn)
        return RoutingChoice(
            pick.member_id, current, pick.via_backup_of, tuple(range(level, current))
        )
    return None


def sla_minutes_for(level: int, sla_map: Mapping[Any, Any] | None = None) -> int:
    """The topic's SLA for a level; YAML gives int keys, JSON columns give string keys
    (values as configured: anything that is not a positive whole number means the default)."""
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise ValueError(f"level must be {MIN_LEVEL}–{MAX_LEVEL}, got {level}")
    configured = (sla_map or {}).get(level, (sla_map or {}).get(str(level)))
    try:
        minutes = int(configured) if configured is not None else 0
    except (TypeError, ValueError):
        minutes = 0
    return minutes if minutes > 0 else DEFAULT_SLA_MINUTES[level]


# --- topics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicKeywords:
    key: str
    keywords: tuple[str, ...]


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _fold(text: str) -> str:
    # Full-width Latin from a Chinese IME ("ＭＰＬＳ") should match "MPLS".
    return unicodedata.normalize("NFKC", text).casefold()


def _keyword_hits(text: str, keyword: str) -> bool:
    keyword = _fold(keyword).strip()
    if not keyword:
        return False
    if _CJK.search(keyword):
        # Chinese has no spaces between words, so a substring is the only sensible match.
        return keyword in text
    # ASCII boundaries rather than \b: "MPLS专线" has no \b after "MPLS", since 专 is \w.
    pattern = rf"(?<![0-9a-z]){re.escape(keyword)}(?![0-9a-z])"
    return re.search(pattern, text) is not None


def match_topic(text: str, topics: Sequence[TopicKeywords]) -> list[str]:
    """Topic keys whose keywords occur in the text, most distinct keywords first.

    Ties go to the topic with the longest matching keyword (more specific), then to the
    configured order. Topics with no hit are left out.
    """
    folded = _fold(text or "")
    scored = []
    for order, topic in enumerate(topics):
        hits = [k for k in topic.keywords if _keyword_hits(folded, k)]
        if hits:
            scored.append((-len(hits), -max(len(k) for k in hits), order, topic.key))
    return [key for *_, key in sorted(scored)]


# --- /ask text ------------------------------------------------------------------------


class AskParseError(Refusal, ValueError):
    """Bad /ask text; `code` is bad_level (with the `value` given) or empty_question."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__("ask." + code, usage=True, **params)


@dataclass(frozen=True)
class AskRequest:
    topic_key: str | None  # lower-cased; None: pick by keywords or ask the user
    level: int | None  # None: the default, level 1
    question: str


_TOPIC_TOKEN = re.compile(r"#([^\s#<>|!]+)")
_CHANNEL_TOKEN = re.compile(r"<#[CG][A-Z0-9]+\|([^\s#<>|!]+)>")
_LEVEL_TOKEN = re.compile(r"!([+-]?\d+)")
_LEADING_TOKEN = re.compile(r"\s*(\S+)")


def parse_ask(text: str | None) -> AskRequest:
    """`/ask [#topic] [!1|!2|!3] <question>`; the two options lead, in either order.

    A leading `#word` names a topic — and so does Slack's `<#C123|word>`: when the
    workspace has a channel called `#word`, Slack delivers what was typed as a channel
    mention. A channel mentioned later stays in the question. Full-width `＃` and `！` from
    a Chinese IME count as well.
    """
    rest = text or ""
    topic_key: str | None = None
    level: int | None = None
    while match := _LEADING_TOKEN.match(rest):
        token = unicodedata.normalize("NFKC", match.group(1))
        if topic_key is None and (topic := _TOPIC_TOKEN.fullmatch(token) or _CHANNEL_TOKEN.fullmatch(token)):
            topic_key = topic.group(1).casefold()
        elif level is None and (given := _LEVEL_TOKEN.fullmatch(token)):
            level = int(given.group(1))
            if not MIN_LEVEL <= level <= MAX_LEVEL:
                raise AskParseError("bad_level", value=given.group(1))
        else:
            break
        rest = rest[match.end() :]
    question = rest.strip()
    if not question:
        raise AskParseError("empty_question")
    return AskRequest(topic_key, level, question)


# --- /ask kb ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KbCommand:
    """`/ask kb …`: list (live), retired, help, show, edit, retire, restore, merge."""

    action: str
    entry_id: int | None = None
    target_id: int | None = None


KB_WORDS = frozenset({"kb", "知识库"})
_KB_ACTIONS = {
    "show": "show", "查看": "show",
    "edit": "edit", "编辑": "edit", "修改": "edit",
    "retire": "retire", "停用": "retire", "下线": "retire",
    "restore": "restore", "恢复": "restore",
    "merge": "merge", "合并": "merge",
    "retired": "retired", "已停用": "retired",
    "help": "help", "帮助": "help",
}
_KB_ID = re.compile(r"[#]?k?(\d{1,9})")
_KB_INTO = re.compile(r"\s*(?:into|to|->|→|到|进|入)\s*")


def parse_kb_command(text: str | None) -> KbCommand:
    """`kb [retired | <id> | edit|retire|restore <id> | merge <id> into <id>]`, the Chinese
    words too (`知识库 合并 12 到 7`); ids as `12`, `K12` or `#K12`."""
    rest = unicodedata.normalize("NFKC", text or "").casefold().strip()
    if not rest:
        return KbCommand("list")
    if whole := _KB_ID.fullmatch(rest):
        return KbCommand("show", int(whole.group(1)))
    word = next((w for w in sorted(_KB_ACTIONS, key=len, reverse=True) if rest.startswith(w)), None)
    if word is None:
        raise Refusal("ask.kb_usage", usage=True)
    action = _KB_ACTIONS[word]
    args = rest[len(word) :].strip()
    if action in ("retired", "help"):
        if args:
            raise Refusal("ask.kb_usage", usage=True)
        return KbCommand(action)
    if action == "merge":
        parts = [p for p in _KB_INTO.split(args, maxsplit=1) if p] if _KB_INTO.search(args) else args.split()
        found = [_KB_ID.fullmatch(p.strip()) for p in parts]
        if len(found) != 2 or not all(found):
            raise Refusal("ask.kb_usage", usage=True)
        source, target = (int(m.group(1)) for m in found if m)
        return KbCommand("merge", source, target)
    single = _KB_ID.fullmatch(args)
    if single is None:
        raise Refusal("ask.kb_usage", usage=True)
    return KbCommand(action, int(single.group(1)))
