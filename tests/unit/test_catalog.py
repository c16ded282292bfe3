"""The Chinese message catalog: one entry per (msgctxt, msgid), every extracted string
translated, the committed .mo in step with the .po, and the texts that used to collide
between the old per-capability catalogs reading right in each place."""

from __future__ import annotations

import shutil
from datetime import date
from types import SimpleNamespace

import pytest
from babel.messages.catalog import Catalog

from rendering import question_blocks
from rendering.i18n import Texts
from scripts import i18n as catalog_check
from services.questions import TopicChoice

PO = catalog_check.po_path("zh")
MO = catalog_check.mo_path("zh")

HEADER = """msgid ""
msgstr ""
"Language: zh\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"Content-Type: text/plain; charset=utf-8\\n"

"""


def write_po(tmp_path, body: str):
    path = tmp_path / "messages.po"
    path.write_text(HEADER + body, "utf-8")
    return path


# --- the committed catalog ------------------------------------------------------------------


def test_no_entry_is_in_the_catalog_twice():
    assert catalog_check.duplicates(PO) == []


def test_every_extracted_string_has_a_chinese_translation():
    template = catalog_check.extracted()
    assert len(template) > 500  # the templates really were read
    assert catalog_check.untranslated(PO, template) == []


def test_committed_mo_matches_the_po():
    assert catalog_check.stale_mo(PO, MO) == []


# --- the checks catch what they are for -----------------------------------------------------


def test_duplicates_are_found_in_the_raw_entries(tmp_path):
    path = write_po(
        tmp_path,
        'msgid "Done"\nmsgstr "完成"\n\n'
        'msgctxt "mark done"\nmsgid "Done"\nmsgstr "标记完成"\n\n'
        'msgid "Done"\nmsgstr "已完成"\n',
    )
    (problem,) = catalog_check.duplicates(path)
    assert "'Done'" in problem and "different translations" in problem
    # The same text under two contexts is two entries, not a duplicate.
    assert catalog_check.duplicates(write_po(tmp_path, 'msgid "Done"\nmsgstr "完成"\n\nmsgctxt "mark done"\nmsgid "Done"\nmsgstr "标记完成"\n')) == []


def test_untranslated_fuzzy_and_half_plural_entries_are_found(tmp_path):
    path = write_po(
        tmp_path,
        'msgid "Save"\nmsgstr "保存"\n\n'
        'msgid "Edit"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Cancel"\nmsgstr "取消"\n\n'
        'msgid "%(count)s day"\nmsgid_plural "%(count)s days"\nmsgstr[0] ""\n',
    )
    template = Catalog()
    for msgid in ("Save", "Edit", "Cancel", ("%(count)s day", "%(count)s days"), "Delete"):
        template.add(msgid, locations=[("templates/x.j2", 1)])
    template.add("Save", context="button")
    problems = "\n".join(catalog_check.untranslated(path, template))
    assert "'Save' (" not in problems
    assert "[button] 'Save'" in problems  # a context is a different entry
    assert "'Edit'" in problems and "'Cancel' (templates/x.j2:1) is fuzzy" in problems
    assert "'%(count)s day'" in problems and "'Delete' (templates/x.j2:1) is missing" in problems


def test_a_stale_mo_is_found(tmp_path):
    po, mo = tmp_path / "messages.po", tmp_path / "messages.mo"
    shutil.copy(PO, po)
    shutil.copy(MO, mo)
    assert catalog_check.stale_mo(po, mo) == []
    text = po.read_text("utf-8")
    assert text.count('msgstr "标记完成"') == 1
    po.write_text(text.replace('msgstr "标记完成"', 'msgstr "已完成"'), "utf-8")
    assert any("'Done' differs" in p for p in catalog_check.stale_mo(po, mo))
    mo.unlink()
    assert catalog_check.stale_mo(po, mo)


def test_babel_cfg_finds_python_and_template_strings_and_skips_tests(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "labels.py").write_text(
        'A = lazy_gettext("Lazy")\nB = pgettext("status", "Open")\nC = _("Plain")\n', "utf-8"
    )
    for skipped in ("tests", "bench"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "x.py").write_text('_("Skipped")\n', "utf-8")
    (tmp_path / "templates" / "sub").mkdir(parents=True)
    (tmp_path / "templates" / "sub" / "t.j2").write_text(
        '{% trans "button" %}Open{% endtrans %} {% trans n=1 %}\n  {{ n }} item\n{% endtrans %}', "utf-8"
    )
    found = {(m.context, m.id) for m in catalog_check.extracted(tmp_path) if m.id}
    assert found == {(None, "Lazy"), ("status", "Open"), (None, "Plain"), ("button", "Open"), (None, "%(n)s item")}


# --- what readers see -----------------------------------------------------------------------


def test_ask_form_buttons_read_right_in_chinese():
    zh = Texts("zh")
    form = question_blocks.ask_modal(zh, [TopicChoice(key="circuit", name="电路")])
    assert (form["submit"]["text"], form["close"]["text"]) == ("提问", "取消")
    # Once the question is sent, the form turns into a message that closes with "Done".
    result = question_blocks.result_view(zh, {"text": "ok"}, title="问题已发送")
    assert result["close"]["text"] == "完成"
    assert "已完成" not in str(form) + str(result)
    assert question_blocks.result_view(Texts("en"), {"text": "ok"}, title="Question sent")["close"]["text"] == "Done"


QUESTION = SimpleNamespace(id=12, text="跨域电路", asked_on=date(2026, 12, 1), level=2, topic=None, asker=None, assignee="U0S1", status="open")
CUSTOMER = SimpleNamespace(name="Acme", tier="key", days_overdue=3)
FOLLOWUP = SimpleNamespace(due=date(2026, 12, 1), overdue_days=3)
WINDOW = SimpleNamespace(whole_days=True, first_day=date(2026, 12, 10), last_day=date(2026, 12, 12))
HANDOVER = SimpleNamespace(id=7, member="U0A1", window=WINDOW, status="accepted", cover="U0B1")
STATUS = SimpleNamespace(mine=[], partner="U0B1", needs_partner=False, asked=[], covering=[], team=[HANDOVER] * 25)


def _macro(template, name, *args):
    return lambda texts: texts.macro(template, name, *args)


def _render(template, **context):
    return lambda texts: texts.render(template, **context)


# Every text that two old catalogs translated differently, in each place it shows.
FORMERLY_CONFLICTING = [
    ("Done: ask result view", _macro("ask/messages", "close_done"), "完成", "Done"),
    ("Done: follow-up button", _macro("visit/messages", "button_done"), "标记完成", "Done"),
    ("this help: /ask", _render("ask/usage"), "`/ask help` — 显示本帮助", "`/ask help` — this help"),
    ("this help: /digest", _render("digest/usage"), "`/digest help` — 显示本帮助", "`/digest help` — this help"),
    ("and more: lists", _macro("common", "more", 5), "……另有 5 项", "…and 5 more"),
    ("and more: team handovers", _render("handover/status", s=STATUS), "……另有 5 项", "…and 5 more"),
    ("with: manager digest", _macro("digest/manager", "question_line", QUESTION), "由 <@U0S1> 负责", "with <@U0S1>"),
    ("with: handover brief", _macro("handover/brief", "question_line", QUESTION), "由 <@U0S1> 负责", "with <@U0S1>"),
    ("overdue: follow-up", _macro("visit/parts", "due_phrase", FOLLOWUP), "已逾期 3 天", "3 days overdue"),
    ("overdue: cadence", _macro("handover/brief", "past_cadence_line", CUSTOMER), "已逾期 3 天", "3 days overdue"),
    *[
        (f"{kind}: {where}", _macro(template, macro, kind), zh, en)
        for kind, zh, en in [("onsite", "面访", "on-site"), ("phone", "电话", "phone"), ("video", "视频", "video"), ("other", "其他方式", "other")]
        for where, template, macro in [("visit", "visit/messages", "type_name"), ("hand-back", "handover/handback", "visit_type")]
    ],
]


@pytest.mark.parametrize(("place", "render", "zh", "en"), FORMERLY_CONFLICTING, ids=[row[0] for row in FORMERLY_CONFLICTING])
def test_formerly_conflicting_texts_read_as_chosen(place, render, zh, en):
    assert zh in render(Texts("zh", "Asia/Shanghai"))
    assert en in render(Texts("en", "Asia/Shanghai"))



# Commands, placeholders, mentions, emoji codes, URLs and numbers keep their ASCII marks;
# what is left of a Chinese sentence uses full-width punctuation. YAML's `key: value`
# (a file's syntax, shown as it must be typed) is the one exception.
_KEPT_ASCII = [
    r"`[^`]*`", r"%\([a-z_]+\)s", r"<[^>]*>", r":[a-z_+0-9-]+:", r"https?://\S+", r"\d[\d:.,/-]*\d",
    r"/amteam calendar add workday", r"calendar: workdays:", r"键: 值", r"“![^”]*”",
]


def test_chinese_sentences_use_full_width_punctuation():
    import re

    from babel.messages.pofile import read_po

    with open(PO, "rb") as handle:
        catalog = read_po(handle)
    offenders = []
    for message in catalog:
        if not message.id:
            continue
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if not isinstance(text, str) or not re.search(r"[\u4e00-\u9fff]", text):
                continue
            stripped: str = text
            for pattern in _KEPT_ASCII:
                stripped = re.sub(pattern, "", stripped)
            if re.search(r"[,;?!()]|(?<![a-zA-Z])\.(?![a-zA-Z])|:(?=\s)", stripped.replace("*", "")):
                offenders.append(text)
    assert offenders == []
