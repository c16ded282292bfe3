"""Bootstrap for a fresh machine: `python3 dev.py demo` / `python3 dev.py test`.

Creates `.venv` on first use, installs the pinned dependencies of requirements.lock
(again only when that file changes), then hands over to `bot.py`, mypy and pytest
inside the virtual environment. Only the standard library is used here, because this
script runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LOCALE_DIR = "templates/locale"
POT = f"{LOCALE_DIR}/messages.pot"
# pybabel's own commands (babel.cfg says where the strings are); `check` is scripts/i18n.py.
I18N = {
    "extract": ["extract", "-F", "babel.cfg", "-o", POT, "--project=ambot", "--no-wrap", "."],
    "update": ["update", "-i", POT, "-d", LOCALE_DIR, "-D", "messages", "-l", "zh",
               "--no-wrap", "--ignore-obsolete", "--init-missing"],
    "compile": ["compile", "-d", LOCALE_DIR, "-D", "messages", "--statistics"],
}
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".ambot-deps"
USAGE = """usage:
  python3 dev.py test [pytest args]   type-check with mypy, then run the whole test suite (SQLite, and PostgreSQL when reachable)
  python3 dev.py demo                 load the demo team and show what the bot posts
  python3 dev.py console              chat with the bot locally, no Slack needed
  python3 dev.py <bot.py args>        anything `python bot.py` accepts, inside the venv
  python3 dev.py lint                 ruff check .
  python3 dev.py lock                 re-pin dependencies into requirements.lock after editing pyproject.toml
  python3 dev.py i18n extract         strings of code and templates into templates/locale/messages.pot
  python3 dev.py i18n update          new strings into the Chinese catalog (messages.po), gone ones out
  python3 dev.py i18n compile         messages.po into messages.mo, which the bot loads (commit both)
  python3 dev.py i18n check           every string translated, no duplicate entry, messages.mo up to date"""


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment() -> Path:
    """The project's virtual environment, installed from requirements.lock (every package
    pinned with its hashes); reinstalled only when the lock file changes."""
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    python = venv_python()
    if python.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return python
    if not python.exists():
        print("ambot: creating .venv (first run only)…", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("ambot: installing dependencies from requirements.lock…", file=sys.stderr)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes", "-r", str(LOCK)],
        check=True,
    )
    STAMP.write_text(digest)
    return python


def relock(python: Path) -> int:
    """`dev.py lock`: pin pyproject.toml's dependencies (and the dev extra) for every
    platform and Python 3.11+, with hashes, into requirements.lock."""
    if subprocess.call([str(python), "-m", "uv", "--version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "uv"], check=True)
    return subprocess.call([str(python), "-m", "uv", "pip", "compile", "pyproject.toml", "--extra", "dev", "--universal",
                            "--generate-hashes", "--python-version", "3.11", "-o", str(LOCK.name), "--quiet"])


def postgres_reachable(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def start_local_postgres() -> None:
    """In CI the PostgreSQL run is required: try to start the machine's cluster once."""
    if postgres_reachable() or not shutil.which("pg_ctlcluster"):
        return
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if versions:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
            check=False,
        )


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    python = ensure_environment()
    os.chdir(ROOT)
    if argv[0] == "test":
        # The type check comes first: its files and settings are [tool.mypy] in pyproject.toml.
        print("ambot: mypy over the whole project ([tool.mypy] in pyproject.toml), then pytest", file=sys.stderr)
        checked = subprocess.call([str(python), "-m", "mypy"])
        if checked != 0:
            return checked
        if os.environ.get("CI", "").lower() == "true":
            start_local_postgres()
        cmd = [str(python), "-m", "pytest", *argv[1:]]
    elif argv[0] == "lock":
        return relock(python)
    elif argv[0] == "lint":
        cmd = [str(python), "-m", "ruff", "check", ".", *argv[1:]]
    elif argv[0] == "i18n":
        action = argv[1] if len(argv) > 1 else ""
        if action == "check":
            cmd = [str(python), "-m", "scripts.i18n"]
        elif action in I18N:
            cmd = [str(python), "-m", "babel.messages.frontend", *I18N[action], *argv[2:]]
        else:
            print(USAGE, file=sys.stderr)
            return 2
    else:
        cmd = [str(python), str(ROOT / "bot.py"), *argv]
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
