"""Block Kit for visits: the visit form, what was stored, lists, follow-ups, reminders.

Text comes from the `visit/` templates; these functions give it shape and keep it inside
Slack's limits (50 blocks a message, 100 a modal, 3,000 characters a section).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.quicklog import VISIT_TYPES
from domain.refusal import Refusal
from domain.visit_form import MAX_FOLLOWUP_ROWS, FollowupRow, VisitDraft, row_block_ids
from rendering import blocks as bk
from rendering.i18n import Texts, slack_escape
from rendering.pages import Entry, More, Page, list_message, page_message, paginate
from slackio import ids

Block = dict[str, Any]
MESSAGE_ITEMS = 20  # follow-ups in one message: 2 blocks each, well inside 50
PLAN_ITEMS = 10  # planned visits listed under `/visit list`; the rest are counted
LIST_PAGE_CHARS = 6000  # a page of a short list of visits with what follows it, or of what follows a long one
VISIT_CHARS = 400  # a visit's summary, as counted when cutting what follows the last page of visits
FOLLOWUPS_PAGE = 20  # `/visit followups`: follow-ups a page, each with its row of buttons (2 blocks)
TEXT_MAX = 3000  # Slack's plain_text_input maximum


def customer_label(name: str, aliases: list[str] | None = None) -> str:
    extra = ", ".join(aliases or [])
    return f"{name} ({extra})" if extra else name


def customer_option(customer_id: int, name: str, aliases: list[str] | None = None) -> Block:
    return bk.option(customer_label(name, aliases), str(customer_id))


# --- the form ----------------------------------------------------------------------------


def _offered(visit_types: tuple[str, ...], current: str | None) -> list[str]:
    """The team's kinds of visit, and the one a visit being edited already has."""
    return [kind for kind in VISIT_TYPES if kind in visit_types or kind == current]


def visit_modal(
    texts: Texts,
    draft: VisitDraft,
    *,
    customer: Block | None,
    metadata: dict[str, Any],
    editing: bool = False,
    require_due: bool = False,
    done_count: int = 0,
    default_owner: str | None = None,
    visit_types: tuple[str, ...] = VISIT_TYPES,
) -> dict[str, Any]:
    """The visit form. Rows of `draft.followups` become follow-up rows (at least one)."""
    t = lambda name, *a, **kw: texts.macro("visit/modal", name, *a, **kw)  # noqa: E731
    rows = list(draft.followups) or [FollowupRow(None)]
    blocks: list[Block] = [
        bk.input_block(
            "customer",
            t("label_customer"),
            bk.external_select(ids.VISIT_CUSTOMER, initial=customer, placeholder=t("placeholder_customer")),
        ),
        bk.input_block("date", t("label_date"), bk.date_input("date", initial=_iso(draft.visit_date))),
        bk.input_block(
            "type",
            t("label_type"),
            bk.static_select(
                "type",
                [bk.option(texts.macro("visit/messages", "type_name", kind), kind) for kind in _offered(visit_types, draft.type)],
                initial_value=draft.type or "onsite",
            ),
        ),
        _text_block("purpose", t("label_purpose"), draft.purpose, t("placeholder_purpose")),
        _text_block("needs", t("label_needs"), draft.needs, t("placeholder_needs")),
        _text_block("concerns", t("label_concerns"), draft.concerns, t("placeholder_concerns")),
        _text_block("notes", t("label_notes"), draft.notes),
        bk.divider(),
        bk.section(t("followups_heading")),
    ]
    if require_due:
        blocks.append(bk.context(t("followups_due_required")))
    if done_count:
        blocks.append(bk.context(t("done_followups", done_count)))
    for index, row in enumerate(rows[:MAX_FOLLOWUP_ROWS]):
        text_id, due_id, owner_id = row_block_ids(index)
        number = index + 1
        blocks.append(
            bk.input_block(
                text_id,
                t("label_followup", number),
                bk.text_input(text_id, initial=row.text, placeholder=t("placeholder_followup"), max_length=TEXT_MAX),
                optional=True,
            )
        )
        blocks.append(bk.input_block(due_id, t("label_due", number), bk.date_input(due_id, initial=_iso(row.due)), optional=True))
        owner = row.owner_slack_id or default_owner
        blocks.append(bk.input_block(owner_id, t("label_owner", number), bk.users_select(owner_id, initial_user=owner), optional=True))
    if len(rows) < MAX_FOLLOWUP_ROWS:
        blocks.append(bk.actions(bk.button(t("add_followup"), ids.VISIT_ADD_FOLLOWUP, value="add"), block_id="add_followup"))
    blocks.append(bk.divider())
    blocks.append(
        bk.input_block("next_visit", t("label_next_visit"), bk.date_input("next_visit", initial=_iso(draft.next_visit)), optional=True)
    )
    return bk.modal(
        ids.VISIT_MODAL,
        t("title_edit") if editing else t("title_new"),
        blocks,
        submit=t("submit"),
        close=t("close"),
        private_metadata=dict(metadata, rows=len(rows[:MAX_FOLLOWUP_ROWS])),
    )


def _text_block(block_id: str, label: str, initial: str | None, placeholder: str | None = None) -> Block:
    element = bk.text_input(block_id, initial=initial, multiline=True, placeholder=placeholder, max_length=TEXT_MAX)
    return bk.input_block(block_id, label, element, optional=True)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- messages ----------------------------------------------------------------------------


def stored_message(texts: Texts, visit: Any, status: str) -> dict[str, Any]:
    """What was stored, with Edit and Withdraw buttons; `status` is logged, updated,
    restored or already. Follow-ups the change withdrew each get an Undo button."""
    m = lambda name, *a, **kw: texts.macro("visit/messages", name, *a, **kw)  # noqa: E731
    text = texts.render("visit/stored", v=visit, status=status)
    body = bk.sections(text)
    for followup in visit.withdrawn:
        undo = bk.button(m("button_undo"), ids.FOLLOWUP_RESTORE, value=str(followup.id))
        body.append(bk.section(m("followup_withdrawn", followup.text), accessory=undo, block_id=f"fu_restore:{followup.id}"))
    buttons = []
    if visit.editable:
        buttons.append(bk.button(m("button_edit"), ids.VISIT_EDIT, value=str(visit.id)))
    if visit.withdrawable:
        buttons.append(withdraw_button(texts, visit))
    if buttons:
        body.append(bk.actions(*buttons, block_id=f"visit:{visit.id}"))
    return bk.message(text, body)


def withdraw_button(texts: Texts, visit: Any) -> Block:
    """Withdraw, after a confirmation; its value carries the version it was drawn from."""
    m = lambda name, *a, **kw: texts.macro("visit/messages", name, *a, **kw)  # noqa: E731
    confirm = bk.confirm_dialog(m("confirm_withdraw_title"), m("confirm_withdraw_text", visit), m("button_withdraw"), m("button_keep"))
    return bk.button(m("button_withdraw"), ids.VISIT_WITHDRAW, value=f"{visit.id}:{visit.version}", confirm=confirm)


def withdrawn_message(texts: Texts, visit: Any) -> dict[str, Any]:
    """A visit just withdrawn, with Undo."""
    text = texts.macro("visit/messages", "visit_withdrawn", visit)
    undo = bk.button(texts.macro("visit/messages", "button_undo"), ids.VISIT_RESTORE, value=str(visit.id))
    return bk.message(text, [bk.section(text, accessory=undo)])


def history_message(texts: Texts, history: Any) -> dict[str, Any]:
    text = texts.render("visit/history", h=history)
    return bk.message(bk.clip(text, 3000), bk.sections(text))


def visit_list_message(texts: Texts, listing: Any, *, page: int = 1, query: str = "") -> dict[str, Any]:
    """`/visit list [customer]`, page `page`: each visit with its Edit button, then the
    planned visits and the customers past their cadence, a line each.

    `listing.visits` are page `page`'s (or all of them when `listing.shown` is not set;
    `listing.per_page` a page, at most one section
    each, so a page of visits always fits a message); what follows the visits starts on
    the last page of visits and goes on over pages of its own, cut to Slack's limits. A
    list of one page of visits is cut with what follows it as one list."""
    head = texts.render(
        "visit/list",
        customer=listing.customer,
        status=listing.customer_status,
        team_wide=listing.team_wide,
        total=listing.total,
        shown=listing.reach,
    )
    visit_pages = max(1, -(-listing.reach // listing.per_page))
    visits = listing.visits
    if listing.shown is None and visit_pages > 1:  # given them all: this page's
        visits = visits[(page - 1) * listing.per_page : page * listing.per_page]
    parts = texts.macros("visit/parts")
    edit = texts.macro("visit/messages", "button_edit")
    entries = [
        Entry(str(parts.summary(v)).strip(), accessory=bk.button(edit, ids.VISIT_EDIT, value=str(v.id)) if v.editable else None)
        for v in visits
    ]
    tail: list[Entry] = []
    if listing.plans:
        tail.append(Entry(texts.render("visit/plans", plans=listing.plans[:PLAN_ITEMS], today=listing.today, owners=listing.owners, show_owner=listing.team_wide, more=max(0, len(listing.plans) - PLAN_ITEMS))))
    if listing.past_cadence:
        tail.append(Entry(texts.macro("visit/cadence", "heading", len(listing.past_cadence))))
        show_owner = listing.team_wide
        tail += [Entry(str(parts.cadence_line(s, listing.owners.get(s.owner_id) if show_owner else None)).strip()) for s in listing.past_cadence]
    more = More(ids.VISIT_LIST_MORE, f"{ids.VISIT} list {query}".rstrip(), query)
    fallback = "\n".join([head] + [f"• {slack_escape(v.customer_name)} {v.visit_date.isoformat()}" for v in visits])
    if visit_pages == 1:
        return list_message(texts, [bk.section(head)], entries + tail, page=page, more=more, fallback=fallback, chars=LIST_PAGE_CHARS)
    # What follows starts on the last page of visits, after stand-ins for its visits (a
    # section each, of a typical length), so that every page counts the pages alike
    # without reading the last page's visits.
    last = listing.reach - (visit_pages - 1) * listing.per_page
    stand_ins = [Entry("·" * VISIT_CHARS, accessory={}) for _ in range(last)]
    after = paginate(stand_ins + tail, reserved_blocks=3, chars=LIST_PAGE_CHARS)  # head, "page N of M", More
    count = visit_pages - 1 + len(after)
    if page > count:
        raise Refusal("common.no_such_page", page=page, pages=count)
    if page < visit_pages:
        shown = entries
    elif page == visit_pages:
        shown = entries + after[0][last:]
    else:
        shown = after[page - visit_pages]
    return page_message(texts, [bk.section(head)], Page(page, count, shown), more=more, fallback=fallback)


def snooze_button_value(followup_id: int, due: date | None) -> str:
    """`"<id>:<due>"`: the due date the button was drawn with, so a second press of the
    same button (a double click) finds it moved and changes nothing."""
    return f"{followup_id}:{due.isoformat() if due else ''}"


def followup_blocks(texts: Texts, followup: Any, reader: str) -> list[Block]:
    text = texts.macro("visit/parts", "followup_item", followup, reader)
    m = lambda name: texts.macro("visit/messages", name)  # noqa: E731
    value = str(followup.id)
    snooze_value = snooze_button_value(followup.id, followup.due)
    return [
        bk.section(text, block_id=f"fu_text:{followup.id}"),
        bk.actions(
            bk.button(m("button_done"), ids.FOLLOWUP_DONE, value=value, style="primary"),
            bk.button(m("button_snooze_day"), ids.FOLLOWUP_SNOOZE_DAY, value=snooze_value),
            bk.button(m("button_snooze_week"), ids.FOLLOWUP_SNOOZE_WEEK, value=snooze_value),
            block_id=f"fu:{followup.id}",
        ),
    ]


def followups_message(texts: Texts, items: list[Any], reader: str, *, page: int = 1, total: int | None = None) -> dict[str, Any]:
    """`/visit followups`, page `page` (`FOLLOWUPS_PAGE` follow-ups a page), each with Done
    / Snooze: `items` are that page's follow-ups out of `total`, or all of them when
    `total` is not given."""
    if total is None:
        total = len(items)
        items = items[(page - 1) * FOLLOWUPS_PAGE : page * FOLLOWUPS_PAGE]
    pages = max(1, -(-total // FOLLOWUPS_PAGE))
    if page > pages:
        raise Refusal("common.no_such_page", page=page, pages=pages)
    head = texts.render("visit/followups", count=total)
    entries = [
        Entry(blocks[0]["text"]["text"], after=tuple(blocks[1:]), block_id=blocks[0].get("block_id"))
        for blocks in (followup_blocks(texts, item, reader) for item in items)
    ]
    more = More(ids.FOLLOWUPS_MORE, f"{ids.VISIT} followups")
    return page_message(texts, [bk.section(head)], Page(page, pages, entries), more=more, fallback=head)


def reminder_message(texts: Texts, reminder: Any) -> dict[str, Any]:
    reader = reminder.recipient.slack_id
    intro = texts.render("visit/reminder", section="intro", due=len(reminder.due_today), overdue=len(reminder.overdue), count=0)
    body: list[Block] = [bk.section(intro)]
    budget = MESSAGE_ITEMS
    for name, items in (("due_today", reminder.due_today), ("overdue", reminder.overdue)):
        if not items:
            continue
        body.append(bk.section(texts.render("visit/reminder", section=name, count=len(items), due=0, overdue=0)))
        for item in items[:budget]:
            body.extend(followup_blocks(texts, item, reader))
        if len(items) > budget:
            body.append(bk.context(texts.macro("common", "more", len(items) - budget)))
        budget = max(0, budget - len(items))
    for name, plans in (("plans_next", reminder.plans_next), ("plans_missed", reminder.plans_missed)):
        if not plans:
            continue
        lines = [texts.render("visit/reminder", section=name, count=len(plans), due=0, overdue=0)]
        lines += [texts.render("visit/reminder", section="plan", plan=p, missed=name == "plans_missed", count=0, due=0, overdue=0) for p in plans[:MESSAGE_ITEMS]]
        body.extend(bk.sections("\n".join(lines)))
    body.append(bk.context(texts.render("visit/reminder", section="footer", count=0, due=0, overdue=0)))
    return bk.message(intro, body)


def candidates_message(texts: Texts, query: str, candidates: list[Any]) -> dict[str, Any]:
    """Several customers match: one button per candidate opens the form for it."""
    head = texts.macro("visit/messages", "pick_customer", query)
    label = texts.macro("visit/messages", "button_log")
    body: list[Block] = [bk.section(head)]
    for customer in candidates[:10]:
        name = bk.clip(customer_label(customer.name, customer.aliases), 200)
        body.append(
            bk.section(
                f"*{slack_escape(name)}*",
                accessory=bk.button(label, ids.VISIT_PICK_CUSTOMER, value=str(customer.id)),
            )
        )
    return bk.message(head, body)


def replace_followup_actions(message_blocks: list[Block], followup_id: int, note: str) -> list[Block] | None:
    """The pressed message with one follow-up's buttons replaced by `note`; None if absent."""
    target = f"fu:{followup_id}"
    if not any(b.get("block_id") == target for b in message_blocks):
        return None
    return [bk.context(note) if b.get("block_id") == target else b for b in message_blocks]


def assigned_message(texts: Texts, visit: Any, followup: Any, by: str) -> dict[str, Any]:
    """A follow-up someone else assigned to the reader: the customer, the visit it came
    from (date, needs, concerns), the due date, and Done / Snooze."""
    intro = texts.macro("visit/assigned", "intro", visit, followup, by)
    blocks: list[Block] = [bk.section(intro)]
    context_line = texts.macro("visit/assigned", "visit_context", visit)
    if context_line.strip():
        blocks.append(bk.context(context_line))
    blocks += followup_blocks(texts, followup, followup.owner_slack_id or "")
    blocks.append(bk.context(texts.macro("visit/assigned", "footer")))
    return bk.message(intro, blocks)


def calendar_message(texts: Texts, issued: Any, url: str | None) -> dict[str, Any]:
    """`/visit calendar`: the new address (shown this once), or when the current one was made."""
    if url is None:
        text = texts.macro("visit/calendar", "existing", issued.created_at)
    else:
        text = texts.macro("visit/calendar", "issued", url, issued.reset, issued.team_leave)
    return bk.ephemeral(text, bk.sections(text))
