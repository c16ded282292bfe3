"""Templates and translations.

One Jinja2 Environment per known locale, with gettext from the compiled Babel catalog
`templates/locale/<lang>/LC_MESSAGES/messages.mo` (one catalog per language; English needs
none, its msgids are English). `python3 dev.py i18n` extracts, updates and compiles it. No
HTML autoescaping: Slack's mrkdwn needs only `&`, `<` and `>` escaped, which the
`slack_escape` filter does for user data.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from core import clock

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
LOCALE_DIR = TEMPLATES_DIR / "locale"
DOMAIN = "messages"
LOCALES = ("en", "zh")
DEFAULT_LOCALE = "en"
BABEL_LOCALES = {"en": "en_US", "zh": "zh_Hans_CN"}
CURRENCY = {"en": "CNY", "zh": "CNY"}


def negotiate_locale(slack_locale: str | None, team_language: str | None) -> str:
    """A user's Slack locale wins when we speak it; else the team's language."""
    for candidate in (slack_locale, team_language):
        if candidate:
            lang = candidate.replace("_", "-").split("-")[0].lower()
            if lang in LOCALES:
                return lang
    return DEFAULT_LOCALE


def slack_escape(value: object) -> str:
    """Escape user text for mrkdwn so it cannot mention, link or ping anyone."""
    if value is None:
        return ""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(value: object, limit: int = 300) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalog of one language; English (no catalog) translates to itself.

    The plural rule comes from the catalog's `Plural-Forms` header: Chinese has one form,
    so `ngettext` always picks it.
    """
    return Translations.load(str(LOCALE_DIR), [locale], domain=DOMAIN)


class TextsEnvironment(Environment):
    """A Jinja2 Environment that also keeps each template's macros as one module per
    reader's time zone: a macro call does not run the template again."""

    MAX_MODULES = 4000  # templates × time zones in use; a safety bound, never reached in practice

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.modules: dict[tuple[str, str | None], Any] = {}

    def module(self, template_name: str, tz: str | None) -> Any:
        key = (template_name, tz)
        module = self.modules.get(key)
        if module is None:
            name = template_name if template_name.endswith(".j2") else f"{template_name}.j2"
            module = self.get_template(name).make_module({"reader_tz": tz})
            if len(self.modules) >= self.MAX_MODULES:
                self.modules.clear()
            self.modules[key] = module  # two threads may both build it: the same module, harmless
        return module


@cache
def environment(locale: str) -> TextsEnvironment:
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}")
    env = TextsEnvironment(
        # Templates are read once per process: a changed template needs a restart.
        auto_reload=False,
        cache_size=-1,
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.policies["ext.i18n.trimmed"] = True
    # Added by the jinja2.ext.i18n extension at run time, so unknown to Environment's types.
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    babel_locale = Locale.parse(BABEL_LOCALES[locale])
    env.globals["locale"] = locale
    env.filters.update(
        slack_escape=slack_escape,
        truncate_text=truncate,
        date=pass_context(lambda ctx, d, fmt="medium": _format_date(d, fmt, babel_locale, ctx.get("reader_tz"))),
        datetime=lambda dt, tz=None, fmt="short": _format_datetime(dt, tz, fmt, babel_locale),
        time=lambda dt, tz=None: _format_time(dt, tz, babel_locale),
        number=lambda n, fmt=None: format_decimal(n, format=fmt, locale=babel_locale),
        currency=lambda n: format_currency(Decimal(str(n)), CURRENCY[locale], locale=babel_locale),
        percent=lambda n: format_decimal(round(float(n) * 100), locale=babel_locale) + "%",
    )
    return env


def _format_date(value: date | datetime | None, fmt: str, locale: Locale, tz: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        # A moment shows as the reader's calendar day, not the server's or UTC's.
        value = (value.astimezone(ZoneInfo(tz)) if tz and value.tzinfo else value).date()
    if fmt in {"MMMd", "MMMEd", "yMMMd", "yMMMEd", "Md", "yMd", "yMMMM", "E"}:  # skeletons: "Dec 1" / "12月1日"
        if "d" in fmt and not fmt.startswith("y") and value.year != _this_year(tz):
            fmt = "y" + fmt  # a day outside the current year always shows its year
        return format_skeleton(fmt, value, locale=locale)
    return format_date(value, fmt, locale=locale)


def _this_year(tz: str | None) -> int:
    now = clock.now()
    return (now.astimezone(ZoneInfo(tz)) if tz else now).year


def _format_datetime(value: datetime | None, tz: str | None, fmt: str, locale: Locale) -> str:
    if value is None:
        return "—"
    return format_datetime(value, fmt, tzinfo=ZoneInfo(tz) if tz else None, locale=locale)


def _format_time(value: datetime | None, tz: str | None, locale: Locale) -> str:
    if value is None:
        return "—"
    return format_time(value, "short", tzinfo=ZoneInfo(tz) if tz else None, locale=locale)


class Texts:
    """Everything a handler says to one reader, in that reader's locale."""

    def __init__(self, locale: str, tz: str | None = None) -> None:
        self.locale = locale if locale in LOCALES else DEFAULT_LOCALE
        self.tz = tz
        self.env = environment(self.locale)

    def render(self, template_name: str, /, **context: object) -> str:
        template = self.env.get_template(template_name if template_name.endswith(".j2") else f"{template_name}.j2")
        return template.render(reader_tz=self.tz, **context).strip()

    def macro(self, template_name: str, macro_name: str, /, *args: object, **kwargs: object) -> str:
        """Call one `{% macro %}` of a template file: small phrases grouped per capability."""
        return str(getattr(self.env.module(template_name, self.tz), macro_name)(*args, **kwargs)).strip()

    def macros(self, template_name: str, /) -> Any:
        """A template's macros as one module, for a long list: `m = texts.macros(…)`, then
        `str(m.line(item)).strip()` for each item."""
        return self.env.module(template_name, self.tz)

    def gettext(self, message: str, **variables: object) -> str:
        # jinja2 infers Environment.globals as dict[str, object]; i18n put a callable there.
        return self.env.globals["gettext"](message, **variables)  # type: ignore[operator]
