"""Block Kit for `/amteam` lists: the team (`show`) and its customers (`customer list`),
paged (rendering/pages.py) so a team of any size is shown whole."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rendering import blocks as bk
from rendering.i18n import Texts
from rendering.pages import Entry, More, list_message
from services.channel_health import current_problem
from services.customer_admin import CustomerLine
from services.customer_transfer import PortfolioBrief
from services.team_admin import TeamSnapshot
from slackio import ids

SHOW = "amteam/show"
MESSAGES = "amteam/messages"
INLINE_PEOPLE = 20  # people per line in an inline list (the unpaired reps)


def _text(value: object) -> str:
    return str(value).strip()


def show_message(texts: Texts, s: TeamSnapshot, *, page: int = 1, years_to_confirm: Sequence[int] = (), own_days: Sequence[Any] = ()) -> dict[str, Any]:
    """The team at a glance; `years_to_confirm` (no official make-up days known, none of the
    team's own) and `own_days` (the team's own calendar days ahead) close the list."""
    m = texts.macros(SHOW)
    team = s.team
    head_text = _text(m.team_line(team))
    head = [bk.section(head_text)]
    problem = current_problem(team)
    if problem:  # on every page, until a post gets through
        assert team.channel is not None
        head.append(bk.section(texts.macro(MESSAGES, "channel_problem_line", team.channel, problem, team.post_error_at)))
    entries = [Entry(_text(m.managers(s.managers))), Entry(_text(m.reps_heading(len(s.reps))))]
    entries += [Entry(_text(m.rep_line(p))) for p in s.reps]
    entries.append(Entry(_text(m.support_heading(len(s.support)))))
    entries += [Entry(_text(m.support_line(p))) for p in s.support]
    entries.append(Entry(_text(m.customers_line(s.customers_by_tier))))
    entries.append(Entry(_text(m.topics_heading(len(s.topics)))))
    entries += [Entry(_text(m.topic_line(t))) for t in s.topics]
    for start in range(0, len(s.unpaired), INLINE_PEOPLE):
        entries.append(Entry(_text(m.unpaired(s.unpaired[start : start + INLINE_PEOPLE]))))
    if years_to_confirm:
        entries.append(Entry(_text(m.makeup_warning(list(years_to_confirm)))))
    if own_days:
        entries.append(Entry(_text(m.own_days(list(own_days)))))
    more = More(ids.AMTEAM_SHOW_MORE, f"{ids.AMTEAM} show")
    return list_message(texts, head, entries, page=page, more=more, fallback=head_text)


def customer_list_message(
    texts: Texts, team_name: str, customers: list[CustomerLine], *, page: int = 1, query: str = "", owner: str | None = None, tier: str | None = None
) -> dict[str, Any]:
    """`customer list [@owner] [tier]`: a page of the team's customers; the More button
    carries the filters."""
    m = texts.macros(MESSAGES)
    head_text = _text(m.customers_heading(team_name, len(customers), owner, tier))
    entries = [Entry(_text(m.customer_line(c))) for c in customers]
    more = More(ids.CUSTOMER_LIST_MORE, f"{ids.AMTEAM} customer list {query}".rstrip(), query)
    return list_message(texts, [bk.section(head_text)], entries, page=page, more=more, fallback=head_text)


RECEIVED = "amteam/received"
RECEIVED_LIMIT = 10  # customers and follow-ups listed; the rest are counted


def text_message(text: str) -> dict[str, Any]:
    return bk.message(text, [bk.section(text)])


def received_message(texts: Texts, brief: PortfolioBrief, *, reason: str, questions: int = 0) -> dict[str, Any]:
    """The new owner's brief: who they took over from, then each customer's key facts,
    last visits and cadence, then the open follow-ups that came with them."""
    m = texts.macros(RECEIVED)
    intro = _text(m.intro(brief, reason, questions))
    blocks: list[bk.Block] = [bk.section(intro)]
    for customer in brief.customers[:RECEIVED_LIMIT]:
        blocks += bk.sections(_text(m.customer(customer)))
    if len(brief.customers) > RECEIVED_LIMIT:
        blocks.append(bk.context(_text(m.more(len(brief.customers) - RECEIVED_LIMIT))))
    if brief.followups:
        lines = [_text(m.followups_title(len(brief.followups)))]
        lines += [_text(m.followup(f)) for f in brief.followups[:RECEIVED_LIMIT]]
        if len(brief.followups) > RECEIVED_LIMIT:
            lines.append(_text(m.more(len(brief.followups) - RECEIVED_LIMIT)))
        blocks += bk.sections("\n".join(lines))
    blocks.append(bk.context(_text(m.footer())))
    return bk.message(intro, blocks)
