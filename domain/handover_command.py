"""Reading `/handover <start> [time] [to] <end> [time] [reason…] [via @someone]` (SPEC §4.2).

Pure: the words come from `domain.args.tokenize`, `today` is the team's local date. Dates
are the visit grammar (`domain.dates`): ISO, `12-10`, `tomorrow`, `fri`, `next fri`,
`in 3 days`, `明天`, `下周五`, `12月10日`; times are optional (`9:00`, `2pm`, `下午3点`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from domain.args import user_id
from domain.dates import (
    NEXT,
    DateError,
    parse_time,
    read_day,
    read_day_time,
    read_range,
    read_range_end,
)
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
    """The request in `words`; a missing end date means a single day.

    A leave window looks forward: `周五`, `8号` and `1月5日` are the next such days. A
    range in one to three words (`12月8日-12月10日`, `8-10号`, `下周一 至 下周三`, `mon to
    fri`) is read by `domain.dates`; an end weekday or day of the month counts from the
    start (`mon fri` said on a Tuesday is next week's), and an end still before the start
    is refused with both dates, never moved."""
    words, via = _take_via(list(words))
    whole = _take_range(words, today)
    if whole is not None:
        (first, last), pos = whole
        last_time, pos = _take_time(words, pos)
        return HandoverCommand(first, last, None, last_time, _reason(words, pos), via)
    start, start_time, pos = _take_date(words, 0, today)
    if start is None:
        raise CommandError("bad_date", words[0] if words else "")
    if start_time is None:
        start_time, pos = _take_time(words, pos)
    range_word = pos < len(words) and words[pos].lower() in RANGE_WORDS
    end_from = pos + 1 if range_word else pos
    end, end_time, after = _take_end(words, end_from, start, today)
    if end is None:
        if range_word:
            raise CommandError("bad_date", words[end_from] if end_from < len(words) else "")
        return HandoverCommand(start, start, start_time, None, _reason(words, pos), via)
    if end < start:
        raise DateError("end_before_start", " ".join(words[:after]), start=start, end=end)
    if end_time is None:
        end_time, after = _take_time(words, after)
    return HandoverCommand(start, end, start_time, end_time, _reason(words, after), via)


def _reason(words: list[str], pos: int) -> str | None:
    return " ".join(words[pos:]).strip()[:REASON_LIMIT] or None


def _take_range(words: list[str], today: date) -> tuple[tuple[date, date], int] | None:
    """The first one to three words when they read as a range, not as one day."""
    for count in range(1, min(MAX_DATE_WORDS, len(words)) + 1):
        typed = " ".join(words[:count])
        if count == 1 and read_day_time(typed, today, NEXT) is not None:
            return None  # one day, perhaps with its time: read word by word
        found = read_range(typed, today, NEXT)
        if found is not None and read_day(typed, today, NEXT) is None:
            return (found.start, found.end), count
    return None


def _take_via(words: list[str]) -> tuple[list[str], str | None]:
    for index, word in enumerate(words):
        if word.lower() in VIA_WORDS:
            target = words[index + 1] if index + 1 < len(words) else ""
            slack_id = user_id(target) if target else None
            if slack_id is None:
                raise CommandError("bad_via", target)
            return words[:index] + words[index + 2 :], slack_id
    return words, None


def _take_date(words: list[str], pos: int, today: date) -> tuple[date | None, time | None, int]:
    """The date at `pos`, with a time written straight after it (`明天下午3点`).

    Shortest first: `fri` must not swallow the word after it, `next fri` needs two."""
    for count in range(1, MAX_DATE_WORDS + 1):
        if pos + count > len(words):
            break
        found = read_day_time(" ".join(words[pos : pos + count]), today, NEXT)
        if found is not None:
            return found[0], found[1], pos + count
    return None, None, pos


def _take_end(words: list[str], pos: int, start: date, today: date) -> tuple[date | None, time | None, int]:
    """The end date at `pos`: a bare weekday or day of the month counts from `start`."""
    for count in range(1, MAX_DATE_WORDS + 1):
        if pos + count > len(words):
            break
        typed = " ".join(words[pos : pos + count])
        end = read_range_end(typed, start, today)
        if end is not None:
            return end, None, pos + count
        found = read_day_time(typed, today, NEXT)
        if found is not None:
            return found[0], found[1], pos + count
    return None, None, pos


def _take_time(words: list[str], pos: int) -> tuple[time | None, int]:
    # Longest first: `3:30 pm` read as 3:30 alone would leave `pm` in the reason.
    for count in range(MAX_TIME_WORDS, 0, -1):
        if pos + count > len(words):
            continue
        found = parse_time(" ".join(words[pos : pos + count]))
        if found is not None:
            return found, pos + count
    return None, pos
