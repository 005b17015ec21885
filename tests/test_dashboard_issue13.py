"""Issue 13 as pure functions: Chinese ticks, canonical units, 全区/区外 groups, table filters, dates,
faceted counts, multi-select, treemap totals, Chinese CSV and Excel."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import numpy as np
import openpyxl
import pandas as pd
import pytest

from dashboard import callbacks, figures, ids, queries
from dashboard.data import normalise_facts
from dashboard.labels import format_tick, nice_ticks
from etl.units import canonical_unit, load_synonyms, synonyms_of

K_M_B = re.compile(r"\d\s*[kMBGT]\b")


def _fact(fid, league="", indicator="events", category="count", value=1.0, unit="场", per="", banner="",
          level=None, initiative="", subject="x", published="2024-01-09", source="a.txt", township="",
          qualifier="exact", low=None, high=None, league_code=None):
    return {
        "fact_id": fid, "source_file": source, "article_id": f"{source}#0", "article_title": "标题",
        "published": published, "league": league, "league_code": league_code if league_code is not None else
        {"赤峰市": "150400", "通辽市": "150500", "包头市": "150200"}.get(league, ""),
        "banner": banner, "banner_code": {"林西县": "150424", "奈曼旗": "150525", "阿鲁科尔沁旗": "150421"}.get(banner, ""),
        "township": township, "village": "",
        "region_level": level or ("banner" if banner else "league" if league else "unknown"),
        "initiative": initiative, "subject": subject, "indicator": indicator, "category": category,
        "value": float(value), "value_low": low, "value_high": high, "qualifier": qualifier, "unit": unit, "per": per,
        "quote": subject, "span_start": 0, "span_end": 1, "confidence": 1.0,
    }


@pytest.fixture(scope="module")
def groups_df() -> pd.DataFrame:
    """Leagues, a region-wide figure, partner aid from Beijing, a township without its league, an unknown."""
    rows = [
        _fact("f1", "赤峰市", "funding", "money", 3e8, "元", banner="林西县", initiative="强基工程"),
        _fact("f2", "赤峰市", "funding", "money", 2e8, "元", initiative="强基工程"),
        _fact("f3", "通辽市", "funding", "money", 1e8, "元", banner="奈曼旗", initiative="红色物业"),
        _fact("f4", "", "funding", "money", 9e8, "元", level="region", subject="全区投入资金"),
        _fact("f5", "", "funding", "money", 4e7, "元", level="outside", subject="北京市朝阳区援助资金",
              initiative="京蒙协作"),
        _fact("f6", "", "funding", "money", 5e6, "元", level="township", township="民警路街道"),
        _fact("f7", "", "funding", "money", 1e6, "元", level="unknown"),
        _fact("f8", "赤峰市", "funding", "rate", 292, "元", per="只"),
        _fact("f9", "赤峰市", "funding", "area", 50, "亩"),
    ]
    return normalise_facts(pd.DataFrame(rows))


# ------------------------------------------------------------------ Chinese numbers on axes

@pytest.mark.parametrize("value, expected", [
    (0, "0"), (5000, "5000"), (20000, "2万"), (25000, "2.5万"), (1e8, "1亿"), (5e7, "5000万"),
    (3.5e9, "35亿"), (100000, "10万"), (0.5, "0.5"),
])
def test_tick_labels_are_chinese(value, expected):
    assert format_tick(value) == expected


@pytest.mark.parametrize("high", [7, 60, 642, 9_000, 120_000, 2_500_000, 3.39e9, 1.2e12])
def test_value_axis_has_no_k_m_b_and_covers_the_data(high):
    axis = figures.value_axis([high * 0.3, high], queries.Measure("sum", "元", "", "合计（元）"))
    assert axis["tickvals"][0] <= 0 and axis["tickvals"][-1] >= high * 0.999
    assert axis["range"][1] > high  # room for the labels outside the bars
    for text in axis["ticktext"]:
        assert not K_M_B.search(text), text
        assert not text.endswith(".0") and ".0万" not in text and ".0亿" not in text
    assert len(nice_ticks(0, high)) <= 7


def test_bar_labels_stay_horizontal_and_formatted():
    agg = pd.DataFrame({"league": ["赤峰市", "通辽市"], "league_code": ["150400", "150500"],
                        "y": [3.39e9, 14140000.0], "n": [3, 1]})
    fig = figures.validated(figures.bar_chart(agg, "league", queries.Measure("sum", "元", "", "合计（元）"), "按盟市",
                                              code_col="league_code"))
    bar = fig.data[0]
    assert bar.textangle == 0 and bar.textposition == "outside"
    assert list(bar.text) == ["1414万", "33.9亿"]
    assert fig.layout.xaxis.fixedrange and fig.layout.yaxis.fixedrange and fig.layout.dragmode is False


def test_map_colour_bar_has_chinese_ticks_and_place_names():
    gj = figures.load_geojson(callbacks.LEAGUE_GEOJSON)
    if gj is None:
        pytest.skip("data/reference/im_leagues.geojson not generated yet")
    agg = pd.DataFrame({"code": ["150400", "150500"], "name": ["赤峰市", "通辽市"], "y": [2.2e10, 3e9], "n": [4, 2]})
    m = queries.Measure("sum", "元", "", "合计（元）")
    fig = figures.validated(figures.choropleth(callbacks.LEAGUE_GEOJSON, agg, m, "地图"))
    cbar = fig.data[0].colorbar
    assert cbar.ticktext and all(not K_M_B.search(t) for t in cbar.ticktext)
    names = fig.data[1]
    assert names.type == "scattermap" and names.mode == "text"
    assert "赤峰" in names.text and "锡林郭勒" in names.text and len(names.text) == 12
    # every label sits inside its league's bounding box
    for lon, lat, code in zip(names.lon, names.lat, gj.codes):
        x0, y0, x1, y1 = gj.bboxes[gj.codes.index(code)]
        assert x0 <= lon <= x1 and y0 <= lat <= y1
    phone = figures.choropleth(callbacks.LEAGUE_GEOJSON, agg, m, "地图", width=358, height=340)
    assert phone["layout"]["map"]["zoom"] < fig.layout.map.zoom  # the whole region fits a phone


# ------------------------------------------------------------------ units

@pytest.mark.parametrize("unit, indicator, expected", [
    ("场", "events", "场次"), ("次", "events", "场次"), ("场次", "events", "场次"),
    ("条", "requests", "件"), ("件", "requests", "件"), ("个", "requests", "件"),
    ("条", "infrastructure", "条"), ("支", "organisations", "个"), ("家", "organisations", "个"),
    ("个", "infrastructure", "个"), ("项", "services", "项"), ("人次", "training", "人次"), ("名", "", "人"),
])
def test_canonical_units_from_the_shared_table(unit, indicator, expected):
    assert canonical_unit(unit, indicator) == expected


def test_synonym_table_is_read_from_reference_data():
    table = load_synonyms()
    assert table[("次", "")] == "场次" and table[("条", "requests")] == "件"
    assert synonyms_of("件", "requests") == {"件", "条", "个"}
    assert synonyms_of("个", "infrastructure") == {"个"}


def test_sum_uses_one_canonical_unit_whatever_the_filter():
    df = normalise_facts(pd.DataFrame([
        _fact("a", "赤峰市", value=10, unit="场"), _fact("b", "赤峰市", value=5, unit="次"),
        _fact("c", "通辽市", value=7, unit="场次"), _fact("d", "通辽市", value=100, unit="人", subject="参与"),
        _fact("e", "通辽市", value=3, unit="次"),
    ]))
    units = queries.indicator_units(df)
    assert units["events"] == "场次"
    for league, expected_sum, left in ((None, 25.0, 1), ("赤峰市", 15.0, 0), ("通辽市", 10.0, 1)):
        f = queries.normalise(df, {"indicator": "events", "league": league})
        m, rows = queries.choose_measure(queries.apply_filters(df, f), f, units)
        assert (m.kind, m.unit) == ("sum", "场次")
        assert float(rows["value"].sum()) == expected_sum
        assert ("另有" in m.note) == bool(left)
        if left:
            assert f"另有 {left} 条未计入合计" in m.note and "「人」1 条" in m.note


def test_natural_conditions_are_never_summed():
    df = normalise_facts(pd.DataFrame([
        _fact("a", "呼伦贝尔市", "environment", "length", 5, "公里", subject="边境线"),
        _fact("b", "呼伦贝尔市", "environment", "temperature", -30, "°C", subject="气温"),
    ]))
    f = queries.normalise(df, {"indicator": "environment"})
    m, rows = queries.choose_measure(df, f)
    assert m.kind == "count" and "不能相加" in m.note and len(rows) == 2
    line = callbacks.compute_charts(_snap(df), f.to_dict())[5]
    assert "合计" not in line and "2 条事实" in line


# ------------------------------------------------------------------ 全区, 区外, 盟市不详, 未定位

def test_league_chart_keeps_named_groups_apart(groups_df):
    f = queries.Filters(indicator="funding")
    m, rows = queries.choose_measure(groups_df, f)
    agg = queries.by_league(rows, m)
    assert agg["league"].tolist() == ["赤峰市", "通辽市", "全区", "区外", "盟市不详", "未定位"]
    assert agg["label"].tolist()[3] == "区外（京蒙协作等）"
    assert dict(zip(agg["league"], agg["y"]))["赤峰市"] == 5e8  # the rate and the area are not added
    t = queries.totals(rows, m)
    assert t["im"] == 3e8 + 2e8 + 1e8 + 5e6 + 1e6  # 全区 and 区外 never added in
    assert t["全区"] == 9e8 and t["区外"] == 4e7


@pytest.mark.parametrize("group, facts", [("全区", {"f4"}), ("区外", {"f5"}), ("盟市不详", {"f6"}),
                                          ("未定位", {"f7"}), ("赤峰市", {"f1", "f2", "f8", "f9"})])
def test_a_group_is_a_filter_of_its_own(groups_df, group, facts):
    f = queries.normalise(groups_df, {"league": [group]})
    assert f.league == (group,)
    assert set(queries.apply_filters(groups_df, f)["fact_id"]) == facts


def test_region_text_names_the_groups(groups_df):
    texts = dict(zip(groups_df["fact_id"], queries.region_texts(groups_df)))
    assert texts["f4"] == "全区" and texts["f5"] == "区外（京蒙协作等）" and texts["f7"] == "未定位"
    assert texts["f1"] == "赤峰市·林西县" and texts["f6"] == "民警路街道"


def test_headline_lists_region_wide_and_outside_apart(groups_df):
    out = callbacks.compute_charts(_snap(groups_df), {"indicator": "funding"})
    line = out[5]
    assert "合计 6.06亿元" in line and "全区 9亿元" in line and "区外（京蒙协作等） 4000万元" in line
    assert "不计入合计" in line


def test_league_options_name_the_groups_and_follow_other_filters(groups_df):
    opts = queries.league_options(groups_df, queries.Filters(initiative="京蒙协作"))
    by_value = {o["value"]: o for o in opts}
    assert by_value["区外"]["label"] == "区外（京蒙协作等） (1)" and not by_value["区外"].get("disabled")
    assert by_value["赤峰市"]["label"] == "赤峰市 (0)" and by_value["赤峰市"]["disabled"]
    assert [o["value"] for o in opts][-4:] == ["全区", "区外", "盟市不详", "未定位"]


def test_faceted_options_keep_what_is_chosen(groups_df):
    f = queries.normalise(groups_df, {"league": ["通辽市"], "initiative": ["强基工程"]})
    inits = {o["value"]: o for o in queries.initiative_options(groups_df, f=f)}
    assert inits["强基工程"]["label"] == "强基工程 (0)" and not inits["强基工程"].get("disabled")
    assert inits["红色物业"]["label"] == "红色物业 (1)"
    banners = queries.banner_options(groups_df, f=f)
    assert [o["value"] for o in banners] == ["奈曼旗"]


# ------------------------------------------------------------------ hierarchy agrees with the bars

def test_treemap_totals_equal_the_bars_and_say_what_is_folded():
    rng = np.random.default_rng(3)
    rows = []
    for i in range(600):
        league = ["赤峰市", "通辽市", "包头市"][i % 3]
        rows.append(_fact(f"t{i}", league, banner=["林西县", "奈曼旗", ""][i % 3] if league != "包头市" else "",
                          initiative=f"举措{rng.integers(0, 40)}", value=1))
    rows.append(_fact("r", "", level="region"))
    df = normalise_facts(pd.DataFrame(rows))
    m = queries.Measure()
    h = queries.hierarchy(df, m, per_banner=5)
    bars = queries.by_league(df, m)
    tops = {i: v for i, v, p in zip(h.ids, h.values, h.parents) if p == ""}
    assert tops == dict(zip(bars["league"], bars["y"]))
    assert h.folded > 0 and any(label.startswith("其他 ") and label.endswith(" 项举措") for label in h.labels)
    # every parent's value is the sum of its children's
    children: dict[str, float] = {}
    for v, p in zip(h.values, h.parents):
        if p:
            children[p] = children.get(p, 0) + v
    for node, v in zip(h.ids, h.values):
        if node in children:
            assert children[node] == pytest.approx(v)
    fig = figures.validated(figures.treemap(h, m))
    assert fig.data[0].type == "treemap" and fig.data[0].maxdepth == 2
    assert "其余合并为“其他”" in fig.layout.annotations[0].text


# ------------------------------------------------------------------ table filters

@pytest.mark.parametrize("text, expected", [
    (">1000", [(">", 1000.0)]), (">=5000", [(">=", 5000.0)]), ("≥5千", [(">=", 5000.0)]),
    ("1万", [("=", 10000.0)]), ("1万-5万", [(">=", 10000.0), ("<=", 50000.0)]), ("大于1000", [(">", 1000.0)]),
    ("不超过两万", [("<=", 20000.0)]), ("<0.5", [("<", 0.5)]), ("5万~1万", [(">=", 10000.0), ("<=", 50000.0)]),
    ("abc", []), ("", []),
])
def test_value_expressions(text, expected):
    assert queries.parse_value_expr(text) == expected


@pytest.mark.parametrize("query, n", [
    ("{value_text} i> 1000", 2),          # what DataTable writes for ">1000"
    ("{value_text} s>= 2423", 2),
    ("{value_text} icontains 1万", 0),
    ("{value_text} icontains 4万", 1),      # 4万多 is 40000 (lower bound)
    ("{value_text} icontains 1万-5万", 1),
    ("{value_text} icontains >100", 5),
    ("{region} icontains 赤峰市·阿鲁科尔沁旗", 2),
    ("{region} icontains 赤峰市 阿鲁科尔沁旗", 2),
    ("{region} icontains 阿鲁科尔沁旗", 2),
    ("{value_text} i> 100 && {region} icontains 赤峰", 2),
])
def test_table_filters_as_typed(facts, query, n):
    f = queries.normalise(facts, {"table": query})
    assert f.table  # kept in the state, so headline, URL and CSV follow it
    assert len(queries.apply_filters(facts, f)) == n


def test_unreadable_table_filter_is_reported_not_applied(facts):
    rep = queries.normalise_report(facts, {"table": "{value_text} icontains abc && {region} icontains 赤峰"})
    assert rep.filters.table == "{region} contains 赤峰"
    assert any("abc" in x for x in rep.ignored)
    assert "看不懂" in callbacks.table_notice(rep.ignored)


def test_table_filter_changes_headline_url_and_file_name(snap):
    state = queries.normalise(snap.facts, {"table": "{value_text} i> 1000"}).to_dict()
    line = callbacks.compute_charts(snap, state)[5]
    assert line.startswith("数值>1000：2 条事实")
    assert "table=" in queries.to_query_string(queries.Filters.from_dict(state))
    name = queries.csv_filename(queries.Filters.from_dict(state), date(2026, 12, 2))
    assert name == "事实_数值大于1000_2026-12-02.csv"
    data, _ = callbacks.compute_download(snap, state, None)
    assert data.decode("utf-8-sig").count("\r\n") == 3


# ------------------------------------------------------------------ dates and links

@pytest.mark.parametrize("text, end, expected", [
    ("2024-01-09", False, "2024-01-09"), ("2024年1月9日", False, "2024-01-09"), ("2024/1/9", False, "2024-01-09"),
    ("2024.1.9", False, "2024-01-09"), ("20240109", False, "2024-01-09"), ("2024年1月", False, "2024-01-01"),
    ("2024年2月", True, "2024-02-29"), ("2024年", True, "2024-12-31"), ("2024-01-09T00:00:00", False, "2024-01-09"),
    ("2024-13-45", False, None), ("2023-02-29", False, None), ("明天", False, None), ("", False, None),
])
def test_parse_date(text, end, expected):
    assert queries.parse_date(text, end=end) == expected


def test_bad_link_values_are_reported_and_not_applied(facts):
    f0 = queries.from_query_string("?league=赤峰市&league=北京市&date_from=2024-13-45&date_to=2023年1月31日&indicator=x")
    rep = queries.normalise_report(facts, f0)
    assert rep.filters == queries.Filters(league=("赤峰市",), date_to="2023-01-31")
    text = callbacks.filter_notice(rep.ignored)
    assert "北京市" in text and "2024-13-45" in text and "指标「x」" in text and text.startswith("网址中的以下条件无效")


def test_reversed_dates_are_swapped(facts):
    f = queries.normalise(facts, {"date_from": "2024-12-31", "date_to": "2023年1月1日"})
    assert (f.date_from, f.date_to) == ("2023-01-01", "2024-12-31")


@pytest.mark.parametrize("f", [
    queries.Filters(league=("赤峰市", "全区"), banner=("阿鲁科尔沁旗",)),
    queries.Filters(initiative=("感党恩、听党话、跟党走", "三减三优"), table="{value_text} > 1000"),
])
def test_multi_values_round_trip_through_the_url(f):
    assert queries.from_query_string(queries.to_query_string(f)) == f


def test_reset_clears_every_filter(facts):
    values = {"league": ["赤峰市"], "date_from": "2023-01-01", "date_to": "2023-12-31", "table": "{value_text} i> 1"}
    assert callbacks.compute_state(facts, ids.RESET, "?league=赤峰市", values) == queries.Filters()


# ------------------------------------------------------------------ exports

def test_chinese_csv_headers_labels_and_order(groups_df):
    docs = pd.DataFrame({"source_file": ["a.txt"], "source": ["内蒙古日报"], "published_how": ["text"],
                         "title": ["北疆党旗红"], "kind": ["txt"]})
    data = queries.to_csv_bytes_zh(groups_df, docs)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"))))
    assert list(rows[0])[:4] == ["地区", "盟市", "盟市代码", "旗县区"]
    assert [r["地区"] for r in rows] == ["赤峰市", "赤峰市", "赤峰市", "赤峰市·林西县", "通辽市·奈曼旗", "全区",
                                        "区外（京蒙协作等）", "民警路街道", "未定位"]
    first = rows[0]
    assert first["指标"] == "资金" and first["日期来源"] == "由正文推断" and first["报纸/来源"] == "内蒙古日报"
    assert {r["数值类型"] for r in rows} >= {"金额", "比率", "面积"}
    assert rows[5]["地区层级"] == "自治区" and rows[6]["地区层级"] == "区外"
    assert rows[3]["数值"] == "300000000" and rows[3]["数值（写法）"] == "3亿"


def test_excel_has_facts_filters_and_sources(groups_df, tmp_path):
    evil = normalise_facts(pd.DataFrame([_fact("x", "赤峰市", subject="=HYPERLINK(\"http://x\")")]))
    df = pd.concat([groups_df, evil], ignore_index=True)
    df = normalise_facts(df)
    f = queries.Filters(league=("赤峰市",), indicator="funding")
    data = queries.to_xlsx_bytes(df, f, None, {"exported": "2026-12-02 10:00", "last_updated": "2026-12-01"},
                                 ["按「资金」合计，单位：元。"])
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["事实", "筛选条件", "来源"]
    facts = list(wb["事实"].values)
    assert facts[0][0] == "地区" and len(facts) == len(df) + 1
    values = {row[facts[0].index("对象")]: row for row in facts[1:]}
    assert values["=HYPERLINK(\"http://x\")"] is not None  # a formula is kept as text, never run
    assert wb["事实"].cell(row=2, column=facts[0].index("数值") + 1).data_type == "n"
    sheet = dict((r[0], r[1]) for r in list(wb["筛选条件"].values)[1:] if r[0] != "筛选条件")
    conditions = [r[1] for r in list(wb["筛选条件"].values)[1:] if r[0] == "筛选条件"]
    assert conditions == ["赤峰市", "指标：资金"] and sheet["导出时间"] == "2026-12-02 10:00"
    assert list(wb["来源"].values)[0][:3] == ("来源文件", "报道标题", "报纸/来源")


def test_synthetic_rows_are_marked(groups_df):
    df = normalise_facts(pd.DataFrame([_fact("s", "赤峰市", source="synthetic_000001.txt")]))
    assert queries.table_rows(df)[0]["source"].startswith("【合成数据】")
    rows = list(csv.DictReader(io.StringIO(queries.to_csv_bytes_zh(df).decode("utf-8-sig"))))
    assert rows[0]["合成数据"] == "是"


def _snap(df):
    from dashboard.data import Snapshot
    return Snapshot(df, 1, "2026-12-01T00:00:00", ("t",), 0.0, False)


@pytest.fixture(scope="module")
def facts(tmp_path_factory):
    from dashboard.data import FactSource
    from dashboard.sample import write_sample_database
    path = tmp_path_factory.mktemp("issue13") / "sample.db"
    return FactSource(write_sample_database(f"sqlite:///{path}"), cache_dir="").get().facts


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    from dashboard.data import FactSource
    from dashboard.sample import write_sample_database
    path = tmp_path_factory.mktemp("issue13s") / "sample.db"
    return FactSource(write_sample_database(f"sqlite:///{path}"), cache_dir="").get()
