"""Every template compiles in every locale, every sentence has a Chinese translation,
and user text is escaped for mrkdwn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import Undefined

from rendering.i18n import (
    LOCALES,
    TEMPLATES_DIR,
    Texts,
    environment,
    negotiate_locale,
    slack_escape,
)

TEMPLATE_NAMES = sorted(str(p.relative_to(TEMPLATES_DIR)) for p in TEMPLATES_DIR.rglob("*.j2"))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_compiles_and_its_macros_exist(locale, name):
    template = environment(locale).get_template(name)
    module = template.make_module({"reader_tz": "Asia/Shanghai"}) if _only_macros(name) else None
    assert template is not None
    if module is not None:
        macros = [k for k in dir(module) if not k.startswith("_")]
        assert macros, f"{name} defines no macros"


def _only_macros(name: str) -> bool:
    text = (TEMPLATES_DIR / name).read_text("utf-8")
    return "{% macro" in text and "{{" not in text.split("{% macro", 1)[0]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", [n for n in TEMPLATE_NAMES if n.endswith("usage.j2")])
def test_usage_texts_render(locale, name):
    text = Texts(locale).render(name)
    assert "/" + name.split("/")[0] in text.replace("/visit", "/visit")


def test_the_catalog_check_passes():
    """`python3 dev.py i18n check`: every sentence translated, no duplicate, .mo up to date."""
    result = subprocess.run([sys.executable, "-m", "scripts.i18n"], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert result.returncode == 0, "python3 dev.py i18n check:\n" + result.stdout + result.stderr


def test_chinese_really_differs_from_english():
    assert Texts("zh").macro("common", "internal_error") != Texts("en").macro("common", "internal_error")


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<https://x|y>", "&lt;https://x|y&gt;"),
        ("R&D", "R&amp;D"),
        ("*bold* _i_", "*bold* _i_"),
        (None, ""),
    ],
)
def test_slack_escape(raw, escaped):
    assert slack_escape(raw) == escaped


@pytest.mark.parametrize(
    ("slack", "team", "expected"),
    [("zh-CN", "en", "zh"), ("en-US", "zh", "en"), ("ja-JP", "zh", "zh"), (None, "en", "en"), (None, None, "en"), ("zh_TW", None, "zh")],
)
def test_locale_negotiation(slack, team, expected):
    assert negotiate_locale(slack, team) == expected


def test_strict_undefined_catches_missing_variables():
    with pytest.raises(Exception):  # noqa: B017 - jinja2.UndefinedError
        Texts("en").macro("amteam/messages", "done_customer", Undefined())


def test_dates_and_money_follow_the_reader_locale():
    from datetime import date

    en, zh = environment("en"), environment("zh")
    day = "{{ d|date('MMMEd') }}"
    assert en.from_string(day).render(d=date(2026, 12, 1)) == "Tue, Dec 1"
    assert zh.from_string(day).render(d=date(2026, 12, 1)) == "12月1日周二"
    assert "12,000" in en.filters["currency"](12000) and "¥" in zh.filters["currency"](12000)


def test_a_moment_shows_as_the_readers_calendar_day():
    """23:30 UTC on Dec 7 is already Tuesday Dec 8, 07:30 in Shanghai."""
    from datetime import UTC, datetime

    moment = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    shanghai = environment("en").from_string("{{ m|date('MMMd') }}").render(m=moment, reader_tz="Asia/Shanghai")
    london = environment("en").from_string("{{ m|date('MMMd') }}").render(m=moment, reader_tz="Europe/London")
    assert (shanghai, london) == ("Dec 8", "Dec 7")
    in_macro = environment("en").from_string("{% macro d(m) %}{{ m|date('MMMd') }}{% endmacro %}{{ d(m) }}")
    assert in_macro.render(m=moment, reader_tz="Asia/Shanghai") == "Dec 8"


def test_every_plural_counts_with_a_number():
    """`{% pluralize %}` counts with the first variable of its `{% trans %}`: when that is
    not the count (a date span, a name), Chinese's gettext fails on the string at run time,
    so such a block must name its count (`{% pluralize count %}`)."""
    import re

    unnamed = []
    for name in TEMPLATE_NAMES:
        text = (TEMPLATES_DIR / name).read_text("utf-8")
        for block in re.finditer(r'\{% trans ([^%]*?)%\}((?:(?!\{% endtrans %\}).)*?)\{% pluralize( \w+)? %\}', text, flags=re.S):
            variables = re.sub(r'^"[^"]*"\s*', "", block.group(1).strip())
            first = re.match(r"(\w+)", variables)
            if first and not block.group(3) and first.group(1) not in {"count", "n", "num"}:
                unnamed.append(f"{name}: {variables[:60]}")
    assert unnamed == []
