"""The fact table's columns and the dataclasses that flow between the pipeline stages.

Everything that names a column of ``facts.csv`` (the database model, the CSV export and the
dashboard) imports ``FACT_COLUMNS`` from here, so the contract is written once.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

# Bump when a change to the code alters what is extracted from the same text: documents loaded by
# an older extractor are rebuilt on the next run.
EXTRACTOR_VERSION = "14"  # 14: session 13 (one story saved as text: its subheads head sections, not articles); 13: session 12 final (places ranked against a level, companies named after a city, lives-in people, neighbours; figures of speech, 零X, titles; spoken money; inline captions); 12: traditional characters read as simplified, parallel items, enumerated items, located-in narrowing; 11: thousands grouped with spaces (28 000元); 10: session 11 (issue 9) initiative_basis, real-page programme names, routes and neighbours; 9: session 10, last (real-page places and quantities: chain roots, honours, 全国, 农户); 8: session 10 (issue 9) ASCII clause commas, names confirmed by their programme word elsewhere, …; 7: session 9 (issue 9) ranges written with the unit twice, … (6: session 8; 5: session 7)

Qualifier = Literal["exact", "more", "less", "approx", "range"]
QUALIFIERS: tuple[str, ...] = ("exact", "more", "less", "approx", "range")

# What kind of value a fact holds; decides what may be summed.
#   count: a number of things (人, 个, 户…)      money: 元          rate: a value per something
#   percent: %                                   area/length: 平方米/亩/公里   temperature: °C
CATEGORIES: tuple[str, ...] = ("count", "money", "rate", "percent", "area", "length", "temperature", "other")
# Categories whose values may be added up (same unit, no `per`).
SUMMABLE_CATEGORIES: frozenset[str] = frozenset({"count", "money", "area", "length"})

# Editors' review of a fact (dashboard /review); rejected facts leave the charts and the default CSV.
REVIEW_STATUSES: tuple[str, ...] = ("extracted", "confirmed", "corrected", "rejected")
# Kinds of figure (etl.measures): a level at a date, an amount over a period, a part of a total, a rate, a share.
FIGURE_KINDS: tuple[str, ...] = ("stock", "flow", "part", "rate", "percent")

# Where a fact's programme was named (etl.programmes.programme_for): how directly the text ties it to the number.
#   counted: the number counts the programme itself (设立党员中心户1870户); clause, sentence: named in the
#   number's clause or sentence; table: in the table's caption; paragraph, section, previous: earlier or later
#   in the paragraph, in its section's heading, in the paragraph before; article: the whole report's programme;
#   editor: set or corrected by an editor; "": no programme. On real published pages the first four are right
#   about twice as often as the rest (README, "Programme basis").
INITIATIVE_BASES: tuple[str, ...] = ("counted", "clause", "sentence", "table", "paragraph", "section", "previous",
                                     "article", "editor", "")
# The bases in three groups (the dashboard's 举措依据 filter, the scoring's BASIS lines): named together with the
# number, inferred from the text around it, no programme.
BASIS_GROUPS: dict[str, tuple[str, ...]] = {
    "named": ("counted", "clause", "sentence", "table", "editor"),
    "inferred": ("paragraph", "section", "previous", "article"),
    "none": ("",),
}

# region_level: the most specific level a fact is attributed to.
REGION_LEVELS: tuple[str, ...] = ("region", "league", "banner", "township", "village", "outside", "unknown")


@dataclass(frozen=True)
class TextSpan:
    """Where a range of a document's text came from: text[start:end] ↔ label (and how sure OCR was).

    label is what an official reads: 第2版 第3栏, 第12段, 表2 第4行, Sheet1!C7, 第1页 第2栏.
    confidence is the OCR engine's confidence in that range (0–1); 1.0 for text read as text.
    """

    start: int
    end: int
    label: str
    confidence: float = 1.0


@dataclass(frozen=True)
class Document:
    """One report file, decoded to text, with its metadata."""

    source_file: str  # file name relative to the input directory (posix)
    text: str
    content_hash: str  # sha256 of the raw bytes
    kind: str = "txt"  # txt | html | docx | doc | wps | pdf | scan | image | xlsx | csv (etl.sources)
    encoding: str = "utf-8"
    published: str = ""  # YYYY-MM-DD or ""
    published_how: str = ""  # manifest | text | none
    source: str = ""
    title: str = ""
    # Provenance (etl.sources readers other than txt/html): ranges of `text` → page, column,
    # paragraph, table row or cell, with OCR confidence; sorted by start, may nest (innermost wins).
    spans: tuple[TextSpan, ...] = ()
    # Things the run summary should tell about a file that was read (pages not read, OCR skipped…):
    # (reason, advice) in Chinese.
    notes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Article:
    """One article (or caption, quotation column…) cut out of a document."""

    article_id: str
    source_file: str
    seq: int  # position in the document, from 0
    title: str
    text: str  # the article body; fact spans index into this
    kind: str = "article"  # article | caption | quotes | fragment
    byline: str = ""
    published: str = ""


@dataclass(frozen=True)
class Mention:
    """A quantity found in text: value in base units plus how it was written."""

    start: int  # offset of the number (qualifiers included) in the text
    end: int
    text: str  # the matched text, e.g. "4万多人"
    value: float
    unit: str
    qualifier: str = "exact"
    value_low: float | None = None
    value_high: float | None = None
    per: str = ""  # "只" in 每只羊年收益292元, "人" in 人均增收500元
    category: str = "count"
    classifier: str = ""  # the measure word as written (名, 位, 条…)


@dataclass(frozen=True)
class Fact:
    """One row of the fact table. Field order is the column order of facts.csv."""

    fact_id: str
    source_file: str
    article_id: str
    article_title: str
    published: str
    league: str
    league_code: str
    banner: str
    banner_code: str
    township: str
    village: str
    region_level: str
    initiative: str
    subject: str
    indicator: str
    category: str
    value: float
    value_low: float | None
    value_high: float | None
    qualifier: str
    unit: str
    per: str
    quote: str
    span_start: int
    span_end: int
    confidence: float
    # Added in schema revision 0002 (columns are only ever appended: facts.csv's order is a contract).
    location: str = ""  # where in the source file: 第2版 第3栏, 第12段, 表2 第4行, Sheet1!C7 ("" for plain text)
    measure: str = ""  # what the number counts, normalised across writers (etl.measures): 嘎查党群服务中心
    kind: str = ""  # stock | flow | part | rate | percent (etl.measures)
    as_of: str = ""  # YYYY-MM-DD the figure is valid for (截至5月底 → 2024-05-31; else the report's date)
    period_start: str = ""  # YYYY-MM-DD a flow's period starts (今年以来 → 2024-01-01); "" for stocks
    review_status: str = "extracted"  # extracted | confirmed | corrected | rejected (editors' review)
    # Added in schema revision 0004.
    initiative_basis: str = ""  # where the programme was named (INITIATIVE_BASES): counted, clause, sentence…


FACT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Fact))
NUMERIC_FACT_COLUMNS: frozenset[str] = frozenset({"value", "value_low", "value_high", "confidence"})
INTEGER_FACT_COLUMNS: frozenset[str] = frozenset({"span_start", "span_end"})

ARTICLE_COLUMNS: tuple[str, ...] = (
    "article_id", "source_file", "seq", "title", "kind", "byline", "published", "text",
)


@dataclass
class Region:
    """A resolved place: the chain league → banner → township → village with codes."""

    league: str = ""
    league_code: str = ""
    banner: str = ""
    banner_code: str = ""
    township: str = ""
    township_code: str = ""
    village: str = ""
    village_code: str = ""
    level: str = "unknown"
    extra: dict = field(default_factory=dict)
