"""PDF → text in reading order, page by page (pypdfium2); pages without a text layer → OCR.  I/O

Each page's characters are read with their boxes and type size (the font size times the text
matrix's scale), grouped into lines (a wide gap ends a line, so columns never run together), and
put in reading order by :mod:`etl.sources.geometry`. Running heads, page numbers and jump lines
(下转第X版) are kept out of the text; a "（上接第X版）" at the head of a paragraph is kept, as the mark
of an article continued from another page (the layout reads it). Radical and compatibility code
points are normalised (:mod:`etl.sources.cjk`). Pages are streamed: one page is in memory at a
time, so a 300-page file reads in bounded memory.

Provenance: every line's text is labelled with its page (第2页, or 第2版 when the running head
says so) and column (第3栏) when the page has columns.
"""
from __future__ import annotations

import os
import re
import statistics

from ..errors import UnreadableFile
from .base import ADVICE_PASSWORD, Parsed, TextBuilder, register
from .cjk import normalise_cjk
from .geometry import Block, Line, reading_order

MAX_PAGES = int(os.environ.get("ETL_PDF_MAX_PAGES", "2000"))
# A page with fewer characters than this in its text layer is treated as a picture (scanned).
MIN_TEXT_CHARS = 20
_NO_TEXT = "\x01"  # a glyph without a character: keeps its place in the line, gives no text

_PAGE_NUMBER = re.compile(r"^[-—－·\s]*(?:第\s*)?\d{1,4}\s*(?:页|版)?(?:\s*[/／共]\s*\d{1,4}\s*页?)?[-—－·\s]*$")
_RUNNING_HEAD = re.compile(r"第\s*(\d{1,3})\s*版|星期[一二三四五六日天]|(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.*(?:报|版)")
_SENTENCE = re.compile(r"[，。；！？、]")
# A jump line: the article goes on on another page (下转第4版). Dropped; but "（上接第1版）" at the head
# of a paragraph is kept: it marks the paragraph as the rest of an article from another page, which
# the layout reads (etl.layout: a continued fragment, not part of the article above it).
_JUMP = re.compile(r"[（(]\s*(?:下转|转第|转)\s*第?\s*[\d一二三四五六七八九十]+\s*版[^）)]{0,8}[）)]")
_JUMP_LINE = re.compile(r"^[（(]?\s*(?:下转|转)\s*第?\s*[\d一二三四五六七八九十]+\s*版\s*[）)]?$")


def parse_pdf(raw: bytes, name: str) -> Parsed:
    """Read a PDF page by page: text layer in reading order, OCR for pages that are pictures."""
    import pypdfium2 as pdfium  # noqa: PLC0415

    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise UnreadableFile(name, "PDF 设置了打开密码，无法读取", ADVICE_PASSWORD) from None
        raise UnreadableFile(name, f"PDF 文件已损坏，无法打开（{message}）",
                             "请用 PDF 阅读器打开确认；若能打开，请“打印”为新的 PDF 或重新下载原文件。") from None
    builder = TextBuilder()
    notes: list[tuple[str, str]] = []
    scanned: list[int] = []
    try:
        n_pages = len(pdf)
        if n_pages > MAX_PAGES:
            notes.append((f"PDF 共 {n_pages} 页，只读取了前 {MAX_PAGES} 页",
                          f"请把文件拆分成每份不超过 {MAX_PAGES} 页，或设置环境变量 ETL_PDF_MAX_PAGES 后重新运行。"))
        seen_heads: set[str] = set()
        for index in range(min(n_pages, MAX_PAGES)):
            page = pdf[index]
            try:
                lines, box = page_lines(page)
            finally:
                page.close()
            if sum(len(ln.text) for ln in lines) < MIN_TEXT_CHARS:
                scanned.append(index)
                _ocr_page(pdf, index, builder, notes, name, len(scanned))
                continue
            lines, label = _drop_furniture(lines, box, index, seen_heads)
            add_blocks(builder, reading_order(lines, box), label)
    finally:
        pdf.close()
    if scanned and not builder.text().strip():
        from . import ocr  # noqa: PLC0415

        ocr.require(name)  # no text layer and no Tesseract: say what to install
        raise UnreadableFile(name, f"PDF 的 {len(scanned)} 页都是图片，文字识别也没有认出文字",
                             "请确认扫描件清晰、方向正确（分辨率 300 dpi 左右），或请发文单位提供带文字的 PDF/Word 原件。")
    kind = "scan" if scanned and len(scanned) == min(n_pages, MAX_PAGES) else "pdf"
    return builder.parsed(kind, notes=notes)


def page_lines(page) -> tuple[list[Line], tuple[float, float, float, float]]:  # noqa: ANN001
    """Return one page's text lines (top-left origin, points) and the page box."""
    import pypdfium2.raw as c  # noqa: PLC0415

    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        raw_tp = textpage.raw
        n = c.FPDFText_CountChars(raw_tp)
        chars: list[tuple[float, float, float, float, str, float, float]] = []
        rect = c.FS_RECTF()
        ox, oy = c.c_double(), c.c_double()
        matrix = c.FS_MATRIX()
        for i in range(n):
            code = c.FPDFText_GetUnicode(raw_tp, i)
            if code in (0xFFFE, 0xFFFF) or 0xDC00 <= code <= 0xDFFF:
                continue  # (a low surrogate was read with its high one)
            if 0xD800 <= code <= 0xDBFF:  # a character beyond the BMP (an emoji) comes as two UTF-16 units
                low = c.FPDFText_GetUnicode(raw_tp, i + 1) if i + 1 < n else 0
                if not 0xDC00 <= low <= 0xDFFF:
                    continue
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            # a glyph the font maps to no character (an emoji from a fallback font): no text, but it
            # holds its place in the line, so that the gap it leaves does not split the line
            ch = chr(code) if code else _NO_TEXT
            generated = c.FPDFText_IsGenerated(raw_tp, i) == 1  # pdfium's guesses (gaps of justified lines)
            if ch.isspace():  # kept as a word gap inside a line (本报记者 阿荣), never as a line of its own
                if ch in " \u3000\xa0" and chars:
                    chars.append(chars[-1][:4] + ("\x00" if generated else " ",) + chars[-1][5:])
                continue
            if generated:
                continue
            if not c.FPDFText_GetLooseCharBox(raw_tp, i, rect) or not c.FPDFText_GetCharOrigin(raw_tp, i, ox, oy):
                continue
            # the type size on the page: the font size scaled by the text's matrix (Chromium writes
            # 14 px type as size 14 under a 0.75 scale: 10.5 pt)
            size = c.FPDFText_GetFontSize(raw_tp, i)
            if size and c.FPDFText_GetMatrix(raw_tp, i, matrix):
                size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5 or 1.0
            size = size or (rect.top - rect.bottom)
            # (x0, top, x1, bottom, char, size, baseline) with y measured down from the top of the page
            chars.append((rect.left, height - rect.top, rect.right, height - rect.bottom, ch, size, height - oy.value))
    finally:
        textpage.close()
    return _chars_to_lines(chars), (0.0, 0.0, width, height)


def _chars_to_lines(chars: list[tuple[float, float, float, float, str, float, float]]) -> list[Line]:
    """Group characters, in content-stream order, into lines: same baseline, no gap wider than a character.

    A wide gap (a column gutter, a table's column) always ends a line, so text of two columns never
    runs together even when the stream sweeps across the page; the reading order comes later.
    Word gaps: a space character in the stream, or one pdfium guessed (``\x00`` here) between a
    hanzi and a digit or letter where the gap is wider than the line's usual spacing (东河区 14个
    keeps its space, which list rows need; a justified line's spread hanzi stay together).
    """
    lines: list[Line] = []
    current: list[tuple[float, float, float, float, str, float, float]] = []
    marks: list[str] = []  # the space marker seen before each char of current ("", " ", "\x00")

    def flush() -> None:
        if not current:
            return
        gaps = [b[0] - a[2] for a, b in zip(current, current[1:])]
        plain = [g for g, m in zip(gaps, marks[1:]) if not m]
        usual = statistics.median(plain) if plain else 0.0
        widths = [ch[2] - ch[0] for ch in current if not ch[4].isascii()]
        em = statistics.median(widths) if widths else statistics.median(ch[5] for ch in current)
        text = ""
        for k, ch in enumerate(current):
            if k:
                gap, mark = gaps[k - 1], marks[k]
                ascii_pair = ch[4].isascii() and ch[4].isalnum() and text[-1:].isascii() and text[-1:].isalnum()
                # a guessed gap counts only from a hanzi to a digit (东河区 14个): justification spreads
                # hanzi and digits unevenly, and 20.3 万 or 解 决 would break the number rules
                before_number = ch[4].isdigit() and not text[-1:].isascii()
                # …and between hanzi where the gap is much wider than justification spreads them: a
                # space of the text (书记　巴音孟和: a speaker's title and name)
                if (mark == " " and gap > usual + 0.05 * em) or (mark and before_number and gap > usual + 0.15 * em) \
                        or (mark and gap > usual + 0.3 * em) or (ascii_pair and gap > 0.15 * em):
                    text += " "
            text += ch[4]
        text = text.replace(_NO_TEXT, "")
        size = statistics.median(ch[5] for ch in current)
        lines.append(Line(min(ch[0] for ch in current), min(ch[1] for ch in current),
                          max(ch[2] for ch in current), max(ch[3] for ch in current),
                          normalise_cjk(text.strip()), size, base=statistics.median(ch[6] for ch in current)))
        current.clear()
        marks.clear()

    pending = ""
    for ch in chars:
        if ch[4] in (" ", "\x00"):
            if current:
                pending = pending or ch[4] if ch[4] == "\x00" else " "
            continue
        if current:
            last = current[-1]
            size = max(ch[5], last[5])
            gap = ch[0] - last[2]
            # a gap with a space in it (a full-width space between 本报记者　刘俊峰 is 1 em) may be wider
            wide = (1.6 if pending else 1.0) * size
            # a new baseline, a gutter-wide gap, or a step backwards (ligatures such as —— share one box)
            if abs(ch[6] - last[6]) > 0.3 * size or gap > wide or ch[0] < last[0] - 0.3 * size:
                flush()
                pending = ""
        current.append(ch)
        marks.append(pending if len(current) > 1 else "")
        pending = ""
    flush()
    return lines


def _drop_furniture(lines: list[Line], box: tuple[float, float, float, float], index: int,
                    seen: set[str]) -> tuple[list[Line], str]:
    """Drop running heads, page numbers and jump lines; return the kept lines and the page label."""
    height = box[3] - box[1]
    label = f"第{index + 1}页"
    band = [ln for ln in lines if ln.y1 < box[1] + 0.08 * height or ln.y0 > box[3] - 0.07 * height]
    furniture = []
    for ln in band:
        text = ln.text.strip()
        head = _RUNNING_HEAD.search(text)
        if _PAGE_NUMBER.match(text) or head or re.sub(r"\d+", "#", text) in seen:
            furniture.append(ln)
            if head and head.group(1):
                label = f"第{int(head.group(1))}版"
    # the rest of a running head's row goes with it (内蒙古日报 | 2024年1月15日 星期一 | 第2版): short
    # pieces without a sentence's punctuation, not the first line of a column beside it
    dropped = {id(ln) for ln in furniture} | {
        id(ln) for ln in band if len(ln.text.strip()) <= 16 and not _SENTENCE.search(ln.text)
        and any(min(ln.y1, f.y1) - max(ln.y0, f.y0) > 0 for f in furniture)}
    seen.update(re.sub(r"\d+", "#", ln.text.strip()) for ln in band)
    kept = []
    for ln in lines:
        if id(ln) in dropped or _JUMP_LINE.match(ln.text.strip()):
            continue
        kept.append(ln)
    return kept, label


def add_blocks(builder: TextBuilder, blocks: list[Block], page_label: str) -> None:
    """Append a page's paragraphs and tables to the builder, labelling each line with page and column."""
    table_no = 0
    for i, block in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.kind == "para" and nxt is not None and nxt.kind == "table" and _CAPTION.match(block.text) \
                and len(block.text) <= 40:
            nxt.caption = block.text  # 表2 各旗县…: the caption line of the table below
            continue
        if block.kind == "table":
            table_no += 1
            caption = block.caption
            m = _CAPTION.match(caption)
            number = int(m.group(1)) if m else table_no
            labels = [_label(page_label, col) + f" 表{number} 第{k + 1}行" for k, col in enumerate(block.columns)]
            confs = [piece[1].conf for piece in block.pieces]
            start, _end = builder.table(block.rows, caption=caption, row_labels=labels,
                                        caption_label=_label(page_label, block.columns[0]) if caption else "")
            if confs and min(confs) < 1.0:
                builder.span(start, len(builder), page_label, min(confs))
            continue
        _drop_jumps(block)
        start, end = builder.paragraph(block.text)
        if end <= start:
            continue
        lead = len(block.text) - len(block.text.lstrip())
        offsets = [off - lead for off, _ln in block.pieces] + [len(block.text.strip())]
        for k, (_off, ln) in enumerate(block.pieces):
            a, b = start + max(0, offsets[k]), start + min(offsets[k + 1], end - start)
            builder.span(a, b, _label(page_label, block.columns[k]), ln.conf)


_CAPTION = re.compile(r"^附?表\s*(\d{1,3})")


def _drop_jumps(block: Block) -> None:
    """Take jump lines (（下转第4版）) out of a paragraph, also where one is broken across two lines."""
    cuts = [m.span() for m in _JUMP.finditer(block.text)]
    if not cuts:
        return

    def moved(offset: int) -> int:  # where a character offset lands once the cuts are gone
        return offset - sum(min(offset, b) - a for a, b in cuts if a < offset)

    block.pieces = [(moved(off), ln) for off, ln in block.pieces]
    block.text = _JUMP.sub("", block.text)


def _label(page_label: str, column: int) -> str:
    return f"{page_label} 第{column}栏" if column else page_label


def _ocr_page(pdf, index: int, builder: TextBuilder, notes: list[tuple[str, str]], name: str,  # noqa: ANN001
              nth: int) -> None:
    """OCR one page that has no text layer (a scan inside a PDF); the nth such page of the file."""
    from . import ocr  # noqa: PLC0415

    if not ocr.available():
        if nth == 1:
            notes.append(ocr.missing_note())
        return
    if nth > ocr.MAX_PAGES:
        if nth == ocr.MAX_PAGES + 1:
            notes.append(ocr.too_many_pages_note())
        return
    page = pdf[index]
    try:
        width_pt = page.get_width() or 595.0  # rendered ~TARGET_WIDTH px wide whatever the page size
        image = page.render(scale=min(ocr.TARGET_WIDTH / width_pt, 600 / 72)).to_pil()
    finally:
        page.close()
    lines, box = ocr.image_lines(image, name)
    add_blocks(builder, ocr.ocr_blocks(lines, box), f"第{index + 1}页")


register("pdf", (".pdf",), parse_pdf)
