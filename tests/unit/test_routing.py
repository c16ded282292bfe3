import pytest

from domain.routing import (
    DEFAULT_SLA_MINUTES,
    AskParseError,
    AskRequest,
    Candidate,
    RoutingChoice,
    TopicKeywords,
    choose_responder,
    match_topic,
    parse_ask,
    sla_minutes_for,
)


def cand(
    member_id,
    level=1,
    *,
    away=False,
    backup=None,
    backup_away=False,
    open_=0,
    backup_open=0,
    position=0,
    at_work=True,
    last=None,
    backup_at_work=True,
    backup_last=None,
):
    return Candidate(member_id, level, away, backup, backup_away, open_, backup_open, position, at_work, last, backup_at_work, backup_last)


# --- choosing a responder -------------------------------------------------------------


def chosen(*args, **kwargs):
    """The member `choose_responder` picks; None when it picks nobody."""
    choice = choose_responder(*args, **kwargs)
    return choice.member_id if choice is not None else None


def test_single_present_responder():
    choice = choose_responder([cand(1)], 1)
    assert choice == RoutingChoice(1, 1, None, ())
    assert choice.escalated_from is None


def test_the_least_recently_assigned_goes_first():
    candidates = [cand(1, last=40, position=0), cand(2, last=12, position=1), cand(3, last=30, position=2)]
    assert chosen(candidates, 1) == 2


def test_someone_never_assigned_here_goes_before_everyone():
    candidates = [cand(1, last=1, position=0), cand(2, last=None, open_=3, position=1)]
    assert chosen(candidates, 1) == 2


def test_ties_go_to_the_fewest_open_then_list_order():
    # Listed out of order on purpose: position, not list order, breaks the last tie.
    assert chosen([cand(3, open_=1, position=2), cand(1, open_=2, position=0), cand(2, open_=1, position=1)], 1) == 2
    assert chosen([cand(3, position=2), cand(2, position=1)], 1) == 2


def test_those_at_work_come_first_unless_nobody_is():
    candidates = [cand(1, last=None, at_work=False, position=0), cand(2, last=99, position=1)]
    assert chosen(candidates, 1) == 2
    after_hours = [cand(1, last=50, at_work=False, position=0), cand(2, last=9, at_work=False, position=1)]
    assert chosen(after_hours, 1) == 2


def test_a_backup_takes_their_own_turn():
    candidates = [cand(1, away=True, backup=9, backup_last=70, position=0), cand(2, last=60, position=1)]
    assert chosen(candidates, 1) == 2
    candidates[0] = cand(1, away=True, backup=9, backup_last=None, position=0)
    assert choose_responder(candidates, 1) == RoutingChoice(9, 1, 1, ())


def test_choice_is_deterministic():
    candidates = [cand(1, position=0), cand(2, position=1)]
    picks = {choose_responder(candidates, 1) for _ in range(20)}
    assert picks == {RoutingChoice(1, 1, None, ())}


def test_away_responder_is_replaced_by_backup():
    choice = choose_responder([cand(1, away=True, backup=9)], 1)
    assert choice == RoutingChoice(9, 1, via_backup_of=1, skipped_levels=())


@pytest.mark.parametrize(
    "away_one",
    [cand(1, away=True), cand(1, away=True, backup=9, backup_away=True)],
    ids=["no backup", "backup away too"],
)
def test_away_without_usable_backup_is_skipped(away_one):
    assert chosen([away_one, cand(2, open_=7, position=1)], 1) == 2


def test_present_responder_who_is_also_a_backup_is_not_reported_via_backup():
    candidates = [cand(1, away=True, backup=2, position=0), cand(2, open_=0, position=1)]
    assert choose_responder(candidates, 1) == RoutingChoice(2, 1, None, ())


def test_escalates_to_next_level_when_nobody_is_available():
    candidates = [cand(1, 1, away=True), cand(2, 2, away=True), cand(3, 3)]
    choice = choose_responder(candidates, 1)
    assert choice == RoutingChoice(3, 3, None, (1, 2))
    assert choice.escalated_from == 1


def test_explicit_level_is_respected_and_lower_levels_ignored():
    candidates = [cand(1, 1), cand(2, 2), cand(3, 3)]
    assert choose_responder(candidates, 2) == RoutingChoice(2, 2, None, ())


def test_level_without_responders_goes_up():
    choice = choose_responder([cand(3, 3)], 2)
    assert choice is not None and (choice.level, choice.escalated_from) == (3, 2)


@pytest.mark.parametrize(
    ("candidates", "level", "max_level"),
    [
        ([], 1, 3),
        ([cand(1, 1, away=True), cand(2, 2, away=True)], 1, 3),
        ([cand(3, 3)], 1, 2),  # level 3 exists but the caller caps at 2
        ([cand(1, 1)], 3, 3),  # nobody at or above the asked level
    ],
)
def test_nobody_at_any_level(candidates, level, max_level):
    assert choose_responder(candidates, level, max_level) is None


def test_excluded_members_are_never_chosen():
    candidates = [cand(1, open_=0, position=0), cand(2, open_=3, position=1)]
    assert chosen(candidates, 1, exclude_ids={1}) == 2
    only_backup = [cand(1, away=True, backup=9)]
    assert choose_responder(only_backup, 1, exclude_ids={9}) is None


def test_level_below_one_is_a_programming_error():
    with pytest.raises(ValueError):
        choose_responder([cand(1)], 0)


# --- SLA ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "sla_map", "minutes"),
    [
        (1, None, 120),
        (2, {}, 240),
        (3, {}, 540),  # one 09:00–18:00 working day
        (3, {1: 120, 2: 240, 3: 480}, 480),  # YAML int keys
        (1, {"1": 60}, 60),  # JSON column string keys
        (2, {"1": 60}, 240),  # level missing → default
        (2, {2: 0}, 240),  # nonsense → default
        (2, {2: "soon"}, 240),
    ],
)
def test_sla_minutes(level, sla_map, minutes):
    assert sla_minutes_for(level, sla_map) == minutes


def test_sla_defaults_match_spec():
    assert DEFAULT_SLA_MINUTES == {1: 120, 2: 240, 3: 540}


@pytest.mark.parametrize("level", [0, 4])
def test_sla_rejects_unknown_level(level):
    with pytest.raises(ValueError):
        sla_minutes_for(level, {})


# --- topics ---------------------------------------------------------------------------

TOPICS = [
    TopicKeywords("circuit", ("电路", "专线", "circuit", "MPLS")),
    TopicKeywords("5g", ("5G专网", "5G", "private network")),
    TopicKeywords("billing", ("账单", "发票", "invoice", "billing")),
    TopicKeywords("idc", ("机房", "IDC", "rack")),
]


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Customer wants an MPLS circuit to Shanghai", ["circuit"]),
        ("mpls quote?", ["circuit"]),  # case-insensitive
        ("ＭＰＬＳ 报价", ["circuit"]),  # full-width from an IME
        ("客户要一条跨省专线，电路多久能开通", ["circuit"]),
        ("MPLS专线多久开通", ["circuit"]),  # English keyword glued to Chinese text
        ("5G专网的资费", ["5g"]),
        ("an invoice for the MPLS line", ["billing", "circuit"]),  # tie: longer keyword first
        ("invoice and billing for the circuit", ["billing", "circuit"]),  # more hits first
        ("发票和账单，还有专线", ["billing", "circuit"]),
        ("a private network for the factory", ["5g"]),
        ("price for a rack in the IDC", ["idc"]),
    ],
)
def test_match_topic(text, keys):
    assert match_topic(text, TOPICS) == keys


@pytest.mark.parametrize(
    "text",
    [
        "circuits and invoices",  # English is matched on whole words only
        "the bracket is broken",  # "rack" inside a word
        "a 5GHz router",
        "",
        "nothing relevant here",
    ],
)
def test_match_topic_needs_whole_words_in_english(text):
    assert match_topic(text, TOPICS) == []


def test_match_topic_ties_follow_configured_order():
    topics = [TopicKeywords("a", ("alpha",)), TopicKeywords("b", ("gamma",))]
    assert match_topic("gamma alpha", topics) == ["a", "b"]


def test_match_topic_ignores_blank_keywords():
    assert match_topic("anything", [TopicKeywords("x", ("", "  "))]) == []


# --- /ask text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("how long for an MPLS line?", AskRequest(None, None, "how long for an MPLS line?")),
        ("#circuit how long?", AskRequest("circuit", None, "how long?")),
        ("!2 how long?", AskRequest(None, 2, "how long?")),
        ("#circuit !3 how long?", AskRequest("circuit", 3, "how long?")),
        ("!3 #circuit how long?", AskRequest("circuit", 3, "how long?")),
        ("  #Circuit   !1   how   long?  ", AskRequest("circuit", 1, "how   long?")),
        ("＃专线　！2　多久开通？", AskRequest("专线", 2, "多久开通？")),  # IME full-width
        ("#circuit see <#C123|ops> first", AskRequest("circuit", None, "see <#C123|ops> first")),
        ("<#C123|circuit> how long?", AskRequest("circuit", None, "how long?")),  # #circuit is also a channel
        ("<#C123> how long?", AskRequest(None, None, "<#C123> how long?")),  # no name: not a topic
        ("#a #b question", AskRequest("a", None, "#b question")),  # one topic only
        ("!1 !2 question", AskRequest(None, 1, "!2 question")),
        ("how long? #circuit !2", AskRequest(None, None, "how long? #circuit !2")),
        ("!urgent please", AskRequest(None, None, "!urgent please")),
    ],
)
def test_parse_ask(text, parsed):
    assert parse_ask(text) == parsed


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("!4 question", "bad_level"),
        ("!0 question", "bad_level"),
        ("#circuit !9 question", "bad_level"),
        ("!-1 question", "bad_level"),
        ("", "empty_question"),
        (None, "empty_question"),
        ("   ", "empty_question"),
        ("#circuit", "empty_question"),
        ("#circuit !2", "empty_question"),
        ("!2   ", "empty_question"),
    ],
)
def test_parse_ask_errors(text, code):
    with pytest.raises(AskParseError) as error:
        parse_ask(text)
    assert error.value.code == code
