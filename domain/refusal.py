"""The one exception a user ever hears about: something they asked for that ambot will not do.

A `Refusal` names a message and its parameters; it never holds text. Services and parsers
raise it; the listener layer renders it once, in the reader's language, as the reply the
request allows (an ephemeral message, a form field error, a button's reply).

    raise Refusal("visit.customer_hidden", name=customer.name, owner=owner.slack_id)

The key is `<capability>.<code>`: the message is the macro `error_<code>` of
`templates/<capability>/messages.j2` (`common.<code>` → `templates/common.j2`).
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """A user-facing refusal.

    usage: the command's usage follows the message (ambot could not read what was typed).
    beside: the form block to show it beside when the request came from a form.
    """

    def __init__(self, key: str, /, *, usage: bool = False, beside: str | None = None, **params: Any) -> None:
        capability, _, code = key.partition(".")
        if not code:
            raise ValueError(f"a refusal key is <capability>.<code>, not {key!r}")
        super().__init__(key)
        self.key = key
        self.capability = capability
        self.code = code
        self.usage = usage
        self.beside = beside
        self.params = params

    def __repr__(self) -> str:
        return f"Refusal({self.key!r}, {self.params!r})"
