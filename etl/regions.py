"""Places in an article → the region each number belongs to (pure).

Each number is attributed by what its own words say, from the nearest scope outwards:

1. **clause** (between ，、；： and sentence ends): a place written before the number in the same
   clause — "其中科尔沁左翼中旗60个、奈曼旗52个" gives each part its banner; places closed by
   "等" are list items, not the subject ("…呼和诺尔镇…联合体等15个" belongs to the banner);
2. **sentence**: the sentence's subject, i.e. its first place or anaphor ("赤峰市2423名书记"
   is the league's even when the article names banners elsewhere);
3. **paragraph**: the subject of the nearest earlier sentence of the paragraph that names one;
4. **article**: the headline's place, else the article's most frequent place.

Place names come from the gazetteer; adjacent names form a chain that the text itself asserts
(呼伦贝尔市陈巴尔虎旗东乌珠尔苏木哈拉图嘎查) and that wins over a lookup of the last name alone.
Anaphora (该旗, 全旗, 全市, 全盟, bare 街道党工委) resolve to the nearest earlier place of that
kind in the same article (never in the article before it), or, failing that, to the nearest later
one (an article whose head was cut off). 全区 / 自治区 mean the whole region (no league) unless
the article is about a district (区). A place followed by 平均 is a comparison, not the subject.
Places outside Inner Mongolia (京蒙协作 partners) give region level ``outside`` with no league.
"""
from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .fastscan import scanner
from .gazetteer import Gazetteer, PlaceMention
from .paths import REFERENCE_DIR
from .schema import Mention, Region
from .textspans import (
    CLAUSE_SEP,
    clause_end,
    clause_start,
    covering,
    in_range,
    in_range_pairs,
    paragraph_start,
    sentence_of,
    sentence_start,
)

if TYPE_CHECKING:
    from .context import Context

LEVELS = ("region", "league", "banner", "township", "village")


RANK = {lv: i for i, lv in enumerate(LEVELS)}


ANAPHOR = re.compile(
    r"(?:该|全|本|此|我们|我|他们)(自治区|苏木|街道|嘎查|社区|盟|市|旗|县|区|镇|乡|村)"
    r"|自治区|内蒙古|全区|(?<![\u4e00-\u9fff])街道(?=党工委|办事处|办|党委)"
    # 旗财政安排…, 旗里组织…: the banner itself, written as a bare 旗 (or 县, 盟)
    r"|(?<![\u4e00-\u9fff])(旗|县|盟)(?=财政|里|委|政府)"
    # 让旗人民医院…, 到旗直部门…: after a verb or preposition, the banner's own institutions
    r"|(?<=[让使为在由向到把将对和与从])(旗|县)(?=人民医院|医院|直|委|政府|财政|里)"
)
# ANAPHOR.finditer, tried only where a match can start (etl.fastscan: 8× faster on an article)
anaphora_in = scanner(ANAPHOR)


_UNKNOWN_TOWNSHIP = re.compile(r"(?:(?<=[，。；：\n“])|^)([\u4e00-\u9fff]{2,4}(?:街道|苏木))(?=[\u4e00-\u9fff])", re.M)


_OUTSIDE = re.compile(
    r"(北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西|海南省"
    r"|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|香港|澳门|台湾)(?:省|市|自治区)?"
)


_COMPARISON_AFTER = re.compile(r"^.{0,3}平均")


_GAP_TOWNSHIP = re.compile(r"[\u4e00-\u9fff]{1,4}(?:苏木|镇|乡|街道)")
# Characters between a place and a known name that make one unknown name (额很 + 查干社区)
_LOCATED_IN = re.compile(r"(?:位于|地处|地处于|隶属于|隶属|属于|坐落于|坐落在|地属)")
_GAP_NAME = re.compile(r"[^\W\d_的和与及在对把从到为是有将向给、，。；：（）“”]{1,3}")


# A place right after these words is an object or partner, not the subject: 丰台区向察右后旗投入…,
# 与北京方面共同实施…, 与察右后旗相邻的四子王旗…
_OBJECT_BEFORE = ("向", "给", "为", "对", "与", "同", "跟", "距", "离", "到", "放在", "比", "对接", "帮助", "帮扶", "援助", "支援", "携手", "联合", "赴", "来自",
                  "从", "经", "往", "本报", "安排", "拨付", "资助", "捐赠", "离开", "告别", "通过", "借助", "依托",
                  "利用", "使用", "争取", "申请", "获得")  # 经大兴区对接, 销往北京, 本报乌海12月5日讯 (a dateline)  # 记者从赤峰市乡村振兴局获悉: the source, not the subject


# a higher level that issues funds or tasks to a lower one (自治区下达我旗…, 市里下拨给各旗县…)
_ISSUES_TO = re.compile(r"(?:财政)?(?:下达|下拨|拨付|拨给|切块|分配给|安排给)(?:给)?(?:我|本|各|全)?"
                        r"(?:[\u4e00-\u9fff]{0,8}?(?:旗|县|市|区|苏木|镇|乡|嘎查|村))"
                        # 自治区公布我旗退出贫困旗县序列: the level that announces or names, not the place the news is about
                        r"|(?:公布|批准|命名|认定|授予|表彰|通报|确认|验收)(?:了)?(?:我|本|该)(?:旗|县|市|区|苏木|镇|乡|嘎查|村)")
# 自治区财政常态化帮扶资金分配为…: the fund the region gives, not the region's own figure
_FUND_OF = re.compile(r"[\u4e00-\u9fff]{0,10}?资金(?![0-9０-９])")  # (but 自治区财政安排专项资金4.5亿元: the region's own)
# what a partner gives or sends (资金, 援助, 捐款, 干部, 医生…): the partner's own figure, wherever it is spent
_PARTNER_INPUT = re.compile(r"援助|援建|捐|投入|投向|投资|共建|选派|派驻|派出|挂职|干部|医生|专家|教师|人才|资金")
_HONOUR_AFTER = re.compile(r"(?:级)?(?:道德模范|劳动模范|劳模|先进|优秀|文明|好人|五一|三八|五四|示范|表彰|模范|十佳|最美|"
                           r"青年五四|巾帼|脱贫攻坚奖|民族团结进步)")
# a company's or a body's name that starts with the region's (内蒙古润棚食用菌有限公司, 内蒙古日报, 内蒙古大学)
_ORG_NAME_AFTER = re.compile(r"[\u4e00-\u9fff]{0,12}?(?:有限公司|有限责任公司|股份|公司|集团|日报|电视台|广播电视台|大学|学院|"
                             r"银行|协会|学会|研究院|研究所|医院)")
# (the words between hold no verb: 乌兰察布市成立合作社 is the place doing something)
_COMPANY_AFTER = re.compile(r"[^\W\d成建组有共办设引育展动立新将为与和在对向把被已]{2,10}?"
                            r"(?:专业合作社|股份经济合作社|有限公司|有限责任公司|股份有限公司|集团公司)")
_NATION_CLAUSE = re.compile(r"\s*(?:目前|截至目前|如今|其中|近日|日前)?[，,]?全国(?:范围内)?"
                            r"(?:共|共有|只有|仅有|有|已有|累计|(?=[0-9０-９一二三四五六七八九十百千]))")
_ONE_OF_AFTER = re.compile(r"[\u4e00-\u9fff“”‘’\"]{0,12}?之一")  # (14个“集中连片特困地区”之一: a quoted set)
_SET_SCOPE = re.compile(r"自治区|全区|我区|内蒙古|全国|我国|中国|国家")
# a news dateline's place: 新华社呼和浩特6月3日电, 中国经济网呼伦贝尔8月26日讯
_FILED_FROM_AFTER = re.compile(r"\s?[0-9０-９]{1,2}月[0-9０-９]{1,2}日(?:电|讯|消息)")
# 乌海至东胜一线交通要道, 呼和浩特—北京航线: a route's ends are where it runs, not what the text is about
_ROUTE_WORD = r"(?:一线|沿线|公路|铁路|高速公路|高速|国道|省道|专线|航线|班车|班列|线路|段)"
_ROUTE_FROM = re.compile(r"(?:至|到|—|－|-)[\u4e00-\u9fff]{1,6}?" + _ROUTE_WORD)
_ROUTE_TO_BEFORE = re.compile(r"[\u4e00-\u9fff]{2,6}(?:至|—|－|-)$")
_ROUTE_TO_AFTER = re.compile(_ROUTE_WORD)
# (内蒙古民族大学…，内蒙古 通辽 028000): an address with its postcode (an author's, a sender's) is no subject
_POSTCODE_AFTER = re.compile(r"[ \u3000]?[0-9]{6}(?![0-9])")
# 东邻察右后旗, 北靠阿尔巴斯, 南伴…嘎查, 与…毗邻: a place's neighbours, not the place described
_NEIGHBOUR_BEFORE = re.compile(r"(?:[东南西北]|[东西][南北])(?:面|部|侧|边)?(?:邻|临|接|连|靠|依|伴|界|毗邻|紧邻|相邻|接壤|与)$|"
                               r"毗邻$|紧邻$|相邻$|临近$|邻近$|靠近$|紧靠$|地邻$")  # (临近宁夏中卫的区位优势)
# a verb of selling or sending right before the place it goes to (销到, 卖往, 运送到, 发给)
# (or 距/离 before the point a distance is measured from: 向东距海拉尔区97公里 is the subject's distance)
_SENT_TO_BEFORE = re.compile(r"(?:销|卖|运|送|发|供|输送|调运|出口|外销|销售)(?:到|往|至|给)$|[距离]$")
# …学习/考察/观摩 after the place one comes to: a visit to learn, not the story's scene
_LEARN_AFTER = re.compile(r"[^，。；！？\n]{0,12}?(?:学习|考察|观摩|取经|调研|交流|参观|培训)")
# An outside partner as the agent of a passive (设备由昌平区一家企业援建, 被大兴区评为…) gives, it is
# not what the sentence is about.
_OUTSIDE_AGENT_BEFORE = ("由", "被", "经由")


# 在全区率先…, 全市首家, 位居全盟前列: a ranking against a level (after 全区/全市/全盟…)
_RANKED_AGAINST = re.compile(r"(?:范围内|上下)?(?:率先|首个|首家|首批|首创|第一|前列|领先|排名|排第|名列|第[一二三四五六七八九十]|最[先早])")
# 在呼市召开的全区推进会: the place of a meeting, not of the figures.
_VENUE_AFTER = re.compile(r"[^，。；！？\n]{0,10}?(?:召开|举行|举办)")


# An outside name used as a modifier (北京企业, 北京方面) is not a region.
_OUTSIDE_MODIFIER = re.compile(r"(?:企业|客商|游客|专家|市场|消费者|高校|医院|商户|地区的|籍|产)")


@dataclass
class Loc:
    """A place or anaphor in the article, resolved to a region."""

    start: int
    end: int
    region: Region
    how: str  # name | chain | anaphor | unknown | outside


def level_of(region: Region) -> str:
    for lv in ("village", "township", "banner", "league"):
        if getattr(region, lv):
            return lv
    return region.level if region.level in ("region", "outside") else "unknown"


def copy_region(region: Region) -> Region:
    """A copy with its own ``extra`` (a plain dataclass: its fields are its __dict__)."""
    r = object.__new__(Region)
    r.__dict__.update(region.__dict__)
    r.extra = dict(region.extra)
    return r


def _under(cand_chain: Region, parent: Region) -> bool:
    """Tell whether a candidate lies inside the region a preceding name in the chain gave."""
    for lv in ("township", "banner", "league"):
        code = getattr(parent, lv + "_code")
        if code:
            return getattr(cand_chain, lv + "_code") == code
        if getattr(parent, lv):  # a text-only level (no code): check the one above
            continue
    return True


def _with_level(parent: Region, level: str, name: str) -> Region:
    """Extend a chain with a name the gazetteer doesn't know (text-only, no code)."""
    r = copy_region(parent)
    lv_order = ("league", "banner", "township", "village")
    for lv in lv_order[lv_order.index(level):]:
        setattr(r, lv, "")
        setattr(r, lv + "_code", "")
    setattr(r, level, name)
    r.level = level
    return r


def _name_level(name: str) -> str:
    if name.endswith(("嘎查", "村", "社区")):
        return "village"
    if name.endswith(("苏木", "镇", "乡", "街道")):
        return "township"
    return "banner"


def _shares_place(a: PlaceMention, b: PlaceMention) -> bool:
    """Tell whether some reading of b lies inside some reading of a (same banner, else same league)."""
    for ca in a.candidates:
        for cb in b.candidates:
            code = ca.chain.banner_code or ca.chain.league_code
            if code and code in (cb.chain.banner_code, cb.chain.league_code, cb.chain.township_code):
                return True
    return False


_THIS_TOWNSHIP = re.compile(r"(?:该|本|此)(?:苏木|镇|乡|街道)$")
# A township written right before a village name (…街道丽苑社区, …苏木巴音嘎查)
_TOWNSHIP_WRITTEN_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,8}?(?:街道|镇|乡|苏木))$")


def _passage_banner(text: str, locs: list[Loc], pos: int) -> Region | None:
    """The banner the passage just named as its subject (same paragraph, 120 characters at most)."""
    for l in reversed(locs[-6:]):
        if pos - l.end > 120 or "\n" in text[l.end:pos]:
            return None
        if l.region.banner_code and level_of(l.region) == "banner" and not is_object(text, l):
            return cut_region(l.region, "banner")
    return None


def _resolve_places(gaz: Gazetteer, text: str, mentions: list[PlaceMention],
                    issuer: Region | None = None) -> list[Loc]:
    """Resolve place mentions: chains first (text wins), then singles with the article as context.

    issuer: the place of the office that issued the article (its byline), counted as one of the
    banners the article names.
    """
    # group adjacent mentions into chains; a gap that is an unknown township name is allowed
    chains: list[list[PlaceMention | tuple[int, int, str]]] = []
    for pm in mentions:
        if chains:
            last = chains[-1][-1]
            last_end = last.end if isinstance(last, PlaceMention) else last[1]
            gap = text[last_end:pm.start]
            if gap == "":
                chains[-1].append(pm)
                continue
            if _GAP_TOWNSHIP.fullmatch(gap):
                chains[-1].append((last_end, pm.start, gap))
                chains[-1].append(pm)
                continue
            if (isinstance(last, PlaceMention) and _GAP_NAME.fullmatch(gap) and pm.candidates
                    and all(c.level in ("township", "village") for c in pm.candidates)
                    and not _shares_place(last, pm)):
                # 达来呼布镇额很查干社区: an unknown name that ends like a known one (查干社区)
                chains[-1].append((last_end, pm.end, gap + pm.text))
                continue
        chains.append([pm])

    # context codes: unambiguous leagues/banners named anywhere in the article
    context: list[str] = []
    for pm in mentions:
        if len(pm.candidates) == 1 and pm.candidates[0].level in ("league", "banner"):
            context.append(pm.candidates[0].code)

    context = list(dict.fromkeys(context))
    # the article's one banner, when it names exactly one (by an unambiguous name)
    banners = {pm.candidates[0].code: pm.candidates[0].chain for pm in mentions
               if len(pm.candidates) == 1 and pm.candidates[0].level == "banner"}
    if issuer is not None and issuer.banner_code:
        banners.setdefault(issuer.banner_code, issuer)
    only_banner = cut_region(copy_region(next(iter(banners.values()))), "banner") if len(banners) == 1 else None
    # the article's one township, when it names exactly one (by an unambiguous name) and it lies in its banner
    towns = {pm.candidates[0].code: pm.candidates[0].chain for pm in mentions
             if len(pm.candidates) == 1 and pm.candidates[0].level == "township"}
    only_town = cut_region(copy_region(next(iter(towns.values()))), "township") if len(towns) == 1 else None
    if issuer is not None and (issuer.extra or {}).get("issuer_township") is not None:
        only_town = issuer.extra["issuer_township"]  # the issuing 苏木's own report
    if only_town is not None and only_banner is not None and only_town.banner_code != only_banner.banner_code:
        only_town = None
    locs: list[Loc] = []
    named: dict[str, Region] = {}  # a name the text placed in a chain keeps that place when named again
    # 巴音哈拉嘎查位于新忽热苏木…: the text says where a place lies; that wins over a same-named place elsewhere
    located: dict[str, PlaceMention] = {}  # name → the place the text says it lies in (all its mentions)
    for a, b, c in zip(mentions, mentions[1:], mentions[2:] + [None]):
        if (_LOCATED_IN.fullmatch(text, a.end, b.start) and len(b.candidates) == 1
                and RANK.get(b.candidates[0].level, 0) < RANK.get(a.candidates[0].level if a.candidates else "", 9)
                # (地处呼和浩特市、包头市、鄂尔多斯市“中心”腹地: between several places, in none of them)
                and not (c is not None and text[b.end:c.start] in ("、", "和", "与", "及", "，", ","))):
            located.setdefault(a.text, b)
    for chain in chains:
        parent: Region | None = None
        for item in chain:
            if isinstance(item, tuple):
                s, e, name = item
                if parent is not None:
                    parent = _with_level(parent, _name_level(name), name)
                    locs.append(Loc(s, e, parent, "unknown"))
                continue
            pm = item
            cands = list(pm.candidates)
            chosen = None
            if parent is not None:
                fit = [c for c in cands if _under(c.chain, parent)]
                deeper = [c for c in fit if RANK.get(c.level, 0) > RANK.get(level_of(parent), 0)] or fit
                if len(deeper) == 1:
                    chosen = deeper[0]
                elif len(deeper) > 1:
                    chosen = gaz.resolve(deeper, context)
                if chosen is None and cands and not fit:
                    # the text places this name under the chain's parent; same-named places exist
                    # elsewhere only: keep the text's chain and the name, without a code
                    lv = cands[0].level
                    if RANK.get(lv, 0) > RANK.get(level_of(parent), 0):
                        parent = _with_level(parent, lv, pm.text)
                        locs.append(Loc(pm.start, pm.end, parent, "chain"))
                        named[pm.text] = parent
                        continue
            elif pm.text in named:
                region = copy_region(named[pm.text])
                parent = region
                locs.append(Loc(pm.start, pm.end, region, "name"))
                continue
            elif pm.text in located:
                container = located[pm.text].candidates[0].chain
                fit = [c for c in cands if _under(c.chain, container)]
                region = copy_region(fit[0].chain) if len(fit) == 1 else _with_level(container, cands[0].level, pm.text)
                region.level = level_of(region)
                parent = region
                named[pm.text] = region
                locs.append(Loc(pm.start, pm.end, region, "name"))
                continue
            else:
                chosen = gaz.resolve(cands, context)
                passage = _passage_banner(text, locs, pm.start)
                written = _TOWNSHIP_WRITTEN_BEFORE.search(text, max(0, pm.start - 12), pm.start)
                if (chosen is not None and chosen.level == "village" and written is not None
                        and chosen.chain.township and written.group(1) != chosen.chain.township):
                    # 昭乌达路街道丽苑社区: the text names the community's township, and the gazetteer's
                    # 丽苑社区 lies in another (东风路街道): a same-named place elsewhere; the passage decides.
                    # 该苏木乌兰宝拉格嘎查: the township the text just named; the village is placed under it,
                    # and so is every later mention of its name
                    if _THIS_TOWNSHIP.search(written.group(1)):
                        town = next((l for l in reversed(locs) if level_of(l.region) == "township"
                                     and "\n" not in text[l.end:pm.start]), None)
                        if town is not None:
                            region = _with_level(town.region, "village", pm.text)
                            named[pm.text] = region
                            parent = region
                            locs.append(Loc(pm.start, pm.end, region, "chain"))
                    continue
                if (passage is None and only_banner is not None and chosen is not None
                        and chosen.chain.league_code != only_banner.league_code):
                    # 孟根布拉格嘎查 in a speech about 阿拉善右旗: the only same-named place the gazetteer knows
                    # lies in another league; the article's one banner places it
                    passage = only_banner
                if (passage is None and only_town is not None and cands and all(c.level == "village" for c in cands)
                        and not any(c.chain.banner_code == only_town.banner_code for c in cands)):
                    # a 苏木's own report whose 嘎查 the gazetteer knows only in other banners: the 苏木 places them
                    region = _with_level(only_town, "village", pm.text)
                    parent = region
                    named[pm.text] = region
                    locs.append(Loc(pm.start, pm.end, region, "name"))
                    continue
                if (chosen is not None and passage is not None and chosen.level in ("township", "village")
                        and not any(c.chain.banner_code == passage.banner_code for c in cands)
                        # (a name the article already placed as the gazetteer does, 腾克镇 of 莫旗, stays there
                        # when a visitor's banner is the passage's: 阿荣旗…的村干部专程来腾克镇观摩)
                        and not any(text[l.start:l.end] == pm.text and l.region.township_code for l in locs)):
                    # 在苏尼特左旗，…。达日罕乌拉苏木…: the passage places it; a same-named place elsewhere loses
                    region = _with_level(passage, chosen.level, pm.text)
                    parent = region
                    named[pm.text] = region
                    locs.append(Loc(pm.start, pm.end, region, "name"))
                    continue
            if chosen is None:
                if parent is None and cands:
                    # ambiguous alone: keep what all candidates share (often the league); those in the
                    # passage's banner (or the article's one banner), when some are, share that banner
                    home = _passage_banner(text, locs, pm.start) or only_banner
                    pool = [c for c in cands if home is not None and home.banner_code
                            and c.chain.banner_code == home.banner_code]
                    if not pool:  # …or the one banner of the article's that has a place of that name
                        named_in = [c for c in cands if c.chain.banner_code in banners]
                        if len({c.chain.banner_code for c in named_in}) == 1:
                            pool = named_in
                    pool = pool or cands
                    shared = _shared_region(pool)
                    if shared is not None:
                        parent = shared
                        locs.append(Loc(pm.start, pm.end, shared, "shared"))
                continue
            region = copy_region(chosen.chain)
            if parent is not None:
                # names written in the text win over the gazetteer's for the levels above
                for lv in ("township",):
                    if getattr(parent, lv) and not getattr(parent, lv + "_code") and RANK[chosen.level] > RANK[lv]:
                        setattr(region, lv, getattr(parent, lv))
                        setattr(region, lv + "_code", "")
            region.level = level_of(region)
            parent = region
            locs.append(Loc(pm.start, pm.end, region, "chain" if len(chain) > 1 else "name"))
            if len(chain) > 1:
                named[pm.text] = region
    return locs


def _shared_region(cands) -> Region | None:
    leagues = {c.chain.league_code for c in cands}
    if len(leagues) != 1:
        return None
    banners = {c.chain.banner_code for c in cands}
    c0 = cands[0].chain
    r = Region(league=c0.league, league_code=c0.league_code)
    if len(banners) == 1:
        r.banner, r.banner_code = c0.banner, c0.banner_code
    r.level = level_of(r)
    return r


# An interview's answer (答：…, or the interviewee's name：… after 记者：…): its 我们/全旗 are the interviewee's.
_ANSWER = re.compile(r"(?m)^(?:答|回答)[：:]")
_WE = re.compile(r"我们(?![盟市旗县区镇乡村]|苏木|嘎查|社区|街道)")


# …巴特尔：… after 记者：…: a paragraph led by a speaker's name and a colon
_SPEAKER = re.compile(r"(?m)^([\u4e00-\u9fff]{2,4})[：:]")
_NOT_SPEAKER = ("记者", "主持人", "问", "提问", "编者", "编者按", "记者手记", "来源", "编辑", "责任编辑", "注")


def _answer_spans(text: str) -> list[tuple[int, int]]:
    """The paragraphs of an interview's answers (答：…, or 巴特尔：… after 记者：…), as (start, end)."""
    return [(a, b) for a, b, _who in _answers(text)]


def _answers(text: str) -> list[tuple[int, int, str]]:
    """An interview's answers as (start, end, speaker); the speaker is '' for 答：."""
    if "记者：" not in text and "问：" not in text and "记者:" not in text:
        return []
    out = []
    for m in _ANSWER.finditer(text):
        end = text.find("\n", m.end())
        out.append((m.start(), len(text) if end < 0 else end, ""))
    for m in _SPEAKER.finditer(text):
        who = m.group(1)
        if who in _NOT_SPEAKER or who.endswith(("记者", "问")):
            continue
        end = text.find("\n", m.end())
        out.append((m.start(), len(text) if end < 0 else end, who))
    return sorted(out)


# 川井苏木党委书记巴特尔: a place, a title (no punctuation) and the speaker's name
_TITLE_GAP = re.compile(r"[\u4e00-\u9fff]{0,12}")
# 赤峰市农牧局派驻的第一书记刘建华: the office that sent a cadre, not the place he serves
_SENT_BY = re.compile(r"派驻|选派|派出|下派|委派")


def _speaker_places(text: str, locs: list[Loc], speakers: set[str]) -> dict[str, Region]:
    """Each interviewee's own place: the place written right before the name the first time (…书记巴特尔)."""
    out: dict[str, Region] = {}
    for who in speakers:
        at = text.find(who)
        while at >= 0 and who not in out:
            for l in reversed([l for l in locs if l.end <= at][-3:]):
                if at - l.end <= 12 and _TITLE_GAP.fullmatch(text, l.end, at) and not _SENT_BY.search(text, l.end, at):
                    out[who] = _copy_main(l.region)
                    break
            at = text.find(who, at + len(who))
    return out


def _paragraph_before(text: str, p0: int) -> int:
    """Where the paragraph before the one starting at p0 starts (blank lines skipped)."""
    k = p0 - 1
    while k > 0 and text[k - 1] == "\n":
        k -= 1
    return text.rfind("\n", 0, k) + 1 if k > 0 else 0


def _anaphora(text: str, locs: list[Loc], main: Region | None) -> list[Loc]:
    """Resolve 该旗 / 全市 / 自治区 / bare 街道 to regions from the same article.

    In an interview's answers (答：…), 我们, 我们旗, 全旗 are the interviewee's own place: the
    article's place (访中共奈曼旗委书记), whatever neighbour the answer just compared it with.
    """
    out: list[Loc] = []
    locs = sorted(locs, key=lambda l: l.start)
    starts = [l.start for l in locs]
    spoken = _answers(text) if main is not None else []
    answers = [(a, b) for a, b, _who in spoken]
    # each speaker's own place (川井苏木党委书记巴特尔), else the article's
    homes = _speaker_places(text, locs, {who for _a, _b, who in spoken if who})
    own = {a: homes.get(who, main) for a, _b, who in spoken}
    # places visitors come from (checked once per article, not once per anaphor)
    visitors = {l.start for l in locs if _visitor(text, l)} if ("来" in text) else set()
    if answers:
        for a, b in answers:
            for m in _WE.finditer(text, a, b):
                if not covering(locs, starts, m.start()):
                    out.append(Loc(m.start(), m.end(), _copy_main(own[a]), "anaphor"))
    for m in anaphora_in(text):
        word = m.group(0)
        if covering(locs, starts, m.start()):
            continue  # part of a place name (全州 etc.)
        kind = m.group(1) or m.group(2) or m.group(3) or word
        region: Region | None = None
        forward = False
        district = _district_subject(text, locs, starts, m.start()) if word in ("全区", "本区", "该区", "我区") else None
        if word == "自治区" and text.startswith("级", m.end()):
            continue  # 自治区级示范村: a rank that qualifies the count, not the place it belongs to
        if _names_no_place(text, word, m.start(), m.end(), starts):
            continue
        in_answer = any(a <= m.start() < b for a, b in answers)
        answer = next(((a, b) for a, b in answers if a <= m.start() < b), None)
        home = own[answer[0]] if answer is not None else main
        if word in ("自治区", "内蒙古", "全自治区") or (word in ("全区", "本区", "我区") and district is None
                                                     and not (main and main.banner.endswith("区"))):
            region = Region(level="region")
        elif district is not None:
            region = district
        elif in_answer and word.startswith("我") and home is not None and at_kind(
                home, kind[-2:] if kind.endswith(("苏木", "嘎查", "社区", "街道")) else kind[-1]):
            region = at_kind(home, kind[-2:] if kind.endswith(("苏木", "嘎查", "社区", "街道")) else kind[-1])
        elif (not in_answer and word.startswith("我") and "“" in text
              and (speaker := _quote_speaker(text, locs, starts, m.start())) is not None):
            # 阿荣旗查巴奇乡的一位村党支部书记直言：“我们村去年也设了3户…”: the speaker's own place, not the
            # place the story is set in (the village under their township, when the text names no village)
            want = kind[-2:] if kind.endswith(("苏木", "嘎查", "社区", "街道")) else kind[-1]
            region = at_kind(speaker, want) or (
                speaker if want in ("嘎查", "村", "社区") and level_of(speaker) == "township" else None)
            if region is None:
                continue
        elif word.startswith("他们"):
            # 他们苏木 in an answer: the other place the conversation is about, not the speaker's
            want = kind[-2:] if kind.endswith(("苏木", "嘎查", "社区", "街道")) else kind[-1]
            k = bisect_left(starts, m.start())
            for l in reversed(locs[max(0, k - 40):k]):  # the nearest place written out that is not home
                if l.how.startswith("anaphor") or (home is not None and _under(home, l.region)):
                    continue
                region = at_kind(l.region, want) or _copy_main(l.region)
                break
            if region is None:
                continue
        else:
            want = kind[-2:] if kind.endswith(("苏木", "嘎查", "社区", "街道")) else kind[-1]
            k = bisect_left(starts, m.start())
            lo = max(0, k - 200)  # the nearest 200 places before
            if answer is not None:  # 全旗 in an answer: a place the answer itself names, else the interviewee's
                lo = max(lo, bisect_left(starts, answer[0]))
            p0 = text.rfind("\n", 0, m.start()) + 1
            window = [l for l in locs[lo:k] if l.start >= p0 or l.start not in visitors]
            if want in ("街道", "苏木", "镇", "乡", "嘎查", "村", "社区") and not word.startswith(("我", "全", "本", "该")):
                # a bare 街道党工委: a street office named in this paragraph or the one before, not one of a
                # story told pages earlier about another town
                window = [l for l in window if l.start >= _paragraph_before(text, p0)]
            for l in reversed(window):  # a place written at that level, as a subject
                if (text[l.start:l.end].endswith(want) and not l.how.startswith("anaphor")
                        and (not is_object(text, l, locs, starts) or _news_source(text, l, m.start()))
                        and not _list_part(text, l)
                        and not (want == "市" and _in_list(text, l)) and not _belongs_to(text, l, window)):
                    region = at_kind(l.region, want)
                    if region is not None:
                        break
            if region is None:
                for l in reversed(window):
                    # a county-level city in a list (满洲里市、扎兰屯市): 全市 is their league
                    base = cut_region(l.region, "league") if want == "市" and _in_list(text, l) else l.region
                    region = at_kind(base, want)
                    if region is not None:
                        break
            if region is None and answer is not None and home is not None:
                region = at_kind(home, want)
            if (region is not None and main is not None and word.startswith(("全", "本", "我"))
                    and level_of(main) == "league" and region.league_code == main.league_code
                    and level_of(region) != "league" and at_kind(main, want) is not None):
                region = at_kind(main, want)  # a league's report: 全市 is the league, not 满洲里市 named before
            if region is None and want in ("嘎查", "村", "社区"):
                # 托扎敏乡希日特奇猎民村…全村52户 (a village the datasets lack): at least the township the same
                # paragraph just named — before looking forward for a cut-off head's antecedent
                for l in reversed(window[-3:]):
                    if l.region.township and "\n" not in text[l.end:m.start()]:
                        region = cut_region(l.region, "township") if l.region.level != "village" else l.region
                        break
            if region is None:
                # an article whose head was cut off: the antecedent comes later, written out
                for l in locs[bisect_left(starts, m.end()):][:200]:
                    if main is not None and main.league_code and l.region.league_code != main.league_code:
                        continue  # (a visitor's village from another league, pages later, is not it)
                    if text[l.start:l.end].endswith(want) and l.how != "anaphor":
                        region = at_kind(l.region, want)
                        forward = True
                        break
            if region is None and main is not None and want not in ("街道", "苏木"):
                region = at_kind(main, want)
            if region is None and want in ("嘎查", "村", "社区"):
                # 我们嘎查 after 达日罕乌拉苏木巴彦图嘎查 (a village the datasets lack): at least its township
                for l in reversed(window[-3:]):
                    if l.region.township and "\n" not in text[l.end:m.start()]:
                        region = cut_region(l.region, "township") if l.region.level != "village" else l.region
                        break
            if region is None and want in ("街道", "苏木"):
                region, forward = _unknown_township(text, locs, m, want, main)
        if region is not None:
            out.append(Loc(m.start(), m.end(), region, "anaphor-forward" if forward else "anaphor"))
    return out


# A place whose people come to visit or learn (新巴尔虎左旗…的几位嘎查书记专程赶来“取经”, 来自…的): its
# figures are the visitors' own; it is no antecedent for the article's later 该旗/全旗/旗里.
_VISIT_AFTER = re.compile(r"[^，。；！？\n]{0,24}?(?:赶来|前来|来到|专程来|来此|到此|慕名而来|组团来)[^，。；！？\n]{0,8}?"
                          r"(?:取经|学习|考察|观摩|交流|参观|调研)")


def _visitor(text: str, loc: Loc) -> bool:
    """Tell whether a place is where visitors come from (来自X旗的…, X旗…专程赶来取经)."""
    return text.endswith("来自", 0, loc.start) or _VISIT_AFTER.match(text, loc.end) is not None


_SOURCE_AFTER = re.compile(r"[^，。；！？\n]{0,14}?(?:获悉|了解到|得知)[，,]")


def _news_source(text: str, loc: Loc, anaphor: int) -> bool:
    """记者从赤峰市乡村振兴局获悉，今年全市…: the source of the news is what its 全市 is."""
    return (text[loc.start - 1:loc.start] == "从" and (m := _SOURCE_AFTER.match(text, loc.end)) is not None
            and m.end() <= anaphor and not any(c in text[m.end():anaphor] for c in "。！？\n"))


_SAYS_BEFORE_QUOTE = re.compile(r"(?:说|道|直言|坦言|表示|介绍|感慨|感叹|告诉记者|算账|算了一笔账)[：:，,]?$")


def _quote_speaker(text: str, locs: list[Loc], starts: list[int], pos: int) -> Region | None:
    """The place of the speaker who opens the quotation pos is in (…乡的一位村书记直言：“…), or None.

    Only a speaker the sentence introduces with a place before a verb of saying; the place must be a
    subject (not 来库如奇观摩's object) and the quotation must still be open at pos.
    """
    q = text.rfind("“", max(0, pos - 300), pos)
    if q < 0 or "”" in text[q:pos]:
        return None
    if _SAYS_BEFORE_QUOTE.search(text, max(0, q - 8), q):
        s0 = max(text.rfind(c, 0, q) for c in "。！？\n”") + 1
        inside = [l for l in locs[bisect_left(starts, s0):bisect_left(starts, q)]
                  if not l.how.startswith("anaphor") and not is_object(text, l, locs, starts)]
        if inside and _SPEAKER_OF.match(text, inside[-1].end):
            return inside[-1].region
        return None
    # “我们旗也搞了村企结对…”察右后旗旗委副书记赵志刚说。: the speaker named right after the quotation
    close = text.find("”", pos, pos + 400)
    if close < 0:
        return None
    k = bisect_left(starts, close + 1)
    if k < len(locs) and locs[k].start == close + 1 and not locs[k].how.startswith("anaphor"):
        first = locs[k]
        while k + 1 < len(locs) and locs[k + 1].start == locs[k].end:  # (a chain: 察右后旗…苏木)
            k += 1
        last = locs[k]
        if _SPEAKER_OF.match(text, last.end) and _SAYS_AFTER.match(text, last.end):
            return last.region if last is not first else first.region
    return None


_SAYS_AFTER = re.compile(r"[^，。；！？\n“”]{0,24}?(?:说|表示|坦言|直言|介绍|感慨|告诉记者)")


# what follows a speaker's place: 的 + who they are (一位村党支部书记, 党委书记王某)
_SPEAKER_OF = re.compile(r"[\u4e00-\u9fff]{0,12}?的?[^，。；！？\n“”]{0,14}?(?:书记|主任|部长|负责人|干部|队长|代表|牧民|村民|居民|社长|理事长)")


def _belongs_to(text: str, loc: Loc, before: list[Loc]) -> bool:
    """Tell whether a place is what the sentence's subject place belongs to (扎兰屯市…是呼伦贝尔市的农业大市).

    Only a league is read so (怪勒村的做法，是莫旗…的缩影: 莫旗 is what the sentence is about).
    """
    if not (text[loc.start - 1:loc.start] == "是" and text.startswith("的", loc.end)):
        return False
    s0 = max(text.rfind(c, 0, loc.start) for c in "。！？\n") + 1
    r = loc.region
    return any(s0 <= l.start < loc.start and l.region != r and not l.how.startswith("anaphor")
               and level_of(l.region) in ("banner", "township", "village") and level_of(r) == "league"
               and _under(l.region, r) for l in before)


def _in_list(text: str, loc: Loc) -> bool:
    """Tell whether a place is one item of a list of places (鄂温克旗、扎兰屯市、满洲里市作了交流发言)."""
    return text[loc.end:loc.end + 1] == "、" or text[loc.start - 1:loc.start] == "、"


# 各旗县区 / 各苏木镇: each of the parts, together — the figure of the whole they belong to
_EACH = re.compile(r"各(?:旗县市区|旗县区|旗县市|旗市区|旗县|旗市|旗区|旗|县|盟市|苏木乡镇|苏木镇|乡镇|苏木|街道)")
_EACH_PARENT = {"盟市": "region"}


def _each(text: str, locs: list[Loc], main: Region | None) -> list[Loc]:
    """各旗 (each banner) as a subject: the league they belong to (各盟市: the region; 各苏木镇: the banner).

    The whole is the place named before it in the sentence (在青山区，各街道… → 青山区), else the article's.
    """
    if "各" not in text:
        return []
    out = []
    starts = [l.start for l in locs]
    for m in _EACH.finditer(text):
        if covering(locs, starts, m.start()) or covering(locs, starts, m.end() - 1):
            continue
        kind = m.group(0)[1:]
        k = bisect_left(starts, m.start())
        s0 = sentence_start(text, m.start())
        before = [l for l in locs[max(0, k - 5):k] if l.start >= s0 and l.region.level not in ("outside", "region")]
        whole = before[-1].region if before else main
        if whole is None:
            continue
        if kind == "盟市":
            region = Region(level="region")
        elif kind.startswith(("苏木", "乡", "街道")):
            region = cut_region(whole, "banner") if whole.banner else None
        else:
            region = cut_region(whole, "league") if whole.league else None
        if region is not None:
            out.append(Loc(m.start(), m.end(), region, "anaphor-each"))
    return out


def _unknown_township(text: str, locs: list[Loc], m: re.Match, want: str,
                      main: Region | None) -> tuple[Region | None, bool]:
    """The 苏木/街道 that 全苏木 refers to when the datasets lack it: a name the text writes out after a
    banner (科左后旗巴嘎塔拉苏木) or names twice at a clause's start — the nearest before, else the first
    after — under the article's banner (依托苏木…, 规模居全苏木 are no names)."""
    banner_ends = {l.end for l in locs if l.region.banner and not l.how.startswith("anaphor")}
    names = []
    for u in _TOWNSHIP_WORD.finditer(text):
        name = u.group(1)
        if not name.endswith(want) or name in _NOT_TOWNSHIP_NAME:
            continue
        after_banner = u.start() in banner_ends
        if after_banner or ((u.start() == 0 or text[u.start() - 1] in "，。；：\n“") and text.count(name) >= 2):
            names.append((u.start(), name))
    before = [n for n in names if n[0] < m.start()]
    if not before:  # a cut-off piece's: the first written after it, as before (place above it unknown)
        u = _UNKNOWN_TOWNSHIP.search(text, m.end())
        if u and u.group(1).endswith(want):
            return Region(township=u.group(1), level="township"), True
        return None, False
    start, name = before[-1]
    if before and main is not None and main.banner:  # (a name only after it: a cut-off piece's, place unknown)
        region = cut_region(main, "banner")
        region.township, region.level = name, "township"
    else:
        region = Region(township=name, level="township")
    return region, not before


# 巴嘎塔拉苏木, 林荫街道: a township's name as written (two to four characters and its kind)
_TOWNSHIP_WORD = re.compile(r"([\u4e00-\u9fff]{2,4}?(?:街道|苏木))")
_NOT_TOWNSHIP_NAME = frozenset({"全苏木", "该苏木", "本苏木", "我苏木", "各苏木", "全街道", "该街道", "本街道", "各街道"})


def _copy_main(main: Region) -> Region:
    r = copy_region(main)
    r.level = level_of(r)
    return r


def _district_subject(text: str, locs: list[Loc], starts: list[int], pos: int) -> Region | None:
    """The district (区) that 全区 refers to: the subject of one of the two sentences before it."""
    k = bisect_left(starts, pos)
    sentence_breaks = 0
    for i in range(k - 1, max(-1, k - 40), -1):
        l = locs[i]
        sentence_breaks = sum(text.count(c, l.end, pos) for c in "。！？\n")
        if sentence_breaks > 2:
            return None
        name = text[l.start:l.end]
        if not (name.endswith("区") and l.region.banner.endswith("区") and not l.region.township):
            continue
        ss = sentence_start(text, l.start)
        before = [x for x in locs[bisect_left(starts, ss):i] if not is_object(text, x, locs, starts)]
        # the district is the sentence's subject: nothing before it but its own chain
        if all(x.end == y.start for x, y in zip(before + [l], (before + [l])[1:])) and (not before or before[-1].end == l.start):
            return cut_region(l.region, "banner")
        return None
    return None


def at_kind(region: Region, want: str) -> Region | None:
    """Cut a region's chain at the level whose name ends in ``want`` (旗, 市, 盟, 街道…)."""
    for lv in ("village", "township", "banner", "league"):
        name = getattr(region, lv)
        if name and name.endswith(want):
            r = copy_region(region)
            for deeper in ("league", "banner", "township", "village")[("league", "banner", "township", "village").index(lv) + 1:]:
                setattr(r, deeper, "")
                setattr(r, deeper + "_code", "")
            r.level = lv
            return r
    return None


@lru_cache(maxsize=1)
def _outside_patterns() -> tuple[re.Pattern, ...]:
    """Provinces (_OUTSIDE) and the partner districts of data/reference/partner_regions.csv (丰台区).

    Two patterns, not one: each alternation of plain names is scanned 2× faster than the union.
    """
    names: list[str] = []
    path = REFERENCE_DIR / "partner_regions.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            names = [r["name"] for r in csv.DictReader(fh) if r.get("name")]
    if not names:
        return (_OUTSIDE,)
    return _OUTSIDE, re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))


# Partners named by their role, not by name: 京蒙协作结对区投入…, 对口帮扶城市…
# (方 as a side, not the 方 of 方面/方式/方法/方案/方向: 京蒙协作方面，全旗… is no partner)
_SIDE = r"方(?![面式法案向针])"
_PARTNER_ROLE = re.compile(r"(?:京蒙)?(?:协作)?结对(?:区|城区|地区|" + _SIDE + r"|城市)|对口(?:帮扶|支援|协作)(?:区|" + _SIDE
                           + r"|城市|地区|单位)|帮扶" + _SIDE + r"|协作" + _SIDE)
_partner_roles_in = scanner(_PARTNER_ROLE)


def _outside(text: str, locs: list[Loc]) -> list[Loc]:
    out = []
    locs = sorted(locs, key=lambda l: l.start)
    starts = [l.start for l in locs]
    hits = [m for pattern in _outside_patterns() for m in pattern.finditer(text)]
    if "结对" in text or "对口" in text or "方" in text:
        hits += list(_partner_roles_in(text))
    for m in sorted(hits, key=lambda m: m.start()) if len(hits) > 1 else hits:
        if covering(locs, starts, m.start()):
            continue
        if _OUTSIDE_MODIFIER.match(text, m.end()) and not m.group(0).endswith(("省", "市")):
            continue
        out.append(Loc(m.start(), m.end(), Region(level="outside"), "outside"))
    return out


def _default_region(locs: list[Loc], body_start: int, text: str = "", byline: Region | None = None) -> Region | None:
    """The article's own region, never below banner level.

    The headline's place if it names one; else the issuing office's (中共巴彦淖尔市委组织部, a work
    report's byline); else, when the article names three banners or more of one league, that league
    (a league's report that goes banner by banner); else a banner named at least twice and more
    often than its league on its own (an article about 阿鲁科尔沁旗); else the most named league (an
    article about 赤峰市 that gives one figure for one of its banners stays the league's). Places
    that visitors come from are left out.
    """
    visiting = "来" in text or "到此" in text  # a visitor's words (_visitor) hold one of these
    named = [l for l in locs if not l.how.startswith("anaphor") and l.region.level != "outside"
             and not (visiting and _visitor(text, l))]
    # a league written as the head of a chain (鄂尔多斯市准格尔旗) is not the league on its own
    heads = {a.start for a, b in zip(named, named[1:]) if a.end == b.start}
    head = [l for l in named if l.start < body_start]
    if head:
        best = max(head, key=lambda l: RANK.get(level_of(l.region), 0))
        region = cut_region(best.region, "banner")
        if (byline is not None and byline.league_code == region.league_code and not region.banner_code
                and byline.banner_code):
            return byline  # 赤峰市…推进会交流发言 / 阿鲁科尔沁旗…书记: the speaker's banner within the meeting's league
        if not region.banner_code and region.league_code:
            # 抱团奔小康兴安盟 over a story of one banner (科右前旗…图门嘎查…): the story's banner within the
            # headline's league, when the body names no other banner
            body_banners = {l.region.banner_code for l in named if l.start >= body_start and l.region.banner_code}
            # (a body that speaks of the league on its own more often than of the banner — 呼和浩特市持续完善…，
            # 回民区已实施…，该市… — is the league's)
            league_alone = sum(1 for l in named if l.start >= body_start and not l.region.banner_code
                               and l.start not in heads and l.region.league_code == region.league_code)
            banner_named = sum(1 for l in named if l.start >= body_start and l.region.banner_code)
            if len(body_banners) == 1 and league_alone < banner_named:
                one = next(l for l in named if l.start >= body_start and l.region.banner_code)
                if one.region.league_code == region.league_code:
                    return cut_region(one.region, "banner")
        return region
    if byline is not None:
        return byline
    if not named:
        return None
    league = _league_of_many_banners(named)
    if league is not None:
        return league
    banners = Counter(l.region.banner for l in named if l.region.banner)
    league_only = Counter(l.region.league for l in named
                          if l.region.league and not l.region.banner and l.start not in heads)
    leagues = Counter(l.region.league for l in named if l.region.league)
    if banners:
        banner, n = banners.most_common(1)[0]
        rivals = [b for b, k in banners.items() if k == n and b != banner]
        first = next(l for l in named if l.region.banner == banner)
        alone = league_only.get(first.region.league, 0)
        if (n >= 2 and not rivals and n > alone) or (len(banners) == 1 and alone == 0):
            return cut_region(first.region, "banner")
    if leagues:
        league, _n = leagues.most_common(1)[0]
        for l in named:
            if l.region.league == league:
                return cut_region(l.region, "league")
    return None


def _league_of_many_banners(named: list[Loc]) -> Region | None:
    """The league of an article that names three banners or more, all (but one) of that league."""
    banners: dict[str, Loc] = {}
    for l in named:
        if l.region.banner_code:
            banners.setdefault(l.region.banner_code, l)
    if len(banners) < 3:
        return None
    by_league = Counter(l.region.league_code for l in banners.values())
    code, n = by_league.most_common(1)[0]
    if n < 3 or n < len(banners) - 1:
        return None
    first = next(l for l in banners.values() if l.region.league_code == code)
    return cut_region(first.region, "league")


def cut_region(region: Region, level: str) -> Region:
    """Keep a region's chain down to a level (league or banner)."""
    order = ("league", "banner", "township", "village")
    r = copy_region(region)
    for lv in order[order.index(level) + 1:]:
        setattr(r, lv, "")
        setattr(r, lv + "_code", "")
    r.level = level_of(r)
    return r


def _anaphor_prefix(text: str, pm: PlaceMention) -> bool:
    """Tell whether a matched name is really an anaphor plus a word: 该苏木村集体… is not 苏木村."""
    return pm.text.startswith(("苏木", "嘎查", "社区", "街道")) and text[pm.start - 1:pm.start] in ("该", "全", "本", "各", "此")


def _list_part(text: str, loc: Loc) -> bool:
    """A place after 其中 in its sentence is one part of a total, not what the text is about."""
    return "其中" in text[sentence_start(text, loc.start):loc.start]


_SPEAKER_AFTER = re.compile(r"[^，。；！？\n]{0,16}?的[^，。；！？\n]{0,12}?"
                            r"(?:书记|主任|部长|负责人|干部|队长|代表|牧民|村民|居民)[^，。；！？\n]{0,8}?"
                            r"(?:介绍说|介绍|说|表示|告诉记者|坦言|感慨)")


_DIRECTIVE_BEFORE = re.compile(r"(?:贯彻|落实|紧扣|学习|传达|按照|遵照|对标|对照)[^，。；,;\n]{0,6}$")


def _names_no_place(text: str, word: str, start: int, end: int, starts: list[int]) -> bool:
    """Tell whether a region word (自治区, 内蒙古, 该旗…) at text[start:end] is part of something else, not a place."""
    region_word = word in ("内蒙古", "自治区", "全自治区", "内蒙古自治区")
    return (_in_title(text, start)  # 《内蒙古物业三级服务标准》: a document's name
            # 自治区道德模范14人, 内蒙古好人榜17人: the level of an honour
            or (region_word and _HONOUR_AFTER.match(text, end) is not None)
            # 内蒙古自治区兴安盟扎赉特旗巴达尔胡镇: the root of a written-out chain
            or (region_word and _chain_root(text, end, starts))
            # 引进内蒙古润棚食用菌有限公司: the first word of a company's or a body's name
            or (region_word and _ORG_NAME_AFTER.match(text, end) is not None)
            # 自治区下达我旗…, 自治区财政…资金分配为: the level that issues the funds, not their place
            or _ISSUES_TO.match(text, end) is not None
            # 紧扣中央和自治区党委…会议精神, 按照自治区要求: the level whose directives are followed
            or (region_word and _DIRECTIVE_BEFORE.search(text, max(0, start - 10), start) is not None)
            or (word == "自治区" and _FUND_OF.match(text, end) is not None))


def _in_title(text: str, pos: int) -> bool:
    """Whether pos lies inside book-title marks 《…》 (within the same line)."""
    a = text.rfind("《", max(0, pos - 40), pos)
    return a >= 0 and text.rfind("》", a, pos) < 0 and "\n" not in text[a:pos] and text.find("》", pos, pos + 40) >= 0


def _chain_root(text: str, end: int, starts: list[int]) -> bool:
    """Whether a league or banner name follows right after (内蒙古(自治区)兴安盟…)."""
    if text.startswith("自治区", end):
        end += 3
    k = bisect_left(starts, end)
    return k < len(starts) and starts[k] == end


def is_object(text: str, loc: Loc, locs: list[Loc] | None = None, starts: list[int] | None = None) -> bool:
    """Tell whether a place is an object, partner, source or venue, not the sentence's subject.

    向察右后旗投入; with the article's sorted locs and their starts also 赴锡盟二连浩特市学习 (a chain
    takes the word before its head) and 与四子王旗、二连浩特市结对 (a list takes the word before its
    first item); 在呼市召开的推进会 (a meeting's venue).
    """
    if _RANKED_AGAINST.match(text, loc.end) and text[loc.start:loc.start + 1] == "全":
        return True  # 在全区率先实现…, 全市首家: the level a place is ranked against, not the place itself
    if _ISSUES_TO.match(text, loc.end):
        return True  # 盟里下拨给苏木的资金: the level that issues, not the place the figure belongs to
    if _FILED_FROM_AFTER.match(text, loc.end):
        return True  # 中国经济网呼伦贝尔8月26日讯: where the story was filed from, not what it is about
    if _ROUTE_FROM.match(text, loc.end) or (_ROUTE_TO_AFTER.match(text, loc.end)
                                           and _ROUTE_TO_BEFORE.search(text, max(0, loc.start - 7), loc.start)):
        return True  # 乌海至东胜一线: the ends of a route
    if _NEIGHBOUR_BEFORE.search(text, max(0, loc.start - 4), loc.start):
        return True  # 东邻察右后旗: a neighbour
    if (_COMPANY_AFTER.match(text, loc.end) and level_of(loc.region) in ("league", "banner")
            and not (locs and starts is not None and _chained_before(locs, starts, loc))):
        return True  # 乌兰察布市欣康源现代农业专业合作社: a company named after its city, not the place described
    start = loc.start
    k = bisect_left(starts, start) if locs and starts is not None else 0
    while True:
        before = text[max(0, start - 2):start]
        if before.endswith(_OBJECT_BEFORE) or (loc.how == "outside" and before.endswith(_OUTSIDE_AGENT_BEFORE)):
            # 来自东乌旗的书记朝鲁介绍说，…: the speaker's home is the subject of what they say;
            # 记者一路向西来到苏尼特右旗。这里…: where the story arrives is its scene, not a place visited to learn
            return not ((before.endswith("来自") and _SPEAKER_AFTER.match(text, loc.end))
                        or (before.endswith("来到") and loc.how != "outside"
                            and _LEARN_AFTER.match(text, loc.end) is None))

        if k == 0:  # walk back over the chain and the list this place belongs to
            break
        prev = locs[k - 1]
        gap = text[prev.end:start]
        if not ((gap == "" and not prev.how.startswith("anaphor"))
                or (gap in _AND and (prev.how != "outside" or loc.how == "outside"))):
            break
        k -= 1
        start = prev.start
    return before.endswith("在") and _VENUE_AFTER.match(text, loc.end) is not None


# 位于/地处 right before a sentence's first place, and what may stand between it and a narrower place
_LOCATED_BEFORE = re.compile(_LOCATED_IN.pattern + r"(?:内蒙古(?:自治区)?)?$")
_NARROWING_GAP = re.compile(r"[\u4e00-\u9fff]{0,4}[，,、 ](?:内蒙古(?:自治区)?)?")


def _chained_before(locs: list[Loc], starts: list[int], loc: Loc) -> bool:
    """Tell whether another place ends right where this one starts (通辽市扎鲁特旗…: a chain)."""
    k = bisect_left(starts, loc.start)
    return k > 0 and locs[k - 1].end == loc.start


def _subject_loc(ctx: Context, s: int, e: int) -> Loc | None:
    """The first place (or chain, deepest name) of a sentence: its grammatical subject."""
    inside = in_range(ctx.locs, ctx.loc_starts, s, e)
    if not inside:
        return None
    text = ctx.article.text
    subjects = [l for l in inside if not is_object(text, l, ctx.locs, ctx.loc_starts)]
    if not subjects:
        return None  # 组织书记赴浙江省安吉县学习: only places visited or given to; the subject is elsewhere
    first = subjects[0]
    for l in inside[inside.index(first) + 1:]:
        if l.start <= first.end + 0 and l.how in ("chain", "unknown", "name"):
            first = l  # follow an adjacent chain to its deepest name
        else:
            break
    if _LOCATED_BEFORE.search(text, max(0, first.start - 9), first.start):
        # 嘎查位于内蒙古锡林郭勒草原腹地，东乌珠穆沁旗中东部: where a place lies, narrowed step by step across
        # commas; the narrowest place inside the first one is the subject (a place outside it is a neighbour)
        k = inside.index(first) + 1
        while k < len(inside):
            nxt = inside[k]
            gap = text[first.end:nxt.start]
            if (len(gap) > 8 or not _NARROWING_GAP.fullmatch(gap) or level_of(nxt.region) == level_of(first.region)
                    or not _under(nxt.region, first.region) or is_object(text, nxt, ctx.locs, ctx.loc_starts)):
                break
            first = nxt
            k += 1
    return first


def _clause_opener(ctx: Context, s: int, c0: int) -> Loc | None:
    """The place that opens the latest clause of text[s:c0] (旗里统筹用于…), if any clause opens with one."""
    text = ctx.article.text
    starts = [s] + [m.end() for m in CLAUSE_SEP.finditer(text, s, c0)]
    for a in reversed(starts):
        if a >= c0:
            continue
        k = bisect_left(ctx.loc_starts, a)
        if k < len(ctx.locs) and ctx.locs[k].start == a and not is_object(text, ctx.locs[k], ctx.locs, ctx.loc_starts):
            return ctx.locs[k]
    return None


def _loc_index(ctx: Context, loc: Loc) -> int:
    """``ctx.locs.index(loc)`` from where its start sorts (no loc before that can equal it)."""
    locs = ctx.locs
    k = bisect_left(ctx.loc_starts, loc.start)
    while locs[k] is not loc and locs[k] != loc:
        k += 1
    return k


def _subject_region(ctx: Context, s: int, e: int) -> Region | None:
    """The region a sentence is about: its subject's, or what a list of places as subject shares.

    在乌拉特前旗、乌拉特中旗、乌拉特后旗推行… and 新右旗、新左旗、陈旗、鄂温克旗等牧业旗共设立…: the
    banners together, so their league.
    """
    first = _subject_loc(ctx, s, e)
    if first is None:
        return None
    text = ctx.article.text
    k = _loc_index(ctx, first)
    group = [first]
    for l in ctx.locs[k + 1:]:
        if l.start >= e:
            break
        gap = text[group[-1].end:l.start]
        if gap == "" and l.how in ("chain", "unknown", "name"):
            continue  # the same chain
        if gap in _AND and l.how != "outside" and not l.how.startswith("anaphor"):
            group.append(l)
            continue
        break
    if len(group) < 2:
        return first.region
    return _coordinated(text, group)


_DISTANCE_UNITS = frozenset({"公里", "千米", "米", "里"})
# 等5个苏木镇: the count right after a list's 等
_DENG_COUNT = re.compile(r"[0-9０-９一二两三四五六七八九十百千]+[个处家座]")


def region_for(ctx: Context, m: Mention) -> tuple[Region | None, str]:
    """Choose the region a number belongs to, and say at which scope it was found."""
    text = ctx.article.text
    avg = _AVERAGE_BEFORE.search(text, max(0, m.start - 16), m.start)
    if avg is not None:  # 比全区平均水平21221元高出…: the average is the wider region's own figure
        region = _average_region(ctx, avg.group(1))
        if region is not None:
            return region, "clause"
    s, e = sentence_of(ctx, m.start)
    c0 = clause_start(text, s, m.start)
    if _NATION_CLAUSE.match(text, c0, m.start + 1):
        return None, "clause"  # 全国共有5个县市入选: the country's figure, not the place's
    if _ONE_OF_AFTER.match(text, m.end):
        # 该县成为自治区…百强县市的19个县市之一: the number counts the set the place belongs to, whose scope is
        # the region (or the country), not the place
        scope = _SET_SCOPE.search(text, c0, m.start)
        if scope is not None:
            return (Region(level="region") if scope.group(0) in ("自治区", "全区", "我区", "内蒙古") else None), "clause"
        # 二连浩特市是首批十三个沿边开放城市之一: the place is a member of a set named without its scope, so the count
        # is not the place's own (but 达来是苏木选聘的41名护边员之一: the 苏木 named after 是 owns the set)
        copula = text.rfind("是", c0, m.start)
        if (copula >= 0 and "的" not in text[copula:m.start]
                and not any(copula < l.start for l in in_range(ctx.locs, ctx.loc_starts, c0, m.start))):
            return None, "clause"
    before = [l for l in in_range(ctx.locs, ctx.loc_starts, c0, m.start) if l.end <= m.start]
    clause_locs = [l for l in before if "等" not in text[l.end:m.start]]
    listed = [l for l in before if "等" in text[l.end:m.start] and l.how in ("name", "chain")
              and level_of(l.region) in ("township", "village")]
    if not clause_locs and listed and _DENG_COUNT.match(text, text.find("等", listed[-1].end) + 1):
        # 投向巴彦呼舒镇、吐列毛杜镇等5个苏木镇: the places listed are the ones counted; what they share
        shared = _coordinated(text, listed)
        if shared.banner_code:
            return cut_region(shared, "banner") if level_of(shared) != "banner" else shared, "clause"
    if (clause_locs and m.start == clause_locs[-1].end and clause_locs[-1].how != "outside"
            and not _in_list(text, clause_locs[-1])
            # (销到鄂伦春旗46万袋: what is sold or sent to a place is the seller's figure; 距海拉尔区97公里: the
            # distance of the sentence's subject from that place)
            and not _SENT_TO_BEFORE.search(text, max(0, clause_locs[-1].start - 4), clause_locs[-1].start)):
        # 与全旗11所中小学结成对子: the place written right before the number owns it
        return clause_locs[-1].region, "clause"
    if m.unit in _DISTANCE_UNITS:
        # 北京到察哈尔右翼中旗，相距约400公里: a distance between a partner and a place here is the place's
        in_sentence = [l for l in in_range(ctx.locs, ctx.loc_starts, s, m.start) if l.end <= m.start]
        here = [l for l in in_sentence if l.how != "outside" and not l.how.startswith("anaphor")]
        if here and any(l.how == "outside" for l in in_sentence):
            return here[-1].region, "sentence"
    if len(clause_locs) > 1:  # 丰台区向察右后旗投入…: the giver, not the receiver
        clause_locs = [l for l in clause_locs if not is_object(text, l, ctx.locs, ctx.loc_starts)] or clause_locs[-1:]
    if clause_locs and not (len(clause_locs) == 1 and is_object(text, clause_locs[0], ctx.locs, ctx.loc_starts)):
        first = clause_locs[0]
        k = _loc_index(ctx, first)
        if k > 0 and text[ctx.locs[k - 1].end:first.start] == "、" and first.start == c0:
            # 满洲里市、额尔古纳市和新右旗、新左旗、陈旗沿边…组建: the clause goes on a list of places
            group = _subject_region(ctx, s, m.start)
            if group is not None:
                return group, "clause"
        return _coordinated(text, clause_locs), "clause"
    if c0 > s and not clause_locs:
        # 北京结对区安排资金3280万元，旗里统筹用于…，实施协作项目14个: a clause without a subject goes on
        # about the subject of the latest clause that opens with one (a topic chain), when that is a place here
        # and the sentence's first subject is a partner outside
        opener = _clause_opener(ctx, s, c0)
        if opener is not None and opener.how != "outside":
            first = _subject_loc(ctx, s, c0)
            if first is not None and first.how == "outside":
                return opener.region, "clause"
    semi = text.rfind("；", s, m.start)
    if semi >= 0:  # 一是阿拉善盟…；二是巴彦淖尔市…，60岁以上党员占比达到41%: the segment's own subject
        subj = _subject_loc(ctx, semi + 1, m.start)
        if subj is not None:
            return subj.region, "sentence"
    subj = _subject_region(ctx, s, m.start)
    if subj is not None:
        return subj, "sentence"
    p0 = paragraph_start(text, s)
    for ps, pe in reversed(in_range_pairs(ctx.sentences, ctx.sentence_starts, max(p0, s - 3000), s)):
        subj = _subject_region(ctx, ps, pe)
        if subj is not None:
            if level_of(subj) == "outside" and not _PARTNER_INPUT.search(
                    text, max(s, c0 - 30), clause_end(text, m.end, e)):
                # 中宣部、北京市海淀区在科尔沁右翼中旗…带动…。目前，项目已带动周边1000余户…: a partner's sentence
                # sets the scene where it works; what follows without a place of its own happens there
                inner = [l for l in in_range(ctx.locs, ctx.loc_starts, ps, pe)
                         if l.how != "outside" and not l.how.startswith("anaphor")
                         and level_of(l.region) not in ("region", "outside")]
                if inner:
                    return inner[-1].region, "paragraph"
            if level_of(subj) == "region":
                # 在内蒙古4200多公里的边境线上，阿巴嘎旗守着175公里。…: the region frames the sentence; what
                # follows goes on about the place its main clause is about
                inner = [l for l in in_range(ctx.locs, ctx.loc_starts, ps, pe)
                         if level_of(l.region) != "region" and not l.how.startswith("anaphor")
                         and not is_object(text, l, ctx.locs, ctx.loc_starts)]
                if inner:
                    return inner[-1].region, "paragraph"
            return subj, "paragraph"
    home = _answer_home(ctx, m.start)
    if home is not None:  # 韩振东：明年再建8个示范点: an answer is about the speaker's own place
        return home, "paragraph"
    if m.start < ctx.body_start:
        head = in_range(ctx.locs, ctx.loc_starts, 0, ctx.body_start)
        if head:
            return head[-1].region, "headline"
    section = _section_region(ctx, p0)
    if section is not None:  # ▲赛罕区：… — the heading of the paragraph's section names its place
        return section, "section"
    opened = _section_opened_region(ctx, p0)
    if opened is not None:  # 林海深处的“活地图” / 阿尔山市地处…。 / 在伊尔施镇…: the place the section opened with
        return opened, "section"
    person = _person_region(ctx, p0, m.start)
    if person is not None:  # 一路跟着乌力吉苏木党委副书记斯琴巴特尔 … ■早上六点半 / 天刚亮，斯琴巴特尔…: where that person works
        return person, "paragraph"
    previous = _previous_paragraph_region(ctx, p0)
    main = ctx.default_region
    if (previous is not None and main is not None and previous.league_code and main.league_code
            and previous.league_code != main.league_code):
        return None, "article"  # after a paragraph about another league: unknown beats a wrong place
    if (previous is not None and main is not None and previous.league_code == main.league_code
            and text.startswith(_CONTINUES, p0)
            and RANK.get(level_of(previous), 0) > RANK.get(level_of(main), 0)
            and (not main.banner_code or previous.banner_code == main.banner_code)):
        # the story goes on where the paragraph before it was (“我这个党员中心户…”巴图孟和说)
        return cut_region(previous, "banner"), "paragraph"
    return main, "article"


# A paragraph that goes on with the paragraph before it: a quotation, a pronoun (“我这个党员中心户…”他说)
# or a time that goes on (后来), or the bare level noun of the place just named (嘎查党支部…, 村里…)
_CONTINUES = ("“", "\"", "他", "她", "这里", "那里", "这位", "这个", "这些", "如今", "说起", "谈起",
              "后来", "此后", "随后", "从那以后", "那时", "嘎查", "村里", "村上", "苏木里", "镇里", "社区里")


def _section_region(ctx: Context, p0: int) -> Region | None:
    """The place the heading of the paragraph's section names (None when it names none)."""
    heading = ctx.heading_before(p0)
    if heading is None:
        return None
    a, b = heading
    subj = _subject_loc(ctx, a, b)
    return subj.region if subj is not None and subj.region.level != "outside" else None


_SENTENCE_STOP = re.compile(r"[。！？]")
_ITEM_START = re.compile(r"[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[.、．]|[一二三四五六七八九十]{1,2}、")


# …苏木党委副书记斯琴巴特尔, 嘎查党支部书记王海军: a person introduced by place and post
_POST = re.compile(r"(?:党委|党工委|党支部|党总支|党组)?(?:常务)?副?(?:书记|主任|苏木达|嘎查达|镇长|乡长|旗长|县长|区长|部长|队长|站长|所长)")


_LIVES_IN = re.compile(r"([\u4e00-\u9fff]{4})(?:一家|全家)?(?:如今|现在|常年|一直)?(?:生活在|居住在|住在|家住|扎根在|扎根于)")
_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_NOT_NAME_START = frozenset("的岁是在和与及了家")


def _people(ctx: Context) -> dict[str, Region]:
    """People the text introduces by their place and post, and that place (the name as written again later)."""
    if ctx.people is None:
        text = ctx.article.text
        people: dict[str, Region] = {}
        for l in ctx.locs:
            if l.how.startswith("anaphor") or l.how == "outside" or level_of(l.region) not in ("banner", "township", "village"):
                continue
            post = _POST.match(text, l.end)
            if post is None:
                continue
            for n in (4, 3, 2):
                name = text[post.end():post.end() + n]
                if (len(name) == n and all("\u4e00" <= c <= "\u9fff" for c in name)
                        and text.find(name, post.end() + n) >= 0):
                    people.setdefault(name, _copy_main(l.region))
                    break
        # 44岁的乌尼孟和生活在锡林郭勒盟二连浩特市…嘎查: a person the text says lives in a place (the deepest
        # place of the chain that follows the verb)
        for v in _LIVES_IN.finditer(text) if any(w in text for w in ("生活在", "住在", "家住", "扎根")) else ():
            k = bisect_left(ctx.loc_starts, v.end())
            if k >= len(ctx.locs) or ctx.locs[k].start - v.end() > 5:
                continue
            deepest = ctx.locs[k]
            while k + 1 < len(ctx.locs) and ctx.locs[k + 1].start == deepest.end:
                k += 1
                deepest = ctx.locs[k]
            if deepest.how == "outside" or level_of(deepest.region) not in ("banner", "township", "village"):
                continue
            for n in (4, 3, 2):
                name = text[v.start(1) + 4 - n:v.end(1)]
                if (len(name) == n and _HAN_NAME.fullmatch(name) and name[0] not in _NOT_NAME_START
                        and text.find(name, v.end()) >= 0):
                    people.setdefault(name, _copy_main(deepest.region))
                    break
        ctx.people = people
    return ctx.people


def _person_region(ctx: Context, p0: int, pos: int) -> Region | None:
    """The place of the person the paragraph (or its section's opening paragraph) is about."""
    people = _people(ctx)
    if not people:
        return None
    text = ctx.article.text
    heading = ctx.heading_before(p0)
    lo = heading[1] if heading is not None else p0
    window = text[lo:pos]
    best, at = None, -1
    for name, region in people.items():
        i = window.rfind(name)
        if i > at:
            best, at = region, i
    return best


def _answer_home(ctx: Context, pos: int) -> Region | None:
    """The place of the speaker whose answer (巴特尔：…) holds pos, when the text says where they are from."""
    if ctx.answers is None:
        text = ctx.article.text
        spoken = _answers(text)
        homes = _speaker_places(text, ctx.locs, {who for _a, _b, who in spoken if who}) if spoken else {}
        ctx.answers = [(a, b, homes.get(who)) for a, b, who in spoken]
    for a, b, home in ctx.answers:
        if a <= pos < b:
            return _copy_main(home) if home is not None else None
    return None


def _section_opened_region(ctx: Context, p0: int) -> Region | None:
    """In a section whose heading names no place: the place its first paragraph is about, when that
    paragraph opens with it as the subject (阿尔山市地处大兴安岭…) and it is a banner or deeper."""
    heading = ctx.heading_before(p0)
    text = ctx.article.text
    if heading is None or _ITEM_START.match(text, p0):  # 二是…: an item of its own, not the section's story going on
        return None
    first = heading[1]
    while first < len(text) and text[first] == "\n":
        first += 1
    if first >= p0:
        return None
    end = text.find("\n", first)
    end = p0 if end < 0 or end > p0 else end
    stop = _SENTENCE_STOP.search(text, first, end)
    subj = _subject_loc(ctx, first, stop.end() if stop else end)  # the opening sentence's subject
    if (subj is None or subj.how.startswith("anaphor") or _visitor(text, subj)
            or level_of(subj.region) not in ("banner", "township", "village")):
        return None
    return subj.region


def _previous_paragraph_region(ctx: Context, p0: int) -> Region | None:
    """The subject of the paragraph before (its last sentence naming a place), if it names one."""
    text = ctx.article.text
    prev_end = p0 - 1
    while prev_end > 0 and text[prev_end - 1] == "\n":
        prev_end -= 1
    if prev_end <= ctx.body_start:
        return None
    prev_start = paragraph_start(text, prev_end)
    for ps, pe in reversed(in_range_pairs(ctx.sentences, ctx.sentence_starts, max(prev_start, prev_end - 3000), prev_end)):
        subj = _subject_loc(ctx, ps, pe)
        if subj is not None and not _visitor(text, subj):
            return _subject_region(ctx, ps, pe)
    return None


# A number right after "全区平均水平" is the average itself, unless a comparison verb comes first: in
# 高于全区平均水平1100元 the number is the margin, the subject's own figure.
_AVERAGE_BEFORE = re.compile(
    r"(?<!高于|低于|超过|超出|高出|多于|少于|快于|慢于|领先|落后)(全区|全自治区|自治区|全国|全市|全盟|全旗|全县)"
    r"(?:的)?平均(?:水平|值|数|线)?(?:为|是|的|达到|达)?$")


def _average_region(ctx: Context, word: str) -> Region | None:
    main = ctx.default_region
    if word == "全区" and main is not None and main.banner.endswith("区"):
        return at_kind(main, "区")  # an article about a district: 全区 is the district
    if word in ("全区", "全自治区", "自治区"):
        return Region(level="region")
    if word == "全国":
        return Region(level="outside")
    return at_kind(main, word[-1]) if main is not None else None


_LIST_SEP = frozenset({"、", "和", "及", "与", "，", "以及"})


_AND = frozenset({"、", "和", "及", "与", "以及"})


def _coordinated(text: str, locs: list[Loc]) -> Region:
    """The region of the last place before a number, or of all places coordinated with it.

    乌拉特中旗和乌拉特后旗共有边境嘎查23个: both banners together, so their league.
    """
    last = locs[-1]
    group = [last]
    for l in reversed(locs[:-1]):
        if text[l.end:group[0].start] in _AND:
            group.insert(0, l)
        elif l.end == group[0].start:
            continue  # a chain: part of the same name
        else:
            break
    if len(group) < 2:
        return last.region
    common = copy_region(group[0].region)
    for lv in ("village", "township", "banner", "league"):
        if len({getattr(g.region, lv + "_code") or getattr(g.region, lv) for g in group}) > 1:
            for deeper in ("league", "banner", "township", "village")[("league", "banner", "township", "village").index(lv):]:
                setattr(common, deeper, "")
                setattr(common, deeper + "_code", "")
    common.level = level_of(common)
    return common


def respectively(ctx: Context, mentions: list[Mention]) -> dict[int, Region]:
    """敖汉旗、翁旗、克旗入选数量分别为5个、4个、3个: the i-th number is the i-th place's.

    Only when the places form one list before 分别 and as many numbers follow it in the sentence.
    """
    text = ctx.article.text
    out: dict[int, Region] = {}
    if "分别" not in text:
        return out
    for s, e in ctx.sentences:
        k = text.find("分别", s, e)
        if k < 0:
            continue
        idx = [i for i, m in enumerate(mentions) if k < m.start < e]
        c0 = max(s, max(text.rfind(c, s, k) for c in "，；：,;:") + 1)  # the list's clause (、 inside it)
        items: list[Loc] = []
        for l in in_range(ctx.locs, ctx.loc_starts, c0, k):
            if l.how in ("outside",) or l.end > k:
                continue
            if items and items[-1].end == l.start:
                items[-1] = l  # a chain: its deepest name
            else:
                items.append(l)
        if (len(items) >= 2 and len(idx) == len(items)
                and all(text[a.end:b.start] in _LIST_SEP for a, b in zip(items, items[1:]))):
            for i, l in zip(idx, items):
                out[i] = l.region
    return out


def _byline_region(gaz: Gazetteer, byline: str) -> Region | None:
    """The place of a work report's issuing office (中共巴彦淖尔市委组织部), at banner level at most."""
    if not byline or not any(w in byline for w in ("委", "政府", "组织部", "办公室", "局", "书记", "主任", "部长", "旗长",
                                                    "县长", "区长", "镇长", "乡长", "苏木达", "嘎查达", "代表大会",
                                                    "会议上")):
        # an issuing office, a speaker's line under a speech (…嘎查党支部书记　吉日木图), or the assembly a work
        # report is given to (2020年4月21日在巴林右旗第十七届人民代表大会第四次会议上)
        return None
    locs = _resolve_places(gaz, byline, [p for p in gaz.find_places(byline)])
    locs = [l for l in locs if l.region.level in ("league", "banner", "township", "village")]
    if not locs:
        return None
    region = cut_region(locs[-1].region, "banner")
    if locs[-1].region.township_code:  # 中共四子王旗红格尔苏木委员会: the office's township, kept aside
        region.extra = {**(region.extra or {}), "issuer_township": cut_region(locs[-1].region, "township")}
    return region


def _splits_word(text: str, pm: PlaceMention) -> bool:
    """A short name read across a word boundary (牧区振兴和基层治理: 振兴/和, not 兴和县; 富民强村: not 民强村).

    Names of two characters are short forms (兴和, 林西, 锡盟); the dictionary's segmentation of the
    few characters around them, with the place names as words, says whether the text writes them
    as a word of their own.
    """
    # (a village's three-character name read across a word of the text: 富民强村 is 富民/强村, not 民强村)
    village = (pm.end - pm.start == 3 and pm.start > 0 and bool(pm.candidates)
               and all(c.level == "village" for c in pm.candidates))
    if pm.end - pm.start > 2 and not village:
        return False
    from .subjects import words_of  # noqa: PLC0415  (jieba's tables are built once, on first use)

    lo, hi = max(0, pm.start - 3), min(len(text), pm.end + 3)
    cuts, at = {lo, hi}, lo
    for w in words_of(text[lo:hi]):
        at += len(w)
        cuts.add(at)
    if village:
        return pm.start not in cuts
    return pm.start not in cuts or pm.end not in cuts


# 前旗 for 察右前旗 (or 乌拉特前旗…), 中旗, 后旗, 左旗, 右旗: a banner's short name, when the article names one
# banner that ends so; not where the character before makes a word of it (目前旗里, 其中旗县, 之后旗里)
_SHORT_BANNER = re.compile(r"(前旗|中旗|后旗|左旗|右旗)(?![帜杆])")
_NOT_BEFORE_SHORT = {"前": set("目当之提此以眼日先面跟门空向节生事超"), "中": set("其集空当期心居从之途暗家手水正"),
                     "后": set("之今此然最以背落随先善前"), "左": set("向偏"), "右": set("向偏左")}


def _short_banners(text: str, locs: list[Loc]) -> list[Loc]:
    """Short names of a banner the article names in full (察右前旗 … 前旗7个帮扶车间 → 察哈尔右翼前旗)."""
    if not any(w in text for w in ("前旗", "中旗", "后旗", "左旗", "右旗")):
        return []
    banners: dict[str, dict[str, Region]] = {}
    for l in locs:
        b = l.region.banner
        if b and l.how in ("name", "chain") and b.endswith(("前旗", "中旗", "后旗", "左旗", "右旗")):
            banners.setdefault(b[-2:], {})[b] = l.region
    out = []
    spans = sorted((l.start, l.end) for l in locs)
    starts = [a for a, _b in spans]
    for m in _SHORT_BANNER.finditer(text):
        named = banners.get(m.group(1), {})
        if len(named) != 1 or text[m.start() - 1:m.start()] in _NOT_BEFORE_SHORT[m.group(1)[0]]:
            continue
        k = bisect_right(starts, m.start()) - 1
        if k >= 0 and spans[k][1] > m.start():
            continue  # part of a name found (察右前旗)
        out.append(Loc(m.start(), m.end(), cut_region(next(iter(named.values())), "banner"), "name"))
    return out


def _former_latter(text: str, locs: list[Loc]) -> list[Loc]:
    """前者 / 后者: the first / the second of the two places the sentence named just before
    (正镶白旗与镶黄旗…，前者旗域面积6200多平方公里，后者5100多平方公里)."""
    out = []
    for m in re.finditer("前者|后者", text):
        s0 = max(text.rfind(c, 0, m.start()) for c in "。！？\n") + 1
        named: list[Region] = []
        for l in sorted(locs, key=lambda l: l.start):
            if s0 <= l.start and l.end <= m.start() and l.how in ("name", "chain") and not any(
                    (l.region.banner, l.region.township, l.region.village) == (r.banner, r.township, r.village)
                    for r in named):
                named.append(l.region)
        # (正镶白旗与镶黄旗同处锡林郭勒盟: the pair is the two of one level, not their league)
        deeper = [r for r in named if r.banner]
        named = deeper if len(deeper) >= 2 else named
        if len(named) >= 2:
            out.append(Loc(m.start(), m.end(), copy_region(named[-2] if m.group(0) == "前者" else named[-1]), "anaphor"))
    return out


def find_locs(gaz: Gazetteer, text: str, body_start: int,
              byline: str = "") -> tuple[list[Loc], list[tuple[int, int]], Region | None]:
    """Find and resolve an article's places, outside places and anaphora.

    Returns the locations sorted by position, the spans of the gazetteer's place names, and the
    article's own region (its headline's or most named place).
    """
    places = [p for p in gaz.find_places(text) if not _anaphor_prefix(text, p) and not _splits_word(text, p)]
    place_spans = [(p.start, p.end) for p in places]
    issuer = _byline_region(gaz, byline)
    locs = _resolve_places(gaz, text, places, issuer)
    # comparisons with an average (全区平均水平) are not subjects, an address with its postcode is no place of
    # the text (内蒙古民族大学…，内蒙古 通辽 028000: an author's affiliation)
    locs = [l for l in locs if not _COMPARISON_AFTER.match(text[l.end:l.end + 6]) and not _POSTCODE_AFTER.match(text, l.end)]
    locs += _short_banners(text, locs)
    main = _default_region(locs, body_start, text, issuer)
    locs += _each(text, locs, main)
    locs += _outside(text, locs)
    anaphors = [a for a in _anaphora(text, locs, main) if not _COMPARISON_AFTER.match(text[a.end:a.end + 6])]
    if "前者" in text or "后者" in text:
        anaphors += _former_latter(text, locs)
    return sorted(locs + anaphors, key=lambda l: l.start), place_spans, main


def common_region(regions: list[Region]) -> Region | None:
    """The deepest place all regions share (a table's 合计 row): their banner, else their league."""
    if not regions:
        return None
    out = copy_region(regions[0])
    for lv in ("village", "township", "banner", "league"):
        if len({getattr(r, lv + "_code") or getattr(r, lv) for r in regions}) > 1:
            for deeper in ("league", "banner", "township", "village")[("league", "banner", "township", "village").index(lv):]:
                setattr(out, deeper, "")
                setattr(out, deeper + "_code", "")
    out.level = level_of(out)
    return out if out.level not in ("unknown",) else None
