"""Keep the Chinese catalogs in step with the templates.

    python scripts/i18n.py update [DOMAIN …]   # add new msgids (empty msgstr), drop obsolete ones
    python scripts/i18n.py check    # list msgids without a Chinese translation

One catalog per template folder (`amteam.po`, `visit.po`, …; top-level templates go to
`common.po`), so capabilities can be translated independently.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
ZH_DIR = TEMPLATES / "locale" / "zh" / "LC_MESSAGES"
OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}


def domain_of(path: Path) -> str:
    relative = path.relative_to(TEMPLATES)
    return relative.parts[0] if len(relative.parts) > 1 else "common"


def extracted() -> dict[str, Catalog]:
    catalogs: dict[str, Catalog] = defaultdict(lambda: Catalog(locale="zh_Hans_CN"))
    for path in sorted(TEMPLATES.rglob("*.j2")):
        domain = domain_of(path)
        for lineno, message, comments, context in extract_from_file(babel_extract, str(path), options=OPTIONS):
            catalogs[domain].add(message, locations=[(str(path.relative_to(ROOT)), lineno)], auto_comments=comments, context=context)
    return dict(catalogs)


def update(only: list[str] | None = None) -> None:
    ZH_DIR.mkdir(parents=True, exist_ok=True)
    for domain, template in extracted().items():
        if only and domain not in only:
            continue
        po_path = ZH_DIR / f"{domain}.po"
        if po_path.exists():
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale="zh_Hans_CN")
        else:
            catalog = Catalog(locale="zh_Hans_CN", project="ambot")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with po_path.open("wb") as fh:
            write_po(fh, catalog, width=0, omit_header=False, sort_output=False, include_previous=False)
        print(f"{po_path.relative_to(ROOT)}: {len(catalog)} messages")


def missing() -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for domain, template in extracted().items():
        po_path = ZH_DIR / f"{domain}.po"
        translated: dict = {}
        if po_path.exists():
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale="zh_Hans_CN")
            translated = {m.id: m for m in catalog if m.id}
        for message in template:
            if not message.id:
                continue
            found = translated.get(message.id)
            strings = found.string if found else None
            if found is None or found.fuzzy or not strings or (isinstance(strings, tuple) and not all(strings)):
                problems.append((domain, message.id if isinstance(message.id, str) else message.id[0]))
    return problems


if __name__ == "__main__":
    if sys.argv[1:2] == ["update"]:
        update(sys.argv[2:])
    else:
        gaps = missing()
        for domain, msgid in gaps:
            print(f"{domain}: {msgid}")
        sys.exit(1 if gaps else 0)
