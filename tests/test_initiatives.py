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
    # session 3: the grammar of the genre, not a list of names
    # — a verb that launches or uses it, even a few words before
    ("西乌旗推出“草原夜校”，把课堂搬进蒙古包。", ["草原夜校"]),
    ("苏木党委组建“马背服务队”巡回服务。", ["马背服务队"]),
    ("正镶白旗启动农牧民党员“冬训”。", ["冬训"]),
    ("旗里依托“党员中心户”打通服务群众最后一段路。", ["党员中心户"]),
    ("以“组织工作提升年”为抓手推进。", ["组织工作提升年"]),
    ("全部实行“三个一”包联整顿。", ["三个一"]),
    ("扎鲁特旗探索“网格+产业”，让网格员当好信息员。", ["网格+产业"]),
    # — a programme word or a unit after it
    ("探索“积分超市”做法。", ["积分超市"]),
    ("叫响“北疆先锋”品牌。", ["北疆先锋"]),
    ("举办首期“头雁孵化”示范培训班。", ["头雁孵化"]),
    ("组成“沙海绿洲”党建联合体。", ["沙海绿洲", "沙海绿洲"]),  # the unit after a quoted name is that name's
    # — a head noun that says what the campaign creates
    ("牧民们都来“蒙古包书屋”看书。", ["蒙古包书屋"]),
    ("在镇上办起“额尔敦调解工作室”。", ["额尔敦调解工作室"]),
    # — a number that counts it
    ("打造八个“一村一品”示范村。", ["一村一品"]),
    ("全市“红色物业”小区达到86个。", ["红色物业"]),
    # — unquoted, after a verb, with a programme head noun or the lexicon
    ("全盟共设立党员中心户1870户。", ["党员中心户"]),
    ("组建党建联合体58个。", ["党建联合体"]),
    # — named by the speaker (我们叫“…”, 称为“…”), even in a X+Y form that would otherwise only describe
    ("比如科右中旗，我们叫“党建+刺绣”，党支部牵头办刺绣合作社。", ["党建+刺绣"]),
    ("旗里把这个办法取名为“草原夜话”，已办了30期。", ["草原夜话"]),
    # — what a place does, in a pseudo-cleft (搞的是“…”), is no metaphor
    ("再比如突泉县，搞的是“积分超市”，村民攒积分换米面油。", ["积分超市"]),
    ("这个嘎查被称为“草原明珠”，全村有党员40名。", []),
    # not programmes: titles, honours, nicknames, metaphors, formulas, slogans, tiers, tools, institutions
    ("这里素有“马铃薯之乡”的美誉。", []),
    ("牧民都叫他“骆驼书记”。", []),
    ("大家叫她“草原百灵”，她一年唱了40场。", []),
    ("评出“五星级党组织”13个。", []),
    ("从中评选出“兴安红旗手”书记60名。", []),
    ("发挥“红色引擎”作用。", []),
    ("增强“四个意识”、坚定“四个自信”。", []),
    ("形成“南有红色物业、北有草原驿站”的格局。", []),
    ("构建“盟-旗-苏木”联动体系。", []),
    ("有的地方热衷于“盆景”，群众不买账。", []),
    ("通过“学习强国”视频会议功能开课。", []),
    ("邻里有事先在群里“吹个哨”。", []),
    ("打通服务群众“最后一公里”。", []),
    ("新建标准化党群服务中心45个。", []),
    ("为赤峰市各基层书记“量身定制”宣讲内容。", []),
    # — what something is to someone (是…的, 成了…的): a metaphor, whatever its head noun
    ("网格员既是居民身边的“信息员”“调解员”。", []),
    ("卫生室成了牧民的“健康驿站”。", []),
    ("这是该旗首创的“草原夜校”。", ["草原夜校"]),
    ("周边38户牧民从此有了固定的“落脚点”。", []),
    # — an ordinary word in quotes is emphasis, whatever its last character (链, 点…)
    ("联村党委串起“产业链”，组建联村党委14个。", []),
    ("那间小屋，就是社区新开的“润心驿站”。", ["润心驿站"]),
    # — a bulleted section heading that opens with the name and a colon
    ("■“三联共建”：苏木、边防、企业拧成一股绳", ["三联共建"]),
    # — spoken launching verbs: 搞“…”, 推的是“…”
    ("嘎查党支部牵头办了合作社，搞“联户代牧”：没劳力的人家把羊交给合作社。", ["联户代牧"]),
    ("我们推的是“强弱嘎查联建”，让强嘎查带弱嘎查。", ["强弱嘎查联建"]),
    # — a name in single quotes inside a quotation
    ("他说：“我们旗去年开始组建‘马背宣讲队’，现在全旗有46支。”", ["马背宣讲队"]),
    # — a name the sentence defines as a programme; 建起 launches; a 组 a campaign sets up
    ("“一带五”是四子王旗今年推出的庭院帮带机制。", ["一带五"]),
    ("嘎查学着邻居建起了“联户互助组”。", ["联户互助组"]),
    # — a cohort, a quality, a ride, a verb with its aspect marker, a category of people, a criticism
    ("“00后”网格员其其格负责第3网格。", []),
    ("让牧区服务更有“温度”。", []),
    ("弱村搭上了强村的“顺风车”。", []),
    ("大家“抢着”干、“比着”干。", []),
    ("选出1名“老支书”担任调解员。", []),
    ("有的地方热衷于打造“盆景”，群众不买账。", []),
    ("把中心户作为网格里的“信息员”“联络员”。", []),
    # — projects counted after a programme word are no programme's name
    ("实施联建产业项目63个。", []),
    # — a numbered category of what lacks something (“三无”院落) describes places, it is no programme
    ("没物业、没主管单位、没业委会的“三无”院落，一度多达4处。", []),
    # — a programme word after the name (帮扶, 协作)
    ("“组团式”医疗帮扶让医院新开展手术12项。", ["组团式"]),
    ("“红哨积分”是个新鲜词。", ["红哨积分"]),
])
def test_find_initiatives(text, expected):
    assert [m.name for m in find_initiatives(text)] == expected


def test_a_headlines_unquoted_name_is_taken_without_the_reports_framing():
    title = "关于达茂旗以党建联盟带动嘎查抱团发展的调研报告"
    found = find_initiatives(title + "\n\n全旗已有7个苏木镇组建了党建联盟，成员单位96家。", title)
    assert {m.name for m in found} == {"党建联盟"}


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


def test_an_occurrence_inside_another_quoted_name_is_no_mention():
    text = "推行“兴安红”驿站建设。从中评选出“兴安红旗手”书记60名。"
    found = find_initiatives(text)
    assert [(text[m.start:m.end], m.name) for m in found] == [("兴安红", "兴安红"), ("驿站", "兴安红")]


def test_a_unit_the_lexicon_knows_is_a_programme_only_where_presented_as_one():
    from etl.initiatives import KNOWN, STRONG

    launched = find_initiatives("全旗共设立党员中心户109户，每户联系牧户10户。")
    assert [m.rank for m in launched] == [STRONG]
    mentioned = find_initiatives("把护边员、党员中心户、民警编入同一网格。")
    assert [m.rank for m in mentioned] == [KNOWN]


def test_a_short_form_of_a_longer_name_is_that_name():
    text = "某旗探索“联村共建”模式，把资金集中起来。目前共建项目总投资800万元。党员也要“共建”。"
    found = find_initiatives(text)
    assert {m.name for m in found} == {"联村共建"}


def test_a_known_unit_is_not_a_short_form_of_its_kinds():
    text = "推行楼栋党员中心户制度，全市选树党员中心户3000户。"
    assert "党员中心户" in {m.name for m in find_initiatives(text)}


def test_a_verb_and_a_unit_named_again_and_again_is_the_unit():
    text = ("（二）组建党建联合体，握指成拳\n全旗组建党建联合体23个。计划新组建党建联合体5个以上。")
    assert {m.name for m in find_initiatives(text)} == {"党建联合体"}


def test_a_short_form_of_one_part_of_a_compound_name_is_that_part():
    text = "推行“党员示范户+庭院经济”模式。“示范户”成了“领头羊”。全旗党员示范户户均增收5200元。"
    names = [m.name for m in find_initiatives(text)]
    assert names[0] == "党员示范户+庭院经济" and set(names[1:]) == {"党员示范户"}


def test_a_name_the_text_gives_people_as_a_nickname_is_no_programme_even_in_the_headline():
    text = ("奈曼旗：老旧小区来了“红管家”\n\n大沁他拉镇推行“红色物业”。各小区推选党员骨干担任楼栋长，全镇共412名，"
            "居民们亲切地称他们“红管家”。")
    assert {m.name for m in find_initiatives(text, "奈曼旗：老旧小区来了“红管家”", 15)} == {"红色物业"}


def test_a_quoted_first_word_used_bare_is_the_longer_names_short_form():
    from pathlib import Path

    text = (Path(__file__).parent / "fixtures/genre/320_chifeng_aohan_weixin.txt").read_text(encoding="utf-8-sig")
    found = find_initiatives(text)
    bare = [m for m in found if text[m.start:m.end] == "头雁"]
    assert bare and {m.name for m in bare} == {"头雁领航"}
    # …but not a name the text gives a programme word of its own (“河套先锋”党建品牌 beside 河套先锋大讲堂)
    text = "以“河套先锋”党建品牌为引领，开办“河套先锋大讲堂”。"
    assert {m.name for m in find_initiatives(text)} == {"河套先锋", "河套先锋大讲堂"}


def test_a_quoted_name_before_a_described_unit_names_that_unit():
    text = "市委组织部组建“同心国门”口岸党建联盟。目前，联盟成员单位已达23家。全市各类党建联盟已有46个。"
    found = find_initiatives(text)
    got = [(text[m.start:m.end], m.name) for m in found]
    assert got[:2] == [("同心国门", "同心国门"), ("党建联盟", "同心国门")]
    assert got[-1] == ("党建联盟", "党建联盟")  # the unit in general (全市各类党建联盟) stays the unit


def test_a_column_label_before_a_bar_is_not_the_headlines_programme():
    title = "国门党旗红丨口岸联盟聚合力"
    names = {m.name for m in find_initiatives(title + "\n\n正文。", title)}
    assert not any("丨" in n or n.startswith("国门党旗红") for n in names)


@pytest.mark.parametrize("text,expected", [
    # a launching verb with 的 (the one they rolled out), a colloquial 搞了个, a brand 打出
    ("这就是苏木党委前年推开的“草场轮牧互助组”。", ["草场轮牧互助组"]),
    ("街道去年还搞了个“楼栋议事员”，专门收集意见。", ["楼栋议事员"]),
    ("镇里统一打出“塞外农家”的招牌，民宿增至18家。", ["塞外农家"]),
    # 采取 introduces a method; a composed formula it introduces (a training's format) stays a description
    ("宝龙山镇采取“联村共建”方式，共同出资380万元。", ["联村共建"]),
    ("培训班采取“课堂讲授+现场观摩”的方式进行。", []),
    # a launching verb, a count, then a headed name the text refers back to by its head noun
    ("镇里组建了3支党员农技服务队，去年服务队上门指导200多户。", ["党员农技服务队", "党员农技服务队"]),
    ("组建了２６支党员治沙突击队，三年来，突击队累计参与造林治沙18.5万亩。", ["党员治沙突击队", "党员治沙突击队"]),
    ("乡党委在经营户中培育党员示范户26户，由示范户牵头制定服务标准。", ["党员示范户", "党员示范户"]),
    # a chain of steps is a practice; a chain of tiers (社区党委—网格党支部—楼栋党小组) is not
    ("全面推行“接单—派单—办结—回访”闭环机制，简单问题2小时内响应。", ["接单—派单—办结—回访"]),
    ("构建“社区党委—网格党支部—楼栋党小组”组织体系，划分网格57个。", []),
    # a campaign's follow-up review and a standard joint meeting are no programmes of their own
    ("对全市网格开展了一次“回头看”，核定网格1200个。", []),
    ("社区牵头物业企业建立联席会议制度，诉求2小时内响应。", []),
    ("建立村集体经济项目储备库，推动更多村迈上新台阶。", []),  # an economic category, not a project's name
    # ways the text counts off by name (第一条是“…”), and a rule named by its numbers (“532”分配办法)
    ("做法有两条。第一条是“联村共富”。第二条是“企村结对”。", ["联村共富", "企村结对"]),
    ("村里定了“532”收益分配办法：50%用于再生产。", ["532"]),
    ("收入增长了“15%”左右。", []),
    # a practice named like an honour (“文明积分”管理) is a programme; the honour itself (“文明户”) is not
    ("全旗在161个行政村推行“文明积分”管理。", ["文明积分"]),
    ("评出“文明户”126户。", []),
    # what people call someone (管这些党员叫“…”) is a nickname
    ("牧民们半开玩笑地管这些党员叫“草原上的岗哨”，一共46人。", []),
    # a grade of an assessment is no programme
    ("评定“优秀”等次61名、“基本称职”等次5名。", []),
    # a campaign of study is named by what it studies: the whole phrase
    ("深入开展党史学习教育，全镇386名党员参学。", ["党史学习教育"]),
    ("“绿野蘑香”产业园的30栋大棚已全部投产。", ["绿野蘑香"]),
    # what a quoted name has become says what it is (but becoming the norm is no programme)
    ("“周末夜谈”已经成了镇村干部的规定动作，群众诉求当场记下。", ["周末夜谈"]),
    ("“少跑一趟路”成了常态。", []),
    # a common word pointed back to by a demonstrative is emphasis, though a count follows
    ("志愿者把送药、修灯这些“小事”办了1200余件。", []),
    # a dictionary word in quotes with only a count near it is a metaphor; a coined name is a name
    ("清理楼道里的“蜘蛛网”电线2000多米，居民拍手叫好。", []),
    ("“暖心小屋”已有26处，冬天供应热水。", ["暖心小屋"]),
    # a composed name (X+Y) is a description unless launched or named alone in a headline
    ("群众都说，“党建+合作社”让日子有了奔头。", []),
    # people counted under a role's name (9名“红色管家”), a role people take on (担任“田秀才”): programmes
    ("村里由9名“红色管家”轮流值守。", ["红色管家"]),
    ("镇里选派12名技术骨干担任“田秀才”，每月进院授课。", ["田秀才"]),
    ("大家都叫他“田秀才”，种了20亩桔梗。", []),
    # a quoted word that says what kind of problem is no programme; a mediation room named so is
    ("联盟收集通关“堵点”问题64个。", []),
    ("乡里设立“驿调和”矛盾纠纷调解室，化解纠纷31起。", ["驿调和"]),
    # an app a programme launches is the programme; a tool people use is not
    ("街道上线“格事速办”小程序，受理居民诉求2637件。", ["格事速办"]),
    ("通过“学习强国”视频会议功能组织学习12次。", []),
    ("镇党委把“红色网格”作为抓手，将18个社区细分为236个网格。", ["红色网格"]),
    # a quoted name the text elsewhere writes with a programme word right after it is that programme
    ("每年秋天各小区都办一回“睦邻节”。去年举办睦邻节活动45场。", ["睦邻节", "睦邻节"]),
    ("大家都盼着“团圆饭”。", []),
    # a quoted manner before the verb it qualifies (“一对一”开展帮扶) is no name with its programme word
    ("两地12个街道与20个村结成对子，“一对一”开展帮扶。", []),
    ("全旗实施“双带头人”培育工程，储备人才300余名。", ["双带头人"]),
    # people recruited into a role the programme sets up (招募“…”, 选派“…”)
    ("街道面向商户招募“邻里伙伴”，已有40家单位签约。", ["邻里伙伴"]),
    # a place's short name (简称“…”), a metaphor's vehicle noun, a word that qualifies a noun: no programmes
    ("巴彦浩特镇（简称“巴镇”）是阿拉善左旗的政府所在地，“巴镇”辖12个社区。", []),
    ("党建“红色引擎”带动全镇18个村增收。", []),
    ("把诊疗送到牧民“家门口”的卫生室，全年接诊3000余人次。", []),
    ("全镇推行“红色引擎”工程，覆盖党员300余名。", ["红色引擎"]),
    # a tier formula the lexicon knows as a brand (“三级联动”) is the brand only where it is named as one
    ("通过建立旗委、街道党工委、社区党组织三级联动体系,确保诉求快速响应。", []),
    # a quoted slogan with an ASCII comma inside is speech, not a name
    ("镇党委开展“以全会精神为指引,全力推进乡村振兴”主题宣讲12场。", []),
    # a state things come to (形成“一家亲”) is no programme; a campaign named by who goes where is one
    ("推动社区与驻区单位形成“一家亲”，共建项目40个。", []),
    ("今年全旗累计开展机关干部进嘎查活动320次。", ["机关干部进嘎查"]),
    # the problem a programme fixes (填补“…”, 出现了不少“…”) and what is done for someone (为…“保驾护航”) are no names
    ("牧区党建一度出现了不少“空白带”，全盟嘎查856个。", []),
    ("填补“空白带”，全盟设立中心户1200户。", []),
    # what people receive (领到春节“…”) is no programme; a quoted thing counted by its area (种起了30亩“…”) is one
    ("村民领到春节“暖心礼包”，全村共有900人。", []),
    ("支部带头种起了30亩“先锋示范田”，亩产提高两成。", ["先锋示范田"]),
    # a programme word inside the quotes says as much as one after them, a numbered name too (“四心工作法”)
    ("嘎查以“邻里互助、守望相助”的“四心工作法”为抓手，推动服务下沉。", ["四心工作法"]),
    # a crop's variety is no programme
    ("种植户今年种了650亩“金苗K1”品种的谷子。", []),
    # the role a metaphor plays (“…”的作用) is no programme
    ("发挥支部、协会和党员“三驾马车”的作用，带动牧户80户。", []),
    # the plan a notice issues names its campaign, without the issuing place and the word 方案
    ("经旗人民政府同意，现将《科右前旗牧区人居环境整治提升行动方案（2026—2028年）》印发给你们。",
     ["牧区人居环境整治提升行动"]),
])
def test_programme_evidence_by_the_grammar_around_a_quoted_name(text, expected):
    assert [m.name for m in find_initiatives(text)] == expected


def test_alliances_of_a_kind_refer_back_to_the_articles_own_alliance():
    text = ("旗委组织部推行“煤村同行”党建联盟。目前全旗已组建片区联盟12个，每个片区联盟由1名镇领导任盟长。")
    got = [(text[m.start:m.end], m.name) for m in find_initiatives(text)]
    assert {name for _w, name in got} == {"煤村同行"}


def test_a_composed_name_a_headline_quotes_alone_is_the_reports_programme():
    title = "——科尔沁区两个苏木“党建+护林”见闻"
    found = find_initiatives(title + "\n\n两地合力完成补植补造1.2万亩。", title)
    assert [(m.name, m.how) for m in found] == [("党建+护林", "headline")]


def test_a_quoted_names_unit_with_a_word_of_kind_between_is_that_names_not_an_earlier_programmes():
    text = ("“驼峰”志愿服务队是全盟叫响的另一个品牌。已有4300余名党员编入服务队。\n\n额济纳旗：“界碑卫士”守边护民\n\n"
            "旗委依托边境苏木嘎查党组织，组建“界碑卫士”护边服务队14支，选聘牧民护边员236名。")
    found = find_initiatives(text)
    got = [(text[m.start:m.end], m.name) for m in found]
    assert got[-1] == ("服务队", "界碑卫士")  # not the 驼峰 team's 服务队 named before


def test_a_quoted_short_form_of_a_unit_the_lexicon_knows_is_that_unit():
    title = "326户党员中心户，守住草原深处的“家门口”"
    text = title + "\n\n牧民们说，草原上最亲的，就数嘎查的“中心户”。\n\n全旗已设立党员中心户326户，其中由女党员担任中心户的不到三成。"
    names = [(text[m.start:m.end], m.name) for m in find_initiatives(text, title)]
    assert ("中心户", "中心户") not in names and ("中心户", "党员中心户") in names


def test_a_headlines_unquoted_name_is_taken_without_the_place_it_starts_with():
    title = "关于扎鲁特旗党员中心户参与村级治理情况的调研报告"
    found = find_initiatives(title + "\n\n全旗共设立党员中心户1120户。", title)
    assert {m.name for m in found} == {"党员中心户"}


def test_a_kind_word_right_after_a_quoted_name_is_that_names_and_points_back_to_it():
    # “滦源红驿”党群驿站: what kind of thing the quoted name is, not a second programme; 驿站 later is the name's
    title = "县委组织部关于“滦源红驿”党群驿站运行情况的通报"
    text = (title + "\n\n全县把“滦源红驿”党群驿站作为服务群众的阵地。全县建成“滦源红驿”党群驿站21处，"
            "两级驿站网络基本成形。上半年，各驿站累计开展服务1860余场次。")
    got = [(text[m.start:m.end], m.name) for m in find_initiatives(text, title)]
    assert {name for _w, name in got} == {"滦源红驿"} and ("驿站", "滦源红驿") in got



@pytest.mark.parametrize("text,expected", [
    # the article's one brand of a unit: the unit, wherever named, is the brand
    ("开鲁县：“椒香联盟”串起红干椒产业链 12个党建联合体带动2万户\n\n县里组建“椒香联盟”党建联合体。"
     "截至5月底，全县已组建联合体12个。", {"党建联合体": "椒香联盟", "联合体": "椒香联盟"}),
    # …not a brand named once in one section of a round-up, nor “X”和 the unit, nor a method named after the unit
    ("全区各地见闻\n\n某旗组成“沙海绿洲”党建联合体。全区已组建党建联合体214个。", {"党建联合体": "党建联合体"}),
    ("各镇\n\n各镇“红色网格”和党员中心户建设情况见表。表1 重点镇“红色网格”和党员中心户。全县设立党员中心户2140户。",
     {"党员中心户": "党员中心户"}),
    ("全盟：“驼乡先锋”党员中心户工作法提质扩面\n\n全盟推行“驼乡先锋”党员中心户工作法，现有党员中心户946户。",
     {"党员中心户": "党员中心户"}),
])
def test_an_articles_one_brand_of_a_unit_is_the_unit(text, expected):
    title = text.split("\n")[0]
    found = find_initiatives(text, title)
    last = {text[m.start:m.end]: m.name for m in found}
    for word, name in expected.items():
        assert last[word] == name


def test_a_quoted_name_a_section_heading_opens_with_is_a_programme():
    text = ("▌社区合伙人　激活“一池春水”\n\n海南区还把驻区单位和商户请进来当“社区合伙人”。"
            "目前全区已有126家驻区单位、商户成为“社区合伙人”。")
    assert {m.name for m in find_initiatives(text)} == {"社区合伙人"}
    # (the same quoted role with no heading naming it is no programme)
    assert find_initiatives(text.split("\n\n", 1)[1]) == []


def test_a_compound_naming_a_unit_with_another_is_no_instance_of_the_unit():
    # “网格+党员中心户”治理模式 combines the grid with the unit: 党员中心户 named on its own stays the unit
    text = "镇党委推行“网格+党员中心户”治理模式，划分网格215个。各村从党员中择优确定党员中心户四百余户。"
    got = [(text[m.start:m.end], m.name) for m in find_initiatives(text)]
    assert ("党员中心户", "党员中心户") in got


def test_a_numbered_heading_that_launches_a_name_the_body_names_again():
    text = "汇报材料\n\n（二）推行村企联建，让集体经济“壮起来”\n\n镇党委牵头与辖区12家乳品企业签订村企联建协议。"
    assert {m.name for m in find_initiatives(text, "汇报材料")} == {"村企联建"}
    # (named once, in the heading only: not enough)
    assert find_initiatives("汇报材料\n\n（二）推行村企联建，让集体经济“壮起来”\n\n镇党委牵头与企业签订协议。", "汇报材料") == []


def test_a_quoted_names_headed_kind_named_bare_later_is_the_name():
    title = "“乳都先锋”品牌"
    text = (title + "\n\n（三）打造“乳都先锋”服务驿站，把服务送到奶站旁\n\n镇里建成“乳都先锋”服务驿站14处。\n\n"
            "力争年内新建服务驿站6处。")
    got = [(text[m.start:m.end], m.name) for m in find_initiatives(text, title)]
    assert ("服务驿站", "乳都先锋") in got and ("服务驿站", "服务驿站") not in got


def test_a_kicker_and_a_headed_short_form_name_the_posts_programme():
    title = "把服务送进牧区深处"
    text = ("🔥【草原红管家】\n\n1370名党员“背包上路”\n\n" + title + "\n\n旗委组织部在全旗推开“草原红管家”服务机制。"
            "全旗已组建红管家服务队156支。")
    found = find_initiatives(text, title, text.index(title) + len(title))
    got = [(text[m.start:m.end], m.name) for m in found]
    assert got[0] == ("草原红管家", "草原红管家") and ("红管家服务队", "草原红管家") in got


def test_a_description_of_a_unit_does_not_hide_the_unit_named_bare():
    # 跨镇党建联合体 describes the unit; the table's 党建联合体（个） column is still the unit's
    text = ("各镇组建村级党建联合体，各镇推进情况见表1。\n\n表1  各镇村级党建联合体建设情况\n\n镇 | 党建联合体（个）\n陕坝镇 | 5\n\n"
            "下一步，计划再组建跨镇党建联合体5个。")
    got = [(text[m.start:m.end], m.name) for m in find_initiatives(text)]
    assert ("党建联合体", "党建联合体") in got[:3]


def test_a_pairing_the_article_names_again_and_again_is_its_programme():
    # 结对 / 联建 / 共建: the way two parties are paired, named by who is paired (its 对 is no preposition)
    text = ("——全旗45个校企结对带活职业教育\n\n校企结对是两地协作的重点。目前全旗校企结对已有45个，"
            "培训学员1200人。下一步将把校企结对和人才培养捆在一起考核。")
    assert {m.name for m in find_initiatives(text)} == {"校企结对"}


@pytest.mark.parametrize("headline,expected", [
    # a verb and its result before a headline's name (建强…, 做实…) is not part of the name
    ("乌审旗：建强马背夜校 牧民学得会\n\n全旗开课120期。", "马背夜校"),
    # a count inside a headline's phrase makes it a description (两个社区工作法), not a name
    ("首府三个社区工作法入选全国百优\n\n玉泉区三个社区上榜。", None),
])
def test_a_headlines_unquoted_name_without_its_verb_or_a_count(headline, expected):
    names = {m.name for m in find_initiatives(headline, head_end=headline.index("\n"))}
    assert (expected in names) if expected else not any("工作法" in n for n in names)


def test_a_numbered_formula_a_headline_opens_with_is_its_programme():
    # 南村：“四个先行”拓宽…: the headline's subject, though shaped like a numbered formula (but 做到“两个维护”)
    text = "东村：“三个优先”铺就致富路\n\n东村以“三个优先”推动发展，共辖5个自然村。"
    assert {m.name for m in find_initiatives(text, head_end=text.index("\n"))} == {"三个优先"}
    text = "全旗上下坚决做到“两个维护”\n\n全旗组织学习120场。"
    assert not find_initiatives(text, head_end=text.index("\n"))


def test_what_a_headline_does_for_someone_is_no_programme():
    text = "开鲁县为嘎查村集体经济“保驾护航”\n\n全县180个村集体经济收入超过10万元。"
    assert not find_initiatives(text, head_end=text.index("\n"))


def test_a_word_of_the_dictionary_after_a_verb_of_figurative_speech_is_a_metaphor_even_in_a_headline():
    # 谱写“三部曲”: a figure of speech, not the name of what the report is about; a launching verb still names one
    title = "巴音嘎查：谱写“三部曲” 牧民日子越过越红火"
    assert find_initiatives(title + "\n\n近年来，嘎查牧民年收入增长两成，谱写了发展“三部曲”。", title) == []
    title = "答好“发展题” 亮出“成绩单”"  # a report card shown: a figure of speech
    assert find_initiatives(title + "\n\n全镇嘎查村集体经济收入都超过了50万元。", title) == []
    title = "巴音嘎查：打造“三部曲” 牧民日子越过越红火"
    assert [m.name for m in find_initiatives(title + "\n\n近年来，嘎查牧民年收入增长两成。", title)] == ["三部曲"]
