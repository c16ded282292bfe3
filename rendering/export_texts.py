"""What `/digest export` says around the file: its name, title and comment in the DM, and
the asker's confirmation (or why it could not be sent)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.export_request import ExportRequest
from rendering.i18n import Texts

TEMPLATE = "digest/export"


@dataclass(frozen=True)
class ExportFileTexts:
    filename: str  # ASCII, so every system keeps it: ambot-visits-2026Q4.xlsx
    title: str
    comment: str
    sent: str
    failed: str


def export_file_texts(texts: Texts, wanted: ExportRequest, rows: int) -> ExportFileTexts:
    kind = texts.macro(TEMPLATE, "kind_name", wanted.kind)
    period = texts.macro(TEMPLATE, "period", wanted.label, wanted.start, wanted.end)
    return ExportFileTexts(
        filename=f"ambot-{wanted.kind}-{wanted.label}.{wanted.fmt}",
        title=texts.macro(TEMPLATE, "title", kind, period),
        comment=texts.macro(TEMPLATE, "comment", kind, period, rows),
        sent=texts.macro(TEMPLATE, "sent", kind, period, rows),
        failed=texts.macro(TEMPLATE, "failed"),
    )
