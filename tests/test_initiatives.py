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
