"""Review tables (accounts, corrections, audit, programme rules, uploads) and their I/O.  I/O

The tables live on ``etl.store.metadata`` (schema revision 0003). Corrections are kept apart
from the extracted rows; :func:`recompute` gives the fact table its reviewed values and is called
by the store after every document it loads (same transaction) and once at the end of every run,
so ``--force`` and extractor-version rebuilds keep every correction. The pure rules are in
:mod:`etl.review`.

Every write here takes the name of the person who makes it and adds audit rows in the same
transaction; checking that the person may write is the dashboard's job (``dashboard.auth``).
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields as dc_fields

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from . import review as R
from .schema import FACT_COLUMNS, Fact
from .store import articles, documents, facts, meta, metadata

REVIEW_META_KEY = "review_updated"

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False, server_default="viewer"),  # viewer | editor | admin
    Column("disabled", Integer, nullable=False, server_default="0"),
    Column("session_token", Text, nullable=False, server_default=""),  # changes log every session out
    Column("created_at", Text, nullable=False, server_default=""),
    Column("updated_at", Text, nullable=False, server_default=""),
)

corrections = Table(
    "corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("anchor_key", Text, nullable=False, unique=True),
    Column("source_file", Text, nullable=False),
    Column("content_hash", Text, nullable=False, server_default=""),
    Column("quote", Text, nullable=False, server_default=""),
    Column("number", Text, nullable=False, server_default=""),
    Column("quote_offset", Integer, nullable=False, server_default="-1"),
    Column("occurrence", Integer, nullable=False, server_default="0"),
    Column("before", Text, nullable=False, server_default=""),
    Column("after", Text, nullable=False, server_default=""),
    Column("span_start", Integer, nullable=False, server_default="-1"),
    Column("fields", Text, nullable=False, server_default="{}"),  # JSON: field → value
    Column("confirmed", Integer, nullable=False, server_default="0"),
    Column("rejected", Integer, nullable=False, server_default="0"),
    Column("added", Integer, nullable=False, server_default="0"),
    Column("fact_id", Text, nullable=False, server_default=""),  # the fact it is applied to now ("" orphaned)
    Column("status", Text, nullable=False, server_default="applied"),  # applied | orphaned
    Column("note", Text, nullable=False, server_default=""),
    Column("reason", Text, nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_by", Text, nullable=False, server_default=""),
    Column("created_at", Text, nullable=False, server_default=""),
    Column("updated_by", Text, nullable=False, server_default=""),
    Column("updated_at", Text, nullable=False, server_default=""),
    Index("ix_corrections_source_file", "source_file"),
    Index("ix_corrections_fact_id", "fact_id"),
)

AUDIT_COLUMNS: tuple[str, ...] = ("id", "at", "username", "action", "fact_id", "source_file", "field", "old", "new",
                                  "reason")
audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *[Column(c, Text, nullable=False, server_default="") for c in AUDIT_COLUMNS[1:]],
    Index("ix_audit_fact_id", "fact_id"),
)

programme_rules = Table(
    "programme_rules", metadata,
    Column("name", Text, primary_key=True),
    Column("action", Text, nullable=False),  # merge | reject
    Column("target", Text, nullable=False, server_default=""),
    Column("reason", Text, nullable=False, server_default=""),
    Column("created_by", Text, nullable=False, server_default=""),
    Column("created_at", Text, nullable=False, server_default=""),
)

# Extracted values of facts that review changed, so that undoing a rule or a correction restores them.
fact_originals = Table(
    "fact_originals", metadata,
    Column("fact_id", Text, ForeignKey("facts.fact_id", ondelete="CASCADE"), primary_key=True),
    Column("source_file", Text, nullable=False),
    Column("fields", Text, nullable=False, server_default="{}"),
    Index("ix_fact_originals_source_file", "source_file"),
)

upload_jobs = Table(
    "upload_jobs", metadata,
    Column("id", Text, primary_key=True),
    Column("created_by", Text, nullable=False, server_default=""),
    Column("created_at", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False, server_default="queued"),  # queued | waiting | running | done | failed
    Column("total", Integer, nullable=False, server_default="0"),
    Column("done", Integer, nullable=False, server_default="0"),
    Column("message", Text, nullable=False, server_default=""),
    Column("files", Text, nullable=False, server_default="[]"),  # JSON list of per-file results
    Column("finished_at", Text, nullable=False, server_default=""),
)

auth_events = Table(
    "auth_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("username", Text, nullable=False, server_default=""),
    Column("ip", Text, nullable=False, server_default=""),
    Column("event", Text, nullable=False),  # login_ok | login_failed | login_throttled | logout | refused_write
    Column("detail", Text, nullable=False, server_default=""),
    Index("ix_auth_events_username", "username"),
    Index("ix_auth_events_ip", "ip"),
)


def now() -> str:
    """Return the current UTC time as ISO text (seconds), like the store's loaded_at."""
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------------------------
# Loading what the pure planner needs
# --------------------------------------------------------------------------------------------

def _rules(conn: Connection) -> dict[str, R.Rule]:
    return {r.name: R.Rule(r.name, r.action, r.target) for r in conn.execute(select(programme_rules))}


def _correction(row) -> R.Correction:  # noqa: ANN001
    anchor = R.Anchor(row.source_file, row.content_hash, row.quote, row.number, row.quote_offset, row.occurrence,
                      row.before, row.after, row.span_start)
    return R.Correction(row.id, anchor, R.loads(row.fields), bool(row.confirmed), bool(row.rejected), bool(row.added))


def _fact_dicts(conn: Connection, where) -> list[dict]:  # noqa: ANN001
    cols = [facts.c[c] for c in FACT_COLUMNS]
    return [dict(r._mapping) for r in conn.execute(select(*cols).where(where))]


def _chunks(seq: Sequence, n: int = 500):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


@dataclass
class RecomputeReport:
    """What one recompute changed."""

    updated: int = 0
    added: int = 0
    removed: int = 0
    applied: int = 0
    orphaned: int = 0

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in dc_fields(self)}


def recompute(conn: Connection, source_files: Iterable[str] | None = None, *, fresh: bool = False) -> RecomputeReport:
    """Give facts their reviewed values (for some documents, or all) inside the caller's transaction.

    Idempotent: a second call writes nothing. fresh=True says the documents' facts were just
    replaced by the extractor (no kept originals, no added facts left): then a document nobody
    reviewed costs two small indexed queries.
    """
    scope = None if source_files is None else set(source_files)
    report = RecomputeReport()
    rules = _rules(conn)
    cq = select(corrections)
    if scope is not None:
        if not scope:
            return report
        cq = cq.where(corrections.c.source_file.in_(sorted(scope)))
    corr_rows = list(conn.execute(cq))
    if scope is not None and not corr_rows and not rules:
        if fresh:
            return report
        n_orig = conn.execute(select(func.count()).select_from(fact_originals)
                              .where(fact_originals.c.source_file.in_(sorted(scope)))).scalar()
        n_added = conn.execute(select(func.count()).select_from(facts).where(
            facts.c.source_file.in_(sorted(scope)), facts.c.fact_id.like(R.ADDED_PREFIX + "%"))).scalar()
        if not n_orig and not n_added:
            return report
    corr_docs = sorted({r.source_file for r in corr_rows})

    if scope is not None:
        fact_rows = _fact_dicts(conn, facts.c.source_file.in_(sorted(scope)))
    else:
        seen: dict[str, dict] = {}
        conditions = [facts.c.fact_id.in_(select(fact_originals.c.fact_id)),
                      facts.c.fact_id.like(R.ADDED_PREFIX + "%")]
        if rules:
            conditions.append(facts.c.initiative.in_(sorted(rules)))
        for cond in conditions:
            for row in _fact_dicts(conn, cond):
                seen[row["fact_id"]] = row
        for chunk in _chunks(corr_docs):
            for row in _fact_dicts(conn, facts.c.source_file.in_(chunk)):
                seen[row["fact_id"]] = row
        fact_rows = list(seen.values())
    ids = [f["fact_id"] for f in fact_rows]
    originals: dict[str, dict] = {}
    for chunk in _chunks(ids):
        for fid, text in conn.execute(select(fact_originals.c.fact_id, fact_originals.c.fields)
                                      .where(fact_originals.c.fact_id.in_(chunk))):
            originals[fid] = R.loads(text)
    art: dict[str, tuple[str, int, str]] = {}
    docs: dict[str, str] = {}
    for chunk in _chunks(corr_docs):
        for a in conn.execute(select(articles.c.article_id, articles.c.source_file, articles.c.seq, articles.c.text)
                              .where(articles.c.source_file.in_(chunk))):
            art[a.article_id] = (a.source_file, a.seq, a.text)
        for d in conn.execute(select(documents.c.source_file, documents.c.content_hash)
                              .where(documents.c.source_file.in_(chunk), documents.c.status == "loaded")):
            docs[d.source_file] = d.content_hash
    plan = R.plan_review(fact_rows, originals, art, docs, [_correction(r) for r in corr_rows], rules, scope)
    by_id = {r.id: r for r in corr_rows}
    _write_plan(conn, plan, fact_rows, art, report)
    for cid, (status, fid, note) in plan.outcomes.items():
        row = by_id[cid]
        if (row.status, row.fact_id, row.note) != (status, fid, note):
            conn.execute(update(corrections).where(corrections.c.id == cid)
                         .values(status=status, fact_id=fid, note=note))
        if status == R.STATUS_APPLIED:
            report.applied += 1
        else:
            report.orphaned += 1
    if not plan.is_empty():
        _touch(conn)
    return report


_FACT_DEFAULTS = {f.name: f.default for f in dc_fields(Fact) if f.default is not MISSING}


def _fact_default(column: str) -> object:
    value = _FACT_DEFAULTS.get(column)
    if value is None or not isinstance(value, (str, int, float)):
        return None if column in ("value_low", "value_high") else ""
    return value


def _write_plan(conn: Connection, plan: R.Plan, fact_rows: list[dict], art: Mapping, report: RecomputeReport) -> None:
    by_id = {f["fact_id"]: f for f in fact_rows}
    if plan.keep_originals:
        conn.execute(insert(fact_originals), [
            {"fact_id": fid, "source_file": by_id[fid]["source_file"], "fields": R.dumps(values)}
            for fid, values in sorted(plan.keep_originals.items())])
    for chunk in _chunks(sorted(plan.drop_originals)):
        conn.execute(delete(fact_originals).where(fact_originals.c.fact_id.in_(chunk)))
    for fid, values in sorted(plan.updates.items()):
        conn.execute(update(facts).where(facts.c.fact_id == fid).values(**values))
        report.updated += 1
    delta: dict[str, int] = {}
    for chunk in _chunks(sorted(plan.deletes)):
        for fid in chunk:
            src = by_id[fid]["source_file"]
            delta[src] = delta.get(src, 0) - 1
        conn.execute(delete(facts).where(facts.c.fact_id.in_(chunk)))
        report.removed += len(chunk)
    if plan.inserts:
        rows = []
        for want in plan.inserts:
            a_src, _seq, _text = art.get(want["article_id"], (want["source_file"], 0, ""))
            meta_row = conn.execute(select(articles.c.title, articles.c.published)
                                    .where(articles.c.article_id == want["article_id"])).first()
            doc_pub = conn.execute(select(documents.c.published)
                                   .where(documents.c.source_file == want["source_file"])).scalar() or ""
            row = {c: _fact_default(c) for c in FACT_COLUMNS}
            row.update({"article_title": meta_row.title if meta_row else "",
                        "published": (meta_row.published if meta_row else "") or doc_pub, "confidence": 1.0})
            row.update({k: v for k, v in want.items() if k in row})
            rows.append(row)
            delta[want["source_file"]] = delta.get(want["source_file"], 0) + 1
        conn.execute(insert(facts), rows)
        report.added += len(rows)
    for src, d in sorted(delta.items()):
        if d:
            conn.execute(update(documents).where(documents.c.source_file == src)
                         .values(n_facts=documents.c.n_facts + d))


def _touch(conn: Connection) -> None:
    """Record that reviewed values changed (the dashboard reloads its copy of the facts)."""
    stamp = _dt.datetime.now(_dt.timezone.utc).isoformat()
    if conn.execute(update(meta).where(meta.c.key == REVIEW_META_KEY).values(value=stamp)).rowcount == 0:
        conn.execute(insert(meta).values(key=REVIEW_META_KEY, value=stamp))


def apply_all(engine: Engine) -> RecomputeReport:
    """Apply every correction and programme rule to the whole fact table (end of every ETL run)."""
    with engine.begin() as conn:
        return recompute(conn, None)


# --------------------------------------------------------------------------------------------
# Anchors of stored facts
# --------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the sentence around text[start:end] (ends at 。！？；; or a line break)."""
    s = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        s = m.end()
    m = _SENTENCE_END.search(text, end)
    e = m.end() if m else len(text)
    while s < start and text[s].isspace():
        s += 1
    return s, e


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the paragraph (between line breaks) around text[start:end]."""
    s = text.rfind("\n", 0, start) + 1
    e = text.find("\n", end)
    return s, (e if e >= 0 else len(text))


def _document_locations(conn: Connection, source_file: str) -> tuple[list[R.Located], dict[str, tuple]]:
    """Locate every extracted fact of a document (as extracted: spans and quotes never change)."""
    arts = {a.article_id: (a.seq, a.text) for a in conn.execute(
        select(articles.c.article_id, articles.c.seq, articles.c.text).where(articles.c.source_file == source_file))}
    locs = []
    for f in conn.execute(select(facts.c.fact_id, facts.c.article_id, facts.c.span_start, facts.c.span_end,
                                 facts.c.quote).where(facts.c.source_file == source_file)):
        if f.fact_id.startswith(R.ADDED_PREFIX):
            continue
        seq, text = arts.get(f.article_id, (0, ""))
        locs.append(R.locate(f._mapping, text, (seq, f.span_start)))
    return locs, arts


def fact_anchor(conn: Connection, fact: Mapping) -> R.Anchor:
    """Return the anchor of a stored fact (an added fact's is the one it was added at)."""
    fid = str(fact["fact_id"])
    if fid.startswith(R.ADDED_PREFIX):
        row = conn.execute(select(corrections).where(corrections.c.fact_id == fid)).first()
        if row is not None:
            return _correction(row).anchor
    src = str(fact["source_file"])
    locs, _arts = _document_locations(conn, src)
    target = next((loc for loc in locs if loc.fact_id == fid), None)
    content_hash = conn.execute(select(documents.c.content_hash).where(documents.c.source_file == src)).scalar() or ""
    if target is None:
        target = R.Located(fid, "", str(fact.get("quote") or ""), -1, "", "")
    return R.anchor_for(target, locs, src, content_hash, int(fact["span_start"]))


# --------------------------------------------------------------------------------------------
# Editors' writes
# --------------------------------------------------------------------------------------------

@dataclass
class ReviewResult:
    """The outcome of an editor's write, for the page to show."""

    ok: bool
    message: str
    fact: dict | None = None  # the fact's values after the write (or now, on a conflict)
    conflict: bool = False
    affected: int = 0
    fact_id: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _lock_facts(conn: Connection, fact_ids: Sequence[str]) -> int:
    """Lock fact rows for this transaction (a no-op UPDATE: works on SQLite and PostgreSQL)."""
    n = 0
    for fid in sorted(set(fact_ids)):
        n += conn.execute(update(facts).where(facts.c.fact_id == fid)
                          .values(review_status=facts.c.review_status)).rowcount
    return n


def _get_fact(conn: Connection, fact_id: str) -> dict | None:
    row = conn.execute(select(*[facts.c[c] for c in FACT_COLUMNS]).where(facts.c.fact_id == fact_id)).first()
    return dict(row._mapping) if row else None


def _audit(conn: Connection, rows: list[dict]) -> None:
    if rows:
        at = now()
        conn.execute(insert(audit), [{"at": at, **r} for r in rows])


def _upsert_correction(conn: Connection, anchor: R.Anchor, *, user: str, reason: str, fields: Mapping | None = None,
                       confirmed: bool | None = None, rejected: bool | None = None, added: bool = False) -> None:
    row = conn.execute(select(corrections).where(corrections.c.anchor_key == anchor.key)).first()
    stamp = now()
    if row is None:
        conn.execute(insert(corrections).values(
            anchor_key=anchor.key, source_file=anchor.source_file, content_hash=anchor.content_hash,
            quote=anchor.quote, number=anchor.number, quote_offset=anchor.quote_offset, occurrence=anchor.occurrence,
            before=anchor.before, after=anchor.after, span_start=anchor.span_start,
            fields=R.dumps(fields or {}), confirmed=int(bool(confirmed)), rejected=int(bool(rejected)),
            added=int(added), reason=reason, version=1, created_by=user, created_at=stamp, updated_by=user,
            updated_at=stamp))
        return
    values = {"reason": reason or row.reason, "version": row.version + 1, "updated_by": user, "updated_at": stamp}
    if fields:
        merged = R.loads(row.fields)
        merged.update(fields)
        values["fields"] = R.dumps(merged)
    if confirmed is not None:
        values["confirmed"] = int(confirmed)
    if rejected is not None:
        values["rejected"] = int(rejected)
    conn.execute(update(corrections).where(corrections.c.id == row.id).values(**values))


def _changes(before: Mapping, after: Mapping | None) -> list[tuple[str, str, str]]:
    if after is None:
        return []
    # (what an editor changed; initiative_basis only follows the programme)
    return [(k, _fmt(before.get(k)), _fmt(after.get(k))) for k in R.EDITABLE_FIELDS + ("review_status",)
            if not R._same(before.get(k), after.get(k))]


def save_review(engine: Engine, fact_id: str, action: str, fields: Mapping | None = None, *, user: str,
                reason: str = "", expected: Mapping | None = None, scope: str = "fact") -> ReviewResult:
    """Save an editor's verdict on one fact (edit | confirm | reject | restore), audited, in one transaction.

    expected: the values the editor saw (WATCHED_FIELDS); if any changed meanwhile nothing is
    written and the result carries the new values (conflict). scope "paragraph" or "article"
    also gives the other facts there the programme/region fields that changed.
    """
    if action not in ("edit", "confirm", "reject", "restore"):
        raise ValueError(f"unknown review action {action!r}")
    fields = dict(fields or {})
    with engine.begin() as conn:
        if not _lock_facts(conn, [fact_id]):
            return ReviewResult(False, "找不到这条事实：它可能刚被重新提取或删除。请回到审核列表重新打开。", None, True)
        current = _get_fact(conn, fact_id)
        if expected is not None:
            changed = [k for k in R.WATCHED_FIELDS if k in expected and not R._same(expected[k], current[k])]
            if changed:
                return ReviewResult(False, "这条事实在您打开之后已被他人修改，您的修改没有保存。下面显示的是最新的值，"
                                    "请核对后再保存。", current, True, fact_id=fact_id)
        fields = {k: v for k, v in fields.items() if k in R.EDITABLE_FIELDS}
        if action == "edit":
            fields = {k: v for k, v in fields.items() if not R._same(current.get(k), v)}
            if not fields:
                return ReviewResult(True, "没有需要保存的变化。", current, fact_id=fact_id)
        targets = [current]
        bulk = {k: v for k, v in fields.items() if k in R.BULK_FIELDS}
        if scope in ("paragraph", "article") and bulk and action == "edit":
            targets += _scope_facts(conn, current, scope)
            _lock_facts(conn, [t["fact_id"] for t in targets[1:]])
        src = str(current["source_file"])
        before = {t["fact_id"]: _get_fact(conn, t["fact_id"]) for t in targets}
        for i, target in enumerate(targets):
            anchor = fact_anchor(conn, target)
            if action == "edit":
                _upsert_correction(conn, anchor, user=user, reason=reason, fields=fields if i == 0 else bulk,
                                   rejected=False)
            elif action == "confirm":
                _upsert_correction(conn, anchor, user=user, reason=reason, confirmed=True, rejected=False)
            elif action == "reject":
                _upsert_correction(conn, anchor, user=user, reason=reason, rejected=True)
            else:
                _upsert_correction(conn, anchor, user=user, reason=reason, rejected=False)
        recompute(conn, {src} | {str(t["source_file"]) for t in targets})
        _touch(conn)
        audit_rows, affected = [], 0
        for fid, old in before.items():
            new = _get_fact(conn, fid)
            diff = _changes(old, new)
            if diff:
                affected += 1
            for name, o, n in diff:
                audit_rows.append({"username": user, "action": action, "fact_id": fid, "source_file": old["source_file"],
                                   "field": name, "old": o, "new": n, "reason": reason})
        _audit(conn, audit_rows)
        after = _get_fact(conn, fact_id)
    changes = _changes(current, after)
    if not changes:
        return ReviewResult(True, "没有需要保存的变化。", after, fact_id=fact_id)
    msg = {"edit": "更正已保存", "confirm": "已确认无误", "reject": "已标记为“不是事实”", "restore": "已恢复"}[action]
    if affected > 1:
        msg += f"；同{ '一段' if scope == 'paragraph' else '一篇文章' }中共 {affected} 条事实已一并修改"
    return ReviewResult(True, msg + "。", after, affected=affected, fact_id=fact_id, changes=changes)


def _scope_facts(conn: Connection, fact: Mapping, scope: str) -> list[dict]:
    """Other facts of the same article (scope article) or paragraph (scope paragraph)."""
    rows = _fact_dicts(conn, facts.c.article_id == fact["article_id"])
    rows = [r for r in rows if r["fact_id"] != fact["fact_id"]]
    if scope == "article":
        return rows
    text = conn.execute(select(articles.c.text).where(articles.c.article_id == fact["article_id"])).scalar() or ""
    s, e = paragraph_bounds(text, int(fact["span_start"]), int(fact["span_end"]))
    return [r for r in rows if s <= int(r["span_start"]) and int(r["span_end"]) <= e]


def add_fact(engine: Engine, article_id: str, start: int, end: int, fields: Mapping, *, user: str,
             reason: str = "") -> ReviewResult:
    """Add a number the extractor missed: anchor it where the editor selected it, audited."""
    with engine.begin() as conn:
        art = conn.execute(select(articles.c.article_id, articles.c.source_file, articles.c.seq, articles.c.text)
                           .where(articles.c.article_id == article_id)).first()
        if art is None:
            return ReviewResult(False, "找不到这篇文章，可能刚被重新提取。请刷新页面后再试。")
        text = art.text
        if not (0 <= start < end <= len(text)) or not text[start:end].strip():
            return ReviewResult(False, "请先在原文中用鼠标选中要添加的数字（连同单位），再点“添加选中的数字”。")
        for f in conn.execute(select(facts.c.fact_id, facts.c.span_start, facts.c.span_end)
                              .where(facts.c.article_id == article_id)):
            if f.span_start < end and start < f.span_end:
                return ReviewResult(False, "选中的文字已经是一条事实，请直接审核它。", None, fact_id=f.fact_id)
        src = art.source_file
        locs, arts = _document_locations(conn, src)
        s, e = sentence_bounds(text, start, end)
        quote = text[s:e].strip()
        offset = start - (s + (text[s:e].find(quote) if quote else 0))
        number = text[start:end]
        occurrence = 0
        for aid, (seq, atext) in sorted(arts.items(), key=lambda kv: kv[1][0]):
            pos = atext.find(quote) if quote else -1
            while pos >= 0:
                hit = pos + offset
                if (aid, hit) == (article_id, start):
                    break
                if atext[hit:hit + len(number)] == number:
                    occurrence += 1
                pos = atext.find(quote, pos + 1)
            else:
                continue
            break
        content_hash = conn.execute(select(documents.c.content_hash).where(documents.c.source_file == src)).scalar()
        anchor = R.Anchor(src, content_hash or "", quote, number, offset, occurrence,
                          text[max(0, start - R.CONTEXT_CHARS):start], text[end:end + R.CONTEXT_CHARS], start)
        row = {k: v for k, v in fields.items() if k in R.EDITABLE_FIELDS or k in ("subject", "per")}
        _upsert_correction(conn, anchor, user=user, reason=reason, fields=row, rejected=False, added=True)
        recompute(conn, [src])
        new_id = R.added_fact_id(anchor)
        after = _get_fact(conn, new_id)
        if after is None:
            return ReviewResult(False, "没能在原文中定位这个数字，请换一种选法（只选数字和单位）再试。")
        _audit(conn, [{"username": user, "action": "add", "fact_id": new_id, "source_file": src, "field": "fact",
                       "old": "", "new": number, "reason": reason}])
        _touch(conn)
    return ReviewResult(True, f"已添加事实“{number}”。", after, fact_id=new_id)


def save_rule(engine: Engine, name: str, action: str, target: str = "", *, user: str, reason: str = "") -> ReviewResult:
    """Merge or rename a programme name into target, or reject it; applied at once and on every run."""
    name, target = name.strip(), target.strip()
    if not name:
        return ReviewResult(False, "请先选择一个举措名称。")
    if action not in ("merge", "reject", "remove"):
        raise ValueError(f"unknown rule action {action!r}")
    with engine.begin() as conn:
        rules = _rules(conn)
        if action == "merge":
            if not target or target == name:
                return ReviewResult(False, "请填写要并入（或改成）的名称，且不能与原名称相同。")
            if R.creates_cycle(name, target, rules):
                return ReviewResult(False, f"“{name}”并入“{target}”会形成循环（“{target}”已经并入了“{name}”），未保存。")
        old = rules.get(name)
        conn.execute(delete(programme_rules).where(programme_rules.c.name == name))
        if action != "remove":
            conn.execute(insert(programme_rules).values(name=name, action=action, target=target if action == "merge" else "",
                                                        reason=reason, created_by=user, created_at=now()))
        if action == "remove":
            if old is None:
                return ReviewResult(False, f"“{name}”没有合并或排除的规则。")
            audit_action, new = "programme_rule_removed", name
        elif action == "reject":
            audit_action, new = "programme_reject", ""
        else:
            exists = conn.execute(select(func.count()).select_from(facts).where(facts.c.initiative == target)).scalar()
            audit_action, new = ("programme_merge" if exists else "programme_rename"), target
        report = recompute(conn, None)
        _touch(conn)
        _audit(conn, [{"username": user, "action": audit_action, "fact_id": "", "source_file": "",
                       "field": "initiative", "old": name if action != "remove" else
                       (old.target if old.action == "merge" else "（排除）"), "new": new, "reason": reason}])
    verb = {"merge": f"已把“{name}”并入“{target}”", "reject": f"已把“{name}”标记为不是举措",
            "remove": f"已撤销对“{name}”的处理"}[action]
    return ReviewResult(True, f"{verb}（{report.updated} 条事实已更新）。", affected=report.updated)


# --------------------------------------------------------------------------------------------
# Reading for the review pages
# --------------------------------------------------------------------------------------------

def reviewed_fact_ids(engine: Engine) -> set[str]:
    """Fact ids that an editor has reviewed (applied corrections)."""
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(select(corrections.c.fact_id).where(corrections.c.status == "applied",
                                                                                 corrections.c.fact_id != ""))}


def orphans(engine: Engine) -> list[dict]:
    """Corrections whose number can no longer be found, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(corrections).where(corrections.c.status == R.STATUS_ORPHANED)
                            .order_by(corrections.c.updated_at.desc(), corrections.c.id.desc()))
        return [dict(r._mapping) for r in rows]


def audit_rows(engine: Engine, fact_id: str | None = None, limit: int = 50) -> list[dict]:
    """Audit rows (newest first) for one fact, or all."""
    q = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if fact_id:
        q = q.where(audit.c.fact_id == fact_id)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def fact_details(engine: Engine, fact_id: str) -> tuple[dict | None, dict | None, dict]:
    """Return (fact row, article row, extracted values of the fields review changed) for one fact."""
    with engine.connect() as conn:
        fact = _get_fact(conn, fact_id)
        if fact is None:
            return None, None, {}
        art = conn.execute(select(articles).where(articles.c.article_id == fact["article_id"])).first()
        orig = conn.execute(select(fact_originals.c.fields).where(fact_originals.c.fact_id == fact_id)).scalar()
        return fact, (dict(art._mapping) if art else None), R.loads(orig)


def programme_list(engine: Engine) -> tuple[list[tuple[str, int, int]], dict[str, R.Rule]]:
    """Return ([(name, facts now, facts as extracted)], rules): every programme name the facts use or used.

    Rejected facts are not counted.
    """
    live = facts.c.review_status != "rejected"
    with engine.connect() as conn:
        now_counts = dict(conn.execute(select(facts.c.initiative, func.count()).where(live)
                                       .group_by(facts.c.initiative)).all())
        extracted = dict(conn.execute(select(facts.c.initiative, func.count()).where(
            live, ~facts.c.fact_id.in_(select(fact_originals.c.fact_id))).group_by(facts.c.initiative)).all())
        for text in conn.execute(select(fact_originals.c.fields).join(facts, facts.c.fact_id == fact_originals.c.fact_id)
                                 .where(live)).scalars():
            name = R.loads(text).get("initiative", "")
            extracted[name] = extracted.get(name, 0) + 1
        rules = _rules(conn)
    names = sorted((set(now_counts) | set(extracted) | set(rules)) - {""})
    rows = [(n, int(now_counts.get(n, 0)), int(extracted.get(n, 0))) for n in names]
    rows.sort(key=lambda r: (-max(r[1], r[2]), r[0]))
    return rows, rules


def log_event(engine: Engine, event: str, username: str = "", ip: str = "", detail: str = "") -> None:
    """Record an authentication or authorisation event."""
    with engine.begin() as conn:
        conn.execute(insert(auth_events).values(at=now(), username=username, ip=ip, event=event, detail=detail[:2000]))


def is_unique_violation(exc: IntegrityError) -> bool:
    return "unique" in str(exc.orig).lower() or "duplicate" in str(exc.orig).lower()
