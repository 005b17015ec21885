"""Dashboard figures as pure functions: Chinese labels, empty states, offline map."""
from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import figures, queries
from dashboard.labels import EMPTY_MESSAGE

COUNT = queries.Measure()
SUM = queries.Measure("sum", "人", "", "合计（人）")


def _agg(names, ys, codes=None):
    return pd.DataFrame({"league": names, "league_code": codes or [""] * len(names), "y": ys, "n": [1] * len(names)})


def _annotations(fig):
    return [a.text for a in go.Figure(fig).layout.annotations]


@pytest.mark.parametrize("make", [
    lambda: figures.bar_chart(_agg([], []), "league", COUNT, "按盟市"),
    lambda: figures.bar_chart(None, "league", COUNT, "按盟市"),
    lambda: figures.treemap(queries.hierarchy(_agg([], []).assign(banner=[], initiative=[], region_level=[]), COUNT),
                            COUNT),
    lambda: figures.treemap(None, COUNT),
    lambda: figures.empty_figure("x"),
])
def test_empty_states_say_no_data(make):
    fig = figures.validated(make())
    assert isinstance(fig, go.Figure) and EMPTY_MESSAGE in _annotations(fig)


def test_bar_chart_labels_and_click_data():
    fig = figures.validated(figures.bar_chart(_agg(["赤峰市", "包头市"], [40000.0, 2423.0], ["150400", "150200"]),
                                              "league", SUM, "按盟市", selected="赤峰市", code_col="league_code"))
    bar = fig.data[0]
    assert list(bar.y) == ["包头市", "赤峰市"]  # largest on top
    assert list(bar.text) == ["2423", "4万"]
    assert bar.customdata[1][0] == "赤峰市" and bar.customdata[1][1] == "150400"
    assert fig.layout.xaxis.title.text == "合计（人）"
    assert "Noto Sans CJK SC" in fig.layout.font.family


def test_count_axis_uses_whole_ticks():
    fig = figures.validated(figures.bar_chart(_agg(["赤峰市"], [3]), "league", COUNT, "按盟市"))
    assert all(float(t).is_integer() for t in fig.layout.xaxis.tickvals) and fig.layout.xaxis.title.text == "事实条数"


def test_treemap_hierarchy_ids():
    df = pd.DataFrame({"league": ["赤峰市", "赤峰市"], "region_level": ["banner", "league"],
                       "banner": ["阿鲁科尔沁旗", ""], "initiative": ["三减三优", ""], "value": [1.0, 1.0]})
    h = queries.hierarchy(df, COUNT)
    fig = figures.validated(figures.treemap(h, COUNT))
    tm = fig.data[0]
    assert "赤峰市" in tm.ids and "赤峰市/阿鲁科尔沁旗/三减三优" in tm.ids
    assert tm.values[list(tm.ids).index("赤峰市")] == 2
    assert "（盟市本级）" in tm.labels and "（未标明）" in tm.labels


GEOJSON = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": "150400", "name": "赤峰市"},
     "geometry": {"type": "Polygon", "coordinates": [[[116, 41], [121, 41], [121, 45.5], [116, 45.5], [116, 41]]]}},
    {"type": "Feature", "properties": {"code": "150200", "name": "包头市"},
     "geometry": {"type": "Polygon", "coordinates": [[[109, 40], [111, 40], [111, 42.5], [109, 42.5], [109, 40]]]}},
]}


def test_map_uses_local_geojson_and_white_background():
    agg = pd.DataFrame({"code": ["150400"], "name": ["赤峰市"], "y": [4.0], "n": [4]})
    fig = figures.validated(figures.choropleth(GEOJSON, agg, COUNT, "地图"))
    trace = fig.data[0]
    assert isinstance(trace, go.Choroplethmap)
    assert list(trace.locations) == ["150400", "150200"] and list(trace.z) == [4.0, 0.0]
    assert fig.layout.map.style == "white-bg"
    assert fig.to_dict()["layout"]["map"].get("layers") is None  # no tile layer to fetch


def test_map_keeps_only_the_leagues_banners():
    fig = figures.validated(figures.choropleth(GEOJSON, pd.DataFrame(columns=["code", "name", "y", "n"]), COUNT,
                                               "地图", code_prefix="1504"))
    assert list(fig.data[0].locations) == ["150400"]
    assert EMPTY_MESSAGE in _annotations(fig)


def test_map_can_point_the_browser_at_a_served_file():
    fig = figures.validated(figures.choropleth(GEOJSON, pd.DataFrame(columns=["code", "name", "y", "n"]), COUNT,
                                               "地图", url="/geo/im_leagues.geojson"))
    assert fig.data[0].geojson == "/geo/im_leagues.geojson"


def test_missing_map_data_is_friendly(tmp_path):
    assert figures.load_geojson(tmp_path / "none.geojson") is None
    fig = figures.choropleth(None, pd.DataFrame(), COUNT, "地图")
    assert figures.MAP_MISSING in _annotations(fig)
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    assert figures.load_geojson(bad) is None


def test_real_geojson_if_present():
    from dashboard.callbacks import LEAGUE_GEOJSON
    gj = figures.load_geojson(LEAGUE_GEOJSON)
    if gj is None:
        pytest.skip("data/reference/im_leagues.geojson not generated yet")
    assert "150400" in gj.codes and len(set(gj.codes)) == 12
    assert gj.names[gj.codes.index("150400")] == "赤峰市"


@pytest.mark.parametrize("bbox, low, high", [
    ((97.2, 37.4, 126.1, 53.4), 2.5, 4.5),   # all of Inner Mongolia
    ((116.4, 41.3, 120.9, 45.4), 5.0, 7.0),  # 赤峰市
    ((110.0, 40.0, 110.1, 40.1), 9.0, 10.0),  # tiny: capped
])
def test_fit_zoom(bbox, low, high):
    assert low <= figures.fit_zoom(bbox) <= high


def test_graph_config_is_chinese():
    assert figures.GRAPH_CONFIG["locale"] == "zh-CN"


def test_every_dashboard_figure_passes_plotly_validation(tmp_path):
    """Figures are built with _validate=False for speed; rebuild them validated here."""
    from dashboard import callbacks
    from dashboard.data import FactSource
    from dashboard.sample import write_sample_database
    snap = FactSource(write_sample_database(f"sqlite:///{tmp_path / 's.db'}")).get()
    for state in ({}, {"league": "赤峰市"}, {"indicator": "people_reached"}, {"q": "没有这个词"}):
        out = callbacks.compute_charts(snap, state, lambda name: f"/geo/{name}")
        for fig in out[:5]:
            figures.validated(fig)
