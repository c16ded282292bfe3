"""Finding an earlier answer to a question asked in other words: analysis and BM25 (pure).

**Analysis.** Text is width- and case-folded (NFKC, casefold). The team's own words —
topic keywords, customer names and aliases — are found first and kept whole (with their
parts, so "华东制造集团" still meets "华东"); the rest is cut by a segmenter handed in
(jieba in production, see services/kb_index.py), Latin words are folded and lightly
stemmed, and function words are dropped. A word that belongs to a synonym group also
yields the group's token: each topic's keywords are one group ("专线" meets "电路" and
"MPLS"), and a small built-in lexicon groups what questions ask about in both languages
("多久" / "几个工作日" / "how long").

**Ranking.** Okapi BM25 over an inverted index (only the postings of the query's tokens are
read, so a search costs what the query touches, not what the index holds), the question
and tags weighted over the answer, then a boost for the asker's topic and a small one for
recent entries. `coverage` (the share of the query's IDF weight an entry matches) is what
a cut-off compares: a raw BM25 score has no fixed scale.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

Segmenter = Callable[[str], Iterable[str]]

# BM25 parameters: Lucene's and rank_bm25's defaults for k1 and b.
K1 = 1.5
B = 0.4
# Field weights: a question (and its other phrasings) says what an entry is about; the
# answer also matters but is longer and wordier.
QUESTION_WEIGHT = 2
TAG_WEIGHT = 2
ANSWER_WEIGHT = 1
GROUP_WEIGHT = 2.0  # a synonym group is a match of meaning: it counts twice a word
BIGRAM_WEIGHT = 0.3  # two Chinese characters side by side: a fallback when words differ
TOPIC_BOOST = 0.3  # ×1.3 for an entry of the asker's topic
RECENCY_BOOST = 0.1  # up to ×1.1 for an entry changed today, halving every half-life
RECENCY_HALF_LIFE_DAYS = 180.0
MAX_BOOST = (1 + TOPIC_BOOST) * (1 + RECENCY_BOOST)

_LATIN = re.compile(r"[0-9a-z]+(?:[._+\-][0-9a-z]+)*")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SPACES = re.compile(r"\s+")
_WORD_CHAR = re.compile(r"[0-9a-z]")

ENGLISH_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "can", "could", "do", "does", "did", "for", "from",
    "get", "got", "has", "have", "hi", "i", "if", "in", "into", "is", "it", "its", "just", "me", "my", "of", "on",
    "or", "our", "please", "should", "so", "that", "the", "their", "them", "there", "they", "this", "to", "us",
    "was", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
    "any", "some", "about", "still", "also", "need", "needs", "want", "wants", "s", "customer", "customers",
    "client", "clients", "ours", "one",
})
CHINESE_STOPWORDS = frozenset({
    "的", "了", "吗", "呢", "吧", "啊", "呀", "是", "在", "和", "与", "或", "及", "跟", "把", "被", "给", "让", "我",
    "你", "您", "他", "她", "它", "我们", "你们", "他们", "咱们", "这", "那", "这个", "那个", "这边", "那边", "一下",
    "请问", "请", "麻烦", "想", "想问", "问", "问下", "问一下", "一个", "有", "有没有", "没有", "能", "能否", "能不能",
    "可以", "可不可以", "是否", "要", "需要", "还", "也", "都", "就", "又", "再", "得", "地", "着", "过", "么", "个",
    "现在", "目前", "客户", "他家", "对方", "帮", "帮忙", "看看", "一般", "大概", "到底", "应该", "会", "会不会",
    "什么", "不能", "不是", "是不是", "的话", "哪个", "哪些", "出来", "说", "一定", "一直", "以后", "之后", "时候",
    "这单", "能不能不",
})

# What questions ask about, in both languages: one group per meaning. Kept short and
# generic on purpose (any carrier or B2B team); a team's own synonyms are its topics'
# keywords.
LEXICON: Mapping[str, tuple[str, ...]] = {
    # what is asked
    "duration": (
        "多久", "多长时间", "多少天", "几天", "几个工作日", "工作日", "周期", "时长", "工期", "时效", "最快", "多快",
        "几周", "多长", "什么时候", "何时", "哪天", "how long", "lead time", "turnaround", "days", "working days",
        "weeks", "timeline", "soonest", "fastest", "quickest", "when",
    ),
    "price": (
        "多少钱", "价格", "价钱", "费用", "收费", "报价", "资费", "月租", "单价", "成本", "价", "price", "pricing",
        "cost", "fee", "charge", "quote", "tariff", "monthly",
    ),
    "discount": (
        "折扣", "优惠", "打折", "让利", "减免", "便宜", "免掉", "免除", "折", "discount", "rebate", "cheaper", "cheap",
        "percent off", "% off", "waive", "waived",
    ),
    "process": (
        "流程", "手续", "步骤", "怎么办", "如何", "怎么", "怎样", "办法", "操作", "process", "procedure", "steps", "how",
    ),
    "open": (
        "开通", "办理", "受理", "装机", "开户", "开卡", "激活", "上线", "新装", "安装", "开", "activate", "activation",
        "activated", "provision", "provisioning", "install", "installation", "set up", "setup", "open",
    ),
    "cancel": (
        "取消", "注销", "拆机", "退订", "销户", "销号", "解约", "终止", "cancel", "terminate", "termination", "close",
    ),
    "suspend": ("停机", "停掉", "暂停", "停用", "复机", "用不了", "suspend", "suspended", "stopped working", "reactivate", "reactivation"),
    "change": (
        "变更", "修改", "更改", "调整", "迁移", "移机", "搬迁", "换地址", "change", "modify", "move", "relocate",
        "relocation", "migrate", "migration",
    ),
    "upgrade": ("升级", "扩容", "提速", "加带宽", "增容", "升", "加大", "upgrade", "increase", "expand"),
    "compensation": ("赔偿", "索赔", "赔付", "赔", "违约金", "罚金", "compensation", "penalty", "damages"),
    "payment": ("付费", "付款", "缴费", "交费", "交钱", "支付", "缴纳", "付", "pay", "payment", "paid", "transfer"),
    "fault": (
        "故障", "中断", "断网", "断线", "掉线", "报障", "报修", "不通", "宕机", "丢包", "断", "坏", "fault", "outage",
        "down", "failure", "broken", "packet loss",
    ),
    "contact": ("电话", "号码", "热线", "联系", "找谁", "对接", "phone", "hotline", "contact", "phone number"),
    "invoice": ("发票", "专票", "普票", "开票", "票据", "票", "invoice", "invoices", "receipt"),
    "bill": ("账单", "话费", "对账", "扣费", "扣钱", "多扣", "计费", "账期", "bill", "billing", "statement", "charged"),
    "refund": ("退款", "退费", "返还", "退回", "退", "refund", "reimburse", "money back"),
    "arrears": ("欠费", "逾期", "催缴", "滞纳金", "晚交", "没交", "arrears", "overdue", "unpaid", "late fee", "late"),
    "contract": ("合同", "协议", "签约", "续约", "续签", "长约", "约", "contract", "agreement", "renewal", "renew"),
    "approval": (
        "审批", "批准", "审核", "签批", "批", "approval", "approve", "approves", "approved", "sign-off", "sign off",
        "signed off", "authorise", "authorize",
    ),
    "documents": ("材料", "资料", "证件", "文件", "营业执照", "documents", "document", "paperwork", "papers", "license", "licence"),
    "guarantee": ("sla", "可用性", "保障", "保证", "承诺", "不断", "availability", "uptime", "guarantee"),
    "coverage": ("覆盖", "信号", "基站", "coverage", "signal", "base station"),
    "quantity": (
        "批量", "大批", "一批", "数量", "起订", "最多", "上限", "多少张", "bulk", "batch", "volume", "quantity",
        "minimum", "maximum", "how many", "at once", "limit",
    ),
    "check": ("核查", "核实", "勘查", "勘察", "查勘", "评估", "核", "查", "check", "survey", "assessment", "verify"),
    "whitelist": ("定向", "白名单", "指定", "限制", "只允许", "whitelist", "restrict", "restricted"),
    "cutover": ("割接", "切换", "倒换", "cut-over", "cutover", "switch over", "switchover"),
    "crossregion": ("跨省", "外省", "跨域", "省际", "跨地市", "cross-province", "cross-region", "inter-province", "provinces"),
    "competitor": ("友商", "竞争对手", "对手", "同行", "competitor", "rival", "competition"),
    "procurement": ("招标", "采购", "投标", "单一来源", "tender", "bidding", "procurement", "bid"),
    "delivery": ("发货", "寄", "寄到", "送达", "到货", "交付", "交货", "deliver", "delivery", "ship", "shipping", "dispatch"),
    "merge": ("合并", "统一", "一起", "汇总", "统付", "combine", "merge", "consolidate", "together", "single"),
    "temporary": ("临时", "暂时", "过渡", "应急", "短期", "temporary", "interim", "temp", "short-term"),
    "international": ("海外", "国外", "境外", "国际", "跨境", "overseas", "abroad", "international", "cross-border"),
    "requirements": ("条件", "要求", "准备", "前提", "requirement", "requirements", "prerequisite", "prepare"),
    "name": ("抬头", "名称", "公司名", "名字", "title", "name"),
    # what it is about: telecom nouns every carrier team uses
    "video": ("视频会议", "会议", "视频", "腾讯会议", "teams", "zoom", "video", "conferencing", "meeting"),
    "line": ("专线", "电路", "线路", "链路", "circuit", "private line", "dedicated line", "dedicated link", "leased line", "link", "line"),
    "device": ("设备", "盒子", "终端", "路由器", "cpe", "router", "device", "equipment", "box"),
    "datacentre": ("机房", "数据中心", "idc", "data centre", "data center", "datacenter"),
    "server": ("服务器", "主机", "云主机", "server", "host", "vm"),
    "rack": ("机柜", "机架", "柜子", "rack", "cabinet"),
    "power": ("电力", "功率", "供电", "用电", "power", "kw", "electricity"),
    "address": ("ip", "地址", "公网", "ip地址", "address", "addresses"),
    "bandwidth": ("带宽", "速率", "网速", "速度", "bandwidth", "speed", "mbps", "gbps"),
}


def fold(text: str) -> str:
    """Width- and case-folded: "ＭＰＬＳ" and "mpls" are one word."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def _stem(word: str) -> str:
    """A light English stemmer: enough that "circuits" meets "circuit"."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _norm_word(word: str) -> str:
    return _SPACES.sub(" ", fold(word)).strip()


# --- the team's words ------------------------------------------------------------------


@dataclass
class Vocabulary:
    """Words kept whole, and the synonym groups each belongs to."""

    groups_of: dict[str, set[str]] = field(default_factory=dict)  # folded word -> group tokens
    _buckets: dict[str, list[str]] = field(default_factory=dict)  # first two characters -> words, longest first
    _singles: set[str] = field(default_factory=set)  # one-character words

    @classmethod
    def build(cls, groups: Mapping[str, Iterable[str]], words: Iterable[str] = ()) -> Vocabulary:
        """`groups`: group name -> its words (synonyms); `words`: more words to keep whole."""
        vocab = cls()
        for name, members in groups.items():
            for word in members:
                vocab._add(word, "~" + name)
        for word in words:
            vocab._add(word, None)
        for bucket in vocab._buckets.values():
            bucket.sort(key=len, reverse=True)
        return vocab

    @classmethod
    def standard(cls, topic_keywords: Mapping[str, Iterable[str]], words: Iterable[str] = ()) -> Vocabulary:
        """The built-in lexicon, each topic's keywords as one group, and `words`."""
        groups: dict[str, Iterable[str]] = {f"w:{name}": members for name, members in LEXICON.items()}
        groups.update({f"t:{key}": keywords for key, keywords in topic_keywords.items()})
        return cls.build(groups, words)

    def _add(self, word: str, group: str | None) -> None:
        folded = _norm_word(word)
        if not folded or not (_HAN.search(folded) or _LATIN.search(folded)):
            return
        if _LATIN.fullmatch(folded) and _stem(folded) != folded:
            self._add(_stem(folded), group)  # "circuits" is a word of the group "circuit" is in
        known = self.groups_of.get(folded)
        if known is None:
            known = self.groups_of[folded] = set()
            if len(folded) == 1:
                self._singles.add(folded)
            else:
                self._buckets.setdefault(folded[:2], []).append(folded)
        if group:
            known.add(group)

    @property
    def signature(self) -> frozenset[tuple[str, frozenset[str]]]:
        return frozenset((w, frozenset(g)) for w, g in self.groups_of.items())

    def words(self) -> set[str]:
        return set(self.groups_of)

    def find(self, text: str, start: int) -> str | None:
        """The longest word of two characters or more at `text[start:]`, on Latin word
        boundaries. One-character words are left to the segmenter: "核" must not cut
        "核心网" apart; a segment that is such a word still gets its groups."""
        for word in self._buckets.get(text[start : start + 2], ()):
            if text.startswith(word, start) and self._bounded(text, start, len(word)):
                return word
        return None

    @staticmethod
    def _bounded(text: str, start: int, length: int) -> bool:
        end = start + length
        first, last = text[start], text[end - 1]
        if _WORD_CHAR.match(first) and start > 0 and _WORD_CHAR.match(text[start - 1]):
            return False
        return not (_WORD_CHAR.match(last) and end < len(text) and _WORD_CHAR.match(text[end]))


# --- analysis --------------------------------------------------------------------------


@dataclass(frozen=True)
class Analyzer:
    vocabulary: Vocabulary
    segment: Segmenter  # cuts a run of Chinese into words (jieba's cut_for_search)

    def tokens(self, text: str) -> list[str]:
        folded = fold(text)
        out: list[str] = []
        gap_start = 0
        i = 0
        while i < len(folded):
            word = self.vocabulary.find(folded, i) if not folded[i].isspace() else None
            if word is None:
                i += 1
                continue
            self._plain(folded[gap_start:i], out)
            self._word(word, out)
            i += len(word)
            gap_start = i
        self._plain(folded[gap_start:], out)
        return out

    def _word(self, word: str, out: list[str]) -> None:
        groups_of = self.vocabulary.groups_of
        stem = _stem(word) if _LATIN.fullmatch(word) else word
        out.append(stem)
        out.extend(sorted(groups_of.get(word, set()) | groups_of.get(stem, set())))
        if _HAN.search(word):  # "华东制造集团" still meets "华东"; "data centre" is one word
            parts: list[str] = []
            self._plain(word, parts)
            out.extend(p for p in parts if p != word)

    def _plain(self, text: str, out: list[str]) -> None:
        if not text or text.isspace():
            return
        groups_of = self.vocabulary.groups_of
        for match in _LATIN.finditer(text):
            word = match.group()
            if word not in ENGLISH_STOPWORDS:
                stem = _stem(word)
                out.append(stem)
                out.extend(sorted(groups_of.get(word) or groups_of.get(stem) or ()))
        for run in _HAN.findall(text):
            if BIGRAM_WEIGHT:
                out.extend("²" + run[i : i + 2] for i in range(len(run) - 1))
            for piece in self.segment(run):
                piece = piece.strip()
                if piece and piece not in CHINESE_STOPWORDS and _HAN.match(piece):
                    out.append(piece)
                    if len(piece) == 1:
                        out.extend(sorted(self.vocabulary.groups_of.get(piece, ())))

    def query_terms(self, text: str) -> dict[str, float]:
        """A query's distinct tokens and their weights (a synonym group's token: less)."""
        return {t: _WEIGHTS.get(t[0], 1.0) for t in self.tokens(text)}


_WEIGHTS = {"~": GROUP_WEIGHT, "²": BIGRAM_WEIGHT}


# --- the index ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    key: int
    question_tokens: Sequence[str]
    answer_tokens: Sequence[str] = ()
    tag_tokens: Sequence[str] = ()
    topic: str | None = None
    changed_at: datetime | None = None


@dataclass(frozen=True)
class Hit:
    key: int
    score: float  # BM25 with the topic and recency boosts
    coverage: float  # 0–1: the share of the query's IDF weight this entry matched


class Bm25Index:
    """Okapi BM25 over an inverted index: term -> [(document number, weighted tf)]."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.keys = [d.key for d in documents]
        self.topics = [d.topic for d in documents]
        self.changed = [d.changed_at.timestamp() if d.changed_at else None for d in documents]
        postings: dict[str, dict[int, int]] = defaultdict(dict)
        lengths = []
        for number, doc in enumerate(documents):
            counts: dict[str, int] = defaultdict(int)
            for tokens, weight in ((doc.question_tokens, QUESTION_WEIGHT), (doc.tag_tokens, TAG_WEIGHT), (doc.answer_tokens, ANSWER_WEIGHT)):
                for token in tokens:
                    counts[token] += weight
            for token, tf in counts.items():
                postings[token][number] = tf
            lengths.append(sum(counts.values()))
        self.size = len(documents)
        self.average_length = (sum(lengths) / self.size) if self.size else 0.0
        self._norms = [K1 * (1 - B + B * length / self.average_length) if self.average_length else K1 for length in lengths]
        self._postings = {t: tuple(p.items()) for t, p in postings.items()}
        self._idf = {t: self.idf(len(p)) for t, p in self._postings.items()}

    def idf(self, document_frequency: int) -> float:
        """Lucene's BM25 IDF: never negative, however common the term."""
        return math.log(1 + (self.size - document_frequency + 0.5) / (document_frequency + 0.5))

    def search(self, terms: Mapping[str, float], *, topic: str | None = None, now: datetime | None = None, limit: int = 3, min_coverage: float = 0.0) -> list[Hit]:
        if not self.size or not terms:
            return []
        unseen = self.idf(1)  # a word no entry has counts like the rarest: a tiny base is not penalised for its size
        total = sum(self._idf.get(t, unseen) * w for t, w in terms.items())
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, float] = defaultdict(float)
        norms = self._norms
        for term, weight in terms.items():
            postings = self._postings.get(term)
            if not postings:
                continue
            idf = self._idf[term] * weight
            for number, tf in postings:
                scores[number] += idf * tf * (K1 + 1) / (tf + norms[number])
                matched[number] += idf
        # Boosts are applied best-first and stop once no later entry could catch up: a
        # boost is at most MAX_BOOST, so a raw score below the k-th boosted one / MAX_BOOST
        # cannot enter the top k. Most of a large index is never boosted at all.
        floor = min_coverage * total
        ranked = sorted(((score, number) for number, score in scores.items() if matched[number] >= floor), reverse=True)
        when = now.timestamp() if now is not None else None
        best: list[tuple[float, int, int]] = []  # (boosted score, -document number, number): a min-heap of the top k
        for raw, number in ranked:
            if len(best) >= limit and raw * MAX_BOOST <= best[0][0]:
                break
            item = (raw * self._boost(number, topic, when), -number, number)
            if len(best) < limit:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
        best.sort(reverse=True)
        return [Hit(self.keys[number], score, matched[number] / total if total else 0.0) for score, _, number in best]

    def _boost(self, number: int, topic: str | None, now: float | None) -> float:
        boost = 1.0
        if topic is not None and self.topics[number] == topic:
            boost *= 1 + TOPIC_BOOST
        changed = self.changed[number]
        if now is not None and changed is not None:
            age_days = max(0.0, (now - changed) / 86400)
            boost *= 1 + RECENCY_BOOST * 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
        return boost
