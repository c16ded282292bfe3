"""A local stand-in for the Slack Web API.

A threaded HTTP server on an OS-chosen port that answers the methods ambot uses,
records every call's parsed body, validates messages and views with `slack_sdk.models`
and Slack's documented limits, and misbehaves on request (429 with Retry-After, 5xx,
an error code) so tests can see retries. The console and the benchmarks use it too.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlparse

from core.clock import REAL_TIME, MonotonicClock
from slackio.fake_files import FileMethods, Upload
from slackio.fake_limits import Fault, RateLimit
from slackio.fake_methods import WebApiMethods
from slackio.fake_validation import (
    validate_blocks,
    validate_fallback,
    validate_field_errors,
    validate_options,
    validate_view,
)

MESSAGE_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage"}
VIEW_METHODS = {"views.open", "views.update", "views.push", "views.publish"}


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    at: float = field(default_factory=time.monotonic)  # on the fake's clock (FakeSlack sets it)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))


class FakeSlack(WebApiMethods, FileMethods):
    def __init__(self, *, token: str | None = "xoxb-test", users: dict[str, dict] | None = None, clock: MonotonicClock = REAL_TIME) -> None:
        self.token = token
        # Times calls, outages (`fail_for`), the rate limiter and `delays`.
        self.clock = clock
        self.users: dict[str, dict[str, Any]] = dict(users or {})
        self.calls: list[Call] = []
        self.invalid: list[tuple[str, str]] = []
        self.faults: list[Fault] = []
        self.rate_limit: RateLimit | None = None
        # Seconds (on the fake's clock) to hold a method's answer *after* it took effect.
        self.delays: dict[str, float] = {}
        # Answers held *after* the call took effect until the event is set (`holding`): lets
        # a test kill a sender in the window where Slack has the message but the sender has
        # no reply, without guessing how long that window must be.
        self._holds: dict[str, tuple[threading.Event, float]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        # Channels the bot cannot post to, and what Slack says: `not_in_channel` (a channel
        # it was removed from) or `channel_not_found` (a private one it was never invited to).
        self.outside: dict[str, str] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, Upload] = {}  # files_upload_v2's files, by id (slackio/fake_files.py)
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._last_post_by_channel: dict[str, float] = {}
        self._workspace_posts: list[float] = []
        self._last_arrival = time.monotonic()  # real time, for `settle`
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll: stop() returns within 50 ms instead of the default half second.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "FakeSlack not started"
        return self._server.server_address[1]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # --- test controls ----------------------------------------------------------------

    def fail(self, method: str, *, status: int = 429, retry_after: int = 1, error: str | None = None, times: int = 1) -> None:
        with self._lock:
            self.faults.append(Fault(method, status, retry_after, error, times))

    def fail_for(self, method: str, seconds: float, *, status: int = 500) -> None:
        """Fail every call to `method` for the next `seconds` of the fake's clock (an outage)."""
        with self._lock:
            self.faults.append(Fault(method, status, until=self.clock.monotonic() + seconds))

    def use_clock(self, clock: MonotonicClock) -> None:
        """Time everything from now on by `clock` (the rate limiter starts afresh)."""
        with self._lock:
            self.clock = clock
            self._last_post_by_channel.clear()
            self._workspace_posts = []

    @contextlib.contextmanager
    def holding(self, method: str, *, timeout: float = 30.0) -> Iterator[threading.Event]:
        """Hold every answer to `method` (the call has taken effect) until the yielded
        event is set or the block ends; `timeout` real seconds at most, so nothing hangs."""
        gate = threading.Event()
        with self._lock:
            self._holds[method] = (gate, timeout)
        try:
            yield gate
        finally:
            with self._lock:
                if self._holds.get(method, (None,))[0] is gate:
                    del self._holds[method]
            gate.set()

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.invalid.clear()
            self.faults.clear()
            self.outside.clear()
            self.messages.clear()
            self.views.clear()
            self.uploads.clear()

    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (c.ok or not ok_only)]

    def responses(self, name: str | None = None) -> list[Call]:
        """Messages posted to response_url (slash-command and action replies)."""
        calls = self.calls_to("response_url")
        return calls if name is None else [c for c in calls if c.path == f"/response/{name}"]

    def wait_for(self, predicate: Callable[[FakeSlack], bool] | str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` successful calls of a method (or a predicate) are seen."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if isinstance(predicate, str):
                    found = [c for c in self.calls if c.method == predicate and c.ok]
                    if len(found) >= count:
                        return found
                elif predicate(self):
                    return list(self.calls)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"timed out waiting for {predicate!r} x{count}; saw {seen}")
                self._changed.wait(remaining)

    def settle(self, quiet: float = 0.15, timeout: float = 5.0) -> None:
        """Wait until no call has arrived for `quiet` real seconds (listeners finished):
        woken by each arriving call, not polling."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                now = time.monotonic()
                quiet_at = self._last_arrival + quiet
                if now >= quiet_at or now >= deadline:
                    return
                self._changed.wait(min(quiet_at, deadline) - now)

    def check_answer(self, kind: str, answer: dict[str, Any]) -> list[str]:
        """What Slack would refuse in an ack's answer (a form's errors or next view, a
        type-ahead's options); recorded with the invalid Web API calls."""
        problems: list[str] = []
        if kind == "view_submission":
            action = answer.get("response_action")
            if action == "errors":
                problems = validate_field_errors(answer.get("errors"))
            elif action in {"update", "push"}:
                problems = validate_view(answer.get("view") or {})
        elif kind == "block_suggestion":
            problems = validate_options(answer)
        with self._lock:
            self.invalid.extend((f"{kind} answer", p) for p in problems)
        return problems

    def dm_texts(self, user: str) -> list[str]:
        return [c.body.get("text", "") for c in self.calls_to("chat.postMessage") if c.body.get("channel") == user]

    # --- request handling ---------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        if len(raw) < length:  # the client died mid-request (a kill drill): Slack never saw it either
            return
        if parsed.path.startswith("/upload/"):  # files_upload_v2's second step: raw bytes
            self._upload(request, parsed.path, raw)
            return
        body = self._parse_body(raw, request.headers.get("Content-Type", ""))
        body.update(dict(parse_qsl(parsed.query)))
        headers = {k.lower(): v for k, v in request.headers.items()}
        if parsed.path.startswith("/response/"):
            method = "response_url"
        elif parsed.path.startswith("/api/"):
            method = parsed.path[len("/api/") :]
        else:
            self._send(request, 404, {"ok": False, "error": "not_found"})
            return
        status, response, extra_headers = self._answer(method, body, headers)
        with self._changed:
            self.calls.append(Call(method, body, headers, status, response, parsed.path, at=self.clock.monotonic()))
            self._last_arrival = time.monotonic()
            self._changed.notify_all()
            hold = self._holds.get(method)
            delay = self.delays.get(method)
        if hold is not None:
            hold[0].wait(hold[1])
        if delay:
            self.clock.sleep(delay)
        self._send(request, status, response, extra_headers)

    def _upload(self, request: BaseHTTPRequestHandler, path: str, raw: bytes) -> None:
        """files_upload_v2's second step: the file's bytes, to the URL step one gave."""
        status = self.receive_upload(path[len("/upload/") :], raw)
        with self._changed:
            self.calls.append(Call("upload", {"file_id": path[len("/upload/") :], "length": len(raw)}, {}, status, {"ok": status == 200}, path, at=self.clock.monotonic()))
            self._last_arrival = time.monotonic()
            self._changed.notify_all()
        self._send(request, status, {"ok": status == 200})

    @staticmethod
    def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
        if not raw:
            return {}
        text = raw.decode("utf-8")
        data = json.loads(text) if "json" in content_type else dict(parse_qsl(text))
        for key in ("blocks", "view", "attachments", "metadata"):
            if isinstance(data.get(key), str):
                with contextlib.suppress(ValueError):
                    data[key] = json.loads(data[key])
        return data

    def _send(self, request: BaseHTTPRequestHandler, status: int, payload: dict, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        # The client may be gone (a drill killed it): Slack would not notice either.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._write(request, status, data, headers)

    @staticmethod
    def _write(request: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict | None) -> None:
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(data)

    def _answer(self, method: str, body: dict, headers: dict) -> tuple[int, dict, dict]:
        with self._lock:
            now = self.clock.monotonic()
            fault = next((f for f in self.faults if f.active(method, now)), None)
            if fault:
                if fault.until is None:
                    fault.times -= 1
                if fault.status == 429:
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)}
                if fault.status >= 500:
                    return fault.status, {"ok": False, "error": "internal_error"}, {}
                return 200, {"ok": False, "error": fault.error or "fatal_error"}, {}
        if method != "response_url" and self.token and headers.get("authorization") != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        problems = self._validate(method, body)
        if problems:
            with self._lock:
                self.invalid.extend((method, p) for p in problems)
            return 200, {"ok": False, "error": "invalid_blocks", "errors": problems}, {}
        refused = self._outside(method, body)
        if refused:
            return 200, {"ok": False, "error": refused}, {}
        limited = self._rate_limited(method, body)
        if limited:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(limited)}
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {"ok": True}, {}
        return 200, handler(body), {}

    def keep_out(self, channel: str, error: str = "channel_not_found") -> None:
        """From now on posts to `channel` fail as Slack fails them for a private channel
        the bot is not in; `invite` lets it in."""
        with self._lock:
            self.outside[channel] = error

    def invite(self, channel: str) -> None:
        """`/invite @ambot` in that channel."""
        with self._lock:
            self.outside.pop(channel, None)

    def _outside(self, method: str, body: dict) -> str | None:
        if method not in {"chat.postMessage", "chat.update", "chat.scheduleMessage"}:
            return None
        with self._lock:
            return self.outside.get(str(body.get("channel")))

    def _rate_limited(self, method: str, body: dict) -> int:
        if self.rate_limit is None or method != "chat.postMessage":
            return 0
        now = self.clock.monotonic()
        channel = str(body.get("channel"))
        with self._lock:
            last = self._last_post_by_channel.get(channel)
            if last is not None and now - last < self.rate_limit.per_channel_seconds:
                return max(1, round(self.rate_limit.per_channel_seconds - (now - last)))
            budget, window = self.rate_limit.workspace_budget, self.rate_limit.window_seconds
            if budget:
                # Fixed windows, as Slack's per-minute budgets behave.
                if not self._workspace_posts or now - self._workspace_posts[0] >= window:
                    self._workspace_posts = [now]
                elif len(self._workspace_posts) >= budget:
                    return max(1, math.ceil(window - (now - self._workspace_posts[0])))
                else:
                    self._workspace_posts.append(now)
            self._last_post_by_channel[channel] = now
        return 0

    # --- validation ---------------------------------------------------------------------

    def _validate(self, method: str, body: dict) -> list[str]:
        problems: list[str] = []
        if method in MESSAGE_METHODS or method == "response_url":
            blocks = body.get("blocks")
            if method != "response_url" and not body.get("channel"):
                problems.append("channel is required")
            if blocks:
                if not body.get("text"):
                    problems.append("a `text` fallback is required beside blocks")
                problems += validate_blocks(blocks, limit=50)
                problems += validate_fallback(body.get("text"))
            elif not body.get("text") and not body.get("delete_original"):
                problems.append("message without text or blocks")
            if len(body.get("text") or "") > 40000:
                problems.append("text over 40,000 characters")
        elif method in VIEW_METHODS:
            view = body.get("view")
            if not isinstance(view, dict):
                return ["view is required"]
            problems += validate_view(view)
        return problems


def main() -> None:
    """Run the fake Web API as its own process (benchmarks): prints its port, then serves."""
    import argparse
    import signal

    parser = argparse.ArgumentParser(description="A local stand-in for the Slack Web API")
    parser.add_argument("--token", default="xoxb-bench")
    parser.add_argument("--users", help="JSON file: {user id: {locale, tz, real_name}}")
    args = parser.parse_args()
    users = json.loads(Path(args.users).read_text("utf-8")) if args.users else {}
    fake = FakeSlack(token=args.token, users=users).start()
    print(fake.port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            # Keep memory flat in long benchmark runs: calls are not inspected here.
            with fake._lock:
                fake.calls.clear()
                fake.messages.clear()
    except KeyboardInterrupt:
        pass
    fake.stop()


if __name__ == "__main__":
    main()
