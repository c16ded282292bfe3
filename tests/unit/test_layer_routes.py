"""The listener layer finds a listener by its id: an exact id first, then the patterns in
the order they were registered; the first registration of an id wins, as it did in Bolt."""

from __future__ import annotations

import re

from listening.layer import Routes


def listener(name: str):
    def run(*_args: object) -> None:
        pass

    run.__name__ = name
    return run


def name_of(found) -> str | None:
    return None if found is None else found.__name__


def test_an_exact_id_is_found_before_any_pattern():
    routes = Routes()
    routes.add(re.compile(r"^ask_pick_topic"), listener("pattern"))
    routes.add("ask_pick_topic", listener("exact"))
    assert name_of(routes.find("ask_pick_topic")) == "exact"
    assert name_of(routes.find("ask_pick_topic:7")) == "pattern"


def test_patterns_are_tried_in_order_and_the_first_registration_wins():
    routes = Routes()
    routes.add(re.compile(r"^a"), listener("first"))
    routes.add(re.compile(r"^ab"), listener("second"))
    routes.add("x", listener("one"))
    routes.add("x", listener("two"))
    assert name_of(routes.find("abc")) == "first"
    assert name_of(routes.find("x")) == "one"


def test_an_unknown_or_missing_id_finds_nothing():
    routes = Routes()
    routes.add("visit_edit", listener("edit"))
    assert routes.find("visit_editor") is None
    assert routes.find(None) is None
    assert routes.find(7) is None
