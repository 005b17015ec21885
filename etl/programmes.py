"""Programme mentions in an article → the programme (举措) each number belongs to (pure)."""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from typing import TYPE_CHECKING

from .initiatives import _LAUNCH_RIGHT_BEFORE, CANDIDATE, KNOWN, InitiativeMention
from .layout import is_table_row
from .schema import Mention
from .textspans import (
    clause_end,
    clause_start,
    in_range,
    paragraph_start,
    section_headings,
    sentence_of,
)

if TYPE_CHECKING:
    from .context import Context

def default_initiative(ctx: Context) -> str:
    """The article's programme: the headline's, else the body's most named one (a fragment has none)."""
    if ctx.article.kind == "fragment":
        return ""
    strong = [i for i in ctx.initiatives if i.strong]
    head = [i for i in strong if i.start < ctx.body_start]
    if head:  # the title's first programme (“乡村振兴合伙人”引来“金凤凰”), before a ——subtitle's
        text = ctx.article.text
        titled = [i for i in head if not text.startswith("—", text.rfind("\n", 0, i.start) + 1)]
        # a title's name the body never takes up (戈壁深处的“流动党群服务中心”) describes; the subtitle's
        # programme that the body goes on naming (——“草原轻骑兵”服务队蹲点见闻) is the article's
        # (taken up as a name: quoted, or of three characters or more; 心里热乎 does not take up “热乎”冬天)
        in_body = {i.name for i in strong if i.start >= ctx.body_start
                   and (len(text[i.start:i.end]) >= 3 or text[i.start - 1:i.start] in "“\"「")}
        for group in ([i for i in titled if i.name in in_body], [i for i in head if i.name in in_body]):
            if group:
                return group[0].name
        # no headline name is taken up by the body (小院里种出“致富经”): the body's own programme, if it
        # has one, else the headline's
        body = _body_programme(ctx, strong)
        if body:
            return body
        # …and a round-up whose body goes on about several programmes of its own has none
        # (各盟市亮出“治理新招”: a description of what follows)
        if len({i.name for i in strong if i.start >= ctx.body_start}) >= 3:
            return ""
        return (titled or head)[0].name
    return _body_programme(ctx, strong)


_PARAGRAPH = re.compile(r"\n+")
_BRAND_AFTER = re.compile(r"[”\"」]?[\u4e00-\u9fff]{0,4}?品牌")


def _body_programme(ctx: Context, strong: list) -> str:
    """The body's programme: the opening paragraph's, else the one it names most."""
    text = ctx.article.text
    lede_start = ctx.body_start
    first_end = text.find("\n", lede_start)
    if 0 < first_end - lede_start <= 60 and text[first_end - 1] in "：:":
        # 各乡镇党委，县委各部门：/ 尊敬的各位领导：— a salutation; the lede is the paragraph after it
        lede_start = first_end + 1
        while text.startswith("\n", lede_start):
            lede_start += 1
    lede_end = text.find("\n", lede_start)
    lede = [i for i in strong if lede_start <= i.start < (lede_end if lede_end > 0 else len(text))]
    named = Counter(i.name for i in strong)
    # the opening paragraph says what the report is about, unless it only cites a name once in a report
    # whose body goes on about other programmes (对照五化协同、大抓基层要求，… then 民情夜访, 托管模式…)
    # (one of a row of quoted names — 培育“A”“B”“C”等品牌 — is an example, not what the report is about)
    lede = [i for i in lede if (named[i.name] >= 2 or len(named) == 1 or _titled_in_lede(ctx, i)
            or _presented_in_lede(text, i)) and not (named[i.name] == 1 and _in_quoted_list(text, i))]
    if lede:
        return lede[0].name
    # the one brand the opening paragraphs present (打出“红色网格”治理品牌): what the report is about
    opening_end = len(text)
    if lede_end > 0:
        k = lede_end
        while text.startswith("\n", k):
            k += 1
        second = text.find("\n", k)
        opening_end = second if second > 0 else len(text)
    brands = {i.name for i in strong if i.start < opening_end and _BRAND_AFTER.match(text, i.end)
              and not _in_quoted_list(text, i)}  # (“A”“B”等品牌: the word is all of theirs)
    if len(brands) == 1 and len({i.name for i in strong if _BRAND_AFTER.match(text, i.end)}) == 1:
        return brands.pop()
    # a round-up of items each led by its place (库伦旗——…, 达茂旗：…) has no programme of its own
    led = 0
    for nl in _PARAGRAPH.finditer(text, ctx.body_start):
        led += _place_led_item(ctx, nl.end())
        if led >= 3:
            return ""
    if ctx.headings is None:
        ctx.headings = section_headings(text, ctx.body_start)
    candidates = named
    if len(ctx.headings) >= 3:
        # a feature in sections (一碗热饭 / 议出来的停车场 / …): a programme its opening does not name is its
        # own section's, not the article's
        opening = {i.name for i in strong if i.start < ctx.headings[0][0]}
        candidates = Counter({k: v for k, v in named.items() if k in opening})
    if candidates:  # the body's main programme: named twice or more, and in half its programme mentions
        name, n = candidates.most_common(1)[0]
        rest = [(k, v) for k, v in named.most_common() if k != name][:1]
        # (the body's only programme is its main one even when named once, in a report about one place;
        # a round-up of several banners that names one banner's programme at the end has none)
        one_place = len({loc.region.banner for loc in ctx.locs if loc.region.banner}) <= 1
        # (…named in its opening paragraphs: a name met once, deep in the body, is that part's, not the report's —
        # the profile and the figures before it are about the place, as independent readers of real pages agree)
        early = n >= 2 or next(i.start for i in strong if i.name == name) < opening_end
        if (n >= 2 or (not rest and one_place and early)) and (not rest or rest[0][1] < n) \
                and n * 2 >= sum(named.values()):
            return name
    return ""


# 通过深化“双报到双服务双融入”工作机制: a lede that launches or deepens a named mechanism says what the report is about
_PRESENTED_AFTER = re.compile(r"[”\"」](?:工作机制|运行机制|机制|工作模式|模式|工作法|品牌|工程|行动)")
_PRESENTED_BEFORE = re.compile(r"(?:深化|推行|实施|创新|探索|建立|打造|推广|构建|开展|全面推行|持续深化)(?:了)?[“\"「]$")


def _presented_in_lede(text: str, i) -> bool:
    return (_PRESENTED_AFTER.match(text, i.end) is not None
            and _PRESENTED_BEFORE.search(text, max(0, i.start - 6), i.start) is not None)


def _titled_in_lede(ctx: Context, i) -> bool:
    """A lede's programme that the headline names by what it does (开展“强基固本”村级党组织集中整顿行动 under
    关于…集中整顿工作情况的通报): what the report is about, though named once."""
    text = ctx.article.text
    head = text[:ctx.body_start]
    tail = text[i.end:i.end + 16]
    cut = min((k for k in (tail.find(c) for c in "，。；、") if k >= 0), default=len(tail))
    tail = tail[:cut]
    return any(tail[k:k + 3] in head for k in range(len(tail) - 2)) if head else False


def _closest(items: list[InitiativeMention], m: Mention) -> InitiativeMention:
    return min(items, key=lambda i: (min(abs(i.end - m.start), abs(i.start - m.end)), i.start))


# Between a programme's name and the number that counts it: 党员中心户1870户, “红色物业”小区达到86个.
_COUNT_GAP = re.compile(r"[”\"」]?[\u4e00-\u9fff]{0,4}?(?:数量|总数|总量|数)?(?:共|已|累计|总计|合计|总共)?"
                        r"(?:达到|达|增至|增加到|突破|超过|逾|为|有|共有|已有|已达|新增|增加)?")


_PERSONS = frozenset({"人", "人次"})


def counts(text: str, i: InitiativeMention, m: Mention) -> bool:
    """Tell whether the number counts the programme itself: 设立党员中心户1870户, 建成12个“草原书屋”.

    A weak candidate is not counted by a number of people (每个责任区由1名党员中心户牵头).
    """
    if not i.strong and m.unit in _PERSONS:
        return False
    if i.end <= m.start:
        gap = text[i.end:m.start]
        return len(gap) <= 8 and _COUNT_GAP.fullmatch(gap) is not None
    if m.end <= i.start:
        return text[m.end:i.start] in ("", "“", '"', "「")
    return False


_NUMBER_NEXT = re.compile(r"[0-9０-９一二两三四五六七八九十百千几]")


def _established(text: str, i: InitiativeMention) -> bool:
    """A unit the lexicon knows that its sentence sets up (设立党员中心户，…) or counts
    (已组建这样的党建联合体8个，…): the clauses after it in the sentence are about it. A description
    of the unit (组建荞麦产业党建联合体7个) does not take over from the programme the text is about."""
    if text[i.start:i.end] != i.name:
        return False
    if _LAUNCH_RIGHT_BEFORE.search(text, max(0, i.start - 4), i.start):
        return True
    gap = _COUNT_GAP.match(text, i.end)
    return gap is not None and gap.end() - i.end <= 8 and _NUMBER_NEXT.match(text, gap.end()) is not None


def _section_programme(ctx: Context, p0: int) -> str:
    """The programme the heading of the paragraph's section names ("" when it names none)."""
    heading = ctx.heading_before(p0)
    if heading is None:
        return ""
    named = [i for i in in_range(ctx.initiatives, ctx.init_starts, *heading) if i.rank >= KNOWN]
    return named[-1].name if named else ""


# 刘慧敏：…, 答：…: a paragraph that is an interview's answer
_SPEAKER_LED = re.compile(r"(?:答|[\u4e00-\u9fff]{2,4})[：:]")


def _place_led_item(ctx: Context, p0: int) -> bool:
    """A round-up's item: a paragraph that opens with a place and a dash or colon (乌拉特中旗——…, 达茂旗：…);
    it carries no programme over from the item before it."""
    k = bisect_right(ctx.loc_starts, p0 + 2) - 1
    if k < 0:
        return False
    loc = ctx.locs[k]
    text = ctx.article.text
    return p0 <= loc.start <= p0 + 2 and text.startswith(("——", "—", "：", ":"), loc.end)


def _section_opened(ctx: Context, p0: int) -> str:
    """The programme the paragraphs of the paragraph's section named (strongly) before it, when the
    section's heading names none ("" outside sections)."""
    heading = ctx.heading_before(p0)
    if heading is None:
        return ""
    named = [i for i in in_range(ctx.initiatives, ctx.init_starts, heading[1], p0) if i.strong and i.end <= p0]
    return named[-1].name if named else ""


def clause_programmes(ctx: Context, m: Mention) -> list[InitiativeMention]:
    """The programme mentions in the number's own clause."""
    text = ctx.article.text
    s, e = sentence_of(ctx, m.start)
    c0, c1 = clause_start(text, s, m.start), clause_end(text, m.end, e)
    return [i for i in in_range(ctx.initiatives, ctx.init_starts, c0, c1)
            if i.end <= c1 and not (i.start < m.end and i.end > m.start)]


def counted_programme(ctx: Context, m: Mention) -> str:
    """The named programme the number counts (设立党员中心户1870户 → 党员中心户), or ""."""
    counted = [i for i in clause_programmes(ctx, m) if i.rank >= KNOWN and counts(ctx.article.text, i, m)]
    return _closest(counted, m).name if counted else ""


# a clause of nothing but scope and total words before its number: 全街道一共186户
_BARE_COUNT_CLAUSE = re.compile(r"(?:全[\u4e00-\u9fff]{1,3}?|各[\u4e00-\u9fff]{1,3}?|目前|现在|如今|今年|共|一共|总共|"
                                r"累计|合计|总计|已|已经|达到|达|有|共有|增至|增加到|发展到|\s)*")


def _elided_count(text: str, m: Mention, c0: int, c1: int, earlier: list[InitiativeMention]) -> str:
    """A count whose clause names nothing it counts (…确定了2户党员中心户，全街道一共186户): the head noun is
    left out, and the unit says which: the sentence's earlier programme whose name ends in that unit."""
    if not m.unit or c1 - m.end > 1 or not _BARE_COUNT_CLAUSE.fullmatch(text, c0, m.start):
        return ""
    same = [i for i in earlier if text[i.start:i.end].endswith(m.unit)]
    return same[-1].name if same else ""


def _plain_first(items: list[InitiativeMention]) -> list[InitiativeMention]:
    """The programmes named as such, when there are any, else the described units (组建跨村党建联合体)."""
    plain = [i for i in items if i.how != "described"]
    return plain or items


def _specific(name: str, earlier: list[InitiativeMention]) -> str:
    """A programme earlier in the paragraph that is a more specific form of ``name`` (“中心户+护边” for 党员中心户)."""
    for i in reversed(earlier):
        parts = [x for x in re.split(r"[+＋]", i.name) if x]
        if len(parts) > 1 and i.name != name and any(name == x or name.endswith(x) for x in parts):
            return i.name
    return name


def _in_quoted_list(text: str, i: InitiativeMention) -> bool:
    """A name quoted in a row of quoted names (培育“A”“B”“C”等品牌): one example among several, not the one
    programme a paragraph is about."""
    if not text.startswith("“", i.start - 1):
        return False
    return text.startswith(("”“", "”、“"), i.end) or text[max(0, i.start - 3):i.start - 1].endswith(("”", "”、"))


def initiative_for(ctx: Context, m: Mention, level: str = "") -> str:
    """The programme a number belongs to (``programme_for`` without how it was found)."""
    return programme_for(ctx, m, level)[0]


_ITEM_MARK = re.compile(r"(?:(?<=[。；;！？\n])|^)(?:[一二三四五六七八九十]是|其[一二三四五六七八九十][，,、：:]|第[一二三四五六七八九十][，,、：:])",
                        re.M)


def _item_start(text: str, p0: int, s: int) -> tuple[int, int]:
    """Enumerated items (一是…二是…, 其一…) in the paragraph before the sentence starting at s: where the first
    one begins (the paragraph's lead before it governs them all) and where the one holding the sentence begins.
    Both are s when the paragraph has no items before the sentence."""
    first = last = -1
    for mk in _ITEM_MARK.finditer(text, p0, s + 3):
        if mk.start() <= s:
            first = mk.start() if first < 0 else first
            last = mk.start()
    return (first, last) if first >= 0 else (s, s)


def _one_of_several(ctx: Context, i: InitiativeMention, strong: list[InitiativeMention]) -> bool:
    """Tell whether a programme is named in its sentence as one of a row of parallel items (39个街道成立“大工委”、
    450个社区成立“大党委”): none of them is what the sentences after them are about."""
    s, e = sentence_of(ctx, i.start)
    text = ctx.article.text
    for j in strong:
        if j.name == i.name or not (s <= j.start and j.end <= e) or j.how == "described":
            continue
        gap = text[j.end:i.start] if j.end <= i.start else text[i.end:j.start]
        if "、" in gap and len(gap) <= 20 and not any(c in gap for c in "，,；;：:"):
            return True  # (a row of parallel items: …成立“大工委”、450个社区成立“大党委”)
    return False


def programme_for(ctx: Context, m: Mention, level: str = "") -> tuple[str, str]:
    """Choose the programme a number belongs to, from the nearest scope outwards, and say where it was named.

    The programme the number counts (设立党员中心户1870户), else one named in the same clause, else
    in the same sentence (the closest name), else earlier in the paragraph (the latest), else later
    in it, else the heading of the paragraph's section, else the previous paragraph's last; else a
    candidate only the grammar suggests in the clause (建成暖心驿站21处: the one the number counts
    first), else the article's programme. A region-wide or outside figure takes only a programme
    named in its own clause or sentence.

    The second item is the fact's ``initiative_basis`` (etl.schema.INITIATIVE_BASES): counted, clause,
    sentence, paragraph, section, previous or article ("" without a programme).
    """
    text = ctx.article.text
    s, e = sentence_of(ctx, m.start)
    c0, c1 = clause_start(text, s, m.start), clause_end(text, m.end, e)
    p0 = paragraph_start(text, s)
    p1 = text.find("\n", e)
    p1 = len(text) if p1 < 0 else p1
    if (p0 > 0 and text[p0 - 2:p0] != "\n\n" or text.startswith("\n", p1) and not text.startswith("\n\n", p1)) \
            and not is_table_row(text[p0:p1]):
        # a paragraph set one phrase per line (WeChat): its lines are one paragraph, not a table's rows
        block = text.rfind("\n\n", 0, p0)
        p0 = block + 2 if block >= 0 else 0
        end = text.find("\n\n", e)
        p1 = len(text) if end < 0 else end
    prev_start = text.rfind("\n\n", 0, max(p0 - 2, 0))
    prev_start = prev_start + 2 if prev_start >= 0 else 0
    # a paragraph of normal length; bounded so that a 50 MB single-line file stays linear
    inits = in_range(ctx.initiatives, ctx.init_starts, max(prev_start, s - 3000), min(p1, e + 3000))
    in_clause = [i for i in inits if c0 <= i.start and i.end <= c1 and not (i.start < m.end and i.end > m.start)]
    counted = [i for i in in_clause if counts(text, i, m)]
    named_counted = [i for i in counted if i.rank >= KNOWN]  # the programme the number counts
    if named_counted:
        return _closest(named_counted, m).name, "counted"
    elided = _elided_count(text, m, c0, c1, [i for i in inits if s <= i.start and i.end <= c0 and i.rank >= KNOWN])
    if elided:
        return elided, "counted"
    clause = _plain_first([i for i in in_clause if i.strong])
    if clause:
        return _closest(clause, m).name, "clause"
    # (a name after a ； that follows the number opens the next part of the sentence: 全年举办6期书记示范班，…；
    # 在公众号开设《书记说》栏目 — not the number's)
    semi = min((k for k in (text.find("；", m.end, e), text.find(";", m.end, e)) if k >= 0), default=-1)
    sentence = [i for i in inits if s <= i.start and i.end <= e and (semi < 0 or i.start < semi) and (i.strong or (
        i.rank == KNOWN and i.end <= m.start and _established(text, i)))]
    if len(sentence) > 1:
        # a name in a list of those who take part (吸纳护边员、党员中心户等参与联防) is not what the sentence
        # is about, when the sentence names another programme
        listed = [i for i in sentence if text[i.start - 1:i.start] == "、" or text.startswith(("、", "等"), i.end)]
        if listed and len(listed) < len(sentence):
            sentence = [i for i in sentence if i not in listed]
    sentence = _plain_first(sentence)
    if sentence:
        # (the sentence's programme named before the number, over one that opens a later clause of its own:
        # 开展“X”宣讲8700余场，受众32.7万人次，“Y”小分队荣获… — Y is the next clause's subject)
        before = [i for i in sentence if i.end <= m.start]
        after_opening = [i for i in sentence if i.start >= m.end
                         and text[i.start - 2:i.start].rstrip("“\"「")[-1:] in ("，", "；", ",", ";")]
        if before and after_opening and len(after_opening) == len(sentence) - len(before):
            sentence = before
        return _specific(_closest(sentence, m).name, [i for i in inits if i.strong and i.end <= s and i.start >= p0]), "sentence"
    # a programme the lexicon knows as a unit (党员中心户), named without evidence: its own clause only
    known = [i for i in in_clause if i.rank == KNOWN]
    if known:
        return _closest(known, m).name, "clause"
    if level in ("region", "outside"):
        return "", ""
    strong = [i for i in inits if i.strong]
    # (a described unit reaches only its own sentence)
    lead, item = _item_start(text, p0, s)
    earlier = [i for i in strong if p0 <= i.start and i.end <= s and i.how != "described"
               and (i.end <= lead or i.start >= item)]
    if not earlier and item > lead and any(lead <= i.start and i.end <= item for i in strong):
        return "", ""  # 一是持续推动“X”…。二是…: an earlier item's programme is not the next item's
    if earlier:
        if _one_of_several(ctx, earlier[-1], strong):
            return "", ""
        return earlier[-1].name, "paragraph"
    later = [i for i in strong if e <= i.start and i.end <= p1 and i.how != "described" and not _in_quoted_list(text, i)]
    if later and len({i.name for i in later}) == 1:
        # (a paragraph that goes on to name several programmes — 以“芒来模式”和“七村模式”为例 — gives none of them
        # to the figures before them)
        return later[0].name, "paragraph"
    section = _section_programme(ctx, p0) if p0 > ctx.body_start else ""
    if section:
        return section, "section"
    previous = [i for i in strong if prev_start <= i.start and i.end <= p0 and i.start >= ctx.body_start]
    if previous and p0 > 0 and not _place_led_item(ctx, p0):
        if _one_of_several(ctx, previous[-1], strong):
            return "", ""
        return previous[-1].name, "previous"
    # (not into a place-led item of a round-up, nor into an interview's answer: each answers its own question)
    opened = _section_opened(ctx, p0) if not _place_led_item(ctx, p0) and not _SPEAKER_LED.match(text, p0) else ""
    if opened:  # 03 网格 / 社区推行“网格+物业”联动，… / …: what the section's own paragraphs launched before
        return opened, "section"
    candidates = [i for i in in_clause if i.rank == CANDIDATE]
    if candidates:  # what the grammar alone suggests: the one the number counts, else the clause's
        return _closest([i for i in counted if i.rank == CANDIDATE] or candidates, m).name, "clause"
    return ctx.default_initiative, ("article" if ctx.default_initiative else "")
