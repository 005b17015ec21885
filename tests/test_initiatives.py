"""Named programmes: lexicon, quoted names with programme words, headline names, and non-programmes."""
from __future__ import annotations

import pytest

from etl.initiatives import find_initiatives


@pytest.mark.parametrize("text,expected", [
    ("开展“送学上门”活动，为13名老党员送去资料。", ["送学上门"]),
    ("在辖区16个居民小区推行“三事三制”社区治理工作法。", ["三事三制"]),
    ("实施“强基工程”，全面锻造头雁队伍。", ["强基工程"]),
    ("常态化开展“敲门行动”“红色家访”等活动。", ["敲门行动", "红色家访"]),
    ("“感党恩、听党话、跟党走”主题宣讲开展以来。", ["感党恩、听党话、跟党走"]),
    ("某旗推行“五步工作法”。", ["五步工作法"]),
    # quoted words that are not programmes
    ("加强对“一肩挑”人员管理监督。", []),
    ("把村“两委”班子培养成为行家里手。", []),
    ("实现群众少跑腿的“一站式服务”。", []),
    ("手持惠民补贴“明白卡”。", []),
    ("“有困难，就找党组织！”这是承诺。", []),
    # unquoted names after a verb, minus the programme word
    ("西乌旗推行党员联户工作法，织密服务网络。", ["党员联户"]),
    ("赛罕区推行接诉即办机制，统一派单。", ["接诉即办"]),
    ("土默特右旗在全旗开展网格化服务管理行动。", ["网格化服务管理"]),
    ("建设智慧党建平台，提升治理数字化水平。", ["智慧党建"]),
    ("回民区则推广民情茶座议事模式，设立民情茶座52个。", ["民情茶座议事"]),
    ("库伦旗启动荞麦品牌提升工程，建成基地4.5万亩。", ["荞麦品牌提升"]),
    # descriptions, not names
    ("建立健全长效机制。", []),
    ("完善工作机制，构建协调联动机制。", []),
    ("实施党群服务中心改造项目。", []),
    ("开展专项整治行动。", []),
    # book-title marks: a column the text opens is a programme; a publication is not
    ("在平台开设《牧区微党课》专栏，录制微党课160期。", ["牧区微党课"]),
    ("据《内蒙古日报》报道，学习《条例》。", []),
    # what something is ranked as is no programme
    ("把抓党建促乡村振兴作为“一号工程”。", []),
    ("被誉为“草原轻骑兵”。", []),
])
def test_find_initiatives(text, expected):
    assert [m.name for m in find_initiatives(text)] == expected


def test_headline_quoted_name_is_a_programme():
    title = "“聚力固边”筑牢红色屏障"
    found = find_initiatives(title + "\n\n正文没有再提。", title)
    assert [(m.name, m.how) for m in found] == [("聚力固边", "headline")]


def test_headline_speech_is_not_a_programme():
    title = "“有困难，就找党组织！”"
    assert find_initiatives(title + "\n\n正文。", title) == []


def test_short_references_point_back_to_the_named_programme():
    text = "二连浩特市成立口岸党建联盟。联盟还设立“红色驿站”8个。目前已建成各类党建联盟46个。"
    found = find_initiatives(text)
    assert [(m.name, text[m.start:m.end], m.how) for m in found] == [
        ("口岸党建联盟", "口岸党建联盟", "text"), ("口岸党建联盟", "联盟", "reference"),
        ("红色驿站", "红色驿站", "text"), ("口岸党建联盟", "党建联盟", "reference")]


def test_a_reference_before_the_name_points_nowhere():
    text = "各地联盟很多。后来成立口岸党建联盟。"
    assert [m.how for m in find_initiatives(text)] == ["text"]
