"""`/digest export <kind> [period] [csv]`: the team's rows as a file in the manager's DM.

    /digest export visits 2026Q4            the quarter's visits, as xlsx in the manager's language
    /digest export followups 2026-11 csv    a month's follow-ups, as CSV with the contract's columns
    /digest 导出 拜访 11月1日-11月30日
"""

from __future__ import annotations

from domain.export_request import parse_export_request
from domain.refusal import Refusal
from exports import Selection, export_file
from listening.request import Request
from rendering.blocks import ephemeral
from rendering.export_texts import export_file_texts
from slackio import ids


def export_command(req: Request, words: list[str]) -> None:
    """`/digest export <kind> [period] [csv]`: the team's rows, as a file in the manager's DM."""
    person = req.person
    if not person.is_member:
        raise Refusal("common.not_member", command=ids.DIGEST)
    if not person.is_manager:
        raise Refusal("digest.export_not_manager")
    assert person.team_id is not None
    wanted = parse_export_request(words, req.today)
    texts = req.texts
    # A spreadsheet speaks the manager's language; a CSV keeps the keys scripts read.
    header = None if wanted.fmt == "csv" else (lambda kind, column: texts.macro("cli/export", "column", kind, column))
    content, rows = export_file(req.db, wanted.kind, Selection(wanted.start, wanted.end, person.team_id), wanted.fmt, header)
    file = export_file_texts(texts, wanted, rows)
    req.send_file(
        req.user_id, filename=file.filename, content=content, title=file.title, comment=file.comment,
        sent=ephemeral(file.sent), failed=ephemeral(file.failed),
    )  # fmt: skip
