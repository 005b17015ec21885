"""Page layout: articles, headlines, captions, quotation columns and broken lines."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl.layout import normalise, sentences, split_articles
from etl.schema import Document

SEED = Path(__file__).resolve().parent.parent / "data" / "raw" / "000_6770a73b9caf9553.txt"


@pytest.fixture(scope="module")
def seed_articles():
    return split_articles(Document(SEED.name, SEED.read_text(encoding="utf-8"), "x"))


def test_seed_page_splits_into_its_articles(seed_articles):
    got = [(a.kind, a.title) for a in seed_articles]
    assert got == [
        ("article", "“聚力固边”筑牢红色屏障"),
        ("article", "“三减三优”为基层减负增效"),
        ("caption", "送学上门"),
        ("article", "赤峰市2423名基层书记一线传党音"),
        ("quotes", "每周一学"),
        ("caption", "帮办代办暖民心"),
        ("article", "带着农民干 帮着农民赚"),
        ("article", "“有困难，就找党组织！”"),
    ]


def test_bylines_and_mottos(seed_articles):
    assert seed_articles[0].byline == "□本报记者 潘佳 通讯员 其乐木格"
    # page mottos and section labels are not part of any article
    text = "\n".join(a.text for a in seed_articles)
    for label in ("知行合一", "初心如磐", "北疆党旗红", "掠影"):
        assert label not in text.split("\n")


def test_subtitle_is_kept_with_the_article(seed_articles):
    assert seed_articles[3].text.startswith("“文艺党课”气氛足")


@pytest.mark.parametrize("joined", [
    "引导群众在真情实感中",   # 引\n\n导群众
    "三道河村党支部按照",     # 党\n\n支部
    "围绕学习贯彻《关于",     # 学习\n\n贯彻
    "交流‘零距离’",           # 交流\n\n‘零距离’
    "得天独厚的自然资源",     # 得天独\n\n厚的
    "建立“小区民情日记”",     # 建\n\n立
])
def test_words_broken_across_lines_are_repaired(seed_articles, joined):
    assert any(joined in a.text for a in seed_articles)


def test_single_newline_after_a_sentence_is_a_paragraph_break(seed_articles):
    assert "办事清单也要清晰明了。\n\n阿鲁科尔沁旗把" in seed_articles[1].text


def test_ids_are_stable_and_content_derived():
    doc = Document("a.txt", SEED.read_text(encoding="utf-8"), "x")
    first = [a.article_id for a in split_articles(doc)]
    assert first == [a.article_id for a in split_articles(doc)]
    assert len(set(first)) == len(first)
    other = Document("b.txt", doc.text, "x")
    assert set(first).isdisjoint(a.article_id for a in split_articles(other))


@pytest.mark.parametrize("text,expected", [
    ("第一句。第二句！第三句", ["第一句。", "第二句！", "第三句"]),
    ("他说：“好。”然后走了。", ["他说：“好。”", "然后走了。"]),
    ("段一\n\n段二。", ["段一", "段二。"]),
])
def test_sentences(text, expected):
    assert [text[s:e] for s, e in sentences(text)] == expected


def test_plain_report_without_byline_is_one_article():
    text = "某旗开展“红色物业”行动\n\n近日，某旗组织100名党员志愿者走进小区。\n\n活动共开展12场。"
    arts = split_articles(Document("w.txt", text, "x"))
    assert len(arts) == 1 and arts[0].title == "某旗开展“红色物业”行动"


def test_list_by_banner_stays_one_line_per_item():
    text = ("全盟党群服务站建设情况\n\n□本报记者 王明\n\n截至目前，全盟建成党群服务站200个，分布如下：\n"
            "科尔沁右翼前旗：服务站45个\n扎赉特旗：服务站38个\n突泉县：服务站30个\n\n下一步，全盟将继续推进。")
    arts = split_articles(Document("l.txt", text, "x"))
    assert len(arts) == 1
    assert "科尔沁右翼前旗：服务站45个\n\n扎赉特旗：服务站38个\n\n突泉县：服务站30个" in arts[0].text


def test_a_list_of_names_and_counts_stays_a_list_after_spaces_are_dropped():
    text = ("全旗党群服务中心建设情况\n\n□本报记者 王明\n\n截至年底，各苏木镇新建党群服务中心情况如下：\n\n"
            "巴彦镇 12个\n乌兰苏木 7个\n\n全旗签订协作协议 8 份。")
    arts = split_articles(Document("l.txt", text, "x"))
    assert len(arts) == 1
    assert "巴彦镇 12个" in arts[0].text and "乌兰苏木 7个" in arts[0].text
    assert "协作协议8份" in arts[0].text


@pytest.mark.parametrize("line, joined, kept", [
    ("全旗农牧民人均可支配收入达28 000元，同比增长6.5%。", "28000元", ""),
    ("全盟共有党员 12 345 名，其中少数民族党员 3 100 名。", "12345名", "3100名"),
    ("累计投入资金1\u2009250\u2009000元。", "1250000元", ""),  # thin spaces of a PDF text layer
    ("全年共接待游客 2 300 人次，比上年多 15 人次。", "2300人次", "多15人次"),
    ("2023年 12 个嘎查 345 户", "", "12个嘎查345户"),  # a group of three after a space only joins a 1-3 digit head
    ("全旗累计投入资金 1 250.5 万元，建成服务站。", "1250.5万元", ""),
    ("全旗总面积7 476 km2，辖3个镇。", "7476km2", ""),  # a number and its SI unit, as a journal prints them  # the integer part grouped, then its decimals
])
def test_thousands_grouped_with_spaces_are_one_number(line, joined, kept):
    text = "某旗工作动态\n\n" + line
    body = split_articles(Document("g.txt", text, "x"))[0].text
    if joined:
        assert joined in body
    if kept:
        assert kept in body


def test_a_profiles_topic_labels_are_sections_not_new_articles():
    # an encyclopedia-style profile: 村情简介 / 经济情况 over its paragraphs head sections of the same entry
    text = ("宝力格嘎查\n\n地理环境\n\n宝力格嘎查位于阿巴嘎旗东部，土地总面积52万亩。\n\n"
            "村情简介\n\n经济情况\n\n全嘎查共有牧户210户，人口650人。\n\n基础设施\n\n嘎查建有文化室1处。")
    arts = split_articles(Document("p.txt", text, "x"))
    assert len(arts) == 1
    assert "经济情况" in arts[0].text and "210户" in arts[0].text


def test_a_headline_pair_after_an_article_still_opens_the_next_one():
    text = ("某旗开展党员培训\n\n本报讯 全旗培训党员300名。\n\n"
            "牧区新风\n\n某嘎查建成“红色驿站”5处\n\n本报讯 驿站服务群众1200人次。")
    assert len(split_articles(Document("q.txt", text, "x"))) == 2


# One story copied from a web page into a text file: a photo's caption line, then two-line subheads.
_ONE_STORY = ("某旗某镇红柳村党支部抓产业促增收\n\n"
              "近年来，兴安盟扎赉特旗巴彦高勒镇红柳村党支部立足资源禀赋，带领群众发展特色种植，"
              "全村户均增收5000元，村集体经济收入连续三年超过百万元。\n\n"
              "村民在温室大棚里采摘西红柿\n\n盘活闲置资源\n\n让集体经济壮起来\n\n"
              "村党支部争取资金，建成温室大棚24座，每年为村集体增收18万元。\n\n"
              "培育带头人\n\n让能人回村挑大梁\n\n村里回引大学毕业生6名，领办合作社2家。")


def test_one_storys_two_line_subheads_are_sections_not_new_articles():
    arts = split_articles(Document("s.txt", _ONE_STORY, "x"))
    assert len(arts) == 1
    assert "24座" in arts[0].text and "6名" in arts[0].text


@pytest.mark.parametrize("top", [
    "内蒙古日报2024年6月18日 星期二\n\n",  # a masthead with its date
    "第5版 旗县区新闻\n\n",  # a folio
])
def test_on_a_newspaper_page_a_headline_pair_still_opens_an_article(top):
    text = top + _ONE_STORY
    assert len(split_articles(Document("p.txt", text, "x"))) == 3


def test_a_speechs_date_and_venue_on_one_line_is_its_byline_not_a_quotations_source():
    text = ("政府工作报告\n\n——2024年1月22日在九原区第十八届人民代表大会第三次会议上\n\n区人民政府区长 某某\n\n"
            "各位代表：\n\n全年地区生产总值完成351.6亿元、增长9.7%。")
    arts = split_articles(Document("g.txt", text, "x"))
    assert [a.kind for a in arts] == ["article"] and "九原区" in arts[0].byline and "351.6亿元" in arts[0].text


@pytest.mark.parametrize("raw, read", [
    ("人均收入达2.71萬(wàn)元", "人均收入达2.71萬元"),  # a mirror site's pinyin inside a number would hide it
    ("合作社1200吨大白菜已经(jīng)全部腌制完毕", "合作社1200吨大白菜已经全部腌制完毕"),
    ("建成光伏电站500(MW)，编号(a)", "建成光伏电站500(MW)，编号(a)"),  # no tone mark: not pinyin, kept
])
def test_pinyin_reading_aids_are_dropped(raw, read):
    assert normalise(raw) == read


def test_a_web_pages_photo_captions_stay_inside_the_story():
    # 沙漠酒店(央广网发 曾令飞 摄) over another caption: photos in the story, not a kicker and a headline
    text = ("央广网阿拉善6月6日消息 在阿拉善左旗乌兰哈达嘎查，人均收入跃升至近3万元。\n\n"
            "沙漠酒店(央广网发 曾令飞 摄)\n\n当地牧民家的农家乐帐篷(央广网发 曾令飞 摄)\n\n"
            "参股牧户从最初的99户发展到如今的213户。")
    arts = split_articles(Document("c.txt", text, "x"))
    assert len(arts) == 1 and "213户" in arts[0].text


def test_run_on_sentences_are_cut_at_commas():
    text = "全市建成服务站400个，其中科左中旗60个、奈曼旗52个，" * 200
    spans = sentences(text)
    assert max(e - s for s, e in spans) <= 400
    assert "".join(text[s:e] for s, e in spans) == text


def test_a_dateline_under_a_single_headline_opens_an_article():
    text = ("土右旗网格员成了村民身边的“贴心人”\n\n□本报记者 郝亮\n\n今年3月，土默特右旗开展网格化服务管理行动。\n\n"
            "石拐区：小院里议出村里大事\n\n本报讯（记者 杨帆）石拐区五当召镇推广“小院议事”，召开议事会86场。")
    arts = split_articles(Document("p.txt", text, "x"))
    assert [a.title for a in arts] == ["土右旗网格员成了村民身边的“贴心人”", "石拐区：小院里议出村里大事"]


def test_a_source_line_under_a_headline_opens_an_article_and_the_pager_is_dropped():
    text = ("乌海市218支“红石榴”志愿服务队活跃街巷\n\n来源：乌海日报 2024-11-05 08:40\n\n目前，全市已组建服务队218支。\n\n"
            "阿拉善盟：“边境夜巡”守护北疆安宁\n\n来源：阿拉善日报 2024-11-05 09:15\n\n该旗组建夜巡队31支。\n\n"
            "共2条 第1页 下一页")
    arts = split_articles(Document("w.html", text, "x"))
    assert [a.title for a in arts] == ["乌海市218支“红石榴”志愿服务队活跃街巷", "阿拉善盟：“边境夜巡”守护北疆安宁"]
    assert all("下一页" not in a.text and "来源" not in a.text for a in arts)


def test_a_pages_first_line_is_its_headline_even_if_it_looks_like_a_table_row():
    text = "鄂前旗：“飞地抱团”让32个嘎查村集体经济“抱”出新天地\n\n编者按：本期推送鄂托克前旗的实践。\n\n全旗32个嘎查村抱团发展。"
    (art,) = split_articles(Document("w.txt", text, "x"))
    assert art.title.startswith("鄂前旗：“飞地抱团”")
    rows = "东河区：服务站14个\n青山区：服务站12个"
    assert split_articles(Document("t.txt", rows, "x"))[0].title == ""


def test_a_work_reports_issuer_and_date_are_its_byline_not_its_title():
    text = ("巴彦淖尔市 阿拉善盟“携手兴边”党建联盟建设工作情况汇报\n\n中共巴彦淖尔市委组织部  中共阿拉善盟委组织部\n"
            "（2024年2月20日）\n\n2023年，两盟市党委组织部推进“携手兴边”党建联盟建设。")
    (art,) = split_articles(Document("r.txt", text, "x"))
    assert art.title == "巴彦淖尔市 阿拉善盟“携手兴边”党建联盟建设工作情况汇报"
    assert "组织部" in art.byline and "2024年2月20日" in art.byline


def test_a_speechs_speaker_line_is_its_byline_and_the_title_stays():
    # title, ——occasion, the speaker and the date: the speaker is no headline, so the title is not pushed out
    text = ("擦亮“驼铃先锋”品牌　推动戈壁牧区振兴\n——在全盟推进会上的交流发言\n\n"
            "阿拉善右旗塔木素布拉格苏木党委书记　巴音孟和\n（2025年1月10日）\n\n尊敬的各位领导，同志们：\n\n"
            "全苏木现有党员163名。")
    (art,) = split_articles(Document("r.txt", text, "x"))
    assert art.text.startswith("擦亮“驼铃先锋”品牌")
    assert "巴音孟和" in art.byline and "巴音孟和" not in art.text


def test_a_wechat_posts_header_lines_are_furniture_and_its_title_stays():
    text = ("红色物业进小区，这半年变化可不小！\n\n荣和社区　2024年06月12日 18:05　内蒙古\n\n点击上方蓝字 关注我们\n\n"
            "家人们～社区一共划了9个网格。")
    (art,) = split_articles(Document("w.txt", text, "x"))
    assert art.title == "红色物业进小区，这半年变化可不小！"
    assert "关注我们" not in art.text and "18:05" not in art.text


def test_a_list_of_bulleted_lines_is_body_text_not_a_stack_of_headlines():
    text = ("社区推进红色物业。\n\n【半年成绩单】\n\n全覆盖这半年，成绩单来啦👇\n\n✅ 小区党支部建起来5个\n\n"
            "✅ 新增停车位140余个\n\n✅ 居民满意度测评96.5分\n\n社区党委书记说，下一步再招募20名志愿者。")
    (art,) = split_articles(Document("w.txt", text, "x"))
    assert "✅ 小区党支部建起来5个" in art.text and "✅ 居民满意度测评96.5分" in art.text


def test_a_run_of_bulleted_links_at_a_pages_end_is_not_body_text():
    text = ("科右中旗推进庭院经济，带动农户1200户。\n\n- 兴安盟：5万余名干部群众参与义务植树\n\n"
            "- 阿尔山市第十届冰雪节开幕")
    arts = split_articles(Document("p.html", text, "html"))
    assert not any("5万余名" in a.text and a.kind == "article" and "1200户" in a.text for a in arts)


def test_a_wechat_post_is_one_article_whatever_its_rules_and_short_lines():
    text = ("红色物业进小区，家门口的事有人管了\n原创 小赵 润泽社区 2024年05月16日 18:30 内蒙古\n\n邻居们好呀～\n\n"
            "最近好多老邻居在群里问：\n那间小屋\n到底是干啥用的？\n\n——————\n01 先认识一下咱们社区\n——————\n\n"
            "润泽社区在赛罕区人民路街道，\n辖区一共12个居民小区。\n\n——————\n02 网格\n——————\n\n"
            "社区把辖区划成了15个网格。")
    arts = [a for a in split_articles(Document("w.txt", text, "x")) if a.kind == "article"]
    assert len(arts) == 1 and "15个网格" in arts[0].text and arts[0].title.startswith("红色物业进小区")


def test_a_broadcast_transcripts_airtime_line_does_not_make_it_one_post():
    text = ("赤峰广播电视台 播出稿\n播出时间：2024年8月12日 19:30 综合频道\n\n【提要】\n\n"
            "巴林右旗：486户党员中心户把服务送到家门口\n\n——————\n\n敖汉旗积分超市\n\n敖汉旗建成积分超市237个。")
    from etl.layout import _WECHAT
    assert _WECHAT.search(text, 0, 300) is None


def test_a_page_with_a_bulleted_continuation_a_story_headed_like_a_list_line_and_a_photo():
    text = ("内蒙古日报\n2024年6月18日 星期二 第5版 旗县传真\n\n■上接第1版\n却不容易：扎鲁特旗把党课搬到了夏营地，已开讲62场。\n\n"
            "────────────\n\n赤峰：2.3万名党员“联”起41万户\n\n本报赤峰6月16日讯 （记者 王敏）全市2.3万余名党员与近41万户结对。\n\n"
            "────────────\n\n▲6月12日，达来诺日镇党员志愿者走进牧户家中宣讲防火知识。 通讯员 李涛 摄")
    arts = split_articles(Document("p.txt", text, "x"))
    kinds = [(a.kind, a.title) for a in arts]
    assert ("fragment", "") in kinds  # 上接第1版 after a bullet: a continued piece of its own
    story = next(a for a in arts if a.title == "赤峰：2.3万名党员“联”起41万户")
    assert story.kind == "article" and "41万户结对" in story.text and "达来诺日镇" not in story.text


def test_a_space_aligned_table_between_borders_with_a_spaced_out_total_and_notes():
    text = ("二、设置情况\n\n全市推行党员中心户制度。分旗县市区情况见表1。\n\n表1  各旗县市区党员中心户设置情况\n"
            "───────────────────────────\n旗县市区      党员中心户（户）    党建联合体（个）\n"
            "───────────────────────────\n集宁区                    96                 7\n"
            "丰镇市                   318                 9\n合  计                   414                16\n"
            "───────────────────────────\n注：①本表统计时点为2024年12月31日。\n\n②党建联合体指由2个及以上党组织联合组建的组织形式。\n\n"
            "三、有关说明\n\n丰镇市党员中心户最多。")
    (art,) = [a for a in split_articles(Document("t.txt", text, "x")) if a.kind == "article"]
    assert "旗县市区\t党员中心户（户）\t党建联合体（个）\n集宁区\t96\t7" in art.text
    assert "合计\t414\t16" in art.text
    assert "2个及以上" not in art.text and "丰镇市党员中心户最多" in art.text


def test_a_broadcast_scripts_part_labels_are_no_headlines():
    text = ("电视新闻稿\n\n【标题】京蒙协作“帮扶车间”开到家门口\n\n【导语】\n今年以来，我旗落地协作项目17个。\n\n"
            "【正文】\n\n【解说】\n目前全旗已建成帮扶车间11个。\n\n【解说】\n车间累计吸纳就业2300余人。")
    arts = [a for a in split_articles(Document("tv.txt", text, "x")) if a.kind == "article"]
    assert len(arts) == 1
    assert "【解说】" not in arts[0].text and "11个" in arts[0].text and "2300余人" in arts[0].text
    assert "京蒙协作“帮扶车间”开到家门口" in arts[0].text


def test_a_subtitle_that_starts_with_a_count_is_no_quotations_source():
    text = ("蒙古包里的“主心骨”\n——213户党员中心户守住334公里边境线\n\n本报记者 萨如拉\n\n"
            "本报新巴尔虎左旗11月18日电 立冬刚过，全旗已设立党员中心户213户。")
    arts = split_articles(Document("p.txt", text, "x"))
    assert [a.kind for a in arts] == ["article"] and "全旗已设立党员中心户213户" in arts[0].text


def test_a_bulletins_print_run_is_furniture():
    text = "组织工作简报\n\n阿左旗新建工友驿站6处。\n\n报：盟委各位领导\n\n（共印80份）"
    arts = split_articles(Document("b.txt", text, "x"))
    assert all("共印" not in a.text for a in arts)


def test_a_dash_that_introduces_what_follows_does_not_swallow_the_heading_after_it():
    text = ("年终盘点丨通辽答卷\n\n这一年，全市各级党组织把抓党建促乡村振兴扛在肩上。年终岁末，小编带你一起回顾——\n\n"
            "🚩 “头雁领航”：让嘎查村书记挑得起大梁\n\n乡村要振兴，关键看头雁。今年，市委组织部实施“头雁领航”工程。")
    (article,) = split_articles(Document("w.txt", text, "x"))
    assert "\n\n🚩 “头雁领航”：让嘎查村书记挑得起大梁\n\n乡村要振兴" in article.text


def test_a_bullet_that_reads_as_a_sentence_is_a_list_item_not_a_section_heading():
    from etl.textspans import section_headings

    text = ("🚩 “头雁领航”：让书记挑得起大梁\n乡村要振兴，关键看头雁。\n▪️ 市旗两级举办示范培训班46期，培训3800余人次；\n"
            "▪️ 建立后备力量库，储备2317名。\n🌾 “强村富民”：集体经济鼓起来\n■ 基本情况")
    heads = [text[a:b] for a, b in section_headings(text, 0)]
    assert heads == ["🚩 “头雁领航”：让书记挑得起大梁", "🌾 “强村富民”：集体经济鼓起来", "■ 基本情况"]


def test_a_wechat_paragraph_of_one_phrase_per_line_is_one_paragraph():
    text = ("阿尔拉村的合作社\n\n02 合作社的豆子卖上了好价钱\n\n那会儿旗里推行\n“党支部领办合作社”模式，\n村里头一个报了名。\n"
            "账本一翻：\n今年合作社分红41.6万元，\n村集体经济收入\n也突破了30万元。\n\n下一段。")
    (article,) = split_articles(Document("w.txt", text, "x"))
    assert ("\n\n那会儿旗里推行“党支部领办合作社”模式，村里头一个报了名。账本一翻：今年合作社分红41.6万元，"
            "村集体经济收入也突破了30万元。\n\n下一段。") in article.text


def test_a_wechat_posts_account_name_and_time_line_are_not_its_headline():
    text = ("林西组工\n原创　林西县委组织部　2024-05-21 18:06　内蒙古\n\n"
            "对话驻村第一书记刘建华｜“党建+合作社”让村集体收入涨到41万元\n\n编者按：本期我们走进新林镇榆树林子村。\n\n"
            "问：刚来的时候村里是什么样？\n\n刘建华：全村386户1020口人。")
    articles = split_articles(Document("w.txt", text, "x"))
    assert articles[0].title == "对话驻村第一书记刘建华｜“党建+合作社”让村集体收入涨到41万元"
    assert "林西组工" not in articles[0].text and "2024-05-21" not in articles[0].text


def test_a_research_groups_line_under_the_title_is_its_byline():
    text = ("关于达茂旗以党建联盟带动嘎查抱团发展的调研报告\n\n达茂旗委组织部调研组\n（2024年4月）\n\n"
            "近年来，牧区嘎查普遍面临人口外流等难题。全旗已组建党建联盟14个。")
    (article,) = split_articles(Document("w.txt", text, "x"))
    assert article.title == "关于达茂旗以党建联盟带动嘎查抱团发展的调研报告"


def test_a_wechat_original_marks_account_line_without_a_time_is_furniture():
    text = ("国门党旗红丨口岸联盟聚合力 边关处处“志愿红”\n\n原创 二连浩特市委组织部 二连浩特发布 2024-08-16 内蒙古\n\n"
            "点击蓝字关注我们\n\n二连浩特，是我国对蒙古国开放的最大陆路口岸。")
    articles = split_articles(Document("w.txt", text, "x"))
    assert articles[0].title == "国门党旗红丨口岸联盟聚合力 边关处处“志愿红”"
    assert "2024-08-16" not in articles[0].text


def test_a_wechat_post_set_one_phrase_per_line_without_punctuation_keeps_every_line():
    text = ("幸福里社区\n“红袖标”巡逻队的一天\n原创　幸福里社区　2024-09-03 19:20　内蒙古\n\n"
            "傍晚六点\n巡逻队准时出发\n沿着小区转上一圈\n\n━━━━━━\n🌙 夜巡\n━━━━━━\n\n"
            "入夏以来\n巡逻队走了180多趟\n劝离私拉电线12处\n\n━━━━━━\n📢 招募\n━━━━━━\n\n"
            "巡逻队还缺人手！\n今年计划再招20名\n每周出勤不少于2次\n\n—END—")
    articles = split_articles(Document("w.txt", text, "x"))
    body = "\n".join(a.text for a in articles)
    for line in ("巡逻队准时出发", "巡逻队走了180多趟", "劝离私拉电线12处", "今年计划再招20名", "每周出勤不少于2次"):
        assert line in body
    post = articles[0]
    assert post.title == "“红袖标”巡逻队的一天"
    # the phrases stay on their lines: one line, one sentence
    assert "入夏以来\n巡逻队走了180多趟\n劝离私拉电线12处" in post.text
    assert [post.text[s:e] for s, e in sentences(post.text) if "180" in post.text[s:e]] == ["巡逻队走了180多趟"]


def test_a_boxs_lines_led_by_a_figure_and_a_colon_are_list_items_not_headlines():
    text = ("全盟基层治理这一年\n\n【数字】\n\n520个：完成换届的嘎查村\n2.1万名：报到服务的在职党员\n"
            "86.2%：年收入10万元以上的嘎查村占比\n\n【短评】\n\n治理的成效，要让群众来评判。")
    body = "\n".join(a.text for a in split_articles(Document("w.txt", text, "x")))
    for line in ("520个：完成换届的嘎查村", "2.1万名：报到服务的在职党员", "86.2%：年收入10万元以上的嘎查村占比"):
        assert line in body


def test_a_bulletins_list_of_contents_is_not_read_as_running_text():
    text = ("基层治理简报\n\n【本期要目】\n青山街道幸福社区“红色物业”接管3个小区\n"
            "兴胜镇新地村“积分超市”激活村民议事热情\n城关街道南关社区“老兵调解室”化解矛盾\n"
            "沙湾镇前进村“庭院经济”带富群众\n友谊街道“党员中心户”结对独居老人\n民族街道“四点半课堂”暑期开课\n\n"
            "■青山街道幸福社区：“红色物业”接管3个小区\n\n今年以来，社区将3个无物业小区纳入托管。")
    articles = split_articles(Document("w.txt", text, "x"))
    assert not any("兴胜镇新地村“积分超市”激活村民议事热情" in a.text.split("\n\n", 3)[-1] for a in articles[1:])
    assert all("\n青山街道幸福社区“红色物业”接管3个小区\n兴胜镇" not in a.text for a in articles)


def test_a_wechat_follow_prompt_and_an_original_mark_with_names_only_are_furniture():
    text = ("翁旗组工\n2024年7月16日 18:30  内蒙古\n\n826户党员中心户带富一方 翁旗小院有了新门路\n\n"
            "原创  翁牛特旗委组织部  翁旗组工\n\n👆点击上方蓝字，关注我们\n\n盛夏时节，走进翁牛特旗的村屯，小院里瓜果飘香。")
    articles = split_articles(Document("w.txt", text, "x"))
    assert articles[0].title == "826户党员中心户带富一方 翁旗小院有了新门路"
    assert "关注我们" not in articles[0].text and "原创" not in articles[0].text


def test_a_follow_prompt_naming_the_account_is_furniture():
    text = ("巴林右旗组工\n原创  巴林右旗委组织部  巴林右旗组工\n2024年10月18日 07:45  内蒙古\n\n"
            "326户党员中心户守住草原\n\n▲点击上方蓝字  关注巴林右旗组工\n\n霜降一过，\n北部的草场就黄透了。\n"
            "打草机停了，\n牛羊开始往冬营盘赶。")
    articles = split_articles(Document("w.txt", text, "x"))
    assert articles[0].title == "326户党员中心户守住草原"


def test_a_weather_box_and_a_newspapers_imprint_are_furniture():
    text = ("巴彦淖尔日报　2024年9月10日　星期二　03\n今日天气　临河　晴　13℃～27℃　西北风3级\n\n"
            "太荣村党总支带领村民整合土地\n\n全村1.2万亩耕地重新规划。\n\n"
            "本报地址：巴彦淖尔市临河区新华西街　　邮编：015000　　零售价：每份1.50元")
    body = "\n".join(a.text for a in split_articles(Document("w.txt", text, "x")))
    assert "13℃" not in body and "零售价" not in body and "1.2万亩" in body


def test_a_bracketed_weather_box_is_furniture():
    text = ("鄂尔多斯日报　2024年7月2日　03\n\n杭锦旗党建联合体拉长产业链\n\n全旗组建党建联合体18个。\n\n"
            "【今日天气】康巴什区多云19℃～32℃东南风3级")
    body = "\n".join(a.text for a in split_articles(Document("w.txt", text, "x")))
    assert "19℃" not in body and "18个" in body


def test_a_wechat_posts_account_and_author_line_under_the_headline_is_not_its_title():
    text = ("6处“银龄饭桌”开到家门口｜街道这样守护老人\n\n哈达街道  红山区哈达街道办事处\n2024年05月17日 18:30  内蒙古\n\n"
            "👆点击上方蓝字  关注我们\n\n中午11点半，\n锦绣社区门口\n已经排起了小队。")
    articles = split_articles(Document("w.txt", text, "x"))
    assert articles[0].title == "6处“银龄饭桌”开到家门口｜街道这样守护老人"
    assert "红山区哈达街道办事处" not in articles[0].text


def test_a_columns_issue_label_and_an_emoji_divider_do_not_push_out_the_headline():
    text = ("苏左旗组工\n苏尼特左旗委组织部　2024-08-21 07:30　发表于内蒙古\n\n"
            "37个嘎查党支部领办合作牧场｜“联草共牧”让牧民富起来\n\n草原上的党旗红·第12期\n🌿🌿🌿🌿🌿\n\n"
            "入伏以后\n苏尼特草原接连落了几场透雨\n绿色一直铺到天边")
    articles = split_articles(Document("w.txt", text, "x"))
    assert articles[0].title == "37个嘎查党支部领办合作牧场｜“联草共牧”让牧民富起来"


def test_a_notices_signature_and_attachment_belong_to_the_notice():
    text = ("中共某市委组织部关于“红色网格”运行情况的通报\n\n今年以来，全市划分“红色网格”386个。分镇乡办理情况见附件。\n\n"
            "附件：各镇乡“红色网格”诉求办理情况统计表\n\n中共丰镇市委组织部\n\n中共丰镇市委社会工作部\n\n2024年10月15日\n\n"
            "附件\n\n各镇乡“红色网格”诉求办理情况统计表\n\n镇 | 收集诉求（件）\n新城区街道 | 412\n旧城区街道 | 365")
    articles = [a for a in split_articles(Document("n.txt", text, "x")) if a.kind == "article"]
    assert len(articles) == 1 and "412" in articles[0].text


def test_pointers_to_other_pages_are_furniture():
    text = ("全区各地推进基层治理\n\n全盟已将1200余名机关干部编入网格。\n\n【相关阅读】\n"
            "·包头87个社区试点“邻里食堂”（A03版）\n·鄂尔多斯：4.6万名党员亮身份践承诺（A05版）")
    body = "\n".join(a.text for a in split_articles(Document("w.txt", text, "x")))
    assert "87个" not in body and "4.6万" not in body and "1200余名" in body


def test_a_bracketed_kicker_the_post_quotes_stays_above_the_headline():
    post = ("巴林右旗党建\n▲点击上方蓝字 关注我们\n\n原创  巴林右旗委组织部  巴林右旗党建\n2024年06月18日 08:30  内蒙古\n\n"
            "🔥【草原红管家】\n1370名党员“背包上路”\n把服务送进牧区深处\n\n旗委组织部在全旗推开“草原红管家”服务机制。")
    article = split_articles(Document("p.txt", post, "x"))[0]
    assert article.text.startswith("🔥【草原红管家】") and article.title == "把服务送进牧区深处"
    # (a column's label the post never quotes is dropped as before)
    other = post.replace("推开“草原红管家”服务机制", "推开服务机制")
    assert not split_articles(Document("p.txt", other, "x"))[0].text.startswith("🔥")


@pytest.mark.parametrize("head", [
    "政府工作报告\n——2026年1月8日在科尔沁右翼中旗\n第十八届人民代表大会第三次会议上\n",
    "2026年科尔沁右翼中旗人民政府工作报告\n2026年1月8日在科尔沁右翼中旗第十八届\n人民代表大会第三次会议上\n代旗长 某某\n",
])
def test_a_work_reports_date_and_venue_on_two_lines_is_one_line_of_its_head(head):
    text = head + "\n各位代表：\n\n现在，我代表旗人民政府，向大会报告工作。\n\n全年投入衔接资金1.2亿元。"
    doc = Document(source_file="r.txt", text=text, content_hash="h")
    arts = [a for a in split_articles(doc) if "1.2亿元" in a.text]
    assert len(arts) == 1 and arts[0].kind == "article"
    assert "科尔沁右翼中旗第十八届人民代表大会第三次会议上" in arts[0].byline + arts[0].text.replace("\n", "")
