"""Editors' corrections and programme rules → the values the fact table must hold.  pure

Corrections are stored apart from the extracted rows (``etl.review_store``) and keyed by a stable
*anchor*: the source file, its content hash when the correction was made, the sentence (quote),
the number as written, where the number sits in the sentence, which occurrence of that sentence
it is, and a few characters of text on either side. After every load the store hands this module
the facts as extracted and gets back the values they must hold. This module never reads files or
the database.

Matching an anchor in re-extracted facts (never to the wrong number):

1. same sentence, same number text at the same place in the sentence. When the file is the
   same (same content hash) the occurrence picks among repeated sentences; when the file
   changed the match must be unique;
2. else (the sentence was cut differently by a newer extractor) the same number text with the
   same text around it, unique in the document;
3. else the correction is *orphaned*: listed on the review page, applied to nothing.

Programme rules (merge a variant into a name, or reject a name that is not a programme) are
applied to the extracted programme first; a fact's own correction wins over a rule.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Fields an editor's correction may set (derived ones included: codes, level, range bounds).
EDITABLE_FIELDS: tuple[str, ...] = (
    "value", "value_low", "value_high", "qualifier", "unit", "category",
    "league", "league_code", "banner", "banner_code", "township", "village", "region_level",
    "initiative", "indicator",
)
# What an editor saw of a fact; a save is refused when any of these changed meanwhile.
# (initiative_basis follows initiative: an editor's programme is the editor's, a programme a rule removes has none)
WATCHED_FIELDS: tuple[str, ...] = EDITABLE_FIELDS + ("review_status", "initiative_basis")
REGION_FIELDS: tuple[str, ...] = ("league", "league_code", "banner", "banner_code", "township", "village",
                                  "region_level")
# Fields a bulk correction (a whole paragraph or article) may carry.
BULK_FIELDS: frozenset[str] = frozenset(REGION_FIELDS + ("initiative",))
CONTEXT_CHARS = 16  # characters kept on either side of the number
MIN_CONTEXT = 6  # tier 2 needs at least this much surrounding text in common
ADDED_PREFIX = "m"  # fact_id prefix of facts added by editors (the extractor's start with "f")

STATUS_APPLIED, STATUS_ORPHANED = "applied", "orphaned"
UNIT_CATEGORIES: dict[str, str] = {
    "元": "money", "%": "percent", "°C": "temperature", "平方米": "area", "平方公里": "area", "亩": "area",
    "公顷": "area", "公里": "length", "米": "length", "千米": "length",
}


# ------------------------------------------------------------------------------------------
# Anchors
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Anchor:
    """Where a number is in its source, stable across re-extraction of the same text."""

    source_file: str
    content_hash: str
    quote: str
    number: str  # the number as written, e.g. "60个"
    quote_offset: int  # where the number starts inside quote (-1: not inside)
    occurrence: int  # index among the document's facts with the same (quote, number, quote_offset)
    before: str  # up to CONTEXT_CHARS of text before the number
    after: str  # up to CONTEXT_CHARS after it
    span_start: int = -1  # the article offset when anchored (a hint for people, not for matching)

    @property
    def key(self) -> str:
        """Return the id of the place this anchor names (the content hash is left out on purpose).

        >>> Anchor("a.txt", "h1", "建成服务站60个。", "60个", 5, 0, "建成服务站", "。").key == \\
        ...     Anchor("a.txt", "h2", "建成服务站60个。", "60个", 5, 0, "", "").key
        True
        """
        raw = "\x1f".join((self.source_file, self.quote, self.number, str(self.quote_offset), str(self.occurrence)))
        return hashlib.sha256(raw.encode()).hexdigest()[:24]

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Located:
    """A fact's number in its article: what an anchor is compared with."""

    fact_id: str
    number: str
    quote: str
    quote_offset: int
    before: str
    after: str
    order: tuple = ()  # document order: (article seq, span_start)


def locate(fact: Mapping, article_text: str, order: tuple = ()) -> Located:
    """Return where a fact's number sits in its article text (the quote alone if the text is missing)."""
    start, end = int(fact["span_start"]), int(fact["span_end"])
    quote = str(fact.get("quote") or "")
    text = article_text or ""
    if not (0 <= start < end <= len(text)):
        return Located(str(fact["fact_id"]), "", quote, -1, "", "", order)
    number = text[start:end]
    q0 = text.find(quote, max(0, end - len(quote))) if quote else -1
    offset = start - q0 if 0 <= q0 <= start and q0 + len(quote) >= end else -1
    return Located(str(fact["fact_id"]), number, quote, offset, text[max(0, start - CONTEXT_CHARS):start],
                   text[end:end + CONTEXT_CHARS], order)


def anchor_for(target: Located, document: Sequence[Located], source_file: str, content_hash: str,
               span_start: int = -1) -> Anchor:
    """Return the anchor of one located number among all located numbers of its document."""
    same = sorted((loc for loc in document if (loc.quote, loc.number, loc.quote_offset)
                   == (target.quote, target.number, target.quote_offset)), key=lambda loc: loc.order)
    occurrence = next((i for i, loc in enumerate(same) if loc.fact_id == target.fact_id), 0)
    return Anchor(source_file, content_hash, target.quote, target.number, target.quote_offset, occurrence,
                  target.before, target.after, span_start)


def _context_agrees(anchor: Anchor, loc: Located) -> bool:
    b = min(len(anchor.before), len(loc.before))
    a = min(len(anchor.after), len(loc.after))
    if b + a < MIN_CONTEXT:
        return False
    return anchor.before[len(anchor.before) - b:] == loc.before[len(loc.before) - b:] \
        and anchor.after[:a] == loc.after[:a]


def match_anchor(anchor: Anchor, document: Sequence[Located], content_hash: str) -> str | None:
    """Return the fact_id an anchor names among a document's located numbers, or None (orphaned).

    >>> locs = [Located("f1", "60个", "建成服务站60个。", 5, "建成服务站", "。", (0, 5)),
    ...         Located("f2", "60个", "建成服务站60个。", 5, "建成服务站", "。", (1, 5))]
    >>> a = Anchor("a.txt", "h", "建成服务站60个。", "60个", 5, 1, "建成服务站", "。")
    >>> match_anchor(a, locs, "h"), match_anchor(a, locs, "changed")
    ('f2', None)
    """
    same_text = content_hash == anchor.content_hash
    tier1 = sorted((loc for loc in document if loc.number == anchor.number and loc.quote == anchor.quote
                    and loc.quote_offset == anchor.quote_offset), key=lambda loc: loc.order)
    if tier1:
        if same_text:
            return tier1[anchor.occurrence].fact_id if anchor.occurrence < len(tier1) else None
        return tier1[0].fact_id if len(tier1) == 1 else None
    tier2 = [loc for loc in document if loc.number == anchor.number and _context_agrees(anchor, loc)]
    return tier2[0].fact_id if len(tier2) == 1 else None


def find_in_articles(anchor: Anchor, articles: Sequence[tuple[str, str]],
                     content_hash: str) -> tuple[str, int, int] | None:
    """Find an anchor's number in article texts [(article_id, text)]: (article_id, start, end) or None."""
    hits: list[tuple[str, int, int]] = []
    if anchor.quote and anchor.quote_offset >= 0:
        for article_id, text in articles:
            pos = text.find(anchor.quote)
            while pos >= 0:
                s = pos + anchor.quote_offset
                if text[s:s + len(anchor.number)] == anchor.number:
                    hits.append((article_id, s, s + len(anchor.number)))
                pos = text.find(anchor.quote, pos + 1)
        if hits:
            if content_hash == anchor.content_hash:
                return hits[anchor.occurrence] if anchor.occurrence < len(hits) else None
            return hits[0] if len(hits) == 1 else None
    needle = anchor.before + anchor.number + anchor.after
    if len(anchor.before) + len(anchor.after) < MIN_CONTEXT:
        return None
    for article_id, text in articles:
        pos = text.find(needle)
        while pos >= 0:
            s = pos + len(anchor.before)
            hits.append((article_id, s, s + len(anchor.number)))
            pos = text.find(needle, pos + 1)
    return hits[0] if len(hits) == 1 else None


# ------------------------------------------------------------------------------------------
# Corrections and rules
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Correction:
    """An editor's verdict on one anchored number: field values, confirmed, rejected, or added."""

    id: int
    anchor: Anchor
    fields: dict = field(default_factory=dict)  # field → value (EDITABLE_FIELDS, plus subject for added facts)
    confirmed: bool = False
    rejected: bool = False
    added: bool = False  # the extractor missed this number; an editor added it


@dataclass(frozen=True)
class Rule:
    """A programme-list decision: merge ``name`` into ``target``, or reject it (not a programme)."""

    name: str
    action: str  # merge | reject
    target: str = ""


def resolve_programme(name: str, rules: Mapping[str, Rule]) -> str:
    """Follow merge rules to the name a programme goes by; "" for a rejected name.

    >>> rules = {"党员中心户模式": Rule("党员中心户模式", "merge", "党员中心户"), "一号工程": Rule("一号工程", "reject")}
    >>> resolve_programme("党员中心户模式", rules), resolve_programme("一号工程", rules), resolve_programme("x", rules)
    ('党员中心户', '', 'x')
    """
    seen = set()
    while name in rules and name not in seen:
        seen.add(name)
        rule = rules[name]
        if rule.action == "reject":
            return ""
        name = rule.target
    return name


def creates_cycle(name: str, target: str, rules: Mapping[str, Rule]) -> bool:
    """Tell whether merging name into target would loop back to name."""
    probe = dict(rules)
    probe[name] = Rule(name, "merge", target)
    seen = set()
    current = name
    while current in probe and probe[current].action == "merge":
        if current in seen:
            return True
        seen.add(current)
        current = probe[current].target
    return False


def category_for(unit: str, per: str, old: str) -> str:
    """Return the value category a unit implies (the old one when the unit says nothing)."""
    if per:
        return "rate"
    if unit in UNIT_CATEGORIES:
        return UNIT_CATEGORIES[unit]
    return "count" if old in ("money", "percent", "temperature", "area", "length") else old


def region_level(values: Mapping) -> str:
    """Return the most specific level named by league/banner/township/village values."""
    for key, level in (("village", "village"), ("township", "township"), ("banner", "banner"), ("league", "league")):
        if values.get(key):
            return level
    return "region"


# ------------------------------------------------------------------------------------------
# The plan: what to write so the fact table shows every correction
# ------------------------------------------------------------------------------------------

@dataclass
class Plan:
    """Writes that bring facts to their reviewed values (empty when they already hold them)."""

    updates: dict[str, dict] = field(default_factory=dict)  # fact_id → {column: value}
    keep_originals: dict[str, dict] = field(default_factory=dict)  # fact_id → extracted values to remember
    drop_originals: list[str] = field(default_factory=list)
    inserts: list[dict] = field(default_factory=list)  # facts added by editors (full rows)
    deletes: list[str] = field(default_factory=list)  # added facts no longer wanted
    outcomes: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # id → (status, fact_id, note)

    def is_empty(self) -> bool:
        return not (self.updates or self.keep_originals or self.drop_originals or self.inserts or self.deletes)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return (a if a is not None else None) == (b if b is not None else None)


def added_fact_id(anchor: Anchor) -> str:
    """Return the fact_id of a fact an editor added at this anchor."""
    return ADDED_PREFIX + anchor.key[:15]


def plan_review(facts: Sequence[Mapping], originals: Mapping[str, Mapping],
                articles: Mapping[str, tuple[str, int, str]],
                documents: Mapping[str, str], corrections: Iterable[Correction], rules: Mapping[str, Rule],
                scope: set[str] | None = None) -> Plan:
    """Compute the writes that give facts their reviewed values.

    facts: current rows (every column) of the documents in scope, or the relevant subset when
    scope is None (all documents); originals: fact_id → extracted values of fields that review
    changed earlier; articles: article_id → (source_file, seq, text) of documents with corrections;
    documents: source_file → content hash of loaded documents; corrections and rules as stored.
    """
    plan = Plan()
    current = {str(f["fact_id"]): dict(f) for f in facts}
    extracted: dict[str, dict] = {}
    for fid, row in current.items():
        if fid.startswith(ADDED_PREFIX):
            continue
        base = dict(row)
        base.update(originals.get(fid, {}))
        extracted[fid] = base
    desired = {fid: dict(row) for fid, row in extracted.items()}
    for row in desired.values():
        row["initiative"] = resolve_programme(str(row.get("initiative") or ""), rules)
        if not row["initiative"]:
            row["initiative_basis"] = ""
    after_rules = {fid: {k: row[k] for k in WATCHED_FIELDS} for fid, row in desired.items()}

    by_doc: dict[str, list[str]] = defaultdict(list)
    for fid, row in extracted.items():
        by_doc[str(row["source_file"])].append(fid)
    located: dict[str, list[Located]] = {}

    def document_locations(source_file: str) -> list[Located]:
        if source_file not in located:
            locs = []
            for fid in by_doc.get(source_file, []):
                row = extracted[fid]
                _src, seq, text = articles.get(str(row["article_id"]), ("", 0, ""))
                locs.append(locate(row, text, (seq, int(row["span_start"]))))
            located[source_file] = locs
        return located[source_file]

    wanted_added: dict[str, dict] = {}
    for corr in sorted(corrections, key=lambda c: c.id):
        src = corr.anchor.source_file
        if scope is not None and src not in scope:
            continue
        if src not in documents:
            plan.outcomes[corr.id] = (STATUS_ORPHANED, "", "原文件不在数据库中（已删除或读取失败）")
            continue
        fid = match_anchor(corr.anchor, document_locations(src), documents[src])
        if fid is not None:
            row = desired[fid]
            for k, v in corr.fields.items():
                if k in EDITABLE_FIELDS:
                    row[k] = v
            if "initiative" in corr.fields:
                row["initiative_basis"] = _editor_basis(row["initiative"], after_rules[fid])
            changed = any(not _same(row[k], after_rules[fid][k]) for k in EDITABLE_FIELDS)
            row["review_status"] = ("rejected" if corr.rejected else "corrected" if changed or corr.added
                                    else "confirmed")
            plan.outcomes[corr.id] = (STATUS_APPLIED, fid, "")
            continue
        if corr.added:
            doc_articles = sorted(((seq, aid, text) for aid, (a_src, seq, text) in articles.items() if a_src == src))
            hit = find_in_articles(corr.anchor, [(aid, text) for _seq, aid, text in doc_articles], documents[src])
            if hit is not None:
                new_id = added_fact_id(corr.anchor)
                wanted_added[new_id] = {**corr.fields, "fact_id": new_id, "source_file": src, "article_id": hit[0],
                                        "initiative_basis": "editor" if corr.fields.get("initiative") else "",
                                        "span_start": hit[1], "span_end": hit[2], "quote": corr.anchor.quote,
                                        "review_status": "rejected" if corr.rejected else "corrected"}
                plan.outcomes[corr.id] = (STATUS_APPLIED, new_id, "")
                continue
        plan.outcomes[corr.id] = (STATUS_ORPHANED, "", "原文已变化，找不到这个数字的原位置；更正未应用")

    for fid, want in desired.items():
        row = current[fid]
        diff = {k: want[k] for k in WATCHED_FIELDS if not _same(row.get(k), want[k])}
        if diff:
            plan.updates[fid] = diff
        differs_from_extraction = any(not _same(want[k], extracted[fid][k]) for k in WATCHED_FIELDS)
        if differs_from_extraction and fid not in originals:
            plan.keep_originals[fid] = {k: extracted[fid][k] for k in WATCHED_FIELDS}
        elif not differs_from_extraction and fid in originals:
            plan.drop_originals.append(fid)

    existing_added = {fid for fid in current if fid.startswith(ADDED_PREFIX)}
    for fid in sorted(existing_added - set(wanted_added)):
        if scope is None or str(current[fid]["source_file"]) in scope:
            plan.deletes.append(fid)
    for fid, want in sorted(wanted_added.items()):
        if fid in current:
            diff = {k: v for k, v in want.items() if k in current[fid] and not _same(current[fid][k], v)}
            if diff:
                plan.updates[fid] = diff
        else:
            plan.inserts.append(want)
    return plan


def _editor_basis(initiative: object, extracted: Mapping) -> str:
    """An editor's programme is the editor's, unless it is the one the extractor had (a confirmation)."""
    if not initiative:
        return ""
    if _same(initiative, extracted["initiative"]):
        return str(extracted["initiative_basis"])
    return "editor"


def dumps(values: Mapping) -> str:
    """Serialise field values for storage (stable key order)."""
    return json.dumps(dict(values), ensure_ascii=False, sort_keys=True)


def loads(text: str | None) -> dict:
    return json.loads(text) if text else {}
