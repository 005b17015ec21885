"""Dashboard queries and callbacks as plain functions, over a small realistic fact table."""
from __future__ import annotations

import csv
import io
import time
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import callbacks, ids, queries
from dashboard.data import FactSource, normalise_facts
from dashboard.labels import format_cn, format_exact, format_value, indicator_label
from dashboard.sample import sample_frames, write_sample_database
from etl.schema import FACT_COLUMNS


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("dash_queries") / "sample.db"
    return write_sample_database(f"sqlite:///{path}")


@pytest.fixture(scope="module")
def source(sample_url, tmp_path_factory) -> FactSource:
    return FactSource(sample_url, cache_dir=str(tmp_path_factory.mktemp("dash_cache")))


@pytest.fixture(scope="module")
def snap(source):
    return source.get()


@pytest.fixture(scope="module")
def facts(snap) -> pd.DataFrame:
    return snap.facts


# ------------------------------------------------------------------ formatting

@pytest.mark.parametrize("value, expected", [
    (40000, "4万"), (350000000, "3.5亿"), (3390000000, "33.9亿"), (14140000, "1414万"), (2423, "2423"),
    (292, "292"), (0.5, "0.5"), (12345, "1.23万"), (-40000, "-4万"), (99996000, "1亿"), (None, ""),
    (float("nan"), ""),
])
def test_format_cn(value, expected):
    assert format_cn(value) == expected


@pytest.mark.parametrize("value, expected", [(40000, "4万"), (12345, "1.2345万"), (350000000, "3.5亿"), (2.5, "2.5")])
def test_format_exact(value, expected):
    assert format_exact(value) == expected


@pytest.mark.parametrize("value, qualifier, low, high, expected", [
    (40000, "more", None, None, "4万+"),
    (40000, "approx", None, None, "约4万"),
    (40000, "less", None, None, "不足4万"),
    (55000, "range", 50000, 60000, "5万–6万"),
    (2423, "exact", None, None, "2423"),
    (55000, "range", None, None, "5.5万"),
])
def test_format_value(value, qualifier, low, high, expected):
    assert format_value(value, qualifier, low, high) == expected


def test_indicator_labels_are_chinese():
    assert indicator_label("people_reached") == "受众人数"
    assert indicator_label("cadres") == "干部"


# ------------------------------------------------------------------ loading

def test_synthetic_facts_are_hidden_by_default(facts, sample_url):
    assert not facts["source_file"].astype(str).str.startswith("synthetic").any()
    with_synth = FactSource(sample_url, include_synthetic=True).get().facts
    assert len(with_synth) == len(facts) + 1


def test_loaded_frame_has_contract_columns_and_categories(facts, snap):
    assert tuple(facts.columns) == FACT_COLUMNS
    assert isinstance(facts["league"].dtype, pd.CategoricalDtype)
    assert snap.n_reports == 1 and snap.last_updated.startswith("2026-11-28")


def test_source_reloads_when_new_data_lands(tmp_path):
    url = write_sample_database(f"sqlite:///{tmp_path / 'x.db'}")
    src = FactSource(url, check_every=0, background_reload=False)
    n = len(src.get().facts)
    frames = sample_frames(include_synthetic=False)
    extra = frames["facts"].iloc[[0]].assign(fact_id="new1", source_file="later.txt")
    docs = frames["documents"].assign(source_file="later.txt", loaded_at="2026-11-29T00:00:00+00:00")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        extra.to_sql("facts", conn, if_exists="append", index=False)
        docs.to_sql("documents", conn, if_exists="append", index=False)
    engine.dispose()
    snap = src.get()
    assert len(snap.facts) == n + 1 and snap.n_reports == 2


def test_background_reload_serves_the_old_snapshot_meanwhile(tmp_path):
    url = write_sample_database(f"sqlite:///{tmp_path / 'x.db'}")
    src = FactSource(url, check_every=0)
    first = src.get()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE documents SET loaded_at = '2026-12-01T00:00:00+00:00'"))
    engine.dispose()
    assert src.get() is first  # the reload runs in the background
    for _ in range(100):
        if src.get() is not first:
            break
        time.sleep(0.05)
    assert src.get().last_updated.startswith("2026-12-01")


def test_parquet_cache_is_reused_and_rebuilt_when_data_changes(tmp_path):
    url = write_sample_database(f"sqlite:///{tmp_path / 'x.db'}")
    cache = tmp_path / "cache"
    first = FactSource(url, cache_dir=str(cache)).get().facts
    files = list(cache.glob("facts-*.parquet"))
    assert len(files) == 1
    again = FactSource(url, cache_dir=str(cache)).get().facts
    pd.testing.assert_frame_equal(first, again)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM facts WHERE subject = '基层书记'"))
        conn.execute(sa.text("UPDATE documents SET loaded_at = '2026-12-01T00:00:00+00:00'"))
    engine.dispose()
    changed = FactSource(url, cache_dir=str(cache)).get().facts
    assert len(changed) == len(first) - 1
    assert list(cache.glob("facts-*.parquet")) != files and len(list(cache.glob("facts-*.parquet"))) == 1


def test_missing_tables_give_an_empty_snapshot(tmp_path):
    snap = FactSource(f"sqlite:///{tmp_path / 'empty.db'}").get()
    assert snap.facts.empty and tuple(snap.facts.columns) == FACT_COLUMNS


# ------------------------------------------------------------------ filters

@pytest.mark.parametrize("raw, expected", [
    ({"league": "赤峰市"}, queries.Filters(league="赤峰市")),
    ({"league": "北京市"}, queries.Filters()),
    ({"league": "'; DROP TABLE facts; --"}, queries.Filters()),
    ({"banner": "阿鲁科尔沁旗"}, queries.Filters(league="赤峰市", banner="阿鲁科尔沁旗")),
    ({"league": "包头市", "banner": "阿鲁科尔沁旗"}, queries.Filters(league="包头市")),
    ({"indicator": "cadres", "category": "count"}, queries.Filters(indicator="cadres", category="count")),
    ({"indicator": "<script>", "category": "nope"}, queries.Filters()),
    ({"date_from": "2023-01-01", "date_to": "not a date"}, queries.Filters(date_from="2023-01-01")),
    ({"q": "  书记  "}, queries.Filters(q="书记")),
    ({"q": "x" * 1000}, queries.Filters(q="x" * queries.MAX_QUERY_LEN)),
    ({"league": 12345}, queries.Filters()),
    ({"basis": "named"}, queries.Filters(basis="named")),
    ({"basis": "somewhere"}, queries.Filters()),
])
def test_normalise(facts, raw, expected):
    assert queries.normalise(facts, raw) == expected


@pytest.mark.parametrize("f", [
    queries.Filters(),
    queries.Filters(league="赤峰市", banner="阿鲁科尔沁旗"),
    queries.Filters(initiative="三减三优", q="窗口 & =1", date_from="2023-01-01"),
    queries.Filters(league="赤峰市", basis="inferred"),
])
def test_query_string_round_trip(f):
    assert queries.from_query_string(queries.to_query_string(f)) == f


def test_query_string_ignores_unknown_keys():
    assert queries.from_query_string("?league=赤峰市&evil=1") == queries.Filters(league="赤峰市")
    assert queries.from_query_string(None) == queries.Filters()


@pytest.mark.parametrize("f, n, check", [
    (queries.Filters(), 10, None),
    (queries.Filters(league="赤峰市"), 4, ("league", "赤峰市")),
    (queries.Filters(league="赤峰市", banner="阿鲁科尔沁旗"), 2, ("banner", "阿鲁科尔沁旗")),
    (queries.Filters(initiative="聚力工程"), 2, ("initiative", "聚力工程")),
    (queries.Filters(indicator="cadres"), 1, ("indicator", "cadres")),
    (queries.Filters(category="rate"), 1, ("per", "只")),
    (queries.Filters(q="志愿者"), 1, ("subject", "党员志愿者")),
    (queries.Filters(q="4万多人"), 1, ("subject", "宣讲受众")),
    (queries.Filters(date_from="2024-01-01"), 0, None),
    (queries.Filters(date_from="2023-01-18", date_to="2023-01-18"), 10, None),
    # where the programme was named: with the number (红色小马甲 in its clause), inferred (聚力工程 from the
    # paragraph before, 三减三优 from the whole report), none
    (queries.Filters(basis="named"), 1, ("initiative", "红色小马甲")),
    (queries.Filters(basis="inferred"), 4, None),
    (queries.Filters(basis="none"), 5, ("initiative", "")),
    (queries.Filters(basis="inferred", initiative="三减三优"), 2, ("initiative_basis", "article")),
])
def test_apply_filters(facts, f, n, check):
    out = queries.apply_filters(facts, f)
    assert len(out) == n
    if check:
        col, value = check
        assert (out[col].astype(str) == value).all()


def test_basis_options_count_the_three_groups_under_the_other_filters(facts):
    assert queries.basis_options(facts) == [
        {"label": "与数字同句点名 (1)", "value": "named"}, {"label": "由上下文推断 (4)", "value": "inferred"},
        {"label": "未标注举措 (5)", "value": "none"}]
    opts = queries.basis_options(facts, queries.Filters(league="赤峰市", basis="named"))
    assert opts[0] == {"label": "与数字同句点名 (0)", "value": "named"}  # selected: shown, though empty
    assert opts[1] == {"label": "由上下文推断 (2)", "value": "inferred"}
    assert queries.describe_filters(queries.Filters(basis="named")) == ["举措依据：与数字同句点名"]


def test_table_and_chinese_csv_say_where_the_programme_was_named(facts):
    rows = {r["initiative"]: r["basis_text"] for r in queries.table_rows(facts)}
    assert rows["红色小马甲"] == "同句点名" and rows["三减三优"] == "全文推断" and rows["聚力工程"] == "上段推断"
    zh = queries.zh_frame(facts)
    header = dict(queries.ZH_COLUMNS)["initiative_basis"]
    assert header == "举措依据"
    assert set(zh[header]) == {"同句点名", "全文推断", "上段推断", ""}


def test_options_show_counts(facts):
    opts = queries.league_options(facts)
    assert {"label": "赤峰市 (4)", "value": "赤峰市"} in opts
    assert opts[0]["value"] == "赤峰市"  # largest first
    assert queries.banner_options(facts, "赤峰市") == [{"label": "阿鲁科尔沁旗 (2)", "value": "阿鲁科尔沁旗"}]
    assert {o["value"] for o in queries.indicator_options(facts)} >= {"cadres", "people_reached"}
    assert "干部 (1)" in {o["label"] for o in queries.indicator_options(facts)}


# ------------------------------------------------------------------ measures

def test_default_measure_counts_facts(facts):
    m, rows = queries.choose_measure(facts, queries.Filters())
    assert m.kind == "count" and len(rows) == len(facts)
    agg = queries.by_league(rows, m)
    assert dict(zip(agg["league"], agg["y"])) == {"赤峰市": 4, "包头市": 3, "呼伦贝尔市": 2, "呼和浩特市": 1}


def test_indicator_sums_one_unit(facts):
    f = queries.Filters(indicator="people_reached")
    m, rows = queries.choose_measure(queries.apply_filters(facts, f), f)
    assert m.kind == "sum" and m.unit == "人" and "下限" in m.note
    assert queries.by_league(rows, m)["y"].tolist() == [40000]


def test_rates_are_never_summed(facts):
    f = queries.Filters(indicator="income")
    m, rows = queries.choose_measure(queries.apply_filters(facts, f), f)
    assert m.kind == "count" and "不能相加" in m.note and "292" in m.note


def test_mixed_units_sum_only_the_main_unit():
    df = normalise_facts(pd.DataFrame([
        _fact("a", "赤峰市", "funding", "money", 100, "元"),
        _fact("b", "赤峰市", "funding", "money", 200, "元"),
        _fact("c", "赤峰市", "funding", "area", 5, "亩"),
        _fact("d", "赤峰市", "funding", "money", 7, "元", per="人"),
    ]))
    f = queries.Filters(indicator="funding")
    m, rows = queries.choose_measure(df, f)
    assert (m.kind, m.unit) == ("sum", "元")
    assert queries.by_league(rows, m)["y"].tolist() == [300]
    assert "另有 2 条" in m.note


def _fact(fid, league, indicator, category, value, unit, per="", banner="", initiative="", subject="x"):
    row = {c: "" for c in FACT_COLUMNS}
    row.update(fact_id=fid, source_file="a.txt", article_id="a.txt#0", league=league, banner=banner,
               initiative=initiative, indicator=indicator, category=category, value=float(value), unit=unit,
               per=per, qualifier="exact", subject=subject, quote=subject, span_start=0, span_end=1,
               confidence=1.0, value_low=None, value_high=None)
    return row


def test_hierarchy_labels_empty_levels(facts):
    h = queries.hierarchy(facts, queries.Measure())
    assert "（盟市本级）" in h.labels and "（未标明）" in h.labels
    tops = [v for v, parent in zip(h.values, h.parents) if parent == ""]
    assert sum(tops) == len(facts)


# ------------------------------------------------------------------ table

def test_table_rows_show_qualifier_and_region(facts):
    rows, pages, n = queries.table_page(queries.apply_filters(facts, queries.Filters(league="赤峰市")), 0)
    values = {r["value_text"] for r in rows}
    assert {"2423", "4万+"} <= values and n == 4 and pages == 1
    assert all(r["region"].startswith("赤峰市") for r in rows)
    assert {r["unit_text"] for r in queries.table_page(facts, 0, filter_query="{unit_text} contains 只")[0]} == {"元/只"}


@pytest.mark.parametrize("page, expected", [(None, 0), (-5, 0), (10 ** 12, 0), ("2", 0), ("x", 0)])
def test_table_page_is_clamped(facts, page, expected):
    rows, pages, _n = queries.table_page(facts, page)
    assert pages == 1 and len(rows) == 10


def test_table_sort_and_filter(facts):
    rows, _p, _n = queries.table_page(facts, 0, [{"column_id": "value_text", "direction": "desc"}])
    assert rows[0]["value_text"] == "4万+"
    rows, _p, n = queries.table_page(facts, 0, None, "{value_text} > 100 && {region} contains 赤峰")
    assert n == 2 and {r["value_text"] for r in rows} == {"2423", "4万+"}
    rows, _p, n = queries.table_page(facts, 0, [{"column_id": "nope"}], "{nope} = 1 && garbage")
    assert n == len(facts)


# ------------------------------------------------------------------ CSV

def test_csv_has_bom_columns_and_neutralised_formulas():
    df = normalise_facts(pd.DataFrame([
        _fact("f1", "赤峰市", "cadres", "count", -5, "人", subject="=HYPERLINK(\"x\")"),
        _fact("f2", "赤峰市", "cadres", "count", 3, "人", subject="+1"),
        _fact("f3", "赤峰市", "cadres", "count", 3, "人", subject="@SUM(A1)"),
        _fact("f4", "赤峰市", "cadres", "count", 3, "人", subject="-2+3"),
    ]))
    data = queries.to_csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert tuple(rows[0]) == FACT_COLUMNS
    recs = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert [r["subject"] for r in recs] == ["'=HYPERLINK(\"x\")", "'+1", "'@SUM(A1)", "'-2+3"]
    assert recs[0]["value"] == "-5"  # numeric columns untouched, integral without ".0" as in facts.csv
    assert list(csv.reader(io.StringIO(queries._to_csv_bytes_python(df)[3:].decode("utf-8")))) == rows


@pytest.mark.parametrize("f, expected", [
    (None, "事实_全部_2026-11-28.csv"),
    (queries.Filters(), "事实_全部_2026-11-28.csv"),
    (queries.Filters(league="赤峰市", banner="阿鲁科尔沁旗"), "事实_赤峰市_阿鲁科尔沁旗_2026-11-28.csv"),
    (queries.Filters(indicator="people_reached", q="a/b c"), "事实_受众人数_a-b-c_2026-11-28.csv"),
    (queries.Filters(league="赤峰市", basis="named"), "事实_赤峰市_与数字同句点名_2026-11-28.csv"),
])
def test_csv_filename(f, expected):
    assert queries.csv_filename(f, date(2026, 11, 28)) == expected


# ------------------------------------------------------------------ callbacks as plain functions

def test_compute_state_from_url_and_clicks(facts):
    f = callbacks.compute_state(facts, ids.URL, "?league=赤峰市&banner=阿鲁科尔沁旗", {})
    assert (f.league, f.banner) == (("赤峰市",), ("阿鲁科尔沁旗",))
    # A click adds a league to the selection (comparison), a second click on it removes it again,
    # and its banners go with it.
    click = {"points": [{"y": "包头市", "customdata": ["包头市", "150200", 3]}]}
    f = callbacks.compute_state(facts, ids.CHART_LEAGUE, "", {"league": ["赤峰市"], "banner": ["阿鲁科尔沁旗"]},
                                {ids.CHART_LEAGUE: click})
    assert (f.league, f.banner) == (("赤峰市", "包头市"), ("阿鲁科尔沁旗",))
    click = {"points": [{"y": "赤峰市", "customdata": ["赤峰市", "150400", 4]}]}
    f = callbacks.compute_state(facts, ids.CHART_LEAGUE, "", f.to_dict(), {ids.CHART_LEAGUE: click})
    assert (f.league, f.banner) == (("包头市",), ())
    click = {"points": [{"location": "150421", "customdata": "阿鲁科尔沁旗"}]}
    f = callbacks.compute_state(facts, ids.CHART_MAP, "", {}, {ids.CHART_MAP: click})
    assert (f.league, f.banner) == (("赤峰市",), ("阿鲁科尔沁旗",))
    f = callbacks.compute_state(facts, ids.CHART_MAP, "", f.to_dict(), {ids.CHART_MAP: click})
    assert f.banner == ()
    assert callbacks.compute_state(facts, ids.RESET, "?league=赤峰市", {"league": "赤峰市"}) == queries.Filters()
    assert callbacks.compute_state(facts, ids.CHART_MAP, "", {}, {ids.CHART_MAP: {"points": "junk"}}) == queries.Filters()


def test_compute_charts_follow_filters(snap):
    out = callbacks.compute_charts(snap, {"league": "赤峰市"})
    g_league, g_banner, g_init, g_hier, g_map, line, note, print_note, title = out
    # The chosen league is highlighted, the others stay for comparison.
    bar = g_league["data"][0]
    assert set(bar["y"]) == {"赤峰市", "包头市", "呼伦贝尔市", "呼和浩特市"}
    colors = dict(zip(bar["y"], bar["marker"]["color"]))
    assert colors["赤峰市"] != colors["包头市"]
    assert line.startswith("赤峰市：4 条事实")
    assert "来源：1 篇报道" in print_note
    assert title.startswith("报道活跃度") and "不是统计数" in title
    out = callbacks.compute_charts(snap, {"indicator": "people_reached"})
    assert out[0]["layout"]["xaxis"]["title"]["text"] == "合计（人）" and "合计 4万人" in out[5]
    assert "重复相加" in out[8]  # a sum of mentions says what it is


@pytest.mark.parametrize("state", [
    {"league": "'; DROP TABLE facts; --"}, {"league": ["list"]}, "not a dict", None, {"q": "不存在的词"},
])
def test_forged_states_get_safe_answers(snap, state):
    out = callbacks.compute_charts(snap, state)
    assert len(out) == 9
    rows, pages, page, count = callbacks.compute_table(snap, state, 10 ** 9, "junk", {"x": 1})
    assert page == pages - 1 and isinstance(rows, list)
    data, name = callbacks.compute_download(snap, state, "{value_text} > x")
    assert data.startswith(b"\xef\xbb\xbf") and name.endswith(".csv")


def test_empty_search_says_so(snap):
    line = callbacks.compute_charts(snap, {"q": "不存在的词"})[5]
    assert line == "搜索“不存在的词”：没有符合条件的数据"
    assert callbacks.compute_table(snap, {"q": "不存在的词"}, 0, [], "")[3] == "没有符合条件的数据"


def test_compute_article_highlights_the_number(source, snap):
    fid = snap.facts.loc[snap.facts["subject"] == "基层书记", "fact_id"].iloc[0]
    children = callbacks.compute_article(source, snap, fid)
    text = repr(children)
    assert "Mark(children='2423名'" in text
    assert callbacks.compute_article(source, snap, "nope") is not None
    assert callbacks.compute_article(source, snap, None) is None


def test_compute_download_filtered_and_all(snap):
    data, name = callbacks.compute_download(snap, {"league": "赤峰市", "banner": "阿鲁科尔沁旗"}, None, "en")
    assert name.startswith("事实_赤峰市_阿鲁科尔沁旗_")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert len(rows) == 3 and all(r[FACT_COLUMNS.index("banner")] == "阿鲁科尔沁旗" for r in rows[1:])
    data, name = callbacks.compute_download(snap, None, None, "en")
    assert name.startswith("事实_全部_") and data.count(b"\r\n") == 11
