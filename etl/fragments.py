"""An article whose head was lost by the layout → the article above and a fragment (pure)."""
from __future__ import annotations

from dataclasses import replace

from .context import Context, build_context
from .gazetteer import Gazetteer
from .regions import anaphora_in
from .schema import Article


def split_fragments(article: Article, gaz: Gazetteer | None = None) -> list[tuple[Article, Context | None]]:
    """Cut an article where a paragraph refers forward to a place the article never named before.

    Layout sometimes loses an article's headline, so its body runs on after the previous
    article ("截至目前，街道党工委收集民情民意200多条…" after an article about 武川县, with
    民警路街道 named only later). Such a paragraph starts an article of kind ``fragment`` with no
    title, so that it inherits nothing from the article above it.
    """
    if article.kind != "article" or next(anaphora_in(article.text), None) is None:
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
        if all(len(line) <= 12 for line in text[ctx.body_start:p0].split("\n")):
            continue  # only a label above it (📢编者按, 【导语】): this is the body's first paragraph
        if loc.region.banner and loc.region.banner in article.byline:
            continue  # 全旗 in a report its banner's office issued (中共鄂托克前旗委员会组织部): not a lost head
        if _named_before(ctx, loc, p0):
            continue  # 街道党工委… in a post that named 哈达街道 stanzas before: the place it already named
        cuts.append(p0)
    if not cuts:
        return [(article, ctx)]
    bounds = [0, *cuts, len(text)]
    out: list[tuple[Article, Context | None]] = []
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        piece = text[a:b].rstrip("\n")
        if k == 0:
            out.append((replace(article, text=piece), None))
        else:
            out.append((replace(article, text=piece, title="", kind="fragment", byline=""), None))
    return out


def _named_before(ctx: Context, loc, p0: int) -> bool:
    """Whether the place a forward reference resolves to was written out before its paragraph."""
    r = loc.region
    code = r.township_code if r.township_code else r.banner_code
    if not code:
        return False
    return any(l.end <= p0 and not l.how.startswith("anaphor")
               and (l.region.township_code if r.township_code else l.region.banner_code) == code
               for l in ctx.locs)
