"""Article text → named programme (initiative) mentions, from the text and a curated lexicon (pure).

Three ways a programme is named in this genre:

* in the curated lexicon ``data/reference/initiatives.csv`` (canonical name and aliases);
* a quoted name followed by a programme word: 开展“送学上门”活动, 推行“三事三制”社区治理工作法,
  以“减标牌…”为主要内容的“三减三优”工作模式, “感党恩、听党话、跟党走”主题宣讲;
* a quoted name that itself ends in a programme word: 实施“强基工程”, 开展“敲门行动”;
* a quoted name in the headline: “聚力固边”筑牢红色屏障, “三减三优”为基层减负增效.

Quoted words that are not programmes (“一肩挑”, “两委”, “明白卡”, speech) are left alone: a
quoted name counts only with a programme word or in a headline, and a stop list in the lexicon
file (kind ``not_initiative``) removes the rest.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from .paths import REFERENCE_DIR

LEXICON_PATH = REFERENCE_DIR / "initiatives.csv"

# Programme words, longest first: a quoted name followed by one of these is a programme.
_SUFFIXES = (
    "社区治理工作法", "基层治理工作法", "工作模式", "治理模式", "发展模式", "服务模式", "联防模式", "党建品牌", "工作品牌",
    "主题宣讲", "主题教育", "主题党日", "主题活动", "专项行动", "工作法", "工作机制", "运行机制", "治理机制",
    "信息处理机制", "服务点", "服务站", "品牌", "工程", "模式", "活动", "行动", "机制", "项目", "计划", "平台", "建设",
    "课堂", "夜校", "家园", "服务队", "志愿服务",
)
# A quoted name that itself ends in one of these is a programme (“强基工程”, “归雁计划”).
_INNER_SUFFIXES = ("工程", "行动", "计划", "活动", "项目", "工作法", "模式", "课堂", "夜校", "联盟")
# A quoted name right after one of these verbs is a programme (打造“石榴籽”家园, 开设“双语课堂”).
_VERBS = ("开展", "推行", "实施", "打造", "建立", "设立", "开设", "选聘", "启动", "创建", "深化", "推进", "围绕",
          "探索", "创新", "推广", "组建", "成立", "培育", "建成", "叫响", "擦亮")
_QUOTED = re.compile(r"[“\"「]([^“”\"「」\n]{2,24})[”\"」]")
_SUFFIX_AFTER = re.compile(r"(?:等)?[\u4e00-\u9fff]{0,4}?(?:" + "|".join(map(re.escape, _SUFFIXES)) + ")")
_VERB_BEFORE = re.compile("(?:" + "|".join(_VERBS) + ")(?:了)?$")
# Unquoted: a headline that starts with a programme's name (口岸党建联盟激活…), or a named
# project after a verb in the body (公忽洞村建设现代羊共享牧场项目 → 现代羊共享牧场).
_HEAD_UNQUOTED = re.compile(r"([\u4e00-\u9fff]{2,8}?(?:联盟|工程|行动|计划|课堂|夜校|驿站|家园|工作法))")
_BODY_UNQUOTED = re.compile(r"(?:建设|实施|推进|启动|打造)([\u4e00-\u9fff]{3,8}?)(?:项目|工程)")
_GENERIC = re.compile(r"^(重点|各类|系列|一批|相关|基础设施|民生|产业|示范|专项|乡村振兴|基层党建|党建)")

_SPEECH = re.compile(r"[，。！？!?：:；]")
_NUMERIC = re.compile(r"[\d０-９.%]+")
_FUNCTION_WORD = re.compile(r"[的和及与在对]")


@dataclass(frozen=True)
class InitiativeMention:
    """A programme named in a text: where, its canonical name and how it was found."""

    start: int
    end: int
    name: str
    how: str  # lexicon | quoted | headline


@dataclass(frozen=True)
class Lexicon:
    """The curated programme names: canonical names, aliases and known non-programmes."""

    canonical: dict[str, str]  # alias or name → canonical name
    stop: frozenset[str]
    pattern: re.Pattern | None


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load data/reference/initiatives.csv (name,aliases,kind,source)."""
    canonical: dict[str, str] = {}
    stop: set[str] = set()
    if LEXICON_PATH.exists():
        with LEXICON_PATH.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                names = [row["name"], *[a for a in (row.get("aliases") or "").split("|") if a]]
                if row.get("kind") == "not_initiative":
                    stop.update(names)
                    continue
                for n in names:
                    canonical[n] = row["name"]
    keys = sorted(canonical, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
    return Lexicon(canonical, frozenset(stop), pattern)


def _clean(name: str) -> str:
    return name.strip(" “”\"「」‘’")


def _acceptable(name: str, lex: Lexicon) -> bool:
    if name in lex.stop or len(name) < 2:
        return False
    if _SPEECH.search(name):  # speech, not a name
        return False
    if _NUMERIC.fullmatch(name):
        return False
    return True


def _head_lines(text: str, head_end: int) -> list[tuple[int, int]]:
    out, pos = [], 0
    while pos < head_end:
        nl = text.find("\n", pos, head_end)
        end = head_end if nl < 0 else nl
        if end > pos:
            out.append((pos, end))
        pos = end + 1
    return out


def _names(text: str, head_end: int, lex: Lexicon) -> dict[str, str]:
    """Collect the programme names an article establishes: name as written → canonical name."""
    names: dict[str, str] = {}
    # a headline that starts with a quoted name names the article's programme (“三减三优”为基层…);
    # a kicker of several quoted slogans (“文艺党课”气氛足 “书记主播”云端说) does not
    head_starts = set()
    for a, b in _head_lines(text, head_end):
        line = text[a:b]
        if len(_QUOTED.findall(line)) == 1:
            head_starts.add(a)
        h = _HEAD_UNQUOTED.match(text, a, b)
        if h and _acceptable(h.group(1), lex) and not line.startswith("“"):
            names[h.group(1)] = lex.canonical.get(h.group(1), h.group(1))
    for m in _QUOTED.finditer(text):
        name = _clean(m.group(1))
        if not _acceptable(name, lex):
            continue
        canonical = lex.canonical.get(name, name)
        if (name in lex.canonical
                or _SUFFIX_AFTER.match(text, m.end())
                or (name.endswith(_INNER_SUFFIXES) and len(name) >= 3)
                or _VERB_BEFORE.search(text, max(0, m.start() - 3), m.start())
                or m.start() in head_starts):
            names[name] = canonical
    for m in _BODY_UNQUOTED.finditer(text):
        name = m.group(1)
        if (_acceptable(name, lex) and not _GENERIC.match(name) and not _FUNCTION_WORD.search(name)
                and not (lex.pattern is not None and lex.pattern.search(name))):
            names[name] = lex.canonical.get(name, name)
    return names


def find_initiatives(text: str, title: str = "", head_end: int | None = None) -> list[InitiativeMention]:
    """Return the programme mentions in an article's text, sorted by position, non-overlapping.

    First the names the article establishes (lexicon, quoted names with a programme word or verb,
    the headline's leading name), then every occurrence of those names, quoted or not.
    """
    lex = load_lexicon()
    if head_end is None:  # without layout's word: the title line, when the text starts with it
        head_end = len(title) if title and text.startswith(title) else 0
    names = _names(text, head_end, lex)
    if lex.pattern is not None:
        for m in lex.pattern.finditer(text):
            names.setdefault(m.group(0), lex.canonical[m.group(0)])
    if not names:
        return []
    pattern = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
    found: list[InitiativeMention] = []
    for m in pattern.finditer(text):
        how = "headline" if m.end() <= head_end else "text"
        found.append(InitiativeMention(m.start(), m.end(), names[m.group(0)], how))
    return found
