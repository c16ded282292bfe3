"""Finding an answer asked in other words: analysis, BM25, the per-process index; the draft
in a button value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.text_search import Analyzer, Bm25Index, Document, Vocabulary
from handlers.questions import decode_draft, encode_draft
from services import kb_index
from services.kb_index import IndexedEntry, TeamIndex
from services.questions import Draft

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TOPICS = {
    "circuit": ["电路", "专线", "circuit", "MPLS", "leased line"],
    "iot": ["物联网", "IoT", "SIM", "流量卡", "卡"],
    "billing": ["账单", "发票", "invoice"],
}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(Vocabulary.standard(TOPICS, ["华东制造集团", "HDMG"]), kb_index.segmenter())


def test_the_teams_words_stay_whole_and_bring_their_synonyms(analyzer):
    tokens = analyzer.tokens("华东制造集团的物联网卡")
    assert "华东制造集团" in tokens and "华东" in tokens  # whole, and its parts
    assert "物联网" in tokens and "~t:iot" in tokens
    assert "~t:circuit" in analyzer.tokens("跨域专线") and "~t:circuit" in analyzer.tokens("MPLS")


def test_one_character_words_do_not_cut_other_words_apart(analyzer):
    # "核" (check) and "卡" are vocabulary words; "核心网" must still be cut by jieba.
    assert "核" not in analyzer.tokens("核心网")


def test_latin_words_are_folded_stemmed_and_bounded(analyzer):
    assert analyzer.tokens("Two ＭＰＬＳ Circuits") == analyzer.tokens("two mpls circuit")
    assert {"~t:circuit", "~w:line"} <= set(analyzer.tokens("Circuits"))
    assert analyzer.tokens("invoices") == analyzer.tokens("Invoice") == ["invoice", "~t:billing", "~w:invoice"]
    assert "~t:circuit" not in analyzer.tokens("mplsx")  # a keyword only on word boundaries
    assert "~w:duration" in analyzer.tokens("What is the lead time?")


def test_function_words_are_dropped(analyzer):
    assert [t for t in analyzer.tokens("请问一下 the of") if not t.startswith("²")] == []  # bigrams aside


ENTRIES = [
    (1, "circuit", "跨域电路资源核查要几个工作日？", "资源核查 3 个工作日，核查通过后再排开通和联调。"),
    (2, "billing", "客户发票抬头错了，能不能重开？", "作废原发票后提交更正单，1 个工作日内重开。"),
    (3, "iot", "物联网卡批量开卡要多久？", "1 万张以内 2 个工作日。"),
    (4, "circuit", "专线中断了客户要求赔偿怎么处理？", "按合同 SLA 条款计算可用性，低于承诺值按月租比例赔付。"),
]


def index_of(analyzer: Analyzer, entries=ENTRIES, changed: dict[int, datetime] | None = None) -> Bm25Index:
    changed = changed or {}
    return Bm25Index([
        Document(key, analyzer.tokens(question), analyzer.tokens(answer), (), topic, changed.get(key, NOW - timedelta(days=30)))
        for key, topic, question, answer in entries
    ])


def test_the_issues_paraphrase_finds_the_earlier_answer(analyzer):
    index = index_of(analyzer)
    hits = index.search(analyzer.query_terms("跨域专线开通最快需要多久"), topic="circuit", now=NOW)
    assert hits[0].key == 1 and hits[0].coverage >= kb_index.SHOW_COVERAGE


def test_synonyms_cross_languages_through_a_topics_keywords(analyzer):
    index = index_of(analyzer)
    hits = index.search(analyzer.query_terms("How many days for the resource check on an MPLS circuit?"), topic="circuit", now=NOW)
    assert hits[0].key == 1


def test_an_unrelated_question_matches_too_little_to_be_shown(analyzer):
    index = index_of(analyzer)
    hits = index.search(analyzer.query_terms("卫星电话能不能接入"), topic=None, now=NOW, min_coverage=kb_index.SHOW_COVERAGE)
    assert hits == []


def test_the_askers_topic_and_recency_break_near_ties(analyzer):
    twins = [(10, "circuit", "开通要多久", "三天"), (11, "iot", "开通要多久", "三天")]
    index = index_of(analyzer, twins)
    assert index.search(analyzer.query_terms("开通要多久"), topic="iot", now=NOW)[0].key == 11
    assert index.search(analyzer.query_terms("开通要多久"), topic="circuit", now=NOW)[0].key == 10
    recent = index_of(analyzer, twins, changed={11: NOW})
    assert recent.search(analyzer.query_terms("开通要多久"), topic=None, now=NOW)[0].key == 11


def test_an_empty_index_or_query_finds_nothing(analyzer):
    assert Bm25Index([]).search(analyzer.query_terms("专线"), now=NOW) == []
    assert index_of(analyzer).search({}, now=NOW) == []


def test_the_team_index_reanalyses_only_what_changed():
    seen: list[str] = []

    def segment(run: str) -> list[str]:
        seen.append(run)
        return [run]

    def entry(entry_id: int, text: str, version: int = 1) -> IndexedEntry:
        return IndexedEntry(entry_id, version, None, text, "答", (), NOW)

    vocabulary = Vocabulary.standard({"iot": ["物联网"]})
    index = TeamIndex(vocabulary, segment)
    index.refresh([entry(1, "桌椅"), entry(2, "午餐")], vocabulary)
    assert {"桌椅", "午餐"} <= set(seen)
    seen.clear()
    index.refresh([entry(1, "桌椅"), entry(2, "午餐改了", version=2), entry(3, "晚餐")], vocabulary)
    assert "桌椅" not in seen and {"午餐改了", "晚餐"} <= set(seen)
    seen.clear()
    index.refresh([entry(1, "桌椅"), entry(2, "午餐改了", version=2), entry(3, "晚餐")], Vocabulary.standard({"iot": ["物联网"]}, ["早餐店"]))
    assert seen == []  # a new word nobody's text contains changes nothing
    index.refresh([entry(1, "桌椅"), entry(2, "午餐改了", version=2), entry(3, "晚餐")], Vocabulary.standard({"iot": ["物联网"], "b": ["桌椅"]}))
    assert "晚餐" not in seen and "午餐改了" not in seen  # only the entry with the word that changed
    assert index.search("桌椅", topic=None, now=NOW, limit=3)[0].key == 1


@pytest.mark.parametrize(
    "draft",
    [
        Draft("plain question"),
        Draft("with | pipes | inside", "circuit", 2, 17),
        Draft("专线 " * 300, "billing", 3, None),
    ],
)
def test_a_draft_survives_a_button_value(draft):
    value = encode_draft(draft)
    assert decode_draft(value) == draft
    assert len(value) <= 2000 or len(draft.question) > 1800


# --- the migration: answered questions become entries ----------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_turns_answered_questions_into_live_entries(backend, tmp_path):
    from sqlalchemy import text

    from storage import db as storage_db
    from tests.conftest import throwaway_database
    from tests.helpers import migrate_with_old_rows

    history = [
        "INSERT INTO teams (id, name, timezone, language, calendar, meeting_day, meeting_time, schedule, require_followup_due, created_at) "
        "VALUES (1, 'old', 'Asia/Shanghai', 'zh', 'CN', 'fri', '16:00', '{}', false, CURRENT_TIMESTAMP)",
        "INSERT INTO members (id, team_id, slack_id, name, roles, active) VALUES (1, 1, 'U1', 'a', '[]', true)",
        "INSERT INTO questions (id, team_id, level, text, status, asked_at, answered_at, answered_by_id, answer, escalations) "
        "VALUES (1, 1, 1, '专线资源核查要多久', 'answered', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, '3 个工作日', 0)",
        "INSERT INTO questions (id, team_id, level, text, status, asked_at, escalations) VALUES (2, 1, 1, '还没答', 'open', CURRENT_TIMESTAMP, 0)",
        "INSERT INTO question_events (question_id, kind, actor_id, at, detail) VALUES (1, 'deflected', 1, CURRENT_TIMESTAMP, '{}')",
    ]
    with throwaway_database(backend, tmp_path) as url:
        migrate_with_old_rows(url, "0003", history)
        engine = storage_db.make_engine(url)
        try:
            with engine.connect() as connection:
                entries = connection.execute(text("SELECT question, answer, status, source_question_id, version FROM knowledge_entries")).all()
                kinds = connection.execute(text("SELECT kind FROM knowledge_events ORDER BY id")).scalars().all()
                stamp = connection.execute(text("SELECT knowledge_stamp FROM teams")).scalar()
        finally:
            engine.dispose()
    assert [tuple(e) for e in entries] == [("专线资源核查要多久", "3 个工作日", "live", 1, 1)]
    assert kinds == ["created", "deflected"] and stamp and len(stamp) == 32
