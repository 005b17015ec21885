"""Positioned text lines of one page → paragraphs and tables in reading order.  pure

Used by the PDF reader (lines built from the text layer's characters) and by OCR (lines from
Tesseract). Reading order comes from the page geometry, not from a left-to-right sweep:

* a recursive XY-cut: a region is first cut at its vertical white gutters (columns, article
  blocks side by side), else at its widest horizontal white band (a headline over columns, the
  space between articles); so a headline spanning three columns is read before them, and each
  column top to bottom before the next;
* a region whose lines form a grid of short cells is a table (rows of cells, left to right);
* lines are joined into paragraphs: a paragraph ends at a first-line indent, a short last line, a
  change of type size or a wider gap; it continues from the foot of a column to the head of the
  next one; a word broken at a line end (manage-/ment) is joined.

Coordinates: x grows to the right, y grows DOWN the page (top-left origin), in any unit.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field


@dataclass
class Line:
    """A run of text on one baseline, inside one column."""

    x0: float
    y0: float  # top
    x1: float
    y1: float  # bottom
    text: str
    size: float  # type size (≈ glyph height)
    conf: float = 1.0  # OCR confidence 0–1
    char_conf: tuple[float, ...] = ()  # OCR: confidence 0–1 of each character of text (its word's), else empty
    base: float = 0.0  # baseline (PDF text layer), 0 when unknown (OCR)


@dataclass
class Block:
    """A paragraph (lines joined) or a table (rows of cells), with the column it starts in."""

    kind: str  # para | table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    # (offset in text, line) for paragraphs: where each line's text starts; for tables, one per row
    pieces: list[tuple[int, Line]] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)  # column number (1-based, 0 = spans columns) per piece
    size: float = 0.0
    caption: str = ""  # a table's caption (表2 …), set by the reader


@dataclass
class _Leaf:
    lines: list[Line]
    col: tuple[float, float, float, float]  # box of the column region the lines belong to
    table: bool = False


def _box(lines: list[Line]) -> tuple[float, float, float, float]:
    return (min(ln.x0 for ln in lines), min(ln.y0 for ln in lines),
            max(ln.x1 for ln in lines), max(ln.y1 for ln in lines))


def _gaps(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """White gaps between the union of intervals: [(gap start, gap end)]."""
    out = []
    intervals = sorted(intervals)
    reach = intervals[0][1]
    for a, b in intervals[1:]:
        if a > reach:
            out.append((reach, a))
        reach = max(reach, b)
    return out


def _split(lines: list[Line], cuts: list[float], axis: str) -> list[list[Line]]:
    groups: list[list[Line]] = [[] for _ in range(len(cuts) + 1)]
    for ln in lines:
        if axis == "x":  # a rule that runs across a gutter belongs where it starts
            mid = ln.x0 + 0.5 * min(ln.x1 - ln.x0, ln.size) if _RULE.match(ln.text) else (ln.x0 + ln.x1) / 2
        else:
            mid = (ln.y0 + ln.y1) / 2
        k = sum(1 for c in cuts if mid > c)
        groups[k].append(ln)
    return [g for g in groups if g]


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Group lines whose vertical extents overlap by half into rows, top to bottom, each left to right."""
    rows: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: (ln.y0, ln.x0)):
        if rows:
            last = rows[-1]
            top, bottom = min(x.y0 for x in last), max(x.y1 for x in last)
            overlap = min(bottom, ln.y1) - max(top, ln.y0)
            if overlap > 0.5 * min(bottom - top, ln.y1 - ln.y0):
                last.append(ln)
                continue
        rows.append([ln])
    return [sorted(r, key=lambda ln: ln.x0) for r in rows]


_CLAUSE = re.compile(r"[，。；！？]")


def _looks_like_table(lines: list[Line]) -> bool:
    """Tell whether lines form a grid of short cells (≥ 2 rows of ≥ 2 cells) rather than text columns."""
    rows = _rows(lines)
    multi = [r for r in rows if len(r) >= 2]
    if len(multi) < 2 or len(multi) < 0.6 * len(rows):
        return False
    lengths = sorted(len(ln.text) for r in multi for ln in r)
    if lengths[len(lengths) // 2] > 10:
        return False
    # Short lines of running text (a WeChat post set in columns) are clauses: many hold a comma or
    # a full stop, which a table's cells (names, numbers, headers) seldom do.
    if sum(1 for ln in lines if _CLAUSE.search(ln.text)) >= 0.4 * len(lines):
        return False
    # Text columns are justified: nearly every line of a column is as wide as the column.
    full = 0
    for group in _split(lines, [(a + b) / 2 for a, b in _gaps([(ln.x0, ln.x1) for ln in lines])], "x"):
        widest = max(ln.x1 - ln.x0 for ln in group)
        full += sum(1 for ln in group if ln.x1 - ln.x0 >= 0.9 * widest)
    return full < 0.7 * len(lines)


# a line drawn with characters (━━━━, ————, ====): a rule, which may run across a gutter
_RULE = re.compile(r"^[━─—－–\-=＝_＿~～·•*＊]{4,}$")


def _gutters(lines: list[Line], em: float) -> list[tuple[float, float]]:
    """Vertical white gaps at least 0.8 em wide through the lines (rules drawn with characters ignored)."""
    text = [ln for ln in lines if not _RULE.match(ln.text)] or lines
    return [g for g in _gaps([(ln.x0, ln.x1) for ln in text]) if g[1] - g[0] >= 0.8 * em]


def _same_layout(above: list[Line], below: list[Line], em: float) -> bool:
    """Tell whether two stacks of lines are one layout: the same type size, and the columns of one
    go on in the other (gutters that line up, or lines that stay inside one column of the other)."""
    size_a, size_b = statistics.median(ln.size for ln in above), statistics.median(ln.size for ln in below)
    if max(size_a, size_b) > 1.2 * min(size_a, size_b):
        return False  # a headline over the text
    if len(above) > 1 and len(below) > 1 and _looks_like_table(above) != _looks_like_table(below):
        return False  # a table across the columns, whose cells may happen to leave the gutters free
    ga, gb = _gutters(above, em), _gutters(below, em)
    if not ga and not gb:
        return True
    if not ga or not gb:
        lone, other = (above, gb) if not ga else (below, ga)
        x0, x1 = min(ln.x0 for ln in lone), max(ln.x1 for ln in lone)
        return all(x1 <= a or x0 >= b for a, b in other)  # inside one column: crosses no gutter

    def overlaps(g: tuple[float, float], gs: list[tuple[float, float]]) -> bool:
        return any(min(g[1], h[1]) > max(g[0], h[0]) for h in gs)

    few, many = (ga, gb) if len(ga) <= len(gb) else (gb, ga)
    return all(overlaps(g, many) for g in few)


def _xycut(lines: list[Line], col: tuple[float, float, float, float], em: float, out: list[_Leaf]) -> None:
    if len(lines) <= 1:
        if lines:
            out.append(_Leaf(lines, col))
        return
    # (a line's box shrunk by a fifth of its height: OCR boxes of neighbouring lines often touch)
    ygaps = _gaps([(ln.y0 + 0.2 * (ln.y1 - ln.y0), ln.y1 - 0.2 * (ln.y1 - ln.y0)) for ln in lines])
    # 1. wide horizontal white bands across the whole region: a headline over columns, the space
    #    between two article blocks (a headline centred over three columns leaves the gutters free)
    bands = [(a + b) / 2 for a, b in ygaps if b - a >= 1.2 * em]
    if bands:
        # …but where the columns go on below the band as above it, the band is only paragraph gaps
        # of every column that happen to line up: no cut there
        groups: list[list[Line]] = []
        for g in _split(lines, bands, "y"):
            if groups and _same_layout(groups[-1], g, em):
                groups[-1] = groups[-1] + g
            else:
                groups.append(g)
        if len(groups) > 1:
            for g in groups:
                _xycut(g, col, em, out)
            return
    # 2. vertical white gutters → columns / blocks side by side (not the gaps inside one line)
    xgaps = _gutters(lines, em) if len(_rows(lines)) > 1 else []
    if xgaps:
        if _looks_like_table(lines):
            out.append(_Leaf(lines, col, table=True))
            return
        groups = _split(lines, [(a + b) / 2 for a, b in xgaps], "x")
        if len(groups) > 1:
            for g in groups:  # (the column's box: a rule that runs on across the gutter left out)
                _xycut(g, _box([ln for ln in g if not _RULE.match(ln.text)] or g), em, out)
            return
    # 3. the widest horizontal white band(s)
    if not ygaps:  # lines on one row that no gutter separates: left to right
        out.append(_Leaf(sorted(lines, key=lambda ln: (ln.x0, ln.y0)), col))
        return
    widest = max(b - a for a, b in ygaps)
    cuts = [(a + b) / 2 for a, b in ygaps if b - a >= 0.95 * widest]
    for g in _split(lines, cuts, "y"):
        _xycut(g, col, em, out)


_ASCII_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_START = re.compile(r"^[A-Za-z0-9]")
_HYPHENATED = re.compile(r"[A-Za-z]-$")


def join_lines(prev: str, nxt: str) -> str:
    """Join two lines of one paragraph: no space between hanzi, a space between words, manage-|ment joined.

    >>> join_lines("党员中心", "户64户"), join_lines("the new", "plan"), join_lines("manage-", "ment")
    ('党员中心户64户', 'the new plan', 'management')
    """
    if _HYPHENATED.search(prev) and nxt[:1].islower():
        return prev[:-1] + nxt
    if _ASCII_END.search(prev) and _ASCII_START.search(nxt):
        return prev + " " + nxt
    return prev + nxt


def reading_order(lines: list[Line], page_box: tuple[float, float, float, float] | None = None) -> list[Block]:
    """Return the paragraphs and tables of one page in reading order.

    page_box is the page's (x0, y0, x1, y1); it decides which regions count as columns (a region
    narrower than 70 % of the text width is a column, numbered from the left).
    """
    lines = [ln for ln in lines if ln.text.strip()]
    if not lines:
        return []
    em = statistics.median(ln.size for ln in lines) or 10.0
    leaves: list[_Leaf] = []
    _xycut(lines, _box(lines), em, leaves)
    text_box = _box(lines)
    width = max(text_box[2] - text_box[0], 1e-6)
    # Columns: the distinct left edges of narrow column regions, numbered from the left.
    lefts = sorted({round(lf.col[0] / em) for lf in leaves if lf.col[2] - lf.col[0] < 0.7 * width})
    merged: list[int] = []
    for x in lefts:
        if not merged or x - merged[-1] > 2:
            merged.append(x)

    def column_of(col: tuple[float, float, float, float]) -> int:
        if col[2] - col[0] >= 0.7 * width or not merged:
            return 0
        x = round(col[0] / em)
        return 1 + min(range(len(merged)), key=lambda i: abs(merged[i] - x))

    for leaf in leaves:
        if not leaf.table:
            leaf.lines = _merge_row_pieces(leaf.lines, em)
    gaps = [b.y0 - a.y1 for lf in leaves for a, b in zip(lf.lines, lf.lines[1:]) if b.y0 > a.y1]
    leading = statistics.median(gaps) if gaps else 0.3 * em
    # the usual distance between the baselines of two body lines of a column (when baselines are known)
    seq = [(ln, lf.col) for lf in leaves if not lf.table for ln in lf.lines]
    pitches = [b.base - a.base for (a, ca), (b, cb) in zip(seq, seq[1:])
               if ca == cb and a.base and b.base and abs(a.size - em) < 0.1 * em and abs(b.size - em) < 0.1 * em
               and 0.8 * em < b.base - a.base < 3 * em]
    pitch = statistics.median(pitches) if pitches else 0.0
    blocks: list[Block] = []
    current: Block | None = None
    prev: tuple[Line, tuple[float, float, float, float]] | None = None
    for leaf in leaves:
        if leaf.table:
            rows = _table_rows(leaf.lines, em)
            tb = Block("table", rows=[[c.text for c in r] for r in rows], size=em)
            tb.pieces = [(i, r[0]) for i, r in enumerate(rows)]
            tb.columns = [column_of(leaf.col)] * len(rows)
            blocks.append(tb)
            current, prev = None, None
            continue
        col = leaf.col
        for ln in leaf.lines:
            if current is not None and prev is not None and _continues(prev, ln, col, em, leading, pitch):
                offset = len(current.text)
                joined = join_lines(current.text, ln.text.strip())
                offset += len(joined) - len(current.text) - len(ln.text.strip())
                current.text = joined
                current.pieces.append((offset, ln))
                current.columns.append(column_of(col))
            else:
                current = Block("para", text=ln.text.strip(), size=ln.size)
                current.pieces = [(0, ln)]
                current.columns = [column_of(col)]
                blocks.append(current)
            prev = (ln, col)
    return blocks


def _merge_row_pieces(lines: list[Line], em: float) -> list[Line]:
    """Join the pieces of one line that a gap split (a glyph without text, an aligned column).

    The XY-cut found no column gutter between them, so they are one line of the column: joined
    left to right with a space, or a tab where the gap is wide (a table row aligned with tabs).
    """
    out: list[Line] = []
    for ln in lines:
        if out:
            a = out[-1]
            overlap = min(a.y1, ln.y1) - max(a.y0, ln.y0)
            if overlap > 0.5 * min(a.y1 - a.y0, ln.y1 - ln.y0) and ln.x0 >= a.x1 - 0.1 * em:
                sep = "\t" if ln.x0 - a.x1 > 1.5 * max(a.size, ln.size) else " "
                conf = a.char_conf + (min(a.conf, ln.conf),) * len(sep) + ln.char_conf \
                    if a.char_conf and ln.char_conf else ()
                out[-1] = Line(a.x0, min(a.y0, ln.y0), ln.x1, max(a.y1, ln.y1), a.text + sep + ln.text,
                               max(a.size, ln.size), min(a.conf, ln.conf), conf, a.base)
                continue
        out.append(ln)
    return out


# the head of a list item; not 1.2万 (a number wrapped to the line start)
_ITEM = re.compile(r"^(?:附?表\s*\d{1,3}|\d{1,2}[.、．](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]是)")
# the head of a "name：value" row (翁牛特旗：新建17个)
_NAMED = re.compile(r"^[\u4e00-\u9fff“”]{2,14}[：:]\S")
_OPEN_END = ("，", "、", "；", "：", "（", "《", "“", "(")
_CLOSED_END = ("。", "！", "？", "；")


def _starts_item(text: str, prev: str) -> bool:
    """Tell whether a line under a full line prev starts a list item or a row of its own.

    A numbered item (（2）…, 3.…, 一是…) does unless prev stops mid-clause; a name：value row
    (翁牛特旗：新建17个) only after a finished sentence: a line of running text often starts with a
    few characters and a colon (保留节目：每到…, 业”：说白了…).
    """
    if prev.endswith(_OPEN_END):
        return False
    if _ITEM.match(text):
        return True
    return bool(_NAMED.match(text)) and prev.rstrip("”’）)」』").endswith(_CLOSED_END)


def _continues(prev: tuple[Line, tuple[float, float, float, float]], ln: Line,
               col: tuple[float, float, float, float], em: float, leading: float, pitch: float = 0.0) -> bool:
    """Tell whether ln continues the paragraph whose last line is prev."""
    p, pcol = prev
    if abs(ln.size - p.size) > 0.2 * max(ln.size, p.size):
        return False  # a headline over body text, or a caption under it
    size = max(ln.size, p.size)
    # a headline (type larger than the body's) wraps ragged or centred: its lines go on until the
    # type size changes or a wider gap comes
    heading = min(ln.size, p.size) > 1.15 * em and not p.text.endswith(_CLOSED_END)
    if not heading:
        if ln.x0 - col[0] > 1.2 * size:
            return False  # first-line indent
        if p.x1 < pcol[2] - 1.5 * size:
            return False  # the previous line stopped short: the end of a paragraph
        if _starts_item(ln.text, p.text):
            return False  # a list item or row of its own (翁牛特旗：新建17个 / （2）… / 3.…) under a full line
    if pcol == col:
        gap = ln.y0 - p.y1
        if pitch and p.base and ln.base:
            # baselines known: a line further down than the usual line pitch (scaled to the type size)
            # starts a new paragraph (paragraph spacing, the space before a headline)
            return 0.5 * size < ln.base - p.base <= pitch * size / em + 0.15 * size
        return -0.5 * size <= gap <= max(leading * 1.8, leading + 0.4 * size)
    return ln.y0 < p.y0 or ln.x0 > p.x1  # on to the head of the next column


def _table_rows(lines: list[Line], em: float) -> list[list[Line]]:
    """Rows of a table region, each cell placed under its column (empty strings where a cell is missing)."""
    rows = _rows(lines)
    widest = max(rows, key=len)
    centres = [(c.x0 + c.x1) / 2 for c in widest]
    out = []
    for r in rows:
        cells = [Line(0, 0, 0, 0, "", em) for _ in centres]
        for c in r:
            k = min(range(len(centres)), key=lambda i: abs(centres[i] - (c.x0 + c.x1) / 2))
            cells[k] = Line(c.x0, c.y0, c.x1, c.y1, (cells[k].text + " " + c.text).strip(), c.size, c.conf) \
                if cells[k].text else c
        first = next(c for c in cells if c.text)
        cells = [c if c.text else Line(first.x0, first.y0, first.x0, first.y1, "", c.size) for c in cells]
        out.append(cells)
    return out
