"""What pybabel does not check about the message catalogs: `python3 dev.py i18n check`.

Extracting, updating and compiling are pybabel's own commands (`python3 dev.py i18n
extract|update|compile`, configured by `babel.cfg`). This module adds the checks, used by
that command and by tests/unit/test_catalog.py:

- every string extracted from the code and the templates has a translation in each
  language's catalog: not missing, not empty, not fuzzy, every plural form filled;
- no (msgctxt, msgid) is written twice in a catalog (`read_po` would silently keep the
  first one, so the second translation would never show);
- the committed `.mo` holds what its `.po` says (compared by content, not by date).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import PoFileParser, read_po

from rendering.i18n import DOMAIN, LOCALE_DIR, LOCALES

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
# The msgids are English, so English has no catalog.
CATALOG_LOCALES = tuple(locale for locale in LOCALES if locale != "en")


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str) -> Path:
    return po_path(locale).with_suffix(".mo")


def extracted(root: Path = ROOT, config: Path = BABEL_CFG) -> Catalog:
    """Every translatable string under `root`, found the way `pybabel extract -F babel.cfg` finds them."""
    with config.open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(config))
    catalog = Catalog(project="ambot")
    for filename, lineno, message, comments, context in extract_from_dir(str(root), method_map, options_map):
        catalog.add(message, None, [(filename.replace(os.sep, "/"), lineno)], auto_comments=comments, context=context)
    return catalog


def _label(message: Message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:3])
    context = f"[{message.context}] " if message.context else ""
    return f"{context}{msgid!r}" + (f" ({where})" if where else "")


class _RecordingCatalog(Catalog):
    """A catalog that remembers every entry the parser hands it, duplicates included."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[Message] = []

    def __setitem__(self, key: str | tuple[str, ...] | list[str], message: Message) -> None:
        if key:  # the header is the entry with an empty msgid
            self.entries.append(Message(message.id, message.string, context=message.context))
        super().__setitem__(key, message)


def raw_entries(path: Path) -> list[Message]:
    """The entries of a .po file as written, in order, before duplicates are merged."""
    catalog = _RecordingCatalog()
    with path.open("rb") as fh:
        PoFileParser(catalog, ignore_obsolete=True, abort_invalid=True).parse(fh)
    return catalog.entries


def duplicates(path: Path) -> list[str]:
    """(msgctxt, msgid) pairs written more than once; gettext would show only one translation."""
    seen: dict[tuple[str | None, str], Message] = {}
    problems: list[str] = []
    for entry in raw_entries(path):
        key = (entry.context, entry.id if isinstance(entry.id, str) else entry.id[0])
        first = seen.setdefault(key, entry)
        if first is not entry:
            differs = "different translations" if first.string != entry.string else "the same translation"
            problems.append(f"{path.name}: {_label(entry)} is in the catalog twice, with {differs}")
    return problems


def _translated(message: Message | None, plural: bool, forms: int) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string
    if plural:
        return isinstance(strings, (tuple, list)) and len(strings) >= forms and all(strings[:forms])
    return isinstance(strings, str) and bool(strings)


def untranslated(path: Path, template: Iterable[Message]) -> list[str]:
    """Strings of `template` without a usable translation in the catalog at `path`."""
    with path.open("rb") as fh:
        catalog = read_po(fh)
    problems = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        if not _translated(found, message.pluralizable, catalog.num_plurals):
            state = "missing" if found is None else "fuzzy" if found.fuzzy else "untranslated"
            problems.append(f"{path.name}: {_label(message)} is {state}")
    return problems


def _compiled(catalog: Catalog) -> dict:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)): m.string for m in catalog if m.id}


def stale_mo(po: Path, mo: Path) -> list[str]:
    """Differences between the committed .mo and what compiling the .po gives now."""
    if not mo.exists():
        return [f"{mo.name} is missing: run `python3 dev.py i18n compile`"]
    with po.open("rb") as fh:
        source = read_po(fh)
    buffer = io.BytesIO()
    write_mo(buffer, source)  # as `pybabel compile` does: fuzzy entries left out
    buffer.seek(0)
    expected = read_mo(buffer)
    with mo.open("rb") as fh:
        committed = read_mo(fh)
    want, have = _compiled(expected), _compiled(committed)
    problems = [f"{mo.name}: {key[1]!r} differs from {po.name}" for key in want if key in have and have[key] != want[key]]
    problems += [f"{mo.name}: {key[1]!r} is missing" for key in want if key not in have]
    problems += [f"{mo.name}: {key[1]!r} is not in {po.name} any more" for key in have if key not in want]
    if expected.plural_forms != committed.plural_forms:
        problems.append(f"{mo.name}: plural forms {committed.plural_forms!r}, {po.name} says {expected.plural_forms!r}")
    if problems:
        problems.append(f"{mo.name} is out of date: run `python3 dev.py i18n compile`")
    return problems


def problems() -> list[str]:
    template = extracted()
    found: list[str] = []
    for locale in CATALOG_LOCALES:
        po = po_path(locale)
        if not po.exists():
            found.append(f"{po.relative_to(ROOT)} is missing: run `python3 dev.py i18n update`")
            continue
        found += duplicates(po) + untranslated(po, template) + stale_mo(po, mo_path(locale))
    return found


if __name__ == "__main__":
    gaps = problems()
    for line in gaps:
        print(line)
    sys.exit(1 if gaps else 0)
