"""Statistical tables (.xlsx, .csv) → tables in the text, one provenance span per cell (Sheet1!C7).  I/O

Each visible sheet is cut into tables at fully empty rows; a first row holding one value (often
merged across the table) is the table's caption (表题); merged cells repeat their value in every
cell they cover; a one-cell row after a table (注：…, 数据来源：…) stays a paragraph. Numbers are
written as the sheet shows them in substance: 1210 not 1210.0, percentages as 12.5%, dates as
YYYY-MM-DD. The table reader makes the facts; every cell's text carries its address.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import zipfile

from ..errors import UnreadableFile
from .base import ADVICE_OPEN_RESAVE, Parsed, TextBuilder, register
from .text import decode_text, normalise_text

MAX_CELLS = 2_000_000  # cells read per file; more is reported, not silently dropped


def cell_text(value: object, number_format: str = "General") -> str:
    """A cell's value as text: integers without .0, percentages as %, dates as YYYY-MM-DD.

    >>> cell_text(1210.0), cell_text(0.125, "0.0%"), cell_text(_dt.datetime(2024, 1, 9)), cell_text(None)
    ('1210', '12.5%', '2024-01-09', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.10g}" if isinstance(value, float) else str(value)
    return normalise_text(str(value)).strip()


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def add_grid(builder: TextBuilder, grid: list[list[str]], sheet: str, first_row: int = 1) -> None:
    """Append a sheet's grid (rows of cell texts, row 1 = first_row) as tables and note paragraphs."""
    width = max((len(r) for r in grid), default=0)
    used_cols = [c for c in range(width) if any(c < len(r) and r[c] for r in grid)]
    if not used_cols:
        return
    lo, hi = used_cols[0], used_cols[-1]
    prefix = f"{sheet}!" if sheet else ""
    block: list[int] = []

    def flush() -> None:
        if not block:
            return
        rows = [[(grid[i][c] if c < len(grid[i]) else "") for c in range(lo, hi + 1)] for i in block]
        labels = [[f"{prefix}{column_letter(c + 1)}{i + first_row}" for c in range(lo, hi + 1)] for i in block]
        caption, caption_label = "", ""
        if len(rows) > 2 and len({v for v in rows[0] if v}) == 1:
            caption = next(v for v in rows[0] if v)
            caption_label = f"{prefix}{column_letter(lo + 1)}{block[0] + first_row}"
            rows, labels = rows[1:], labels[1:]
        notes = []
        while len(rows) > 2 and len({v for v in rows[-1] if v}) == 1 and sum(1 for v in rows[-1] if v) == 1:
            notes.insert(0, (next(v for v in rows[-1] if v), next(lab for v, lab in zip(rows[-1], labels[-1]) if v)))
            rows, labels = rows[:-1], labels[:-1]
        if len(rows) == 1 and sum(1 for v in rows[0] if v) == 1:  # a lone line of text
            value, label = next((v, lab) for v, lab in zip(rows[0], labels[0]) if v)
            builder.paragraph(value, label)
        else:
            builder.table(rows, caption, cell_labels=labels, caption_label=caption_label)
        for text, label in notes:
            builder.paragraph(text, label)
        block.clear()

    for i, row in enumerate(grid):
        if any(row[c] for c in range(lo, min(hi + 1, len(row)))):
            block.append(i)
        else:
            flush()
    flush()


def parse_xlsx(raw: bytes, name: str) -> Parsed:
    """Read every visible sheet of an .xlsx workbook."""
    import openpyxl  # noqa: PLC0415
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), data_only=True, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise UnreadableFile(name, f"Excel 表格已损坏，无法打开（{type(exc).__name__}）", ADVICE_OPEN_RESAVE) from None
    builder = TextBuilder()
    notes: list[tuple[str, str]] = []
    cells = 0
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            notes.append((f"工作表“{ws.title}”是隐藏的，没有读取", "如需读取，请在 Excel/WPS 中取消隐藏后重新运行。"))
            continue
        max_row, max_col = ws.max_row or 0, ws.max_column or 0
        if cells + max_row * max_col > MAX_CELLS:
            notes.append((f"工作表“{ws.title}”太大（{max_row} 行 × {max_col} 列），没有读取",
                          "请把统计表拆分成较小的工作表或文件后重新运行。"))
            continue
        cells += max_row * max_col
        grid = [[cell_text(c.value, c.number_format) for c in row]
                for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col)]
        for rng in ws.merged_cells.ranges:
            value = grid[rng.min_row - 1][rng.min_col - 1]
            for r in range(rng.min_row - 1, rng.max_row):
                for c in range(rng.min_col - 1, rng.max_col):
                    grid[r][c] = value
        add_grid(builder, grid, ws.title)
    wb.close()
    return builder.parsed("xlsx", notes=notes)


def parse_csv(raw: bytes, name: str) -> Parsed:
    """Read a .csv table (UTF-8 or GB18030, comma, tab or semicolon separated); cells are named like C7."""
    text, encoding = decode_text(raw, name)
    text = normalise_text(text).lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first.count)
    grid = [[normalise_text(c).strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    builder = TextBuilder()
    add_grid(builder, grid, "")
    return builder.parsed("csv", encoding=encoding)


register("xlsx", (".xlsx", ".xlsm"), parse_xlsx)
register("csv", (".csv",), parse_csv)
