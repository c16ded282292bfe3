"""HTTP front: `POST /slack/events` into Bolt, `GET /healthz`, as a WSGI application."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000  # Slack payloads are far smaller; refuse floods early


def wsgi_app(app: App) -> Callable[[dict, Callable], Iterable[bytes]]:
    bolt = SlackRequestHandler(app)

    def application(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > MAX_BODY_BYTES:
                _discard(environ["wsgi.input"], length)
                return _json(start_response, "413 Payload Too Large", {"error": "payload too large"})
            return bolt(environ, start_response)
        if path == "/healthz":
            return _json(start_response, "200 OK", {"ok": True})
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return application


def _discard(stream, length: int, limit: int = 16 * MAX_BODY_BYTES) -> None:
    """Read and drop an oversized body (never kept) so the client sees the 413, not a reset."""
    remaining = min(length, limit)
    while remaining > 0:
        chunk = stream.read(min(65536, remaining))
        if not chunk:
            break
        remaining -= len(chunk)


def _json(start_response: Callable, status: str, payload: dict) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's default of 5 resets connections under bursts


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def make_http_server(app: App, host: str = "0.0.0.0", port: int = 3000) -> WSGIServer:
    return make_server(host, port, wsgi_app(app), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


class BackgroundServer:
    """The HTTP front in a thread, on an OS-chosen port (tests and benchmarks)."""

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_http_server(app, host, port)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{EVENTS_PATH}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
