"""An article → its context: sentences, resolved places, programme mentions, defaults (pure).

Built once per article and shared by every number in it (regions, programmes, subjects).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from .gazetteer import Gazetteer, load_gazetteer
from .initiatives import InitiativeMention, find_initiatives
from .layout import sentences
from .programmes import default_initiative
from .regions import Loc, find_locs
from .schema import Article, Region
from .textspans import section_headings


@dataclass
class Context:
    article: Article
    body_start: int
    locs: list[Loc] = field(default_factory=list)
    initiatives: list[InitiativeMention] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    default_region: Region | None = None
    default_initiative: str = ""
    loc_starts: list[int] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    init_starts: list[int] = field(default_factory=list)
    place_spans: list[tuple[int, int]] = field(default_factory=list)
    place_starts: list[int] = field(default_factory=list)
    headings: list[tuple[int, int]] | None = None  # section headings of the body (etl.programmes), on demand
    answers: list[tuple[int, int, Region | None]] | None = None  # an interview's answers and their speakers' places
    people: dict[str, Region] | None = None  # people the text introduces by place and title (…苏木党委副书记斯琴巴特尔)

    def heading_before(self, p0: int) -> tuple[int, int] | None:
        """The heading of the section the paragraph starting at p0 lies in (None before the first)."""
        if self.headings is None:
            self.headings = section_headings(self.article.text, self.body_start)
        k = bisect_left([a for a, _b in self.headings], p0) - 1
        return self.headings[k] if k >= 0 else None


_KICKER_LINE = re.compile(r"\W{0,3}【[\u4e00-\u9fff“”]{2,10}】\W{0,3}\n\n")


def body_start(article: Article) -> int:
    k = _KICKER_LINE.match(article.text)  # 🔥【草原红管家】 above the headline (etl.layout keeps it there)
    pos = start = k.end() if k is not None and article.title else 0
    for _ in range(2):
        nl = article.text.find("\n\n", pos)
        if nl < 0:
            break
        line = article.text[pos:nl]
        if line in (article.title,) or (pos == start and len(line) <= 40 and "。" not in line and article.title):
            pos = nl + 2
            if line == article.title:
                return pos
        else:
            break
    return pos if article.title and article.text.startswith(article.title, k.end() if k else 0) else 0


def build_context(article: Article, gaz: Gazetteer | None = None) -> Context:
    """Find and resolve an article's places, anaphora and programmes once."""
    gaz = gaz or load_gazetteer()
    text = article.text
    ctx = Context(article=article, body_start=body_start(article))
    ctx.locs, ctx.place_spans, ctx.default_region = find_locs(gaz, text, ctx.body_start, article.byline)
    ctx.place_starts = [a for a, _b in ctx.place_spans]
    ctx.loc_starts = [l.start for l in ctx.locs]
    ctx.sentences = sentences(text)
    ctx.sentence_starts = [a for a, _b in ctx.sentences]
    ctx.initiatives = find_initiatives(text, article.title, ctx.body_start)
    ctx.init_starts = [i.start for i in ctx.initiatives]
    ctx.default_initiative = default_initiative(ctx)
    return ctx
