"""Quantity mentions + article context → Facts with region, initiative, subject and indicator (pure).

The region of each number comes from etl.regions, its programme from etl.programmes, what it
counts from etl.subjects; the article's context (etl.context) is built once and shared.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_right

from .context import Context, build_context
from .gazetteer import Gazetteer
from .programmes import initiative_for
from .regions import level_of, region_for, respectively
from .schema import Article, Document, Fact, Mention, Region
from .subjects import indicator_for, subject_for
from .textspans import clause_start, sentence_of


def _inside_place(ctx: Context, m: Mention) -> bool:
    """Tell whether a number is part of a place name (十家满族乡, 八一乡): not a fact."""
    i = bisect_right(ctx.place_starts, m.start) - 1
    for a, b in ctx.place_spans[max(0, i):i + 2]:
        if a < m.end and m.start < b:
            return True
    return False


def _dedupe_headline(ctx: Context, mentions: list[Mention]) -> list[Mention]:
    """Drop headline numbers that the body repeats (one fact, not two)."""
    body = [m for m in mentions if m.start >= ctx.body_start]
    keys = {(m.value, m.unit, m.per) for m in body}
    return [m for m in mentions if m.start >= ctx.body_start or (m.value, m.unit, m.per) not in keys]


_LIST_HEAD = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:建设|新建|改扩建|分布|完成|开展)?(?:情况|数量|数)?(?:如下|分别为|分别是)[：:]$")


def _subjects(ctx: Context, mentions: list[Mention]) -> list[str]:
    """What each number counts; parts of a list share the subject of their total or list head.

    "全市建成党群服务站400个，其中科左中旗60个、奈曼旗52个": the parts count 党群服务站 too;
    "…新建党群服务中心情况如下：\n东河区 14个": each line counts 党群服务中心.
    """
    text = ctx.article.text
    spans = [sentence_of(ctx, m.start) for m in mentions]
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
              gaz: Gazetteer | None = None, ctx: Context | None = None) -> list[Fact]:
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
    respective = respectively(ctx, kept)
    for i, (m, subject) in enumerate(zip(kept, subjects)):
        region, scope = (respective[i], "clause") if i in respective else region_for(ctx, m)
        region = region or Region()
        level = level_of(region)
        s, e = sentence_of(ctx, m.start)
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
            indicator=indicator_for(subject, m, ctx.article.text[clause_start(ctx.article.text, s, m.start):m.start]),
            category=category,
            value=m.value, value_low=m.value_low, value_high=m.value_high,
            qualifier=m.qualifier, unit=m.unit, per=m.per,
            quote=quote,
            span_start=m.start, span_end=m.end,
            confidence=round(confidence, 2),
        ))
    return facts
