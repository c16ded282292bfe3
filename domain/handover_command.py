"""Reading `/handover <start> [time] [to] <end> [time] [reason…] [via @someone]` (SPEC §4.2).

Pure: the words come from `domain.args.tokenize`, `today` is the team's local date. Dates
are the visit grammar (`domain.dates`): ISO, `12-10`, `tomorrow`, `fri`, `next fri`,
`in 3 days`, `明天`, `下周五`, `12月10日`; times are optional (`9:00`, `2pm`, `下午3点`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from domain.args import user_id
from domain.dates import parse_date, parse_time
from domain.refusal import Refusal

VIA_WORDS = frozenset({"via", "由"})
# Words people put between the two dates: `mon to fri`, `周一 至 周五`.
RANGE_WORDS = frozenset({"to", "until", "till", "-", "–", "—", "~", "至", "到"})
MAX_DATE_WORDS = 3  # `in 3 days`
MAX_TIME_WORDS = 2  # `3:30 pm`
REASON_LIMIT = 500


class CommandError(Refusal, ValueError):
    """The command text cannot be read; `code` names what, `value` is the culprit."""

    def __init__(self, code: str, value: str = "") -> None:
        super().__init__("handover." + code, usage=True, value=value)
        self.value = value


@dataclass(frozen=True)
class HandoverCommand:
    start: date
    end: date
    start_time: time | None = None
    end_time: time | None = None
    reason: str | None = None
    via: str | None = None  # Slack user id of the cover named with `via`


def parse_handover_command(words: list[str], today: date) -> HandoverCommand:
    """The request in `words`; a missing end date means a single day."""
    words, via = _take_via(list(words))
    start, pos = _take_date(words, 0, today)
    if start is None:
        raise CommandError("bad_date", words[0] if words else "")
    start_time, pos = _take_time(words, pos)
    if pos < len(words) and words[pos].lower() in RANGE_WORDS:
        pos += 1
        end, after = _take_date(words, pos, today)
        if end is None:
            raise CommandError("bad_date", words[pos] if pos < len(words) else "")
    else:
        end, after = _take_date(words, pos, today)
    end_time = None
    if end is None:
        end = start
    else:
        end = _end_after_start(" ".join(words[pos:after]), end, start)
        pos = after
        end_time, pos = _take_time(words, pos)
    reason = " ".join(words[pos:]).strip()[:REASON_LIMIT] or None
    return HandoverCommand(start, end, start_time, end_time, reason, via)


def _end_after_start(phrase: str, end: date, start: date) -> date:
    """`/handover mon fri` said on a Tuesday means next Monday to the Friday after it:
    a weekday that falls before the start is read from the start instead."""
    if end >= start:
        return end
    from_start = parse_date(phrase, start)
    if from_start is not None and from_start != end and (from_start - end).days % 7 == 0:
        return from_start
    return end


def _take_via(words: list[str]) -> tuple[list[str], str | None]:
    for index, word in enumerate(words):
        if word.lower() in VIA_WORDS:
            target = words[index + 1] if index + 1 < len(words) else ""
            slack_id = user_id(target) if target else None
            if slack_id is None:
                raise CommandError("bad_via", target)
            return words[:index] + words[index + 2 :], slack_id
    return words, None


def _take_date(words: list[str], pos: int, today: date) -> tuple[date | None, int]:
    # Shortest first: `fri` must not swallow the word after it, `next fri` needs two.
    for count in range(1, MAX_DATE_WORDS + 1):
        if pos + count > len(words):
            break
        found = parse_date(" ".join(words[pos : pos + count]), today)
        if found is not None:
            return found, pos + count
    return None, pos


def _take_time(words: list[str], pos: int) -> tuple[time | None, int]:
    # Longest first: `3:30 pm` read as 3:30 alone would leave `pm` in the reason.
    for count in range(MAX_TIME_WORDS, 0, -1):
        if pos + count > len(words):
            continue
        found = parse_time(" ".join(words[pos : pos + count]))
        if found is not None:
            return found, pos + count
    return None, pos
