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
_BODY_UNQUOTED = re.compile(
    r"(?:建设|实施|推进|推行|启动|打造|开展|建立|构建|探索|推广|深化|创建|创新)"
    r"([\u4e00-\u9fff]{3,8}?)(?:项目|工程|行动|工作法|机制|平台|计划|模式)")
_GENERIC = re.compile(r"^(重点|各类|系列|一批|相关|基础设施|民生|产业|示范|专项|乡村振兴|基层党建|党建|全面|各项|多项|新型"
                      r"|常态化|长效|规范化|标准化|信息化|数字化|一体化)")
# An alliance founded in the text keeps its word: 成立口岸党建联盟 → 口岸党建联盟.
_BODY_ALLIANCE = re.compile(r"(?:成立|组建|建立|打造|牵头成立)([\u4e00-\u9fff]{2,8}?联盟)")
# Words that make a verb + name + programme word a description, not a name (建立健全长效机制,
# 建设党群服务中心项目, 完善工作机制, 构建协调联动机制).
_GENERIC_INSIDE = re.compile(r"工作|健全|完善|长效|体制|制度|相关|有关|设施|中心|改造|协调|联动|保障|考核|激励|监督"
                             r"|运行|管理机制|服务体系|配套|基础|试点")
# A name in book-title marks is a programme only as a column or broadcast the text opens
# (开设《牧区微党课》专栏); 《内蒙古日报》, 《条例》 are publications.
_TITLED = re.compile(r"(?:开设|推出|开办|创办|开通|打造)《([^《》\n]{2,12})》|《([^《》\n]{2,12})》(?=专栏|栏目|节目|微课堂)")

# Head nouns by which the genre refers back to a named programme that is a thing or a place.
_REFERENCE_HEADS = ("联盟", "驿站", "食堂", "课堂", "夜校", "家园", "书屋", "超市", "服务队", "哨所", "牧场", "之家")
# A quoted name after these is what something is called or ranked as, not a programme.
_METAPHOR_BEFORE = re.compile(r"(?:作为|视为|当作|当成|列为|称为|誉为|成为|变成|喻为|比作)$")
_SPEECH = re.compile(r"[，。！？!?：:；]")
_NUMERIC = re.compile(r"[\d０-９.%]+")
_FUNCTION_WORD = re.compile(r"[的和及与在对]")


@dataclass(frozen=True)
class InitiativeMention:
    """A programme named in a text: where, its canonical name and how it was found."""

    start: int
    end: int
    name: str
    how: str  # headline | text | reference (a short form after the full name: 联盟 for 口岸党建联盟)


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
        if name not in lex.canonical and _METAPHOR_BEFORE.search(text, max(0, m.start() - 4), m.start()):
            continue  # 把抓党建促乡村振兴作为“一号工程”: a rank, not a programme
        canonical = lex.canonical.get(name, name)
        if (name in lex.canonical
                or _SUFFIX_AFTER.match(text, m.end())
                or (name.endswith(_INNER_SUFFIXES) and len(name) >= 3)
                or _VERB_BEFORE.search(text, max(0, m.start() - 3), m.start())
                or m.start() in head_starts):
            names[name] = canonical
    for m in _BODY_UNQUOTED.finditer(text):
        name = m.group(1)
        if (_acceptable(name, lex) and not _GENERIC.match(name) and not _GENERIC_INSIDE.search(name)
                and not _FUNCTION_WORD.search(name) and not (lex.pattern is not None and lex.pattern.search(name))):
            names[name] = lex.canonical.get(name, name)
    for m in _BODY_ALLIANCE.finditer(text) if "联盟" in text else ():
        name = m.group(1)
        if _acceptable(name, lex) and not _GENERIC.match(name) and not _FUNCTION_WORD.search(name):
            names.setdefault(name, lex.canonical.get(name, name))
    for m in _TITLED.finditer(text) if "《" in text else ():  # the scan costs as much as all the rest
        name = m.group(1) or m.group(2)
        if _acceptable(name, lex):
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
    # Short references back to a named place-like programme: 口岸党建联盟 … 各类党建联盟46个 / 联盟还…
    refs: dict[str, str] = {}
    for name, canonical in names.items():
        head = next((h for h in _REFERENCE_HEADS if name.endswith(h) and len(name) > len(h) + 1), None)
        if head is not None:
            for ref in {head, name[2:]} - {name}:
                if len(ref) >= len(head) and ref not in names:
                    refs.setdefault(ref, canonical)
    found: list[InitiativeMention] = []
    first_named: dict[str, int] = {}
    for start, end, word in _occurrences(text, [*names, *refs]):
        how = "headline" if end <= head_end else "text"
        if word in names:
            first_named.setdefault(names[word], start)
            found.append(InitiativeMention(start, end, names[word], how))
        elif refs[word] in first_named:  # a reference only points back
            found.append(InitiativeMention(start, end, refs[word], "reference"))
    return found


def _occurrences(text: str, words: list[str]) -> list[tuple[int, int, str]]:
    """Leftmost-longest, non-overlapping occurrences of the words (as a longest-first alternation
    would find them; str.find per word, since compiling a pattern per article cost more)."""
    hits: list[tuple[int, int, str]] = []
    for w in words:
        i = text.find(w)
        while i >= 0:
            hits.append((i, -len(w), w))
            i = text.find(w, i + 1)
    hits.sort()
    out: list[tuple[int, int, str]] = []
    last_end = 0
    for start, neg_len, w in hits:
        if start >= last_end:
            out.append((start, start - neg_len, w))
            last_end = start - neg_len
    return out
