"""Text → tables: rows of cells with their positions, and what each column counts (pure).

One reader for every table the ETL meets. Every format renders its tables into the document text
the same way before extraction: one line per row, cells separated by ``|`` (HTML ``<table>``,
Word and spreadsheet tables are written ``正蓝旗 | 64 | 1210`` by etl.sources) or by tabs (text
tables whose columns a writer aligned with tabs or spaces are normalised to tabs by
etl.layout.normalise). A table is two or more such lines (blank lines between rows allowed),
its header rows are the leading rows without numbers, its caption the short line before it.

The units of a column come from its header (``党员中心户（户）``, ``资金(万元)``, ``占比（%）``,
``人均收入（元/人）``) and are read with the quantity parser, so ``3.5`` under ``万元`` is 35000 元.

>>> t = find_tables("旗县区 | 党员中心户（户）\\n正蓝旗 | 64")[0]
>>> [c.text for c in t.header[0]], [c.text for c in t.rows[0]]
(['旗县区', '党员中心户（户）'], ['正蓝旗', '64'])
>>> column_spec("党员中心户（户）")
ColumnSpec(name='党员中心户', unit='户', per='')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_SEP = re.compile(r"[ \u3000]*[|｜\t][ \u3000]*")
_RULE = re.compile(r"^[\s|｜:：\-—－=+]+$")  # a markdown or box-drawing separator line: |---|---|
_NUMBER_CELL = re.compile(r"^[约近超逾不足到]{0,2}[-−]?[0-9０-９][0-9０-９,，.．]*(?:[万亿]|%|％)?[余多]?[\u4e00-\u9fff%％/]{0,4}$")
_UNIT_IN = re.compile(r"^(.*?)[（(]\s*([^（）()]{1,8}?)\s*[)）]\s*$|^(.*?)[/／]\s*([^/／]{1,4})$")
_COUNT_WORD = re.compile(r"(人数|户数|个数|次数|件数|场次|人次|条数|家数|支数|处数|项数|名数)$")
_COUNT_UNIT = {"人数": "名", "户数": "户", "个数": "个", "次数": "次", "件数": "件", "场次": "场次", "人次": "人次",
               "条数": "条", "家数": "家", "支数": "支", "处数": "处", "项数": "项", "名数": "名"}
_INDEX_HEAD = re.compile(r"^(序号|编号|排名|排序|No\.?)$", re.I)


@dataclass(frozen=True)
class Cell:
    """One cell: its text (stripped) and where it lies in the text."""

    start: int
    end: int
    text: str


@dataclass
class Table:
    """A table found in a text: header rows, body rows, its caption, and the lines it spans."""

    start: int
    end: int
    header: list[list[Cell]] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    caption: Cell | None = None
    header_line: tuple[int, int] | None = None  # span of the last header row's line


@dataclass(frozen=True)
class ColumnSpec:
    """What a column counts: its name and unit, read from its header."""

    name: str
    unit: str
    per: str = ""


def split_row(text: str, start: int, end: int) -> list[Cell] | None:
    """Cut one line into cells, or None when it is not a table row (fewer than two cells)."""
    line = text[start:end]
    if _RULE.match(line) and len(line.strip()) >= 3:
        return []  # |---|---| or ──── between a header and its rows
    if "|" not in line and "｜" not in line and "\t" not in line:
        return None
    cells: list[Cell] = []
    pos = start
    for m in _SEP.finditer(text, start, end):
        cells.append(_cell(text, pos, m.start()))
        pos = m.end()
    cells.append(_cell(text, pos, end))
    # a leading or trailing pipe (| 正蓝旗 | 64 |) opens no cell
    if cells and not cells[0].text and line.lstrip().startswith(("|", "｜")):
        cells = cells[1:]
    if cells and not cells[-1].text and line.rstrip().endswith(("|", "｜")):
        cells = cells[:-1]
    return cells if sum(1 for c in cells if c.text) >= 2 else None


def _cell(text: str, a: int, b: int) -> Cell:
    while a < b and text[a] in " \u3000":
        a += 1
    while b > a and text[b - 1] in " \u3000":
        b -= 1
    return Cell(a, b, text[a:b])


def is_number_cell(text: str) -> bool:
    return bool(_NUMBER_CELL.match(text.replace(" ", "")))


def find_tables(text: str) -> list[Table]:
    """Return the tables of a text, in order."""
    if "|" not in text and "｜" not in text and "\t" not in text:
        return []
    lines: list[tuple[int, int]] = []
    pos = 0
    while pos <= len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        lines.append((pos, end))
        if nl < 0:
            break
        pos = nl + 1
    tables: list[Table] = []
    run: list[list[Cell]] = []
    run_lines: list[tuple[int, int]] = []
    blank = 0

    def close() -> None:
        body = [r for r in run if r]
        if len(body) >= 2:
            tables.append(_make_table(text, body, [ln for ln, r in zip(run_lines, run) if r], lines))

    for a, b in lines:
        if a == b or not text[a:b].strip():
            blank += 1
            if blank > 1 and run:
                close()
                run, run_lines = [], []
            continue
        cells = split_row(text, a, b)
        if cells is None:
            if run:
                close()
            run, run_lines, blank = [], [], 0
            continue
        run.append(cells)
        run_lines.append((a, b))
        blank = 0
    if run:
        close()
    return tables


def _make_table(text: str, rows: list[list[Cell]], row_lines: list[tuple[int, int]],
                lines: list[tuple[int, int]]) -> Table:
    n_header = 0
    for cells in rows[:3]:
        if any(is_number_cell(c.text) for c in cells[1:]):
            break
        n_header += 1
    if n_header == len(rows):
        n_header = 1
    t = Table(start=row_lines[0][0], end=row_lines[-1][1], header=rows[:n_header], rows=rows[n_header:])
    if n_header:
        t.header_line = row_lines[n_header - 1]
    # the caption: the nearest non-empty line before the table, when short and not a sentence
    k = next(i for i, ln in enumerate(lines) if ln[0] == t.start)
    for a, b in reversed(lines[max(0, k - 3):k]):
        line = text[a:b].strip()
        if not line:
            continue
        if len(line) <= 60 and not line.endswith(("。", "！", "？", "；")):
            t.caption = _cell(text, a, b)
        break
    return t


def column_name(table: Table, col: int) -> str:
    """The header text of a column; several header rows are joined (党员中心户 + 数量（户）)."""
    parts: list[str] = []
    for row in table.header:
        if col < len(row) and row[col].text and row[col].text not in parts:
            parts.append(row[col].text)
    return "".join(parts)


def column_spec(header: str) -> ColumnSpec:
    """Read a column header: its name and its unit (党员中心户（户） → 党员中心户, 户; 人数 → 人数, 名)."""
    header = header.strip()
    m = _UNIT_IN.match(header)
    if m:
        name = (m.group(1) if m.group(1) is not None else m.group(3)).strip()
        unit = (m.group(2) if m.group(2) is not None else m.group(4)).strip()
        per = ""
        if "/" in unit or "／" in unit:
            unit, per = re.split(r"[/／]", unit, maxsplit=1)
        if unit in ("％",):
            unit = "%"
        return ColumnSpec(name or header, unit, per)
    c = _COUNT_WORD.search(header)
    if c:
        return ColumnSpec(header, _COUNT_UNIT[c.group(1)])
    if header.endswith(("占比", "比例", "比重", "率")):
        return ColumnSpec(header, "%")
    return ColumnSpec(header, "")


def label_column(table: Table) -> int:
    """The column that names each row: the first whose body cells are mostly not numbers (not 序号)."""
    width = max(len(r) for r in table.rows) if table.rows else 0
    for col in range(width):
        head = column_name(table, col)
        if _INDEX_HEAD.match(head):
            continue
        cells = [r[col].text for r in table.rows if col < len(r) and r[col].text]
        if cells and sum(not is_number_cell(c) for c in cells) * 2 > len(cells):
            return col
    return 0
