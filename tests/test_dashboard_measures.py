"""The measure view's pure functions (dashboard/measures.py) on measures tables built from real facts."""
from __future__ import annotations

import csv
import dataclasses
import io

import pandas as pd
import pytest

from conftest import FIXTURES
from dashboard.measures import (
    INCOMPLETE_LABEL,
    MeasureIndex,
    MeasureKey,
    choose_basis,
    league_bars,
    measure_options,
    measure_view,
    measures_csv_bytes,
    summable,
)
from etl.measure_table import MEASURE_COLUMNS, measure_table
from etl.pipeline import extract_document
from etl.sources import load_manifest, read_document

CENTRES = MeasureKey("嘎查党群服务中心", "个")
SERVED = MeasureKey("服务群众", "人次")


def _facts(directory, names=None) -> pd.DataFrame:  # noqa: ANN001
    manifest, _problems = load_manifest(directory)
    rows = []
    for path in sorted(directory.glob("*.txt")):
        if names is None or path.name in names:
            rows += [dataclasses.asdict(f) for f in extract_document(read_document(path, directory, manifest))[1]]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    return _facts(FIXTURES / "measures")


@pytest.fixture(scope="module")
def index(facts) -> MeasureIndex:  # noqa: ANN001
    return MeasureIndex.build(measure_table(facts))


def test_league_bar_is_the_leagues_latest_own_figure(index):  # noqa: ANN001
    view = measure_view(index, CENTRES)
    assert view.basis == "level"
    bars = view.leagues
    assert list(zip(bars["league"], bars["value"], bars["as_of"], bars["complete"])) == [
        ("锡林郭勒盟", 560.0, "2024-09-12", True)]
    assert len(bars.iloc[0]["fact_ids"].split("|")) == 2  # two reports, one figure
    banners = dict(zip(view.banners["region"], view.banners["value"]))
    assert banners == {"东乌珠穆沁旗": 57.0, "西乌珠穆沁旗": 49.0}
    assert not {647.0, 1101.0, 1207.0} & (set(bars["value"]) | set(view.banners["value"]))


def test_trend_of_the_league_by_as_of(index):  # noqa: ANN001
    trend = measure_view(index, CENTRES).series
    assert list(zip(trend["region"], trend["as_of"], trend["value"])) == [
        ("锡林郭勒盟", "2024-05-31", 541.0), ("锡林郭勒盟", "2024-09-12", 560.0)]
    banner_trend = measure_view(index, CENTRES, regions=["152525"]).series
    assert list(banner_trend["value"]) == [57.0]


def test_without_the_leagues_own_figure_the_bar_adds_its_banners_and_says_so(facts):  # noqa: ANN001
    only_parts = measure_table(facts)
    only_parts = only_parts[only_parts["region_level"] != "league"]
    bars = league_bars(MeasureIndex.build(only_parts).rows(CENTRES), CENTRES, "level")
    row = bars.iloc[0]
    assert (row["league"], row["value"], bool(row["complete"]), row["label"]) == (
        "锡林郭勒盟", 106.0, False, INCOMPLETE_LABEL.format(n=2))
    assert row["label"] == "2 个旗县合计（不完整）"


def test_rates_and_shares_are_never_added_across_banners():
    rows = pd.DataFrame([dict(measure="办结率", unit="%", per="", kind="percent", region_level="banner",
                              league="锡林郭勒盟", league_code="152500", banner=b, banner_code=c, as_of="2024-06-10",
                              value=v, qualifier="exact", n_reports=1, fact_ids=f, township="", village="",
                              indicator="requests", period_start="")
                         for b, c, v, f in (("东乌珠穆沁旗", "152525", 98.0, "f1"), ("西乌珠穆沁旗", "152526", 96.0, "f2"))])
    key = MeasureKey("办结率", "%")
    assert not summable(key)
    assert league_bars(MeasureIndex.build(rows).rows(key), key, "level").empty


def test_cumulative_flow_shows_its_latest_value_never_the_sum(index):  # noqa: ANN001
    view = measure_view(index, SERVED)
    assert view.basis == "flow"
    latest = view.banners.iloc[0]
    assert (latest["region"], latest["value"], latest["as_of"], latest["period_start"]) == (
        "东乌珠穆沁旗", 31000.0, "2024-10-08", "2024-01-01")
    assert 43000.0 not in set(view.banners["value"]) | set(view.leagues["value"])
    bar = view.leagues.iloc[0]  # the league has no own figure: its one banner, marked incomplete
    assert (bar["value"], bool(bar["complete"]), bar["label"]) == (31000.0, False, "1 个旗县合计（不完整）")
    assert list(measure_view(index, SERVED, regions=["152525"]).series["value"]) == [12000.0, 31000.0]


def test_flows_of_different_periods_are_not_added():
    def row(banner, code, value, start):  # noqa: ANN001, ANN202
        return dict(measure="服务群众", unit="人次", per="", kind="flow", region_level="banner", league="锡林郭勒盟",
                    league_code="152500", banner=banner, banner_code=code, as_of="2024-10-08", value=value,
                    qualifier="exact", n_reports=1, fact_ids=code, township="", village="", indicator="people_reached",
                    period_start=start)

    rows = pd.DataFrame([row("东乌珠穆沁旗", "152525", 31000.0, "2024-01-01"), row("西乌珠穆沁旗", "152526", 20000.0, "2024-01-01"),
                         row("阿巴嘎旗", "152522", 90000.0, "2023-01-01")])
    bar = league_bars(MeasureIndex.build(rows).rows(SERVED), SERVED, "flow").iloc[0]
    assert (bar["value"], bar["n_banners"]) == (51000.0, 2)


def test_stock_preferred_when_a_measure_has_both(facts):  # noqa: ANN001
    t = measure_table(facts)
    rows = MeasureIndex.build(t).rows(CENTRES)
    assert choose_basis(rows) == "level"
    assert choose_basis(rows, "flow") == "flow"


def test_options_grouped_by_indicator_with_counts(facts):  # noqa: ANN001
    options = measure_options(measure_table(facts))
    assert list(options["indicator"]) == sorted(options["indicator"])
    first = options[options["measure"] == "嘎查党群服务中心"].iloc[0]
    assert (first["n_rows"], first["n_regions"], first["n_reports"]) == (4, 3, 5)
    assert first["label"].startswith("嘎查党群服务中心（个）")
    assert MeasureKey.from_value(first["key"]) == CENTRES


@pytest.mark.parametrize("value, key", [
    ("嘎查党群服务中心|个|", CENTRES),
    ("户均增收|元|户", MeasureKey("户均增收", "元", "户")),
    ("没有分隔", None), ("|个|", None), (None, None), (["x"], None), ("a|b|c|d", None), ("x" * 300 + "||", None),
])
def test_measure_key_from_untrusted_values(value, key):  # noqa: ANN001
    assert MeasureKey.from_value(value) == key


def test_unknown_measure_gives_empty_view(index):  # noqa: ANN001
    view = measure_view(index, MeasureKey("不存在", "个"))
    assert view.leagues.empty and view.banners.empty and view.series.empty


def test_measure_csv_download_bytes(index):  # noqa: ANN001
    data = measures_csv_bytes(measure_view(index, CENTRES).rows)
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == 5
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert tuple(rows[0]) == MEASURE_COLUMNS and rows[2][10] == "560"
