"""The listener layer: what every Slack request goes through between Bolt and a listener.

    on.command(ids.VISIT, handle_visit, usage="visit/usage")

registers `handle_visit(req)` with Bolt. For each request the layer

1. (a Bolt middleware) puts a `Request` on Bolt's `context` — nothing is read yet;
2. acks at once (commands, buttons, events), or after the work when the ack carries the
   answer (form submissions: field errors or the next view; type-ahead: the options);
3. runs the listener: parse → call a service → render, queueing what to send;
4. commits the request's one transaction, then sends what was queued;
5. on a `Refusal`, rolls back and answers it in the asker's language, as the request
   allows (an ephemeral message, a form field error, the button's reply); on anything
   else, rolls back, logs it once with the request id and says nothing was saved.

No listener catches exceptions itself. Work after the ack runs on the runtime's pool
(serving) or inline (tests, console): the ack never waits for it.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App, BoltContext
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from domain.refusal import Refusal
from listening.request import Request
from listening.runtime import Runtime
from rendering import refusals
from rendering.blocks import ephemeral

log = logging.getLogger("ambot.handlers")

Listener = Callable[[Request], Any]
Matcher = str | re.Pattern[str]


@dataclass(frozen=True)
class Spec:
    """How one listener answers a refusal."""

    kind: str  # command | action | view | options | event
    name: str
    usage: str | None = None  # the command's usage template, shown after input it cannot read
    fields: dict[str, str] = field(default_factory=dict)  # refusal code → form block
    default_field: str | None = None  # form block for other refusals (else the first input)
    # Where a refusal shows when the request has no reply thread of its own (the App Home).
    refused: Callable[[Request, str], None] | None = None


class Routes:
    """One kind's listeners by id: a dict lookup, then the patterns in order."""

    def __init__(self) -> None:
        self.exact: dict[str, Callable[..., None]] = {}
        self.patterns: list[tuple[re.Pattern[str], Callable[..., None]]] = []

    def add(self, matcher: Matcher, run: Callable[..., None]) -> None:
        if isinstance(matcher, str):
            self.exact.setdefault(matcher, run)  # the first registered wins, as in Bolt
        else:
            self.patterns.append((matcher, run))

    def find(self, key: object) -> Callable[..., None] | None:
        if not isinstance(key, str):
            return None
        found = self.exact.get(key)
        if found is None:
            found = next((run for pattern, run in self.patterns if pattern.search(key)), None)
        return found


# Where each kind's id is in a payload.
_KEYS: dict[str, Callable[[dict[str, Any]], object]] = {
    "command": lambda body: body.get("command"),
    "action": lambda body: ((body.get("actions") or [{}])[0] or {}).get("action_id"),
    "view": lambda body: (body.get("view") or {}).get("callback_id"),
    "options": lambda body: body.get("action_id"),
}


class Listeners:
    """Registers listeners with Bolt, each wrapped by the layer.

    Commands, buttons, forms and type-aheads are one Bolt listener per kind, which finds
    the listener by its id in a dict: Bolt evaluates five matchers per request instead
    of one per registered id."""

    def __init__(self, app: App, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self.routes: dict[str, Routes] = {}
        app.use(self._open_request)

    def command(self, name: str, listener: Listener, *, usage: str | None = None) -> None:
        self._route("command", name, self._after_ack(listener, Spec("command", name, usage=usage)))

    def action(self, action_id: Matcher, listener: Listener, *, refused: Callable[[Request, str], None] | None = None) -> None:
        self._route("action", action_id, self._after_ack(listener, Spec("action", str(action_id), refused=refused)))

    def event(self, event_type: str, listener: Listener) -> None:
        self.app.event(event_type)(self._after_ack(listener, Spec("event", event_type)))

    def view(self, callback_id: str, listener: Listener, *, fields: dict[str, str] | None = None, default_field: str | None = None) -> None:
        spec = Spec("view", callback_id, fields=fields or {}, default_field=default_field)
        self._route("view", callback_id, self._with_answer(listener, spec))

    def options(self, action_id: str, listener: Listener) -> None:
        self._route("options", action_id, self._with_answer(listener, Spec("options", action_id)))

    def _route(self, kind: str, matcher: Matcher, run: Callable[..., None]) -> None:
        routes = self.routes.get(kind)
        if routes is None:
            routes = self.routes[kind] = Routes()
            key = _KEYS[kind]

            def known(body: dict[str, Any]) -> bool:
                return routes.find(key(body)) is not None

            def dispatch(ack: Any, body: dict[str, Any], context: BoltContext) -> None:
                run = routes.find(key(body))
                assert run is not None  # `known` matched it
                run(ack, context)

            dispatch.__name__ = f"ambot_{kind}"
            anything = re.compile("")
            register = {
                "command": lambda: self.app.command(anything, matchers=[known]),
                "action": lambda: self.app.action({"type": "block_actions", "action_id": anything}, matchers=[known]),
                "view": lambda: self.app.view(anything, matchers=[known]),
                "options": lambda: self.app.options(anything, matchers=[known]),
            }[kind]
            register()(dispatch)
        routes.add(matcher, run)

    # --- Bolt's side -------------------------------------------------------------------

    def _open_request(self, body: dict[str, Any], context: BoltContext, next: Callable[[], Any], respond: Any = None) -> Any:
        """Global middleware: the request's scope on Bolt's context. Nothing is read here:
        the database, the asker and their language are resolved on first use."""
        context["request"] = Request(self.runtime, body, uuid.uuid4().hex[:10], respond=respond)
        return next()

    def _after_ack(self, listener: Listener, spec: Spec) -> Callable[..., None]:
        def run_after_ack(ack: Any, context: BoltContext) -> None:
            ack()
            self.runtime.background.submit(self._run, listener, spec, context["request"])

        run_after_ack.__name__ = getattr(listener, "__name__", spec.name)
        return run_after_ack

    def _with_answer(self, listener: Listener, spec: Spec) -> Callable[..., None]:
        def run_then_ack(ack: Any, context: BoltContext) -> None:
            req: Request = context["request"]
            answer = self._run(listener, spec, req)
            if spec.kind == "options":
                ack(options=req.options)
            else:
                ack(**(answer or req.form_answer or {}))
            # Bolt answers Slack when this returns: what was queued (a DM, a Home redraw)
            # goes out from the pool, not before the form's answer.
            self.runtime.background.submit(self._send, req)

        run_then_ack.__name__ = getattr(listener, "__name__", spec.name)
        return run_then_ack

    # --- running a listener ----------------------------------------------------------------

    def _run(self, listener: Listener, spec: Spec, req: Request) -> dict[str, Any] | None:
        """Run, commit, send. Returns a form's answer when the listener was refused or
        failed (the caller acks with it); None when it went through."""
        answer = None
        try:
            try:
                listener(req)
                req.commit()
            except StaleDataError:
                # Someone else's change to the same row committed first (the version it was
                # read at is gone): nothing of this one was written, and the user is told so.
                raise Refusal("common.changed_meanwhile") from None
        except Refusal as refusal:
            req.discard()
            try:
                answer = self._refused(spec, req, refusal)
            except Exception as exc:  # a refusal that cannot be shown is a failure like any other
                req.discard()
                answer = self._failed(spec, req, exc)
        except Exception as exc:  # the user hears that nothing was saved; the log has why
            req.discard()
            answer = self._failed(spec, req, exc)
        finally:
            req.close()
        if spec.kind not in {"view", "options"}:
            self._send(req)
        return answer

    def _send(self, req: Request) -> None:
        for effect in req.take_effects():
            try:
                effect()
            except Exception:  # what was saved stays saved; one unreachable person must not stop the rest
                log.warning("request %s: could not send an answer", req.id, exc_info=True)

    def _refused(self, spec: Spec, req: Request, refusal: Refusal) -> dict[str, Any] | None:
        log.info("request %s: %s refused %s", req.id, spec.name, refusal.key)
        texts = req.fallback_texts()
        text = refusals.refusal_text(texts, refusal)
        if spec.kind == "view":
            block = refusal.beside or spec.fields.get(refusal.code) or spec.default_field
            return form_errors(req, block, refusals.field_text(text, req.names_in(text)))
        if spec.refused is not None:
            spec.refused(req, text)
        elif spec.kind != "options":
            usage = spec.usage if (refusal.usage and spec.kind == "command") else None
            self._tell(req, refusals.refusal_reply(texts, text, usage), spec)
        return None

    def _failed(self, spec: Spec, req: Request, exc: Exception) -> dict[str, Any] | None:
        log.error("request %s: %s failed", req.id, spec.name, exc_info=exc)
        key = "database_unavailable" if isinstance(exc, OperationalError) else "internal_error"
        text = refusals.failure_text(req.fallback_texts(), key, req.id)
        if spec.kind == "view":
            return form_errors(req, spec.default_field, text)
        if spec.kind != "options":
            self._tell(req, ephemeral(text), spec)
        return None

    def _tell(self, req: Request, payload: dict[str, Any], spec: Spec) -> None:
        if spec.kind == "event" or req.respond is None:
            req.post(req.user_id, payload)  # no response_url (an event, a button in a form): a DM
        else:
            req.reply(payload, replace_original=False if spec.kind == "action" else None)


def form_errors(req: Request, block: str | None, text: str) -> dict[str, Any]:
    """`response_action: errors` beside `block`, or beside the form's first input when the
    form has no such block."""
    inputs = [b.get("block_id") for b in req.view.get("blocks") or [] if b.get("type") == "input" and b.get("block_id")]
    filled = ((req.view.get("state") or {}).get("values") or {}).keys()
    if block not in inputs and block not in filled:
        block = inputs[0] if inputs else block
    if block is None:
        return {"response_action": "update", "view": refusals.notice_view(req.fallback_texts(), text)}
    return {"response_action": "errors", "errors": {block: text[:300]}}
