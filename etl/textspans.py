"""Positions in an article's text: clauses, sentences, paragraphs, and sorted-span lookups (pure)."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from .layout import MAX_SENTENCE

if TYPE_CHECKING:
    from .context import Context

CLAUSE_SEP = re.compile(r"[，,、；;：:（）()]|其中")


def in_range_pairs(items: list[tuple[int, int]], starts: list[int], a: int, b: int) -> list[tuple[int, int]]:
    """(start, end) pairs, sorted, whose start lies in [a, b)."""
    return items[bisect_left(starts, a):bisect_left(starts, b)]


def in_range(items: list, starts: list[int], a: int, b: int) -> list:
    """Items (sorted by .start, with their starts) whose start lies in [a, b)."""
    return items[bisect_left(starts, a):bisect_left(starts, b)]


def covering(items: list, starts: list[int], pos: int) -> bool:
    """Tell whether any item (sorted, non-overlapping) covers position pos."""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and items[i].start <= pos < items[i].end


def sentence_of(ctx: Context, pos: int) -> tuple[int, int]:
    i = bisect_right(ctx.sentence_starts, pos) - 1
    if i >= 0:
        s, e = ctx.sentences[i]
        if s <= pos < e:
            return s, e
    return pos, pos


def paragraph_start(text: str, pos: int) -> int:
    nl = text.rfind("\n", 0, pos)
    return nl + 1


def clause_start(text: str, sent_start: int, pos: int) -> int:
    last = sent_start
    for m in CLAUSE_SEP.finditer(text, sent_start, pos):
        last = m.end()
    return last


def clause_end(text: str, pos: int, sent_end: int) -> int:
    m = CLAUSE_SEP.search(text, pos, sent_end)
    return m.start() if m else sent_end


def sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding pos starts (looking back at most one capped sentence, so that a
    huge one-line file stays linear)."""
    lo = max(0, pos - MAX_SENTENCE)
    return max(lo, max(text.rfind(c, lo, pos) for c in "。！？\n") + 1)


# A heading inside an article: 一、…  （二）…  【…】  第三…, a line led by a sign (arrows, geometric shapes,
# dingbats: ▶ ▲ ■ ● ◆ ★ ☞ ✦ …), or a short line without a full stop.
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|[\u2190-\u21ff\u25a0-\u25ff\u2600-\u27bf【]|第[一二三四五六七八九十]+[，、：:是部分])")


# 赛罕区：“红色议事厅”开到楼门口 — a short line, a place or topic, a colon, its headline (not 记者：…？)
_PLACE_COLON_HEAD = re.compile(r"^[\u4e00-\u9fff]{2,8}[：:](?=[^。！？；，：:]{4,24}$)(?!.*[？?]$)")


# 03 网格：小事不出格, 驿站篇：…: a short topic, a colon and a short headline (not 电话：0471-…, not 如下：)
_TOPIC_COLON_HEAD = re.compile(r"[^。！？；，：:\n]{1,10}[：:][^。！？；，：:\n0-9０-９]{2,14}")


# ▪️ 党组织领办合作社达到684家，带动…；: a symbol-led line that reads as a sentence is a list item, not a heading
_BULLET_ITEM = re.compile(r"^[\u2190-\u21ff\u25a0-\u25ff\u2600-\u27bf]")


def section_headings(text: str, body_start: int) -> list[tuple[int, int]]:
    """(start, end) of the heading paragraphs of an article's body, in order."""
    out = []
    pos = body_start
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        line = text[pos:end]
        if line and "\t" not in line and "|" not in line and (
                (_NUMBERED.match(line) and len(line) <= 50 and line.count("。") <= 1
                 and not (_BULLET_ITEM.match(line) and (line.endswith(("；", "。", ";")) or "，" in line)))
                or (len(line) <= 30 and not any(c in line for c in "。！？；，：:"))
                or _PLACE_COLON_HEAD.match(line)
                or _TOPIC_COLON_HEAD.fullmatch(line)):
            out.append((pos, end))
        pos = end + 1
    return out
