"""Tables: one reader for pipe, tab, space-aligned and HTML tables; one fact per number cell."""
from __future__ import annotations

import pytest

from etl.layout import normalise
from etl.pipeline import extract_document
from etl.schema import Document
from etl.sources import document_from_bytes
from etl.tables import column_spec, find_tables, label_column


def facts_of(text: str, name: str = "t.txt"):
    return extract_document(Document(name, text, "x"))[1]


@pytest.mark.parametrize("header,name,unit,per", [
    ("党员中心户（户）", "党员中心户", "户", ""),
    ("资金(万元)", "资金", "万元", ""),
    ("占比（%）", "占比", "%", ""),
    ("人均收入（元/人）", "人均收入", "元", "人"),
    ("联系牧户/户", "联系牧户", "户", ""),
    ("志愿者人数", "志愿者人数", "名", ""),
    ("办结率", "办结率", "%", ""),
    ("网格", "网格", "", ""),
])
def test_column_spec(header, name, unit, per):
    spec = column_spec(header)
    assert (spec.name, spec.unit, spec.per) == (name, unit, per)


PIPE = "表1 各旗党员中心户情况\n旗县区 | 党员中心户（户） | 联系牧户（户）\n正蓝旗 | 64 | 1210\n多伦县 | 31 | 540"
TABS = "苏木镇\t党员中心户（户）\t联系牧户（户）\n宝力根苏木\t38\t305\n\n朝克乌拉苏木\t44\t362"


@pytest.mark.parametrize("text,rows,caption", [
    (PIPE, [["正蓝旗", "64", "1210"], ["多伦县", "31", "540"]], "表1 各旗党员中心户情况"),
    (TABS, [["宝力根苏木", "38", "305"], ["朝克乌拉苏木", "44", "362"]], None),
    ("| 旗 | 数量（个） |\n|---|---|\n| 阿巴嘎旗 | 12 |\n| 正镶白旗 | 9 |", [["阿巴嘎旗", "12"], ["正镶白旗", "9"]], None),
])
def test_find_tables(text, rows, caption):
    (t,) = find_tables(text)
    assert [[c.text for c in r] for r in t.rows] == rows
    assert (t.caption.text if t.caption else None) == caption
    for r in t.rows:  # cells index into the text
        assert all(text[c.start:c.end] == c.text for c in r)


def test_a_line_with_one_bar_is_no_table():
    assert find_tables("守望相助｜286个“草原红哨”守边关") == []


def test_aligned_columns_become_tab_rows():
    text = "旗市            护边员（名）     巡边里程（万公里）\n东乌珠穆沁旗     216              3.8\n阿巴嘎旗         142              2.1"
    lines = normalise(text).split("\n")
    assert lines[1] == "东乌珠穆沁旗\t216\t3.8"
    # a masthead with dates is no table
    mast = "内蒙古日报    2024年12月6日    星期五    第7版\n基层·党建    本版编辑：赵蕾    版式：高杨    校对：李敏"
    assert "\t" not in normalise(mast)


def test_label_column_skips_row_numbers():
    (t,) = find_tables("序号 | 旗县区 | 网格（个）\n1 | 东河区 | 214\n2 | 青山区 | 198")
    assert label_column(t) == 1


def test_every_number_cell_is_a_fact_with_the_headers_unit_and_the_rows_region():
    text = ("锡林郭勒盟党员中心户工作情况\n\n今年以来，全盟深化“党员中心户”工作，各旗情况如下。\n\n" + PIPE
            + "\n合计 | 95 | 1750")
    facts = facts_of(text)
    got = sorted((f.value, f.unit, f.banner, f.subject, f.initiative) for f in facts if f.confidence == 0.85)
    assert got == sorted([
        (64, "户", "正蓝旗", "党员中心户", "党员中心户"), (1210, "户", "正蓝旗", "联系牧户", "党员中心户"),
        (31, "户", "多伦县", "党员中心户", "党员中心户"), (540, "户", "多伦县", "联系牧户", "党员中心户"),
        (95, "户", "", "党员中心户", "党员中心户"), (1750, "户", "", "联系牧户", "党员中心户"),
    ])
    total = next(f for f in facts if f.value == 95)
    assert (total.league, total.region_level) == ("锡林郭勒盟", "league")  # the rows' common league
    row = next(f for f in facts if f.value == 1210)
    assert "正蓝旗 | 64 | 1210" in row.quote and "联系牧户（户）" in row.quote  # header and row: traceable


def test_units_scale_with_the_header_and_rows_of_townships_total_to_their_banner():
    text = ("东乌珠穆沁旗各苏木镇集体经济\n\n苏木镇 | 集体经济收入（万元） | 占比（%）\n"
            "嘎达布其镇 | 35.5 | 12.5\n满都胡宝拉格镇 | 48 | 20\n合计 | 83.5 | 32.5")
    facts = facts_of(text)
    money = sorted((f.value, f.township, f.banner) for f in facts if f.unit == "元")
    assert money == [(355000, "嘎达布其镇", "东乌珠穆沁旗"), (480000, "满都胡宝拉格镇", "东乌珠穆沁旗"),
                     (835000, "", "东乌珠穆沁旗")]
    assert {f.category for f in facts if f.unit == "%"} == {"percent"}


def test_a_captions_unit_applies_to_cells_whose_header_has_none():
    text = ("巴音查干嘎查集体经济\n\n嘎查集体经济收入逐年攀升，具体见下表。\n\n巴音查干嘎查2021—2023年集体经济收入情况（单位：万元）\n\n"
            "年份 | 集体经济收入 | 其中：经营性收入\n2021年 | 38.6 | 21.3\n2022年 | 71.2 | 49.5")
    money = sorted(f.value for f in facts_of(text) if f.unit == "元")
    assert money == [213000, 386000, 495000, 712000]


def test_html_and_text_tables_give_the_same_facts():
    html = ("<html><body><h1>正蓝旗数据</h1><p>各旗情况如下：</p><table><tr><th>旗县区</th><th>党员中心户（户）</th></tr>"
            "<tr><td>正蓝旗</td><td>64</td></tr><tr><td>多伦县</td><td>31</td></tr></table></body></html>")
    doc = document_from_bytes(html.encode("utf-8"), "x.html")
    assert "正蓝旗 | 64" in doc.text
    html_facts = extract_document(doc)[1]
    text_facts = facts_of("正蓝旗数据\n\n各旗情况如下：\n\n旗县区 | 党员中心户（户）\n正蓝旗 | 64\n多伦县 | 31")
    key = lambda fs: sorted((f.value, f.unit, f.banner) for f in fs)  # noqa: E731
    assert key(html_facts) == key(text_facts) == [(31, "户", "多伦县"), (64, "户", "正蓝旗")]


def test_a_table_cell_is_not_read_twice_as_running_text():
    facts = facts_of("全盟情况\n\n旗县区 | 驿站\n正蓝旗 | 12个\n多伦县 | 9个")
    assert sorted(f.value for f in facts) == [9, 12]


def test_a_spreadsheet_becomes_facts_named_by_their_cells(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from etl.sources import read_document

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["锡林郭勒盟各旗党员中心户情况"])
    ws.append(["旗县区", "党员中心户（户）", "资金（万元）"])
    ws.append(["正蓝旗", 64, 12.5])
    ws.append(["多伦县", 31, 7.5])
    ws.append(["合计", 95, 20])
    wb.save(tmp_path / "t.xlsx")
    facts = extract_document(read_document(tmp_path / "t.xlsx", tmp_path, None))[1]
    got = sorted((f.location, f.value, f.unit, f.banner) for f in facts)
    assert got == [("Sheet1!B3", 64, "户", "正蓝旗"), ("Sheet1!B4", 31, "户", "多伦县"), ("Sheet1!B5", 95, "户", ""),
                   ("Sheet1!C3", 125000, "元", "正蓝旗"), ("Sheet1!C4", 75000, "元", "多伦县"),
                   ("Sheet1!C5", 200000, "元", "")]


def test_a_column_of_times_measures_a_service():
    text = ("全旗驿站运行情况\n\n截至7月底，各镇驿站运行情况如下：\n\n"
            "镇 | 服务群众（人次） | 志愿服务时长（小时）\n"
            "索伦镇 | 3815 | 947\n"
            "德伯斯镇 | 2437 | 702\n")
    got = sorted((f.value, f.unit) for f in facts_of(text))
    assert (947.0, "小时") in got and (702.0, "小时") in got and (3815.0, "人次") in got


def test_a_spaced_out_header_label_a_blank_index_cell_and_a_column_of_scores():
    text = ("化德县考核结果的通报\n\n各乡镇具体得分见下表。\n\n"
            "序号  乡  镇      综合得分（分）  党员中心户（户）  考核等次\n"
            "1     长顺镇            94.6               126      好\n"
            "2     七号镇            92.3                98      好\n"
            "      合  计               —               224      —\n")
    assert normalise(text).split("\n")[-2] == "\t合计\t—\t224\t—"
    got = sorted((f.value, f.unit, f.township) for f in facts_of(text))
    assert got == [(92.3, "分", "七号镇"), (94.6, "分", "长顺镇"), (98.0, "户", "七号镇"),
                   (126.0, "户", "长顺镇"), (224.0, "户", "")]
