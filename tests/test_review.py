"""Corrections that last: anchors, matching, programme rules, the store's writes and re-runs (SQLite and PostgreSQL)."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.review_queries import RegionIndex, form_fields, read_selection
from etl import review as R
from etl import review_store as RS
from etl.cli import run_corpus
from etl.export import export_all
from etl.schema import FACT_COLUMNS
from etl.store import facts, open_store

from conftest import SEED, run_cli

REPORT = """某旗服务站建设情况

全旗共建成服务站60个，覆盖牧户1200户，惠及群众约3万人，历时两年。

今年该旗投入资金300万元，新修道路12.5公里。

2024年1月，该旗又建成服务站60个，覆盖牧户1200户。
"""


# ------------------------------------------------------------------ pure: anchors and matching

def _loc(fid, number="60个", quote="建成服务站60个。", offset=5, before="全旗共建成服务站", after="，覆盖", order=(0, 0)):
    return R.Located(fid, number, quote, offset, before, after, order)


ANCHOR = R.Anchor("a.txt", "h1", "建成服务站60个。", "60个", 5, 1, "全旗共建成服务站", "，覆盖")

MATCH_CASES = [
    # (what, located numbers of the re-extracted document, content hash now, expected fact id)
    ("same file: the occurrence picks the second of two identical sentences",
     [_loc("f1", order=(0, 5)), _loc("f2", order=(1, 5))], "h1", "f2"),
    ("same file, ids changed by a new extractor: still the second",
     [_loc("g9", order=(0, 5)), _loc("g3", order=(2, 5))], "h1", "g3"),
    ("file changed, two identical sentences: ambiguous, never guessed", [_loc("f1", order=(0, 5)),
                                                                         _loc("f2", order=(1, 5))], "h2", None),
    ("file changed, the sentence is still there once", [_loc("f7")], "h2", "f7"),
    ("sentence cut differently, same text around the number",
     [_loc("f5", quote="全旗共建成服务站60个，覆盖牧户。", offset=8)], "h1", "f5"),
    ("the number changed", [_loc("f5", number="62个", quote="建成服务站62个。")], "h2", None),
    ("same number, different words around it", [_loc("f5", quote="新建服务站60个。", before="今年新建服务站")], "h2", None),
    ("nothing left in the document", [], "h1", None),
]


@pytest.mark.parametrize("what, located, content_hash, expected", MATCH_CASES, ids=[c[0] for c in MATCH_CASES])
def test_match_anchor(what, located, content_hash, expected):
    assert R.match_anchor(ANCHOR, located, content_hash) == expected


def test_anchor_for_counts_occurrences_in_document_order():
    text = "建成服务站60个。" * 3
    rows = [{"fact_id": f"f{i}", "span_start": 5 + 9 * i, "span_end": 8 + 9 * i, "quote": "建成服务站60个。"}
            for i in range(3)]
    located = [R.locate(r, text, (0, r["span_start"])) for r in rows]
    anchors = [R.anchor_for(loc, located, "a.txt", "h") for loc in located]
    assert [a.occurrence for a in anchors] == [0, 1, 2]
    assert [a.number for a in anchors] == ["60个"] * 3
    assert [R.match_anchor(a, list(reversed(located)), "h") for a in anchors] == ["f0", "f1", "f2"]


def test_programme_rules_follow_chains_and_refuse_cycles():
    rules = {"A": R.Rule("A", "merge", "B"), "B": R.Rule("B", "merge", "C"), "X": R.Rule("X", "reject")}
    assert R.resolve_programme("A", rules) == "C"
    assert R.resolve_programme("X", rules) == ""
    assert R.creates_cycle("C", "A", rules)
    assert not R.creates_cycle("D", "A", rules)


REGIONS = RegionIndex({"赤峰市": "150400", "通辽市": "150500"},
                      {"阿鲁科尔沁旗": ("150421", "150400"), "科尔沁区": ("150502", "150500")})
CURRENT = {"value": 60.0, "value_low": None, "value_high": None, "qualifier": "exact", "unit": "个", "category": "count",
           "per": "", "league": "赤峰市", "league_code": "150400", "banner": "", "banner_code": "", "township": "",
           "village": "", "region_level": "league", "initiative": "三减三优", "indicator": "organisations"}
FORM_CASES = [
    ({"value": "4万多"}, {"value": 40000.0, "value_low": None, "value_high": None, "qualifier": "more"}, []),
    ({"value": "5万-6万"}, {"value": 50000.0, "value_low": 50000.0, "value_high": 60000.0, "qualifier": "range"}, []),
    ({"value": "很多"}, {}, ["数值“很多”无法识别"]),
    ({"banner": "阿鲁科尔沁旗"}, {"banner": "阿鲁科尔沁旗", "banner_code": "150421", "region_level": "banner"}, []),
    ({"league": "通辽市", "banner": "阿鲁科尔沁旗"},  # the league changed: the old league's banner is dropped
     {"league": "通辽市", "league_code": "150500", "banner": "", "region_level": "league"}, []),
    ({"league": "", "banner": "科尔沁区"},  # a banner alone brings its league
     {"league": "通辽市", "league_code": "150500", "banner": "科尔沁区", "banner_code": "150502"}, []),
    ({"league": "火星市"}, {}, ["盟市“火星市”不在行政区划表中"]),
    ({"unit": "元"}, {"unit": "元", "category": "money"}, []),
    ({"initiative": " 党员中心户 "}, {"initiative": "党员中心户"}, []),
]


@pytest.mark.parametrize("changes, expected, problems", FORM_CASES)
def test_form_fields(changes, expected, problems):
    form = {"value": "60", "unit": "个", "qualifier": "exact", "league": "赤峰市", "banner": "", "township": "",
            "initiative": "三减三优", "indicator": "organisations", **changes}
    got, found = form_fields(CURRENT, form, REGIONS)
    for k, v in expected.items():
        assert got.get(k) == v, (k, got)
    assert len(found) == len(problems) and all(p in f for p, f in zip(problems, found))
    if not expected:
        assert got == {} or found


@pytest.mark.parametrize("text, value, unit, qualifier", [
    ("60个", 60, "个", "exact"), ("4万多人", 40000, "人", "more"), ("两年", 2, "年", "exact"),
    ("百场次", 100, "场次", "exact"), ("零下30摄氏度", -30, "°C", "exact"), ("12.5%", 12.5, "%", "exact"),
])
def test_read_selection(text, value, unit, qualifier):
    got = read_selection(text)
    assert (got["value"], got["unit"], got["qualifier"]) == (value, unit, qualifier)


@pytest.mark.parametrize("text", ["", "服务站", "年"])
def test_read_selection_refuses_words(text):
    assert read_selection(text) is None


# ------------------------------------------------------------------ store: real extraction, real databases

@pytest.fixture
def corpus(tmp_path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SEED, d / SEED.name)
    (d / "report.txt").write_text(REPORT, encoding="utf-8")
    return d


def _load(url: str, directory: Path, force: bool = False):
    with open_store(url) as store:
        return run_corpus(store, directory, force=force, workers=1)


def _fact(engine, **where) -> dict:
    q = select(*[facts.c[c] for c in FACT_COLUMNS])
    for k, v in where.items():
        q = q.where(facts.c[k] == v)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
    assert len(rows) == 1, (where, rows)
    return rows[0]


def _facts(engine, **where) -> list[dict]:
    q = select(*[facts.c[c] for c in FACT_COLUMNS]).order_by(facts.c.article_id, facts.c.span_start)
    for k, v in where.items():
        q = q.where(facts.c[k] == v)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def test_corrections_survive_force_and_extractor_rebuilds(db_url, corpus, monkeypatch):
    _load(db_url, corpus)
    store = open_store(db_url, write=False)
    e = store.engine
    try:
        f2423 = _fact(e, value=2423.0)
        f13 = _fact(e, value=13.0)
        f292 = _fact(e, value=292.0)
        ok = RS.save_review(e, f2423["fact_id"], "edit", {"initiative": "党员中心户", "value": 2424.0}, user="alice",
                            reason="核对原文")
        assert ok.ok and ok.fact["initiative"] == "党员中心户" and ok.fact["review_status"] == "corrected"
        assert RS.save_review(e, f13["fact_id"], "confirm", user="bob").fact["review_status"] == "confirmed"
        assert RS.save_review(e, f292["fact_id"], "reject", user="bob", reason="是单价").fact["review_status"] == "rejected"
        # A missed number, added where the editor selected it.
        art = next(a for a in _facts(e, source_file="report.txt"))
        with e.connect() as conn:
            text = conn.execute(select(RS.articles.c.text).where(RS.articles.c.article_id == art["article_id"])).scalar()
        start = text.index("两年")
        added = RS.add_fact(e, art["article_id"], start, start + 2, {**read_selection("两年"), "league": "", "indicator": "other"},
                            user="alice", reason="漏了")
        assert added.ok and added.fact["value"] == 2.0 and added.fact["review_status"] == "corrected"
        before = {f["fact_id"]: f for f in _facts(e)}
    finally:
        store.close()

    _load(db_url, corpus, force=True)  # re-extract everything
    monkeypatch.setattr("etl.cli.EXTRACTOR_VERSION", "test-next")  # and a new extractor version
    report = _load(db_url, corpus)
    assert report.loaded == 2 and report.review == {"updated": 0, "added": 0, "removed": 0, "applied": 4, "orphaned": 0}
    with open_store(db_url, write=False) as store:
        after = {f["fact_id"]: f for f in _facts(store.engine)}
        assert after == before
        assert store.integrity_problems() == []
        assert RS.apply_all(store.engine).updated == 0  # idempotent: nothing left to write


def test_changed_source_orphans_a_correction_instead_of_moving_it(db_url, corpus):
    _load(db_url, corpus)
    with open_store(db_url, write=False) as store:
        e = store.engine
        first = _facts(e, source_file="report.txt", value=60.0)  # the sentence appears twice
        assert len(first) == 2
        RS.save_review(e, first[1]["fact_id"], "edit", {"initiative": "第二处"}, user="alice")
        f300 = _fact(e, value=3000000.0)
        RS.save_review(e, f300["fact_id"], "edit", {"initiative": "资金"}, user="alice")
    # An edit elsewhere in the file: both corrections still find their number…
    (corpus / "report.txt").write_text(REPORT.replace("某旗服务站建设情况", "某旗服务站建设情况（修订）"), encoding="utf-8")
    _load(db_url, corpus)
    with open_store(db_url, write=False) as store:
        e = store.engine
        inits = [f["initiative"] for f in _facts(e, source_file="report.txt", value=60.0)]
        assert inits.count("第二处") == 1
        assert _fact(e, value=3000000.0)["initiative"] == "资金"
    # …the money figure changes: its correction is orphaned, never applied to the new number.
    (corpus / "report.txt").write_text(REPORT.replace("300万元", "350万元"), encoding="utf-8")
    report = _load(db_url, corpus)
    assert report.review["orphaned"] == 1
    with open_store(db_url, write=False) as store:
        e = store.engine
        assert _fact(e, value=3500000.0)["initiative"] != "资金"
        assert _fact(e, value=3500000.0)["review_status"] == "extracted"
        orphans = RS.orphans(e)
        assert [o["number"] for o in orphans] == ["300万元"]
        assert "找不到" in orphans[0]["note"]
        assert store.integrity_problems() == []


def test_second_editor_is_told_the_fact_changed(db_url, corpus):
    _load(db_url, corpus)
    with open_store(db_url, write=False) as store:
        e = store.engine
        fact = _fact(e, value=2423.0)
        seen = {k: fact[k] for k in R.WATCHED_FIELDS}
        a = RS.save_review(e, fact["fact_id"], "edit", {"initiative": "甲"}, user="alice", expected=seen)
        b = RS.save_review(e, fact["fact_id"], "edit", {"initiative": "乙"}, user="bob", expected=seen)
        assert a.ok and not b.ok and b.conflict
        assert b.fact["initiative"] == "甲" and "已被他人修改" in b.message
        assert _fact(e, value=2423.0)["initiative"] == "甲"
        assert [r["username"] for r in RS.audit_rows(e, fact["fact_id"])] == ["alice", "alice"]


@pytest.mark.parametrize("scope, expected", [("fact", 1), ("paragraph", 2), ("article", 4)])
def test_bulk_correction_of_a_paragraph_or_article(db_url, corpus, scope, expected):
    _load(db_url, corpus)
    with open_store(db_url, write=False) as store:
        e = store.engine
        fact = _fact(e, value=15.0)  # 15 and 40 share a paragraph; the article has four facts
        result = RS.save_review(e, fact["fact_id"], "edit", {"initiative": "嘎查+社区联合体", "value": 16.0},
                                user="alice", scope=scope)
        assert result.affected == expected
        same_article = _facts(e, article_id=fact["article_id"])
        assert sum(f["initiative"] == "嘎查+社区联合体" for f in same_article) == expected
        assert sum(f["value"] == 16.0 for f in same_article) == 1  # the value is this fact's only


def test_programme_merge_reject_and_undo(db_url, corpus):
    _load(db_url, corpus)
    with open_store(db_url, write=False) as store:
        e = store.engine
        n = len(_facts(e, initiative="聚力工程"))
        assert n == 2
        assert RS.save_rule(e, "聚力工程", "merge", "聚力固边", user="alice", reason="同一品牌").ok
        assert _facts(e, initiative="聚力工程") == [] and len(_facts(e, initiative="聚力固边")) == 4
        assert not RS.save_rule(e, "聚力固边", "merge", "聚力工程", user="alice").ok  # would loop
        assert RS.save_rule(e, "送学上门", "reject", user="alice").ok
        assert _facts(e, initiative="送学上门") == []
        rows, rules = RS.programme_list(e)
        counts = {name: (now, extracted) for name, now, extracted in rows}
        assert counts["聚力工程"] == (0, 2) and rules["聚力工程"].target == "聚力固边"
    _load(db_url, corpus, force=True)  # the ETL applies the rules to what it re-extracts
    with open_store(db_url, write=False) as store:
        e = store.engine
        assert _facts(e, initiative="聚力工程") == [] and _facts(e, initiative="送学上门") == []
        assert RS.save_rule(e, "聚力工程", "remove", user="alice").ok  # undo: the extracted names come back
        assert len(_facts(e, initiative="聚力工程")) == 2
        actions = [r["action"] for r in RS.audit_rows(e)]
        assert actions[0] == "programme_rule_removed" and "programme_reject" in actions
        assert "programme_merge" in actions  # 聚力固边 already named facts: a merge, not a rename


def test_the_programme_basis_follows_the_editor_and_the_rules_and_outlives_a_rerun(db_url, corpus):
    _load(db_url, corpus)
    with open_store(db_url, write=False) as store:
        e = store.engine
        f2423, f13, f15 = _fact(e, value=2423.0), _fact(e, value=13.0), _fact(e, value=15.0)
        assert f2423["initiative_basis"] == "sentence" and f13["initiative_basis"] == "sentence"
        assert f15["initiative_basis"] == "previous"
        # an editor's programme is the editor's; confirming the extracted one keeps where it was named
        assert RS.save_review(e, f2423["fact_id"], "edit", {"initiative": "书记领题"}, user="alice").fact[
            "initiative_basis"] == "editor"
        assert RS.save_review(e, f13["fact_id"], "edit", {"initiative": "送学上门"}, user="alice").fact[
            "initiative_basis"] == "sentence"
        # a programme a rule rejects leaves no basis behind
        assert RS.save_rule(e, "聚力工程", "reject", user="alice").ok
        assert {f["initiative_basis"] for f in _facts(e, article_id=f15["article_id"]) if not f["initiative"]} == {""}
    _load(db_url, corpus, force=True)  # re-extracted: the corrections and the rule apply again
    with open_store(db_url, write=False) as store:
        e = store.engine
        assert _fact(e, value=2423.0)["initiative_basis"] == "editor"
        assert _fact(e, value=13.0)["initiative_basis"] == "sentence"
        assert _fact(e, value=15.0)["initiative_basis"] == ""
        # the audit says what the editor changed, not the basis that follows it
        assert {r["field"] for r in RS.audit_rows(e, f2423["fact_id"])} <= {"initiative", "review_status", ""}


def test_export_writes_audit_and_leaves_rejected_out(db_url, corpus, tmp_path):
    _load(db_url, corpus)
    with open_store(db_url, write=False) as store:
        e = store.engine
        f13 = _fact(e, value=13.0)
        RS.save_review(e, f13["fact_id"], "reject", user="=cmd|' /C calc'!A0", reason="=HYPERLINK(\"http://x\")")
        counts = export_all(store, tmp_path / "out")
        counts_all = export_all(store, tmp_path / "all", include_rejected=True)
        with e.connect() as conn:
            total = conn.execute(select(func.count()).select_from(facts)).scalar()
    assert counts["facts.csv"] == total - 1 and counts_all["facts.csv"] == total
    assert counts["audit.csv"] == 1
    raw = (tmp_path / "out" / "audit.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0]["username"] == "'=cmd|' /C calc'!A0" and rows[0]["reason"].startswith("'=HYPERLINK")
    assert (rows[0]["field"], rows[0]["old"], rows[0]["new"]) == ("review_status", "extracted", "rejected")
    facts_all = list(csv.DictReader(io.StringIO((tmp_path / "all" / "facts.csv").read_text(encoding="utf-8-sig"))))
    assert [r["review_status"] for r in facts_all if r["fact_id"] == f13["fact_id"]] == ["rejected"]


def test_cli_force_run_then_export_keeps_the_correction(sqlite_url, corpus, tmp_path):
    assert run_cli("run", str(corpus), "--database", sqlite_url, "--no-export").returncode == 0
    with open_store(sqlite_url, write=False) as store:
        fact = _fact(store.engine, value=2423.0)
        RS.save_review(store.engine, fact["fact_id"], "edit", {"initiative": "党员中心户"}, user="alice", reason="核对")
    run = run_cli("run", str(corpus), "--database", sqlite_url, "--force", "--export", str(tmp_path / "x"))
    assert run.returncode == 0, run.stderr
    assert "编辑的更正：已应用 1 条" in run.stdout
    out = run_cli("export", "--database", sqlite_url, "--out", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "facts.csv").read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r["fact_id"] == fact["fact_id"])
    assert (row["initiative"], row["review_status"]) == ("党员中心户", "corrected")
    audit = list(csv.DictReader(io.StringIO((tmp_path / "out" / "audit.csv").read_text(encoding="utf-8-sig"))))
    assert {(a["username"], a["field"], a["new"]) for a in audit} >= {("alice", "initiative", "党员中心户")}
