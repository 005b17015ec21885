"""Facts + their document's provenance spans → facts with ``location`` and OCR-lowered ``confidence``.  pure

Articles are cut out of the document text by the layout stage, which joins broken lines and drops
furniture, so article offsets do not map back to the document. Each fact is therefore found in the
document text by the text around its number (its article's characters before and after the
span, shrinking until found; else its quote), comparing with all whitespace removed, and searching
onwards from the previous fact first (facts come in document order; a sentence repeated in a
headline is found in its place). The innermost span covering the number names the location
(第2版 第3栏, 第12段, 表2 第4行, Sheet1!C7); an OCR span's confidence multiplies the fact's.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace

from .schema import Article, Document, Fact, TextSpan

_WS = re.compile(r"\s+")
_CONTEXTS = (16, 8, 4, 0)  # characters of article text kept on each side of the number, tried in turn


class _Squeezed:
    """A text with its whitespace removed, and a map back to the original offsets."""

    def __init__(self, text: str) -> None:
        keep = [i for i, ch in enumerate(text) if not ch.isspace()]
        self.text = "".join(text[i] for i in keep)
        self.offsets = keep

    def find(self, needle: str, start: int) -> int:
        """Find needle (already squeezed) from squeezed offset start, wrapping to the beginning once."""
        pos = self.text.find(needle, start)
        if pos < 0 and start:
            pos = self.text.find(needle)
        return pos


def _squeeze(text: str) -> str:
    return _WS.sub("", text)


def locate_facts(doc: Document, articles: list[Article], facts: list[Fact]) -> list[Fact]:
    """Fill each fact's location from doc.spans and lower its confidence by OCR confidence.

    Documents without spans (plain text, web pages) come back unchanged.
    """
    if not doc.spans or not facts:
        return facts
    squeezed = _Squeezed(doc.text)
    texts = {a.article_id: a.text for a in articles}
    spans = sorted(doc.spans, key=lambda s: (s.start, -s.end))
    starts = [s.start for s in spans]
    cursor = 0
    out = []
    for fact in facts:
        pos = _position(fact, texts.get(fact.article_id, ""), squeezed, cursor)
        if pos is None:
            out.append(fact)
            continue
        cursor = pos
        offset = squeezed.offsets[pos]
        span = _innermost(spans, starts, offset)
        if span is None:
            out.append(fact)
            continue
        confidence = min((s.confidence for s in _covering(spans, starts, offset)), default=1.0)
        out.append(replace(fact, location=span.label,
                           confidence=round(fact.confidence * confidence, 2) if confidence < 1.0 else fact.confidence))
    return out


def _position(fact: Fact, article_text: str, squeezed: _Squeezed, cursor: int) -> int | None:
    """Squeezed offset of the fact's number in the document text, or None."""
    start, end = fact.span_start, fact.span_end
    if article_text and 0 <= start < end <= len(article_text):
        number = _squeeze(article_text[start:end])
        for k in _CONTEXTS:
            before = _squeeze(article_text[max(0, start - k):start])
            after = _squeeze(article_text[end:end + k])
            pos = squeezed.find(before + number + after, cursor)
            if pos >= 0:
                return pos + len(before)
    quote = _squeeze(fact.quote)
    if quote:
        pos = squeezed.find(quote, cursor)
        if pos >= 0:
            return pos
    return None


def _covering(spans: list[TextSpan], starts: list[int], offset: int) -> list[TextSpan]:
    """Spans that contain offset (spans are few per page; look back from the last that starts before it)."""
    i = bisect.bisect_right(starts, offset)
    out = []
    for s in reversed(spans[max(0, i - 400):i]):
        if s.start <= offset < s.end:
            out.append(s)
    return out


def _innermost(spans: list[TextSpan], starts: list[int], offset: int) -> TextSpan | None:
    """The narrowest span containing offset (a table cell inside its row, a line inside its page)."""
    covering = _covering(spans, starts, offset)
    return min(covering, key=lambda s: s.end - s.start) if covering else None
