"""OCR look-alike correction (etl.sources.ocrfix) and its use in the OCR reader's paragraphs."""
from __future__ import annotations

import doctest
import re

import pytest

from etl.sources import ocr, ocrfix
from etl.sources.geometry import Line
from tests.formats import report_text
from tests.scoring import report_path

pytestmark = pytest.mark.skipif(ocrfix._font() is None or ocrfix._tables() is None,
                                reason="needs fonts-noto-cjk and jieba")

# (as Tesseract read it, as printed): one character misread as a look-alike, read with low confidence
MISREAD = [
    ("扎责特旗新建党群服务中心", "扎赉特旗新建党群服务中心"),  # a banner name (gazetteer)
    ("本期推送哪托克前旗的经验", "本期推送鄂托克前旗的经验"),
    ("巴彦浏尔市委组织部", "巴彦淖尔市委组织部"),  # a league name
    ("镇巴彦乌拉吓查，党员中心户", "镇巴彦乌拉嘎查，党员中心户"),  # a village name (gazetteer)
    ("东马珠穆沁旗满都胡宝拉格镇", "东乌珠穆沁旗满都胡宝拉格镇"),
    ("全旗排查软弱痪散党组织12个", "全旗排查软弱涣散党组织12个"),  # a dictionary word
    ("力争履盖面达到九成", "力争覆盖面达到九成"),
    ("解决群众急难悉盼问题26件", "解决群众急难愁盼问题26件"),
    ("坚持“觉员中心户”工作法", "坚持“党员中心户”工作法"),
    ("打造“聚力国边”边境党建品牌", "打造“聚力固边”边境党建品牌"),
    ("深化京莹协作，累计投入资金1.46亿元", "深化京蒙协作，累计投入资金1.46亿元"),
]


@pytest.mark.parametrize(("read", "printed"), MISREAD)
def test_a_misread_look_alike_is_restored(read, printed):
    assert ocrfix.correct(read, [0.3] * len(read)) == printed


@pytest.mark.parametrize(("read", "printed"), MISREAD)
def test_a_character_read_surely_is_kept(read, printed):
    assert ocrfix.correct(read, [ocrfix.MAX_CONF] * len(read)) == read


@pytest.mark.parametrize("sentence", [
    "全旗共有党员1200名，其中女党员300名，35岁以下党员占比11.6%。",
    "呼伦贝尔市陈巴尔虎旗东乌珠尔苏木哈拉图嘎查气温已零下30摄氏度。",
    "鄂托克前旗位于鄂尔多斯市西南部，总面积1.2万平方公里，常住人口约11万人。",
    "嘎查党支部书记带领牧民发展肉牛产业，户均增收6000元左右。",
    "入冬以来，各“暖冬驿站”累计提供饲草调运、兽医诊疗、应急救援等服务1800余次。",
    "□本报记者 肖璐",
])
@pytest.mark.parametrize("conf", [0.0, 0.5, 0.8])
def test_a_correct_sentence_is_left_byte_identical(sentence, conf):
    assert ocrfix.correct(sentence, [conf] * len(sentence)) == sentence


@pytest.mark.parametrize("text", [
    "扎责特旗2024年新建12个，增长3.5%，编号A-7",
    "全旗排查软弱痪散党组织12个（2023年为15个）",
    "1+3+N",
])
def test_only_hanzi_change_and_the_length_stays(text):
    out = ocrfix.correct(text, [0.0] * len(text))
    assert len(out) == len(text)
    assert [c for c in out if not re.match(r"[\u4e00-\u9fff]", c)] == \
           [c for c in text if not re.match(r"[\u4e00-\u9fff]", c)]
    assert re.findall(r"\d", out) == re.findall(r"\d", text)


def test_confidence_must_match_the_text():
    with pytest.raises(ValueError):
        ocrfix.correct("扎责特旗", [0.1, 0.1])


def test_without_the_font_the_text_is_left_as_it_is(monkeypatch, tmp_path):
    monkeypatch.setattr(ocrfix, "FONTS", (tmp_path / "none.ttc",))
    ocrfix._font.cache_clear()
    try:
        assert ocrfix.correct("扎责特旗", [0.0] * 4) == "扎责特旗"
    finally:
        monkeypatch.undo()
        ocrfix._font.cache_clear()


def test_look_alikes_are_more_alike_than_other_characters():
    assert ocrfix.similarity("土", "士") > 0.8
    assert ocrfix.similarity("赉", "责") > ocrfix.similarity("赉", "党")
    assert ocrfix.similarity("涣", "痪") > ocrfix.similarity("涣", "旗")


def test_real_reports_are_almost_never_changed():
    """Whole tuning reports (17,000 characters), every character at a middling confidence: at most 1 change in
    5,000 characters (on all 62 tuning reports: 4 in 94,000, e.g. 越走越近 → 越走越远, a more common idiom)."""
    names = ["101_xilingol_page.txt", "104_ulanqab_jingmeng_bom.txt", "110_chifeng_page.txt",
             "113_xilingol_report.txt", "124_chifeng_report.txt", "128_alxa_bayannur_report.txt",
             "130_xinyouqi_mabei_yexiao.txt", "132_xam_jiceng_zhili_huibao.txt", "141_bayannur_dangjian_tongji_gongbao.txt",
             "152_kezuozhong_huibao.txt", "155_ewenki_wechat.txt", "158_bayannur_report.txt"]
    changed = total = 0
    for name in names:
        text = report_text(report_path(name))
        out = ocrfix.correct(text, [0.8] * len(text))
        changed += sum(a != b for a, b in zip(text, out))
        total += len(text)
    assert total > 10_000
    assert changed * 5_000 <= total


def test_ocr_paragraph_is_corrected_with_its_characters_confidences():
    """Two OCR lines of one paragraph: the unsure misread is corrected, the sure one kept, offsets unchanged."""
    first = "全旗排查软弱痪散"
    second = "党组织12个，扎责特旗3个。"
    lines = [
        Line(0, 0, 400, 20, first, 20.0, 0.8, (0.95,) * 6 + (0.2, 0.95)),
        Line(0, 30, 260, 50, second, 20.0, 0.9, (0.97,) * len(second)),
    ]
    blocks = ocr.ocr_blocks(lines, (0, 0, 400, 60))
    assert [b.text for b in blocks] == ["全旗排查软弱涣散党组织12个，扎责特旗3个。"]
    assert [off for off, _ln in blocks[0].pieces] == [0, len(first)]


def test_line_confidences_follow_the_cleaned_text():
    tsv = "\n".join([
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "4\t1\t1\t1\t1\t0\t0\t0\t300\t20\t-1\t",
        "5\t1\t1\t1\t1\t1\t0\t0\t40\t20\t96.5\t党员",
        "5\t1\t1\t1\t1\t2\t50\t0\t60\t20\t91.0\t1200",
        "5\t1\t1\t1\t1\t3\t120\t0\t20\t20\t30.0\t名",
        "5\t1\t1\t1\t1\t4\t150\t0\t20\t20\t88.0\t,",
    ])
    (line,) = ocr.tsv_lines(tsv)
    assert line.text == "党员1200名，"
    assert line.char_conf == (0.965, 0.965, 0.91, 0.91, 0.91, 0.91, 0.3, 0.88)


@pytest.mark.parametrize("module", [ocrfix, ocr])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
