"""Ack latency through the full HTTP stack: signed request → ambot → database → response,
against a bare Bolt app answering the same request on the same server.

    python -m bench.ack_latency [--requests 400] [--concurrency 1 8 32] [--database URL]

ambot runs as in production (listeners ack first, work continues after the ack) on the
demo team; the bare app only acks. Prints p50/p99 per command and concurrency, and the
ratio of ambot's p50 to the bare app's.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import cast

from bench import cpu
from slackio.driver import SlackDriver
from slackio.fake_api import FakeSlack

ROOT = Path(__file__).resolve().parent.parent

COMMANDS: dict[str, Callable[[int], tuple[str, str, str]]] = {
    "/visit quick log": lambda i: ("U0REP1", "/visit", f"华东制造集团; needs: {i} more SIM lines; concerns: price; follow-up: send quote {i} by tomorrow"),
    "/kpi": lambda i: ("U0REP1", "/kpi", ""),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(driver: SlackDriver, make: Callable[[int], tuple[str, str, str]], requests: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        user, command, text = make(i)
        started = time.perf_counter()
        result = driver.post(_body(driver, user, command, text))
        elapsed = time.perf_counter() - started
        if result.status != 200:
            raise RuntimeError(f"{command}: HTTP {result.status}")
        with lock:
            latencies.append(elapsed * 1000)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(requests)))
    return latencies


def _body(driver: SlackDriver, user: str, command: str, text: str) -> str:
    from slackio.requests import slash_command_body

    return slash_command_body(command, text, user, response_url=driver.fake.response_url("bench"))


class RemoteFake:
    """Just enough of FakeSlack for the driver: the response_url of the fake process."""

    def __init__(self, port: int) -> None:
        self.port = port

    def response_url(self, name: str = "r") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def responses(self, name: str | None = None) -> list:
        return []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, path: str = "/healthz", timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answers (the bare app has no health route)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--server", choices=["gunicorn", "serve"], default="gunicorn",
                        help="gunicorn (production: --workers processes × --threads) or `bot.py serve` (one process)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()

    secret = secrets.token_hex(16)
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as folder:
        database_url = args.database or f"sqlite:///{folder}/bench.db"
        users_file = Path(folder) / "users.json"
        prepare_demo_team(database_url, users_file)
        try:
            fake = subprocess.Popen([sys.executable, "-m", "slackio.fake_api", "--users", str(users_file)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
            processes.append(fake)
            assert fake.stdout is not None  # stdout=PIPE
            fake_port = int(fake.stdout.readline())
            api_url = f"http://127.0.0.1:{fake_port}/api/"
            ambot_port, bare_port = free_port(), free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AMBOT_"))}
            env.update(DATABASE_URL=database_url, SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=secret, SLACK_API_URL=api_url, AMBOT_LOG_LEVEL="WARNING")
            if args.server == "gunicorn":
                gunicorn = [sys.executable, "-m", "gunicorn", "-k", "gthread", "-w", str(args.workers), "--threads", str(args.threads), "--backlog", "256", "--log-level", "warning"]
                own = _control_socket_option(folder)
                processes.append(subprocess.Popen([*gunicorn, *own("ambot"), "-b", f"127.0.0.1:{ambot_port}", "wsgi:create_application()"], cwd=ROOT, env=env))
                processes.append(subprocess.Popen([*gunicorn, *own("bare"), "-b", f"127.0.0.1:{bare_port}", "bench.bare_bolt:application"], cwd=ROOT, env=env))
            else:
                processes.append(subprocess.Popen([sys.executable, "bot.py", "serve", "--port", str(ambot_port), "--host", "127.0.0.1", "--no-scheduler"], cwd=ROOT, env=env))
                processes.append(subprocess.Popen([sys.executable, "-m", "bench.bare_bolt", "--port", str(bare_port), "--secret", secret, "--api-url", api_url], cwd=ROOT, env=env))
            wait_healthy(ambot_port)
            wait_healthy(bare_port, "/")
            remote = cast(FakeSlack, RemoteFake(fake_port))  # all of FakeSlack the driver uses here
            ambot = SlackDriver(f"http://127.0.0.1:{ambot_port}/slack/events", secret, remote)
            bare = SlackDriver(f"http://127.0.0.1:{bare_port}/slack/events", secret, remote)
            groups = CpuGroups(processes[1].pid, processes[2].pid, fake.pid, database_url.startswith("postgresql"))
            for make in COMMANDS.values():  # warm both apps' caches and pools with every command measured
                groups.measured("ambot", partial(measure, ambot, make, 40, 4))
                groups.measured("bare", partial(measure, bare, make, 40, 4))
            backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
            topology = f"gunicorn gthread {args.workers}×{args.threads}" if args.server == "gunicorn" else "bot.py serve"
            print(f"ack latency, {args.requests} requests per cell, {backend}, {topology} for both apps, fake Slack in its own process")
            print(f"{'command':18} {'conc':>4} {'bare p50':>9} {'bare p99':>9} {'ambot p50':>10} {'ambot p99':>10} {'p50 ratio':>9}")
            usage: list[str] = []
            for name, make in COMMANDS.items():
                for concurrency in args.concurrency:
                    base, base_cpu = groups.measured("bare", partial(measure, bare, make, args.requests, concurrency))
                    ours, our_cpu = groups.measured("ambot", partial(measure, ambot, make, args.requests, concurrency))
                    print(f"{name:18} {concurrency:>4} {statistics.median(base):8.1f}ms {percentile(base, 0.99):8.1f}ms "
                          f"{statistics.median(ours):9.1f}ms {percentile(ours, 0.99):9.1f}ms {statistics.median(ours) / statistics.median(base):8.2f}x")
                    usage.append(groups.line(name, concurrency, args.requests, base_cpu, our_cpu))
            if cpu.available():
                print("\nmachine CPU per request (ms; the app's work after the ack included), and what it allows:")
                print("with N clients each waiting for its answer and C cores, the steady-state mean latency cannot be below N x CPU / C")
                print("\n".join(usage))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=10)


def _control_socket_option(folder: str) -> Callable[[str], list[str]]:
    """Recent gunicorn opens a control socket at one default path: give each server its own."""
    from gunicorn.config import KNOWN_SETTINGS

    if not any(setting.name == "control_socket" for setting in KNOWN_SETTINGS):
        return lambda name: []
    return lambda name: ["--control-socket", str(Path(folder) / f"{name}.ctl")]


class CpuGroups:
    """CPU used by each process of the benchmark while one app answers a cell, counted
    until that app's work after the acks has drained."""

    def __init__(self, ambot_pid: int, bare_pid: int, fake_pid: int, postgres: bool) -> None:
        self.apps = {"ambot": ambot_pid, "bare": bare_pid}
        self.fake_pid = fake_pid
        self.names = {"PostgreSQL": "postgres"} if postgres else {}

    def _snapshot(self, app: str) -> dict[str, dict[int, float]]:
        if not cpu.available():
            return {}
        groups = cpu.snapshot({"app": self.apps[app], "fake Slack": self.fake_pid}, self.names)
        groups["load generator"] = {0: time.process_time()}
        return groups

    def measured(self, app: str, run: Callable[[], list[float]]) -> tuple[list[float], dict[str, float]]:
        before = self._snapshot(app)
        latencies = run()
        self._drain(app)
        return latencies, cpu.used(before, self._snapshot(app))

    def _drain(self, app: str, quiet: float = 0.05, timeout: float = 120.0) -> None:
        """Wait until the app stops working (or 2 s where /proc is missing)."""
        if not cpu.available():
            time.sleep(2.0)
            return
        deadline = time.monotonic() + timeout
        last = self._snapshot(app)
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self._snapshot(app)
            if cpu.used(last, now)["app"] < quiet:
                return
            last = now

    @staticmethod
    def line(name: str, clients: int, requests: int, bare: dict[str, float], ours: dict[str, float]) -> str:
        if not ours:
            return ""
        cores = os.cpu_count() or 1

        def describe(label: str, used: dict[str, float]) -> str:
            total = sum(used.values()) * 1000 / requests
            parts = ", ".join(f"{k} {v * 1000 / requests:.1f}" for k, v in used.items())
            return f"{label} {total:.1f} ({parts}) -> mean >= {clients * total / cores:.1f} ms"

        return f"{name:18} {clients:>4}  " + describe("bare", bare) + "\n" + " " * 25 + describe("ambot", ours)


def prepare_demo_team(database_url: str, users_file: Path) -> None:
    import json

    from console.demo import demo_profiles
    from console.demo_seed import load_demo_team, seed_history
    from core import clock
    from storage import db

    database = db.open_database(database_url, migrate=True)
    with database.session_scope() as session:
        team = load_demo_team(session, clock.now())
        seed_history(session, team, clock.now().date())
        users_file.write_text(json.dumps(demo_profiles(team), ensure_ascii=False), "utf-8")
    database.dispose()


if __name__ == "__main__":
    main()
