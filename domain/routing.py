"""Finding the right person for a backend question (SPEC §4.3): topic, level, responder.

"Right" means, in order: whose responsibility the topic is, at a seniority that fits the
difficulty, who is at work (else their backup), and who has the fewest open questions.
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
    member_id: int
    level: int
    away: bool
    backup_id: int | None
    backup_away: bool
    open_count: int
    backup_open_count: int
    position: int  # order in the topic's responder list at this level


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


def _available_at(
    candidates: Sequence[Candidate], level: int, exclude_ids: Collection[int]
) -> list[_Option]:
    options: dict[int, _Option] = {}
    at_level = sorted((c for c in candidates if c.level == level), key=lambda c: c.position)
    for c in at_level:
        if not c.away:
            option = _Option(c.member_id, c.open_count, None, c.position)
        elif c.backup_id is not None and not c.backup_away:
            option = _Option(c.backup_id, c.backup_open_count, c.member_id, c.position)
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
    rotation_index: int,
    exclude_ids: Collection[int] = (),
) -> RoutingChoice | None:
    """The responder for a question at `level`, going up a level when nobody is there.

    Among the available, the fewest open questions wins; a tie goes round-robin by
    `rotation_index` (e.g. the number of questions routed on this topic so far), so the
    choice is deterministic and still spreads work. `exclude_ids` leaves out, e.g., the
    asker or the person a question is being reassigned away from.
    """
    if level < MIN_LEVEL:
        raise ValueError(f"level must be at least {MIN_LEVEL}, got {level}")
    for current in range(level, max_level + 1):
        options = _available_at(candidates, current, exclude_ids)
        if not options:
            continue
        fewest = min(o.open_count for o in options)
        tied = [o for o in options if o.open_count == fewest]
        pick = tied[rotation_index % len(tied)]
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
