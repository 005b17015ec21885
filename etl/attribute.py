"""Quantity mentions + article context → Facts with region, initiative, subject and indicator (pure).

The region of each number comes from etl.regions, its programme from etl.programmes, what it
counts from etl.subjects; the article's context (etl.context) is built once and shared.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import MISSING, fields, replace

from .context import Context, build_context
from .gazetteer import Gazetteer
from .programmes import clause_programmes, counted_programme, programme_for
from .quantities import TIME_UNITS as _TIME_UNITS, find_quantities
from .regions import ANAPHOR, common_region, level_of, region_for, respectively
from .schema import Article, Document, Fact, Mention, Region
from .subjects import clean_subject, indicator_for, subject_for
from .tables import (
    ColumnSpec,
    Table,
    column_name,
    column_spec,
    find_tables,
    is_number_cell,
    label_column,
)
from .textspans import clause_start, in_range, section_headings, sentence_of


def _inside_place(ctx: Context, m: Mention) -> bool:
    """Tell whether a number is part of a place name (十家满族乡, 八一乡): not a fact."""
    i = bisect_right(ctx.place_starts, m.start) - 1
    for a, b in ctx.place_spans[max(0, i):i + 2]:
        if a < m.end and m.start < b:
            return True
    return False


def _dedupe_headline(ctx: Context, mentions: list[Mention]) -> list[Mention]:
    """Drop headline numbers that the body repeats (one fact, not two), and a section heading's number
    that its own section repeats (界河岸边：7个联合党委拧成一股绳 / …先后组建起7个联合党委)."""
    body = [m for m in mentions if m.start >= ctx.body_start]
    keys = {(m.value, m.unit, m.per) for m in body}
    kept = [m for m in mentions if m.start >= ctx.body_start or (m.value, m.unit, m.per) not in keys]
    if ctx.headings is None:
        ctx.headings = section_headings(ctx.article.text, ctx.body_start)
    if not ctx.headings or len(kept) < 2:
        return kept
    starts = [a for a, _b in ctx.headings]
    out = []
    for m in kept:
        k = bisect_right(starts, m.start) - 1
        if k >= 0 and ctx.headings[k][0] <= m.start < ctx.headings[k][1]:
            end = ctx.headings[k + 1][0] if k + 1 < len(ctx.headings) else len(ctx.article.text)
            if any(o.start >= ctx.headings[k][1] and o.start < end and (o.value, o.unit, o.per) == (m.value, m.unit, m.per)
                   for o in kept):
                continue
        out.append(m)
    return out


_LIST_HEAD = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:建设|新建|改扩建|分布|完成|开展)?(?:情况|数量|数)?(?:如下|分别为|分别是)[：:]$")


def _subjects(ctx: Context, mentions: list[Mention]) -> tuple[list[str], list[int | None]]:
    """What each number counts, and the number whose subject a part shares (None: its own).

    Parts of a list share the subject of their total or list head.

    "全市建成党群服务站400个，其中科左中旗60个、奈曼旗52个": the parts count 党群服务站 too;
    "…新建党群服务中心情况如下：\n东河区 14个": each line counts 党群服务中心.
    """
    text = ctx.article.text
    spans = [sentence_of(ctx, m.start) for m in mentions]
    # place names delimit a subject like punctuation does (哈拉图嘎查气温已零下30摄氏度 → 气温), so
    # they are masked before jieba sees the window, and jieba needs no gazetteer dictionary
    masked = _mask_places(text, ctx.place_spans)
    out = [subject_for(masked, m, s, e) for m, (s, e) in zip(mentions, spans)]
    heads: list[int | None] = [None] * len(mentions)
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
            heads[i] = before[-1]
        elif after:
            out[i] = out[after[0]]
            heads[i] = after[0]
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
    return out, heads


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

    return clean_subject(phrase)


def fact_id(article_id: str, m: Mention) -> str:
    """Return a fact id derived from the article and the number's place and value."""
    raw = f"{article_id}\x1f{m.start}\x1f{m.end}\x1f{m.value!r}\x1f{m.unit}\x1f{m.per}"
    return "f" + hashlib.sha1(raw.encode()).hexdigest()[:15]


# The columns a new fact leaves at their defaults (location, measure, kind…, appended columns)
_FACT_DEFAULTS = {f.name: f.default for f in fields(Fact) if f.default is not MISSING}


def _new_fact(**values) -> Fact:  # noqa: ANN003
    """``Fact(**values)`` without the frozen dataclass's ``object.__setattr__`` per column (25 µs → 2 µs):
    the fields are the instance's __dict__, filled in column order (values as Fact's, then defaults)."""
    f = object.__new__(Fact)
    d = f.__dict__
    basis = values.pop("initiative_basis", "")
    d.update(values)
    d.update(_FACT_DEFAULTS)
    d["initiative_basis"] = basis
    return f


_SCOPE_CONFIDENCE = {"clause": 0.95, "sentence": 0.9, "headline": 0.9, "paragraph": 0.8, "article": 0.7}
# A programme inferred from the text around the number is right less often (real pages: about a third of the
# time, against two thirds for one named with it): the fact's confidence says so, and the review queue, which
# shows the least confident facts first, puts it earlier.
_BASIS_CONFIDENCE = {"paragraph": 0.75, "section": 0.7, "previous": 0.7, "article": 0.65}


def _fact(ctx: Context, m: Mention, region: Region, scope: str, subject: str, indicator: str, initiative: str,
          basis: str, quote: str, published: str, confidence: float | None = None) -> Fact:
    article = ctx.article
    level = level_of(region)
    if confidence is None:
        confidence = _SCOPE_CONFIDENCE.get(scope, 0.6) if level not in ("unknown",) else 0.5
    if initiative and basis in _BASIS_CONFIDENCE:
        confidence = min(confidence, _BASIS_CONFIDENCE[basis])
    if level in ("region", "outside"):
        league = league_code = banner = banner_code = township = village = ""
    else:
        league, league_code = region.league, region.league_code
        banner, banner_code = region.banner, region.banner_code
        township, village = region.township, region.village
    return _new_fact(
        fact_id=fact_id(article.article_id, m),
        source_file=article.source_file,
        article_id=article.article_id,
        article_title=article.title,
        published=published,
        league=league, league_code=league_code,
        banner=banner, banner_code=banner_code,
        township=township, village=village,
        region_level=level,
        initiative=initiative,
        subject=subject,
        indicator=indicator,
        category=m.category if not m.per else "rate",
        value=m.value, value_low=m.value_low, value_high=m.value_high,
        qualifier=m.qualifier, unit=m.unit, per=m.per,
        quote=quote,
        span_start=m.start, span_end=m.end,
        confidence=round(confidence, 2),
        initiative_basis=basis if initiative else "",
    )


def attribute(article: Article, mentions: list[Mention], doc: Document | None = None,
              gaz: Gazetteer | None = None, ctx: Context | None = None) -> list[Fact]:
    """Turn an article's quantity mentions (and its tables' cells) into facts attributed to region and programme."""
    if article.kind == "quotes":
        return []
    tables = find_tables(article.text) if ("|" in article.text or "\t" in article.text or "｜" in article.text) else []
    if not mentions and not tables:
        return []
    if ctx is None or ctx.article.text != article.text:
        ctx = build_context(article, gaz)
    else:
        ctx.article = article  # same text, new id or date: the context still holds
    published = article.published or (doc.published if doc else "")
    if tables:  # a table's cells are read as cells, not as running text
        mentions = [m for m in mentions if not any(t.start <= m.start < t.end for t in tables)]
    facts: list[Fact] = []
    kept = [m for m in _dedupe_headline(ctx, mentions) if not _inside_place(ctx, m)]
    subjects, heads = _subjects(ctx, kept)
    respective = respectively(ctx, kept)
    text = ctx.article.text
    for i, (m, subject) in enumerate(zip(kept, subjects)):
        region, scope = (respective[i], "clause") if i in respective else region_for(ctx, m)
        region = region or Region()
        s, e = sentence_of(ctx, m.start)
        quote = text[s:e].strip() or text[max(0, m.start - 30):m.end + 30]
        initiative, basis = programme_for(ctx, m, level_of(region))
        head = heads[i]
        while head is not None and heads[head] is not None:  # 其中A旗13个、B旗74个: B's total is A's
            head = heads[head]
        if head is not None and not clause_programmes(ctx, m):
            # 全市打造红色驿站400个，其中科左中旗60个: a part counts what its total counts
            counted = counted_programme(ctx, kept[head])
            if counted:
                initiative, basis = counted, "counted"
        facts.append(_fact(ctx, m, region, scope, subject,
                           indicator_for(subject, m, text[clause_start(text, s, m.start):m.start]),
                           initiative, basis, quote, published))
    for t in tables:
        facts.extend(_table_facts(ctx, t, published))
    facts.sort(key=lambda f: f.span_start)
    return facts


# --------------------------------------------------------------------------------------------
# Tables: one fact per number cell
# --------------------------------------------------------------------------------------------
_TOTAL_ROW = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|总数|全[盟市旗县区]|全[盟市旗县区]合计)$")
_YEAR_HEAD = re.compile(r"^(?:19|20)\d\d\s*年?(?:度|底|末)?$")
_GENERIC_HEAD = re.compile(r"^(?:数量|数值|数目|总数|合计|个数|人数|户数|数据|情况|指标值|完成数|实际)$")


def _pseudo(pos: int) -> Mention:
    return Mention(start=pos, end=pos, text="", value=0.0, unit="")


def _cell_mention(cell, unit: str, per: str) -> Mention | None:
    """Read a number cell with its column's unit (64 under 户 → 64 户; 3.5 under 万元 → 35000 元)."""
    raw = cell.text.replace(" ", "").replace("，", ",")
    own_unit = not raw[-1].isdigit() and raw[-1] not in "余多"
    probe = raw if own_unit or not unit else raw + unit
    found = [q for q in find_quantities(probe) if q.start == 0 and q.end >= len(raw)]
    if not found and unit in _TIME_UNITS:
        # a column of times (志愿服务时长（小时）) measures a service: read the cell as "时长 1286小时"
        found = [replace(q, start=q.start - 2, end=q.end - 2) for q in find_quantities("时长" + probe)
                 if q.start == 2 and q.end >= len(raw) + 2]
    if not found and unit == "分":
        # a column of scores (综合得分（分）): read the cell as "得分 94.6分"
        found = [replace(q, start=q.start - 2, end=q.end - 2) for q in find_quantities("得分" + probe)
                 if q.start == 2 and q.end >= len(raw) + 2]
    if not found:
        return None
    q = found[0]
    category = "rate" if per else q.category
    return Mention(start=cell.start, end=cell.end, text=cell.text, value=q.value, unit=q.unit,
                   qualifier=q.qualifier, value_low=q.value_low, value_high=q.value_high, per=per or q.per,
                   category=category, classifier=q.classifier)


def _cell_region(ctx: Context, cell) -> Region | None:
    """The region a label cell names (its deepest place), or None."""
    locs = [l for l in in_range(ctx.locs, ctx.loc_starts, cell.start, cell.end) if l.end <= cell.end]
    if not locs:
        return None
    return locs[-1].region


def _line(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


_CAPTION_UNIT = re.compile(r"单位[：:]\s*([^（）()\s，,；;、]{1,6})")


def _named_programme(ctx: Context, a: int, b: int) -> str:
    named = [i for i in in_range(ctx.initiatives, ctx.init_starts, a, b) if i.end <= b and i.rank >= 1]
    return named[0].name if named else ""


def _table_facts(ctx: Context, t: Table, published: str) -> list[Fact]:
    """One fact per number cell: unit, subject and indicator from its column, region from its row."""
    text = ctx.article.text
    if not t.rows:
        return []
    width = max(len(r) for r in t.header + t.rows)
    label_col = label_column(t)
    heads = {col: column_name(t, col) for col in range(width)}
    anchor = t.caption.start if t.caption is not None else t.start
    context_region, _scope = region_for(ctx, _pseudo(anchor))
    if t.caption is not None:
        caption_programme = _named_programme(ctx, t.caption.start, t.caption.end)
    else:
        caption_programme = ""
    table_programme, table_basis = (caption_programme, "table") if caption_programme else programme_for(ctx, _pseudo(anchor))
    header_quote = text[t.header_line[0]:t.header_line[1]] if t.header_line else ""
    # a caption that gives the unit of every cell (…收入情况（单位：万元）)
    caption_unit = _CAPTION_UNIT.search(t.caption.text) if t.caption is not None else None
    # a table whose columns are places (指标 | 东河区 | 昆都仑区): the region comes from the column
    col_regions = {col: r for col in range(width) if col != label_col and t.header
                   for r in [_cell_region(ctx, t.header[-1][col]) if col < len(t.header[-1]) else None] if r}
    transposed = len(col_regions) >= 2
    row_regions: list[Region | None] = []
    for row in t.rows:
        label = row[label_col] if label_col < len(row) else None
        region = None
        if label is not None and not transposed and not _TOTAL_ROW.match(label.text.replace(" ", "")):
            region = _cell_region(ctx, label)
        row_regions.append(region)
    common = common_region([r for r in row_regions if r is not None]) if not transposed else None
    facts: list[Fact] = []
    for row, region in zip(t.rows, row_regions):
        label = row[label_col] if label_col < len(row) else None
        label_text = label.text if label is not None else ""
        if region is None:
            if label is not None and _TOTAL_ROW.match(label_text.replace(" ", "")):
                anaphor = _cell_region(ctx, label) if ANAPHOR.search(label_text) else None
                region = anaphor or common or context_region
            else:
                region = context_region
        row_a, row_b = _line(text, row[0].start)
        quote = (header_quote + "\n" + text[row_a:row_b]).strip()
        label_spec = column_spec(label_text) if label_text else None
        for col, cell in enumerate(row):
            if col == label_col or not cell.text or not is_number_cell(cell.text):
                continue
            head = heads.get(col, "")
            spec = column_spec(head)
            if (not spec.unit or _YEAR_HEAD.match(head)) and label_spec is not None and label_spec.unit:
                spec = label_spec  # 指标 | 2023年 | 2024年 / 党员中心户（户） | 100 | 120
            if not spec.unit and caption_unit is not None:
                spec = ColumnSpec(spec.name, caption_unit.group(1), spec.per)
            m = _cell_mention(cell, spec.unit, spec.per)
            if m is None:
                continue
            cell_region = col_regions.get(col, region) if transposed else region
            # a header is already a noun phrase (联系牧户（户）): it is what the column counts, as written
            if label_spec is not None and spec is not label_spec and (_GENERIC_HEAD.match(spec.name) or not spec.name) \
                    and _cell_region(ctx, label) is None:
                subject = label_spec.name
            else:
                subject = spec.name
            header_cell = t.header[-1][col] if t.header and col < len(t.header[-1]) else None
            programme = ""
            for row_ in t.header:  # a programme the column counts (党员中心户（户）)
                if col < len(row_):
                    programme = programme or _named_programme(ctx, row_[col].start, row_[col].end)
            if not programme and label is not None:
                programme = _named_programme(ctx, label.start, label.end)
            basis = "counted"
            if not programme:
                if level_of(cell_region or Region()) in ("region", "outside"):
                    # a partner's or the region's cell takes only what its own row, header or caption names (the
                    # caption is the table's sentence), as a region-wide figure in running text takes only its
                    # sentence's
                    programme, basis = caption_programme, "table"
                else:
                    programme, basis = table_programme, table_basis
            del header_cell
            facts.append(_fact(ctx, m, cell_region or Region(), "table", subject, indicator_for(subject, m, ""),
                               programme, basis, quote, published, confidence=0.85))
    return facts
