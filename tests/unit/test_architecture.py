"""The house's layering holds: import-linter's contracts (pyproject.toml) are all kept —
no import cycle between the project's packages, dependencies pointing one way
(handlers → services → storage, handlers → rendering), domain rules free of Slack,
SQL and templates."""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.application.use_cases import lint_imports
from importlinter.configuration import configure

ROOT = Path(__file__).parents[2]


def test_every_import_contract_is_kept(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))
    configure()  # what the lint-imports command does before it lints
    kept = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_logo=True, cache_dir=None)
    report = capsys.readouterr().out
    assert kept, report
    assert "0 broken" in report and os.path.exists(ROOT / "pyproject.toml")
