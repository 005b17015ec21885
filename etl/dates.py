"""Report text → a publication date inferred from what the text says (pure).

Used when no manifest gives the date. A newspaper page rarely prints its own date in the body,
but it says enough: "2023年以来" puts it after 2023, "元旦过后" / "新年伊始" at the start of the
next year, and "1月9日" is a day the page already reports on. The rule, recorded in ``how``:

1. the latest full date written in the text (2024年1月9日) that is not in the future of the run;
2. else the latest month-day (1月9日) with a year from "YYYY年以来" (the next year when the text
   speaks of the new year or the month is January–March, else the same year);
3. else nothing.

Dates in quotation columns (——2017年10月18日，习近平…) are not the report's: callers pass only
article text.

>>> infer_published("2023年以来……元旦过后……1月9日，气温已零下30摄氏度。")[0]
'2024-01-09'
>>> infer_published("没有日期")
('', 'none')
"""
from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .schema import Article, Document

# No look-behind at the start (it stops the engine from skipping ahead: 5× slower); the character
# before a match is checked in Python instead (_after).
_FULL = re.compile(r"((?:19|20)\d\d)(?:年|-|/|\.)(1[0-2]|0?[1-9])(?:月|-|/|\.)([12]\d|3[01]|0?[1-9])(?:日|(?![\d]))")
_MONTH_DAY = re.compile(r"(1[0-2]|0?[1-9])月([12]\d|3[01]|0?[1-9])日")


def _after(text: str, pattern: re.Pattern, bad_before: str) -> list[tuple[str, ...]]:
    """pattern's groups at each match not preceded by one of bad_before (a look-behind, done by hand)."""
    return [m.groups() for m in pattern.finditer(text) if not (m.start() and text[m.start() - 1] in bad_before)]
_DIGITS = "0123456789"
_SINCE = re.compile(r"((?:19|20)\d\d)年以来")
_NEW_YEAR = re.compile(r"元旦|新年伊始|新春|岁末年初|年初")


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def infer_published(text: str, today: dt.date | None = None) -> tuple[str, str]:
    """Return (YYYY-MM-DD or "", how it was inferred) from a report's own words."""
    today = today or dt.date.today()
    full = [d for d in (_valid(int(y), int(m), int(dd)) for y, m, dd in _after(text, _FULL, _DIGITS)) if d and d <= today]
    if full:
        best = max(full)
        return best.isoformat(), f"text: 正文最晚日期 {best.year}年{best.month}月{best.day}日"
    since = [int(y) for y in _SINCE.findall(text)]
    days = [(int(m), int(d)) for m, d in _after(text, _MONTH_DAY, _DIGITS + "年")]
    if since and days:
        base = max(since)
        month, day = max(days)
        cue = _NEW_YEAR.search(text)
        year = base + 1 if (cue or month <= 3) else base
        date = _valid(year, month, day)
        if date and date <= today:
            reason = f"“{base}年以来”" + (f"“{cue.group(0)}”" if cue else "") + f"→{year}年；正文最晚日期 {month}月{day}日"
            return date.isoformat(), "text: " + reason
    return "", "none"


def document_published(doc: Document, articles: list[Article]) -> tuple[str, str]:
    """Return the document's date: the manifest's, else one inferred from its articles' text."""
    if doc.published:
        return doc.published, doc.published_how or "manifest"
    dateline = _DATELINE.search(doc.text[:2000])
    if dateline:  # "兴安发布  2024-01-22 18:05" under a reposted headline
        y, mo, d = (int(x) for x in dateline.groups())
        try:
            return dt.date(y, mo, d).isoformat(), f"text: 发布行 {dateline.group(0).strip()}"
        except ValueError:
            pass
    text = "\n".join(a.text for a in articles if a.kind != "quotes")
    return infer_published(text)


_DATELINE = re.compile(r"(?m)^.{0,16}?\s*((?:19|20)\d\d)-(\d\d)-(\d\d)(?:\s+\d\d:\d\d)?\s*$")
