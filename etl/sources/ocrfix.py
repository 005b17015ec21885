"""Correct hanzi that OCR misread as a look-alike, where a word then fits much better (pure, same length out).

Tesseract's Chinese model turns a character into one that looks like it (扎赉特旗 → 扎责特旗, 涣散 →
痪散, 覆盖 → 履盖, 党员 → 觉员). A character is replaced only when all of these hold:

* it belongs to no word of two or more characters where it stands (a misread character seldom
  makes a word with its neighbours; a correct one nearly always does, or is a one-character word
  or part of a name);
* a replacement makes a word with the characters beside it: the candidates are the characters
  that complete some dictionary word across that position (荐麦 → ?麦 → 荞 小 大 燕 …), found in
  an index of every word with one character left out;
* the two characters look alike: each is drawn with the CJK font the project's pages use (Noto
  Serif CJK SC, Debian ``fonts-noto-cjk``) and the pictures are compared (:func:`similarity`);
* the text around it then splits into words far more probably: the window of ``WINDOW``
  characters either side is split by the most probable route (each word costs -log of its
  frequency) before and after; the replacement must lower that cost by more than ``MARGIN``
  plus ``LOOK_COST`` × (1 − similarity).

Words: jieba's dictionary (349 000 words with frequencies; the ``jieba`` package ships it, its
segmenter is not used) and the project's reference names (places and their short forms from the
gazetteer, the level nouns of regions.csv such as 嘎查 and 苏木, programme names of
initiatives.csv, measure names and the indicators' keywords), each counted ``REFERENCE_FREQ``
times. The tables are built once into a cache file (:mod:`etl.cache`).

Digits, Latin letters and punctuation are never changed; a text without hanzi comes back as it
is. No network, no model: the font and the dictionary are installed packages; without either the
text is left as it is.
"""
from __future__ import annotations

import csv
import functools
import marshal
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path

from ..cache import cache_key, load_or_build
from ..paths import REFERENCE_DIR

FONTS = (Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
         Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"))
FONT_INDEX = 2  # the SC (simplified Chinese) face in the Noto CJK collections
GLYPH = 32  # px: each character is compared as a GLYPH×GLYPH picture
# The weights below were chosen on the tuning reports' page pictures (characters fixed against
# correct characters changed): see the README, "Same facts from every format".
MIN_SIMILARITY = 0.1  # characters whose pictures overlap less are never exchanged
LOOK_COST = 30.0  # nats per unit of (1 - similarity)
MARGIN = 6.0  # nats the words must get better by, beyond the look and confidence costs
WORD_COST = 3.0  # nats per word of a split: fewer, longer words read better than many short ones
CONF_COST = 5.0  # nats per unit of OCR confidence of the character replaced
MAX_CONF = 0.95  # a character read with at least this confidence is never replaced
IN_WORD_CONF = 0.5  # a character that is part of a word is replaced only when read with less confidence
DEFAULT_CONF = 0.8  # the confidence of a character when none is given
WINDOW = 4  # characters either side of the replaced one that are split into words again
MAX_WORD = 8
REFERENCE_FREQ = 200  # a reference name counts as a word this frequent
_FORMAT = 1  # bump when the tables' layout changes

_HAN = re.compile(r"[\u4e00-\u9fff]+")


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------

def reference_words() -> set[str]:
    """The project's own names: places (with short forms), region level nouns, programmes, measures, indicators."""
    from ..gazetteer import load_gazetteer  # noqa: PLC0415

    names = set(load_gazetteer().iter_names())
    for file, cols in (("regions.csv", ("kind",)), ("initiatives.csv", ("name", "aliases")),
                       ("measures.csv", ("canonical", "synonyms")), ("indicators.csv", ("keywords",))):
        path = REFERENCE_DIR / file
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                for col in cols:
                    names.update((row.get(col) or "").split("|"))
    return {n for n in names if 2 <= len(n) <= MAX_WORD and _HAN.fullmatch(n)}


def _build(dict_path: str, names: set[str]) -> tuple[dict[str, float], dict[str, str], float]:
    """(word → cost in nats, word with one character replaced by ? → the characters that fit, cost of a non-word)."""
    freq: dict[str, int] = {}
    with open(dict_path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit() and _HAN.fullmatch(parts[0]):
                freq[parts[0]] = freq.get(parts[0], 0) + int(parts[1])
    for name in sorted(names):
        freq[name] = max(freq.get(name, 0), REFERENCE_FREQ)
    total = float(sum(freq.values()))
    costs = {w: math.log(total / f) for w, f in freq.items() if f > 0}
    alts: dict[str, str] = {}
    for w in costs:
        if 2 <= len(w) <= MAX_WORD:
            for k in range(len(w)):
                key = w[:k] + "?" + w[k + 1:]
                alts[key] = alts.get(key, "") + w[k]
    return costs, alts, math.log(total) + 2.0


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, float], dict[str, str], float] | None:
    """The word tables (cached on disk), or None without jieba's dictionary."""
    try:
        import jieba  # noqa: PLC0415
    except ImportError:
        return None
    dict_path = os.path.abspath(jieba.get_dict_file().name)
    names = reference_words()
    st = os.stat(dict_path)
    key = cache_key(_FORMAT, jieba.__version__, dict_path, st.st_size, st.st_mtime_ns, MAX_WORD, REFERENCE_FREQ,
                    sorted(names))
    return load_or_build("ocrfix", key, lambda: _build(dict_path, names), dumps=marshal.dumps,
                         loads=marshal.loads, temp_ok=True)


# --------------------------------------------------------------------------------------------
# Look-alikes
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _font():  # noqa: ANN202
    """The CJK font the pictures are drawn with, or None when no Noto CJK font is installed."""
    from PIL import ImageFont  # noqa: PLC0415

    for path in FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), GLYPH, index=FONT_INDEX)
    return None


@functools.lru_cache(maxsize=16384)
def _picture(ch: str):  # noqa: ANN202
    """The character drawn GLYPH px high, softened, as a unit vector (mean removed)."""
    import numpy as np  # noqa: PLC0415
    from PIL import Image, ImageDraw, ImageFilter  # noqa: PLC0415

    img = Image.new("L", (GLYPH, GLYPH), 0)
    ImageDraw.Draw(img).text((0, 0), ch, fill=255, font=_font(), anchor="lt")
    arr = np.asarray(img.filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float32).ravel()
    arr = arr - arr.mean()
    norm = float(np.linalg.norm(arr))
    return arr / norm if norm else arr


def similarity(a: str, b: str) -> float:
    """How alike two characters look in the font, -1–1 (1: the same picture); 0 without the font.

    >>> similarity("土", "士") > similarity("土", "党")
    True
    """
    if _font() is None:
        return 0.0
    return float(_picture(a) @ _picture(b))


# --------------------------------------------------------------------------------------------
# Correcting
# --------------------------------------------------------------------------------------------

def _cost(text: str, costs: dict[str, float], unknown: float) -> float:
    """Cost of the most probable split of text into words (a character that is no word costs unknown)."""
    best = [0.0] + [math.inf] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - MAX_WORD), end):
            c = costs.get(text[start:end])
            if c is None:
                if end - start > 1:
                    continue
                c = unknown
            if best[start] + c + WORD_COST < best[end]:
                best[end] = best[start] + c + WORD_COST
    return best[-1]


def _in_word(window: str, p: int, costs: dict[str, float]) -> bool:
    """Whether window[p] belongs to a word of two or more characters of the window."""
    return any(window[a:b] in costs for a in range(max(0, p - MAX_WORD + 1), p + 1)
               for b in range(max(a + 2, p + 1), min(len(window), a + MAX_WORD) + 1))


def _candidates(window: str, p: int, alts: dict[str, str]) -> set[str]:
    """Characters that, put at window[p], complete a word of the window across p."""
    out: set[str] = set()
    for a in range(max(0, p - MAX_WORD + 1), p + 1):
        for b in range(max(a + 2, p + 1), min(len(window), a + MAX_WORD) + 1):
            found = alts.get(window[a:p] + "?" + window[p + 1:b])
            if found:
                out.update(found)
    out.discard(window[p])
    return out


def correct(text: str, confidence: Sequence[float] | None = None) -> str:
    """Replace look-alike misreadings where a word fits much better; same length as text.

    confidence: OCR's confidence (0–1) for each character of text; characters read surely
    (``MAX_CONF``) are kept, less sure ones need less evidence. Without it every character counts
    as ``DEFAULT_CONF``.

    >>> correct("扎责特旗排查软弱痪散党组织")
    '扎赉特旗排查软弱涣散党组织'
    >>> correct("扎责特旗排查软弱痪散党组织", [0.96] * 13)
    '扎责特旗排查软弱痪散党组织'
    >>> correct("全旗共有党员1200名")
    '全旗共有党员1200名'
    """
    tables = _tables()
    if tables is None or _font() is None or not _HAN.search(text):
        return text
    if confidence is not None and len(confidence) != len(text):
        raise ValueError("confidence must give one value per character of text")
    costs, alts, unknown = tables
    out = list(text)
    for run in _HAN.finditer(text):
        s = run.start()
        chars = list(run.group())
        for i in range(len(chars)):
            conf = DEFAULT_CONF if confidence is None else confidence[s + i]
            if conf >= MAX_CONF:
                continue
            lo, hi = max(0, i - WINDOW), min(len(chars), i + WINDOW + 1)
            window = "".join(chars[lo:hi])
            p = i - lo
            if conf >= IN_WORD_CONF and _in_word(window, p, costs):
                continue
            cands = _candidates(window, p, alts)
            if not cands:
                continue
            before = _cost(window, costs, unknown)
            best, best_gain = None, MARGIN + CONF_COST * conf
            for alike in sorted(cands):
                sim = similarity(chars[i], alike)
                if sim < MIN_SIMILARITY:
                    continue
                gain = before - _cost(window[:p] + alike + window[p + 1:], costs, unknown) - LOOK_COST * (1 - sim)
                if gain > best_gain:
                    best, best_gain = alike, gain
            if best:
                chars[i] = best
                out[s + i] = best
    return "".join(out)
