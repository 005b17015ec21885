"""Accuracy of the ETL against the hand-made gold annotations (tests/gold/, rules in its README).

Two groups of tests:
- the scoring code itself (pure, always runnable);
- the real pipeline on the seed page and the genre corpus (tests/fixtures/genre/), with the
  targets of issue 2: F1 ≥ 0.95 and league/banner/initiative accuracy ≥ 0.95 on the seed and the
  tuning split; the held-out split is printed and held to a lower floor.
The pipeline tests import the ETL inside the test: while it is missing they FAIL (not skip).
"""
from __future__ import annotations

import html
import json

import pytest

from tests import scoring
from tests.scoring import ASSERTED_FIELDS, Scores, load_gold, parse_numerals, score, score_corpus

SEED = "000_6770a73b9caf9553.txt"
TARGET_F1 = 0.95
TARGET_ACCURACY = 0.95
HELDOUT_F1_FLOOR = 0.85
HELDOUT_ACCURACY_FLOOR = 0.85
# The programme on held-out writing is the field that falls short of issue 9's 0.90: batches L to R scored
# 0.69-0.86 at their first scores (R, the last, 0.83), all held-out files together 0.84 in session 6 (README,
# "Accuracy"). This floor guards against a regression below what is measured; it is not the target.
HELDOUT_PROGRAMME_FLOOR = 0.75


# --------------------------------------------------------------------------- the scoring code
def _gold(*facts, traps=(), duplicates=()):
    return {"source_file": "t.txt", "split": "seed", "facts": list(facts), "traps": list(traps),
            "duplicates": list(duplicates)}


def _g(near, value, unit="个", **kw):
    d = {"near": near, "value": value, "unit": unit, "qualifier": "exact", "per": "", "league": "赤峰市",
         "banner": "", "initiative": "三减三优", "indicator": "services"}
    d.update(kw)
    return d


def _p(quote, value, unit="个", **kw):
    d = {"quote": quote, "value": float(value), "unit": unit, "qualifier": "exact", "per": "", "league": "赤峰市",
         "banner": "", "initiative": "三减三优", "indicator": "services", "article_id": "a"}
    d.update(kw)
    return d


G2 = _g("设置2个综合窗口", 2)
G1 = _g("村级设置1个综合窗口", 1)
QUOTE = "确保乡级党群服务中心设置2个综合窗口、村级设置1个综合窗口办理业务"


def test_perfect_prediction_scores_one():
    s = score([_p(QUOTE, 2), _p(QUOTE, 1)], _gold(G2, G1))
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert all(s.accuracy(f) == 1.0 for f in scoring.ATTRIBUTION_FIELDS)


def test_missing_fact_lowers_recall_only():
    s = score([_p(QUOTE, 2)], _gold(G2, G1))
    assert s.precision == 1.0 and s.recall == 0.5
    assert [g["value"] for g in s.missed] == [1]


def test_spurious_fact_lowers_precision_only():
    s = score([_p(QUOTE, 2), _p(QUOTE, 1), _p("其他句子3个", 3)], _gold(G2, G1))
    assert s.recall == 1.0 and s.precision == pytest.approx(2 / 3)
    assert len(s.spurious) == 1


def test_wrong_league_lowers_league_accuracy():
    s = score([_p(QUOTE, 2, league="通辽市"), _p(QUOTE, 1)], _gold(G2, G1))
    assert s.f1 == 1.0
    assert s.accuracy("league") == 0.5 and s.accuracy("banner") == 1.0
    assert s.mismatches[0][0] == "league"


def test_value_unit_and_near_must_all_agree():
    assert score([_p(QUOTE, 3)], _gold(G2)).matched == 0
    assert score([_p(QUOTE, 2, unit="人")], _gold(G2)).matched == 0
    assert score([_p("别的句子有2个", 2)], _gold(G2)).matched == 0
    # whitespace (layout line breaks) is ignored when looking for the snippet
    assert score([_p("设置2个综\n合窗口", 2)], _gold(G2)).matched == 1
    # relative tolerance for large values
    big = _g("已达4万多人", 40000, "人")
    assert score([_p("宣讲受众人群已达4万多人", 40000.00000001, "人")], _gold(big)).matched == 1


def test_one_to_one_matching():
    s = score([_p(QUOTE, 2)], _gold(G2, _g("设置2个综合窗口", 2)))
    assert s.matched == 1 and s.recall == 0.5
    s = score([_p(QUOTE, 2), _p(QUOTE, 2)], _gold(G2))
    assert s.matched == 1 and s.precision == 0.5


def test_quote_falls_back_to_article_text():
    p = _p("", 2, span_start=11, span_end=13)
    s = score([p], _gold(G2), article_texts={"a": QUOTE})
    assert s.matched == 1


def test_trap_violation_and_headline_duplicate():
    gold = _gold(_g("赤峰市2423名嘎查村", 2423, "人"), traps=["党的十八大", "“三减三优”"],
                 duplicates=["赤峰市2423名基层书记"])
    preds = [_p("赤峰市2423名嘎查村（社区）书记以党的十八大以来", 2423, "人"),
             _p("赤峰市2423名嘎查村（社区）书记以党的十八大以来", 18, "人"),
             _p("赤峰市2423名基层书记一线传党音", 2423, "人")]
    s = score(preds, gold)
    assert s.matched == 1
    assert [t for t, _ in s.trap_violations] == ["党的十八大"]
    assert len(s.duplicates) == 1


def test_corpus_micro_average():
    a = score([_p(QUOTE, 2), _p(QUOTE, 1)], _gold(G2, G1))
    b = score([], _gold(G2))
    total = score_corpus([a, b])
    assert (total.matched, total.n_gold, total.n_pred) == (2, 3, 2)
    assert total.recall == pytest.approx(2 / 3) and total.precision == 1.0


def test_parse_numerals():
    assert parse_numerals("二十大") >= {20.0}
    assert 2423.0 in parse_numerals("2423名")
    assert {1.0, 2.0} <= parse_numerals("“两代表一委员”")
    assert 15.0 in parse_numerals("１５个")


# --------------------------------------------------------------------------- the gold files
ALL_GOLD = load_gold()


def test_gold_files_are_well_formed():
    splits = {g["split"] for g in ALL_GOLD}
    assert splits == {"seed", "tuning", "heldout"}
    for gold in ALL_GOLD:
        text = scoring.report_path(gold["source_file"]).read_bytes()
        assert gold["facts"], gold["source_file"]
        for f in gold["facts"]:
            assert f["qualifier"] in ("exact", "more", "less", "approx", "range"), f
            if f["qualifier"] == "range":
                assert f["value_low"] is not None and f["value_high"] is not None, f
            if f.get("banner"):
                assert f.get("league"), f
        json.dumps(gold)
        assert text


def _decoded(source_file: str) -> str:
    """The report's text as the gold was written against: decoded, HTML entities resolved."""
    raw = scoring.report_path(source_file).read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise AssertionError(f"{source_file}: neither UTF-8 nor GB18030")
    return html.unescape(text) if source_file.endswith((".html", ".htm")) else text


@pytest.mark.parametrize("gold", ALL_GOLD, ids=lambda g: g["source_file"])
def test_gold_snippets_occur_once(gold):
    text = _decoded(gold["source_file"])
    for f in gold["facts"]:
        assert text.count(f["near"]) == 1, f["near"]
    for t in gold["traps"]:
        assert t in text, t


# --------------------------------------------------------------------------- the real pipeline
def _scores(split: str) -> list[Scores]:
    return [scoring.score_file(g) for g in load_gold(split)]


def _assert_targets(s: Scores, f1: float, accuracy: float, label: str, floors: dict[str, float] | None = None):
    print(f"\n{label}: {s.summary()}")
    problems = []
    if s.f1 < f1:
        problems.append(f"F1 {s.f1:.3f} < {f1}")
    for name in ASSERTED_FIELDS:
        target = (floors or {}).get(name, accuracy)
        if s.accuracy(name) < target:
            problems.append(f"{name} accuracy {s.accuracy(name):.3f} < {target}")
    detail = [f"missed: {g['value']} «{g['near']}»" for g in s.missed[:15]]
    detail += [f"spurious: {p.get('value')} {p.get('unit')} «{(p.get('quote') or '')[:30]}»" for p in s.spurious[:15]]
    detail += [f"wrong {n}: gold {g.get(n)!r} got {p.get(n)!r} «{g['near']}»" for n, g, p in s.mismatches[:15]]
    assert not problems, f"{label}: " + "; ".join(problems) + "\n" + "\n".join(detail)


def test_seed_accuracy():
    (gold,) = load_gold("seed")
    _assert_targets(scoring.score_file(gold), TARGET_F1, TARGET_ACCURACY, "seed")


# Session 3 (issue 9): reports 130 and up were written blind by writers who saw only the conventions; on
# them the issue's targets apply (F1 ≥ 0.97, programme ≥ 0.90, league and banner ≥ 0.95, every field ≥ 0.85).
SESSION3_FIRST = 130
ISSUE9_F1, ISSUE9_PROGRAMME, ISSUE9_REGION, ISSUE9_STRICT = 0.97, 0.90, 0.95, 0.85


def _tuning(session3: bool) -> list[Scores]:
    return [s for s in _scores("tuning") if (int(s.files[0][:3]) >= SESSION3_FIRST) == session3]


def test_tuning_corpus_accuracy():
    """The earlier tuning reports keep the targets of issue 2 (no regression)."""
    _assert_targets(score_corpus(_tuning(False)), TARGET_F1, TARGET_ACCURACY, "tuning, sessions 1-2 (micro)")


def test_session3_tuning_corpus_meets_issue9_targets():
    s = score_corpus(_tuning(True))
    print(f"\nsession-3 tuning: {s.summary()}")
    problems = [f"{name} {value:.3f} < {target}" for name, value, target in (
        ("F1", s.f1, ISSUE9_F1), ("initiative", s.accuracy("initiative"), ISSUE9_PROGRAMME),
        ("league", s.accuracy("league"), ISSUE9_REGION), ("banner", s.accuracy("banner"), ISSUE9_REGION),
        ("strict", s.strict, ISSUE9_STRICT)) if value < target]
    assert not problems, "; ".join(problems)


def test_heldout_corpus_accuracy():
    per_file = _scores("heldout")
    for s in per_file:
        print(f"\nheldout {s.files[0]}: {s.summary()}")
    _assert_targets(score_corpus(per_file), HELDOUT_F1_FLOOR, HELDOUT_ACCURACY_FLOOR, "heldout (micro)",
                    {"initiative": HELDOUT_PROGRAMME_FLOOR})


@pytest.fixture(scope="module")
def seed_facts():
    facts, _ = scoring.run_pipeline(SEED)
    return facts


def _find(facts, value, unit, snippet):
    hits = [f for f in facts if scoring._same_value(f["value"], value) and f["unit"] == unit
            and snippet in scoring._norm(f.get("quote"))]
    assert len(hits) == 1, f"expected one fact {value} {unit} «{snippet}», got {len(hits)}"
    return hits[0]


def test_design_fact_15_alliances_in_chen_barag(seed_facts):
    f = _find(seed_facts, 15, "个", "等15个“嘎查+社区")
    assert (f["league"], f["banner"], f["initiative"]) == ("呼伦贝尔市", "陈巴尔虎旗", "聚力工程")
    assert f["qualifier"] == "exact"


def test_design_fact_2423_secretaries_in_chifeng(seed_facts):
    f = _find(seed_facts, 2423, "人", "赤峰市2423名嘎查村")
    assert (f["league"], f["banner"]) == ("赤峰市", "")
    # the headline's 2423 is the same fact, not a second one
    assert sum(1 for x in seed_facts if scoring._same_value(x["value"], 2423)) == 1


def test_design_fact_40000_reached_in_chifeng(seed_facts):
    f = _find(seed_facts, 40000, "人", "已达4万多人")
    assert (f["league"], f["banner"], f["qualifier"]) == ("赤峰市", "", "more")


def test_design_fact_292_yuan_per_sheep_in_wuchuan(seed_facts):
    f = _find(seed_facts, 292, "元", "每只羊年收益292元")
    assert (f["league"], f["banner"], f["per"]) == ("呼和浩特市", "武川县", "只")


def test_fragment_does_not_inherit_wuchuan(seed_facts):
    for value in (200, 110):
        f = _find(seed_facts, value, "条", "多条")
        assert f["banner"] != "武川县" and f["township"] == "民警路街道", f
