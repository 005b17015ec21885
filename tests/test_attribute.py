"""Attribution: each number's region, programme, subject and indicator, by what its words say."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl.pipeline import extract_document
from etl.schema import FACT_COLUMNS, Document, Fact

SEED = Path(__file__).resolve().parent.parent / "data" / "raw" / "000_6770a73b9caf9553.txt"


def facts_of(text: str, name: str = "t.txt"):
    _articles, facts = extract_document(Document(name, text, "x"))
    return facts


def one(facts, value, unit=None):
    got = [f for f in facts if f.value == value and (unit is None or f.unit == unit)]
    assert len(got) == 1, [(f.value, f.unit, f.quote) for f in facts]
    return got[0]


@pytest.fixture(scope="module")
def seed_facts():
    return facts_of(SEED.read_text(encoding="utf-8"), SEED.name)


@pytest.mark.parametrize("value,unit,league,banner,initiative", [
    (15, "个", "呼伦贝尔市", "陈巴尔虎旗", "聚力工程"),
    (2423, "人", "赤峰市", "", "感党恩、听党话、跟党走"),
    (40000, "人", "赤峰市", "", "感党恩、听党话、跟党走"),
    (292, "元", "呼和浩特市", "武川县", None),
    (2, "批次", "包头市", None, "红色小马甲"),
])
def test_seed_design_facts(seed_facts, value, unit, league, banner, initiative):
    f = one(seed_facts, value, unit)
    assert f.league == league
    if banner is not None:
        assert f.banner == banner
    if initiative is not None:
        assert f.initiative == initiative


def test_rate_keeps_its_per_part(seed_facts):
    f = one(seed_facts, 292, "元")
    assert (f.per, f.category) == ("只", "rate")


def test_text_chain_wins_over_lookup(seed_facts):
    # 哈拉图嘎查 exists only in 巴彦淖尔 in the datasets; the text puts it in 陈巴尔虎旗
    f = one(seed_facts, -30, "°C")
    assert (f.league, f.banner, f.township, f.village) == ("呼伦贝尔市", "陈巴尔虎旗", "东乌珠尔苏木", "哈拉图嘎查")


def test_cut_off_article_does_not_inherit_the_region_above(seed_facts):
    for value in (200, 110):
        f = one(seed_facts, value, "条")
        assert f.banner != "武川县" and f.league != "呼和浩特市"
        assert f.township == "民警路街道"
        assert f.article_title != "带着农民干 帮着农民赚"


def test_headline_number_repeated_in_body_is_one_fact(seed_facts):
    assert len([f for f in seed_facts if f.value == 2423]) == 1


def test_a_section_headings_number_that_its_section_repeats_is_one_fact():
    text = ("林区边境党建\n\n全市设立党员中心户1260户。\n\n界河岸边：7个联合党委拧成一股绳\n\n额尔古纳市先后组建起7个联合党委，"
            "召集联席会议46次。\n\n林场深处：187个网格\n\n根河市划分网格187个。")
    facts = facts_of(text)
    assert sorted(f.value for f in facts) == [7, 46, 187, 1260]
    assert all("拧成一股绳" not in f.quote for f in facts)


def test_quotation_column_gives_no_facts(seed_facts):
    assert not [f for f in seed_facts if "习近平" in f.quote]


def test_fact_ids_are_stable(seed_facts):
    again = facts_of(SEED.read_text(encoding="utf-8"), SEED.name)
    assert [f.fact_id for f in again] == [f.fact_id for f in seed_facts]
    assert len({f.fact_id for f in seed_facts}) == len(seed_facts)


def test_facts_are_the_dataclass_they_would_be_if_built_by_its_init(seed_facts):
    # etl.attribute and etl.measures fill a Fact's __dict__ directly (for speed): same fields, same order
    for f in seed_facts:
        built = Fact(**{c: getattr(f, c) for c in FACT_COLUMNS})
        assert f == built and hash(f) == hash(built) and repr(f) == repr(built)
        assert tuple(vars(f)) == FACT_COLUMNS


def test_seed_date_is_inferred_from_the_text(seed_facts):
    assert {f.published for f in seed_facts} == {"2024-01-09"}


@pytest.mark.parametrize("sentence,expect", [
    # total is the league's, each part its banner's
    ("通辽市全力推进党群服务站建设。全市建成服务站400个，其中科左中旗60个、奈曼旗52个。",
     [(400, "通辽市", ""), (60, "通辽市", "科尔沁左翼中旗"), (52, "通辽市", "奈曼旗")]),
    # short forms and anaphora
    ("锡盟东乌旗持续加强牧区党建。该旗组建党员先锋队36支。",
     [(36, "锡林郭勒盟", "东乌珠穆沁旗")]),
    ("呼市新城区开展“红色物业”行动。全区共有红色物业小区120个。",
     [(120, "呼和浩特市", "新城区")]),
    # region-wide figures have no league
    ("自治区党委组织部部署工作。全区已选派驻村第一书记3000余名。",
     [(3000, "", "")]),
    # 海南区 is in 乌海市
    ("乌海市海南区建成便民服务点25个。", [(25, "乌海市", "海南区")]),
    # 新巴尔虎左旗 is not 陈巴尔虎旗
    ("呼伦贝尔市新巴尔虎左旗培育党员中心户80户。", [(80, "呼伦贝尔市", "新巴尔虎左旗")]),
    # a partner region outside Inner Mongolia is no league's
    ("京蒙协作中，北京市援助资金1200万元，科右前旗配套资金300万元。",
     [(12000000, "", ""), (3000000, "兴安盟", "科尔沁右翼前旗")]),
    # 自治区级 is a rank of the league's count, not the region
    ("锡林郭勒盟加强阵地建设。全盟新创建自治区级示范嘎查村14个。", [(14, "锡林郭勒盟", "")]),
    # the average itself is the wider region's figure; the margin is the banner's
    ("扎兰屯市农村居民人均可支配收入达到22680元，比全区平均水平21221元高出1459元。",
     [(22680, "呼伦贝尔市", "扎兰屯市"), (21221, "", ""), (1459, "呼伦贝尔市", "扎兰屯市")]),
    ("通辽市开鲁县人均收入达到2.1万元，比全市平均水平1.9万元高出2000元。",
     [(21000, "通辽市", "开鲁县"), (19000, "通辽市", ""), (2000, "通辽市", "开鲁县")]),
    # a Beijing partner district written without 北京市 is outside too; the banner's own figure is not
    ("乌拉特前旗深化京蒙协作。朝阳区累计选派干部12名，海淀区捐款50万元。乌拉特前旗配套资金100万元。",
     [(12, "", ""), (500000, "", ""), (1000000, "巴彦淖尔市", "乌拉特前旗")]),
    ("丰台区向察右后旗投入协作资金2000万元。", [(20000000, "", "")]),
    # 分别: the i-th number is the i-th place's
    ("赤峰市推进示范创建。全市新创建示范嘎查村24个，敖汉旗、翁旗、克旗入选数量分别为5个、4个、3个。",
     [(24, "赤峰市", ""), (5, "赤峰市", "敖汉旗"), (4, "赤峰市", "翁牛特旗"), (3, "赤峰市", "克什克腾旗")]),
    # two banners together: their league's figure
    ("巴彦淖尔市边境线长368.9公里，乌拉特中旗和乌拉特后旗共有边境嘎查23个。",
     [(368.9, "巴彦淖尔市", ""), (23, "巴彦淖尔市", "")]),
    # 一是…；二是…: each segment has its own subject
    ("一是阿拉善盟部分嘎查常住牧户不足30户；二是巴彦淖尔市党员年龄偏大，60岁以上党员占比达到41%。",
     [(30, "阿拉善盟", ""), (41, "巴彦淖尔市", "")]),
    # places visited, venues and lists of partners are not the subject
    ("赤峰市推进基层治理。组织120名书记赴浙江省安吉县学习，举办轮训班36期。", [(120, "赤峰市", ""), (36, "赤峰市", "")]),
    ("赤峰市梳理典型案例42个，其中3个案例在呼市召开的推进会上作交流发言。", [(42, "赤峰市", ""), (3, "赤峰市", "")]),
    ("乌兰察布市组织60名书记赴锡盟二连浩特市学习。截至目前，全市覆盖群众已超过50万人次。",
     [(60, "乌兰察布市", ""), (500000, "乌兰察布市", "")]),
    ("包头市与四子王旗、二连浩特市结对共建。截至目前，全市共选配网格员221名。", [(221, "包头市", "")]),
    # a part after 其中 is not what 该市 refers to
    ("呼伦贝尔市共培育党员中心户297户，其中扎兰屯市25户。截至目前，该市2600名基层书记走上讲台。",
     [(297, "呼伦贝尔市", ""), (25, "呼伦贝尔市", "扎兰屯市"), (2600, "呼伦贝尔市", "")]),
    # 各街道 is each street of the place at hand, not the street named before
    ("九原区萨如拉街道选聘楼栋长1280名。\n\n在青山区，各街道发放“明白卡”2.6万张。",
     [(1280, "包头市", "九原区"), (26000, "包头市", "青山区")]),
    # 旗财政: the banner itself
    ("科左后旗推进“暖心食堂”建设。从全市看，通辽市已建成食堂500余个。去年，旗财政安排补助资金860万元。",
     [(500, "通辽市", ""), (8600000, "通辽市", "科尔沁左翼后旗")]),
    # the news source (记者从赤峰市…获悉) is not the subject of a partner's figure
    ("记者从赤峰市乡村振兴局获悉，北京市结对各区向赤峰市选派挂职干部312名。", [(312, "", "")]),
])
def test_attribution_by_what_the_sentence_says(sentence, expect):
    facts = facts_of(sentence)
    got = sorted((f.value, f.league, f.banner) for f in facts)
    assert got == sorted(expect)


def test_comparison_with_regional_average_stays_with_the_banner():
    facts = facts_of("达茂旗牧民人均可支配收入高于全区平均水平1200元。")
    f = one(facts, 1200, "元")
    assert (f.league, f.banner) == ("包头市", "达尔罕茂明安联合旗")


# --------------------------------------------------------------------------------------------
# Session 3: programmes by scope and count; several places per passage
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,expect", [
    # the counted programme wins over the one the sentence names first
    ("依托“北疆先锋”品牌，全盟共设立党员中心户1870户，联系牧户2.1万户。",
     [(1870, "党员中心户"), (21000, "党员中心户")]),
    # parts of a list count what their total counts
    ("阿拉善盟开展“暖心”服务。全盟已打造红色驿站45个，其中阿拉善左旗20个、额济纳旗12个。",
     [(45, "红色驿站"), (20, "红色驿站"), (12, "红色驿站")]),
    # two programmes in one paragraph: each number takes the one its own sentence is about, and a
    # later sentence about the second does not pull the first one's numbers
    ("西乌旗推行“草原夜校”，今年开课86期。旗里还开展“马背宣讲”，宣讲320场次。",
     [(86, "草原夜校"), (320, "马背宣讲")]),
    # a section heading names the programme of its paragraphs
    ("报告\n\n（一）实施“头雁”工程\n\n1.选优配强。调整书记47名。\n\n2.储备力量。储备后备力量300名。",
     [(47, "头雁"), (300, "头雁")]),
    # titles, nicknames and awards are not programmes: the paragraph's programme stays
    ("正镶白旗推行“五联五帮”机制，牧民叫他“马背书记”，全旗评出“五星级党支部”12个，帮扶牧户860户。",
     [(12, "五联五帮"), (860, "五联五帮")]),
    # a blank is better than a wrong programme: a report with several programmes and no main one
    ("工作汇报\n\n全旗有嘎查村120个。\n\n一是推行“草原夜校”，开课86期。\n\n二是开展“马背宣讲”，宣讲320场次。",
     [(120, ""), (86, "草原夜校"), (320, "马背宣讲")]),
    # a unit the sentence counts governs the clauses after it, over the paragraph's earlier programme
    ("在五原县，“党建+产业”的抓手是葵花。县里以龙头企业为核心组建向日葵产业党建联合体，目前全县已组建这样的党建联合体8个，"
     "吸纳成员单位130余家，带动种植户1.6万户。",
     [(8, "党建联合体"), (130, "党建联合体"), (16000, "党建联合体")]),
    # a method named by its verb and 工作法, though its name starts like a description (流动…), over a
    # headline metaphor the body never takes up
    ("草原深处的“红色毡房”\n——鄂温克族自治旗流动党支部串起320户人家\n\n这座毡房，就是嘎查的活动点。\n\n"
     "该旗推行流动党支部工作法，在片区设立流动党支部17个，覆盖转场牧户320户。",
     [(17, "流动党支部"), (320, "流动党支部")]),
    # a quoted name the sentence defines as a programme (“…”是…推出的…机制) is the programme, not the
    # headline's metaphor
    ("小院里种出“致富经”\n\n刘桂英今年成了“一带五”帮带党员，种棚一季卖两千来块钱。\n\n“一带五”是四子王旗今年推出的庭院帮带机制。"
     "全旗已有862名党员认领帮带任务，结对群众4300余户。",
     [(2000, "一带五"), (862, "一带五"), (4300, "一带五")]),
    # 建起了“联户互助组”: launched by 建起; 互助组 later refers back to it; 今年计划新建 is no reference to a 计划
    ("乌兰敖包嘎查学着邻居建起了“联户互助组”，把牧户编成8个组。\n\n邻居全苏木建了31个互助组。\n\n"
     "旗里还实施“归雁计划”，回引人才40名。旗里推行“积分超市”，今年计划新建60个。",
     [(8, "联户互助组"), (31, "联户互助组"), (40, "归雁计划"), (60, "积分超市")]),
    # a lede that cites a name once (对照五化协同要求) does not give the report a programme when the sections
    # go on about others; a noun phrase the report launches and names again (党员暖心驿站) is a programme
    ("上半年工作总结\n\n苏木党委对照五化协同、大抓基层要求，推进各项工作。\n\n一、基本情况\n\n苏木辖6个嘎查。\n\n"
     "（一）推行民情夜访工作法\n\n苏木干部开展民情夜访，累计夜访1260户次。\n\n（二）建设党员暖心驿站\n\n上半年新建党员暖心驿站5处，"
     "累计达到9处。",
     [(6, ""), (1260, "民情夜访"), (5, "党员暖心驿站"), (9, "党员暖心驿站")]),
    # a round-up's headline name the body never takes up, over a body about several programmes: no default
    ("各盟市亮出“治理新招”\n\n全区共有网格员5.2万名。\n\n在城市，“红色物业”已覆盖小区2300个。"
     "\n\n巴林右旗推行“三事分流”工作法，化解纠纷410件。\n\n东乌旗依托“草原110”联防，巡边1200次。",
     [(52000, ""), (2300, "红色物业"), (410, "三事分流"), (1200, "草原110")]),
    # a section whose heading names no programme: what its first paragraph launched carries on in it
    ("润泽社区\n\n01 先认识一下\n\n社区有居民小区12个。\n\n02 红色物业\n\n社区推行“红色物业”，覆盖小区9个。\n\n03 网格：小事不出格\n\n社区推行“网格+物业”联动，划成15个网格。"
     "\n\n每个网格配1名专职网格员。\n\n今年以来收集问题413件。",
     [(12, "红色物业"), (9, "红色物业"), (15, "网格+物业"), (1, "网格+物业"), (413, "网格+物业")]),
    # a feature in sections: a programme named only in one section is that section's, not the article's
    ("老街巷里暖意浓\n\n社区辖区有12个居民小区。\n\n一碗热饭\n\n银龄驿站每天为63名老人提供午餐。驿站累计助餐2万人次。"
     "\n\n议出来的停车场\n\n议事厅今年已开会27次。\n\n放学后的去处\n\n社区有志愿者老师19名。\n\n"
     "明年社区打算再建2个银龄驿站。",
     [(12, ""), (63, "银龄驿站"), (20000, "银龄驿站"), (27, ""), (19, ""), (2, "银龄驿站")]),
    # a unit the text sets up by name and then calls by its head noun is a programme (not 建立一支服务队)
    ("社区调解\n\n社区以他的名字设立了老杨调解工作室，又吸纳5名退休法官加入。工作室成立以来，已调解纠纷230余起。",
     [(5, "老杨调解工作室"), (230, "老杨调解工作室")]),
    # a round-up's items led by a place and a dash carry no programme over from the item before; a unit
    # after a quoted name (“林城暖家”驿站) and a later 驿站 belong to that name, not to an earlier 驿站
    ("全区各地\n\n库伦旗——京蒙协作设立“京蒙同心驿站”12个。\n\n达茂旗：“流动党校”组建5支教学小分队。\n\n"
     "乌拉特中旗——该旗跨苏木镇组建联合体3个。\n\n呼伦贝尔市：全市建成“林城暖家”驿站318个。驿站开放以来，累计服务11.6万人次。",
     [(12, "京蒙同心驿站"), (5, "流动党校"), (3, ""), (318, "林城暖家"), (116000, "林城暖家")]),
    # an interview's answer answers its own question: no carry-over of the section's earlier programme
    ("新城区“社工进网格”：1320名社工沉到网格\n\n新城区实施“社工进网格”行动。\n\n【微访谈】对话社区书记刘慧敏\n\n"
     "记者：网格怎么划？\n\n刘慧敏：我们划了14个网格，再选聘“红色楼长”30名。\n\n记者：诉求多吗？\n\n"
     "刘慧敏：去年社区一共接了600多件诉求。",
     [(1320, "社工进网格"), (14, "红色楼长"), (30, "红色楼长"), (600, "社工进网格")]),
    # a model named by who runs what (推行党组织领办合作社) is the article's programme, under the
    # article's own form; a relative clause (由村党支部领办的合作社) only describes cooperatives
    ("赤峰推行党组织领办合作社 带动农户增收\n\n今年以来，全市把推行嘎查村党组织领办合作社作为重要抓手。"
     "全市嘎查村党组织领办合作社已达1146家，入社农牧户1.6万户。\n\n敖汉旗有62个村领办了谷子合作社。",
     [(1146, "党组织领办合作社"), (16000, "党组织领办合作社"), (62, "党组织领办合作社")]),
    ("京蒙协作开展以来，大兴区投入京蒙协作资金2.3亿元。察右前旗建设蔬菜大棚420栋，由村党支部领办的合作社统一经营。",
     [(230000000, "京蒙协作"), (420, "京蒙协作")]),
    # a quoted name before a unit (“链上先锋”党建联合体) is that unit's name: its counts and the later 联合体
    # are the name's; the unit in general (全市各类党建联合体) stays the unit
    ("伊金霍洛旗组建“链上先锋”党建联合体12个，吸纳成员单位86家。\n\n联合体由成员单位轮流牵头，解决难题230多个。"
     "\n\n截至8月底，全市各类党建联合体已发展到367个。",
     [(12, "链上先锋"), (86, "链上先锋"), (230, "链上先锋"), (367, "党建联合体")]),
    # a name after a ； that follows the number opens the next part of the sentence
    ("一是持续实施头雁培育工程。全年举办6期书记示范班，培训书记900人左右；在公众号开设《书记说》栏目，已播出42期。",
     [(6, "头雁培育"), (900, "头雁培育"), (42, "书记说")]),
    # a programme in a list of those who take part is not what the sentence is about
    ("全旗共设立党员中心户300户。与边防连队组建“边境红盾”党建联合体6个，吸纳护边员、党员中心户等参与联防，"
     "全年开展联合巡边170余次。",
     [(300, "党员中心户"), (6, "边境红盾"), (170, "边境红盾")]),
    # the groups a practice organises people into, named by its last word (帮种小组 of 党员联户帮种)
    ("临河区推行“党员联户帮种”机制，把党员编成帮种小组，已组建小组186个。\n\n旗里还开设“田间夜校”，开课30期。\n\n"
     "去年帮种小组共促成订单种植面积26.5万亩。",
     [(186, "党员联户帮种"), (30, "田间夜校"), (265000, "党员联户帮种")]),
    # a composition the text follows as a way of working (按照“党建+合作社”的路子) is a programme
    ("“党建+合作社”让村集体收入涨起来\n\n2022年，我们按照“党建+合作社”的路子，由村党支部领办了合作社。入社农户增加到157户。",
     [(157, "党建+合作社")]),
    # a demonstration plot or post a campaign sets up (党员示范田, 党员示范岗) is a programme's unit
    ("莫旗大豆\n\n莫旗推广党员示范田，已经写进了述职评议的内容。全旗今年划定党员示范田312块，由1400多名党员领种。",
     [(312, "党员示范田"), (1400, "党员示范田")]),
    # a meeting room a campaign sets up (楼院议事厅) is a programme head noun
    ("老街新事\n\n社区推行“红色物业”。\n\n大事小情，居民在楼院议事厅里商量。目前，长征社区已建起楼院议事厅9个，议定事项140余件。",
     [(9, "楼院议事厅"), (140, "楼院议事厅")]),
    # a notice's lede after its salutation names what the notice is about, named once and described by the
    # headline's words (开展“强基固本”…集中整顿行动 under …集中整顿工作情况的通报); “空壳”运转的3个 is a description
    ("关于全县软弱涣散村党组织集中整顿工作情况的通报\n\n各乡镇党委，县委各部门：\n\n"
     "今年以来，县委在全县开展“强基固本”村级党组织集中整顿行动。\n\n一、排查认定情况\n\n"
     "共认定软弱涣散村党组织14个，其中集体经济薄弱、长期“空壳”运转的3个。\n\n二、主要措施\n\n"
     "依托“领头雁”培育工程，调整书记6名。\n\n三、存在的问题\n\n尚有3个村党组织未达到转化标准。",
     [(14, "强基固本"), (3, "强基固本"), (6, "领头雁"), (3, "强基固本")]),
    # a workshop a campaign sets up (帮扶车间) is counted as the programme's units
    ("京蒙协作“组合拳” 前旗7个帮扶车间“热”起来\n\n大兴区安排京蒙协作资金1450万元。截至目前，全旗已建成帮扶车间7个，"
     "吸纳当地群众就业410人。",
     [(14500000, "京蒙协作"), (7, "帮扶车间"), (410, "帮扶车间")]),
    # a relative clause with the cooperative's own name (村党支部领办的丰收种植专业合作社) is the model the
    # article names, not the programme of the paragraph before
    ("合作社\n\n土右旗推行党支部领办合作社模式，全旗已有120家。\n\n旗里还推行村级“小微权力”清单。\n\n"
     "在讨速号村，村党支部领办的丰收种植专业合作社今年流转土地2100亩。",
     [(120, "党支部领办合作社"), (2100, "党支部领办合作社")]),
    # a unit a verb sets up under a description (组建跨村党建联合体) is its own sentence's programme, never over a
    # programme the sentence names, and it does not reach the sentences after it
    ("土右旗推行“强村富民”行动。\n\n后荒地村党支部牵头，联合周边4个村组建跨村党建联合体，统一建设温室大棚86栋。"
     "近三年全旗集体经济总收入达到3.5亿元。\n\n库伦旗启动荞麦品牌提升工程，建成荞麦种植基地4.5万亩，组建荞麦产业党建联合体7个。",
     [(4, "党建联合体"), (86, "党建联合体"), (350000000, "强村富民"), (45000, "荞麦品牌提升"), (7, "党建联合体")]),
    # a name never starts with the preposition 将 (建议旗财政将党员中心户履职补贴提高到…)
    ("奈曼旗调研\n\n全旗共设立党员中心户900户。将党员中心户嵌入网格。\n\n（二）提升能力。将党员中心户培训纳入计划。"
     "\n\n（三）强化保障。将党员中心户履职补贴提高到每户每年1200元。",
     [(900, "党员中心户"), (1200, "党员中心户")]),
    # a village-owned company (强村公司) is a model the genre names without quotes
    ("沟门镇\n\n大城西村趟出了一条“服务增收”的新路子：村里注册成立强村公司，今年已承接项目27个。",
     [(27, "强村公司")]),
    # a count whose clause names nothing it counts takes the sentence's programme whose name ends in its unit
    ("社区服务\n\n街道推行“邻里守望”服务。今年每个网格都选定了3户党员中心户，全街道一共214户。",
     [(3, "党员中心户"), (214, "党员中心户")]),
    # the sentence's programme named before the number, not one opening a later clause of its own (ASCII commas too)
    ("科右前旗推进理论宣讲\n\n今年全旗开展“马背宣讲”活动460余场,覆盖群众5.1万人次,“草原百灵”宣讲小分队获评先进集体。",
     [(460, "马背宣讲"), (51000, "马背宣讲")]),
    # a programme met once, deep in the body, is its own paragraph's, not the report's: the profile before it
    # is about the place
    ("图布信嘎查简介\n\n图布信嘎查共有牧户186户，党员23名。\n\n嘎查草场面积12万亩，牲畜存栏8600头只。\n\n"
     "近年来，嘎查实施“草畜平衡增收”工程，带动牧户户均增收6000元。",
     [(186, ""), (23, ""), (120000, ""), (8600, ""), (6000, "草畜平衡增收")]),
    # figures before a paragraph goes on to name several programmes (以“X”和“Y”为例) take none of them;
    # before one programme named later, they take it
    ("陈巴尔虎旗发展集体经济\n\n记者近日走进陈巴尔虎旗。\n\n全旗边境线长190公里，共有嘎查36个。近年来积极探索以"
     "“巴彦模式”和“呼和模式”为例的多种形式。\n\n“巴彦模式”让牧民增收。“呼和模式”也在推广。",
     [(190, ""), (36, "")]),
    ("陈巴尔虎旗发展集体经济\n\n记者近日走进陈巴尔虎旗。\n\n全旗边境线长190公里，共有嘎查36个。近年来积极探索"
     "“巴彦模式”。\n\n“呼和模式”也在推广。",
     [(190, "巴彦模式"), (36, "巴彦模式")]),
    # a lede that deepens a named mechanism says what the report is about, though the body names others
    ("近年来，杭锦旗通过深化“双报到双融入”工作机制，推动服务下沉。\n制度先行，构建协同体系\n今年已有300余名党员到社区报到。\n"
     "服务下沉，打造生态样本\n社区打造了“绿色家园”样本，回收旧衣物4000余件。\n志愿同行，凝聚多方力量\n"
     "依托“杭锦红”志愿队开展活动120场。",
     [(300, "双报到双融入"), (4000, "绿色家园"), (120, "杭锦红")]),
    # a kind of place a campaign sets up, named by its head noun (…党校) after a launching verb, and counted
    ("牧民党校进草场\n\n镶黄旗以孵化人才为重点，试点打造牧民党校。目前全旗共建成牧民党校12所。",
     [(12, "牧民党校")]),
    ("乡土人才进家门\n\n兴安盟探索在各苏木乡镇建设乡土人才孵化中心。目前已建成乡土人才孵化中心23个。",
     [(23, "乡土人才孵化中心")]),
    # a campaign the body writes without the first words of the name the issued plan gives it: that plan's name
    ("关于印发方案的通知\n\n现将《科右前旗牧区人居环境整治提升行动方案》印发给你们。\n\n"
     "到2027年，全旗开展“人居环境整治提升行动”的嘎查达到120个。",
     [(120, "牧区人居环境整治提升行动")]),
    # figures before a row of quoted brands (培育“A”“B”“C”等品牌) take none of them; before one brand, they take it
    ("额济纳旗文明实践\n\n全旗建成实践站28个，开展活动3378场次。培育“沙海红帆”“胡杨宣讲”“戈壁驼铃”等特色品牌。",
     [(28, ""), (3378, "")]),
    ("额济纳旗文明实践\n\n全旗建成实践站28个，开展活动3378场次。培育“沙海红帆”特色品牌。",
     [(28, "沙海红帆"), (3378, "沙海红帆")]),
    # a row of parallel items, each with its own programme (…成立“A”、…成立“B”): the sentences after it take neither
    ("某市推进社区治理\n\n全市建强组织体系。12个街道组建“街道联合党委”、160个社区组建“社区议事会”。"
     "市直208家单位包联社区，下沉党员6500名。",
     [(12, "街道联合党委"), (160, "社区议事会"), (208, ""), (6500, "")]),
    # enumerated items: an earlier item's programme is not the next item's; the lead before them governs them all
    ("某旗基层党建工作总结\n\n（一）夯实基层基础。一是深化“堡垒工程”创建行动，建成示范点45个。二是开展软弱涣散"
     "党组织整顿，整顿转化6个。三是选派驻村干部120名。",
     [(45, "堡垒工程"), (6, ""), (120, "")]),
    ("某旗基层党建工作总结\n\n全旗以“草原先锋”品牌为统领，推动党建引领治理。一是网格更健全，划分网格186个。"
     "二是服务更精准，走访群众9000户次。",
     [(186, "草原先锋"), (9000, "草原先锋")]),
    # a brand's name as a website's (来源：北疆先锋网) is the outlet; a quoted predicate (收入“嘎嘎的”) and a row of
    # slogans (“提早谋划、提早研判、提早指导”工作思路) are no names
    ("嘎查换届有序推进\n\n创建时间:\n2025-06-17 16:25:19\n来源:\n北疆先锋网\n\n全盟完成换届的嘎查村共有186个。",
     [(186, "")]),
    ("某嘎查：收入“嘎嘎的”\n\n去年嘎查集体经济收入达到56万元。", [(560000, "")]),
    ("某社区：党建引领聚合力 服务群众“零距离”\n\n社区面积0.33平方公里，共有党员92人。", [(0.33, ""), (92, "")]),
    # a composed name given as the form of the work (通过“支部+协会”的形式) is the programme; 流于形式 is no such word
    ("支部搭台协会唱戏\n\n各村通过“支部+协会”的形式，形成党支部抓协会的局面。全镇今年成立7个协会，建成示范田1100亩。",
     [(7, "支部+协会"), (1100, "支部+协会")]),
    ("存在的问题\n\n少数党支部“三会一课”流于形式，有6个嘎查村党支部被列为软弱涣散党组织。", [(6, "")]),
    # a headline's unquoted model (联村集体经济模式闯出新路) is the report's programme, named without 模式;
    # a new model in general (探索发展新模式) is none
    ("联村集体经济模式闯出发展新路\n\n2022年，镇稻米加工厂种植水稻8000亩，带动就业230余人。",
     [(8000, "联村集体经济"), (230, "联村集体经济")]),
    ("某镇探索发展新模式\n\n2022年，镇稻米加工厂种植水稻8000亩，带动就业230余人。", [(8000, ""), (230, "")]),
    # a five-year plan's period (“一五”计划期间) and how a place is described (位于新城区“后花园”) are no programmes
    ("青山区概况\n\n青山区是在“一五”计划期间建设起来的工业区，辖区面积280平方公里。", [(280, "")]),
    ("恼包村\n\n恼包村位于新城区“后花园”，日接待游客最高达到21万人次。", [(210000, "")]),
    # a place's title (“中国薯都”, “北疆粮仓”) is no programme
    ("“中国薯都”有了幸福模样\n\n截至2020年底，全市750个贫困嘎查村全部出列。", [(750, "")]),
    # what something became (成了致富“香饽饽”) is a figure of speech; a row of quoted problems (“A”“B”等问题) too
    ("某旗：土豆成了致富“香饽饽”\n\n全旗种植土豆12万亩，亩产达3000多公斤。", [(120000, ""), (3000, "")]),
    ("述职评议\n\n旗委书记点评指出“党建工作推进不均衡”“基层治理缺乏有效办法”“产业思路不宽”等问题46个，评议书记23人。",
     [(46, ""), (23, "")]),
    ("换届工作\n\n全市坚持“提早谋划部署、提早分析研判、提早下沉指导”工作思路，先后开展2轮摸底排查。",
     [(2, "")]),
    # a goal of rural revitalisation quoted on its own (以“产业兴旺”为重点) is the policy's wording, no programme
    ("六户镇发展庭院经济\n\n全镇以“产业兴旺”为重点发展庭院种植，带动农户300户。", [(300, "")]),
])
def test_programme_by_count_and_scope(text, expect):
    got = sorted((f.value, f.initiative) for f in facts_of(text))
    assert got == sorted(expect)


@pytest.mark.parametrize("text,expect", [
    # a visitor's banner is the subject of the visitor's own figures only
    ("新巴尔虎右旗推进“马背夜校”。\n\n来自东乌旗的书记朝鲁介绍说，他们镇有17户牧民党员家挂牌。\n\n旗里今年还将新建夜校12个。",
     [(17, "东乌珠穆沁旗"), (12, "新巴尔虎右旗")]),
    # a list of places as the subject: what they share
    ("呼伦贝尔市推进边境党建。新右旗、新左旗、陈旗等牧业旗共设立党员中心户906户。", [(906, "")]),
    # a news dateline's place is where the story was filed from, not the subject of the sentence it opens
    ("中国新闻网赤峰5月12日电 这里是离城区不到20公里的嘎查,翁牛特旗乌丹镇红旗嘎查,草场面积3.2万亩。",
     [(20, "翁牛特旗"), (32000, "翁牛特旗")]),
    # the level that issues funds (自治区下达我旗…, 自治区…资金) is not the place the figures belong to
    ("关于资金分配的公告\n\n2026年自治区下达我旗帮扶任务2600万元(其中:发展集体经济80万元)。已通过杭锦后旗常务会研究分配。",
     [(26000000, "杭锦后旗"), (800000, "杭锦后旗")]),
    ("关于资金分配的公告\n\n一、2026年自治区财政帮扶资金分配为:杭锦后旗陕坝镇500万元(其中:集体经济30万元)。",
     [(5000000, "杭锦后旗"), (300000, "杭锦后旗")]),
    # …but the region spending its own (自治区财政安排专项资金…) is the region's figure
    ("全区基层党建推进会\n\n今年自治区财政安排基层组织建设专项资金4.5亿元。", [(450000000, "")]),
    # a partner's sentence sets the scene where it works: later outcomes without a place happen there,
    # but what the partner gives or sends (资金, 干部…) stays the partner's own
    ("帮扶纪实\n\n北京市西城区在阿鲁科尔沁旗推广订单种植,带动农户增收。目前,项目已带动周边800余户参与,"
     "西城区累计投入帮扶资金1200万元。", [(800, "阿鲁科尔沁旗"), (12000000, "")]),
    # the level of an honour (自治区道德模范, 内蒙古好人榜) is not the place of the figure
    ("文明培育\n\n扎兰屯市积极选树身边好人。目前获自治区道德模范及提名奖9人、内蒙古好人榜12人。另一方面建设主题公园3个。",
     [(9, "扎兰屯市"), (12, "扎兰屯市"), (3, "扎兰屯市")]),
    # 内蒙古自治区 at the root of a written-out chain is not a place of its own
    ("巴彦镇概况\n\n内蒙古自治区通辽市科尔沁左翼后旗甘旗卡镇,辖12个嘎查、2个社区。", [(12, "科尔沁左翼后旗"), (2, "科尔沁左翼后旗")]),
    # 内蒙古 as the first word of a company's name is not the region
    ("宁城县大城子镇推进产业振兴\n\n镇里引进内蒙古华禾农业科技有限公司统一管理,15名党员领岗履责。", [(15, "宁城县")]),
    ("在乌拉特前旗、乌拉特中旗推行“一户一岗”，联系牧户近1.1万户。", [(11000, "")]),
    # 各旗 is each banner together: the league
    ("锡林郭勒盟推进党员中心户工作。各旗县市累计化解纠纷680余起。", [(680, "")]),
    # a round-up: a paragraph naming no place takes its section heading's place
    ("全区各地见闻\n\n▲赛罕区：红色物业\n\n赛罕区推行红色物业。\n\n物业每月集中服务2次。\n\n▲四子王旗：马背宣讲\n\n四子王旗组建宣讲团。",
     [(2, "赛罕区")]),
    # the text says where a place lies (位于): that wins over a same-named place elsewhere
    ("巴音哈拉嘎查位于新忽热苏木政府所在地东南约6公里，现有党员27名。", [(6, "乌拉特中旗"), (27, "乌拉特中旗")]),
    # 我们 in an interview's answers is the interviewee's banner, whatever neighbour was just named
    ("访奈曼旗委书记\n\n记者：有哪些差距？\n\n答：赤峰市敖汉旗的积分超市起步早；我们的积分超市才建了104个。",
     [(104, "奈曼旗")]),
    # a round-up whose sections are led by ▶ and name their banner by its short form
    ("各旗区交出答卷\n\n一、全市总体情况\n\n全市集体经济总收入达到6.8亿元。\n\n二、各旗区亮点做法\n\n"
     "▶达拉特旗：“飞地抱团”让薄弱村搭上快车\n\n【做法】达拉特旗组织38个嘎查村抱团入股。\n\n【成效】年收益超过900万元。"
     "\n\n▶准旗：党支部领着农户闯市场\n\n【做法】准格尔旗在十二连城乡、准格尔召镇等地推行订单种植，引导12家龙头企业"
     "与嘎查村签订协议，党支部负责组织生产。\n\n【成效】2024年带动农户3200余户。",
     [(680000000, ""), (38, "达拉特旗"), (9000000, "达拉特旗"), (12, "准格尔旗"), (3200, "准格尔旗")]),
    # the text names a community's township, and the gazetteer's same-named community lies in another one
    ("赛罕区推行“红色议事厅”，已在241个小区落地。\n\n昭乌达路街道丽苑社区有4栋楼暖气不热。",
     [(241, "赛罕区"), (4, "赛罕区")]),
    # a web page's section headed by a place and a colon scopes the paragraphs under it
    ("首府红色物业观察\n\n新城区：物业服务进网格\n\n新城区将全区划为1136个基础网格。\n\n赛罕区：“红色议事厅”开到楼门口"
     "\n\n与新城区不同，赛罕区商品房小区集中。\n\n物业公司先垫资18万元换管。",
     [(1136, "新城区"), (180000, "赛罕区")]),
    # a village name the gazetteer knows only in another league, in an article about one banner: that banner
    ("我们苏木位于阿拉善右旗北部，下辖5个嘎查。\n\n孟根布拉格嘎查利用闲置校舍改建车间，吸纳12名牧民就近务工。",
     [(5, "阿拉善右旗"), (12, "阿拉善右旗")]),
    # an outside partner as the agent of a passive gives; the village's figures stay the village's
    ("乌拉特中旗德岭山镇新义村建起肉羊屠宰车间。车间的设备由昌平区一家企业援建，投产后吸纳村民务工46人，人均月收入4200元。",
     [(46, "乌拉特中旗"), (4200, "乌拉特中旗")]),
    # a two-character short name read across a word (振兴/和) is not a place; the issuing office's
    # banner places a township the body names without its banner
    ("中共乌审旗苏力德苏木委员会\n上半年工作总结\n\n苏木党委以党建引领牧区振兴和基层治理。\n\n"
     "苏力德苏木辖6个嘎查，共有党员392名。",
     [(6, "乌审旗"), (392, "乌审旗")]),
    # an interview whose answers are led by the speakers' names: 我们苏木 is the speaker's own township,
    # 他们苏木 the other one the conversation is about
    ("对话乌拉特中旗川井苏木党委书记巴特尔\n\n记者：为什么去获各琦苏木取经？\n\n"
     "巴特尔：他们苏木只有9个嘎查。我们苏木最远的牧户离苏木政府180多公里。\n\n记者：效果如何？\n\n"
     "巴特尔：全苏木办夜校42期。",
     [(9, "乌拉特后旗"), (180, "乌拉特中旗"), (42, "乌拉特中旗")]),
    # 在内蒙古…边境线上，阿巴嘎旗守着175公里: the region frames the sentence; the next one goes on about the banner
    ("毡包连着界碑\n\n在内蒙古4200多公里的边境线上，阿巴嘎旗守着175公里。沿着这段边境线，散住着上千户牧民。",
     [(4200, ""), (175, "阿巴嘎旗"), (1000, "阿巴嘎旗")]),
    # A、B等5个苏木镇: the places listed before 等 are the ones counted, not the outside giver of the sentence
    ("科右中旗观察\n\n去年，北京市丰台区向科右中旗投入资金4650万元，其中1200万元投向巴彦呼舒镇、吐列毛杜镇等5个苏木镇的"
     "12个嘎查村。",
     [(46500000, ""), (12000000, ""), (5, "科尔沁右翼中旗"), (12, "科尔沁右翼中旗")]),
    # a 苏木's own report: its 嘎查 that the gazetteer knows only in other banners are the 苏木's
    ("巴彦胡舒苏木上半年工作汇报\n\n西乌珠穆沁旗巴彦胡舒苏木共设立党员中心户41户。\n\n"
     "嘎查 | 党员中心户（户）\n巴彦宝力格嘎查 | 8\n阿拉坦合力嘎查 | 7",
     [(41, "西乌珠穆沁旗"), (8, "西乌珠穆沁旗"), (7, "西乌珠穆沁旗")]),
    # a section whose heading names no place: its paragraphs go on about the place its first paragraph opens with
    ("兴安盟基层治理见闻\n\n扎赉特旗设立党员中心户1136户。\n\n林海深处的“活地图”\n\n阿尔山市地处大兴安岭西南麓。\n\n"
     "在伊尔施镇的家属区，网格员老赵的手机里存着400多户居民的电话。",
     [(1136, "扎赉特旗"), (400, "阿尔山市")]),
    # 离开X，…来到Y: the place left is no subject, the place the story arrives at is its scene
    ("边境党建见闻\n\n东乌珠穆沁旗设立党员中心户216户。\n\n■“三联共建”：苏木、边防、企业拧成一股绳\n\n"
     "离开东乌珠穆沁旗，记者一路向西来到苏尼特右旗。这里边境线长18.15公里。\n\n今年以来，共建单位开展联合巡边42次。",
     [(216, "东乌珠穆沁旗"), (18.15, "苏尼特右旗"), (42, "苏尼特右旗")]),
    # a speech at a league meeting: the speaker's line under the title places it (the speaker's banner)
    ("赤峰市农村牧区基层党建工作推进会交流发言之四\n\n抓好党建促振兴\n\n阿鲁科尔沁旗巴拉奇如德苏木查干淖尔嘎查党支部书记　吉日木图\n"
     "（2024年4月18日）\n\n尊敬的各位领导，同志们：\n\n这几年，我们先后发展了六名年轻党员。现在全支部党员35名。",
     [(6, "阿鲁科尔沁旗"), (35, "阿鲁科尔沁旗")]),
    # a feature that follows two people: a section about one of them is about where that person works
    ("戈壁深处\n\n记者兵分两路，一路跟着阿拉善左旗乌力吉苏木党委副书记斯琴巴特尔，一路跟着乌拉特后旗乌盖苏木巴音塔拉嘎查党支部书记王海军。"
     "\n\n■早上六点半：车轮上的服务队\n\n天刚亮，斯琴巴特尔已经把药箱搬上了车。\n\n服务队累计行程1.6万多公里。"
     "\n\n■上午十点：大棚里\n\n王海军在大棚里算账。\n\n全嘎查建起大棚46座。",
     [(16000, "阿拉善左旗"), (46, "乌拉特后旗")]),
    # a bare 街道党工委 refers to a street office named nearby, not to one of another town pages before
    ("林区见闻\n\n根河市好里堡街道设立驿站32个。\n\n其他工作。\n\n又一段。\n\n满洲里是陆路口岸城市。市里在兴华等街道选聘红管家560名。"
     "选聘时，街道党工委看重的不是学历。一年来，红管家们累计代办事项3200余件。",
     [(32, "根河市"), (560, "满洲里市"), (3200, "满洲里市")]),
    # a partner and a place here: the distance between them is the place's; the place written right before a
    # number owns it, even as an object (与全旗11所中小学结对)
    ("察右中旗京蒙协作\n\n北京到察哈尔右翼中旗，相距约400公里。石景山区的9所学校与全旗11所中小学结成对子。",
     [(400, "察哈尔右翼中旗"), (9, ""), (11, "察哈尔右翼中旗")]),
    # 通过北京的展销会: a partner named as the channel is no subject
    ("突泉县五三村\n\n村里注册了小米商标，通过北京的农产品展销会往外卖，去年卖出去小米十二万斤。",
     [(120000, "突泉县")]),
    # a 苏木's own report (its issuing office names it): a 嘎查 known only elsewhere is that 苏木's, even
    # when the report names a second town (距旗府乌兰花镇约110公里)
    ("红格尔苏木工作情况汇报\n中共四子王旗红格尔苏木委员会\n\n红格尔苏木距旗府乌兰花镇约110公里。\n\n"
     "嘎查名称    户籍户数（户）    党员（名）\n红格尔嘎查    298    64\n宝日胡舒嘎查    286    54",
     [(110, "四子王旗"), (298, "四子王旗"), (64, "四子王旗"), (286, "四子王旗"), (54, "四子王旗")]),
    # a 苏木 the datasets lack, written out after its banner in the issuer's line and named again in the text:
    # 全苏木 is it, under the banner (依托苏木…, 规模居全苏木 are no names)
    ("关于党建工作情况的汇报\n中共科左后旗巴嘎塔拉苏木委员会\n\n今年以来，巴嘎塔拉苏木党委把抓党建作为全苏木的“一号工程”。"
     "\n\n一、基本情况\n巴嘎塔拉苏木辖11个嘎查，全苏木共有党员691名。\n\n二、主要做法\n依托苏木党校开展培训。"
     "产业规模居全苏木前列，全苏木嘎查集体经济收入合计386.5万元。",
     [(11, "科尔沁左翼后旗"), (691, "科尔沁左翼后旗"), (3865000, "科尔沁左翼后旗")]),
    # the office that sent a cadre (赤峰市农牧局派驻的第一书记) is not the place he serves: his 我们 is the article's
    ("林西县委组织部\n\n对话驻村第一书记刘建华\n\n编者按：本期我们走进林西县新林镇榆树林子村，和赤峰市农牧局派驻的第一书记刘建华聊聊。"
     "\n\n问：您先抓的是哪件事？\n\n刘建华：我们和工作队另外2名队员走了一遍，每名党员联系8到12户。",
     [(2, "林西县"), (8, "林西县")]),
    # a banner's short name (前旗) when the article names one banner that ends so; not 目前旗里
    ("京蒙协作惠及察右前旗\n\n察右前旗与北京市大兴区深化协作。大兴区安排资金，支持前旗实施协作项目11个。",
     [(11, "察哈尔右翼前旗")]),
    # 前者 / 后者: the first / the second of the two banners the sentence named (not their league)
    ("两旗党员中心户\n\n正镶白旗与镶黄旗同处锡林郭勒盟西南部，前者旗域面积6200多平方公里，后者5100多平方公里。",
     [(6200, "正镶白旗"), (5100, "镶黄旗")]),
    # a village the text places under 该苏木 (the township just named) keeps that place when named again,
    # though the datasets know a same-named village in another banner
    ("牧区夜校\n\n镶黄旗和正镶白旗都在办夜校。\n\n6月上旬，正镶白旗伊和淖尔苏木的草场刚刚泛绿。在该苏木乌兰宝拉格嘎查，七八位牧民围坐听讲。\n\n"
     "镶黄旗的星耀镇、明安图镇的部分中心户还兼做草原防火信息员。\n\n"
     "乌兰宝拉格嘎查党支部去年领办了合作社，43户牧民入股。\n\n这一做法正在苏尼特左旗、阿巴嘎旗等牧业旗推广。",
     [(7, "正镶白旗"), (43, "正镶白旗")]),
    # a town the article placed (腾克镇 of 莫旗) stays there when a visitor's banner opens the paragraph
    ("（上接第1版）这种路子，是腾克镇近两年摸索出来的。镇党委把全镇14个村的党员编成小组。\n\n"
     "6月上旬，阿荣旗音河达斡尔鄂温克民族乡的村干部专程来腾克镇观摩。\n\n"
     "腾克镇党委书记孟庆华算了一笔账：去年全镇大豆种植户户均增收3000元以上。",
     [(14, "莫力达瓦达斡尔族自治旗"), (3000, "莫力达瓦达斡尔族自治旗")]),
    # a visiting speaker's 我们村 is under their own township, not the village the story is set in; the
    # banner 是…的缩影 names is what the next 全旗 points back to
    ("莫旗腾克镇库如奇村。\n\n今年9月，邻近的阿荣旗组织村干部来库如奇观摩。阿荣旗查巴奇鄂温克民族乡的一位村党支部书记"
     "看完台账直言：“我们村去年也设了3户党员中心户，可事情办得零散。”\n\n怪勒村的做法，是莫旗的缩影。全旗现有党员1.6万多名。",
     [(3, "阿荣旗"), (16000, "莫力达瓦达斡尔族自治旗")]),
    # a speaker named right after the quotation: their 我们旗 is their own banner; 全市 after 记者从…获悉 is the source's
    ("巴林左旗村企结对\n\n9月上旬，乌兰察布市察右后旗考察团一行来到巴林左旗。\n\n"
     "“我们旗也搞了村企结对，现在有20对左右。”察右后旗旗委副书记赵志刚说。\n\n"
     "记者从赤峰市乡村振兴局获悉，今年全市村企结对已超过1100对。",
     [(20, "察哈尔右翼后旗"), (1100, "")]),
    # 全村 after a village the datasets lack: the township the paragraph just named, not a village named later
    ("林海深处党旗红\n——兴安盟阿尔山市考察团鄂伦春自治旗观摩记\n\n7月下旬，阿尔山市考察团一行21人来到鄂伦春自治旗。\n\n"
     "托扎敏乡希日特奇猎民村，是考察团的第二站。这个小村子，全村52户。\n\n"
     "阿尔山市白狼镇林俗村的党支部书记说，回去也要试试。",
     [(21, "阿尔山市"), (52, "鄂伦春自治旗")]),
    # where a trip is set (第一站放在镶黄旗) is no antecedent of the speech's 全旗
    ("在正镶白旗嘎查书记培训班上的讲话\n\n目前全旗有党员中心户213户。今年外出考察的第一站放在镶黄旗。\n\n"
     "二是把党员中心户做优。今年全旗计划再新增党员中心户30户左右。",
     [(213, "正镶白旗"), (30, "正镶白旗")]),
    # a clause without a subject goes on about the latest clause's subject (旗里), not the partner the sentence opened with
    ("苏尼特右旗京蒙协作\n\n今年，北京结对区又安排京蒙协作资金3280万元，旗里统筹用于产业和就业，实施协作项目14个。",
     [(32800000, ""), (14, "苏尼特右旗")]),
    # the base of a comparison (比全区…平均水平高出) and a partner one works with (对接北京市帮扶单位) are objects
    ("额济纳旗伊布图嘎查\n\n2023年，嘎查牧民人均可支配收入达到2.8万元，比全区农村牧区居民平均水平高出六千多元。",
     [(28000, "额济纳旗"), (6000, "额济纳旗")]),
    ("杭锦后旗工作总结\n\n积极对接北京市帮扶单位，全年争取京蒙协作资金3860万元。", [(38600000, "杭锦后旗")]),
    # what the subject belongs to (是呼伦贝尔市的农业大市) is not what 全市 points back to
    ("关于扎兰屯市村级集体经济情况的调研报告\n\n一、基本情况\n\n"
     "扎兰屯市地处大兴安岭东麓，是呼伦贝尔市的农业大市，全市共有139个行政村。",
     [(139, "扎兰屯市")]),
    # a place profile: the ends of a route through it and its neighbours are not the place described
    ("鄂托克旗乌兰镇巴音嘎查\n\n巴音嘎查，东临沙井镇，西接察汗淖尔嘎查，南伴沙日布日都嘎查。乌海至东胜一线交通要道途经此地，"
     "交通便利。土地总面积52万亩，常住人口738人。",
     [(520000, "鄂托克旗"), (738, "鄂托克旗")]),
    # a person the text says lives in a place (…生活在…嘎查): a later paragraph about that person is there
    ("边境线上的红色坐标\n\n锡林郭勒盟有党员中心户1842户。\n\n52岁的巴特尔生活在锡林郭勒盟阿巴嘎旗那仁宝拉格苏木，"
     "是一名老党员。\n\n锡林郭勒盟边境线长1103公里。\n\n巴特尔的蒙古包是其中之一，他联络周边牧户18户。",
     [(1842, ""), (1103, ""), (18, "阿巴嘎旗")]),
    # a row of outside places things come from (从山东、四川等省区引进) is a source, its second item too
    ("建新村发展产业\n\n科尔沁区丰田镇建新村有党员44名。\n\n村里从山东、四川等多个省区引进优良品种50多个，建设大棚57座。",
     [(44, "科尔沁区"), (50, "科尔沁区"), (57, "科尔沁区")]),
    # a company named after its city (乌兰察布市欣康源现代农业专业合作社) is not the place described; a company in a
    # chain of places (…扎鲁特旗鲁北镇永丰有限公司) is located there
    ("南村发展产业\n\n察右前旗平地泉镇南村种植蔬菜。乌兰察布市欣康源现代农业专业合作社等龙头企业领跑助力，建成蔬菜交易市场1处。",
     [(1, "察哈尔右翼前旗")]),
    ("企业投资\n\n通辽市扎鲁特旗鲁北镇永丰有限公司投资500万元。", [(5000000, "扎鲁特旗")]),
    # a neighbour named as an advantage (临近宁夏中卫的区位优势) is not where the figures are
    ("乌兰哈达嘎查\n\n阿拉善左旗乌兰哈达嘎查发展旅游。\n\n嘎查看准了临近宁夏中卫的区位优势，当年即实现经营收益96万元。",
     [(960000, "阿拉善左旗")]),
    # one of a set the country names (全国160个乡村振兴重点帮扶县之一) is not the banner's count
    ("科右中旗概况\n\n科右中旗隶属于兴安盟，现在是全国160个乡村振兴重点帮扶县之一。", [(160, "")]),
    # the country's own count written straight after 全国 (近日全国100个…公布), and a set the place belongs to
    # (是国家批准的首批十三个沿边开放城市之一; 是首批十三个…之一) are not the place's; a set the place owns is
    ("玉泉区两社区上榜\n\n近日全国100个优秀社区工作法公布，玉泉区共有两个社区上榜。", [(100, ""), (2, "玉泉区")]),
    ("二连浩特口岸\n\n二连浩特市是国家批准的首批十三个沿边开放城市之一，口岸年过货量1800万吨。",
     [(13, ""), (18000000, "二连浩特市")]),
    ("二连浩特口岸\n\n二连浩特市是首批十三个沿边开放城市之一。", [(13, "")]),
    # a quoted set the country names (地处我国14个“集中连片特困地区”之一), not the village's count
    ("红旗村\n\n科右前旗红旗村地处我国14个“集中连片特困地区”之一，辖2个自然屯。", [(14, ""), (2, "科尔沁右翼前旗")]),
    ("护边员达来\n\n阿拉善左旗乌力吉苏木的达来还是苏木选聘的41名护边员之一。", [(41, "阿拉善左旗")]),
    # the level a place is ranked against (在全区率先, 居全市第一) is not the figure's place
    ("杭锦旗强基础\n\n杭锦旗在全市率先建成标准化党群服务中心12个。", [(12, "杭锦旗")]),
    ("察右中旗概况\n\n察右中旗位于阴山北麓。东邻察右后旗，北和西北连四子王旗，地域南北最大长度90.2公里，总面积4206平方公里。",
     [(90.2, "察哈尔右翼中旗"), (4206, "察哈尔右翼中旗")]),
    # where a place lies, narrowed across a comma (league, then a banner inside it): the narrowest is the subject
    ("宝力格嘎查简介\n\n宝力格嘎查位于内蒙古锡林郭勒盟北部草原，阿巴嘎旗东部，距旗政府所在地68公里，全嘎查有牧户210户。",
     [(68, "阿巴嘎旗"), (210, "阿巴嘎旗")]),
    ("某镇概况\n\n该镇地处呼伦贝尔市西部，鄂温克族自治旗南端，全镇共有党员420名。",
     [(420, "鄂温克族自治旗")]),
    # a buyer met with 跟 (跟北京新发地的客商签了订单) is a partner; the next sentence stays with the village
    ("三号地村种马铃薯\n\n察右中旗广益隆镇三号地村成立了种植合作社。去年种了1400亩马铃薯，马铃薯跟北京新发地的客商签了订单。"
     "订单薯每斤比散卖高出两毛钱。", [(1400, "察哈尔右翼中旗"), (0.2, "察哈尔右翼中旗")]),
    # the place a distance is measured from (距海拉尔区97公里) is no subject: the distance is the sentence's subject's;
    # a township the gazetteer places in one banner only (阿木古郎镇) stays there whatever banner the passage named before
    ("某苏木概况\n\n这个苏木位于新左旗东北。向东距海拉尔区97公里，向西距阿木古郎镇75公里。",
     [(97, "新巴尔虎左旗"), (75, "新巴尔虎左旗")]),
    # a place whose money is used (利用自治区配置的专项经费) is the funder, not the subject
    ("社区食堂\n\n敖汉旗新惠镇开办社区食堂。社区利用自治区配置的专项经费，按照每人每餐10元的标准，为28名孤寡老人提供午餐。",
     [(10, "敖汉旗"), (28, "敖汉旗")]),
    # what is sold to a place written right before the figure is the seller's
    ("木耳菌袋供不应求\n\n阿荣旗得力其尔鄂温克族乡的木耳合作社今年的菌袋供不应求，已销到鄂伦春旗46万袋。",
     [(460000, "阿荣旗")]),
])
def test_several_places_per_passage(text, expect):
    got = sorted((f.value, f.banner) for f in facts_of(text))
    assert got == sorted(expect)


def test_a_continued_page_does_not_inherit_the_article_above():
    page = ("扎鲁特旗：管家守护转场路\n\n本报通辽12月5日电 扎鲁特旗选派管家46名。\n\n━━━━━━━━━━━━\n\n"
            "（上接第1版）流动党课车已有7辆，覆盖牧户2600多户。乌拉特中旗委组织部负责人表示，将再增配3辆。")
    facts = facts_of(page)
    assert one(facts, 46).banner == "扎鲁特旗"
    for v in (7, 2600):
        assert one(facts, v).banner == "乌拉特中旗"


def test_one_storys_later_sections_keep_the_place_its_lead_names():
    # a web story saved as text: a photo's caption line and two-line subheads head sections, not new articles
    story = ("红柳村党支部抓产业促增收\n\n近年来，兴安盟扎赉特旗巴彦高勒镇红柳村党支部立足资源禀赋，带领群众发展特色种植，"
             "村集体经济收入连续三年超过百万元。\n\n村民在温室大棚里采摘西红柿\n\n盘活闲置资源\n\n让集体经济壮起来\n\n"
             "村党支部争取资金，建成温室大棚24座，每年为村集体增收18万元。")
    for v in (24, 180000):
        fact = one(facts_of(story), v)
        assert (fact.league, fact.banner) == ("兴安盟", "扎赉特旗")


@pytest.mark.parametrize("body, banner", [
    # a headline that names the league over a story of one of its banners: the story's banner
    ("近年来，阿鲁科尔沁旗天山镇把5个小合作社合成一个大合作社，统一经营。", "阿鲁科尔沁旗"),
    # a story that goes through two banners stays the league's where a paragraph names no place
    ("近年来，阿鲁科尔沁旗把5个小合作社合成一个大合作社，林西县也建起3个联合社。", ""),
    # a story that speaks of the league on its own more often than of its one banner stays the league's
    ("赤峰市持续完善治理体系，赤峰市各地积极响应。与此同时，阿鲁科尔沁旗已实施项目40个。", ""),
])
def test_a_league_headline_over_one_banners_story(body, banner):
    story = f"抱团发展闯新路赤峰市\n\n{body}\n\n今年，合作社流转土地1.2万亩，带动120户村民增收。"
    for v in (12000, 120):
        fact = one(facts_of(story), v)
        assert (fact.league, fact.banner) == ("赤峰市", banner)


def test_a_subtitles_programme_the_body_goes_on_naming_beats_a_descriptive_title():
    text = ("戈壁深处的“流动课堂”\n\n——四子王旗“红色马背队”随行记\n\n本报记者 王明\n\n"
            "老人腿脚不便，队员上门不到10分钟就办完了认证。\n\n"
            "四子王旗组建“红色马背队”服务队6支。据统计，“红色马背队”今年已服务牧民3200人次。")
    f = one(facts_of(text), 10, "分钟")
    assert f.initiative == "红色马背队"


def test_a_titles_quoted_word_the_body_uses_as_a_word_is_not_taken_up():
    # 心里热乎 uses the word; it does not name the title's “热乎” again
    text = ("零下40℃，牧区党支部的“热乎”冬天\n\n——新左旗“冬春走牧户”行动见闻\n\n本报记者 王明\n\n"
            "清晨，苏木所在地的气温已跌到零下40摄氏度左右。\n\n"
            "旗里推行“冬春走牧户”，党员每周上门。老人说：“有人惦记，心里热乎。”")
    f = one(facts_of(text), -40, "°C")
    assert f.initiative == "冬春走牧户"


@pytest.mark.parametrize("places,expected", [
    ("乌拉特中旗新忽热苏木", "党建+大棚"),  # a report about one place: its only programme is its main one
    ("乌拉特中旗和乌拉特后旗", ""),  # about several banners: a programme named once is no article programme
])
def test_the_bodys_only_programme_named_once(places, expected):
    text = (f"大棚里的新日子\n\n{places}位于河套平原北部，全嘎查常住人口198户。\n\n"
            "近年来，苏木党委把巴音嘎查确定为“党建+大棚”示范点，建成温室42座。")
    f = one(facts_of(text), 198, "户")
    assert f.initiative == expected


def test_a_paragraph_that_goes_on_in_time_keeps_the_place_before_it():
    text = ("草原上的小牌子\n\n锡林郭勒盟牧区嘎查500余个，党员住得散。\n\n"
            "“以前开个会，光通知就得打一天电话。”正镶白旗宝力根陶海苏木巴音嘎查党支部书记说。\n\n"
            "后来，嘎查党支部在几个片区设了5个党员中心户。")
    f = one(facts_of(text), 5, "个")
    assert (f.league, f.banner) == ("锡林郭勒盟", "正镶白旗")


def test_the_banners_own_hospital_is_the_banner():
    text = "察右前旗医疗帮扶见成效\n\n北京市大兴区向察哈尔右翼前旗派出医生。\n\n帮扶让旗人民医院新开展手术项目26项。"
    f = one(facts_of(text), 26, "项")
    assert (f.league, f.banner) == ("乌兰察布市", "察哈尔右翼前旗")


def test_a_banners_short_name_is_not_read_inside_a_word():
    from etl.gazetteer import load_gazetteer
    from etl.regions import find_locs

    text = "察右前旗深化协作。目前旗里已建成车间7个，当前旗县都在推进。支持前旗实施项目。"
    locs, _spans, _main = find_locs(load_gazetteer(), text, 0)
    assert [text[l.start:l.end] for l in locs if l.how == "name"] == ["察右前旗", "前旗"]
    assert text.index("支持前旗") + 2 in [l.start for l in locs]


def test_a_paragraph_set_one_phrase_per_line_is_one_scope_for_its_programme():
    # the stanza's lines are one paragraph: the name in its second line is the first line's too, and the
    # next stanza (after a blank line) is not glued to it
    text = ("和园社区\n“邻里之间”这一年\n原创　和园社区　2024-08-02 20:15　内蒙古\n\n"
            "━━━━━━\n🌳 议事\n━━━━━━\n\n"
            "社区联合辖区3家物业企业、5家驻区单位\n成立了“和园议事角”\n今年已议事12场\n\n"
            "“有事大家商量\n商量好了再办”\n居民代表老周说\n\n"
            "━━━━━━\n🍚 食堂\n━━━━━━\n\n"
            "社区开办“和园食堂”\n每天供应午餐180份左右\n高龄老人每餐补贴4元\n\n—END—")
    facts = facts_of(text)
    assert one(facts, 3, "家").initiative == "和园议事角"
    assert one(facts, 5, "家").initiative == "和园议事角"
    assert one(facts, 180).initiative == "和园食堂"


def test_a_unit_of_a_kind_by_who_they_are_is_the_unit():
    # 年轻党员中心户 are 党员中心户 of a kind: the programme stays 党员中心户 everywhere
    text = ("庭院经济\n\n旗委组织部新选树年轻党员中心户46户。截至6月底，全旗共确定党员中心户1580户，"
            "每户联系周边农户10户左右。")
    facts = facts_of(text)
    assert {f.initiative for f in facts if f.value in (46, 1580, 10)} == {"党员中心户"}


def test_a_label_above_the_first_paragraph_does_not_cut_the_body_off_as_a_fragment():
    text = ("“头雁领航”让村集体收入翻了番\n原创 翁旗组工 翁旗组工 2024-11-26 08:30 发表于内蒙古\n\n"
            "👆点击上方蓝字“翁旗组工”关注我们\n\n📢编者按\n\n"
            "集体经济强不强，关键看“头雁”。今年，旗委对186名村党组织书记逐一研判。\n\n"
            "敖汉旗四家子镇热水汤村是个典型。")
    _articles, facts = extract_document(Document("w.txt", text, "x"))
    assert one(facts, 186).initiative == "头雁领航"


def test_a_village_name_several_banners_share_takes_the_one_banner_of_the_article_that_has_it():
    # 猎民村 exists in several banners of 呼伦贝尔市; of the two banners the article names, only 鄂伦春自治旗 has one
    text = ("林区见闻\n\n记者从鄂伦春自治旗阿里河镇出发，一路向北。\n\n莫力达瓦达斡尔族自治旗的同行也来观摩。\n\n"
            "巴彦猎民村组建起护林队，队员15人，其中党员6人。")
    f = one(facts_of(text), 15)
    assert (f.league, f.banner) == ("呼伦贝尔市", "鄂伦春自治旗")


def test_a_partner_side_is_its_own_agent_and_an_aspect_is_no_partner():
    # 京蒙协作方面 (as to the cooperation) names no partner; 北京方面 (the Beijing side) is the partner as agent
    text = ("全旗会议讲话\n\n京蒙协作方面，四子王旗去年争取到位帮扶资金1.2亿元，实施项目38个，"
            "北京方面还选派了19名挂职干部到我旗工作。")
    facts = facts_of(text)
    assert one(facts, 38).banner == "四子王旗"
    assert one(facts, 19).region_level == "outside"


def test_a_bare_whole_village_does_not_point_forward_to_a_visitors_village_in_another_league():
    text = ("界河畔的旅游村\n——额尔古纳市党建引领乡村旅游见闻\n\n额尔古纳市地处祖国北疆，村屯分散。\n\n"
            "村党支部书记给记者算账：全村186户，经营家庭游的有97户。\n\n"
            "来自兴安盟阿尔山市白狼镇林俗村的书记也来取经。")
    f = one(facts_of(text), 186)
    assert (f.league, f.banner) == ("呼伦贝尔市", "额尔古纳市")


def test_a_whole_banner_in_a_report_its_banners_office_issued_is_no_lost_head():
    # 全旗辖… after 一、基本情况 in a 汇报 issued by 中共鄂托克前旗委员会组织部 (byline): the banner is the issuer's
    from etl.fragments import split_fragments  # noqa: PLC0415
    from etl.layout import split_articles  # noqa: PLC0415
    from etl.sources import read  # noqa: PLC0415

    path = Path(__file__).parent / "fixtures" / "genre" / "426_etuokeqianqi_gongzuo_huibao.txt"
    article = split_articles(read(path))[0]
    assert "中共鄂托克前旗委员会组织部" in article.byline
    assert [a.kind for a, _ctx in split_fragments(article)] == ["article"]


def test_a_forward_reference_to_a_place_written_out_stanzas_before_is_no_lost_head():
    # a WeChat post in stanzas: 哈达街道 named two stanzas before 街道党工委, then again later
    text = ("6处“银龄饭桌”开到家门口\n原创　哈达街道　2024-05-17 18:30　内蒙古\n\n"
            "中午11点半，\n锦绣社区门口\n已经排起了小队。\n\n🍲 饭桌开到楼底下\n\n哈达街道是红山区的老城区，\n辖区老年人\n"
            "有1.2万余人。\n\n独居、空巢老人\n“做饭难、吃饭难”，\n一直是一块心病。\n\n"
            "去年以来，街道党工委盘活闲置用房，建起6处“银龄饭桌”。\n\n哈达街道还为饭桌争取到补贴。")
    f = one(facts_of(text), 6, "处")
    assert f.initiative == "银龄饭桌"


def test_a_partners_column_in_a_table_takes_the_tables_programme():
    # region-wide and partner figures take only their own sentence's programme; a table's row is read with its
    # caption and header, so the caption's programme is the cell's own
    text = ("二连浩特市深化京蒙结对\n\n今年各结对单位的共建情况见下表。\n\n京蒙协作党建共建结对情况\n\n"
            "二连浩特市结对单位 | 东城区结对单位 | 共建活动（场） | 北京方投入资金（万元）\n\n"
            "格日勒敖都苏木 | 东直门街道 | 28 | 218.5\n\n国门社区 | 和平里街道 | 37 | 146.0")
    got = {f.value: (f.league, f.initiative) for f in facts_of(text)}
    assert got[2185000] == ("", "京蒙协作") and got[28] == ("锡林郭勒盟", "京蒙协作")


def test_the_one_brand_an_opening_presents_is_the_articles_programme():
    # 打出“红色网格”治理品牌 in the opening: a lede figure before it takes the brand, though the body names others more
    text = ("九原区：志愿者“沉”进网格\n\n走进九原区华融社区，这个有3100余户的老社区，如今被细分成11个网格。\n\n"
            "近年来，九原区打出“红色网格”治理品牌。\n\n"
            "龙宇社区的“银发先锋”志愿服务队有40人。“银发先锋”队伍已有12支。“银发先锋”还在扩大。")
    got = {f.value: f.initiative for f in facts_of(text)}
    assert got[3100] == "红色网格"


def test_a_kicker_above_a_posts_headline_is_part_of_its_head():
    post = ("巴林右旗党建\n▲点击上方蓝字 关注我们\n\n原创  巴林右旗委组织部  巴林右旗党建\n2024年06月18日 08:30  内蒙古\n\n"
            "🔥【草原红管家】\n1370名党员“背包上路”\n把服务送进牧区深处\n\n旗委组织部在全旗推开“草原红管家”服务机制。\n\n"
            "截至目前，全旗1370名党员编入网格。\n\n牧民说，有事找红管家。今年以来办理事项4800余件。")
    facts = facts_of(post)
    got = {f.value: f.initiative for f in facts}
    # (the headline's 1370 is the body's, stated once; the kicker is the head's programme)
    assert got[4800] == "草原红管家" and [f.value for f in facts].count(1370) == 1


def test_a_place_inside_a_documents_name_is_not_the_figures_place():
    # 《内蒙古物业服务标准》: the name of a standard, not the region
    text = "赤峰市物业服务提升方案\n\n2025年，全市业主委员会组建率达到90%，打造符合《内蒙古物业服务标准》的示范项目30个。"
    assert sorted((f.value, f.league) for f in facts_of(text)) == [(30, "赤峰市"), (90, "赤峰市")]


def test_the_count_of_a_set_a_place_belongs_to_is_the_sets():
    # 该县成为自治区…百强县市的19个县市之一: 19 counts the region's list, not the county
    text = "凉城县经济发展\n\n凉城县去年财政收入8.2亿元，该县成为自治区入选西部百强县市的19个县市之一。"
    got = {f.value: (f.league, f.banner) for f in facts_of(text)}
    assert got[820000000.0] == ("乌兰察布市", "凉城县") and got[19.0] == ("", "")


def test_the_countrys_own_figure_is_not_the_places():
    text = "科右前旗获评示范县\n\n科右前旗去年接待游客120万人次。全国共有5个县市入选该名单。"
    got = {f.value: (f.league, f.banner) for f in facts_of(text)}
    assert got[1200000.0] == ("兴安盟", "科尔沁右翼前旗") and got[5.0] == ("", "")


@pytest.mark.parametrize("text, expect", [
    # the number counts the programme; named in its clause; in its sentence
    ("党员中心户扎根牧区\n\n全盟共设立党员中心户1870户。", [(1870, "党员中心户", "counted")]),
    ("社区以“三事三制”工作法开展议事16次。", [(16, "三事三制", "clause")]),
    ("苏木开展“马背宣讲”活动，一年下来，覆盖牧民3200人次。", [(3200, "马背宣讲", "sentence")]),
    # named earlier in the paragraph; in the paragraph before; the whole report's programme
    ("牧区驿站\n\n苏木推行“草原驿站”服务。去年共接待牧民900人次。", [(900, "草原驿站", "paragraph")]),
    ("牧区驿站\n\n苏木推行“草原驿站”服务。\n\n去年共接待牧民900人次。", [(900, "草原驿站", "previous")]),
    ("“三减三优”让群众少跑腿\n\n阿鲁科尔沁旗精简窗口。\n\n乡级党群服务中心设置2个综合窗口。",
     [(2, "三减三优", "article")]),
    # no programme, no basis
    ("某旗简讯\n\n全旗共有嘎查58个。", [(58, "", "")]),
])
def test_the_basis_says_where_a_facts_programme_was_named(text, expect):
    assert sorted((f.value, f.initiative, f.initiative_basis) for f in facts_of(text)) == sorted(expect)


def test_a_tables_cells_take_the_basis_of_their_programme():
    text = ("党员中心户统计\n\n表1 各旗党员中心户设立情况\n旗县区 | 党员中心户（户） | 联系牧户（户）\n正蓝旗 | 64 | 1210\n"
            "多伦县 | 38 | 760")
    got = {(f.value, f.initiative, f.initiative_basis) for f in facts_of(text)}
    assert (64, "党员中心户", "counted") in got and (38, "党员中心户", "counted") in got


def test_a_programme_inferred_from_the_context_lowers_the_facts_confidence():
    named = facts_of("阿鲁科尔沁旗开展“马背宣讲”活动，一年下来，覆盖牧民3200人次。")[0]
    inferred = facts_of("“三减三优”让群众少跑腿\n\n阿鲁科尔沁旗精简窗口。\n\n乡级党群服务中心设置2个综合窗口。")[0]
    assert inferred.initiative_basis == "article" and named.initiative_basis == "sentence"
    assert inferred.confidence <= 0.65 < named.confidence


@pytest.mark.parametrize("text, expect", [
    # a village's name read across the words of a slogan (富民强村: 富民/强村, not the village 民强村 of 临河区)
    ("乌海市发展村集体经济\n\n近年来，乌海市推动新型村级集体经济加快发展。坚持以“产业支撑、富民强村”为突破口，"
     "实施新型村集体经济项目103个。", [(103, "乌海市", "")]),
    # an author's affiliation with its postcode is no place of the text
    ("少数民族特色村寨的保护与发展\n（内蒙古民族大学马克思主义学院，内蒙古 通辽 028000）\n\n使鹿部落位于大兴安岭深处，景区共62户。",
     [(62, "", "")]),
])
def test_words_that_only_look_like_a_place_of_the_text(text, expect):
    assert sorted((f.value, f.league, f.banner) for f in facts_of(text)) == sorted(expect)


@pytest.mark.parametrize("text, expect", [
    # a work report's date and venue under its title, set on two lines: the assembly's banner is the report's
    ("政府工作报告\n——2026年1月8日在科尔沁右翼中旗\n第十八届人民代表大会第三次会议上\n\n各位代表：\n\n"
     "现在，我代表旗人民政府，向大会报告工作。\n\n全年投入衔接资金1.2亿元。", [(120000000, "科尔沁右翼中旗")]),
    # the level that announces (自治区公布我旗…) is not the place the figures that follow are about
    ("科右中旗乡村振兴纪实\n\n去年，自治区公布我旗为乡村振兴示范旗。全年投入衔接资金1.2亿元。", [(120000000, "科尔沁右翼中旗")]),
    # nor is the level whose directives are followed (紧扣…自治区党委…会议精神)
    ("某旗召开述职评议会\n\n近日，乌拉特中旗召开2025年度抓基层党建述职评议会。\n\n"
     "各党委书记紧扣中央和自治区党委组织工作会议精神，共查找问题57个。", [(57, "乌拉特中旗")]),
])
def test_levels_that_speak_to_a_place_are_not_its_figures_place(text, expect):
    assert sorted((f.value, f.banner) for f in facts_of(text)) == sorted(expect)


@pytest.mark.parametrize("text, expect", [
    # a town said to lie between several places lies in none of them: its own banner decides
    ("沟门镇见闻\n\n沟门镇地处呼和浩特市、包头市、鄂尔多斯市“中心”腹地，全镇下辖13个行政村。", [(13, "包头市", "土默特右旗")]),
    # 昆区: 包头's district as local papers write it
    ("创城中的凡人小事\n\n昆区青松小区是我市规模较大的老旧小区，有110栋楼、4717户居民。稀土高新区民馨路街道也在行动。",
     [(110, "包头市", "昆都仑区"), (4717, "包头市", "昆都仑区")]),
])
def test_where_a_town_lies(text, expect):
    assert sorted((f.value, f.league, f.banner) for f in facts_of(text)) == sorted(expect)
