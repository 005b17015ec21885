"""Programme mentions in an article → the programme (举措) each number belongs to (pure)."""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .initiatives import InitiativeMention
from .schema import Mention
from .textspans import clause_end, clause_start, in_range, paragraph_start, sentence_of

if TYPE_CHECKING:
    from .context import Context

def default_initiative(ctx: Context) -> str:
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


def _closest(items: list[InitiativeMention], m: Mention) -> InitiativeMention:
    return min(items, key=lambda i: (min(abs(i.end - m.start), abs(i.start - m.end)), i.start))


def initiative_for(ctx: Context, m: Mention, level: str = "") -> str:
    """Choose the programme a number belongs to, from the nearest scope outwards.

    Same clause, else same sentence (the closest name), else earlier in the paragraph (the
    latest), else later in it, else the previous paragraph's last, else the article's programme.
    A region-wide or outside figure takes only a programme named in its own sentence.
    """
    text = ctx.article.text
    s, e = sentence_of(ctx, m.start)
    c0, c1 = clause_start(text, s, m.start), clause_end(text, m.end, e)
    p0 = paragraph_start(text, s)
    prev_start = text.rfind("\n\n", 0, max(p0 - 2, 0))
    prev_start = prev_start + 2 if prev_start >= 0 else 0
    p1 = text.find("\n", e)
    p1 = len(text) if p1 < 0 else p1
    # a paragraph of normal length; bounded so that a 50 MB single-line file stays linear
    inits = in_range(ctx.initiatives, ctx.init_starts, max(prev_start, s - 3000), min(p1, e + 3000))
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
