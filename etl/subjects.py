"""A number and its sentence → what is counted (subject) and its indicator (pure).

What is counted usually follows the measure word (15个“嘎查+社区联合体”, 2423名嘎查村书记,
100余名党员志愿者) or, when nothing follows, precedes the number (收集民情民意200多条,
硬化路面2500平方米, 宣讲受众人群已达4万多人). jieba segments only this short window, with a
user dictionary of place and programme names so that they stay whole; place names are then
dropped from the subject, and so are verbs and particles at its edges.

The indicator is looked up in ``data/reference/indicators.csv``: the first indicator whose
keywords occur in the subject, else in the words before the number, else a default by category.
"""
from __future__ import annotations

import csv
import logging
import marshal
import os
import re
import sys
from functools import lru_cache

from .cache import cache_key, load_or_build
from .paths import REFERENCE_DIR
from .schema import Mention

_STOP_AFTER = frozenset(
    "担任 送去 推行 开展 建设 建立 设置 收集 解决 硬化 达 已达 达到 超过 共 以 为 的 在 对 向 将 把 让 使 有 是 了 和 及 等 已 "
    "已经 累计 共计 新增 增加 完成 实现 提供 参与 覆盖 惠及 带动 帮助 组织 举办 培训 发放 选聘 选派 聘任 购置 投入 安装 加装 "
    "进行 办理 接待 走访 上门 入户 分别 全部 均 都 也 还 就 又 再 被 由 从 到 与 同 并 其中 以上 左右 中 里 内 后 前 "
    "参加 受益 开设 设立 成立 组建 打造 培育 引进 争取 落实 服务 帮扶 联系 结对 认领 领办 化解 办结 整改 录入 排查 "
    "先后 陆续 分批 每年 今年 去年 目前 截至 通过 围绕 针对 按照 关于 为了 进入 来到 深入 同比 增长 下降 提高 减少 "
    "我 我家 我们 他 他们 她 大家 咱们 自己 家里 村里 一年 一下 仅 仅仅 只有".split()
)
_STOP_BEFORE_TAIL = frozenset(
    "达 已达 达到 超过 共 共计 累计 为 有 是 已 已经 约 近 逾 突破 不足 不到 新增 增加 增长 就 都 均 仅 只 总 合计 分别 "
    "实现 完成 提高 减少 下降 年 全年 每年 今年 去年 一年 了 的 和".split()
)
# One-character words that end a compound whose first half is a verb: 办结率, 访问量, 参与数.
_SUFFIX_WORDS = frozenset("率量数额比值")
_PUNCT = re.compile(r"[，。！？；：、,.!?;:（）()《》—…\n“”\"'‘’]")
_PAREN = re.compile(r"（[^）]{0,12}）|\([^)]{0,12}\)")
_QUOTED_HEAD = re.compile(r"[“\"]([^”\"]{1,20})[”\"]")


def _strip_per(before: str, per: str) -> str:
    for lead in ("人均", "户均", "每"):
        if before.startswith(lead):
            before = before[len(lead):]
            if lead == "每":
                before = before.lstrip("一个")  # 每一个网格 → 网格
            if per and before.startswith(per):
                before = before[len(per):]
            break
    return before


# Words of the genre that jieba's dictionary lacks or splits: kept whole in subjects.
_GENRE_WORDS = ("嘎查村", "嘎查", "社区书记", "党员志愿者", "基层书记", "综合窗口", "民情民意", "群众诉求", "党员中心户", "联合体",
                "宣讲受众")
_CACHE_FORMAT = 2


def _user_words() -> list[tuple[str, int, str | None]]:
    """The user dictionary: (word, frequency, part-of-speech tag or None).

    League and banner names with their short forms (from the gazetteer), programme names (from the
    lexicon) and the genre's counted things. Township and village names (16,000) are not added: the
    caller masks every place name out of the windows (attribute._mask_places).
    """
    from .gazetteer import load_gazetteer  # noqa: PLC0415
    from .initiatives import load_lexicon  # noqa: PLC0415

    gaz = load_gazetteer()
    words: list[tuple[str, int, str | None]] = []
    for name in gaz.iter_names():
        rows = gaz.lookup(name)
        if rows and all(r.level in ("league", "banner") for r in rows):
            words.append((name, 2000, "ns"))
    words.extend((name, 2000, "nz") for name in sorted(load_lexicon().canonical))
    words.extend((w, 5000, None) for w in _GENRE_WORDS)
    # the indicator keywords are the genre's counted things (护边员, 办结率, 党群服务中心): kept whole
    known = {w for w, _f, _t in words}
    words.extend((k, 5000, None) for _ind, kws in _indicators() for k in kws if len(k) >= 2 and k not in known
                 and not known.add(k))
    return words


def _build_dictionary(dict_path: str, user_words: list[tuple[str, int, str | None]]):
    """jieba's prefix dictionary, total and word tags from its dict file plus the user words.

    The same tables jieba.initialize() + add_word() and jieba.posseg build, in one pass.
    """
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    total = 0
    with open(dict_path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, f = parts[0], int(parts[1])
            freq[word] = f
            total += f
            if len(parts) > 2:
                tags[word] = parts[2]
            for i in range(1, len(word)):
                freq.setdefault(word[:i], 0)
    for word, f, tag in user_words:  # as jieba.add_word: the total grows even for a known word
        freq[word] = f
        total += f
        if tag:
            tags[word] = tag
        for i in range(1, len(word)):
            freq.setdefault(word[:i], 0)
    return freq, total, tags


def _shard(freq: dict[str, int], total: int, tags: dict[str, str]) -> tuple[int, dict[str, bytes]]:
    """(total, first character → marshalled (words and prefixes, their tags)) for lazy loading."""
    parts: dict[str, tuple[dict[str, int], dict[str, str]]] = {}
    for word, f in freq.items():
        parts.setdefault(word[0], ({}, {}))[0][word] = f
    for word, tag in tags.items():
        parts.setdefault(word[0], ({}, {}))[1][word] = tag
    return total, {c: marshal.dumps(p) for c, p in sorted(parts.items())}


class _Shards:
    """jieba's tables, filled one first character at a time (``need`` before segmenting a text).

    The dictionary has 500,000 words and prefixes, but the windows segmented here start few
    distinct characters: loading only their shards saves most of a second per process. jieba
    looks up only fragments that start at a character of the text it cuts, so once ``need(text)``
    has run, plain dicts (C-speed lookups) answer every question jieba asks about that text.
    """

    def __init__(self, shards: dict[str, bytes], user_words: frozenset[str] = frozenset()) -> None:
        self._blobs = shards
        self.freq: dict[str, int] = {}
        self.tags: dict[str, str] = {}
        self.user_words = user_words  # the words the project added (place and programme names, counted things)

    def need(self, text: str) -> None:
        blobs = self._blobs
        for c in set(text):
            blob = blobs.pop(c, None)
            if blob is not None:
                freq, tags = marshal.loads(blob)
                self.freq.update(freq)
                self.tags.update(tags)

    def load_all(self) -> None:
        self.need("".join(self._blobs))


def _import_jieba():  # noqa: ANN202
    """Import jieba without letting it import pkg_resources (a tenth of a second of every process start).

    jieba 0.42 imports setuptools' deprecated pkg_resources only to open its own files
    (dict.txt); when that import fails it opens the same files by their path, which is all
    this module needs (the dictionary's path, for the cache key). pkg_resources is hidden only
    while jieba is imported, and only if nothing imported it before.
    """
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba  # noqa: PLC0415

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # `import pkg_resources` → ImportError
    try:
        import jieba  # noqa: PLC0415
    finally:
        del sys.modules["pkg_resources"]
    return jieba


@lru_cache(maxsize=1)
def _dictionary():
    """(jieba.Tokenizer with the user dictionary, its _Shards: call ``need(text)`` before cutting text).

    Building the tables takes jieba 2–3 s per process (its own cache, then add_word for every user
    word, then jieba.posseg re-reading the whole dict file for tags); they are built once into one
    marshal file (etl.cache) keyed by the jieba version, its dict file and the user words, in
    shards by first character that later processes load only when a window needs them (_Shards).
    """
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    dict_path = os.path.abspath(jieba.get_dict_file().name)
    user_words = _user_words()
    st = os.stat(dict_path)
    key = cache_key(_CACHE_FORMAT, jieba.__version__, dict_path, st.st_size, st.st_mtime_ns, user_words)
    total, shards = load_or_build("jieba", key, lambda: _shard(*_build_dictionary(dict_path, user_words)),
                                  dumps=marshal.dumps, loads=marshal.loads, temp_ok=True)
    tables = _Shards(shards, frozenset(w for w, _f, _t in user_words))  # _user_words once: 24,000 gazetteer look-ups
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = tables.freq, total, True
    return tokenizer, tables


def warm_up() -> None:
    """Load the word dictionary now (a worker pool's parent calls this so workers share it)."""
    _dictionary()


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    from .gazetteer import load_gazetteer  # noqa: PLC0415

    return frozenset(load_gazetteer().jieba_words())


def _clean(words: list[str]) -> str:
    places = _place_words()
    words = [w for w in words if w.strip() and w not in places]
    while words and (words[0] in _STOP_AFTER or len(words[0]) == 1 and words[0] in "的了在和及与为是把"):
        words = words[1:]
    while words and words[-1] in _STOP_BEFORE_TAIL:
        words = words[:-1]
    return "".join(words)


@lru_cache(maxsize=65536)
def _tagged(window: str) -> tuple[tuple[str, str], ...]:
    """Words and part-of-speech tags of a short window (dictionary only, no HMM: as jieba.posseg).

    A word not in the dictionary is tagged x (jieba.posseg says m or eng for digits and Latin
    letters; no rule here looks at those tags).
    """
    tags = _dictionary()[1].tags
    return tuple((w, tags.get(w, "x")) for w in _words(window))


def tagged_words(window: str) -> tuple[tuple[str, str], ...]:
    """(word, part of speech) of a short window, with the project's dictionary."""
    return _tagged(window)


@lru_cache(maxsize=65536)
def _words(window: str) -> tuple[str, ...]:
    tokenizer, tables = _dictionary()
    tables.need(window)
    return tuple(tokenizer.lcut(window, HMM=False))


@lru_cache(maxsize=4096)
def common_word_frequency(word: str) -> int:
    """How often jieba's own dictionary has seen the word (0 for the project's user words: place and
    programme names, counted things), as a sign that a quoted word is an ordinary word (“产业链”)."""
    tokenizer, tables = _dictionary()
    tables.need(word)
    if word in tables.user_words:
        return 0
    return tokenizer.FREQ.get(word, 0) or 0


def words_of(window: str) -> tuple[str, ...]:
    """The dictionary's words of a short window (place names are words), cached."""
    return _words(window)


def clean_subject(phrase: str) -> str:
    """Drop place names, verbs and particles at the edges of a phrase (各旗县区新建党群服务中心 → 党群服务中心)."""
    words = list(_words(phrase))
    while words and (words[0] in _STOP_AFTER or words[0] in ("各", "全", "新建", "改扩建", "各旗县区", "旗县区")):
        words = words[1:]
    return _clean(words)


def subject_for(text: str, m: Mention, sent_start: int, sent_end: int) -> str:
    """Return what a number counts, in a few words of its sentence."""
    after = text[m.end:sent_end]
    if after[:1] in "：:" and not text[text.rfind("\n", 0, m.start) + 1:m.start].strip(" \t\u3000·•◆●■▶"):
        # a figure set as its line's label (682个：整顿提升的软弱涣散村党组织): the label says what it counts,
        # in its last words (after its last 的)
        label = _PUNCT.split(after[1:], 1)[0]
        label = label[label.rfind("的") + 1:]
        words = list(_words(label))
        tail: list[str] = []
        for w in reversed(words):
            if w in _STOP_AFTER and tail:
                break
            tail.insert(0, w)
        subject = _clean(tail)
        if subject:
            return subject[-14:]
    if after.startswith(("“", "\"")):
        q = _QUOTED_HEAD.match(after)
        if q:
            return q.group(1)
    after = _PAREN.sub("", after)
    stop = _PUNCT.search(after)
    window = after[: stop.start() if stop else 16][:16]
    subject = ""
    if window:
        if window.startswith(("关于", "有关", "涉及")):  # 110多条关于人居环境…方面的群众诉求
            rest = text[m.end:sent_end]
            de = rest.find("的")
            if de >= 0:
                stop2 = _PUNCT.search(rest, de)
                window = rest[de + 1: stop2.start() if stop2 else de + 12][:12]
        head: list[str] = []
        for w, tag in _tagged(window):
            if w == "的":  # 六种稳定的利益链接模式: the head noun follows 的
                if len("".join(head)) <= 4:
                    head = []
                    continue
                break
            if head and (w in _STOP_AFTER or tag[0] in "vpcdu" and tag not in ("vn",)):
                break
            if not head and (w in _STOP_AFTER or tag[0] in "pcdu"):
                break
            if not head and tag[0] == "v" and tag != "vn":
                break
            head.append(w)
        subject = _clean(head)
    if not subject:
        before = text[sent_start:m.start]
        before = before[max(0, max((mm.end() for mm in _PUNCT.finditer(before)), default=0)):]
        before = _strip_per(before, m.per)[-14:]
        if before:
            words = list(_words(before))
            # keep the words after the last verb
            tail: list[str] = []
            for w in reversed(words):
                if w in _STOP_AFTER and w not in _STOP_BEFORE_TAIL and tail and not (
                        len(tail) == 1 and tail[0] in _SUFFIX_WORDS):
                    break  # (but 办结 + 率 is one word: 办结率)
                tail.insert(0, w)
            subject = _clean(tail)
    if len(subject) > 14:
        subject = subject[-14:]
    return subject


_RATIO_WORDS = frozenset({"占比", "比例", "比重"})


@lru_cache(maxsize=1)
def _keyword_index() -> tuple[re.Pattern, dict[str, tuple[int, str]]]:
    """One pattern for all indicator keywords (longest first) and keyword → (table order, indicator)."""
    table: dict[str, tuple[int, str]] = {}
    for order, (indicator, kws) in enumerate(_indicators()):
        for k in kws:
            table.setdefault(k, (order, indicator))
    return re.compile("|".join(map(re.escape, sorted(table, key=len, reverse=True)))), table


@lru_cache(maxsize=1)
def _indicators() -> list[tuple[str, list[str]]]:
    path = REFERENCE_DIR / "indicators.csv"
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kws = [k for k in row["keywords"].split("|") if k]
            out.append((row["indicator"], kws))
    return out


def indicator_for(subject: str, m: Mention, before: str = "") -> str:
    """Map what is counted to the indicator taxonomy (see :func:`_indicator`)."""
    trained = "培训" in before or "轮训" in before
    return _indicator(subject, m.unit, bool(m.per), m.category, before[-12:], trained)


@lru_cache(maxsize=65536)
def _indicator(subject: str, unit: str, has_per: bool, category: str, before: str, trained: bool = False) -> str:
    """Map what is counted to the indicator taxonomy (organisations, cadres, volunteers…).

    Chinese puts the head noun last, so the keyword that ends nearest the end of the subject
    wins (宣讲受众人群 → people_reached, not events), then the longer keyword (服务面积 over
    面积), then table order. A few units decide by themselves: 户 counts households, 人次 counts
    people reached (or trained, when the clause says 培训), °C is a natural condition.
    """
    if category == "temperature":
        return "environment"
    if unit == "户":
        return "households"
    if unit == "人次" and not has_per:
        return "training" if trained or any(w in subject for w in ("培训", "轮训")) else "people_reached"
    pattern, table = _keyword_index()
    ratio = False
    for text in (subject, before) if subject else (before,):
        if not text:
            continue
        best: tuple | None = None
        for start in range(len(text)):  # overlapping matches: every start position
            m = pattern.match(text, start)
            if m is None:
                continue
            if m.group(0) in _RATIO_WORDS:  # 党员占比: the ratio of what the other word counts
                ratio = True
                continue
            order, indicator = table[m.group(0)]
            key = (m.end(), len(m.group(0)), -order)
            if best is None or key > best[0]:
                best = (key, indicator)
        if best is not None:
            return best[1]
        if not ratio:
            break  # the words before the number name what is counted only when the subject is a ratio
    if ratio:
        return "other"
    if unit == "元":
        return "income" if has_per else "funding"
    return "other"
