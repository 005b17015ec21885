"""Pictures (and PDF pages without text) → text by OCR with Tesseract's simplified-Chinese model.  I/O

Tesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-chi-sim``, no download at run time) is run
as a program and asked for its words with boxes and confidences (TSV); the lines go through the
same reading-order code as PDF text (:mod:`etl.sources.geometry`), so columns are handled alike.
Each line keeps Tesseract's confidence (0–1), which lowers the confidence of the facts read from
it. Thin strokes are thickened before reading (:func:`thicken`); each paragraph's hanzi that
Tesseract read with little confidence and that make no word are corrected to a look-alike that
does (:mod:`etl.sources.ocrfix`). When Tesseract or its Chinese model is missing, the picture
fails with a message naming the packages; every other file still loads.
"""
from __future__ import annotations

import csv
import difflib
import functools
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import UnreadableFile
from .base import Parsed, TextBuilder, register
from .cjk import normalise_cjk
from .geometry import Line, reading_order
from .ocrfix import correct

TESSERACT = os.environ.get("ETL_TESSERACT", "tesseract")  # tests name a binary that does not exist
LANGUAGE = "chi_sim"
MAX_PAGES = int(os.environ.get("ETL_OCR_MAX_PAGES", "50"))  # pictures OCR'd per file
# Tesseract's Chinese model reads best with text lines about 40 px high (measured on Chromium-rendered
# pages, 7 tuning reports: 30 px lines read far worse, 50 px too): each picture is scaled so that its median line
# is GLYPH_PX high (0.4×–2.5×). A PDF page without text is rendered TARGET_WIDTH px wide first.
GLYPH_PX = 40
# Strokes thinner than THIN_STROKE × the line height (a serif face's hairlines: 3 px at 40 px lines) are
# thickened by one pixel on each side before Tesseract reads them (:func:`thicken`): on the tuning
# reports' pictures that halved the hanzi Tesseract misread and raised F1 by 3 points.
THIN_STROKE = 0.1
TARGET_WIDTH = 3300
MAX_PIXELS = 30_000_000  # larger pictures are scaled down first (a 50 MB scan stays bounded)
TIMEOUT = 600  # seconds per page

INSTALL_ADVICE = ("请安装文字识别软件 Tesseract 及其简体中文数据（Debian/Ubuntu：sudo apt-get install tesseract-ocr "
                  "tesseract-ocr-chi-sim；或在项目目录运行 make setup），然后重新运行。")


@functools.lru_cache(maxsize=1)
def _status() -> str:
    """'' when Tesseract with chi_sim is usable, else what is missing."""
    exe = shutil.which(TESSERACT)
    if exe is None:
        return "本机没有安装文字识别软件 Tesseract"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return "文字识别软件 Tesseract 无法运行"
    if LANGUAGE not in (out.stdout + out.stderr).split():
        return "Tesseract 缺少简体中文数据（tesseract-ocr-chi-sim）"
    return ""


def available() -> bool:
    """Tell whether OCR can run here."""
    return _status() == ""


def require(name: str) -> None:
    """Raise UnreadableFile naming the packages to install when OCR cannot run."""
    if not available():
        raise UnreadableFile(name, f"这是图片或扫描件，需要文字识别，但{_status()}", INSTALL_ADVICE)


def missing_note() -> tuple[str, str]:
    """A run-summary note for a PDF whose picture pages were skipped because OCR cannot run."""
    return (f"PDF 中有扫描页（图片），{_status()}，这些页没有读取", INSTALL_ADVICE)


def too_many_pages_note() -> tuple[str, str]:
    """A run-summary note for a file with more picture pages than MAX_PAGES."""
    return (f"扫描页超过 {MAX_PAGES} 页，只识别了前 {MAX_PAGES} 页",
            f"请把文件拆分成每份不超过 {MAX_PAGES} 页，或设置环境变量 ETL_OCR_MAX_PAGES 后重新运行。")


# --------------------------------------------------------------------------------------------
# Running Tesseract
# --------------------------------------------------------------------------------------------

_CJK = r"\u3400-\u9fff"
_ASCII_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_PUNCT_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[,:;?!]|[,:;?!](?=[{_CJK}])")
_HAN_OR_MARK = rf"{_CJK}，。、；：！？“”（）《》,:;?!"
# a space between hanzi or marks, or between one of them and a number (党员 1200 名); not between two
# numbers (2024-03-18 20:06)
_SPACE_IN_CJK = re.compile(rf"(?<=[{_HAN_OR_MARK}])[ \t]+(?=[{_HAN_OR_MARK}\d％%])|(?<=[{_HAN_OR_MARK}\d％%])[ \t]+(?=[{_HAN_OR_MARK}])")


# Newspaper signs Tesseract's Chinese model reads as hanzi: the hollow square before a byline
# (□本报记者 → 口本报记者) and the dash before a quotation's source (——2017年… → 一一2017年…);
# the article splitter finds bylines and sources by these signs.
_BYLINE_SQUARE = re.compile(r"^口(?=\s*(?:本报|记者|通讯员|特约|实习生|见习记者))")
# Full-width round brackets read as 〈 《 ( and ): （2024年7月10日） → 〈2024年7月10日); the article
# splitter knows a report's date line and a dateline's （记者 …） by them
_ROUND = re.compile(r"[（(〈《]([^（()）〈〉《》\n]{0,40})[)）〉]")
_HAN_NEAR = re.compile(rf"[{_CJK}]")
_SOURCE_DASH = re.compile(r"^(?:一一|一(?=\s*(?:19|20)\d\d\s*年))")


def clean_ocr_text(text: str) -> str:
    """Tidy a line Tesseract read: no spaces between hanzi, Chinese punctuation beside hanzi, signs repaired.

    >>> clean_ocr_text("全 旗 共 有 党 员 1200 名 , 其中 女 党员 300 名")
    '全旗共有党员1200名，其中女党员300名'
    >>> clean_ocr_text("口本报记者 阿荣"), clean_ocr_text("一一2017年10月18日"), clean_ocr_text("〈2024年7月10日)")
    ('□本报记者阿荣', '——2017年10月18日', '（2024年7月10日）')
    """
    text = normalise_cjk(text)
    text = _SPACE_IN_CJK.sub("", text)
    text = _PUNCT_NEAR_CJK.sub(lambda m: _ASCII_PUNCT[m.group()], text)
    text = _ROUND.sub(lambda m: f"（{m.group(1)}）" if _HAN_NEAR.search(m.group()) else m.group(), text)
    text = _BYLINE_SQUARE.sub("□", text.strip())
    return _SOURCE_DASH.sub("——", text)


def _long_runs(dark, min_run: int):  # noqa: ANN001, ANN202
    """Mask of the pixels of dark (bool array) that lie in vertical runs at least min_run long."""
    import numpy as np  # noqa: PLC0415

    padded = np.zeros((dark.shape[0] + 2, dark.shape[1]), dtype=np.int8)
    padded[1:-1] = dark
    edges = np.diff(padded, axis=0)
    mask = np.zeros_like(dark)
    for x in np.nonzero((edges == 1).sum(axis=0))[0]:
        starts = np.nonzero(edges[:, x] == 1)[0]
        ends = np.nonzero(edges[:, x] == -1)[0]
        for a, b in zip(starts, ends):
            if b - a >= min_run:
                mask[a:b, x] = True
    return mask


def glyph_height(image) -> float:  # noqa: ANN001
    """Median height in px of the text lines of a picture (0 when none): dark-pixel row runs in narrow strips.

    Each of 12 vertical strips is projected on its own, so lines of neighbouring columns that do not
    line up do not merge.
    """
    import numpy as np  # noqa: PLC0415

    arr = np.asarray(image)
    step = max(1, arr.shape[0] // 4000)  # every row up to 4000 rows; a sample of rows beyond
    dark = arr[::step] < 160
    heights = []
    width = dark.shape[1]
    for k in range(12):
        rows = dark[:, k * width // 12:(k + 1) * width // 12].any(axis=1).astype(np.int8)
        edges = np.diff(np.concatenate(([0], rows, [0])))
        starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
        heights.extend(int(h) * step for h in ends - starts if 6 <= h * step <= 400)
    return float(np.median(heights)) if len(heights) >= 5 else 0.0


def stroke_width(image) -> float:  # noqa: ANN001
    """Median width in px of the dark runs along the rows of a picture (the vertical strokes' width; 0 when blank)."""
    import numpy as np  # noqa: PLC0415

    arr = np.asarray(image)
    dark = arr[:: max(1, arr.shape[0] // 2000)] < 160  # up to 2000 rows
    padded = np.zeros((dark.shape[0], dark.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    edges = np.diff(padded, axis=1)
    runs = np.nonzero(edges == -1)[1] - np.nonzero(edges == 1)[1]
    return float(np.median(runs)) if runs.size else 0.0


def thicken(image):  # noqa: ANN001, ANN201
    """The picture with its strokes one pixel thicker on each side when they are thin for the line height.

    Tesseract's Chinese model misreads hairline strokes (a serif face scaled to GLYPH_PX lines);
    strokes of an ordinary scan or a bold face are left as they are.
    """
    from PIL import ImageFilter  # noqa: PLC0415

    width = stroke_width(image)
    if not 0 < width < THIN_STROKE * GLYPH_PX:
        return image
    return image.filter(ImageFilter.MinFilter(3))


def remove_rules(image):  # noqa: ANN001, ANN201
    """Whiten long thin lines (column rules, boxes, underlines) that break Tesseract's page layout.

    A run of dark pixels longer than 8 % of the page (and 150 px) is no stroke of a character.
    """
    import numpy as np  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415

    arr = np.asarray(image)
    dark = arr < 160
    mask = _long_runs(dark, max(150, int(0.08 * arr.shape[0])))
    mask |= _long_runs(dark.T, max(150, int(0.08 * arr.shape[1]))).T
    if not mask.any():
        return image
    out = arr.copy()
    out[mask] = 255
    return Image.fromarray(out)


_QUOTES = re.compile("[“”]")


def fix_quotes(text: str) -> str:
    """Give curly double quotes their direction again by alternation when a paragraph has an even number.

    OCR often reads a closing quote as an opening one (“飞地抱团“); the programme rules read names
    between “ and ”. Same length out as in, so provenance offsets stay valid.

    >>> fix_quotes("探索“飞地抱团“，开设“草原夜校”")
    '探索“飞地抱团”，开设“草原夜校”'
    """
    marks = _QUOTES.findall(text)
    if not marks or len(marks) % 2 or marks == ["“", "”"] * (len(marks) // 2):
        return text
    count = iter(range(len(marks)))
    return _QUOTES.sub(lambda _m: "“" if next(count) % 2 == 0 else "”", text)


def carry_conf(raw: str, confs: list[float], text: str) -> tuple[float, ...]:
    """The confidence of each character of text (raw after clean_ocr_text), carried over from raw's.

    >>> carry_conf("党员 1200 名 ,", [0.9, 0.9, 1.0, 0.8, 0.8, 0.8, 0.8, 1.0, 0.5, 1.0, 0.7], "党员1200名，")
    (0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.5, 0.7)
    """
    if raw == text:
        return tuple(confs)
    out: list[float] = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, raw, text, autojunk=False).get_opcodes():
        if op == "equal" or (op == "replace" and a1 - a0 == b1 - b0):
            out.extend(confs[a0:a1])
        elif op in ("replace", "insert"):  # characters cleaning made: the lowest confidence of what they stand for
            near = confs[a0:a1] or confs[max(0, a0 - 1):a0 + 1] or [1.0]
            out.extend([min(near)] * (b1 - b0))
    return tuple(out)


def block_conf(block) -> list[float] | None:  # noqa: ANN001
    """The confidence of each character of a paragraph block's text (1.0 where no line says), or None."""
    if not any(ln.char_conf for _off, ln in block.pieces):
        return None
    out = [1.0] * len(block.text)
    for off, ln in block.pieces:  # off: where the line's stripped text starts in the block's
        text = ln.text.strip()
        if not ln.char_conf or block.text[off:off + len(text)] != text:
            continue  # a line joined with a change (a word broken at the line end): no confidences
        skip = len(ln.text) - len(ln.text.lstrip())
        out[off:off + len(text)] = ln.char_conf[skip:skip + len(text)]
    return out


def ocr_blocks(lines: list[Line], box: tuple[float, float, float, float]) -> list:
    """Reading order of OCR lines (as for PDF text): quote directions repaired and look-alike misreadings
    corrected (:func:`etl.sources.ocrfix.correct`) per paragraph; both keep the text's length."""
    blocks = reading_order(lines, box)
    for block in blocks:
        if block.kind == "para":
            block.text = fix_quotes(correct(block.text, block_conf(block)))
        elif block.kind == "table":
            block.rows = [[correct(cell) for cell in row] for row in block.rows]
    return blocks


def image_lines(image, name: str) -> tuple[list[Line], tuple[float, float, float, float]]:  # noqa: ANN001
    """OCR one picture (a PIL image): its text lines with boxes and confidences, and the picture box."""
    require(name)
    image = image.convert("L")
    if image.width * image.height > 4 * MAX_PIXELS:  # measure a huge scan on a reduced copy first
        image = image.reduce(2)
    glyph = glyph_height(image)
    if glyph:
        scale = max(0.4, min(2.5, GLYPH_PX / glyph))
        if abs(scale - 1) > 0.1 and image.width * image.height * scale * scale <= MAX_PIXELS:
            image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    if image.width * image.height > MAX_PIXELS:
        scale = (MAX_PIXELS / (image.width * image.height)) ** 0.5
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    image = remove_rules(image)
    import numpy as np  # noqa: PLC0415

    dark = np.asarray(image) < 160  # quote marks are looked for in the picture as it was
    image = thicken(image)
    with tempfile.TemporaryDirectory(prefix="etl-ocr.") as tmp:
        path = Path(tmp) / "page.png"
        image.save(path)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        try:
            proc = subprocess.run([shutil.which(TESSERACT) or TESSERACT, str(path), "stdout", "-l", LANGUAGE,
                                   "--psm", "3", "tsv"], capture_output=True, timeout=TIMEOUT, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise UnreadableFile(name, f"文字识别超过 {TIMEOUT} 秒仍未完成（图片过大或过于复杂）",
                                 "请把图片裁剪或缩小（约 300 dpi）后再运行。") from None
        if proc.returncode != 0:
            raise UnreadableFile(name, f"文字识别失败（{proc.stderr.decode('utf-8', 'replace').strip()[-200:]}）",
                                 "请确认图片能正常打开；必要时另存为 PNG 后再运行。")
    return tsv_lines(proc.stdout.decode("utf-8", "replace"), dark), (0.0, 0.0, float(image.width), float(image.height))


def tsv_lines(tsv: str, dark=None) -> list[Line]:  # noqa: ANN001
    """Tesseract TSV (level 5 = words) → one Line per (block, paragraph, line), confidence 0–1.

    dark: the picture Tesseract read, as a boolean array (True = ink); when given, quote marks
    Tesseract dropped or turned are restored from the picture (:func:`restore_quotes`).
    """
    groups: dict[tuple[int, int, int], list[dict]] = {}
    boxes: dict[tuple[int, int, int], tuple[int, int, int, int]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "4":
            boxes[(int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))] = (
                int(row["left"]), int(row["top"]), int(row["left"]) + int(row["width"]),
                int(row["top"]) + int(row["height"]))
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        groups.setdefault(key, []).append(row)
    lines = []
    for key, words in groups.items():
        if dark is not None and key in boxes:
            words = restore_quotes(words, quote_marks(dark, boxes[key]), boxes[key][3] - boxes[key][1])
            if not words:
                continue
            sign = solid_sign(dark, words[0], boxes[key][3] - boxes[key][1])
            if sign:
                words = [dict(words[0], text=sign + words[0]["text"].strip()[1:]), *words[1:]]
        raw, raw_conf = "", []
        for w in words:
            token = w["text"].strip()
            if raw and raw[-1].isascii() and raw[-1].isalnum() and token[0].isascii() and token[0].isalnum():
                raw += " "
                raw_conf.append(1.0)
            raw += token
            raw_conf.extend([max(0.0, float(w["conf"])) / 100] * len(token))
        text = clean_ocr_text(raw)
        if not text:
            continue
        x0 = min(int(w["left"]) for w in words)
        y0 = min(int(w["top"]) for w in words)
        x1 = max(int(w["left"]) + int(w["width"]) for w in words)
        y1 = max(int(w["top"]) + int(w["height"]) for w in words)
        confs = [(float(w["conf"]), len(w["text"].strip())) for w in words if float(w["conf"]) >= 0]
        weight = sum(n for _c, n in confs)
        conf = sum(c * n for c, n in confs) / weight / 100 if weight else 0.0
        # type size from the character pitch (hanzi are square, ASCII about half as wide): Tesseract's
        # box heights swing by half for a paragraph's short last line (区跟班学习。), pitch does not
        units = sum(0.5 if ch.isascii() else 1.0 for ch in text if not ch.isspace()) or 1.0
        size = (x1 - x0) / units if units >= 2 else float(y1 - y0)
        lines.append(Line(x0, y0, x1, y1, text, round(size, 1), round(conf, 3), carry_conf(raw, raw_conf, text)))
    return lines


# --------------------------------------------------------------------------------------------
# Quote marks from the picture
# --------------------------------------------------------------------------------------------
# Chinese type sets “ ” in the top third of the character cell, and squeezes a quote and the
# punctuation beside it (”， ”。 。“ ”“) into one cell; Tesseract's Chinese model then reads the
# cell as one mark and loses the quote (开展“聚力工程，推进), or misses a quote at a line's start.
# The programme rules read names between quotes, so the quotes are found again in the picture:
# a quote mark is two small blobs side by side in the top part of a text line with no ink below
# them in the line; “ has its heavy ends at the bottom (66), ” at the top (99).

_QUOTE_LIKE = set("“”\"'‘’`^*~-「」『』〝〞„")


def quote_marks(dark, box: tuple[int, int, int, int]) -> list[tuple[int, int, str]]:  # noqa: ANN001
    """Quote marks in one text line of the picture: (x0, x1, “ or ”), left to right.

    dark is the picture as a boolean array (True = ink); box the line's box (x0, y0, x1, y1) as
    Tesseract gives it. Ink that reaches below the top 45 % of the line in the same columns is part
    of a character (the dots of 学 or 党 have strokes below them), not a quote.
    """
    import numpy as np  # noqa: PLC0415

    x0, top, x1, bottom = box
    h = bottom - top
    if h < 10:
        return []
    pad = max(2, h // 4)
    xa, xb = max(0, x0 - h), min(dark.shape[1], x1 + h)  # a quote that opens the line is often left out of its box
    ya, yb = max(0, top - pad), min(dark.shape[0], bottom + pad)
    sub = dark[ya:yb, xa:xb]
    split = top - ya + int(0.45 * h)
    upper, rest = sub[:split], sub[split:]
    ink = upper.any(axis=0).astype(np.int8)
    edges = np.diff(np.concatenate(([0], ink, [0])))
    runs = []
    for s, e in zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]):
        if rest[:, s:e].any() or e - s > 0.5 * h:
            runs.append(None)
            continue
        rows = np.nonzero(upper[:, s:e].any(axis=1))[0]
        r0, r1 = int(rows[0]), int(rows[-1]) + 1
        if r0 < top - ya - pad // 2 or not 0.12 * h <= r1 - r0 <= 0.4 * h:
            runs.append(None)  # ink reaching up from the line above, a dot, or a stroke
            continue
        runs.append((int(s), int(e), r0, r1))
    marks = []
    i = 0
    while i < len(runs):
        run, nxt = runs[i], runs[i + 1] if i + 1 < len(runs) else None
        if run and nxt and run[1] - run[0] <= 0.25 * h and nxt[1] - nxt[0] <= 0.25 * h \
                and nxt[0] - run[1] <= 0.25 * h:
            s, e, r0, r1 = run[0], nxt[1], min(run[2], nxt[2]), max(run[3], nxt[3])
            i += 2
        elif run and 0.25 * h < run[1] - run[0] <= 0.5 * h:  # the two blobs touch
            s, e, r0, r1 = run
            i += 1
        else:
            i += 1
            continue
        ys = np.nonzero(upper[r0:r1, s:e])[0]
        centre = (ys.mean() + 0.5) / (r1 - r0)
        marks.append((xa + s, xa + e, "“" if centre > 0.5 else "”"))
    return marks


def solid_sign(dark, word: dict, em: int) -> str:  # noqa: ANN001
    """The solid sign a line starts with (★ ▲ ◆ ● ■), which Tesseract reads as a hanzi (★ → 女 妇 妈), or ''.

    The first glyph in the word's box is a sign when its middle is solid ink (no stroke of a
    character is that thick); which sign, by how much of its box it fills (★ about 0.4, ■ 1).
    """
    import numpy as np  # noqa: PLC0415

    left, top, width, height = (int(word[k]) for k in ("left", "top", "width", "height"))
    if em < 10 or float(word["conf"]) >= 95:
        return ""
    cell = dark[max(0, top - em // 4):top + height + em // 4, max(0, left - em // 4):left + min(width, em) + em // 4]
    cols = cell.any(axis=0)
    if not cols.any():
        return ""
    start = int(np.argmax(cols))
    end = start
    while end < len(cols) and cols[end]:
        end += 1
    glyph = cell[:, start:end]
    rows = np.nonzero(glyph.any(axis=1))[0]
    glyph = glyph[rows[0]:rows[-1] + 1]
    gh, gw = glyph.shape
    if not (0.5 * em <= gh <= 1.2 * em and 0.8 <= gw / gh <= 1.25):
        return ""
    mid = glyph[int(0.35 * gh):int(0.65 * gh) + 1, int(0.35 * gw):int(0.65 * gw) + 1]
    if mid.mean() < 0.9:
        return ""
    fill = glyph.mean()
    if fill < 0.3:
        return ""
    if fill < 0.47:
        return "★"
    if fill < 0.62:
        third = max(1, gh // 3)
        return "▲" if glyph[:third].mean() < 0.5 * glyph[-third:].mean() else "◆"
    return "●" if fill < 0.88 else "■"


def restore_quotes(words: list[dict], marks: list[tuple[int, int, str]], em: float) -> list[dict]:
    """Put the quote marks found in the picture into a line's words (Tesseract TSV rows); em: the line's height.

    Each character's place is estimated from its word's box (spread evenly). A quote-like character
    Tesseract read near a mark (“ ” " ' * - …) becomes that mark; a mark with none near it is
    inserted: ” after the characters left of it, “ before the characters right of it.
    """
    chars = []  # [word index, position in word, character, estimated centre x]
    for k, w in enumerate(words):
        token = w["text"].strip()
        left, width = int(w["left"]), int(w["width"])
        for j, ch in enumerate(token):
            chars.append([k, j, ch, left + (j + 0.5) * width / len(token)])
    texts = [list(w["text"].strip()) for w in words]
    # each mark takes the nearest quote-like character read within 1.5 em (nearest pairs first):
    # Tesseract's boxes for a character beside a quote are often a third of an em off
    pairs = sorted((abs(c[3] - (mx0 + mx1) / 2), m, i) for m, (mx0, mx1, _mark) in enumerate(marks)
                   for i, c in enumerate(chars) if c[2] in _QUOTE_LIKE and abs(c[3] - (mx0 + mx1) / 2) <= 1.5 * em)
    taken_marks: set[int] = set()
    taken_chars: set[int] = set()
    for _d, m, i in pairs:
        if m not in taken_marks and i not in taken_chars:
            taken_marks.add(m)
            taken_chars.add(i)
            texts[chars[i][0]][chars[i][1]] = marks[m][2]
    # a quote Tesseract read where the picture has no quote mark (the wide spaces of a masthead,
    # 内蒙古日报　2024年1月15日 → 内蒙古日报”2024年1月15日”) is dropped
    for i, c in enumerate(chars):
        if c[2] in "“”\"" and i not in taken_chars:
            texts[c[0]][c[1]] = ""
    inserts: list = []  # (word index, position, order, mark)
    for m, (mx0, mx1, mark) in enumerate(marks):
        if m in taken_marks:
            continue
        if mark == "”":  # after every character whose centre is left of the mark's right edge
            after = [c for c in chars if c[3] < mx1]
            inserts.append((after[-1][0], after[-1][1] + 1) if after else (0, 0))
        else:  # before the first character whose centre is right of the mark's left edge
            before = [c for c in chars if c[3] > mx0]
            inserts.append((before[0][0], before[0][1]) if before else (len(words) - 1, len(texts[-1])))
        inserts[-1] = (*inserts[-1], len(inserts), mark)
    for k, j, _n, mark in sorted(inserts, reverse=True):  # from the end, so earlier places stay valid
        texts[k].insert(j, mark)
    return [dict(w, text="".join(t)) for w, t in zip(words, texts) if "".join(t)]


# --------------------------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------------------------

def parse_image(raw: bytes, name: str) -> Parsed:
    """OCR a picture file (every frame of a multi-page TIFF, up to MAX_PAGES)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError  # noqa: PLC0415

    require(name)
    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except Image.DecompressionBombError:
        raise UnreadableFile(name, "图片像素太多（超过 1.7 亿像素），无法识别",
                             "请把图片缩小到 300 dpi 左右（A4 约 2500×3500 像素）后再运行。") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UnreadableFile(name, f"图片已损坏或格式无法识别（{exc}）", "请用看图软件打开确认，另存为 PNG 或 JPEG 后再运行。") from None
    builder = TextBuilder()
    notes: list[tuple[str, str]] = []
    for index, frame in enumerate(ImageSequence.Iterator(image)):
        if index >= MAX_PAGES:
            notes.append(too_many_pages_note())
            break
        lines, box = image_lines(frame, name)
        from .pdf import add_blocks  # noqa: PLC0415

        add_blocks(builder, ocr_blocks(lines, box), f"第{index + 1}页")
    if not builder.text().strip():
        raise UnreadableFile(name, "图片中没有识别出文字", "请确认图片是报道或文件的照片/扫描件，文字清晰、方向正确，再运行。")
    return builder.parsed("image", notes=notes)


register("image", (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"), parse_image)
