"""Article text → named programme (initiative, 举措) mentions, found by how the genre names them (pure).

A programme is found by the grammar around its name, not by a list of names: the curated lexicon
(``data/reference/initiatives.csv``) is a boost, never a requirement. Candidates:

* every quoted short name (“草原夜校”), confirmed by what surrounds it:
  - a programme word after it: 开展“送学上门”活动, 探索“积分超市”做法, 叫响“北疆先锋”品牌;
  - a verb that launches, spreads or uses it right before it: 推出“草原夜校”, 组建“马背服务队”,
    依托“党员中心户”, 以“组织工作提升年”为抓手;
  - a head noun at its end that says what a campaign creates (an open, morphological class:
    …驿站 …夜校 …书屋 …中心户 …联合体 …服务队 …工作室 …课堂 …之家 …超市 …站 …室 …队 …户 …体 …校 …堂 …岗 …屋 …园);
  - a number that counts it: 建成12个“草原书屋”, 全市“红色物业”小区达到86个;
  - the headline it opens: “聚力固边”筑牢红色屏障;
* unquoted names: verb + name + programme word (推行党员联户工作法 → 党员联户, 启动荞麦品牌提升工程);
  verb + noun phrase with a programme head noun (设立党员中心户1870户, 建成暖心驿站21处) — a *weak*
  candidate that counts only for the number it counts or its own clause, unless the article
  names it again; columns opened in 《》; alliances founded in the text (成立口岸党建联盟);
* short references back to a named place-like programme (联盟 → 口岸党建联盟).

Rejected by shape, whatever surrounds them: speech (punctuation inside), titles and honours
(“马铃薯之乡”, “五星级党组织”, 全国文明村, 被评为“…”), people's nicknames (“骆驼书记”, 称为“…”),
ranks and metaphors (作为“一号工程”, 当好“领头雁”, “红色引擎”作用), numbered political formulas
(“两个确立”, “三个作用”) and compositions (“嘎查+社区”联合体) unless a programme word follows (“四比”活动,
“党建+民族团结”模式), couplets (南有“…”、北有“…”),
tier formulas (盟-旗-苏木, 两级联动), and the standard institutions every place has (党支部,
党群服务中心, 合作社: lexicon kind ``generic``); the lexicon's ``not_initiative`` rows are a stop list.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from .fastscan import scanner
from .paths import REFERENCE_DIR

LEXICON_PATH = REFERENCE_DIR / "initiatives.csv"

# Programme words after a quoted name (longest first in the pattern): 开展“送学上门”活动.
_SUFFIXES = (
    "社区治理工作法", "基层治理工作法", "工作模式", "治理模式", "发展模式", "服务模式", "联防模式", "党建品牌", "工作品牌",
    "主题宣讲", "主题教育", "主题党日", "主题活动", "专项行动", "工作法", "工作机制", "运行机制", "治理机制",
    "信息处理机制", "服务点", "服务站", "品牌", "工程", "模式", "活动", "行动", "机制", "项目", "计划", "平台", "建设",
    "课堂", "夜校", "家园", "服务队", "志愿服务", "做法", "经验", "制度", "体系", "载体", "工作", "服务", "品牌创建",
    "创建", "行动计划", "试点", "改革", "赛", "比武", "竞赛", "大赛", "擂台赛", "讲堂", "课程", "系列活动",
    "专栏", "栏目", "驿站", "示范点", "示范村", "示范带", "示范区", "示范户", "小区", "联盟", "基地", "阵地", "网格",
    "服务中心", "微课堂", "志愿服务队", "产业园", "园区", "招牌", "宣讲团", "工作室", "书屋", "之家", "超市", "食堂", "队伍", "队",
    "培训班", "示范培训班", "讲法", "帮扶", "协作", "路子", "办法", "路径", "的形式", "党建联合体", "联合体", "党建联盟", "流动党课车", "党课车", "服务车", "议事会", "说事点",
)
# A quoted name that ends in one of these is a programme by itself (“强基工程”, “草原夜校”, “红色驿站”).
_HEADS = (
    "工程", "行动", "计划", "活动", "项目", "工作法", "模式", "机制", "品牌", "课堂", "夜校", "讲堂", "联盟", "驿站",
    "书屋", "超市", "食堂", "之家", "家园", "服务队", "宣讲团", "宣讲队", "工作室", "中心户", "联合体", "顾问",
    "人才库", "护林队", "服务站", "服务点", "站", "室", "队", "库", "户", "体", "校", "院", "堂", "岗", "包", "屋",
    "园", "馆", "所", "社", "团", "营", "坊", "吧", "厅", "榜", "码", "台", "制", "法", "圈", "带", "链", "银行",
    "集市", "基地", "车", "员", "长", "哨", "班", "会", "点", "积分", "组",
)
# Head nouns for unquoted noun phrases (multi-character only: 农牧户 or 主体 are no programme).
_UNQUOTED_HEADS = (
    "中心户", "联合体", "驿站", "夜校", "书屋", "服务队", "工作室", "顾问团", "人才库", "护林队", "宣讲团", "宣讲队",
    "讲习所", "食堂", "超市", "课堂", "讲堂", "之家", "银行", "红哨", "护边队", "车间", "工坊", "示范田", "示范岗", "议事厅",
    "突击队", "巡逻队", "巡护队", "先锋队", "示范户", "党校", "孵化中心", "孵化基地",
)
# Verbs that launch, spread, name or use a programme (from real writing of the genre).
_VERBS = (
    "搞的是", "推行的是", "实行的是", "开展的是", "推的是", "干的是", "做的是", "搞",
    "开展", "推行", "实施", "打造", "建立", "设立", "开设", "选聘", "启动", "创建", "深化", "推进", "围绕", "探索", "创新",
    "推广", "组建", "成立", "培育", "建成", "叫响", "擦亮", "推出", "开办", "创办", "开通", "举办", "发起", "启用", "搭建",
    "构建", "用好", "用活", "依托", "通过", "借助", "落实", "实行", "开辟", "打响", "唱响", "亮出", "首创", "独创",
    "试点", "升级", "延伸", "复制", "借鉴", "引入", "创设", "设置", "组织开展", "全面推行", "持续深化", "深入开展",
    "建好", "办好", "做强", "做优", "做实", "做亮", "做响", "总结提炼", "提炼", "培树", "树立", "担任",
    "探索推行", "探索建立", "创新推出", "办起", "建起", "搭起", "组成", "兴办", "开办起", "新开", "新设", "新建", "开起",
    "创新开展", "积极推行", "大力推行", "大力推广", "全面推广", "全力打造", "着力打造", "精心打造", "倾力打造", "建设",
    "推开", "打出", "铺开", "采取", "采用", "上线", "招募", "选派", "聘请",
)
# (‘…’ inside a quotation: 他说：“我们旗组建‘马背宣讲队’……”)
_QUOTED = re.compile(r"[“\"「‘]([^“”\"「」‘’\n]{2,24})[”\"」’]")
_SUFFIX_ALT = "(?:" + "|".join(map(re.escape, sorted(_SUFFIXES, key=len, reverse=True))) + ")"
# the programme word right after the name, with no word between (邻里节活动, not 邻里 + 节活动)
_SUFFIX_RIGHT_AFTER = re.compile(_SUFFIX_ALT)
# the verb may be followed by 了, 起, 出 and a count or a determiner: 打造了一批“红色驿站”, 建成12个“草原书屋”
_COUNT = r"(?:[0-9０-９]+|(?!一(?:[批些系]|[个支处家所座间户名类项种条期场次]))[一二两三四五六七八九十百千万几]+)(?:余|多)?(?:个|支|处|家|所|座|间|户|名|批|类|项|种|条|期|场|次|支|亩)"
# (推开的“党员治沙责任区”: the one the verb launched; 搞了个“社区合伙人”: a colloquial one)
_VERB_BEFORE = re.compile("(?:" + "|".join(sorted(_VERBS, key=len, reverse=True)) + r")(?:了|起|出|好|成|的)?"
                          r"(?:" + _COUNT + r"|一批|一支|一系列|若干|多个|系列|全域|全面|首个|首批|新一批|个)?$")
# A launching verb a few words before (启动农牧民党员“冬训”, 开展机关干部“双报到”)
_LAUNCH = ("开展", "推行", "实施", "实行", "启动", "推出", "组建", "打造", "建立", "设立", "开设", "创建", "举办", "发起", "探索",
           "推广", "深化", "叫响", "擦亮", "培育", "组织开展", "深入开展", "全面推行")
# (“一对一”开展帮扶: a verb after the name makes it the way something is done, not a name with its programme word)
# (but 培育工程, 建设工作, 创建活动: a verb that makes a compound with the programme word)
_SUFFIX_AFTER = re.compile("(?:等)?(?:" + _SUFFIX_ALT + "|(?!开展|推行|实施|实行|启动|推出|举办|发起|组织|进行)"
                           "[\u4e00-\u9fff]{1,4}?" + _SUFFIX_ALT + ")")
_LAUNCH_AT = re.compile("(?:" + "|".join(sorted(_VERBS, key=len, reverse=True)) + r")(?:了)?")
_LAUNCH_RIGHT_BEFORE = re.compile("(?:" + "|".join(sorted(_LAUNCH, key=len, reverse=True)) + r")(?:了)?$")
_LAUNCH_NEAR = re.compile("(?:" + "|".join(sorted(_LAUNCH, key=len, reverse=True)) + r")(?:了)?[\u4e00-\u9fff]{1,6}$")
# A practice named right before its quoted name, with no person between: 我们叫“党建+刺绣”, 取名“草原夜话”
# (but 牧民叫他“马背书记”: a person's nickname; 当地人管这叫“走场”: a word of the place, not a practice launched)
_NAMED_RIGHT_BEFORE = re.compile(r"(?<!管)(?<!管这)(?<!管它)(?<!管这个)(?:叫做|叫作|取名为|取名|命名为|名为|简称|"
                                 r"叫)$")
# 以“组织工作提升年”为抓手: a programme used as the means
_AS_MEANS = re.compile(r"(?:作)?为(?:抓手|载体|牵引|引领|契机|切入点|突破口|主线|平台|依托|支撑|重点|核心|纽带|统领)")
_AS_MEANS_BEFORE = ("以", "把", "将")  # 以“X”为抓手, 把“X”作为抓手
_COUNT_BEFORE = re.compile(_COUNT + r"$")
# 组建了4支党员农机服务队: a launching verb, then how many it set up
_LAUNCH_COUNTED_BEFORE = re.compile("(?:" + "|".join(sorted(_LAUNCH, key=len, reverse=True)) + r")(?:了)?(?:" + _COUNT + r")?$")
# 全市“红色物业”小区达到86个 / “党员中心户”1870户: a number right after the name (and its head noun)
_COUNT_AFTER = re.compile(r"(?:(?!的)[\u4e00-\u9fff]){0,4}?(?:共|已|累计|总数|数量|总量)?(?:达到|达|增至|增加到|突破|超过|逾|近|约|为|有|共有|已有|已达)?"
                          r"(?:[0-9０-９]|[一二两三四五六七八九十百千万](?:[一二两三四五六七八九十百千万]*)(?:个|支|处|家|所|座|户|名))")

# Shapes that are never programmes.
# What something is ranked, called or awarded as: never a programme (作为“一号工程”, 被誉为“草原轻骑兵”).
_RANK_BEFORE = re.compile(
    r"(?:作为|视为|当作|当成|列为|称为|称作|称之为|誉为|喻为|比作|号称|人称|叫作|叫做|叫他|叫她|喊他|喊她|唤作|昵称|外号|"
    r"绰号|(?:称|叫|喊|唤)(?:他们|她们|它们|大家)|荣获|获评|评为|授予|获得|命名为|评定为|评选为|评选出|评出|选树|被评|赢得|享有|素有|入选|登上|荣登|跻身|"
    r"南有|北有|东有|西有|前有|后有|上有|下有)(?:了|为|的)?$")
# What something becomes or is like: a metaphor unless a programme word follows (成为群众的“贴心人”).
# (but 搞的是“积分超市”, 推行的是“…”: what was done, named)
_LIKE_BEFORE = re.compile(r"(?:成为|变成|化身|当好|争当|争做|做好|堪称|好比|俨然|"
                          r"(?<!搞的)(?<!做的)(?<!办的)(?<!推行的)(?<!实行的)(?<!开展的)(?<!推的)(?<!干的)是|像|犹如|宛如|如同)(?:了|为|的)?$")
# 三条路子。第一条是“飞地抱团”。/ 一是“村企联建”: a way the text counts off, by its name
_ENUMERATED_BEFORE = re.compile(r"(?:第[一二三四五六七八九十]+(?:条|种|项|个|招|步)|[一二三四五六七八九十]是)(?:就)?是?$")
# 成为群众家门口的“幸福驿站”: what something becomes, with a modifier in between
_LIKE_DE_BEFORE = re.compile(r"(?:成为|变成|化身|当好|争当|争做|堪称|打造成|建设成|建成为|誉为|作为)[^，。；！？“”]{0,10}的$")
# 也是牧民身边的“宣传员”, 成了合伙人的“暖心驿站”: what something is to someone (but 这是该旗首创的“草原夜校”)
_COPULA_DE_BEFORE = re.compile(r"(?:是|成了|有了)([^，。；！？“”是]{1,10})的$")
# 更有“温度”, 更具“含金量”: a quality something has more of; 搭上了强村的“顺风车”: a ride taken
# 有的地方热衷于打造“盆景”: what a report criticises is no programme
_CRITICISED_BEFORE = re.compile(r"(?:热衷于|忙于|满足于|停留在|一味|片面)[\u4e00-\u9fff]{0,4}$")
_QUALITY_BEFORE = re.compile(r"(?:更有|更具|很有|富有|充满|有了|更显|多了|添了|更加)$")
_RIDE_BEFORE = re.compile(r"(?:搭上|搭乘|坐上|乘上|跑出|驶入|跑上)[^，。；！？“”]{0,8}$")
# “比着”干、“抢着”办: a verb with its aspect marker
_ASPECT_END = re.compile(r"^[\u4e00-\u9fff]{1,2}[着了过]$")
# “95后”网格员, “80后”书记: an age cohort
_COHORT = re.compile(r"^[0-9０-９零一二三四五六七八九〇]{2}后$")
_METAPHOR_AFTER = re.compile(r"(?:作用|的作用|精神|之称|美誉|称号|荣誉|殊荣|称谓|的美誉|的称号|的荣誉|的美称|美称|桂冠|之一|意识)")
# a figure of speech's verb (谱写“三部曲”, 拧成“一股绳”): with a word of the dictionary, a metaphor
_FIGURATIVE_BEFORE = re.compile(r"(?:谱写|奏响|吹响|擂响|绘就|铺就|下好|下活|打好|念好|答好|架起|搭起|织密|织牢|拧成|跑出|"
                                r"按下|唱好|走好|筑牢|种下|亮出|交出|晒出|交上|递上)(?:了|出|好|起)?(?:一份|一张)?$")
# what a metaphor calls something (党建“红色引擎”, 打造“金钥匙”): a vehicle noun, not a programme's name
_METAPHOR_HEAD = re.compile(r"(?:引擎|发动机|助推器|加速器|推进器|稳定器|压舱石|定盘星|金钥匙|催化剂|强心剂|风向标|指挥棒|晴雨表|"
                            r"火车头|主引擎|桥梁|纽带|红纽带|连心桥|桥头堡|动力源|蓄水池|润滑剂|粘合剂|黏合剂|磁场|磁石)$")
_RECEIVED_BEFORE = re.compile(r"(?:领到|收到|拿到|领取|领回|送来)(?:了)?[\u4e00-\u9fff]{0,4}$")
# verbs that act on a problem (填补, 打通, 破解…): the quoted object is the problem, not a programme
_FIXES_BEFORE = re.compile(r"(?:填补|消除|破解|打通|解决|补齐|补上|扫除|根治|化解|堵住|疏通|打破|破除|消灭|解开|跨越|"
                           # …or that a place suffers from (出现了不少“真空带”, 存在“中梗阻”)
                           r"(?:出现|存在|面临|陷入)(?:了|着)?(?:不少|一些|很多|诸多|许多)?)(?:了)?$")
# 为 + whom, right before a quoted phrase that ends the clause: 为嘎查村集体经济“保驾护航”, 为群众“排忧解难”
_FOR_WHOM_BEFORE = re.compile(r"(?<![成作认以视称])为[^，。；！？“”\n]{1,12}$")
_CLAUSE_END_AT = re.compile(r"(?:[，。；！？,;!?\s]|$)")
# 伊金霍洛旗阿勒腾席热镇(简称“阿镇”): a place's short name, not a programme's
_PLACE_ALIAS_BEFORE = re.compile(r"(?:镇|旗|盟|市|区|县|乡|村|苏木|嘎查|社区|街道)[(（]简称$")
_TITLE_SHAPE = re.compile(
    r"(?:之乡|之城|之都|之窗|之源|之花|之星|之最|明珠|名片|星级|示范单位|文明单位|先进集体|模范集体|先进单位|称号|荣誉)$"
    r"|^(?:最美|最佳|十佳|百佳|十大|百强|优秀|先进|模范|文明|标兵|明星|金牌|全国|全区|国家级|自治区级|盟级|市级|旗级|县级|"
    r"五星|四星|三星|二星|一星|红旗|五好|十星)|星级"
    r"|^(?:中国|全国|世界|北疆|草原)[\u4e00-\u9fff]{1,3}(?:都|城|乡|谷|仓|港|窗口)$")  # 中国薯都, 中国乳都: a place's title
_GRADE_AFTER = re.compile(r"(?:等次|等级|档次)")
_PEOPLE_CALL = re.compile(r"管[\u4e00-\u9fff]{1,8}(?:叫|称|喊)(?:作|做|为)?$")
# a programme word that ends a quoted name (“五心工作法”)
_WORDED_END = re.compile(r"[\u4e00-\u9fff0-9]{2}(?:工作法|模式|机制|工程|行动|活动|计划|品牌|制度|做法)$")
# a practice, though its name starts like an honour (“文明积分”, “文明实践”, “先锋行动”)
_PRACTICE_END = re.compile(r"(?:积分|积分制|行动|活动|工程|计划|超市|银行|实践)$")
_PERSON_SHAPE = re.compile(r"(?:书记|主任|队长|大叔|大姐|大嫂|大妈|大爷|阿妈|额吉|阿爸|老人|铁人|能人|达人|状元|愚公|先生|女士|"
                           r"贴心人|带头人|领路人|引路人|当家人|守护人|主心骨|领头雁|排头兵|老黄牛|孺子牛|娘家人|好人|"
                           r"秀才|专家|工匠|巧匠|师傅|骨干|标兵|模范|明星|状元|能手|把式|党员|支书|干部|教师)$")
# 两个确立, 三个作用, 四个意识, 五大优势: numbered formulas (unless a programme word follows: “四比”活动)
_FORMULA = re.compile(r"^[一二两三四五六七八九十百千万\d]+(?:个|大|项|条|种|有|好|心|感|自信|维护|确立|必须|坚持|不|无|到位|基础)")
_TIER = re.compile(r"^[两三四五]级|级联动$|级联创$|级联建$")
_DASH = re.compile(r"[-－—–─]+")
# the levels a tier formula (盟-旗-苏木-嘎查, 街道—社区—网格) chains; a chain of steps (接单—派单—办结—回访) is a practice
_LEVEL_WORDS = frozenset(("自治区", "区", "盟", "市", "旗", "县", "苏木", "镇", "乡", "嘎查", "村", "社区", "街道", "网格",
                          "楼栋", "单元", "户", "盟市", "旗县", "旗县区", "旗县市区", "苏木镇", "苏木乡镇", "乡镇", "嘎查村", "村组",
                          "党委", "党工委", "党总支", "党支部", "支部", "党小组", "小组", "中心户", "党员", "小区", "楼长",
                          "网格长", "网格员", "片区", "院落", "楼道", "家庭", "党组织"))
_LEVEL_ENDS = tuple(sorted(_LEVEL_WORDS, key=len, reverse=True))  # (社区党委—网格党支部—楼栋党小组: levels too)


def _tier_formula(name: str) -> bool:
    """盟-旗-苏木 / 街道—社区—网格 / 两级联动: a formula of tiers, never a programme (a chain of steps can be one)."""
    if _TIER.search(name):
        return True
    if not _DASH.search(name):
        return False
    parts = [p for p in _DASH.split(name) if p]
    return len(parts) < 2 or sum(p.endswith(_LEVEL_ENDS) or p[-1:] in "级层" for p in parts) * 2 >= len(parts)
_SPEECH = re.compile(r"[，,。！？!?：:；;]")
_NUMERIC = re.compile(r"[\d０-９.%]+")
_NUMBERED_RULE_AFTER = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:分配办法|办法|模式|机制|分配法|工作法|制度)")
_FUNCTION_WORD = re.compile(r"[的和及与在对把将被让向从给]")
# Unquoted: a headline that starts with a programme's name (口岸党建联盟激活…), or a named
# project after a verb in the body (公忽洞村建设现代羊共享牧场项目 → 现代羊共享牧场).
_HEAD_UNQUOTED = re.compile(r"([\u4e00-\u9fff]{2,8}?(?:联盟|工程|行动|计划|课堂|夜校|驿站|家园|工作法|服务队|护边队|宣讲队|宣讲团"
                            r"|联合体|中心户|书屋|工作室|议事厅|说事点|红哨|先锋队|小分队|(?<![新好活])模式))")
_HEAD_FRAME = re.compile(r"^(?:关于)?(?:[\u4e00-\u9fff]{0,8}?(?:以|用|靠|借助|依托|通过))?"
                         # 建强区域党建联合体, 做实…, 用活…: a verb and its result before the name
                         r"(?:[建做抓用管办育夯筑擦唱叫激搞强优][强好实优活亮响细深准牢稳大])?")
# 首府两个社区工作法: a count inside a headline's phrase makes it a description, not a name
_COUNTED_INSIDE = re.compile(r"[0-9０-９一二两三四五六七八九十百千几]+[个项条种家所支名类批]")
_BODY_VERBS = ("建设", "实施", "推进", "推行", "启动", "打造", "开展", "建立", "构建", "探索", "推广", "深化", "创建", "创新",
               "推出", "叫响", "培育", "组建", "设立", "开设", "建成", "建起", "成立", "选树", "培树", "全面推行", "大力推行")
_WORD_COUNTED = re.compile(r"(?:共|达|达到|已达|有)?[0-9０-９一二两三四五六七八九十百千万]+(?:余|多)?[个项处家座批类]")
_BODY_UNQUOTED = re.compile(
    "(?:" + "|".join(sorted(_BODY_VERBS, key=len, reverse=True)) + r")(?:了)?"
    r"([\u4e00-\u9fff]{3,8}?)(?:项目|工程|行动|工作法|机制|平台|计划|模式|制度)")
# a campaign named by who goes where (开展在职党员进社区活动617次, 深化干部下基层行动)
_BODY_MOVEMENT = re.compile("(?:" + "|".join(sorted(_BODY_VERBS + ("组织",), key=len, reverse=True)) + r")(?:了)?"
                            r"([\u4e00-\u9fff]{2,6}?(?:进|下|入|回|到)[\u4e00-\u9fff]{1,4}?)(?:活动|行动)")
_BODY_CAMPAIGN = re.compile(
    "(?:" + "|".join(sorted(_BODY_VERBS, key=len, reverse=True)) + r")(?:了|好)?([\u4e00-\u9fff]{2,6}?(?:学习教育|主题教育))")
# verb + noun phrase with a programme head noun: 设立党员中心户1870户, 建成暖心驿站21处 (a weak candidate)
_BODY_HEADED = re.compile(
    "(?:" + "|".join(sorted(_BODY_VERBS, key=len, reverse=True)) + r")(?:了|起)?(?:" + _COUNT + r")?"
    r"([\u4e00-\u9fff]{2,8}?(?:" + "|".join(sorted(_UNQUOTED_HEADS, key=len, reverse=True)) + r"))")
# 58个党建联合体: a count right before a headed noun phrase (a weak candidate; 1名党员中心户 counts people)
_THING_COUNT = r"(?:[0-9０-９]+|(?!一(?:[批些系]|[个支处家所座间户名类项种条期场次]))[一二两三四五六七八九十百千万几]+)(?:余|多)?(?:个|支|处|家|所|座|间|户|批|类|项|种|条)"
_COUNTED_HEADED = re.compile(
    _THING_COUNT + r"([\u4e00-\u9fff]{2,6}?(?:" + "|".join(sorted(_UNQUOTED_HEADS, key=len, reverse=True)) + r"))")
_GENERIC = re.compile(r"^(重点|各类|系列|一批|相关|基础设施|民生|产业|示范|专项|乡村振兴|基层党建|党建|全面|各项|多项|新型"
                      r"|常态化|长效|规范化|标准化|信息化|数字化|一体化|新建|改扩建|标准|规范|综合|便民|临时|流动|固定|村级|"
                      r"嘎查|社区|苏木|乡镇|镇级|旗级|县级|市级|盟级|各级|基层|各地|全旗|全市|全盟|全区|一批批|多支|多家)")
# (or who they are: 年轻党员中心户, 女党员中心户, 流动党员中心户 are 党员中心户 of a kind)
_DESCRIPTIVE = re.compile(r"(?:产业|型|式|类|级|村|镇|社区|嘎查|区域|城乡|行业|领域|企业|年轻|青年|女|妇女|老|老年|优秀|骨干|"
                          r"流动|新|示范|星级|边境|牧区|农村|城镇|城市|片区|网格|楼栋)$")
# The two to four characters before a programme head noun, after a boundary (的, punctuation, a verb's object)
# (and the ways two parties are paired: 村企结对, 村企联建 — a method the article names again and again)
_PAIRING_HEADS = ("结对", "联建", "共建")
_REPEATED_HEADED = re.compile(r"(?<=[的，。、；：“”（）\s把将让是])([\u4e00-\u9fff]{2,4}?(?:"
                              + "|".join(sorted(_UNQUOTED_HEADS + _PAIRING_HEADS, key=len, reverse=True)) + r"))")
# A model named by who runs what (党组织领办合作社, 党支部领办的合作社, 党员创办企业): the party body, a verb of
# leading or founding, and the economic unit; the article's name for it drops the owner's level (嘎查村) and 的
# (村党支部领办的丰禾种植专业合作社: a relative clause, the cooperative's own name between)
_LED_BY = re.compile(r"(党组织|党支部|党总支|党委|支部|党员)(领办|领创|领建|创办|牵头创办)(的(?:(?![和与及或等])[\u4e00-\u9fff]){0,8}?)?"
                     r"(专业合作社|股份经济合作社|合作社|企业|公司|经济实体|实体|扶贫车间|车间)")
_LED_PRESENTED_AFTER = re.compile(r"[”\"」]?(?:模式|工作|作为|为抓手|试点|改革|行动|以来|覆盖|全覆盖|提质|规范|成效)")
# An alliance founded in the text keeps its word: 成立口岸党建联盟 → 口岸党建联盟.
_BODY_ALLIANCE = re.compile(r"(?:成立|组建|建立|打造|牵头成立)(?:了|起)?([\u4e00-\u9fff]{2,8}?联盟)")
# Words that make a verb + name + programme word a description, not a name (建立健全长效机制,
# 建设党群服务中心项目, 完善工作机制, 构建协调联动机制).
_GENERIC_INSIDE = re.compile(r"工作|健全|完善|长效|体制|制度|相关|有关|设施|中心|改造|协调|联动|保障|考核|激励|监督"
                             r"|运行|管理机制|服务体系|配套|基础|试点")
# A name in book-title marks is a programme only as a column or broadcast the text opens
# (开设《牧区微党课》专栏); 《内蒙古日报》, 《条例》 are publications.
_PLAN_TITLED = re.compile(r"《([^《》\n]{4,40}?(?:行动|工程|计划|活动|项目))(?:实施方案|工作方案|方案)(?:[(（][^()（）\n]{0,16}[)）])?》")
_TITLED = re.compile(r"(?:开设|推出|开办|创办|开通|打造)《([^《》\n]{2,12})》|《([^《》\n]{2,12})》(?=专栏|栏目|节目|微课堂)")
# finditer of the patterns that re tries at every position, tried only where a match can start (etl.fastscan)
_SCAN = {_COUNTED_HEADED: scanner(_COUNTED_HEADED), _TITLED: scanner(_TITLED)}

# A verb or preposition in what comes before a head noun: a slogan or clause (有事找中心户), not a kind of it
_CLAUSE_MODIFIER = re.compile(r"[找有是在到让把给向对去来]")
# Head nouns by which the genre refers back to a named programme that is a thing or a place.
_REFERENCE_HEADS = ("联盟", "联合体", "驿站", "食堂", "课堂", "夜校", "家园", "书屋", "超市", "服务队", "哨所", "牧场", "之家",
                    "联营点", "议事厅", "工作室", "中心户", "突击队", "巡逻队", "巡护队", "先锋队", "示范户")
# The groups a practice organises people into, named by the practice's last word (帮种小组 of 党员联户帮种)
_GROUP_HEADS = ("小组", "小队", "分队", "服务队", "工作队", "工作组", "互助组")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
# Units a quoted programme names after it, by which the text refers back to it (“红色轻骑”流动党课车 … 党课车3辆)
_UNIT_AFTER = re.compile(r"[\u4e00-\u9fff]{0,3}?(流动党课车|党课车|服务车|宣讲车|服务队|宣讲队|宣讲团|服务站|服务点|驿站|工作室|议事厅|说事点)")


@dataclass(frozen=True)
class InitiativeMention:
    """A programme named in a text: where, its canonical name and how it was found.

    ``rank`` says how far the mention reaches: 2 (STRONG) — the article presents it as a programme
    (quotes with evidence, a programme word, the headline), so it is the programme of the numbers
    around it; 1 (KNOWN) — a name the lexicon knows, mentioned without such evidence
    (优化调整党员中心户600户): the programme of the number that counts it; 0 (CANDIDATE) — a noun
    phrase only the grammar suggests (建成暖心驿站21处): the programme of the number that counts it
    (or of its own clause) when nothing else is.
    """

    start: int
    end: int
    name: str
    how: str  # headline | text | reference (a short form after the full name: 联盟 for 口岸党建联盟) | described
    # (a unit named with a description: 跨村党建联合体 → 党建联合体)
    rank: int = 2

    @property
    def strong(self) -> bool:
        return self.rank == STRONG


STRONG, KNOWN, CANDIDATE = 2, 1, 0


@dataclass(frozen=True)
class Lexicon:
    """The curated programme names: canonical names, aliases, known non-programmes, generic institutions."""

    canonical: dict[str, str]  # alias or name → canonical name
    stop: frozenset[str]
    pattern: re.Pattern | None
    generic: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()  # names of kind "unit": programmes only where presented as such


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load data/reference/initiatives.csv (name,aliases,kind,source)."""
    canonical: dict[str, str] = {}
    stop: set[str] = set()
    generic: set[str] = set()
    units: set[str] = set()
    if LEXICON_PATH.exists():
        with LEXICON_PATH.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                names = [row["name"], *[a for a in (row.get("aliases") or "").split("|") if a]]
                if row.get("kind") == "not_initiative":
                    stop.update(names)
                    continue
                if row.get("kind") == "generic":
                    generic.update(names)
                    continue
                for n in names:
                    canonical[n] = row["name"]
                if row.get("kind") == "unit":
                    units.update(names)
    keys = sorted(canonical, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
    return Lexicon(canonical, frozenset(stop), pattern, frozenset(generic), frozenset(units))


def _clean(name: str) -> str:
    return name.strip(" “”\"「」‘’")


def _acceptable(name: str, lex: Lexicon) -> bool:
    if name in lex.stop or name in lex.generic or len(name) < 2:
        return False
    if _SPEECH.search(name):  # speech, not a name
        return False
    if _NUMERIC.fullmatch(name):
        return False
    return True


_VERB_GE = re.compile(r"^[\u4e00-\u9fff](?<![一二两三四五六七八九十几每])个[\u4e00-\u9fff]{1,2}$")
# 量身定制, 严格控制: verbs, not names ending in 制 (积分制, 河长制)
_NOT_SYSTEM = frozenset("定控限编研抵节管体强专")


def _headed(name: str) -> bool:
    """Tell whether a quoted name ends in a head noun of what a campaign creates (“草原夜校”, “积分制”)."""
    if len(name) < 3 or not name.endswith(_HEADS):
        return False
    return not (name.endswith(("制", "法")) and name[-2] in _NOT_SYSTEM)


_FIVE_YEAR = re.compile(r"[一二三四五六七八九十]{1,3}五")
_PLACE_DESCRIBED_BEFORE = re.compile(r"(?:位于|地处|坐落于|坐落在|地处于|被誉为|素有)[^，。；！？,;\n“”]{0,10}$")
_BECAME_BEFORE = re.compile(r"(?:成了|成为了?|变成了?|变为)[\u4e00-\u9fff]{0,3}$")
_PROBLEM_AFTER = re.compile(r"(?:等)?(?:问题|难题|隐患|矛盾)(?:[^\u4e00-\u9fff]|[的和及与个件条项]|$)")  # (not “驿调和”矛盾纠纷调解室)
# 选派12名技术骨干担任“田秀才”: a role the programme sets up, which people take on (not what people call someone)
_TAKES_ROLE = re.compile(r"(?:担任|聘为|聘任为|选聘为|聘请为|当起了?|当上了?)$")
_DEMONSTRATIVE_BEFORE = re.compile(r"(?:这些|那些|这类|那类|这种|那种|这点|这份)$")


def _rejected_shape(name: str, text: str, start: int, end: int, suffix: bool, head: bool = False) -> bool:
    """Tell whether a quoted name is a title, honour, nickname, metaphor, formula or tier, by its shape and place.

    Titles, honours, ranks and tiers are never programmes; a person's nickname, a metaphor, a
    numbered formula or a composition is one only with a programme word after it (“双带头人”培育工程).
    """
    if ((_TITLE_SHAPE.search(name) and not _PRACTICE_END.search(name)) or _tier_formula(name) or _COHORT.match(name)
            or _ASPECT_END.search(name)):
        return True
    if _PLACE_ALIAS_BEFORE.search(text, max(0, start - 6), start):
        return True
    if not suffix and _RECEIVED_BEFORE.search(text, max(0, start - 8), start):
        return True  # 村民领到春节“福利包”: what people receive, not a programme
    if not suffix and _FIXES_BEFORE.search(text, max(0, start - 7), start):
        return True  # 填补“真空带”, 打通“最后一公里”: the problem a programme fixes, not the programme
    if (not suffix and _FOR_WHOM_BEFORE.search(text, max(0, start - 16), start) and _CLAUSE_END_AT.match(text, end)
            and not _VERB_BEFORE.search(text, max(0, start - 12), start) and not _headed(name)):
        return True  # 为嘎查村集体经济“保驾护航”: what is done for someone, a verb phrase, not a name
    if not suffix and _METAPHOR_HEAD.search(name):
        return True
    if not suffix and _FIGURATIVE_BEFORE.search(text, max(0, start - 5), start) and _ordinary_word(name, 10):
        return True
    if not suffix and text.startswith("的", end) and _ordinary_word(name):
        return True  # 建设牧民“家门口”的党校: a word that qualifies a noun, not a name
    if _GRADE_AFTER.match(text, end):
        return True  # “基本称职”等次5名: a grade of an assessment, not a programme
    row_end = end
    while text.startswith(("“", "、“"), row_end):
        close = text.find("”", row_end + 1, row_end + 40)
        if close < 0:
            break
        row_end = close + 1  # “A”“B”“C”等问题46个: the row ends after its last quote
    if _PROBLEM_AFTER.match(text, end) or (row_end > end and _PROBLEM_AFTER.match(text, row_end)):
        return True  # 收集通关“堵点”问题64个, “卡脖子”难题: the kind of problem, not a programme
    if not suffix and _BECAME_BEFORE.search(text, max(0, start - 6), start) and not _headed(name):
        return True  # 马铃薯成了致富“香饽饽”: what something became, a figure of speech (not 改成了“幸福食堂”)
    if not suffix and _PEOPLE_CALL.search(text, max(0, start - 12), start):
        return True  # 牧民们管这些党员叫“草场上的哨兵”: what people call someone
    while text.startswith("”", start - 1) or text.startswith("、", start - 1) and text.startswith("”", start - 2):
        back = text.rfind("“", max(0, start - 30), start - 1)  # 作为“信息员”“调解员”: the verb before the row
        if back < 0:
            break
        start = back
    if _RANK_BEFORE.search(text, max(0, start - 5), start) or _METAPHOR_AFTER.match(text, end):
        return True
    launched = (_LAUNCH_RIGHT_BEFORE.search(text, max(0, start - 6), start) is not None
                or _NAMED_RIGHT_BEFORE.search(text, max(0, start - 4), start) is not None)
    # (——…“党建+治沙”见闻: a headline's one quoted name is what the report is about, composed or not)
    composed = launched or head
    if not suffix and ((_PERSON_SHAPE.search(name) and not _TAKES_ROLE.search(text, max(0, start - 4), start))
                       or _VERB_GE.search(name)  # “吹个哨”, “搭个台”: a verb phrase, not a name
                       or (_LIKE_BEFORE.search(text, max(0, start - 4), start)
                           and not _ENUMERATED_BEFORE.search(text, max(0, start - 6), start))  # (第一条是“…”)
                       or _LIKE_DE_BEFORE.search(text, max(0, start - 14), start)
                       or _copula_de(text, start)
                       or _QUALITY_BEFORE.search(text, max(0, start - 2), start)
                       or _CRITICISED_BEFORE.search(text, max(0, start - 9), start)
                       or _RIDE_BEFORE.search(text, max(0, start - 12), start)
                       or text.startswith("在", start - 1)  # 在“云端”宣讲: a place, not a name
                       # 这些“小事”: a common word the sentence points back to, not a name it introduces
                       or (_DEMONSTRATIVE_BEFORE.search(text, max(0, start - 2), start) and _ordinary_word(name))
                       or (_FORMULA.match(name) and not launched  # 两个确立, 三个作用 (but 实行“三个一”, “四比”活动,
                           and not (head and text[start - 1:start] in ("", "\n", ":", "：")))  # 南村：“四个先行”拓宽…)
                       or (("+" in name or "＋" in name) and not composed)  # “嘎查+社区”联合体 describes; 探索“中心户+…”
                       or "、" in name):  # 实行“街道吹哨、部门报到”: a slogan of parallel phrases
        return True
    if _FIVE_YEAR.fullmatch(name):
        return True  # “一五”计划, “十四五”时期: a five-year plan's period, not a programme
    if not suffix and _PLACE_DESCRIBED_BEFORE.search(text, max(0, start - 12), start):
        return True  # 恼包村位于新城区“后花园”: how a place is described, not a programme
    if not suffix and name[0] == "零" and 2 <= len(name) <= 4:
        return True  # 服务群众“零距离”, “零跑腿”: a state or target reached (zero X), not a programme's name
    if name.endswith("的") or name.count("、") >= 2:
        return True  # 收入“嘎嘎的” (a predicate); “提早谋划、提早研判、提早指导”工作思路 (a row of slogans)
    return False


def _ordinary_word(name: str, floor: int = 100) -> bool:
    """A quoted word the dictionary knows well (串起“产业链”): emphasis, not a name, unless more says so."""
    from .subjects import common_word_frequency  # noqa: PLC0415  (jieba's tables, built once)

    return common_word_frequency(name) >= floor


# 称他们“红管家”, 牧民都叫他“骆驼书记”, 被誉为“…”: what people are called
_CALLED_BEFORE = re.compile(r"(?:(?:称|叫|喊|唤)(?:他们|她们|他|她|大家)|称为|称作|誉为|人称|昵称|外号|绰号)(?:为|是|作)?$")


def _copula_de(text: str, start: int) -> bool:
    m = _COPULA_DE_BEFORE.search(text, max(0, start - 14), start)
    return m is not None and _VERB_BEFORE.search(m.group(1)) is None


def _head_lines(text: str, head_end: int) -> list[tuple[int, int]]:
    out, pos = [], 0
    while pos < head_end:
        nl = text.find("\n", pos, head_end)
        end = head_end if nl < 0 else nl
        if end > pos:
            out.append((pos, end))
        pos = end + 1
    return out


def _generic_np(name: str, lex: Lexicon) -> bool:
    """Tell whether an unquoted noun phrase is a description or a standard institution, not a name."""
    return (name in lex.generic or any(name.endswith(g) and len(name) - len(g) <= 2 for g in lex.generic)
            or _GENERIC.match(name) is not None or _FUNCTION_WORD.search(name) is not None
            or not _acceptable(name, lex))


# A paragraph that opens with a short title phrase ending in a quoted name: 致富能手“现场讲”。…
_LEAD_TITLE = re.compile(r"[。：:]")
_LEAD_BEFORE = re.compile(r"(?:^|\n)[■□◆◇●○▲△▶►★☆◎※#＃\s]*[\u4e00-\u9fff]{0,8}$")
# A tool, not a programme: 通过“学习强国”视频会议功能, “12345”热线
_TOOL_AFTER = re.compile(r"(?:视频|APP|App|app|客户端|小程序|公众号|软件|功能|热线|电话|网站|直播间|账号"
                         r"|品种)")  # (650亩“金苗K1”品种: a crop's variety)


_KICKER = re.compile(r"【([\u4e00-\u9fff]{3,8})】")
_HEADING_LAUNCH = re.compile(r"^[（(]?[一二三四五六七八九十0-9０-９]{1,2}[)）、.．]\s*(?:" + "|".join(sorted(_LAUNCH, key=len, reverse=True))
                             + r")([\u4e00-\u9fff]{3,6})(?=[，,：:；;])", re.M)
_TOOL_LAUNCHED_BEFORE = re.compile(r"(?:上线|开发|研发|推出|开通|启用|搭建|建成|打造)(?:了)?(?:一款|一个|一套)?$")
# “一带五”是四子王旗今年推出的庭院帮带机制: a name the sentence defines as a programme
_DEFINED_AS = re.compile(r"[，,]?(?:就|也|便|正|即)?是[^。！？；\n“”]{0,24}?(?:推出|推行|创新|探索|建立|实行|首创|打造|实施|开展|"
                         r"总结|提炼|形成)[^。！？；，\n“”]{0,8}?的[^。！？；，\n“”]{0,8}?(?:机制|模式|做法|工作法|品牌|活动|"
                         r"工程|举措|办法|制度|平台|项目|行动)"
                         # “民情夜访”已经成了干部的规定动作: what it has become says what it is
                         r"|(?:已经|已|逐渐|渐渐|早已)?(?:成了|成为|变成了?)[^。！？；\n“”]{0,12}?(?:规定动作|品牌|名片|招牌|"
                         r"做法|机制|模式|抓手|载体|亮点)")


def _evidence(text: str, start: int, end: int, head_starts: set[int]) -> bool:
    """Tell whether the words around a quoted name (at text[start:end], quotes included) present it as a programme."""
    if _TOOL_AFTER.match(text, end) and not _TOOL_LAUNCHED_BEFORE.search(text, max(0, start - 6), start):
        return False  # (but 街道上线“格事速办”小程序: the app a programme launches is the programme)
    return bool(
        _DEFINED_AS.match(text, end)
        or _ENUMERATED_BEFORE.search(text, max(0, start - 6), start)
        or
        _LEAD_TITLE.match(text, end) and _LEAD_BEFORE.search(text, max(0, start - 10), start)  # 旗级领导“领题讲”。…
        or
        _SUFFIX_AFTER.match(text, end)
        or _VERB_BEFORE.search(text, max(0, start - 12), start)
        or _NAMED_RIGHT_BEFORE.search(text, max(0, start - 4), start)
        or _LAUNCH_NEAR.search(text, max(0, start - 10), start)
        or (text.startswith(_AS_MEANS_BEFORE, start - 1) and _AS_MEANS.match(text, end))
        # (由9名“红色管家”轮流值守: people counted under a role's name; a nickname is a person's, not counted)
        or _COUNT_BEFORE.search(text, max(0, start - 6), start)
        or _COUNT_AFTER.match(text, end)
        or start in head_starts
        or _worded_elsewhere(text, start, end))


def _worded_elsewhere(text: str, start: int, end: int) -> bool:
    """A quoted name (办一场“邻里节”) the text also writes with a programme word right after it (举办邻里节活动530余场):
    the text names it as a programme, wherever it quotes it."""
    name = text[start + 1:end - 1]
    i = text.find(name)
    while i >= 0:
        if not start <= i < end and _SUFFIX_RIGHT_AFTER.match(text, i + len(name)):
            return True
        i = text.find(name, i + 1)
    return False


def _counted_word(name: str, text: str, start: int, end: int, head_starts: set[int]) -> bool:
    """A common word in quotes whose only evidence is a count near it (清理楼道里的“蜘蛛网”电线3000多米):
    a metaphor or emphasis, not a name; a name needs a launching verb, a programme word or a headline."""
    if (start in head_starts or _SUFFIX_AFTER.match(text, end) or _VERB_BEFORE.search(text, max(0, start - 12), start)
            or _NAMED_RIGHT_BEFORE.search(text, max(0, start - 4), start) or _DEFINED_AS.match(text, end)
            or _LAUNCH_NEAR.search(text, max(0, start - 10), start)):
        return False
    return _ordinary_word(name, 10)  # (蜘蛛网, 钱袋子: words of the dictionary, not coined names)


def _quoted(text: str, head_starts: set[int], lex: Lexicon, names: dict[str, tuple[str, int]]) -> None:
    """Quoted names confirmed by a programme word, a verb, a head noun, a count or the headline.

    A name the text also gives people as what they are called (居民们亲切地称他们“红管家”) is a nickname
    wherever it stands (a headline's 老旧小区来了“红管家”), unless a programme word follows it somewhere.
    """
    nicknames: set[str] = set()
    worded: set[str] = set()
    headings: frozenset[str] | None = None
    aliases = {_clean(m.group(1)) for m in _QUOTED.finditer(text)
               if _PLACE_ALIAS_BEFORE.search(text, max(0, m.start() - 6), m.start())} if "简称" in text else set()
    for m in _QUOTED.finditer(text):
        name = _clean(m.group(1))
        q0, q1 = m.start(), m.end()
        if name in aliases:
            continue  # a place's short name wherever it is quoted
        if _NUMERIC.fullmatch(name) and len(name) >= 3 and "." not in name and "%" not in name and _NUMBERED_RULE_AFTER.match(text, q1):
            names[name] = (name, STRONG)  # “631”收益分配办法: a rule named by its numbers
            continue
        if not _acceptable(name, lex):
            continue
        known = name in lex.canonical
        # (“五心工作法”为抓手: the programme word inside the quotes says as much as one after them)
        suffix = _SUFFIX_AFTER.match(text, q1) is not None or _WORDED_END.search(name) is not None
        if suffix:
            worded.add(name)
        if not known and _rejected_shape(name, text, q0, q1, suffix, q0 in head_starts):
            if _CALLED_BEFORE.search(text, max(0, q0 - 8), q0):
                nicknames.add(name)
            continue
        if known or (_headed(name) and not _ordinary_word(name)) or (
                _evidence(text, q0, q1, head_starts) and not _counted_word(name, text, q0, q1, head_starts)) \
                or name in (headings := headings if headings is not None else _heading_names(text)):
            names[name] = (lex.canonical.get(name, name), STRONG)
    for name in nicknames - worded:
        if name not in lex.canonical:
            names.pop(name, None)


_HEADING_LINE = re.compile(r"^[▌■◆●▲★☆【\[（(〔\s]*(?:[一二三四五六七八九十]+[、.．]|[0-9０-９]+[、.．]|[（(][一二三四五六七八九十]+[)）])?"
                           r"\s*[“\"]?([\u4e00-\u9fff]{3,8})[”\"]?[】\]〕]?(?:[\s　：:｜|丨—]|$)", re.M)


def _heading_names(text: str) -> frozenset[str]:
    """The names that open a section heading (▌社区合伙人　激活“一池春水”): a heading names its section's subject,
    so a quoted name the body uses that a heading opens with is a programme."""
    out = set()
    for m in _HEADING_LINE.finditer(text):
        end = text.find("\n", m.start())
        line = text[m.start():end if end >= 0 else len(text)]
        if len(line) <= 30 and "。" not in line:
            out.add(m.group(1))
    return frozenset(out)


def _without_place(name: str) -> str:
    """A headline's name without the place it starts with (关于奈曼旗党员中心户… → 党员中心户)."""
    from .gazetteer import load_gazetteer  # noqa: PLC0415  (built once, cached)

    first = next(iter(load_gazetteer().find_places(name)), None)
    if (first is not None and first.start == 0 and len(name) - first.end >= 3 and first.candidates
            and all(c.level in ("league", "banner", "township") for c in first.candidates)):
        return name[first.end:]
    return name


# A brand's name as the name of a medium (北疆先锋网, …微信公众号, …客户端): the outlet, not the programme
_MEDIA_AFTER = re.compile(r"(?:网(?![\u4e00-\u9fff])|网站|微信公众号|公众号|客户端|APP|App|app)")


def _names(text: str, head_end: int, lex: Lexicon) -> dict[str, tuple[str, int]]:
    """Collect the programme names an article establishes: name as written → (canonical name, rank)."""
    names: dict[str, tuple[str, int]] = {}
    # a headline that starts with a quoted name names the article's programme (“三减三优”为基层…);
    # a kicker of several quoted slogans (“文艺党课”气氛足 “书记主播”云端说) does not
    head_starts = set()
    for a, b in _head_lines(text, head_end):
        line = text[a:b]
        quoted = list(_QUOTED.finditer(text, a, b))
        if len(quoted) == 1:  # 杭锦旗：4800余名在职党员进社区“双报到” (but not a kicker of three slogans)
            head_starts.add(quoted[0].start())
        colon = max(line.find("："), line.find(":"))
        bar = max(line.find("丨"), line.find("｜"), line.find("|"))
        # 国门党旗红丨口岸联盟聚合力: a column's label, then the headline
        starts = (a + bar + 1,) if 0 < bar < 14 else (a, a + colon + 1) if 0 < colon < 14 else (a,)
        for start in starts:
            v = _LAUNCH_AT.match(text, start, b)
            h = _HEAD_UNQUOTED.match(text, v.end() if v else start, b)
            if h is None:
                continue
            # 关于达茂旗以党建联盟带动…: the name is what follows the report's framing (关于…以/用/靠)
            name = _without_place(_HEAD_FRAME.sub("", h.group(1)))
            if (len(name) >= 3 and _acceptable(name, lex) and not text.startswith("“", start)
                    and not _COUNTED_INSIDE.search(name)
                    and not _generic_np(name, lex)):
                # (联村集体经济模式闯出新路: the model's name, without its programme word)
                bare = name[:-2] if name.endswith("模式") and len(name) >= 6 else name
                names[name] = (lex.canonical.get(name, bare), STRONG)
    if "“" in text or '"' in text or "「" in text or "‘" in text:
        _quoted(text, head_starts, lex, names)
        # 🔥【草原红管家】 over a post's headline: the programme the post is about, when the body quotes it too
        for a, b in _head_lines(text, head_end):
            k = _KICKER.search(text, a, b)
            if k is not None and "“" + k.group(1) + "”" in text and _acceptable(k.group(1), lex):
                names.setdefault(k.group(1), (lex.canonical.get(k.group(1), k.group(1)), STRONG))
    for m in _BODY_UNQUOTED.finditer(text):
        name = m.group(1)
        if _WORD_COUNTED.match(text, m.end()):  # 实施联建产业项目63个: projects counted, not a programme's name
            continue
        # a method's name (推行流动党支部工作法) may start like a description; other words need a name
        method = text.startswith("工作法", m.end() - 3)
        if name[-1] in "新好优":
            continue  # 探索发展新模式, 总结好机制: a new or good one in general, no name
        if (_acceptable(name, lex) and (method or not _GENERIC.match(name)) and not _GENERIC_INSIDE.search(name)
                and not _FUNCTION_WORD.search(name) and not (lex.pattern is not None and lex.pattern.search(name))):
            names[name] = (lex.canonical.get(name, name), STRONG)
    # （二）推行村企联建，让集体经济“壮起来”: a numbered section heading that launches a name the body names again
    for m in _HEADING_LAUNCH.finditer(text) if "（" in text or "、" in text else ():
        name = m.group(1)
        if (name not in names and text.count(name) >= 2 and not _generic_np(name, lex)
                and not (lex.pattern is not None and lex.pattern.search(name))):
            names[name] = (lex.canonical.get(name, name), STRONG)
    for m in _BODY_MOVEMENT.finditer(text) if "活动" in text or "行动" in text else ():
        name = m.group(1)
        if _acceptable(name, lex) and not re.search(r"[的和与及]", name) and not _GENERIC.match(name):
            names.setdefault(name, (lex.canonical.get(name, name), STRONG))  # (在职党员's 在 is no preposition)
    # 扎实开展党纪学习教育: a campaign of study named by what it studies, the whole phrase its name
    for m in _BODY_CAMPAIGN.finditer(text) if "教育" in text else ():
        name = m.group(1)
        if _acceptable(name, lex) and not _FUNCTION_WORD.search(name):
            names.setdefault(name, (lex.canonical.get(name, name), STRONG))
    for pattern in (_BODY_HEADED, _COUNTED_HEADED) if any(h in text for h in _UNQUOTED_HEADS) else ():
        for m in _SCAN.get(pattern, pattern.finditer)(text):
            name = m.group(1)
            if name in names or _generic_np(name, lex):
                continue
            if name in lex.canonical:
                rank = KNOWN
            elif any(name.endswith(u) for u in lex.units):
                # 组建京蒙党建联合体12个: a named kind of a programme the genre knows; 肉牛产业党建联合体
                # and 区域型党建联合体 are descriptions of it
                unit = next(u for u in lex.units if name.endswith(u))
                if _DESCRIPTIVE.search(name[:-len(unit)]):
                    # a description of the unit (the unit's programme where a verb sets it up: 组建跨村党建联合体),
                    # never stronger than a programme the sentence names (mentions "described")
                    names[name] = (unit, STRONG if pattern is _BODY_HEADED else KNOWN)
                    continue
                rank = STRONG if pattern is _BODY_HEADED else KNOWN
            else:
                rank = CANDIDATE
            names[name] = (lex.canonical.get(name, name), rank)
    # a headed candidate built on a strong name's last words (草原红管家 … 组建红管家服务队156支): that name's
    strong_plain = [n for n, (c, r) in names.items() if r == STRONG and c == n and "+" not in n and len(n) >= 4]
    for name, (canonical, rank) in list(names.items()):
        if rank != CANDIDATE:
            continue
        head = next((h for h in _UNQUOTED_HEADS if name.endswith(h)), "")
        stem = name[:-len(head)] if head else ""
        owner = next((n for n in strong_plain if len(stem) >= 2 and n.endswith(stem) and n != name), None)
        if owner is not None:
            names[name] = (owner, STRONG)
    # a candidate the article launches and names again (建设党员暖心驿站… 新建党员暖心驿站5处): confirmed
    for name, (canonical, rank) in list(names.items()):
        if rank == CANDIDATE and text.count(name) >= 2 and len(name) >= 4:
            names[name] = (canonical, STRONG)
    # a candidate the text sets up (设立了老杨调解工作室, 组建了4支党员农机服务队) and then refers back to by its
    # head noun (工作室成立以来…, 编进了农机服务队)
    for name, (canonical, rank) in list(names.items()):
        if rank != CANDIDATE or len(name) < 5 or name[0] in "一二两三四五六七八九十每各":
            continue  # 建立一支服务队, 一苏木一队: a count or a formula, not a name
        head = next((h for h in _UNQUOTED_HEADS if name.endswith(h)), "")
        at = text.find(name)
        if (head and at >= 0 and _LAUNCH_COUNTED_BEFORE.search(text, max(0, at - 12), at)
                and text.find(head, at + len(name), at + len(name) + 120) >= 0):
            names[name] = (canonical, STRONG)
    # a noun phrase with a programme head noun that the article names again and again (他们的积分超市…
    # 我们的积分超市…把积分超市补上来): confirmed by repetition
    if any(h in text for h in _UNQUOTED_HEADS + _PAIRING_HEADS):
        for m in _REPEATED_HEADED.finditer(text):
            name = m.group(1)
            # (结对's 对 is no preposition: a pairing is judged by who is paired)
            np = name[:-2] + "单位" if name.endswith(_PAIRING_HEADS) else name
            if (name in names or _generic_np(np, lex) or name in lex.canonical or text.count(name) < 3
                    or _LAUNCH_AT.match(name)):  # 组建党建联合体 three times is the verb and the unit
                continue
            names[name] = (name, STRONG)
    if "领办" in text or "创办" in text or "领建" in text or "领创" in text:
        _led_by(text, head_end, lex, names)
    for m in _BODY_ALLIANCE.finditer(text) if "联盟" in text else ():
        name = m.group(1)
        if _DESCRIPTIVE.search(name[:-2]):
            continue  # 组建片区联盟十七个: alliances of a kind (the article's own, by district), not a name
        if _acceptable(name, lex) and not _GENERIC.match(name) and not _FUNCTION_WORD.search(name):
            names.setdefault(name, (lex.canonical.get(name, name), STRONG))
    for m in _SCAN[_TITLED](text) if "《" in text else ():  # the scan costs as much as all the rest
        name = m.group(1) or m.group(2)
        if _acceptable(name, lex):
            names[name] = (lex.canonical.get(name, name), STRONG)
    # 印发《包头市物业服务质量持续提升三年行动方案(2025—2027年)》: the plan a notice issues names its campaign,
    # without the issuing place and the word 方案
    for m in _PLAN_TITLED.finditer(text) if "方案》" in text or "方案(" in text or "方案（" in text else ():
        name = _without_place(m.group(1))
        if len(name) >= 6 and _acceptable(name, lex) and not _FUNCTION_WORD.search(name):
            names.setdefault(name, (lex.canonical.get(name, name), STRONG))
    # a long name the article also writes with more words before it (持续提升三年行动, a headline's second line,
    # of 物业服务质量持续提升三年行动): one programme, under its full name
    full = [n for n, (c, r) in names.items() if r == STRONG and c == n]
    for name, (canonical, rank) in list(names.items()):
        if rank == STRONG and canonical == name and len(name) >= 6:
            longer = [n for n in full if n != name and n.endswith(name)]
            if len(longer) == 1:
                names[name] = (longer[0], STRONG)
    return names


def _led_by(text: str, head_end: int, lex: Lexicon, names: dict[str, tuple[str, int]]) -> None:
    """Add the models named by who runs what (推行党组织领办合作社): strong where the article presents one
    (the headline, a launching verb before it, 把…作为, …模式/…以来 after it), else known (the programme of
    the number that counts it: 党支部领办合作社达到36家).

    One article's forms are one programme (党组织领办合作社, 村党支部领办合作社), under the name it quotes
    (“村党组织领办合作社”模式), else its first form. A relative clause (由嘎查党支部领办的合作社有31家: the
    cooperatives that branches run) names the model only where the article also names it as such."""
    ms = list(_LED_BY.finditer(text))
    if not any(m.group(3) is None for m in ms):
        return
    quoted = [n for n, (_c, r) in names.items() if r == STRONG and (f := _LED_BY.fullmatch(
        re.sub(r"^(?:嘎查村|嘎查|村|社区)", "", n))) is not None and f.group(3) is None]
    canonical = quoted[0] if quoted else next(m.group(1) + m.group(2) + m.group(4) for m in ms if m.group(3) is None)
    if not _acceptable(canonical, lex):
        return
    presented = names.get(canonical, ("", CANDIDATE))[1] == STRONG
    for m in ms:
        before = text[max(0, m.start() - 14):m.start()]
        before = re.sub(r"(?:嘎查村|嘎查|村级|村|社区|基层|各级)$", "", before)
        if (m.start() < head_end or _VERB_BEFORE.search(before) or before.endswith(("把", "将", "以", "“"))
                or _LED_PRESENTED_AFTER.match(text, m.end())):
            presented = True
            break
    rank = STRONG if presented else KNOWN
    for m in ms:
        if m.group(0) not in names or names[m.group(0)][1] != STRONG:
            names[m.group(0)] = (canonical, rank)
    if canonical not in names:
        names[canonical] = (canonical, rank)


def find_initiatives(text: str, title: str = "", head_end: int | None = None) -> list[InitiativeMention]:
    """Return the programme mentions in an article's text, sorted by position, non-overlapping.

    First the names the article establishes (lexicon, quoted names confirmed by their context,
    unquoted names with a programme word or head noun, the headline's leading name), then every
    occurrence of those names, quoted or not.
    """
    lex = load_lexicon()
    if head_end is None:  # without layout's word: the title line, when the text starts with it
        head_end = len(title) if title and text.startswith(title) else 0
    names = _names(text, head_end, lex)
    # a short form of a longer name the article establishes (“飞地抱团” … 抱团项目, 要“抱团”) is that name
    for name, (canonical, rank) in list(names.items()):
        # (or, quoted, its first word: “头雁” … “头雁领航”工程)
        longer = [n for n, (_, r) in names.items() if r == STRONG and len(n) >= len(name) + 2 and "+" not in n
                  and (n.endswith(name) or (n.startswith(name) and "“" + name + "”" in text
                                            and not _named_with_word(text, name)))]
        if longer and rank == STRONG and "+" not in name and name not in lex.canonical:
            names[name] = (names[min(longer, key=len)][0], rank)
            continue
        # …or of one part of a X+Y name (“党员示范户+庭院经济”模式 … “示范户”成了“领头羊”): that part
        parts = [p for n, (_, r) in names.items() if r == STRONG and "+" in n for p in n.split("+")
                 if len(p) >= len(name) + 2 and p.endswith(name)]
        if parts and rank == STRONG and "+" not in name and name not in lex.canonical:
            part = min(parts, key=len)
            names[name] = (part, rank)
            names.setdefault(part, (part, STRONG))
    if lex.pattern is not None:
        # the lexicon is a boost: a name it knows is a programme wherever it is named; a "unit" (党员中心户)
        # is the programme of the number that counts it, and of the numbers around it only where the
        # article presents it as one (a launching verb, a programme word, the headline)
        head_lines = _head_lines(text, head_end)
        for m in lex.pattern.finditer(text):
            word = m.group(0)
            if word in names and names[word][1] == STRONG:
                continue
            if _MEDIA_AFTER.match(text, m.end()) and word not in names:
                continue  # 来源：北疆先锋网 — a website, an account or an app of that name, not the programme
            if _tier_formula(word) and text[m.start() - 1:m.start()] not in "“\"「" and word not in names:
                continue  # 旗委、街道党工委、社区党组织三级联动体系: tiers, unless named as the brand (“三级联动”)
            if word in lex.units and word not in names:
                # 口岸党建联盟 … 各类党建联盟46个: the unit refers back to the article's own one, unless the
                # headline names the unit itself (宁城县：党建联合体拉长… over a 设施农业党建联合体)
                longer = [n for n, (c, r) in names.items()
                          if n.endswith(word) and len(n) > len(word) and r == STRONG and n not in lex.canonical
                          and "+" not in n  # (“网格+党员中心户” combines the unit with another: not an instance of it)
                          and c != lex.canonical.get(word, word)]  # (跨镇党建联合体: a description of the unit itself)
                bare = [k for k in _all_at(text, word)
                        if not any(text.startswith(n, k + len(word) - len(n)) for n in longer)]
                if longer and not any(a <= k < b for a, b in head_lines for k in bare):
                    continue
            in_head = any(a <= m.start() < b for a, b in head_lines)
            strong = (in_head  # a unit the headline names is what the article is about
                      or (not in_head and _VERB_BEFORE.search(text, max(0, m.start() - 12), m.start()) is not None)
                      or _SUFFIX_AFTER.match(text, m.end()) is not None
                      or (text.startswith(_AS_MEANS_BEFORE, m.start() - 1) and _AS_MEANS.match(text, m.end()) is not None))
            names[word] = (lex.canonical[word], STRONG if strong or word not in lex.units else KNOWN)
    if not names:
        return []
    branded = _brand_units(text, head_end, names, lex)
    # a quoted short form of a unit the lexicon knows (就数嘎查的“中心户” beside 党员中心户) is that unit
    for name, (canonical, rank) in list(names.items()):
        if canonical != name or name in lex.canonical or "+" in name:
            continue
        longer = [n for n in names if n in lex.canonical and n.endswith(name) and len(n) >= len(name) + 2]
        if longer:
            names[name] = (names[min(longer, key=len)][0], rank)
    # Short references back to a named place-like programme: 口岸党建联盟 … 各类党建联盟46个 / 联盟还…
    refs: dict[str, str] = {}
    owners: dict[str, list[str]] = {}  # a reference word → every programme it may point back to
    for name, (canonical, rank) in names.items():
        if rank != STRONG:
            continue
        head = next((h for h in _REFERENCE_HEADS if name.endswith(h) and len(name) > len(h) + 1), None)
        if (head is None and 4 <= len(name) <= 6 and _headed(name) and name[-1] not in "员长会点"
                and name[2:] not in _SUFFIXES):
            head = name[2:]  # 联户互助组 … 31个互助组: the name without its first word (not a bare 计划)
        if head is not None:
            for ref in {head, name[2:]} - {name}:
                if len(ref) >= len(head) and ref not in names:
                    refs.setdefault(ref, canonical)
                    if not _CLAUSE_MODIFIER.search(name[:-len(ref)]):  # not the slogan “有事找中心户”
                        owners.setdefault(ref, []).append(canonical)
    for name, (canonical, rank) in list(names.items()):
        if rank != STRONG or "“" + name + "”" not in text:
            continue
        i = text.find("“" + name + "”")
        u = _UNIT_AFTER.match(text, i + len(name) + 2)
        if u and u.group(1) not in names and u.group(1) not in lex.generic:
            refs.setdefault(u.group(1), canonical)
            owners.setdefault(u.group(1), []).append(canonical)
        # “链上先锋”党建联合体: a named one of the genre's units; the unit's short form (联合体) points back to
        # it as well as to the unit (the latest named wins)
        unit = _unit_after(text, i + len(name) + 2, lex)  # “同心国门”口岸党建联盟: a word of what kind between
        if unit:
            for ref in {h for h in _REFERENCE_HEADS if unit.endswith(h) and len(unit) > len(h)} & refs.keys():
                owners.setdefault(ref, [refs[ref]]).append(canonical)
    # the groups a practice sets up, named by its last word (推行“党员联户帮种”机制，编成帮种小组 … 帮种小组共促成…)
    if any(h in text for h in _GROUP_HEADS):
        for name, (canonical, rank) in list(names.items()):
            if rank != STRONG or len(name) < 4 or "+" in name or not _HAN.fullmatch(name):
                continue
            for head in _GROUP_HEADS:
                ref = name[-2:] + head
                if ref not in names and ref not in refs and ref in text:
                    refs[ref] = canonical
                    owners.setdefault(ref, []).append(canonical)
    # an occurrence inside another quoted name is no mention (兴安红 in “兴安红旗手”)
    quoted_spans = [(q.start(), q.end(), _clean(q.group(1))) for q in _QUOTED.finditer(text)
                    if not _SPEECH.search(q.group(1))] if "“" in text else []
    found: list[InitiativeMention] = []
    first_named: dict[str, int] = {}
    last_named: dict[str, int] = {}
    for start, end, word in _occurrences(text, [*names, *refs]):
        if quoted_spans and any(a < start and end < b and inner != word and not inner.startswith(word + "+")
                                and inner not in names for a, b, inner in quoted_spans):
            continue
        how = "headline" if end <= head_end else "text"
        if (word in lex.units and found and found[-1].strong and _quoted_unit_gap(text, found[-1].end, start)
                and found[-1].name != names.get(word, ("",))[0]):
            # “链上先锋”党建联合体: the quoted name's unit, not the unit in general
            last_named[found[-1].name] = start
            found.append(InitiativeMention(start, end, found[-1].name, "reference"))
            continue
        if (word in names and found and found[-1].strong and found[-1].end in (start - 1, start)
                and text[start - 1:start] in "”\"」" and names[word][0] != found[-1].name
                and word.endswith(_REFERENCE_HEADS) and "“" + word + "”" not in text):
            # “滦源红驿”党群驿站: the kind of thing the quoted name is, not a second programme (驿站 … points
            # back to the quoted name from then on)
            last_named[found[-1].name] = start
            found.append(InitiativeMention(start, end, found[-1].name, "reference"))
            continue
        if word in names:
            canonical, rank = names[word]
            if branded and text.startswith(_KINDS_OF, start - 2):
                # 全市各类党建联合体: the unit in general, not the article's brand of it
                canonical = next((u for u, b in branded.items() if b == canonical and word.endswith(u[-2:])), canonical)
            first_named.setdefault(canonical, start)
            last_named[canonical] = start
            if how == "text" and word != canonical and canonical in lex.units and word.endswith(canonical):
                how = "described"  # 蜜瓜产业党建联合体: the unit, described
            found.append(InitiativeMention(start, end, canonical, how, rank))
        elif text[start - 1:start] in "”\"」" and start > 0:
            # “林城暖家”驿站: the unit of the quoted name right before it, not a reference to another
            if found and found[-1].end in (start - 1, start):
                found.append(InitiativeMention(start, end, found[-1].name, "reference"))
        elif found and found[-1].strong and _quoted_unit_gap(text, found[-1].end, start):
            # “胡杨先锋”护边服务队: the quoted name's unit (a word of what kind between), not a reference
            # back to another programme's 服务队
            found.append(InitiativeMention(start, end, found[-1].name, "reference"))
        elif any(c in first_named for c in owners.get(word, [refs[word]])):
            # a reference only points back: to the latest of its programmes named
            named_before = [c for c in owners.get(word, [refs[word]]) if c in last_named]
            target = max(named_before, key=last_named.__getitem__) if named_before else refs[word]
            found.append(InitiativeMention(start, end, target, "reference"))
    return found


def _brand_units(text: str, head_end: int, names: dict[str, tuple[str, int]], lex: Lexicon) -> dict[str, str]:
    """An article's one brand of a unit (“椒香联盟”党建联合体, “红色国门”口岸党建联盟): the unit, wherever the
    article names it (the headline's 12个党建联合体, 全县已组建联合体12个), is that brand.

    Only when the article brands the unit once: two brands of it (“椒香联盟”党建联合体 and “肉牛联盟”党建联合体)
    leave the unit as it is. Returns {unit: brand}.
    """
    brands: dict[str, set[str]] = {}
    for name, (canonical, rank) in names.items():
        if rank != STRONG or canonical != name or name in lex.canonical or "+" in name:
            continue
        q = "“" + name + "”"
        if text.count(q) < 2 and not 0 <= text.find(q) < head_end:
            continue  # (one section's brand in a round-up, named once, is not the article's)
        i = text.find(q)
        while i >= 0:
            k = i + len(q)
            unit = _unit_after(text, k, lex) or next(
                (n for n in names if text.startswith(n, k) and n != name and n.endswith(_UNQUOTED_HEADS)
                 and "+" not in n and n not in lex.canonical), "")  # (“乳都先锋”服务驿站 … 新建服务驿站6处)
            gap = text[k:text.find(unit, k)] if unit else ""
            # (“红色网格”和党员中心户: two things; “驼乡先锋”党员中心户工作法: a method's name)
            if unit and not any(c in gap for c in "和与及或、") \
                    and not _SUFFIX_AFTER.match(text, k + len(gap) + len(unit)):
                brands.setdefault(lex.canonical.get(unit, unit), set()).add(name)
            i = text.find(q, i + 1)
    out: dict[str, str] = {}
    for unit, owners in brands.items():
        if len(owners) != 1:
            continue
        brand = next(iter(owners))
        out[unit] = brand
        for name, (canonical, rank) in list(names.items()):
            if canonical == unit:
                names[name] = (brand, rank)
    return out


_KINDS_OF = ("各类", "各种", "各级")


def _named_with_word(text: str, name: str) -> bool:
    """Whether the text ever gives the quoted name a programme word (“河套先锋”党建品牌): a name of its own."""
    q = "“" + name + "”"
    i = text.find(q)
    while i >= 0:
        if _SUFFIX_AFTER.match(text, i + len(q)):
            return True
        i = text.find(q, i + 1)
    return False


def _quoted_unit_gap(text: str, quote_end: int, start: int) -> bool:
    """A closing quote at quote_end, then at most four characters of a word, then the unit at start."""
    if not (quote_end < start and text[quote_end] in "”\"」"):
        return False
    gap = text[quote_end + 1:start]
    return len(gap) <= 4 and (not gap or _HAN.fullmatch(gap) is not None)


def _unit_after(text: str, pos: int, lex: Lexicon) -> str:
    """The genre unit (党建联盟, 党员中心户…) written at pos or after a word of at most four characters."""
    for k in range(5):
        if k and not ("\u4e00" <= text[pos + k - 1:pos + k] <= "\u9fff"):
            break
        unit = next((w for w in lex.units if text.startswith(w, pos + k)), "")
        if unit:
            return unit
    return ""


def _all_at(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def _occurrences(text: str, words: list[str]) -> list[tuple[int, int, str]]:
    """Leftmost-longest, non-overlapping occurrences of the words (as a longest-first alternation
    would find them; str.find per word, since compiling a pattern per article cost more)."""
    hits: list[tuple[int, int, str]] = []
    for w in words:
        i = text.find(w)
        while i >= 0:
            hits.append((i, -len(w), w))
            i = text.find(w, i + 1)
    hits.sort()
    out: list[tuple[int, int, str]] = []
    last_end = 0
    for start, neg_len, w in hits:
        if start >= last_end:
            out.append((start, start - neg_len, w))
            last_end = start - neg_len
    return out
