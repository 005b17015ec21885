"""Tests for etl.quantities.find_quantities: the seed page, genre sentences, traps and speed."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import etl.quantities
from etl.quantities import UNITS, benchmark, find_quantities
from etl.schema import CATEGORIES, QUALIFIERS

SEED = Path(__file__).resolve().parent.parent / "data" / "raw" / "000_6770a73b9caf9553.txt"


def _facts(text: str) -> list[tuple]:
    """Return (text, value, unit, qualifier, per) for each mention in ``text``."""
    return [(m.text, m.value, m.unit, m.qualifier, m.per) for m in find_quantities(text)]


# --- the seed page, read by hand ----------------------------------------------------------------
SEED_EXPECTED = [
    ("零下30摄氏度", -30, "°C", "exact", ""),
    ("5公里", 5, "公里", "exact", ""),
    ("15个", 15, "个", "exact", ""),
    ("40余个", 40, "个", "more", ""),
    ("2个", 2, "个", "exact", ""),
    ("1个", 1, "个", "exact", ""),
    ("13名", 13, "人", "exact", ""),
    ("2423名", 2423, "人", "exact", ""),  # headline
    ("超过五六万", 50000, "元", "range", ""),  # 惠民补贴…我家一年就超过五六万: bare amount ≥ 万, money context
    ("2500平方米", 2500, "平方米", "exact", ""),
    ("2423名", 2423, "人", "exact", ""),  # body
    ("4万多人", 40000, "人", "more", ""),
    ("292元", 292, "元", "exact", "只"),
    ("六种", 6, "种", "exact", ""),
    ("200多条", 200, "条", "more", ""),
    ("110多条", 110, "条", "more", ""),
    ("16个", 16, "个", "exact", ""),
    ("2批次", 2, "批次", "exact", ""),
    ("100余名", 100, "人", "more", ""),
]


@pytest.mark.skipif(not SEED.exists(), reason="seed page missing")
def test_seed_page_exact_set() -> None:
    """The whole seed page yields exactly the hand-read facts, in order."""
    text = SEED.read_text(encoding="utf-8")
    mentions = find_quantities(text)
    assert _facts(text) == SEED_EXPECTED
    for m in mentions:
        assert text[m.start:m.end] == m.text
    five_six = next(m for m in mentions if m.qualifier == "range")
    assert (five_six.value_low, five_six.value_high, five_six.category) == (50000, 60000, "money")


@pytest.mark.skipif(not SEED.exists(), reason="seed page missing")
def test_seed_page_fields() -> None:
    """Spans, categories and classifiers of the seed facts are consistent."""
    text = SEED.read_text(encoding="utf-8")
    mentions = find_quantities(text)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    by_text = {m.text: m for m in mentions}
    assert by_text["13名"].classifier == "名"
    assert by_text["292元"].category == "rate"
    assert by_text["2500平方米"].category == "area"
    assert by_text["零下30摄氏度"].category == "temperature"
    assert by_text["5公里"].category == "length"
    assert by_text["4万多人"].category == "count"
    for m in mentions:
        assert m.category in CATEGORIES
        assert m.qualifier in QUALIFIERS


# --- genre sentences ------------------------------------------------------------------------------
SENTENCES = [
    # a hundred-odd, a thousand-odd: no leading digit, but a definite figure with a qualifier
    ("组织百余名党员", [("百余名", 100, "人", "more", "")]),
    ("收集民情民意千余条", [("千余条", 1000, "条", "more", "")]),
    ("受益群众万余人", [("万余人", 10000, "人", "more", "")]),
    # 期 ends a count when the clause ends (三期工程 is a phase)
    ("举办培训班两百余期。", [("两百余期", 200, "期", "more", "")]),
    # a place-like word after punctuation does not make the number a name
    ("帮扶困难家庭五十七户，村集体经济", [("五十七户", 57, "户", "exact", "")]),
    ("组建服务队七十一支。村“两委”成员", [("七十一支", 71, "支", "exact", "")]),
    ("全市建成服务站400个，其中科左中旗60个、奈曼旗52个",
     [("400个", 400, "个", "exact", ""), ("60个", 60, "个", "exact", ""), ("52个", 52, "个", "exact", "")]),
    ("近200人参加培训", [("近200人", 200, "人", "approx", "")]),
    ("约3000名党员参与", [("约3000名", 3000, "人", "approx", "")]),
    ("超过5万户受益", [("超过5万户", 50000, "户", "more", "")]),
    ("逾千人到场", [("逾千人", 1000, "人", "more", "")]),
    ("受益群众突破10万人", [("突破10万人", 100000, "人", "more", "")]),
    ("每平方公里不足5人", [("不足5人", 5, "人", "less", "平方公里")]),
    ("参会者不到30人", [("不到30人", 30, "人", "less", "")]),
    ("人均增收500元", [("500元", 500, "元", "exact", "人")]),
    ("户均增收2万元", [("2万元", 20000, "元", "exact", "户")]),
    ("亩均增收300元", [("300元", 300, "元", "exact", "亩")]),
    ("每户补贴1000元", [("1000元", 1000, "元", "exact", "户")]),
    ("流转土地补贴500元/亩", [("500元/亩", 500, "元", "exact", "亩")]),
    ("每只羊年收益292元", [("292元", 292, "元", "exact", "只")]),
    ("全旗1.2万余人参加", [("1.2万余人", 12000, "人", "more", "")]),
    ("覆盖3万多户", [("3万多户", 30000, "户", "more", "")]),
    ("筹集资金十余万元", [("十余万元", 100000, "元", "more", "")]),
    ("投资3.5亿元", [("3.5亿元", 350000000, "元", "exact", "")]),
    ("累计投入资金2.3亿元", [("2.3亿元", 230000000, "元", "exact", "")]),
    ("发动9.18万名党员", [("9.18万名", 91800, "人", "exact", "")]),
    ("投入500余万元", [("500余万元", 5000000, "元", "more", "")]),
    ("两三万元的收入", [("两三万元", 20000, "元", "range", "")]),
    ("每村配备10至15个", [("10至15个", 10, "个", "range", "村")]),
    ("每组20-30人", [("20-30人", 20, "人", "range", "")]),
    ("建成十五六个站点", [("十五六个", 15, "个", "range", "")]),
    ("达标率95%", [("95%", 95, "%", "exact", "")]),
    ("满意度达９５％", [("９５％", 95, "%", "exact", "")]),
    ("百分之八十的村", [("百分之八十", 80, "%", "exact", "")]),
    ("同比增长3个百分点", [("3个百分点", 3, "个百分点", "exact", "")]),
    ("下降20%左右", [("20%左右", 20, "%", "approx", "")]),
    ("建设2500平米", [("2500平米", 2500, "平方米", "exact", "")]),
    ("治理3平方公里", [("3平方公里", 3, "平方公里", "exact", "")]),
    ("种植300万亩", [("300万亩", 3000000, "亩", "exact", "")]),
    ("修路12千米", [("12千米", 12, "公里", "exact", "")]),
    ("最高气温35度", [("35度", 35, "°C", "exact", "")]),
    ("气温25℃", [("25℃", 25, "°C", "exact", "")]),
    ("开展活动300余次，", [("300余次", 300, "次", "more", "")]),
    ("累计服务8000人次", [("8000人次", 8000, "人次", "exact", "")]),
    ("覆盖120个村", [("120个", 120, "个", "exact", "")]),
    ("全市共三家企业", [("三家", 3, "家", "exact", "")]),
    ("选派两名党员", [("两名", 2, "人", "exact", "")]),
    ("100人以上", [("100人以上", 100, "人", "more", "")]),
    ("5公里左右", [("5公里左右", 5, "公里", "approx", "")]),
    ("收获300吨粮食", [("300吨", 300, "吨", "exact", "")]),
    ("养殖1万头牛", [("1万头", 10000, "头", "exact", "")]),
    ("收入5块钱", [("5块钱", 5, "元", "exact", "")]),
    ("每年培训200人次", [("200人次", 200, "人次", "exact", "年")]),
    ("目前300人报名", [("300人", 300, "人", "exact", "")]),
    ("覆盖三个村", [("三个", 3, "个", "exact", "")]),
    ("捐款三百元，", [("三百元", 300, "元", "exact", "")]),
    ("筹集十余万元资金", [("十余万元", 100000, "元", "more", "")]),
    ("开展三次，", [("三次", 3, "次", "exact", "")]),
    ("近百名党员", [("近百名", 100, "人", "approx", "")]),
    ("同比下降负3%", [("负3%", -3, "%", "exact", "")]),
    ("气温零下20至零下10度", []),  # a range of negative temperatures is not read: nothing, not half
    ("5千克化肥", [("5千克", 5, "公斤", "exact", "")]),
    ("气温-5℃", [("-5℃", -5, "°C", "exact", "")]),
    ("两米半", [("两米半", 2.5, "米", "exact", "")]),
    ("养了两头牛", [("两头", 2, "头", "exact", "")]),
    ("全区12个盟市、103个旗县", [("12个", 12, "个", "exact", ""), ("103个", 103, "个", "exact", "")]),
    ("百分之百完成", [("百分之百", 100, "%", "exact", "")]),
    ("人均可支配收入达到16800元，高于全区平均水平1100元；",
     [("16800元", 16800, "元", "exact", "人"), ("1100元", 1100, "元", "exact", "人")]),
    ("人均收入3万元，村集体收入50万元", [("3万元", 30000, "元", "exact", "人"), ("50万元", 500000, "元", "exact", "")]),
    ("每个服务点配备服务人员2至3名", [("2至3名", 2, "人", "range", "服务点")]),
    ("开展主题活动400多场次", [("400多场次", 400, "场次", "more", "")]),
    ("总人口约1.2万，", [("约1.2万", 12000, "人", "approx", "")]),  # a population counts people (gold 334, 338)
    ("上百公里", [("上百公里", 100, "公里", "more", "")]),
    ("不到百人", [("不到百人", 100, "人", "less", "")]),
    ("近万人参加", [("近万人", 10000, "人", "approx", "")]),
    ("上千人", [("上千人", 1000, "人", "more", "")]),
    ("二三十个", [("二三十个", 20, "个", "range", "")]),
    ("每亩两三百斤", [("两三百斤", 200, "斤", "range", "亩")]),
    ("一万二千元", [("一万二千元", 12000, "元", "exact", "")]),
    ("4人民币5美元", [("4人民币", 4, "元", "exact", ""), ("5美元", 5, "美元", "exact", "")]),
    ("身高168公分", [("168公分", 168, "厘米", "exact", "")]),
    ("每亩产量500公斤", [("500公斤", 500, "公斤", "exact", "亩")]),
    ("5-10万元", [("5-10万元", 50000, "元", "range", "")]),
    # incidents, devices and scores; per normalised like units
    ("参与调处草场边界纠纷86起", [("86起", 86, "起", "exact", "")]),
    ("矛盾纠纷五百余起", [("五百余起", 500, "起", "more", "")]),
    ("为每名代办员配备了1部工作手机", [("1部", 1, "部", "exact", "人")]),
    ("累计兑换积分12万分，人均积分达到186分", [("12万分", 120000, "分", "exact", ""), ("186分", 186, "分", "exact", "人")]),
    ("每名党员联系3至5户", [("3至5户", 3, "户", "range", "人")]),
    ("每顿饭只花2元钱", [("2元钱", 2, "元", "exact", "顿")]),
    ("每个嘎查村分红30万元以上", [("30万元以上", 300000, "元", "more", "嘎查村")]),
    # a threshold that says what is counted is no fact; "1 or more" is one
    ("年经营性收入10万元以上的村达到45个", [("45个", 45, "个", "exact", "")]),
    ("每季度至少开展1次共驻共建活动", [("1次", 1, "次", "more", "")]),
    ("苏木组建了一支巡护队，二十八个人", [("二十八个人", 28, "人", "exact", "")]),
    ("满意度比全区平均高出8分多。", [("8分多", 8, "分", "more", "")]),
    ("概括起来，主要体现在四个方面：", []),
    # what a survey or a service covers, counted in digits, is a figure
    ("网格员入户彻底摸清5个方面的情况", [("5个", 5, "个", "exact", "")]),
    ("每个网格再配上三五名“红色楼长”", [("三五名", 3, "人", "range", "网格")]),
    ("接单后30分钟内到场处置", [("30分钟内", 30, "分钟", "less", "")]),
    ("我们承诺3个工作日内给居民答复", [("3个工作日内", 3, "个工作日", "less", "")]),
    ("入股资产折合约94万元", [("约94万元", 940000, "元", "approx", "")]),
    # the two people addressed, an old couple, people counted by 口, money named after 块
    ("记者：最后请两位说说明年的打算", []),
    ("留在嘎查的多是五六十岁的老两口", []),
    ("两位老人住在这里", [("两位", 2, "人", "exact", "")]),
    ("克尔伦苏木有一百七八十口人", [("一百七八十口人", 170, "人", "range", "")]),
    ("每只羊收八十块代牧费", [("八十块", 80, "元", "exact", "只")]),
    # a time limit with a modal or a spoken answer after it (必须响应, 给说法, 有回音), or 不超过 before it
    ("物业接单后12小时内必须响应", [("12小时内", 12, "小时", "less", "")]),
    ("复杂的一般不超过3天给说法", [("不超过3天", 3, "天", "less", "")]),
    ("一般2个工作日内就有回音", [("2个工作日内", 2, "个工作日", "less", "")]),
    # a share that is the threshold of a property (占比不足40%的…), unlike the share of a group (80%以上的养殖户)
    ("经营性收入占比不足40%的嘎查村有600多个", [("600多个", 600, "个", "more", "")]),
    ("每个嘎查都有1名以上的专职网格员", [("1名以上", 1, "人", "more", "嘎查")]),
    # shares in 成: a percentage, qualifiers before and after
    ("参与群众占常住人口的近七成", [("近七成", 70, "%", "approx", "")]),
    ("调解成功率在八成以上", [("八成以上", 80, "%", "more", "")]),
    ("集体收入平均增长了三成多", [("三成多", 30, "%", "more", "")]),
    ("覆盖面还不到四成", [("不到四成", 40, "%", "less", "")]),
    ("青年党员占比接近两成，", [("接近两成", 20, "%", "approx", "")]),
    # times that measure a service are facts, with their qualifier
    ("群众步行不到10分钟就能办事", [("不到10分钟", 10, "分钟", "less", "")]),
    ("办结时限由5个工作日压缩至3个工作日", [("5个工作日", 5, "个工作日", "exact", ""), ("3个工作日", 3, "个工作日", "exact", "")]),
    ("网格员接到求助后20分钟就上门了", [("20分钟", 20, "分钟", "exact", "")]),
    ("一般诉求2小时内响应", [("2小时内", 2, "小时", "less", "")]),
    ("每期集中培训4天", [("4天", 4, "天", "exact", "期")]),
    # thresholds of money and people say which ones are counted
    ("收入5万元以下的薄弱村全部清零", []),
    ("超过50万元的嘎查村从12个增加到30个", [("12个", 12, "个", "exact", ""), ("30个", 30, "个", "exact", "")]),
    ("有3名以上正式党员的小区单独建支部", []),
    ("全镇仍有4个村收入在10万元以下。", [("4个", 4, "个", "exact", "")]),
    ("仍有近两成嘎查村经营性收入不足5万元。", [("近两成", 20, "%", "approx", "")]),
    ("有3个联村党委年度收益不足30万元", [("3个", 3, "个", "exact", "")]),
    # a place's climate in days (无霜期110天左右) is a figure, unlike a story's duration
    ("全苏木无霜期110天左右，记者走了4天", [("110天左右", 110, "天", "approx", "")]),
    # 眼 counts wells next to a 井 (and a well's depth before 井 says which wells); elsewhere it is an eye
    ("新打15-20米井12眼，改造40眼大口井，其中4眼用于灌溉", [("12眼", 12, "眼", "exact", ""), ("40眼", 40, "眼", "exact", ""),
                                               ("4眼", 4, "眼", "exact", "")]),
    ("走进三眼井村，大家都多看两眼", []),
    # two neighbouring numerals parted by 、 are a rough range; 第一、二批 counts in order
    ("每天收入都能达到七、八百元", [("七、八百元", 700, "元", "range", "")]),
    ("全镇有五、六个村还没有通网", [("五、六个", 5, "个", "range", "")]),
    ("第一、二批共选派干部6名", [("6名", 6, "人", "exact", "")]),
    # a rule's condition (…以上必须由…审批) is no figure
    ("支出1000元以上必须由书记审批，1000元以下由分管乡长审批", []),
    # a part after 其中 written without its unit takes the unit of the whole before it
    ("牲畜头数达到3.66万头只，其中大畜3.3万", [("3.66万头只", 36600, "头只", "exact", ""), ("3.3万", 33000, "头只", "exact", "")]),
    # 个 before a word that starts with 人 counts that thing (14个人工湖), 个人 alone is people
    ("全区有14个人工湖、19个广场", [("14个", 14, "个", "exact", ""), ("19个", 19, "个", "exact", "")]),
    ("来了二十八个人", [("二十八个人", 28, "人", "exact", "")]),
    # a quoted row of numbered slogans is a formula, not figures
    ("落实“一条主线、两个共同、三个带头、四个纳入”方针，组建10支志愿服务队", [("10支", 10, "支", "exact", "")]),
    # the price of one unit (1斤卖8角钱, 1只羊多挣20元): the unit is the money's per; 角/毛钱 are tenths of a yuan
    ("别村的甘薯1斤卖8角钱", [("8角钱", 0.8, "元", "exact", "斤")]),
    ("咱们1只羊多挣20元", [("20元", 20, "元", "exact", "只")]),
    ("小米每斤比散卖多卖三到五毛钱", [("三到五毛钱", 0.3, "元", "range", "斤")]),
    # but a floor every one of them reaches (均/全部) is a figure, not which ones are counted
    ("全市14个行政村集体经济均增收20万元以上", [("14个", 14, "个", "exact", ""), ("20万元以上", 200000, "元", "more", "")]),
    ("13个行政村集体经济收入全部超过5万元", [("13个", 13, "个", "exact", ""), ("超过5万元", 50000, "元", "more", "")]),
    ("期末平均成绩提高了11分", [("11分", 11, "分", "exact", "")]),
    ("居民满意度平均达到91.6分", [("91.6分", 91.6, "分", "exact", "")]),
    ("来回差不多400公里", [("差不多400公里", 400, "公里", "approx", "")]),
    ("全镇每户年收入超过5万元", [("超过5万元", 50000, "元", "more", "户")]),
    ("不足40平方米的活动室里挤满了人", [("不足40平方米", 40, "平方米", "less", "")]),
    # more measure words of the genre
    ("网格员每天巡两趟", [("两趟", 2, "趟", "exact", "天")]),
    ("他家养着八十多峰骆驼", [("八十多峰", 80, "峰", "more", "")]),
    ("平台上线微课156节", [("156节", 156, "节", "exact", "")]),
    ("来回一趟光油钱就二百多块。", [("一趟", None, None, None, None)][:0] + [("二百多块", 200, "元", "more", "")]),
    ("全旗党员总数2.35万名", [("2.35万名", 23500, "人", "exact", "")]),
    ("其中有两个联合体调整了牵头村", [("两个", 2, "个", "exact", "")]),
    # spoken money and spoken approximations (batch K, read after its first score)
    ("每只羊能多卖七八十块。", [("七八十块", 70, "元", "range", "只")]),
    ("一亩地刨去成本也就剩二三百块；", [("二三百块", 200, "元", "range", "")]),
    ("收购价稳定在1块2以上，", [("1块2以上", 1.2, "元", "more", "")]),
    ("门口挂了3块牌子", [("3块", 3, "块", "exact", "")]),
    ("一年下来能多挣两万多，", [("两万多", 20000, "元", "more", "")]),
    ("产值接近两个亿。", [("接近两个亿", 2e8, "元", "approx", "")]),
    ("以前自己种二十来亩地，", [("二十来亩", 20, "亩", "approx", "")]),
    ("室温从十四五度升到22度。", [("十四五度", 14, "°C", "range", ""), ("22度", 22, "°C", "exact", "")]),
    # service time limits with a lone 一 and with 内 + a verb of answering
    ("牧民打电话，不到一个小时就能赶到。", [("不到一个小时", 1, "小时", "less", "")]),
    ("两个小时内就有人上门。", [("两个小时内", 2, "小时", "less", "")]),
    ("物业须在3个工作日内答复。", [("3个工作日内", 3, "个工作日", "less", "")]),
    # more measure words: pairs, bags, events named in quotes, millimetres
    ("全市已有64对村（社区）党组织结成对子", [("64对", 64, "对", "exact", "")]),
    ("积分换来两袋洗衣粉", [("两袋", 2, "袋", "exact", "")]),
    ("前后开了三次“板凳会”，", [("三次", 3, "次", "exact", "")]),
    ("累计降雨68毫米", [("68毫米", 68, "毫米", "exact", "")]),
    ("全苏木牲畜存栏12.6万头只，", [("12.6万头只", 126000, "头只", "exact", "")]),
    # 约 before a verb of having or making up: the number after it is approximate
    ("约有四成常年在外放牧", [("四成", 40, "%", "approx", "")]),
    ("约占城区住宅小区总数的七成", [("七成", 70, "%", "approx", "")]),
    # a range written with its unit twice, closed by 不等/之间
    ("每户出资从1万元到3万元不等", [("1万元到3万元", 10000, "元", "range", "户")]),
    # … or plain, with 至/到 and no 从/由 before it in the clause (从A到B alone is a change: two figures)
    ("每村扶持50万元至100万元，支持合作社", [("50万元至100万元", 500000, "元", "range", "村")]),
    ("每斤高出0.3元至0.5元", [("0.3元至0.5元", 0.3, "元", "range", "斤")]),
    # a share of the villages (70%以上的嘎查村) is the figure; what they reach (20万元以上) says which ones
    ("全旗70%以上的嘎查村集体经济收入要达到20万元以上", [("70%以上", 70, "%", "more", "")]),
    ("村集体收入超过了60万元", [("超过了60万元", 600000, "元", "more", "")]),
    # per an evening, a building, a 亩's yield
    # 有N个X + what is measured of them + 不到/超过: the threshold says which ones; the count is the figure
    ("有4个联合体全年集体议事不到3次", [("4个", 4, "个", "exact", "")]),
    ("有3处村级驿站上半年服务群众不足200人次", [("3处", 3, "处", "exact", "")]),
    ("复杂问题3个工作日内给出办理意见", [("3个工作日内", 3, "个工作日", "less", "")]),
    ("党校给大家排了１２门课", [("１２门", 12, "门", "exact", "")]),
    ("“两委”成员平均年龄降到43.6岁", [("43.6岁", 43.6, "岁", "exact", "")]),
    ("每个月巡十来趟", [("十来趟", 10, "趟", "approx", "月")]),
    # a bare 万 figure in a clause about selling, taking in, or after an amount in 元 is money
    ("羔羊卖了11万多元，比原来多出三四万", [("11万多元", 110000, "元", "more", ""), ("三四万", 30000, "元", "range", "")]),
    ("村集体一年进账二十六万多", [("二十六万多", 260000, "元", "more", "")]),
    # 一成 with a qualifier or a verb of share or change is a share; 一成不变 is an idiom
    ("今年销售额增长一成多", [("一成多", 10, "%", "more", "")]),
    ("数量占全盟不到一成", [("不到一成", 10, "%", "less", "")]),
    ("这种做法一成不变", []),
    # a programme named with numbers (“一户带十户”, “15分钟便民生活圈”) holds no figure; a quotation can
    ("按“一户带十户”的路子，把党员编进网格", []),
    ("打造“15分钟便民生活圈”", []),
    ("群众说“3天就办好了”", [("3天", 3, "天", "exact", "")]),
    ("每支宣讲队五到七人", [("五到七人", 5, "人", "range", "宣讲队")]),
    ("每晚到课的牧民都在40人左右", [("40人左右", 40, "人", "approx", "晚")]),
    ("每栋冷棚可为村集体增收1.8万元", [("1.8万元", 18000, "元", "exact", "栋")]),
    ("西瓜亩产预计在4500斤左右", [("4500斤左右", 4500, "斤", "approx", "亩")]),
    ("10万元至30万元的有58个村", [("58个", 58, "个", "exact", "")]),  # a class of the count after it
    ("人均收入从8000元到1.2万元", [("8000元", 8000, "元", "exact", "人"), ("1.2万元", 12000, "元", "exact", "人")]),
    # a fraction is a share; a population in 万 counts people; a report deadline is a service time
    ("差不多占到常住人口的四分之一左右", [("四分之一左右", 25, "%", "approx", "")]),
    ("流动人口接近4万，", [("接近4万", 40000, "人", "approx", "")]),
    ("发现问题24小时内报街道", [("24小时内", 24, "小时", "less", "")]),
    ("简单的事2小时内回应", [("2小时内", 2, "小时", "less", "")]),
    ("群众报事后2小时内有人上门", [("2小时内", 2, "小时", "less", "")]),
    ("代购生产资料2.1万件次，", [("2.1万件次", 21000, "件次", "exact", "")]),
    # a group's age is a statistic (a person's age is not: 他今年62岁 is a trap)
    ("社区工作者平均年龄34岁，比全市平均水平低6岁左右", [("34岁", 34, "岁", "exact", ""), ("6岁左右", 6, "岁", "approx", "")]),
    # two 每: the thing the figure is per, not the period
    ("每个社区每年的专项经费在20万元以上", [("20万元以上", 200000, "元", "more", "社区")]),
    ("物业费每月每平方米0.35元", [("0.35元", 0.35, "元", "exact", "平方米")]),
    # a vehicle is no count of rounds; area served times (亩次) is a unit of its own
    ("村民往三轮车上装葵花盘，开展三轮巡查", [("三轮", 3, "轮", "exact", "")]),
    ("全年托管作业2.6万亩次", [("2.6万亩次", 26000, "亩次", "exact", "")]),
    # orders and jobs (接了160多单), but never a building's unit or a 单位
    ("他一个人就接了160多单活儿，住在5号楼3单元", [("160多单", 160, "单", "more", "")]),
    # a classifier's noun is what the figure is per (每个片区, 每处驿站, 每家企业每年), not the classifier
    ("每个片区由1名镇领导包联", [("1名", 1, "人", "exact", "片区")]),
    ("每处驿站由1名党员牧民担任站长", [("1名", 1, "人", "exact", "驿站")]),
    ("每家企业每年投入5万元", [("5万元", 50000, "元", "exact", "企业")]),
    ("每个中心户联系10户左右", [("10户左右", 10, "户", "approx", "中心户")]),
    # web pages write ASCII commas between clauses: a number after one is a number (after a digit: 1,200)
    ("全嘎查共有牧户186户,612人,党员38名", [("186户", 186, "户", "exact", ""), ("612人", 612, "人", "exact", ""),
                                   ("38名", 38, "人", "exact", "")]),
    ("共接待游客1,200人次", [("1,200人次", 1200, "人次", "exact", "")]),
    # a bare 万 figure after the unit named as what is counted (参观人次达18万, 服务户数达1.2万)
    ("展馆开放以来参观人次达18万", [("18万", 180000, "人次", "exact", "")]),
    ("全年服务户数达1.2万", [("1.2万", 12000, "户", "exact", "")]),
    # thresholds that say which ones are counted: a list of them, or one right before its noun and count
    ("全旗肉牛存栏50头以上养殖户达到195户", [("195户", 195, "户", "exact", "")]),
    ("其中20万元以上、10万元以上嘎查数量占比分别为12%、40%", [("12%", 12, "%", "exact", ""), ("40%", 40, "%", "exact", "")]),
    # households named by who they are, a population, and 款 of products
    ("工作队深入150余农户院落，筛选特色产品125款，全旗有1.9万城镇人口",
     [("150余农户", 150, "户", "more", ""), ("125款", 125, "款", "exact", ""), ("1.9万", 19000, "人", "exact", "")]),
    # a short quoted formula of numbers (“8个1”) names a method, it counts nothing
    ("退休教师整理着新一期“8个1”宣讲教案", []),
    # measure words of real pages: bus runs, boxes, power
    ("公交专线累计运行1000余班次，卖出原浆56万盒，建成5兆瓦光伏电站",
     [("1000余班次", 1000, "班次", "more", ""), ("56万盒", 560000, "盒", "exact", ""), ("5兆瓦", 5, "兆瓦", "exact", "")]),
    # sets of machines, seedling trays, stars; a bare 万 figure before the people it counts
    ("购置16台套大型农机，育苗20万盘，紧扣五颗“特色星”，带动46万贫困农牧民、1.2万群众增收",
     [("16台套", 16, "台套", "exact", ""), ("20万盘", 200000, "盘", "exact", ""), ("五颗", 5, "颗", "exact", ""),
      ("46万", 460000, "人", "exact", ""), ("1.2万", 12000, "人", "exact", "")]),
    ("坚持全市一盘棋，党员们怀着一颗红心服务群众", []),
    # a verb that does something so many times: 次 counts the doing, a noun after it or not
    ("护边员每周组织两次夜间巡逻，今年开展三次集中宣讲", [("两次", 2, "次", "exact", "周"), ("三次", 3, "次", "exact", "")]),
    ("村里拿出一部分给入社农户搞了二次分红", []),
    # a bare 万 figure before the poor it counts; a bare 千 with its qualifier after the unit
    ("带动14.54万建档立卡贫困人口受益，实现14.1万贫困人口脱贫，亩产千斤左右",
     [("14.54万", 145400, "人", "exact", ""), ("14.1万", 141000, "人", "exact", ""), ("千斤左右", 1000, "斤", "approx", "亩")]),
    # spoken money: a bare 万 figure with its qualifier or its money after it; tens of thousands said as 块
    ("搞农家乐一年收入是20万左右", [("20万左右", 200000, "元", "approx", "")]),
    ("农家乐的20多万收入让他很满意，我现在每年都能有2万块。",
     [("20多万", 200000, "元", "more", ""), ("2万块", 20000, "元", "exact", "年")]),
    ("盖房用了2万块砖", [("2万块", 20000, "块", "exact", "")]),
    # cases (手术30274例) and SI area units as printed pages write them
    ("完成复明手术30274例，全旗面积7476km²，建成广场1200m²",
     [("30274例", 30274, "例", "exact", ""), ("7476km²", 7476, "平方公里", "exact", ""), ("1200m²", 1200, "平方米", "exact", "")]),
    ("草原类型分4大类7个亚类，网格员承担政策宣传等7大类职责",
     [("4大类", 4, "类", "exact", ""), ("7个", 7, "个", "exact", ""), ("7大类", 7, "类", "exact", "")]),
]


@pytest.mark.parametrize(("sentence", "expected"), SENTENCES, ids=[s for s, _ in SENTENCES])
def test_sentences(sentence: str, expected: list[tuple]) -> None:
    """Each genre sentence yields exactly the expected mentions."""
    assert _facts(sentence) == expected


def test_categories_and_ranges() -> None:
    """Money, area, percent, rate and range fields are filled as documented."""
    (m,) = find_quantities("投资3.5亿元")
    assert (m.category, m.classifier) == ("money", "元")
    (m,) = find_quantities("建成五六万平方米")
    assert (m.value_low, m.value_high, m.category) == (50000, 60000, "area")
    (m,) = find_quantities("人均增收500元")
    assert m.category == "rate"
    (m,) = find_quantities("满意度95%")
    assert (m.category, m.value_low, m.value_high) == ("percent", None, None)
    (m,) = find_quantities("增长3个百分点")
    assert m.category == "other"


# --- traps: nothing may come out ------------------------------------------------------------------
TRAPS = [
    # place and programme names
    "四子王旗", "二连浩特市", "一棵树村", "滨河第一城小区", "三减三优", "五边行动", "一肩挑",
    "三级联动", "“两代表一委员”", "三位一体", "三大工程", "两委", "三方共赢", "六稳六保", "三家子村",
    "五间房村", "三事三制",
    # ordinals
    "第一书记", "第四次", "党的二十大", "十九届", "十八大以来", "一线", "住在一楼", "前三名", "第3名",
    "三期工程", "十九届中央纪委二次全会",
    # dates, periods, times
    "1月9日", "2023年以来", "2017年10月18日", "2024年", "几十年", "3年", "上午10时", "8点30分",
    "30余年", "5个月", "两个多月", "二〇二三年",
    # idioms and determiners
    "一站式", "一刀切", "一目了然", "一竿子", "一个缩影", "一小段", "一只只", "一项项", "一张张",
    "一笔一笔", "一系列", "一大早", "一点儿", "一场寒潮", "唯一一家", "数九寒天", "一家", "过关一个上岗一个",
    "一年", "一个", "一只高繁母羊", "一项", "一场", "千家万户", "十万火急", "两位数", "一两个",
    # slogans
    "四个意识", "两个维护", "三个代表", "两个确立", "“四个自信”",
    # vague
    "数十个", "几百人", "万名干部下基层", "千万", "亿万", "万一",
    # more names, slogans and words with a numeral inside
    "十个坚持", "二元结构", "五户联保", "十户长", "三段式", "两张皮", "中央八项规定", "三部曲",
    "5部门联合", "五四青年节", "六户镇", "两个确保", "积分连续两个季度靠后", "十分重要", "万分感谢", "得分3分钟",
    "三起三落",
    # codes, phones, ASCII
    "电话13912345678", "0471-6251234", "电话0471－6251234", "2023-01-09", "5G网络", "3A景区", "G7",
    "2024元旦", "3位数", "1，200人", "3月5日元宵", "FILP总额为四十九兆九千五百九十二億元，", "华氏温度100度",
    "负0.2千米", "两个半", "1万亿日元", "二十四节气", "二人转", "三天两头", "抓两头带中间", "五台山", "九台区",
    "第十四个五年规划",
    # titles
    "《关于推动3个意识的10条意见》",
    # 度 without temperature context
    "角度调整30度",
    # session 3: narrative times, village groups, idioms with numerals
    "走了4天", "坚守了三十年", "两三个小时", "嘎查三组", "二人台", "两条腿走路", "四处奔波", "一成不变", "三成员",
    # session 5: 对 as a verb or preposition, 来 after a year, a lone 一 in a story's time
    "3对口帮扶", "实行1对1帮扶", "3对多结对", "2023年以来", "近三年来", "一来二去", "花了一个小时", "一个小时后",
]


@pytest.mark.parametrize("trap", ["住在12栋的退休电解工", "先去28栋，老刘家的暖气不热", "傍晚时分，28栋刘德顺家的暖气热了"])
def test_a_buildings_number_is_an_address_not_a_count(trap: str) -> None:
    assert find_quantities(trap) == []
    assert [q.value for q in find_quantities("社区对43栋楼进行了改造，全村有28栋房屋")] == [43, 28]


@pytest.mark.parametrize("trap", TRAPS)
def test_traps_give_nothing(trap: str) -> None:
    """Names, ordinals, dates, idioms, slogans, codes and titles are not quantities."""
    assert find_quantities(trap) == []


def test_empty() -> None:
    """Empty text gives no mentions."""
    assert find_quantities("") == []


def test_units_table() -> None:
    """Every unit maps to a known category."""
    for unit, (canonical, category) in UNITS.items():
        assert canonical and category in CATEGORIES, unit


def test_doctests() -> None:
    """The examples in the module's docstrings hold."""
    result = doctest.testmod(etl.quantities)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.skipif(not SEED.exists(), reason="seed page missing")
def test_speed() -> None:
    """find_quantities runs well above 2× jieba.lcut's ~0.9 MB/s (lenient: shared machines)."""
    assert benchmark(2.0) > 2.0


@given(st.integers(min_value=2, max_value=10**9),
       st.sampled_from(["人", "名", "户", "个", "元", "万元", "平方米", "公里", "条", "项", "人次"]))
def test_arabic_count_in_sentence(n: int, unit: str) -> None:
    """Any Arabic number with a known unit in a plain sentence is found once, with its value."""
    text = f"全旗共有{n}{unit}。"
    (m,) = find_quantities(text)
    factor = 10**4 if unit.startswith("万") else 1
    assert m.value == n * factor
    assert m.text == f"{n}{unit}"


@given(st.text(alphabet="一二三四五六七八九十百千万亿两零个名人年月日第的了，。多余几", max_size=30))
def test_never_crashes(text: str) -> None:
    """Arbitrary numeral soup never raises and spans always match the text."""
    for m in find_quantities(text):
        assert text[m.start:m.end] == m.text
        assert m.start < m.end
