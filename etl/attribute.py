"""Quantity mentions + article context → Facts with region, initiative, subject and indicator (pure).

Each number is attributed by what its own words say, from the nearest scope outwards:

1. **clause** (between ，、；： and sentence ends): a place written before the number in the same
   clause — "其中科尔沁左翼中旗60个、奈曼旗52个" gives each part its banner; places closed by
   "等" are list items, not the subject ("…呼和诺尔镇…联合体等15个" belongs to the banner);
2. **sentence**: the sentence's subject, i.e. its first place or anaphor ("赤峰市2423名书记"
   is the league's even when the article names banners elsewhere);
3. **paragraph**: the subject of the nearest earlier sentence of the paragraph that names one;
4. **article**: the headline's place, else the article's most frequent place.

Place names come from the gazetteer; adjacent names form a chain that the text itself asserts
(呼伦贝尔市陈巴尔虎旗东乌珠尔苏木哈拉图嘎查) and that wins over a lookup of the last name alone.
Anaphora (该旗, 全旗, 全市, 全盟, bare 街道党工委) resolve to the nearest earlier place of that
kind in the same article (never in the article before it), or, failing that, to the nearest later
one (an article whose head was cut off). 全区 / 自治区 mean the whole region (no league) unless
the article is about a district (区). A place followed by 平均 is a comparison, not the subject.
Places outside Inner Mongolia (京蒙协作 partners) give region level ``outside`` with no league.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .dates import infer_published
from .gazetteer import Gazetteer, PlaceMention, load_gazetteer
from .initiatives import InitiativeMention, find_initiatives
from .layout import MAX_SENTENCE, sentences
from .paths import REFERENCE_DIR
from .schema import Article, Document, Fact, Mention, Region
from .subjects import indicator_for, subject_for

LEVELS = ("region", "league", "banner", "township", "village")
_RANK = {lv: i for i, lv in enumerate(LEVELS)}
_CLAUSE_SEP = re.compile(r"[，,、；;：:（）()]|其中")
_ANAPHOR = re.compile(
    r"(?:该|全|本|此)(自治区|苏木|街道|嘎查|社区|盟|市|旗|县|区|镇|乡|村)"
    r"|自治区|内蒙古|全区|(?<![\u4e00-\u9fff])街道(?=党工委|办事处|办|党委)"
    # 旗财政安排…, 旗里组织…: the banner itself, written as a bare 旗 (or 县, 盟)
    r"|(?<![\u4e00-\u9fff])(旗|县|盟)(?=财政|里|委|政府)"
)
_UNKNOWN_TOWNSHIP = re.compile(r"(?:(?<=[，。；：\n“])|^)([\u4e00-\u9fff]{2,4}(?:街道|苏木))(?=[\u4e00-\u9fff])", re.M)
_OUTSIDE = re.compile(
    r"(北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西|海南省"
    r"|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|香港|澳门|台湾)(?:省|市|自治区)?"
)
_COMPARISON_AFTER = re.compile(r"^.{0,3}平均")
_GAP_TOWNSHIP = re.compile(r"[\u4e00-\u9fff]{1,4}(?:苏木|镇|乡|街道)")
# A place right after these words is an object or partner, not the subject: 丰台区向察右后旗投入…,
# 与北京方面共同实施…, 与察右后旗相邻的四子王旗…
_OBJECT_BEFORE = ("向", "给", "为", "对", "与", "同", "到", "帮助", "帮扶", "援助", "支援", "携手", "联合", "赴", "来自",
                  "从")  # 记者从赤峰市乡村振兴局获悉: the source, not the subject
# 在呼市召开的全区推进会: the place of a meeting, not of the figures.
_VENUE_AFTER = re.compile(r"[^，。；！？\n]{0,10}?(?:召开|举行|举办)")
# An outside name used as a modifier (北京企业, 北京方面) is not a region.
_OUTSIDE_MODIFIER = re.compile(r"(?:企业|客商|游客|专家|市场|消费者|高校|医院|商户|方面|地区的|籍|产)")


def _in_range_pairs(items: list[tuple[int, int]], starts: list[int], a: int, b: int) -> list[tuple[int, int]]:
    """(start, end) pairs, sorted, whose start lies in [a, b)."""
    return items[bisect_left(starts, a):bisect_left(starts, b)]


def _in_range(items: list, starts: list[int], a: int, b: int) -> list:
    """Items (sorted by .start, with their starts) whose start lies in [a, b)."""
    return items[bisect_left(starts, a):bisect_left(starts, b)]


def _covering(items: list, starts: list[int], pos: int) -> bool:
    """Tell whether any item (sorted, non-overlapping) covers position pos."""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and items[i].start <= pos < items[i].end


@dataclass
class _Loc:
    """A place or anaphor in the article, resolved to a region."""

    start: int
    end: int
    region: Region
    how: str  # name | chain | anaphor | unknown | outside


@dataclass
class _Context:
    article: Article
    body_start: int
    locs: list[_Loc] = field(default_factory=list)
    initiatives: list[InitiativeMention] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    default_region: Region | None = None
    default_initiative: str = ""
    loc_starts: list[int] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    init_starts: list[int] = field(default_factory=list)
    place_spans: list[tuple[int, int]] = field(default_factory=list)
    place_starts: list[int] = field(default_factory=list)


def _level(region: Region) -> str:
    for lv in ("village", "township", "banner", "league"):
        if getattr(region, lv):
            return lv
    return region.level if region.level in ("region", "outside") else "unknown"


def _copy(region: Region) -> Region:
    """A copy with its own ``extra`` (a plain dataclass: its fields are its __dict__)."""
    r = object.__new__(Region)
    r.__dict__.update(region.__dict__)
    r.extra = dict(region.extra)
    return r


def _under(cand_chain: Region, parent: Region) -> bool:
    """Tell whether a candidate lies inside the region a preceding name in the chain gave."""
    for lv in ("township", "banner", "league"):
        code = getattr(parent, lv + "_code")
        if code:
            return getattr(cand_chain, lv + "_code") == code
        if getattr(parent, lv):  # a text-only level (no code): check the one above
            continue
    return True


def _with_level(parent: Region, level: str, name: str) -> Region:
    """Extend a chain with a name the gazetteer doesn't know (text-only, no code)."""
    r = _copy(parent)
    lv_order = ("league", "banner", "township", "village")
    for lv in lv_order[lv_order.index(level):]:
        setattr(r, lv, "")
        setattr(r, lv + "_code", "")
    setattr(r, level, name)
    r.level = level
    return r


def _name_level(name: str) -> str:
    if name.endswith(("嘎查", "村", "社区")):
        return "village"
    if name.endswith(("苏木", "镇", "乡", "街道")):
        return "township"
    return "banner"


def _resolve_places(gaz: Gazetteer, text: str, mentions: list[PlaceMention]) -> list[_Loc]:
    """Resolve place mentions: chains first (text wins), then singles with the article as context."""
    # group adjacent mentions into chains; a gap that is an unknown township name is allowed
    chains: list[list[PlaceMention | tuple[int, int, str]]] = []
    for pm in mentions:
        if chains:
            last = chains[-1][-1]
            last_end = last.end if isinstance(last, PlaceMention) else last[1]
            gap = text[last_end:pm.start]
            if gap == "":
                chains[-1].append(pm)
                continue
            if _GAP_TOWNSHIP.fullmatch(gap):
                chains[-1].append((last_end, pm.start, gap))
                chains[-1].append(pm)
                continue
        chains.append([pm])

    # context codes: unambiguous leagues/banners named anywhere in the article
    context: list[str] = []
    for pm in mentions:
        if len(pm.candidates) == 1 and pm.candidates[0].level in ("league", "banner"):
            context.append(pm.candidates[0].code)

    context = list(dict.fromkeys(context))
    locs: list[_Loc] = []
    for chain in chains:
        parent: Region | None = None
        for item in chain:
            if isinstance(item, tuple):
                s, e, name = item
                if parent is not None:
                    parent = _with_level(parent, _name_level(name), name)
                    locs.append(_Loc(s, e, parent, "unknown"))
                continue
            pm = item
            cands = list(pm.candidates)
            chosen = None
            if parent is not None:
                fit = [c for c in cands if _under(c.chain, parent)]
                deeper = [c for c in fit if _RANK.get(c.level, 0) > _RANK.get(_level(parent), 0)] or fit
                if len(deeper) == 1:
                    chosen = deeper[0]
                elif len(deeper) > 1:
                    chosen = gaz.resolve(deeper, context)
                if chosen is None and cands and not fit:
                    # the text places this name under the chain's parent; same-named places exist
                    # elsewhere only: keep the text's chain and the name, without a code
                    lv = cands[0].level
                    if _RANK.get(lv, 0) > _RANK.get(_level(parent), 0):
                        parent = _with_level(parent, lv, pm.text)
                        locs.append(_Loc(pm.start, pm.end, parent, "chain"))
                        continue
            else:
                chosen = gaz.resolve(cands, context)
            if chosen is None:
                if parent is None and cands:
                    # ambiguous alone: keep what all candidates share (often the league)
                    shared = _shared_region(cands)
                    if shared is not None:
                        parent = shared
                        locs.append(_Loc(pm.start, pm.end, shared, "shared"))
                continue
            region = _copy(chosen.chain)
            if parent is not None:
                # names written in the text win over the gazetteer's for the levels above
                for lv in ("township",):
                    if getattr(parent, lv) and not getattr(parent, lv + "_code") and _RANK[chosen.level] > _RANK[lv]:
                        setattr(region, lv, getattr(parent, lv))
                        setattr(region, lv + "_code", "")
            region.level = _level(region)
            parent = region
            locs.append(_Loc(pm.start, pm.end, region, "chain" if len(chain) > 1 else "name"))
    return locs


def _shared_region(cands) -> Region | None:
    leagues = {c.chain.league_code for c in cands}
    if len(leagues) != 1:
        return None
    banners = {c.chain.banner_code for c in cands}
    c0 = cands[0].chain
    r = Region(league=c0.league, league_code=c0.league_code)
    if len(banners) == 1:
        r.banner, r.banner_code = c0.banner, c0.banner_code
    r.level = _level(r)
    return r


def _anaphora(text: str, locs: list[_Loc], main: Region | None) -> list[_Loc]:
    """Resolve 该旗 / 全市 / 自治区 / bare 街道 to regions from the same article."""
    out: list[_Loc] = []
    locs = sorted(locs, key=lambda l: l.start)
    starts = [l.start for l in locs]
    for m in _ANAPHOR.finditer(text):
        word = m.group(0)
        if _covering(locs, starts, m.start()):
            continue  # part of a place name (全州 etc.)
        kind = m.group(1) or m.group(2) or word
        region: Region | None = None
        forward = False
        district = _district_subject(text, locs, starts, m.start()) if word in ("全区", "本区", "该区") else None
        if word == "自治区" and text.startswith("级", m.end()):
            continue  # 自治区级示范村: a rank that qualifies the count, not the place it belongs to
        if word in ("自治区", "内蒙古", "全自治区") or (word in ("全区", "本区") and district is None
                                                     and not (main and main.banner.endswith("区"))):
            region = Region(level="region")
        elif district is not None:
            region = district
        else:
            want = kind[-2:] if kind.endswith(("苏木", "嘎查", "社区", "街道")) else kind[-1]
            k = bisect_left(starts, m.start())
            window = locs[max(0, k - 200):k]  # the nearest 200 places before
            for l in reversed(window):  # a place written at that level, as a subject
                if (text[l.start:l.end].endswith(want) and not l.how.startswith("anaphor")
                        and not _is_object(text, l, locs, starts) and not _list_part(text, l)):
                    region = _at_kind(l.region, want)
                    if region is not None:
                        break
            if region is None:
                for l in reversed(window):
                    region = _at_kind(l.region, want)
                    if region is not None:
                        break
            if region is None:
                # an article whose head was cut off: the antecedent comes later, written out
                for l in locs[bisect_left(starts, m.end()):][:200]:
                    if text[l.start:l.end].endswith(want) and l.how != "anaphor":
                        region = _at_kind(l.region, want)
                        forward = True
                        break
            if region is None and main is not None and want not in ("街道", "苏木"):
                region = _at_kind(main, want)
            if region is None and want in ("街道", "苏木"):
                u = _UNKNOWN_TOWNSHIP.search(text, m.end())
                if u and u.group(1).endswith(want):
                    region = Region(township=u.group(1), level="township")
                    forward = True
        if region is not None:
            out.append(_Loc(m.start(), m.end(), region, "anaphor-forward" if forward else "anaphor"))
    return out


def _district_subject(text: str, locs: list[_Loc], starts: list[int], pos: int) -> Region | None:
    """The district (区) that 全区 refers to: the subject of one of the two sentences before it."""
    k = bisect_left(starts, pos)
    sentence_breaks = 0
    for i in range(k - 1, max(-1, k - 40), -1):
        l = locs[i]
        sentence_breaks = sum(text.count(c, l.end, pos) for c in "。！？\n")
        if sentence_breaks > 2:
            return None
        name = text[l.start:l.end]
        if not (name.endswith("区") and l.region.banner.endswith("区") and not l.region.township):
            continue
        ss = _sentence_start(text, l.start)
        before = [x for x in locs[bisect_left(starts, ss):i] if not _is_object(text, x, locs, starts)]
        # the district is the sentence's subject: nothing before it but its own chain
        if all(x.end == y.start for x, y in zip(before + [l], (before + [l])[1:])) and (not before or before[-1].end == l.start):
            return _cut(l.region, "banner")
        return None
    return None


def _at_kind(region: Region, want: str) -> Region | None:
    """Cut a region's chain at the level whose name ends in ``want`` (旗, 市, 盟, 街道…)."""
    for lv in ("village", "township", "banner", "league"):
        name = getattr(region, lv)
        if name and name.endswith(want):
            r = _copy(region)
            for deeper in ("league", "banner", "township", "village")[("league", "banner", "township", "village").index(lv) + 1:]:
                setattr(r, deeper, "")
                setattr(r, deeper + "_code", "")
            r.level = lv
            return r
    return None


@lru_cache(maxsize=1)
def _outside_patterns() -> tuple[re.Pattern, ...]:
    """Provinces (_OUTSIDE) and the partner districts of data/reference/partner_regions.csv (丰台区).

    Two patterns, not one: each alternation of plain names is scanned 2× faster than the union.
    """
    names: list[str] = []
    path = REFERENCE_DIR / "partner_regions.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            names = [r["name"] for r in csv.DictReader(fh) if r.get("name")]
    if not names:
        return (_OUTSIDE,)
    return _OUTSIDE, re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))


def _outside(text: str, locs: list[_Loc]) -> list[_Loc]:
    out = []
    locs = sorted(locs, key=lambda l: l.start)
    starts = [l.start for l in locs]
    hits = [m for pattern in _outside_patterns() for m in pattern.finditer(text)]
    for m in sorted(hits, key=lambda m: m.start()) if len(hits) > 1 else hits:
        if _covering(locs, starts, m.start()):
            continue
        if _OUTSIDE_MODIFIER.match(text, m.end()) and not m.group(0).endswith(("省", "市")):
            continue
        out.append(_Loc(m.start(), m.end(), Region(level="outside"), "outside"))
    return out


def _default_region(locs: list[_Loc], body_start: int) -> Region | None:
    """The article's own region, never below banner level.

    The headline's place if it names one; else a banner named at least twice and more often than
    its league on its own (an article about 阿鲁科尔沁旗); else the most named league (an article
    about 赤峰市 that gives one figure for one of its banners stays the league's).
    """
    named = [l for l in locs if not l.how.startswith("anaphor") and l.region.level != "outside"]
    head = [l for l in named if l.start < body_start]
    if head:
        best = max(head, key=lambda l: _RANK.get(_level(l.region), 0))
        return _cut(best.region, "banner")
    if not named:
        return None
    banners = Counter(l.region.banner for l in named if l.region.banner)
    # a league written as the head of a chain (鄂尔多斯市准格尔旗) is not the league on its own
    heads = {a.start for a, b in zip(named, named[1:]) if a.end == b.start}
    league_only = Counter(l.region.league for l in named
                          if l.region.league and not l.region.banner and l.start not in heads)
    leagues = Counter(l.region.league for l in named if l.region.league)
    if banners:
        banner, n = banners.most_common(1)[0]
        rivals = [b for b, k in banners.items() if k == n and b != banner]
        first = next(l for l in named if l.region.banner == banner)
        alone = league_only.get(first.region.league, 0)
        if (n >= 2 and not rivals and n > alone) or (len(banners) == 1 and alone == 0):
            return _cut(first.region, "banner")
    if leagues:
        league, _n = leagues.most_common(1)[0]
        for l in named:
            if l.region.league == league:
                return _cut(l.region, "league")
    return None


def _cut(region: Region, level: str) -> Region:
    """Keep a region's chain down to a level (league or banner)."""
    order = ("league", "banner", "township", "village")
    r = _copy(region)
    for lv in order[order.index(level) + 1:]:
        setattr(r, lv, "")
        setattr(r, lv + "_code", "")
    r.level = _level(r)
    return r


def _body_start(article: Article) -> int:
    pos = 0
    for _ in range(2):
        nl = article.text.find("\n\n", pos)
        if nl < 0:
            break
        line = article.text[pos:nl]
        if line in (article.title,) or (pos == 0 and len(line) <= 40 and "。" not in line and article.title):
            pos = nl + 2
            if line == article.title:
                return pos
        else:
            break
    return pos if article.title and article.text.startswith(article.title) else 0


def build_context(article: Article, gaz: Gazetteer | None = None) -> _Context:
    """Find and resolve an article's places, anaphora and programmes once."""
    gaz = gaz or load_gazetteer()
    text = article.text
    ctx = _Context(article=article, body_start=_body_start(article))
    places = [p for p in gaz.find_places(text) if not _anaphor_prefix(text, p)]
    ctx.place_spans = [(p.start, p.end) for p in places]
    ctx.place_starts = [p.start for p in places]
    locs = _resolve_places(gaz, text, places)
    # comparisons with an average (全区平均水平) are not subjects
    locs = [l for l in locs if not _COMPARISON_AFTER.match(text[l.end:l.end + 6])]
    main = _default_region(locs, ctx.body_start)
    locs += _outside(text, locs)
    anaphors = [a for a in _anaphora(text, locs, main) if not _COMPARISON_AFTER.match(text[a.end:a.end + 6])]
    ctx.locs = sorted(locs + anaphors, key=lambda l: l.start)
    ctx.loc_starts = [l.start for l in ctx.locs]
    ctx.default_region = main
    ctx.sentences = sentences(text)
    ctx.sentence_starts = [a for a, _b in ctx.sentences]
    ctx.initiatives = find_initiatives(text, article.title, ctx.body_start)
    ctx.init_starts = [i.start for i in ctx.initiatives]
    ctx.default_initiative = _default_initiative(ctx)
    return ctx


def _default_initiative(ctx: _Context) -> str:
    """The article's programme: the headline's, else the body's most named one (a fragment has none)."""
    if ctx.article.kind == "fragment":
        return ""
    head = [i for i in ctx.initiatives if i.start < ctx.body_start]
    if head:
        return head[-1].name
    text = ctx.article.text
    lede_end = text.find("\n", ctx.body_start)
    lede = [i for i in ctx.initiatives if ctx.body_start <= i.start < (lede_end if lede_end > 0 else len(text))]
    if lede:  # the opening paragraph says what the report is about
        return lede[0].name
    counts = Counter(i.name for i in ctx.initiatives)
    if counts:
        (name, n), *rest = counts.most_common(2)
        if n >= 2 and (not rest or rest[0][1] < n):
            return name
    return ""


def _sentence_of(ctx: _Context, pos: int) -> tuple[int, int]:
    i = bisect_right(ctx.sentence_starts, pos) - 1
    if i >= 0:
        s, e = ctx.sentences[i]
        if s <= pos < e:
            return s, e
    return pos, pos


def _paragraph_start(text: str, pos: int) -> int:
    nl = text.rfind("\n", 0, pos)
    return nl + 1


def _clause_start(text: str, sent_start: int, pos: int) -> int:
    last = sent_start
    for m in _CLAUSE_SEP.finditer(text, sent_start, pos):
        last = m.end()
    return last


def _anaphor_prefix(text: str, pm: PlaceMention) -> bool:
    """Tell whether a matched name is really an anaphor plus a word: 该苏木村集体… is not 苏木村."""
    return pm.text.startswith(("苏木", "嘎查", "社区", "街道")) and text[pm.start - 1:pm.start] in ("该", "全", "本", "各", "此")


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding pos starts (looking back at most one capped sentence, so that a
    huge one-line file stays linear)."""
    lo = max(0, pos - MAX_SENTENCE)
    return max(lo, max(text.rfind(c, lo, pos) for c in "。！？\n") + 1)


def _list_part(text: str, loc: _Loc) -> bool:
    """A place after 其中 in its sentence is one part of a total, not what the text is about."""
    return "其中" in text[_sentence_start(text, loc.start):loc.start]


def _is_object(text: str, loc: _Loc, locs: list[_Loc] | None = None, starts: list[int] | None = None) -> bool:
    """Tell whether a place is an object, partner, source or venue, not the sentence's subject.

    向察右后旗投入; with the article's sorted locs and their starts also 赴锡盟二连浩特市学习 (a chain
    takes the word before its head) and 与四子王旗、二连浩特市结对 (a list takes the word before its
    first item); 在呼市召开的推进会 (a meeting's venue).
    """
    start = loc.start
    k = bisect_left(starts, start) if locs and starts is not None else 0
    while True:
        before = text[max(0, start - 2):start]
        if before.endswith(_OBJECT_BEFORE):
            return True
        if k == 0:  # walk back over the chain and the list this place belongs to
            break
        prev = locs[k - 1]
        gap = text[prev.end:start]
        if not ((gap == "" and not prev.how.startswith("anaphor")) or (gap in _AND and prev.how != "outside")):
            break
        k -= 1
        start = prev.start
    return before.endswith("在") and _VENUE_AFTER.match(text, loc.end) is not None


def _subject_loc(ctx: _Context, s: int, e: int) -> _Loc | None:
    """The first place (or chain, deepest name) of a sentence: its grammatical subject."""
    inside = _in_range(ctx.locs, ctx.loc_starts, s, e)
    if not inside:
        return None
    text = ctx.article.text
    subjects = [l for l in inside if not _is_object(text, l, ctx.locs, ctx.loc_starts)]
    if not subjects:
        return None  # 组织书记赴浙江省安吉县学习: only places visited or given to; the subject is elsewhere
    first = subjects[0]
    for l in inside[inside.index(first) + 1:]:
        if l.start <= first.end + 0 and l.how in ("chain", "unknown", "name"):
            first = l  # follow an adjacent chain to its deepest name
        else:
            break
    return first


def region_for(ctx: _Context, m: Mention) -> tuple[Region | None, str]:
    """Choose the region a number belongs to, and say at which scope it was found."""
    text = ctx.article.text
    avg = _AVERAGE_BEFORE.search(text, max(0, m.start - 16), m.start)
    if avg is not None:  # 比全区平均水平21221元高出…: the average is the wider region's own figure
        region = _average_region(ctx, avg.group(1))
        if region is not None:
            return region, "clause"
    s, e = _sentence_of(ctx, m.start)
    c0 = _clause_start(text, s, m.start)
    clause_locs = [l for l in _in_range(ctx.locs, ctx.loc_starts, c0, m.start)
                   if l.end <= m.start and "等" not in text[l.end:m.start]]
    if len(clause_locs) > 1:  # 丰台区向察右后旗投入…: the giver, not the receiver
        clause_locs = [l for l in clause_locs if not _is_object(text, l, ctx.locs, ctx.loc_starts)] or clause_locs[-1:]
    if clause_locs and not (len(clause_locs) == 1 and _is_object(text, clause_locs[0], ctx.locs, ctx.loc_starts)):
        return _coordinated(text, clause_locs), "clause"
    semi = text.rfind("；", s, m.start)
    if semi >= 0:  # 一是阿拉善盟…；二是巴彦淖尔市…，60岁以上党员占比达到41%: the segment's own subject
        subj = _subject_loc(ctx, semi + 1, m.start)
        if subj is not None:
            return subj.region, "sentence"
    subj = _subject_loc(ctx, s, m.start)
    if subj is not None and "等" not in text[subj.end:m.start][:0]:
        return subj.region, "sentence"
    p0 = _paragraph_start(text, s)
    for ps, pe in reversed(_in_range_pairs(ctx.sentences, ctx.sentence_starts, max(p0, s - 3000), s)):
        subj = _subject_loc(ctx, ps, pe)
        if subj is not None:
            return subj.region, "paragraph"
    if m.start < ctx.body_start:
        head = _in_range(ctx.locs, ctx.loc_starts, 0, ctx.body_start)
        if head:
            return head[-1].region, "headline"
    return ctx.default_region, "article"


# A number right after "全区平均水平" is the average itself, unless a comparison verb comes first: in
# 高于全区平均水平1100元 the number is the margin, the subject's own figure.
_AVERAGE_BEFORE = re.compile(
    r"(?<!高于|低于|超过|超出|高出|多于|少于|快于|慢于|领先|落后)(全区|全自治区|自治区|全国|全市|全盟|全旗|全县)"
    r"(?:的)?平均(?:水平|值|数|线)?(?:为|是|的|达到|达)?$")


def _average_region(ctx: _Context, word: str) -> Region | None:
    main = ctx.default_region
    if word == "全区" and main is not None and main.banner.endswith("区"):
        return _at_kind(main, "区")  # an article about a district: 全区 is the district
    if word in ("全区", "全自治区", "自治区"):
        return Region(level="region")
    if word == "全国":
        return Region(level="outside")
    return _at_kind(main, word[-1]) if main is not None else None


_LIST_SEP = frozenset({"、", "和", "及", "与", "，", "以及"})
_AND = frozenset({"、", "和", "及", "与", "以及"})


def _coordinated(text: str, locs: list[_Loc]) -> Region:
    """The region of the last place before a number, or of all places coordinated with it.

    乌拉特中旗和乌拉特后旗共有边境嘎查23个: both banners together, so their league.
    """
    last = locs[-1]
    group = [last]
    for l in reversed(locs[:-1]):
        if text[l.end:group[0].start] in _AND:
            group.insert(0, l)
        elif l.end == group[0].start:
            continue  # a chain: part of the same name
        else:
            break
    if len(group) < 2:
        return last.region
    common = _copy(group[0].region)
    for lv in ("village", "township", "banner", "league"):
        if len({getattr(g.region, lv + "_code") or getattr(g.region, lv) for g in group}) > 1:
            for deeper in ("league", "banner", "township", "village")[("league", "banner", "township", "village").index(lv):]:
                setattr(common, deeper, "")
                setattr(common, deeper + "_code", "")
    common.level = _level(common)
    return common


def _respectively(ctx: _Context, mentions: list[Mention]) -> dict[int, Region]:
    """敖汉旗、翁旗、克旗入选数量分别为5个、4个、3个: the i-th number is the i-th place's.

    Only when the places form one list before 分别 and as many numbers follow it in the sentence.
    """
    text = ctx.article.text
    out: dict[int, Region] = {}
    if "分别" not in text:
        return out
    for s, e in ctx.sentences:
        k = text.find("分别", s, e)
        if k < 0:
            continue
        idx = [i for i, m in enumerate(mentions) if k < m.start < e]
        c0 = max(s, max(text.rfind(c, s, k) for c in "，；：,;:") + 1)  # the list's clause (、 inside it)
        items: list[_Loc] = []
        for l in _in_range(ctx.locs, ctx.loc_starts, c0, k):
            if l.how in ("outside",) or l.end > k:
                continue
            if items and items[-1].end == l.start:
                items[-1] = l  # a chain: its deepest name
            else:
                items.append(l)
        if (len(items) >= 2 and len(idx) == len(items)
                and all(text[a.end:b.start] in _LIST_SEP for a, b in zip(items, items[1:]))):
            for i, l in zip(idx, items):
                out[i] = l.region
    return out


def _clause_end(text: str, pos: int, sent_end: int) -> int:
    m = _CLAUSE_SEP.search(text, pos, sent_end)
    return m.start() if m else sent_end


def _closest(items: list[InitiativeMention], m: Mention) -> InitiativeMention:
    return min(items, key=lambda i: (min(abs(i.end - m.start), abs(i.start - m.end)), i.start))


def initiative_for(ctx: _Context, m: Mention, level: str = "") -> str:
    """Choose the programme a number belongs to, from the nearest scope outwards.

    Same clause, else same sentence (the closest name), else earlier in the paragraph (the
    latest), else later in it, else the previous paragraph's last, else the article's programme.
    A region-wide or outside figure takes only a programme named in its own sentence.
    """
    text = ctx.article.text
    s, e = _sentence_of(ctx, m.start)
    c0, c1 = _clause_start(text, s, m.start), _clause_end(text, m.end, e)
    p0 = _paragraph_start(text, s)
    prev_start = text.rfind("\n\n", 0, max(p0 - 2, 0))
    prev_start = prev_start + 2 if prev_start >= 0 else 0
    p1 = text.find("\n", e)
    p1 = len(text) if p1 < 0 else p1
    # a paragraph of normal length; bounded so that a 50 MB single-line file stays linear
    inits = _in_range(ctx.initiatives, ctx.init_starts, max(prev_start, s - 3000), min(p1, e + 3000))
    clause = [i for i in inits if c0 <= i.start and i.end <= c1 and not (i.start < m.end and i.end > m.start)]
    if clause:
        return _closest(clause, m).name
    sentence = [i for i in inits if s <= i.start and i.end <= e]
    if sentence:
        return _closest(sentence, m).name
    if level in ("region", "outside"):
        return ""
    earlier = [i for i in inits if p0 <= i.start and i.end <= s]
    if earlier:
        return earlier[-1].name
    later = [i for i in inits if e <= i.start and i.end <= p1]
    if later:
        return later[0].name
    previous = [i for i in inits if prev_start <= i.start and i.end <= p0 and i.start >= ctx.body_start]
    if previous and p0 > 0:
        return previous[-1].name
    return ctx.default_initiative


def _inside_place(ctx: _Context, m: Mention) -> bool:
    """Tell whether a number is part of a place name (十家满族乡, 八一乡): not a fact."""
    i = bisect_right(ctx.place_starts, m.start) - 1
    for a, b in ctx.place_spans[max(0, i):i + 2]:
        if a < m.end and m.start < b:
            return True
    return False


def _dedupe_headline(ctx: _Context, mentions: list[Mention]) -> list[Mention]:
    """Drop headline numbers that the body repeats (one fact, not two)."""
    body = [m for m in mentions if m.start >= ctx.body_start]
    keys = {(m.value, m.unit, m.per) for m in body}
    return [m for m in mentions if m.start >= ctx.body_start or (m.value, m.unit, m.per) not in keys]


_LIST_HEAD = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:建设|新建|改扩建|分布|完成|开展)?(?:情况|数量|数)?(?:如下|分别为|分别是)[：:]$")


def _subjects(ctx: _Context, mentions: list[Mention]) -> list[str]:
    """What each number counts; parts of a list share the subject of their total or list head.

    "全市建成党群服务站400个，其中科左中旗60个、奈曼旗52个": the parts count 党群服务站 too;
    "…新建党群服务中心情况如下：\n东河区 14个": each line counts 党群服务中心.
    """
    text = ctx.article.text
    spans = [_sentence_of(ctx, m.start) for m in mentions]
    # place names delimit a subject like punctuation does (哈拉图嘎查气温已零下30摄氏度 → 气温), so
    # they are masked before jieba sees the window, and jieba needs no gazetteer dictionary
    masked = _mask_places(text, ctx.place_spans)
    out = [subject_for(masked, m, s, e) for m, (s, e) in zip(mentions, spans)]
    by_span: dict[tuple[int, int], list[int]] = {}
    for j, sp in enumerate(spans):
        by_span.setdefault(sp, []).append(j)
    for i, m in enumerate(mentions):
        if out[i]:
            continue
        s, e = spans[i]
        same = [j for j in by_span[(s, e)] if j != i and out[j] and mentions[j].unit == m.unit]
        before = [j for j in same if j < i]
        after = [j for j in same if j > i]
        if before:
            out[i] = out[before[-1]]
        elif after:
            out[i] = out[after[0]]
        else:
            # a list line: the subject is named in the line that announces the list
            k = s - 1
            while k > 0 and text[k - 1] == "\n":
                k -= 1
            prev_line = text[max(text.rfind("\n", 0, k) + 1, k - 80):k].rstrip()
            h = _LIST_HEAD.search(prev_line)
            if h:
                out[i] = _strip_places(h.group(1))
            elif i > 0 and mentions[i - 1].unit == m.unit and out[i - 1] and text[mentions[i - 1].end:m.start].count("\n") <= 2:
                out[i] = out[i - 1]
            elif m.unit == "元":  # 仅惠民补贴一项，我家一年就超过五六万: the money named earlier
                found = _MONEY_NOUN.findall(text, s, m.start)
                if found:
                    out[i] = _strip_places(found[-1])
    return out


_MONEY_NOUN = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:补贴|收入|收益|分红|资金|工资|奖金|经费|销售额)")


def _mask_places(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace place names by commas of the same length (offsets stay valid)."""
    if not spans:
        return text
    parts, pos = [], 0
    for a, b in spans:
        parts.append(text[pos:a])
        parts.append("，" * (b - a))
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


def _strip_places(phrase: str) -> str:
    from .subjects import clean_subject  # noqa: PLC0415

    return clean_subject(phrase)


def fact_id(article_id: str, m: Mention) -> str:
    """Return a fact id derived from the article and the number's place and value."""
    raw = f"{article_id}\x1f{m.start}\x1f{m.end}\x1f{m.value!r}\x1f{m.unit}\x1f{m.per}"
    return "f" + hashlib.sha1(raw.encode()).hexdigest()[:15]


_SCOPE_CONFIDENCE = {"clause": 0.95, "sentence": 0.9, "headline": 0.9, "paragraph": 0.8, "article": 0.7}


def attribute(article: Article, mentions: list[Mention], doc: Document | None = None,
              gaz: Gazetteer | None = None, ctx: _Context | None = None) -> list[Fact]:
    """Turn an article's quantity mentions into facts attributed to region and programme."""
    if article.kind == "quotes" or not mentions:
        return []
    if ctx is None or ctx.article.text != article.text:
        ctx = build_context(article, gaz)
    else:
        ctx.article = article  # same text, new id or date: the context still holds
    published = article.published or (doc.published if doc else "")
    facts: list[Fact] = []
    kept = [m for m in _dedupe_headline(ctx, mentions) if not _inside_place(ctx, m)]
    subjects = _subjects(ctx, kept)
    respective = _respectively(ctx, kept)
    for i, (m, subject) in enumerate(zip(kept, subjects)):
        region, scope = (respective[i], "clause") if i in respective else region_for(ctx, m)
        region = region or Region()
        level = _level(region)
        s, e = _sentence_of(ctx, m.start)
        quote = ctx.article.text[s:e].strip() or ctx.article.text[max(0, m.start - 30):m.end + 30]
        category = m.category if not m.per else "rate"
        confidence = _SCOPE_CONFIDENCE.get(scope, 0.6) if level not in ("unknown",) else 0.5
        if level in ("region", "outside"):
            league = league_code = banner = banner_code = township = village = ""
        else:
            league, league_code = region.league, region.league_code
            banner, banner_code = region.banner, region.banner_code
            township, village = region.township, region.village
        facts.append(Fact(
            fact_id=fact_id(article.article_id, m),
            source_file=article.source_file,
            article_id=article.article_id,
            article_title=article.title,
            published=published,
            league=league, league_code=league_code,
            banner=banner, banner_code=banner_code,
            township=township, village=village,
            region_level=level,
            initiative=initiative_for(ctx, m, level),
            subject=subject,
            indicator=indicator_for(subject, m, ctx.article.text[_clause_start(ctx.article.text, s, m.start):m.start]),
            category=category,
            value=m.value, value_low=m.value_low, value_high=m.value_high,
            qualifier=m.qualifier, unit=m.unit, per=m.per,
            quote=quote,
            span_start=m.start, span_end=m.end,
            confidence=round(confidence, 2),
        ))
    return facts


def split_fragments(article: Article, gaz: Gazetteer | None = None) -> list[tuple[Article, _Context | None]]:
    """Cut an article where a paragraph refers forward to a place the article never named before.

    Layout sometimes loses an article's headline, so its body runs on after the previous
    article ("截至目前，街道党工委收集民情民意200多条…" after an article about 武川县, with
    民警路街道 named only later). Such a paragraph starts an article of kind ``fragment`` with no
    title, so that it inherits nothing from the article above it.
    """
    if article.kind != "article" or not _ANAPHOR.search(article.text):
        return [(article, None)]
    ctx = build_context(article, gaz)
    text = article.text
    cuts: list[int] = []
    for loc in ctx.locs:
        if loc.how != "anaphor-forward" or loc.start < ctx.body_start:
            continue
        p0 = text.rfind("\n\n", 0, loc.start)
        p0 = p0 + 2 if p0 >= 0 else 0
        if p0 <= ctx.body_start or len(text[p0:loc.start]) > 30 or (cuts and p0 <= cuts[-1]):
            continue
        cuts.append(p0)
    if not cuts:
        return [(article, ctx)]
    bounds = [0, *cuts, len(text)]
    out: list[tuple[Article, _Context | None]] = []
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        piece = text[a:b].rstrip("\n")
        if k == 0:
            out.append((replace(article, text=piece), None))
        else:
            out.append((replace(article, text=piece, title="", kind="fragment", byline=""), None))
    return out


def document_published(doc: Document, articles: list[Article]) -> tuple[str, str]:
    """Return the document's date: the manifest's, else one inferred from its articles' text."""
    if doc.published:
        return doc.published, doc.published_how or "manifest"
    dateline = _DATELINE.search(doc.text[:2000])
    if dateline:  # "兴安发布  2024-01-22 18:05" under a reposted headline
        y, mo, d = (int(x) for x in dateline.groups())
        try:
            return dt.date(y, mo, d).isoformat(), f"text: 发布行 {dateline.group(0).strip()}"
        except ValueError:
            pass
    text = "\n".join(a.text for a in articles if a.kind != "quotes")
    return infer_published(text)


_DATELINE = re.compile(r"(?m)^.{0,16}?\s*((?:19|20)\d\d)-(\d\d)-(\d\d)(?:\s+\d\d:\d\d)?\s*$")
