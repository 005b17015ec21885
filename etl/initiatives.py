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

# Programme words, longest first.
_SUFFIXES = (
    "社区治理工作法", "基层治理工作法", "工作模式", "治理模式", "发展模式", "服务模式", "党建品牌", "工作品牌",
    "主题宣讲", "主题教育", "主题党日", "主题活动", "专项行动", "工作法", "工作机制", "运行机制", "治理机制",
    "信息处理机制", "品牌", "工程", "模式", "活动", "行动", "机制", "项目", "计划", "平台",
    "服务队", "志愿服务",
)
_INNER_SUFFIXES = ("工程", "行动", "计划", "活动", "项目", "工作法", "模式")
_QUOTED = re.compile(r"[“\"「]([^“”\"「」\n]{2,24})[”\"」]")
_SUFFIX_AFTER = re.compile(r"(?:等)?(?:" + "|".join(map(re.escape, _SUFFIXES)) + ")")


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
    if re.search(r"[，。！？!?：:；]", name):  # speech, not a name
        return False
    if re.fullmatch(r"[\d０-９.%]+", name):
        return False
    return True


def find_initiatives(text: str, title: str = "") -> list[InitiativeMention]:
    """Return the programme mentions in an article's text, sorted by position, non-overlapping."""
    lex = load_lexicon()
    found: list[InitiativeMention] = []
    title_end = len(title) if title and text.startswith(title) else -1
    for m in _QUOTED.finditer(text):
        name = _clean(m.group(1))
        if not _acceptable(name, lex):
            continue
        after = _SUFFIX_AFTER.match(text, m.end())
        canonical = lex.canonical.get(name, name)
        if after:
            found.append(InitiativeMention(m.start(), after.end(), canonical, "quoted"))
        elif name.endswith(_INNER_SUFFIXES) and len(name) >= 3:
            found.append(InitiativeMention(m.start(), m.end(), canonical, "quoted"))
        elif m.end() <= title_end:
            found.append(InitiativeMention(m.start(), m.end(), canonical, "headline"))
        elif name in lex.canonical:
            found.append(InitiativeMention(m.start(), m.end(), canonical, "lexicon"))
    if lex.pattern is not None:
        for m in lex.pattern.finditer(text):
            if any(f.start <= m.start() < f.end for f in found):
                continue
            found.append(InitiativeMention(m.start(), m.end(), lex.canonical[m.group(0)], "lexicon"))
    found.sort(key=lambda f: (f.start, -f.end))
    out: list[InitiativeMention] = []
    for f in found:
        if out and f.start < out[-1].end:
            continue
        out.append(f)
    return out
