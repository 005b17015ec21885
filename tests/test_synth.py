"""The synthetic corpus generator (etl.synth) and the ETL's accuracy at scale against its answer keys.

Run with ``-s`` to see the end-to-end figures::

    .venv/bin/python -m pytest tests/test_synth.py -s
"""
from __future__ import annotations

import csv
import dataclasses
import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from etl import synth
from etl.synth import SOURCE, SPLIT, generate, generate_report

CANONICAL_UNITS = {"人", "户", "个", "元", "平方米", "平方公里", "公里", "亩", "%", "°C", "人次"}
QUALIFIERS = {"exact", "more", "less", "approx", "range"}
GOLD_KEYS = {"near", "value", "value_low", "value_high", "qualifier", "unit", "per", "league", "banner",
             "township", "village", "initiative", "indicator", "subject"}

# Floors of the end-to-end check (issue 5 / the lead's brief: F1 ≥ 0.9, league ≥ 0.95, banner ≥ 0.9).
# Measured on 2026-11-28 with seed 2026, 40 reports (831 facts): P=1.000 R=0.999 F1=0.999,
# league 0.999, banner 0.995, initiative 1.000, no trap violated (1000 reports, seed 42, 20910
# facts: F1=0.998, league 0.998, banner 0.995). The floors stay at the brief's values, well
# below the measurement, so that a real regression, not noise, fails.
F1_FLOOR = 0.90
LEAGUE_FLOOR = 0.95
BANNER_FLOOR = 0.90
INITIATIVE_FLOOR = 0.90
N_REPORTS = 40
SEED = 2026


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------
def test_same_seed_same_bytes(tmp_path: Path) -> None:
    generate(6, tmp_path / "a", seed=3)
    generate(6, tmp_path / "b", seed=3)
    generate(6, tmp_path / "c", seed=4)
    a, b, c = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert a == b
    assert a.keys() == c.keys() and a != c


def test_workers_write_the_same_bytes(tmp_path: Path) -> None:
    generate(260, tmp_path / "one", seed=8, workers=1, answer_keys=False)
    generate(260, tmp_path / "two", seed=8, workers=2, answer_keys=False)  # two chunks of work
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_reports_do_not_depend_on_corpus_size() -> None:
    # report i is the same whether 5 or 5000 are generated (each has its own RNG)
    assert generate_report(3, 11) == generate_report(3, 11)
    assert generate_report(3, 11)[0] != generate_report(4, 11)[0]


def test_files_and_manifest_say_synthetic(tmp_path: Path) -> None:
    summary = generate(5, tmp_path, seed=1)
    assert summary.reports == 5 and summary.facts > 0 and summary.bytes > 0
    reports = sorted(p.name for p in tmp_path.glob("*.txt"))
    assert reports == [f"synthetic_{i:06d}.txt" for i in range(1, 6)]
    keys = sorted(p.name for p in tmp_path.glob("*.gold.json"))
    assert keys == [f"synthetic_{i:06d}.gold.json" for i in range(1, 6)]
    with (tmp_path / "manifest.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["file"] for r in rows] == reports
    assert {r["source"] for r in rows} == {SOURCE}
    assert "synthetic" in SOURCE and "not real" in SOURCE
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["published"]) for r in rows)
    assert all(r["title"] for r in rows)


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert synth.main(["--reports", "2", "--out", str(tmp_path), "--seed", "5", "--no-answer-keys"]) == 0
    assert "2 synthetic reports" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "manifest.csv", "synthetic_000001.txt", "synthetic_000002.txt"]


def test_answer_keys_are_well_formed() -> None:
    from etl.paths import REFERENCE_DIR  # noqa: PLC0415

    with (REFERENCE_DIR / "regions.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    name_of = {r["code"]: r["name"] for r in rows}
    leagues = {r["name"] for r in rows if r["level"] == "league"}
    league_of_banner = {r["name"]: name_of[r["league_code"]] for r in rows if r["level"] == "banner"}
    sizes, counts = [], []
    units: Counter = Counter()
    quals: Counter = Counter()
    for i in range(1, 81):
        text, gold, title = generate_report(i, 9)
        assert gold["split"] == SPLIT and gold["source_file"] == f"synthetic_{i:06d}.txt"
        assert title and title in text
        flat = re.sub(r"\s+", "", text)
        sizes.append(len(text.encode("utf-8")))
        counts.append(len(gold["facts"]))
        for f in gold["facts"]:
            assert set(f) == GOLD_KEYS, f
            assert f["near"] and re.sub(r"\s+", "", f["near"]) in flat, f
            assert f["qualifier"] in QUALIFIERS
            assert (f["value_low"] is not None) == (f["qualifier"] == "range")
            if f["qualifier"] == "range":
                assert f["value"] == f["value_low"] < f["value_high"]
            assert f["unit"] in CANONICAL_UNITS or re.fullmatch(r"[\u4e00-\u9fff]{1,2}", f["unit"]), f
            assert f["unit"] not in ("名", "位", "万元", "亿元", "平米", "千米", "摄氏度", "℃")
            if f["league"] == "":
                assert f["banner"] == "" and f["township"] == ""
            if f["league"]:
                assert f["league"] in leagues
            if f["banner"]:
                assert league_of_banner[f["banner"]] == f["league"], f
            if f["village"]:
                assert f["township"] and f["banner"]
            units[f["unit"]] += 1
            quals[f["qualifier"]] += 1
        for trap in gold["traps"]:
            assert trap in text
    # the genre's size and density
    assert 3000 <= sum(sizes) / len(sizes) <= 8000
    assert 14 <= sum(counts) / len(counts) <= 26
    # every form shows up in 80 reports
    for unit in ("人", "户", "个", "元", "平方米", "公里", "亩", "%", "°C", "人次", "支", "条", "件"):
        assert units[unit] > 0, unit
    for q in QUALIFIERS:
        assert quals[q] > 0, q


def test_every_form_is_generated() -> None:
    """Chinese numerals, 万/亿 scales, ranges, rates, region-wide and outside facts all occur."""
    texts, facts, traps = [], [], set()
    for i in range(1, 101):
        text, gold, _ = generate_report(i, 21)
        texts.append(text)
        facts += gold["facts"]
        traps.update(gold["traps"])
    nears = "\n".join(f["near"] for f in facts)
    for pattern in (r"[二两三四五六七八九十][十百]?[一二三四五六七八九]?[个名支户项条]",  # Chinese numerals
                    r"\d万[多余]", r"\d\.\d+万", r"亿元", r"余万元", r"[至到-]\d", r"[五六七八九]十?[六七八九]万元|[两三四五][三四五六]万元",
                    r"百分之", r"零下\d+", r"人次", r"平方米", r"公里", r"亩", r"%", r"^近|近\d", r"约\d",
                    r"超过\d", r"不足\d", r"不到\d", r"以上", r"左右"):
        assert re.search(pattern, nears, re.M), pattern
    assert {f["per"] for f in facts} >= {"人", "户", "只", "亩", "平方公里"}
    assert any(f["league"] == "" and f["initiative"] == "京蒙协作" for f in facts)  # outside
    assert any(f["league"] == "" and f["initiative"] != "京蒙协作" for f in facts)  # region-wide
    assert any(f["league"] and not f["banner"] for f in facts)  # league level
    assert any(f["village"] for f in facts) and any(f["township"] and not f["village"] for f in facts)
    for trap in ("二十大", "2023年以来", "1月9日", "“一肩挑”", "“一站式服务”", "第一书记"):
        assert trap in traps, trap
    assert any(re.search(r"1[0-9]{10}|0471-", t) for t in traps)  # phone numbers
    page = "\n".join(texts)
    for block in ("每周一学", "□本报记者", " 摄\n", "其中"):
        assert block in page, block


def test_filler_carries_no_quantity() -> None:
    """Sentences without facts hold no numeral outside a few determiner words (一起, 一位…)."""
    allowed = {"一位", "一大", "一步", "一起", "十分"}
    for s in synth.FILLER_MAIN + synth.FILLER_FREE:
        for m in re.finditer(r"[零〇一二两三四五六七八九十百千万亿0-9]+.", s):
            assert m.group() in allowed, (m.group(), s)


def test_generation_is_fast(tmp_path: Path) -> None:
    """100 MB in a few minutes at worst. One process measured 1–2.5 MB/s (files and answer keys
    written) on a 2-core machine shared with other jobs (load 3–5); the floor is lenient for that."""
    t0 = time.perf_counter()
    summary = generate(400, tmp_path, seed=2, workers=1)
    elapsed = time.perf_counter() - t0
    assert summary.bytes / 1e6 / elapsed >= 0.3, f"{summary.bytes / 1e6 / elapsed:.2f} MB/s"


# --------------------------------------------------------------------------------------------
# End to end: the real pipeline against the answer keys
# --------------------------------------------------------------------------------------------
def _score_corpus(corpus: Path):
    from etl.pipeline import extract_document  # noqa: PLC0415
    from etl.sources import load_manifest, read_document  # noqa: PLC0415
    from tests.scoring import Scores, score  # noqa: PLC0415

    manifest, problems = load_manifest(corpus)
    assert not problems, problems
    total = Scores()
    for path in sorted(corpus.glob("synthetic_*.txt")):
        gold = json.loads(path.with_name(path.name.replace(".txt", ".gold.json")).read_text(encoding="utf-8"))
        doc = read_document(path, corpus, manifest)
        articles, facts = extract_document(doc)
        total.add(score([dataclasses.asdict(f) for f in facts], gold, {a.article_id: a.text for a in articles}))
    return total


def test_end_to_end_accuracy_at_scale(tmp_path: Path) -> None:
    from tests.scoring import ATTRIBUTION_FIELDS, _fmt_fact  # noqa: PLC0415

    generate(N_REPORTS, tmp_path, seed=SEED)
    s = _score_corpus(tmp_path)
    print(f"\nsynthetic corpus, {N_REPORTS} reports, seed {SEED}: {s.summary()}")
    print("accuracy: " + ", ".join(f"{n}={s.accuracy(n):.3f}" for n in ATTRIBUTION_FIELDS))
    for g in s.missed[:15]:
        print("  MISSED  ", _fmt_fact(g))
    for p in s.spurious[:15]:
        print("  SPURIOUS", _fmt_fact(p))
    wrong = Counter((n, str(g.get(n)), str(p.get(n))) for n, g, p in s.mismatches if n in ("league", "banner", "initiative"))
    for (n, g, p), k in wrong.most_common(10):
        print(f"  WRONG {n}: gold {g!r} got {p!r} ×{k}")
    assert s.n_gold > N_REPORTS * 14
    assert s.f1 >= F1_FLOOR, s.summary()
    assert s.accuracy("league") >= LEAGUE_FLOOR, s.summary()
    assert s.accuracy("banner") >= BANNER_FLOOR, s.summary()
    assert s.accuracy("initiative") >= INITIATIVE_FLOOR, s.summary()
    assert not s.trap_violations, [(t, p.get("value"), p.get("quote")) for t, p in s.trap_violations]


# --------------------------------------------------------------------------------------------
# Density: narrative paragraphs bring a page down to the real page's facts per KB
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("index", [1, 2, 3, 17])
def test_density_adds_narrative_and_keeps_the_answers(index: int) -> None:
    dense_text, dense_gold, _ = generate_report(index, SEED)
    text, gold, _ = generate_report(index, SEED, density=1.0)
    assert gold["facts"] == dense_gold["facts"]
    assert len(text.encode("utf-8")) / 1000 >= len(gold["facts"]) / 1.0 > len(dense_text.encode("utf-8")) / 1000
    for line in dense_text.split("\n"):
        assert line in text  # only paragraphs added, nothing changed


def test_density_corpus_scores_like_the_dense_one(tmp_path: Path) -> None:
    generate(12, tmp_path, seed=SEED, density=1.0)
    s = _score_corpus(tmp_path)
    assert s.f1 == 1.0, s.summary()
    assert min(s.accuracy(n) for n in ("league", "banner", "initiative")) >= 0.99, s.summary()
