"""The measure view on the main page (issue 12): the pure functions behind its callbacks.

Facts come from the real extractor on real report texts: the issue's two reports A (June: 541 with
its parts 57 and 49, as of May 31) and B (September: 560), in tests/fixtures/measure_view, and the
richer set in tests/fixtures/measures (a third report repeating 560, a cumulative flow reported
twice). Figures are checked as the browser gets them (plotly dicts, validated as go.Figure).
"""
from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date

import pandas as pd
import pytest

from conftest import FIXTURES
from dashboard import callbacks, figures, ids, measure_queries, queries
from dashboard.data import FactSource, Snapshot, normalise_facts
from dashboard.measure_queries import build_measure_data, dropdown_options, validate_measure, with_measure
from dashboard.measures import MeasureKey
from etl.measure_table import MEASURE_COLUMNS
from etl.pipeline import extract_document
from etl.sources import load_manifest, read_document

CENTRES = "嘎查党群服务中心|个|"
SERVED = "服务群众|人次|"
WRONG = {647.0, 1101.0, 1207.0, 1767.0}


def _facts(directory) -> pd.DataFrame:  # noqa: ANN001
    manifest, _problems = load_manifest(directory)
    rows = []
    for path in sorted(directory.glob("*.txt")):
        rows += [dataclasses.asdict(f) for f in extract_document(read_document(path, directory, manifest))[1]]
    return normalise_facts(pd.DataFrame(rows))


def _snap(df: pd.DataFrame) -> Snapshot:
    return Snapshot(df, int(df["source_file"].nunique()), "2024-10-20T00:00:00", ("t", len(df)), 0.0, False,
                    None, build_measure_data(df))


@pytest.fixture(scope="module")
def ab() -> Snapshot:
    return _snap(_facts(FIXTURES / "measure_view"))


@pytest.fixture(scope="module")
def rich() -> Snapshot:
    return _snap(_facts(FIXTURES / "measures"))


def _view(snap, state=None, measure=CENTRES, viewport=None):  # noqa: ANN001, ANN202
    out = callbacks.compute_measure(snap, state or {}, measure, lambda name: f"/geo/{name}", viewport)
    for fig in out[3:7]:
        figures.validated(fig)  # every property is a real plotly property
    return dict(zip(("body", "headline", "explain", "league", "banner", "trend", "map", "table"), out))


def _bars(fig) -> dict[str, tuple[float, str]]:  # noqa: ANN001
    """{region: (value, label text)} over every bar trace of a measure chart."""
    out = {}
    for t in fig["data"]:
        for y, x, text in zip(t["y"], t["x"], t["text"]):
            out[y] = (x, text)
    return out


def _numbers(fig) -> set[float]:  # noqa: ANN001
    vals = set()
    for t in fig["data"]:
        for k in ("x", "y", "z"):
            vals |= {float(v) for v in (t.get(k) or []) if isinstance(v, (int, float))}
    return vals


# ------------------------------------------------------------------ the example

def test_league_bar_is_560_as_of_september_with_its_banners(ab):  # noqa: ANN001
    v = _view(ab)
    assert v["body"] == "measure-body"
    assert _bars(v["league"]) == {"锡林郭勒盟": (560.0, "560 · 2024.9.12")}
    assert _bars(v["banner"]) == {"东乌珠穆沁旗": (57.0, "57 · 2024.5.31"), "西乌珠穆沁旗": (49.0, "49 · 2024.5.31")}
    hover = v["league"]["data"][0]["hovertext"][0]
    assert "560个" in hover and "时点：2024年9月12日" in hover and "点击查看来源" in hover
    assert "锡林郭勒盟 560个（2024年9月12日" in v["headline"]
    for name in ("league", "banner", "trend", "map"):
        assert not WRONG & _numbers(v[name]), name


def test_trend_shows_541_then_560(ab):  # noqa: ANN001
    trend = _view(ab)["trend"]
    (line,) = trend["data"]
    assert (line["name"], line["x"], line["y"]) == ("锡林郭勒盟", ["2024-05-31", "2024-09-12"], [541.0, 560.0])
    assert line["text"] == ["541", "560"]
    axis = trend["layout"]["xaxis"]
    assert axis["type"] == "date" and axis["tickformat"] == "%Y年%-m月" and axis["dtick"] == "M1"


def test_table_rows_latest_values_with_dates_and_sources(ab):  # noqa: ANN001
    rows = _view(ab)["table"]
    assert [(r["region"], r["value_text"], r["as_of_text"], r["n_reports"]) for r in rows] == [
        ("锡林郭勒盟", "560个", "2024年9月12日", 1),
        ("锡林郭勒盟·东乌珠穆沁旗", "57个", "2024年5月31日", 1),
        ("锡林郭勒盟·西乌珠穆沁旗", "49个", "2024年5月31日", 1)]
    facts = ab.facts.set_index("fact_id")
    for r in rows:  # each row's id is its facts: a click opens exactly these sources
        assert {float(facts.loc[i, "value"]) for i in r["id"].split("|")} == {float(r["value"])}


def test_map_colours_regions_by_their_latest_value(ab):  # noqa: ANN001
    fig = _view(ab)["map"]
    missing, have, _labels = fig["data"]
    assert have["locations"] == ["152500"] and have["z"] == [560.0]
    assert "152500" not in missing["locations"] and len(missing["locations"]) == 11
    assert "无数据" in missing["hovertemplate"] and "灰色" in fig["layout"]["annotations"][0]["text"]
    # one league chosen: its banners, coloured by theirs
    fig = _view(ab, {"league": ["锡林郭勒盟"]})["map"]
    have = fig["data"][1]
    assert dict(zip(have["locations"], have["z"])) == {"152525": 57.0, "152526": 49.0}


def test_a_third_report_repeating_560_adds_a_source_not_a_value(rich):  # noqa: ANN001
    v = _view(rich)
    assert _bars(v["league"])["锡林郭勒盟"] == (560.0, "560 · 2024.9.12")
    league_row = v["table"][0]
    assert league_row["n_reports"] == 2 and len(league_row["id"].split("|")) == 2
    assert v["trend"]["data"][0]["y"] == [541.0, 560.0]


# ------------------------------------------------------------------ how values are chosen

def test_without_the_leagues_own_figure_the_bar_is_an_incomplete_banner_sum(ab):  # noqa: ANN001
    df = ab.facts[(ab.facts["region_level"] != "league").to_numpy()].reset_index(drop=True)
    v = _view(_snap(normalise_facts(df)))
    (trace,) = v["league"]["data"]
    assert trace["name"] == "部分旗县数字之和（不完整）" and trace["x"] == [106.0]
    assert trace["text"] == ["106 · 2 个旗县合计（不完整） · 2024.5.31"]
    assert "shape" in trace["marker"]["pattern"]  # hatched: another style than a league's own figure
    assert "锡林郭勒盟 106个（2024年5月31日，2 个旗县合计（不完整））" in v["headline"]
    assert v["table"][0]["kind_text"] == "旗县合计" and v["table"][0]["note"] == "2 个旗县合计（不完整）"
    # mixed: the legend names both styles
    both = pd.concat([ab.facts, df.assign(league="呼伦贝尔市", league_code="150700", banner="陈巴尔虎旗",
                                           banner_code="150725", fact_id=df["fact_id"] + "x")], ignore_index=True)
    v = _view(_snap(normalise_facts(both.astype(object))))
    assert {t["name"] for t in v["league"]["data"]} == {"本级数字（最近一次报道）", "部分旗县数字之和（不完整）"}
    assert v["league"]["layout"]["showlegend"] is True


def _percent_facts() -> pd.DataFrame:
    base = dict(article_id="a", article_title="t", published="2024-06-10", township="", village="",
                region_level="banner", initiative="", subject="办结率", indicator="requests", category="percent",
                value_low=None, value_high=None, qualifier="exact", unit="%", per="", quote="q", span_start=0,
                span_end=1, confidence=0.9, location="", measure="群众诉求办结率", kind="percent",
                as_of="2024-06-10", period_start="", review_status="extracted", league="锡林郭勒盟",
                league_code="152500")
    return normalise_facts(pd.DataFrame([
        dict(base, fact_id="p1", source_file="x.txt", banner="东乌珠穆沁旗", banner_code="152525", value=98.0),
        dict(base, fact_id="p2", source_file="y.txt", banner="西乌珠穆沁旗", banner_code="152526", value=96.0)]))


def test_percentages_are_never_added():
    v = _view(_snap(_percent_facts()), measure="群众诉求办结率|%|")
    assert v["league"]["data"] == [] and "该指标在所选地区没有数据" in v["league"]["layout"]["annotations"][0]["text"]
    assert _bars(v["banner"]) == {"东乌珠穆沁旗": (98.0, "98 · 2024.6.10"), "西乌珠穆沁旗": (96.0, "96 · 2024.6.10")}
    assert "比率、百分比不能相加" in v["explain"]


def test_a_cumulative_flow_shows_its_latest_value_never_the_sum(rich):  # noqa: ANN001
    v = _view(rich, measure=SERVED)
    assert _bars(v["banner"]) == {"东乌珠穆沁旗": (31000.0, "3.1万 · 2024.10.8")}
    assert 43000.0 not in _numbers(v["league"]) | _numbers(v["banner"]) | _numbers(v["trend"])
    assert "时段累计" in v["headline"] and "时段累计数" in v["explain"]
    # a measure reported only by a banner: its trend is the banner's line, named with its period
    (line,) = v["trend"]["data"]
    assert line["name"] == "东乌珠穆沁旗（2024年1月1日起）" and line["y"] == [12000.0, 31000.0]


# ------------------------------------------------------------------ filters

def test_report_date_filter_gives_the_latest_figure_of_those_reports(ab):  # noqa: ANN001
    v = _view(ab, {"date_to": "2024-08-31"})
    assert _bars(v["league"]) == {"锡林郭勒盟": (541.0, "541 · 2024.5.31")}
    v = _view(ab, {"date_from": "2024-07-01"})
    assert _bars(v["banner"]) == {} and "该指标在所选地区没有数据" in v["banner"]["layout"]["annotations"][0]["text"]


def test_league_and_banner_filters_choose_regions_never_remove_the_comparison(rich):  # noqa: ANN001
    v = _view(rich, {"league": ["锡林郭勒盟"], "banner": ["东乌珠穆沁旗"]})
    assert set(_bars(v["banner"])) == {"东乌珠穆沁旗", "西乌珠穆沁旗"}
    colors = dict(zip(v["banner"]["data"][0]["y"], v["banner"]["data"][0]["marker"]["color"]))
    assert colors["东乌珠穆沁旗"] != colors["西乌珠穆沁旗"]  # the chosen one is strong
    assert {t["name"] for t in v["trend"]["data"]} == {"锡林郭勒盟", "东乌珠穆沁旗"}
    # a league chosen alone: its own line and its banners' lines
    v = _view(rich, {"league": ["锡林郭勒盟"]})
    assert {t["name"] for t in v["trend"]["data"]} == {"锡林郭勒盟", "东乌珠穆沁旗", "西乌珠穆沁旗"}
    # a league without figures of this measure: an empty trend, said in Chinese
    other = _percent_facts().astype(object).assign(league="赤峰市", league_code="150400", banner="林西县",
                                                    banner_code="150424")
    both = _snap(normalise_facts(pd.concat([rich.facts.astype(object), other], ignore_index=True)))
    v = _view(both, {"league": ["赤峰市"]})
    assert v["trend"]["data"] == [] and "该指标在所选地区没有数据" in v["trend"]["layout"]["annotations"][0]["text"]
    assert [r["region"] for r in v["table"]] == ["锡林郭勒盟"]  # leagues stay for comparison, no banner of 锡林郭勒盟


def test_initiative_filter_counts_only_those_reports(rich):  # noqa: ANN001
    inits = [x for x in rich.facts["initiative"].astype(str).unique() if x]
    if not inits:
        pytest.skip("no programme named in the fixture reports")
    state = {"initiative": [inits[0]]}
    f = queries.normalise(rich.facts, state)
    kept = rich.facts[queries.filter_mask(rich.facts, f)]
    v = _view(rich, state)
    ids_shown = {i for r in v["table"] for i in r["id"].split("|")}
    assert ids_shown <= set(kept["fact_id"])


# ------------------------------------------------------------------ choice, link, options

def test_the_link_carries_the_measure_and_bad_ones_are_reported(ab):  # noqa: ANN001
    key, bad = callbacks.compute_measure_choice(ab, None, "?league=锡林郭勒盟&measure=嘎查党群服务中心%7C个%7C", None)
    assert key == MeasureKey("嘎查党群服务中心", "个") and bad is None
    qs = with_measure(queries.to_query_string(queries.Filters(league=("锡林郭勒盟",))), key)
    assert measure_queries.measure_from_search(qs) == CENTRES
    assert callbacks.compute_measure_choice(ab, None, qs, None)[0] == key
    key, bad = callbacks.compute_measure_choice(ab, None, "?measure=不存在|个|", None)
    assert key is None and bad == "指标数值「不存在 个 」（数据中没有）"
    assert callbacks.filter_notice((bad,)).startswith("网址中的以下条件无效，已忽略：指标数值「不存在")
    # the dropdown, once the page is open, wins over the link
    assert callbacks.compute_measure_choice(ab, ids.MEASURE, "?measure=x", CENTRES)[0] == MeasureKey(
        "嘎查党群服务中心", "个")


@pytest.mark.parametrize("value", [None, "", "x", ["嘎查党群服务中心|个|"], "a|b|c|d", "'; DROP TABLE facts; --|个|"])
def test_forged_measures_give_the_prompt(ab, value):  # noqa: ANN001
    v = _view(ab, measure=value)
    assert v["body"] == "measure-body hidden" and v["headline"].startswith("选择一个指标") and v["table"] == []
    assert callbacks.compute_measure_download(ab, {}, value) is None


def test_dropdown_grouped_by_indicator_with_counts(rich):  # noqa: ANN001
    opts = dropdown_options(rich.measures.options)
    heads = [o for o in opts if o.get("disabled")]
    assert heads and all(o["value"].startswith("__group__") and o["label"].startswith("——") for o in heads)
    centres = next(o for o in opts if o["value"] == CENTRES)
    assert centres["label"] == "嘎查党群服务中心（个） · 4 个数据点 · 5 篇次报道"
    assert "基础设施" in centres["search"]
    # the 指标 filter narrows the list, the chosen measure stays
    only = dropdown_options(rich.measures.options, "people_reached", CENTRES)
    values = {o["value"] for o in only if not o.get("disabled")}
    assert values == {SERVED, CENTRES}
    assert validate_measure(rich.measures, "__group__infrastructure") == (None, "指标数值「__group__infrastructure」（数据中没有）")


# ------------------------------------------------------------------ sources and CSV

class _NoArticles:
    def article(self, _article_id):  # noqa: ANN001, ANN202
        return None


def test_a_value_with_several_sources_lists_each(rich):  # noqa: ANN001
    row = _view(rich)["table"][0]
    out = callbacks.compute_sources(_NoArticles(), rich, measure_queries.fact_ids(row["id"]))
    text = str(out)
    assert "2 条来源" in text and text.count("source-item") == 2
    assert "2024年9月12日" in text and "2024年10月15日" in text
    one = callbacks.compute_sources(_NoArticles(), rich, measure_queries.fact_ids(_view(rich)["table"][1]["id"]))
    assert "原文未载入" in str(one)  # one source: the article panel of that fact
    assert callbacks.compute_sources(_NoArticles(), rich, []) is None
    click = {"points": [{"customdata": ["锡林郭勒盟", "152500", row["id"]]}]}
    assert callbacks.clicked_fact_ids(click) == row["id"].split("|")
    assert callbacks.clicked_fact_ids({"points": [{"customdata": "锡林郭勒盟"}]}) == []
    assert callbacks.clicked_fact_ids("junk") == []


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_csv_of_the_measure_view(ab):  # noqa: ANN001
    data, name = callbacks.compute_measure_download(ab, {}, CENTRES)
    rows = _csv(data)
    assert rows[0][:4] == ["指标（计数对象）", "单位", "每（人均、户均等）", "数字类型"]
    col = {h: i for i, h in enumerate(rows[0])}
    got = [(r[col["盟市"]], r[col["旗县区"]], r[col["时点"]], r[col["数值"]], r[col["数字类型"]]) for r in rows[1:]]
    assert got == [("锡林郭勒盟", "", "2024-05-31", "541", "存量"), ("锡林郭勒盟", "", "2024-09-12", "560", "存量"),
                   ("锡林郭勒盟", "东乌珠穆沁旗", "2024-05-31", "57", "分项"),
                   ("锡林郭勒盟", "西乌珠穆沁旗", "2024-05-31", "49", "分项")]
    assert not {"647", "1101", "1207"} & {r[col["数值"]] for r in rows[1:]}
    assert name.startswith("指标数值_嘎查党群服务中心_") and name.endswith(".csv")
    en = _csv(callbacks.compute_measure_download(ab, {}, CENTRES, "en")[0])
    assert tuple(en[0]) == MEASURE_COLUMNS and len(en) == 5
    # a chosen banner: its league's own rows and that banner's
    rows = _csv(callbacks.compute_measure_download(ab, {"banner": ["东乌珠穆沁旗"]}, CENTRES)[0])
    assert {r[col["数值"]] for r in rows[1:]} == {"541", "560", "57"}
    assert measure_queries.csv_filename(MeasureKey("嘎查党群服务中心", "个"), queries.Filters(league=("锡林郭勒盟",)),
                                        date(2026, 12, 2)) == "指标数值_嘎查党群服务中心_锡林郭勒盟_2026-12-02.csv"


def test_same_view_same_bytes(ab):  # noqa: ANN001
    a = callbacks.compute_measure_download(ab, {}, CENTRES)[0]
    b = callbacks.compute_measure_download(_snap(_facts(FIXTURES / "measure_view")), {}, CENTRES)[0]
    assert a == b


# ------------------------------------------------------------------ corrections and the snapshot

def test_corrections_from_review_apply_to_the_measure_view(sqlite_url, tmp_path):  # noqa: ANN001
    from etl import review_store as RS  # noqa: PLC0415
    from etl.cli import run_corpus  # noqa: PLC0415
    from etl.store import open_store  # noqa: PLC0415

    with open_store(sqlite_url) as store:
        run_corpus(store, FIXTURES / "measure_view", workers=1)
    with open_store(sqlite_url, write=False) as store:
        e = store.engine
        with e.connect() as conn:
            found = {float(r.value): r.fact_id for r in conn.exec_driver_sql("SELECT value, fact_id FROM facts")}
        assert RS.save_review(e, found[560.0], "edit", {"value": 565.0}, user="alice", reason="核对原文").ok
        assert RS.save_review(e, found[57.0], "reject", user="alice", reason="不是本期数字").ok
    snap = FactSource(sqlite_url, cache_dir="").get()
    assert snap.measures is not None  # built with the snapshot, not per request
    v = _view(snap)
    assert _bars(v["league"]) == {"锡林郭勒盟": (565.0, "565 · 2024.9.12")}
    assert set(_bars(v["banner"])) == {"西乌珠穆沁旗"}
    assert v["trend"]["data"][0]["y"] == [541.0, 565.0]


def test_the_snapshot_builds_the_measures_once(sqlite_url, monkeypatch):  # noqa: ANN001
    from etl.cli import run_corpus  # noqa: PLC0415
    from etl.store import open_store  # noqa: PLC0415

    with open_store(sqlite_url) as store:
        run_corpus(store, FIXTURES / "measure_view", workers=1)
    calls = []
    real = measure_queries.measure_table
    monkeypatch.setattr(measure_queries, "measure_table", lambda df: calls.append(len(df)) or real(df))
    source = FactSource(sqlite_url, cache_dir="")
    snap = source.get()
    assert len(calls) == 1
    for state in ({}, {"league": ["锡林郭勒盟"]}, {"banner": ["东乌珠穆沁旗"]}):
        callbacks.compute_measure(snap, state, CENTRES)
    assert len(calls) == 1  # requests read the snapshot's index (report filters rebuild only one measure)
    assert source.get() is snap


@pytest.mark.parametrize("dates, max_ticks, dtick, fmt", [
    (["2024-05-31", "2024-09-12"], 8, "M1", "%Y年%-m月"),
    (["2024-05-31", "2024-09-12"], 3, "M2", "%Y年%-m月"),
    (["2023-01-31", "2024-09-12"], 8, "M3", "%Y年%-m月"),
    (["2015-03-01", "2024-09-12"], 8, "M24", "%Y年"),
    (["2024-06-10"], 8, "M1", "%Y年%-m月"),
])
def test_time_axis_ticks_are_whole_months_or_years(dates, max_ticks, dtick, fmt):  # noqa: ANN001
    axis = figures.date_axis(dates, max_ticks)
    assert (axis["dtick"], axis["tickformat"], axis["tickangle"]) == (dtick, fmt, 0)
    low, high = axis["range"]
    assert low < min(dates) and high > max(dates)  # room either side of the first and last point


def test_a_long_trend_keeps_its_hover_and_drops_the_point_labels():
    n = figures.TREND_LABELS + 10
    days = pd.date_range("2020-01-01", periods=n, freq="7D").strftime("%Y-%m-%d")
    pts = pd.DataFrame(dict(region="锡林郭勒盟", code="152500", as_of=days, value=range(n), qualifier="exact",
                            n_reports=1, fact_ids=[f"f{i}" for i in range(n)], period_start=""))
    (line,) = figures.validated(figures.measure_trend(pts, "服务群众（人次）", "人次", "t")).data
    assert line.mode == "lines+markers" and line.text is None and "%{y:,}人次" in line.hovertemplate
    assert line.customdata[3][2] == "f3"  # a click still opens the point's sources
    short = figures.measure_trend(pts.head(3), "服务群众（人次）", "人次", "t")["data"][0]
    assert short["mode"] == "lines+markers+text" and short["text"] == ["0", "1", "2"]
