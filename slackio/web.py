"""HTTP front: `POST /slack/events` into Bolt, `GET /calendar/<token>.ics` (members'
private calendar feeds), `GET /healthz`, as a WSGI application.

Before Bolt sees a request the front checks its signature (401 when it is not Slack's),
reads its body properly (slackio.payloads) and checks its shape: a correctly signed body
that is not a usable Slack payload gets 400 — or, for a slash command whose sender is
known, an ephemeral "could not read that request" in their language — one WARNING line,
and nothing else happens.

A calendar feed answers only to a token that opens one: any other address under
/calendar/ gets the same 404 as an unknown path, so nothing tells a revoked token from a
made-up one. A feed carries a strong ETag (the hash of its bytes) and is cached privately
for a few minutes; a calendar app asking again with `If-None-Match` gets 304.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App, BoltRequest
from slack_bolt.context import BoltContext
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier

from slackio import payloads

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000  # Slack payloads are far smaller; refuse floods early

log = logging.getLogger("ambot.web")
WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Who could not be understood → the reply they see (None: a plain 400).
UnreadableReply = Callable[[str], dict[str, Any] | None]
# A feed token → the feed's iCalendar bytes (None: it opens nothing).
CalendarFeed = Callable[[str], bytes | None]
FEED_PATH = re.compile(r"/calendar/([A-Za-z0-9_-]{16,128})\.ics")
FEED_MAX_AGE = 900  # seconds a calendar app may keep a feed before asking again


class ParsedRequest(BoltRequest):
    """A BoltRequest whose body the front has already read; Bolt still checks the
    signature against the raw body."""

    def __init__(self, *, raw_body: str, body: dict[str, Any], headers: dict[str, Any], query: str | None = None, context: dict[str, Any] | None = None) -> None:
        super().__init__(body=body, headers=headers, query=query, context=context, mode="socket_mode")  # a dict body: no re-parse
        self.raw_body = raw_body
        self.mode = "http"
        self.context = build_context(BoltContext(context or {}), body)

    def to_copyable(self) -> BoltRequest:
        return ParsedRequest(raw_body=self.raw_body, body=json.loads(json.dumps(self.body)), headers=self.headers, context=self.context.to_copyable())


def wsgi_app(app: App, signing_secret: str, *, unreadable_reply: UnreadableReply | None = None, calendar_feed: CalendarFeed | None = None) -> WSGIApplication:
    verifier = SignatureVerifier(signing_secret)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > MAX_BODY_BYTES:
                _discard(environ["wsgi.input"], length)
                return _json(start_response, "413 Payload Too Large", {"error": "payload too large"})
            raw = environ["wsgi.input"].read(length) if length else b""
            return _events(app, verifier, unreadable_reply, environ, raw, start_response)
        if path == "/healthz":
            return _json(start_response, "200 OK", {"ok": True})
        feed = FEED_PATH.fullmatch(path) if method in ("GET", "HEAD") and calendar_feed else None
        if feed and calendar_feed:
            return _feed(calendar_feed, feed.group(1), environ, start_response, head=method == "HEAD")
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return application


def _events(app: App, verifier: SignatureVerifier, unreadable_reply: UnreadableReply | None, environ: dict[str, Any], raw: bytes, start_response: Callable[..., Any]) -> Iterable[bytes]:
    headers = _headers(environ)
    timestamp = _first(headers, "x-slack-request-timestamp")
    signature = _first(headers, "x-slack-signature")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    # A body that is not UTF-8 is checked as the bytes Slack signed (the SDK wants text).
    if text is not None:
        signed = verifier.is_valid(body=text, timestamp=timestamp, signature=signature)
    else:
        signed = _signed_bytes(verifier, raw, timestamp, signature)
    if not signed:
        return _json(start_response, "401 Unauthorized", {"error": "invalid request"})
    try:
        if text is None:
            raise payloads.Unreadable("not UTF-8")
        body = payloads.parse_body(text, _first(headers, "content-type"))
    except payloads.Unreadable as exc:
        return _refuse(start_response, str(exc), None, None)
    problem = payloads.problem(body)
    if problem is not None:
        return _refuse(start_response, problem, payloads.user_of(body) if "command" in body else None, unreadable_reply)
    response = app.dispatch(ParsedRequest(raw_body=text, body=body, headers=headers, query=environ.get("QUERY_STRING")))
    start_response(f"{response.status} {_REASONS.get(response.status, '')}".strip(), [(k, v) for k, values in response.headers.items() for v in values])
    return [response.body.encode("utf-8") if isinstance(response.body, str) else response.body or b""]


def _feed(calendar_feed: CalendarFeed, token: str, environ: dict[str, Any], start_response: Callable[..., Any], *, head: bool) -> Iterable[bytes]:
    try:
        body = calendar_feed(token)
    except Exception:
        log.exception("calendar feed failed")
        return _json(start_response, "503 Service Unavailable", {"error": "try again later"}, [("Retry-After", "60")])
    if body is None:
        return _json(start_response, "404 Not Found", {"error": "not found"})
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    headers = [("ETag", etag), ("Cache-Control", f"private, max-age={FEED_MAX_AGE}"), ("Vary", "Accept-Encoding")]
    wanted = {tag.strip().removeprefix("W/") for tag in str(environ.get("HTTP_IF_NONE_MATCH") or "").split(",")}
    if etag in wanted or "*" in wanted:
        start_response("304 Not Modified", headers)
        return [b""]
    start_response("200 OK", [
        ("Content-Type", "text/calendar; charset=utf-8"), ("Content-Length", str(len(body))),
        ("Content-Disposition", 'inline; filename="ambot.ics"'), ("X-Content-Type-Options", "nosniff"), *headers,
    ])  # fmt: skip
    return [b"" if head else body]


def _signed_bytes(verifier: SignatureVerifier, raw: bytes, timestamp: str | None, signature: str | None) -> bool:
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs(verifier.clock.now() - int(timestamp)) > 60 * 5:
        return False
    digest = hmac.new(verifier.signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={digest}", signature)


def _refuse(start_response: Callable[..., Any], problem: str, user: str | None, unreadable_reply: UnreadableReply | None) -> Iterable[bytes]:
    log.warning("unusable Slack request: %s", problem)
    reply = unreadable_reply(user) if (user and unreadable_reply) else None
    if reply is not None:  # a slash command shows its response body to the person who typed it
        return _json(start_response, "200 OK", reply)
    return _json(start_response, "400 Bad Request", {"error": "unusable request"})


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error"}


def _headers(environ: dict[str, Any]) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = [value]
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = [environ["CONTENT_TYPE"]]
    return headers


def _first(headers: dict[str, Any], name: str) -> str | None:
    values = headers.get(name)
    return values[0] if values else None


def _discard(stream: Any, length: int, limit: int = 16 * MAX_BODY_BYTES) -> None:
    """Read and drop an oversized body (never kept) so the client sees the 413, not a reset."""
    remaining = min(length, limit)
    while remaining > 0:
        chunk = stream.read(min(65536, remaining))
        if not chunk:
            break
        remaining -= len(chunk)


def _json(start_response: Callable[..., Any], status: str, payload: dict[str, Any], extra: list[tuple[str, str]] | None = None) -> list[bytes]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body))), *(extra or [])])
    return [body]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's default of 5 resets connections under bursts


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def make_http_server(application: WSGIApplication, host: str = "0.0.0.0", port: int = 3000) -> WSGIServer:
    return make_server(host, port, application, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


class BackgroundServer:
    """The HTTP front in a thread, on an OS-chosen port (tests and benchmarks)."""

    def __init__(self, application: WSGIApplication, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_http_server(application, host, port)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        assert isinstance(host, str)  # an AF_INET address
        return f"http://{host}:{port}{EVENTS_PATH}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
