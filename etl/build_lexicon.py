"""Write the curated reference lexicons: programmes (initiatives.csv), indicators (indicators.csv),
partner regions outside Inner Mongolia (partner_regions.csv), canonical measures (measures.csv) and unit
synonyms (unit_synonyms.csv).

Run ``python -m etl.build_lexicon`` after editing the rows below; the CSVs in data/reference/ are
committed and read at run time. Every row says where it came from in its ``source`` column:

* ``seed:内蒙古日报2024-01`` — named in the bundled newspaper page (data/raw/);
* ``genre`` — programme names that recur in Inner Mongolia party-building reporting
  (organisation departments' brands and national campaigns), written down by the maintainers;
* ``stop`` — quoted words of the genre that look like programme names but are not.

The extractor also finds programmes that are not listed here (a quoted name followed by 工程, 模式,
活动, 行动, 机制, 工作法, 项目…), so this list is for canonical names, aliases, and names that
appear without quotes.
"""
from __future__ import annotations

import csv
import io

from .paths import REFERENCE_DIR

# name, aliases ("|"-separated), kind, source
INITIATIVES: list[tuple[str, str, str, str]] = [
    ("三减三优", "", "工作模式", "seed:内蒙古日报2024-01"),
    ("聚力固边", "", "党建品牌", "seed:内蒙古日报2024-01"),
    ("聚力工程", "", "工程", "seed:内蒙古日报2024-01"),
    ("强基工程", "", "工程", "seed:内蒙古日报2024-01"),
    ("固边工程", "", "工程", "seed:内蒙古日报2024-01"),
    ("送学上门", "", "活动", "seed:内蒙古日报2024-01"),
    ("三事三制", "", "社区治理工作法", "seed:内蒙古日报2024-01"),
    ("红色小马甲", "", "志愿服务", "seed:内蒙古日报2024-01"),
    ("感党恩、听党话、跟党走", "感党恩听党话跟党走", "主题宣讲", "seed:内蒙古日报2024-01"),
    ("三级联动", "", "帮办代办服务体系", "seed:内蒙古日报2024-01"),
    ("北疆先锋", "", "党建品牌", "genre"),
    ("红色物业", "", "社区治理", "genre"),
    ("五化协同", "", "基层党建", "genre"),
    ("京蒙协作", "京蒙帮扶", "东西部协作", "genre"),
    ("草原书屋", "", "文化服务", "genre"),
    ("红色家访", "", "活动", "seed:内蒙古日报2024-01"),
    ("敲门行动", "", "活动", "seed:内蒙古日报2024-01"),
    # Programmes of the genre that reports name without quotes (counted: 全旗共设立党员中心户109户); seen in
    # real published pages (锡林郭勒盟's 党员中心户 since 2005; 党建联合体 across the region). Kind "unit": what a
    # programme sets up and counts; it is the programme of the numbers around it only where the text
    # launches or names it as one (设立党员中心户…, “党员中心户”工作), not where it is a part of another.
    ("党员中心户", "", "unit", "genre:real pages"),
    ("党建联合体", "", "unit", "genre:real pages"),
    # the same unit under its other common name (口岸党建联盟, 跨嘎查党建联盟: real pages of 二连浩特, 达茂旗)
    ("党建联盟", "", "unit", "genre:real pages"),
    ("红色驿站", "", "unit", "genre:real pages"),
    # village-owned companies (村里注册成立强村公司): a model spread nationwide, named without quotes
    ("强村公司", "", "unit", "genre: the 强村公司 model"),
    ("一村一品", "", "产业发展", "genre:real pages"),
    # a national programme the genre names in passing (在职党员到社区“双报到”), often with no launching verb
    # near it (real pages: northnews.cn 鄂温克旗, bynesrmtzx.cn 五原县 2023-08)
    ("双报到", "", "党员进社区", "genre:real pages"),
    # Standard institutions every place has: never a programme unless the text names one of its own
    # (“北疆先锋”党群服务中心 → 北疆先锋). Noun phrases ending in these are descriptions.
    *[(name, "", "generic", "standard institution") for name in (
        "党支部", "党组织", "党委", "党总支", "党小组", "党群服务中心", "党群服务站", "党员活动室", "村委会", "居委会",
        "嘎查委员会", "村民委员会", "合作社", "股份经济合作社", "网格", "新时代文明实践站", "新时代文明实践所",
        "新时代文明实践中心", "志愿服务队", "卫生室", "卫生院", "警务室", "调解室", "调解委员会", "便民服务站",
        "便民服务中心", "服务站", "服务中心", "活动室", "幼儿园", "养老院", "敬老院", "农家书屋", "乌兰牧骑",
        "联席会议", "联席会议制度", "集体经济", "村集体经济", "嘎查村集体经济", "村级集体经济")],
    # Quoted words of the genre that are not programmes.
    ("一肩挑", "", "not_initiative", "stop"),
    ("两委", "", "not_initiative", "stop"),
    ("两代表一委员", "", "not_initiative", "stop"),
    ("一站式服务", "一站式", "not_initiative", "stop"),
    ("一刀切", "一竿子插到底", "not_initiative", "stop"),
    ("明白卡", "", "not_initiative", "stop"),
    ("乡音乡语", "", "not_initiative", "stop"),
    ("三大工程", "", "not_initiative", "stop"),
    ("三位一体", "", "not_initiative", "stop"),
    ("金点子", "", "not_initiative", "stop"),
    ("一号工程", "头号工程|一把手工程", "not_initiative", "stop"),
    ("不必要", "误会", "not_initiative", "stop"),
    # stock phrases the genre puts in quotes for emphasis (打通服务群众“最后一公里”)
    ("最后一公里", "最后一米|最后一百米", "not_initiative", "stop"),
    ("主心骨", "桥头堡|压舱石|定盘星|金钥匙|连心桥|顶梁柱", "not_initiative", "stop"),
    ("急难愁盼", "急难愁盼问题|心头事|烦心事|关键小事", "not_initiative", "stop"),
    ("十四五", "十三五|十五五|十二五", "not_initiative", "stop: five-year plan periods"),
    # a follow-up review any campaign has (对网格开展了一次“回头看”): not a programme of its own
    ("回头看", "", "not_initiative", "stop: a campaign's follow-up review"),
    # the five goals of rural revitalisation (the national policy's wording), which pages quote one by one
    # (以“产业兴旺”为重点, 实现“治理有效”): goals, not a programme (real pages RP14, RP17)
    ("产业兴旺", "生态宜居|乡风文明|治理有效|生活富裕", "not_initiative", "stop: national policy goals"),
]

# indicator, zh label, keywords ("|"-separated, matched in the subject and the words before the number)
INDICATORS: list[tuple[str, str, str]] = [
    ("volunteers", "志愿者", "志愿者|志愿服务人员|小马甲|小管家|护边员|服务队员|队员|宣讲员"),
    ("cadres", "干部", "书记|干部|带头人|工作人员|服务人员|指导员|网格员|网格长|专干|负责人|第一书记|村官|代办员|帮办员|调解员|人才|民警|讲师"),
    ("party_members", "党员", "党员|入党积极分子|老党员"),
    ("requests", "群众诉求", "诉求|民情|民意|问题|矛盾|纠纷|意见|建议|心愿|需求|困难|办结率|解决率|化解率|成功率|急难愁盼|异常情况|案件|解决"),
    ("income", "收入", "收益|收入|增收|分红|补贴|工资|营业额|产值|销售额|可支配收入|挣|销售|采购"),
    ("funding", "资金", "资金|投入|投资|援助|帮扶资金|拨付|筹集|捐款|经费|捐物"),
    ("infrastructure", "基础设施", "路面|道路|公路|柏油路|硬化|设施|场所|用房|广场|通道|管网|路灯|房屋|活动室|服务站|服务中心|党群服务中心|驿站|哨所|大棚|车|车辆|基地|家园|阵地|服务面积|服务点|功能区|食堂|指挥中心|书屋|爱心超市"),
    ("events", "活动", "活动|宣讲|党课|会议|场次|讲座|演出|主题党日|议事会|座谈会|恳谈会|巡查|巡逻|夜巡|巡边"),
    ("training", "培训", "培训|轮训|学习|教育|课程|学员|夜校|课堂"),
    ("services", "服务", "窗口|事项|服务|代办|帮办|便民|实事|行程|办件|跑腿|跑路"),
    ("organisations", "组织", "联合体|党组织|党支部|支部|党委|党小组|合作社|站点|工作室|联盟|协会|小分队|服务队|成员单位|小组|队"),
    ("projects", "项目", "项目|工程|示范带|示范点|示范村|示范嘎查"),
    ("households", "户数", "户|家庭|脱贫户|养殖户|农户|示范户"),
    ("people_reached", "受众人数", "受众|听众|群众|居民|人群|人次|观众|参与|受益|服务对象|农牧民|牧民|村民|老年人|粉丝"),
    ("environment", "自然条件", "气温|温度|边境线|草原|草场|降雪|面积|种植面积|距离"),
    ("other", "其他", "民族|居民小区|小区|网格|人口|企业|模式|满意度|比例|占比"),
]


# Canonical measures (etl.measures): what a number counts, named once, with the phrasings different writers
# use for it. A synonym is matched as the head (end) of the counted phrase and replaced by the canonical
# name, the words before it kept (嘎查党群服务站 → 嘎查党群服务中心, 受理诉求 → 受理群众诉求); the longest
# synonym wins. ``units`` ("|"-separated, empty: any) restricts an entry to numbers in those units (面积 in
# 平方公里 is a region's area, 服务面积 in 平方米 is not). ``indicator`` is the measure's indicator: every
# fact whose measure ends in this name gets it, so one measure never has two indicators.
#   source: issue12 — named in issue 12; tuning — phrasings of the tuning reports (tests/fixtures/genre,
#   never the held-out ones); genre — common in published party-building reports.
# canonical, synonyms, indicator, units, source
MEASURES: list[tuple[str, str, str, str, str]] = [
    ("党群服务中心", "党群服务站点|党群服务站|党群服务中心（站）|党群服务中心(站)|党群服务阵地", "infrastructure",
     "个|处|座|家|间", "issue12"),
    ("党员中心户", "党员示范户|党员中心户户|中心户", "party_members", "户|人|个", "issue12"),
    ("宣讲受众", "受众|听众|宣讲听众|受众人群|宣讲受众人群|听众人数", "people_reached", "人|人次", "issue12"),
    ("边境线", "边境线长|边境线长度|边境线总长|国境线|边界线", "environment", "公里|米", "tuning"),
    ("总面积", "面积|旗域面积|盟域面积|市域面积|县域面积|辖区面积|国土面积|行政区域面积|区域面积|土地总面积",
     "environment", "平方公里", "tuning"),
    ("气温", "室外气温|温度|室外温度|气温降至|气温降到", "environment", "°C", "tuning"),
    ("常住人口", "常住人口数|常住居民", "other", "人", "tuning"),
    ("户籍人口", "户籍人口数", "other", "人", "tuning"),
    ("网格", "网格单元|服务网格", "other", "个", "tuning"),
    ("网格员", "网格管理员|网格服务员|网格员队伍", "cadres", "人", "tuning"),
    ("护边员", "护边队员|边境护边员|义务护边员|护边员队伍", "volunteers", "人", "tuning"),
    ("志愿者", "志愿服务人员|志愿者人数|志愿者队伍", "volunteers", "人", "genre"),
    ("党员", "党员人数|名党员", "party_members", "人", "genre"),
    ("驻村第一书记", "第一书记|驻嘎查村第一书记|驻村书记", "cadres", "人", "tuning"),
    ("驻村工作队员", "工作队员|驻村干部", "cadres", "人", "tuning"),
    ("党组织", "基层党组织", "organisations", "个|家", "genre"),
    ("党建联合体", "党建联合体数", "organisations", "个", "genre"),
    ("红色驿站", "红色驿站服务点", "infrastructure", "个|处|座", "tuning"),
    ("群众诉求", "诉求|民情诉求|居民诉求|各族群众诉求|群众反映的问题", "requests", "件|条|个|起", "tuning"),
    ("满意度", "满意率", "other", "%", "tuning"),
    ("农村牧区常住居民人均可支配收入", "农村牧区居民人均可支配收入|农村居民人均可支配收入|农牧民人均可支配收入|"
     "农村常住居民人均可支配收入|农村牧区人均可支配收入", "income", "元", "genre"),
    ("城镇常住居民人均可支配收入", "城镇居民人均可支配收入", "income", "元", "genre"),
    ("户均增收", "户均收入增加|户均增加收入", "income", "元", "tuning"),
    ("京蒙协作项目", "协作项目|东西部协作项目|京蒙帮扶项目", "projects", "个", "tuning"),
    ("京蒙协作资金", "协作资金|财政援助资金|京蒙协作财政援助资金|京蒙协作援助资金", "funding", "元", "tuning"),
    ("议事会", "议事协商会|议事会议", "events", "场|次|场次", "tuning"),
    ("议定事项", "议定的事项", "requests", "项|件", "tuning"),
    ("代办事项", "代办的事项|代办服务事项|代办", "services", "件|项", "tuning"),
    ("志愿服务时长", "志愿服务|志愿服务总时长", "services", "小时", "tuning"),
    # in this genre a success rate is a mediation's: 调解成功率, 纠纷调解成功率, 化解成功率
    ("调解成功率", "成功率|纠纷调解成功率|矛盾纠纷调解成功率|化解成功率", "other", "%", "tuning"),
    ("服务群众", "服务居民|服务各族群众", "people_reached", "人次|人", "tuning"),
    ("书记主任一肩挑比例", "一肩挑比例|主任一肩挑比例|书记主任一肩挑比例|嘎查委员会主任一肩挑比例|村委会主任一肩挑比例|"
     "村民委员会主任一肩挑比例|居委会主任一肩挑比例", "other", "%", "tuning"),
    ("年收益", "年均收益", "income", "元", "tuning"),
    # a village's collective economy is the only collective economy of the genre, and a region's total of it is
    # the same measure: 村级/嘎查村/嘎查 集体经济(总)收入, 集体经济收入总额
    ("集体经济收入", "村级集体经济收入|嘎查村集体经济收入|村集体经济收入|嘎查集体经济收入|集体经济总收入|"
     "村级集体经济总收入|嘎查村集体经济总收入|村集体经济总收入|嘎查集体经济总收入|集体经济收入总额|"
     "村级集体经济收入总额|嘎查村集体经济收入总额", "income", "元", "genre"),
    # roles of residents who look after their neighbours (十户一长, 联户): volunteers, not households
    ("联户长", "", "volunteers", "人", "genre"),
    ("十户长", "", "volunteers", "人", "genre"),
    ("红色管家", "红管家", "volunteers", "人", "tuning"),
]

# Partner regions outside Inner Mongolia that the genre names without their province: the 16
# districts of Beijing, Inner Mongolia's partner in 东西部协作 (京蒙协作) — 北京市丰台区 is often
# written 丰台区 alone. Their figures belong to no league. Source: 民政部 2025 行政区划 (北京市市辖区).
PARTNER_REGIONS: list[tuple[str, str, str]] = [
    (name, "北京市", "民政部2025:北京市市辖区")
    for name in ("东城区", "西城区", "朝阳区", "丰台区", "石景山区", "海淀区", "门头沟区", "房山区", "通州区",
                 "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区")
]


# Unit synonyms: measure words that count the same thing, so sums never split a measure by how a
# writer happened to count it. unit, canonical unit, indicator ("" = every indicator), source.
# Read by etl.units.canonical_unit (ETL and dashboard). Only near-synonyms: 项 (kinds of service
# item) is not 件 (cases handled), 盏 (lamps) is not 个 (centres), 期 (course runs) is not 场次.
UNIT_SYNONYMS: list[tuple[str, str, str, str]] = [
    ("名", "人", "", "genre: 名/位/人 count people (the extractor already writes 人)"),
    ("位", "人", "", "genre: 名/位/人 count people (the extractor already writes 人)"),
    ("人", "人", "", "canonical"),
    ("场", "场次", "", "genre: 开展活动120场/120次/120场次 count sessions alike"),
    ("次", "场次", "", "genre: 开展活动120场/120次/120场次 count sessions alike"),
    ("场次", "场次", "", "canonical"),
    ("条", "件", "requests", "genre: 收集诉求200条 / 办结诉求110件 count the same requests"),
    ("个", "件", "requests", "genre: 解决问题15个 counts requests as 件 do"),
    ("件", "件", "requests", "canonical"),
    ("支", "个", "organisations", "genre: 组建服务队12支 counts organisations as 个 does"),
    ("家", "个", "organisations", "genre: 合作社/成员单位30家 counts organisations as 个 does"),
    ("个", "个", "organisations", "canonical"),
]


def _csv(rows: list[tuple], header: tuple[str, ...]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def main() -> None:
    """Write data/reference/initiatives.csv, indicators.csv, partner_regions.csv, measures.csv and unit_synonyms.csv."""
    REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    (REFERENCE_DIR / "initiatives.csv").write_text(
        _csv(sorted(INITIATIVES, key=lambda r: (r[2] in ("not_initiative", "generic"), r[2] == "generic", r[0])),
             ("name", "aliases", "kind", "source")),
        encoding="utf-8")
    (REFERENCE_DIR / "indicators.csv").write_text(
        _csv(INDICATORS, ("indicator", "label_zh", "keywords")), encoding="utf-8")
    (REFERENCE_DIR / "partner_regions.csv").write_text(
        _csv(PARTNER_REGIONS, ("name", "province", "source")), encoding="utf-8")
    (REFERENCE_DIR / "measures.csv").write_text(
        _csv(MEASURES, ("canonical", "synonyms", "indicator", "units", "source")), encoding="utf-8")
    (REFERENCE_DIR / "unit_synonyms.csv").write_text(
        _csv(UNIT_SYNONYMS, ("unit", "canonical", "indicator", "source")), encoding="utf-8")


if __name__ == "__main__":
    main()
