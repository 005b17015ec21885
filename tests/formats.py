"""Build Word, PDF, page-picture and spreadsheet copies of the project's own reports, and score them.

No binary fixture is committed: every .docx/.pdf/.png/.xlsx the tests read is made here from the
text of a report in the repository (tests/fixtures/genre, data/raw):

* ``write_docx``: python-docx, one Word paragraph per paragraph of the text (line breaks kept),
  headline-like paragraphs in a heading style, optional tables;
* ``Printer.pdf``: the text laid out as a newspaper page in HTML (CSS ``column-count: 3``, the
  first headline across the columns, a running head and page numbers, Noto CJK fonts) and
  printed by Debian's Chromium (Playwright ``page.pdf()``): a real text layer with an embedded
  CJK font, columns side by side;
* ``Printer.png``: the same page as a picture (Chromium screenshot), for OCR; ``scanned_pdf`` wraps
  pictures into a PDF without a text layer (Pillow);
* ``write_xlsx``: openpyxl, a statistical table with a title row, merged cells and units in the
  headers.

``python -m tests.formats [--ocr] [--formats txt,docx,pdf] [prefix…]`` reads every gold report
in each format with the real ETL and prints F1 and attribution accuracies per format beside the
.txt run. Only totals are printed for held-out reports (they must stay unseen).
"""
from __future__ import annotations

import argparse
import dataclasses
import html
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]

_HEADLINE = re.compile(r"^[^。；]{1,40}$")


def paragraphs(text: str) -> list[list[str]]:
    """The text's paragraphs (split at blank lines), each as its lines."""
    out = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").lstrip("\ufeff")):
        lines = [ln.strip() for ln in chunk.split("\n") if ln.strip()]
        if lines:
            out.append(lines)
    return out


_CELL_SEP = re.compile(r"[ \u3000]*[|｜\t][ \u3000]*")
_RULE = re.compile(r"^[\s|｜:：\-—－=＝─━═_＿+]*$")  # blank, or a border / the rule under a header


def blocks(text: str) -> list[tuple[str, list]]:
    """The text's paragraphs and tables, in order: ("para", lines) or ("table", rows of cells).

    A table is what the ETL itself reads as one from the plain text (``etl.layout.normalise``:
    lines aligned with tabs or runs of spaces, or pipe rows), two rows or more; blank lines and
    borders between its rows belong to it. A newspaper prints such a table as a table, so the
    copies do too; everything else is split into paragraphs at blank lines as ``paragraphs``.
    """
    from etl.layout import is_table_row, normalise  # noqa: PLC0415

    raw = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    norm = normalise("\n".join(raw)).split("\n")
    row = [is_table_row(n) for n in norm]
    out: list[tuple[str, list]] = []
    para: list[str] = []
    i = 0
    while i < len(raw):
        if row[i]:
            rows, j = [], i
            while j < len(raw):
                if row[j]:
                    rows.append([c.strip() for c in _CELL_SEP.split(norm[j].strip())])
                    j += 1
                elif _RULE.match(norm[j]) and j + 1 < len(raw) and row[j + 1]:
                    j += 1  # a blank line or a border between two rows
                else:
                    break
            if len(rows) >= 2:
                if para:
                    out.append(("para", para))
                    para = []
                out.append(("table", rows))
                i = j
                continue
        line = raw[i].strip()
        if line:
            para.append(line)
        elif para:
            out.append(("para", para))
            para = []
        i += 1
    if para:
        out.append(("para", para))
    return out


def is_headline(lines: list[str]) -> bool:
    """A one-line paragraph without a full stop, not ending like a clause: set as a heading."""
    return len(lines) == 1 and bool(_HEADLINE.match(lines[0])) and not lines[0].endswith(("，", "：", "、"))


def report_text(path: Path) -> str:
    """A report's text as the ETL reads it (decoded; HTML reports give their main text)."""
    from etl.sources import read  # noqa: PLC0415

    return read(path).text


# --------------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------------

def write_docx(text: str, path: Path, tables: list[tuple[str, list[list[str]], int]] | None = None) -> Path:
    """Write text as a .docx: paragraphs (line breaks kept), headings, and tables.

    tables: (caption, rows, after_paragraph_index); each table is inserted after that paragraph,
    with its caption as a paragraph right before it; a cell text of None continues the merge
    of the cell to its left (horizontal merge) — the reader must repeat the text.
    """
    import docx  # noqa: PLC0415

    doc = docx.Document()
    tables = sorted(tables or [], key=lambda t: t[2])
    for i, lines in enumerate(paragraphs(text)):
        if is_headline(lines):
            doc.add_heading(lines[0], level=2)
        else:
            p = doc.add_paragraph()
            for k, line in enumerate(lines):
                run = p.add_run(line)
                if k < len(lines) - 1:
                    run.add_break()
        for caption, rows, after in tables:
            if after == i:
                _add_table(doc, caption, rows)
    for caption, rows, after in tables:
        if after >= len(paragraphs(text)):
            _add_table(doc, caption, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _add_table(doc, caption: str, rows: list[list[str | None]]) -> None:  # noqa: ANN001
    if caption:
        doc.add_paragraph(caption)
    ncols = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=ncols)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c in range(ncols):
            value = row[c] if c < len(row) else ""
            if value is None:  # merge with the cell to the left
                left = c - 1
                while row[left] is None:
                    left -= 1
                table.cell(r, left).merge(table.cell(r, c))
            else:
                table.cell(r, c).text = value


# --------------------------------------------------------------------------------------------
# Spreadsheets
# --------------------------------------------------------------------------------------------

def write_xlsx(path: Path, sheets: dict[str, tuple[str, list[list[object]]]]) -> Path:
    """Write sheets {name: (title, rows)}: the title in A1 merged across the table, rows below it."""
    import openpyxl  # noqa: PLC0415

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (title, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ncols = max(len(r) for r in rows)
        start = 1
        if title:
            ws.cell(1, 1, title)
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
            start = 2
        for r, row in enumerate(rows, start=start):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


# --------------------------------------------------------------------------------------------
# Newspaper pages: PDF and pictures, printed by Chromium
# --------------------------------------------------------------------------------------------

PAGE_CSS = """
@page { size: A4; margin: 18mm 14mm 16mm 14mm; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: %(size)s; line-height: 1.6;
       margin: %(margin)s; color: #111; background: #fff; }
.cols { column-count: %(columns)d; column-gap: 2.2em; column-rule: 1px solid #999; }
h1 { column-span: all; font-family: "Noto Sans CJK SC", sans-serif; font-size: 2em; text-align: center;
     margin: 0.2em 0 0.8em 0; }
h3 { font-family: "Noto Sans CJK SC", sans-serif; font-size: 1.3em; margin: 1em 0 0.5em 0; line-height: 1.3; }
p { text-indent: 2em; margin: 0 0 0.25em 0; text-align: justify; }
p.line { text-indent: 0; }
table { column-span: all; width: 100%%; border-collapse: collapse; font-size: 0.9em; line-height: 1.3; margin: 1em 0 1em 0; }
td { border: 1px solid #666; padding: 0.1em 0.3em; text-align: center; }
.head { font-size: 0.8em; border-bottom: 1px solid #333; margin-bottom: 1em; padding-bottom: 0.2em;
        display: flex; justify-content: space-between; }
"""


def page_html(text: str, columns: int = 3, size: str = "10.5pt", margin: str = "0", masthead: str = "") -> str:
    """The text as a newspaper page: first headline across the columns, the rest in columns."""
    parts = []
    first = True
    for kind, lines in blocks(text):
        if kind == "table":
            body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in lines)
            parts.append(f"<table>{body}</table>")
        elif is_headline(lines):
            tag = "h1" if first else "h3"
            parts.append(f"<{tag}>{html.escape(lines[0])}</{tag}>")
        elif len(lines) > 1:
            parts.extend(f'<p class="line">{html.escape(ln)}</p>' for ln in lines)
        else:
            parts.append(f"<p>{html.escape(lines[0])}</p>")
        first = False
    head = f'<div class="head"><span>{html.escape(masthead)}</span></div>' if masthead else ""
    body = "\n".join(parts)
    if parts and parts[0].startswith("<h1>"):
        h1, body = parts[0], "\n".join(parts[1:])
    else:
        h1 = ""
    css = PAGE_CSS % {"size": size, "margin": margin, "columns": columns}
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head>'
            f'<body>{head}<div class="cols">{h1}{body}</div></body></html>')


HEADER = ('<div style="font-size:8px; width:100%; margin:0 14mm; display:flex; justify-content:space-between; '
          'font-family:Noto Sans CJK SC">'
          '<span>内蒙古日报</span><span>2024年1月15日 星期一</span><span>第<span class="pageNumber"></span>版</span></div>')
FOOTER = ('<div style="font-size:8px; width:100%; text-align:center; font-family:Noto Sans CJK SC">'
          '<span class="pageNumber"></span></div>')


class Printer:
    """One headless Chromium (Debian's) for many pages: ``with Printer() as p: p.pdf(text, path)``."""

    def __enter__(self) -> "Printer":
        from playwright.sync_api import sync_playwright  # noqa: PLC0415

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        return self

    def __exit__(self, *exc: object) -> None:
        self._browser.close()
        self._pw.stop()

    def pdf(self, text: str, path: Path, columns: int = 3) -> Path:
        """Print text as an A4 newspaper page (several pages when long) with a text layer."""
        page = self._browser.new_page()
        try:
            page.set_content(page_html(text, columns), wait_until="load")
            page.evaluate("document.fonts.ready")
            path.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(path), format="A4", print_background=True, display_header_footer=True,
                     header_template=HEADER, footer_template=FOOTER,
                     margin={"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
        finally:
            page.close()
        return path

    def pdf_html(self, html_text: str, path: Path) -> Path:
        """Print a given HTML page as an A4 PDF (no running head)."""
        page = self._browser.new_page()
        try:
            page.set_content(html_text, wait_until="load")
            page.evaluate("document.fonts.ready")
            page.pdf(path=str(path), format="A4")
        finally:
            page.close()
        return path

    def png(self, text: str, path: Path, columns: int = 3, width: int = 1100, scale: float = 2.0) -> Path:
        """Screenshot text laid out as a page (16 px type, device scale 2: about a 300 dpi scan)."""
        context = self._browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=scale)
        page = context.new_page()
        try:
            page.set_content(page_html(text, columns, size="16px", margin="40px",
                                       masthead="内蒙古日报　2024年1月15日　第2版"), wait_until="load")
            page.evaluate("document.fonts.ready")
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True)
        finally:
            context.close()
        return path


def scanned_pdf(pictures: list[Path], path: Path) -> Path:
    """Wrap page pictures into a PDF without a text layer (what a scanner gives)."""
    from PIL import Image  # noqa: PLC0415

    images = [Image.open(p).convert("L") for p in pictures]
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(str(path), "PDF", resolution=200.0, save_all=True, append_images=images[1:])
    return path


# --------------------------------------------------------------------------------------------
# Scoring the same reports in several formats
# --------------------------------------------------------------------------------------------

FORMATS = ("txt", "docx", "pdf", "png")


def build_copies(gold_files: list[dict], out: Path, formats: tuple[str, ...]) -> dict[str, dict[str, Path]]:
    """Write each gold report in each format under out/; return {source_file: {format: path}}."""
    from tests.scoring import report_path  # noqa: PLC0415

    copies: dict[str, dict[str, Path]] = {}
    need_browser = any(f in formats for f in ("pdf", "png"))
    printer = Printer() if need_browser else None
    try:
        if printer:
            printer.__enter__()
        for gold in gold_files:
            name = gold["source_file"]
            src = report_path(name)
            text = report_text(src)
            stem = Path(name).stem
            paths = {"txt": src}
            if "docx" in formats:
                paths["docx"] = write_docx(text, out / "docx" / f"{stem}.docx")
            if "pdf" in formats:
                paths["pdf"] = printer.pdf(text, out / "pdf" / f"{stem}.pdf")
            if "png" in formats:
                paths["png"] = printer.png(text, out / "png" / f"{stem}.png")
            copies[name] = paths
    finally:
        if printer:
            printer.__exit__(None, None, None)
    return copies


def score_formats(gold_files: list[dict], copies: dict[str, dict[str, Path]], formats: tuple[str, ...],
                  out=sys.stdout) -> dict[str, dict[str, object]]:
    """Run the real ETL on every copy; return {format: {split: Scores}} and print totals (never held-out misses)."""
    from etl.pipeline import extract_document  # noqa: PLC0415
    from etl.sources import read  # noqa: PLC0415
    from tests.scoring import Scores, score  # noqa: PLC0415

    results: dict[str, dict[str, Scores]] = {f: {} for f in formats}
    seconds: dict[str, float] = {f: 0.0 for f in formats}
    for gold in gold_files:
        split = gold.get("split", "?")
        for fmt in formats:
            path = copies[gold["source_file"]][fmt]
            t0 = time.perf_counter()
            doc = read(path)
            articles, facts = extract_document(doc)
            seconds[fmt] += time.perf_counter() - t0
            s = score([dataclasses.asdict(f) for f in facts], gold, {a.article_id: a.text for a in articles})
            results[fmt].setdefault(split, Scores()).add(s)
            results[fmt].setdefault("all", Scores()).add(s)
    fields = ("league", "banner", "initiative", "qualifier", "per", "indicator")
    print(f"{'format':6} {'split':8} {'facts':>5} {'P':>5} {'R':>5} {'F1':>5} " + " ".join(f"{f[:5]:>5}" for f in fields)
          + "  F1/txt  max|Δacc|  seconds", file=out)
    for fmt in formats:
        for split, s in sorted(results[fmt].items()):
            base = results["txt"][split] if "txt" in results else s
            ratio = s.f1 / base.f1 if base.f1 else 0.0
            delta = max(abs(s.accuracy(f) - base.accuracy(f)) for f in fields)
            print(f"{fmt:6} {split:8} {s.n_gold:5d} {s.precision:5.3f} {s.recall:5.3f} {s.f1:5.3f} "
                  + " ".join(f"{s.accuracy(f):5.3f}" for f in fields)
                  + f"  {ratio:6.3f}  {delta:9.3f}  {seconds[fmt] if split == 'all' else 0:7.1f}", file=out)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("prefixes", nargs="*")
    parser.add_argument("--formats", default="txt,docx,pdf")
    parser.add_argument("--out", type=Path, default=None, help="where to write the copies (default: a temp dir)")
    args = parser.parse_args(argv)
    from tests.scoring import load_gold  # noqa: PLC0415

    gold = [g for g in load_gold() if not args.prefixes or any(g["source_file"].startswith(p) for p in args.prefixes)]
    gold = [g for g in gold if not g["source_file"].endswith((".html", ".htm"))]  # text reports only
    formats = tuple(f for f in args.formats.split(",") if f)
    out = args.out or Path(tempfile.mkdtemp(prefix="formats."))
    copies = build_copies(gold, out, formats)
    print(f"{len(gold)} reports ({sum(1 for g in gold if g.get('split') == 'heldout')} held-out), copies in {out}")
    score_formats(gold, copies, formats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
