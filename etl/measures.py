"""An article's facts → the same facts with measure, kind, as_of and period_start filled in (pure).

**Measure**: what a number counts, normalised so that different writers get the same key
(541个嘎查党群服务中心 / 全盟嘎查党群服务中心达到560个 → 嘎查党群服务中心). The counted phrase is
read after the number (541个嘎查党群服务中心完成…), else before it in its clause (全盟…达到560个),
else taken from the attribution's subject; a part (其中东乌旗57个) or a list line (巴林右旗：新建、
改扩建14个) that names nothing counts what its total counts. The phrase is then cleaned by rules
(places, 全盟/各类/该旗, counts, verbs that say how a thing came to be such as 新建/组建/配备, 共/累计,
trailing 达到/降至/长) and its head is mapped to a canonical name from ``data/reference/measures.csv``
(党群服务站 → 党群服务中心, 受理诉求 → 受理群众诉求). Verbs that change what is counted stay
(受理/解决/办结 群众诉求 are three measures).

**Indicator** follows from the measure: the canonical entry's indicator, else the indicator
keywords applied to the measure itself (etl.subjects.indicator_for), so one measure (with its unit
and ``per``) never has two indicators. ``annotate`` overwrites ``Fact.indicator`` with it; facts
whose measure stays empty keep the attribution's indicator.

**Kind**: ``percent`` (%, 个百分点), ``rate`` (a ``per``), ``part`` (其中… and 分别… lists),
``flow`` (新增/新建/累计/今年以来/全年/上半年…, or things that happen: 人次, 场, 件; events,
requests, training, people reached, money), else ``stock`` (现有/共有/已建成/达到/覆盖, and things
that exist, service windows included).

**Dates**: ``as_of`` is the day a figure is valid for: 截至5月底 → the last day of May, 截至2024年5月31日,
上半年 → June 30, 全年/去年 → December 31 of that year, YYYY年底; else the report's date. Months
and years without a year are the report's (截至12月底 in a January report is last December).
``period_start`` is where a flow's period begins when the text says it (今年以来 → January 1 of the
report's year, 5月以来 → May 1, 上半年 → January 1, 2023年以来 → 2023-01-01); else "".

>>> from etl.schema import Article
>>> text = "截至5月底，全盟已有541个嘎查党群服务中心完成提档升级，其中东乌旗57个、西乌旗49个。"
>>> spans = [(text.index(v), text.index(v) + len(v)) for v in ("541个", "57个", "49个")]
>>> facts = [_example_fact(text, a, b) for a, b in spans]
>>> [(f.measure, f.kind, f.as_of) for f in annotate(Article("a", "x.txt", 0, "", text), facts, "2024-06-10")]
[('嘎查党群服务中心', 'stock', '2024-05-31'), ('嘎查党群服务中心', 'part', '2024-05-31'), ('嘎查党群服务中心', 'part', '2024-05-31')]
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .paths import REFERENCE_DIR
from .schema import Article, Fact, Mention

# ---------------------------------------------------------------------------------------------
# The curated table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureEntry:
    """One row of measures.csv: a canonical measure, its indicator and the units it applies to."""

    canonical: str
    indicator: str
    units: frozenset[str]  # empty: any unit


@dataclass(frozen=True)
class MeasureLexicon:
    """Synonym (and canonical name) → entry, with a pattern that finds any of them."""

    by_name: dict[str, MeasureEntry]
    names_longest_first: tuple[str, ...]
    pattern: re.Pattern
    lengths_longest_first: tuple[int, ...] = ()  # the distinct lengths of the names

    def entry(self, name: str, unit: str) -> MeasureEntry | None:
        e = self.by_name.get(name)
        if e is None or (e.units and unit not in e.units):
            return None
        return e

    def head(self, phrase: str, unit: str) -> tuple[str, MeasureEntry] | None:
        """The longest synonym the phrase ends with that applies to this unit, and its entry."""
        n = len(phrase)
        by_name = self.by_name
        for k in self.lengths_longest_first:  # one name of each length can end the phrase: a dict lookup
            if k <= n:
                name = phrase[n - k:]
                e = by_name.get(name)
                if e is not None and (not e.units or unit in e.units):
                    return name, e
        return None


@lru_cache(maxsize=4)
def load_measures(path: str | None = None) -> MeasureLexicon:
    """Read data/reference/measures.csv (written by ``python -m etl.build_lexicon``)."""
    from pathlib import Path  # noqa: PLC0415

    by_name: dict[str, MeasureEntry] = {}
    with Path(path or REFERENCE_DIR / "measures.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            e = MeasureEntry(row["canonical"], row["indicator"],
                             frozenset(u for u in row["units"].split("|") if u))
            for name in [row["canonical"], *row["synonyms"].split("|")]:
                if name:
                    by_name.setdefault(name, e)
    names = tuple(sorted(by_name, key=lambda n: (-len(n), n)))
    return MeasureLexicon(by_name, names, re.compile("|".join(map(re.escape, names))),
                          tuple(sorted({len(n) for n in names}, reverse=True)))


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------

def _alternation(words: str) -> str:
    return "|".join(sorted(set(words.split()), key=lambda w: (-len(w), w)))  # longest first; ties by the words


# Verbs that say how a counted thing came to be or was arranged: dropped at the start of a phrase
# (新建党群服务中心 counts 党群服务中心; the kind of figure, flow, keeps the 新). No one-character verb
# that starts nouns (在职, 建档, 共青团, 同心圆, 对口) is listed.
_DROP_VERBS = _alternation(
    "新建 改扩建 扩建 改建 新改扩建 新建改扩建 建成 建设 建立 建起 设立 设置 组建 成立 打造 培育 选树 创建 新创建 "
    "选派 选聘 选定 推选 选拔 评出 设有 建有 只有 仅有 还有 聘任 配备 配齐 划分 划分为 分为 分成 共有 现有 拥有 已有 有 吸纳 组织 带动 推动 引导 引进 新引进 "
    "统筹 统筹整合 整合 实施 开展 举办 召开 录制 开设 完成 实现 注册 招募 发展 储备 入选 认定 评选 命名 评为 "
    "安排 投入 落地 签约 覆盖 惠及 辖 涉及 包联 结对 认领 选出 挑选 明确 确定 开通 推出 提供 兼任 担任 帮助 协助 "
    "安装 更换 腾出 改造 计划 新增 增加 累计 共计 合计 总计 先后 陆续 已 已经 还 再 又 也 都 均 参与 "
    "仅 和 及 的 了 着 是 共同 联合 统一 全面 持续 积极 主动 常年 定期 轮流 "
    "一是 二是 三是 四是 五是 部分 个别 少数 多数 大部分 绝大部分 主要 我家 我们 他们 大家 咱们 自己 利用"
)
# Where a clause's predicate starts: the counted phrase is what follows (代办员累计代办各类事项 → 代办事项).
_MARKER = re.compile(r"累计|共计|已经|先后|陆续|现有|拥有|设有|建有|(?<!公)共(?![享建同青产])|已(?!婚)")
# Verbs in the middle of a phrase after which the counted thing is named (联盟成员单位联合开展志愿服务活动).
_MIDDLE_VERB = re.compile(r"开展|组建|建成|配备|划分为|划分|选派|设立|打造|新建|改扩建|创建|成立|召开|举办|录制|选聘|选树|"
                          r"培育|吸纳|引进|实施|安装|更换|腾出|改造|投入|设置|落地|签约|安排|选出|实现|参与|兼任|担任|提供|"
                          r"确定|选定|推选|选拔|招募|评出")
# Verbs that change what is counted: kept (受理/解决/办结 群众诉求 are three measures).
_KEEP_VERBS = frozenset(
    "受理 解决 办结 化解 调处 收集 代办 帮办 议定 培训 轮训 走访 服务 接待 调解 排查 发放 捐赠 采购 销售 托管 托养 "
    "种植 当场解决 现场解决 办理 兑换 巡查 巡逻 夜巡 巡边 宣讲 救助 慰问 硬化".split()
)
_KEEP_LONGEST_FIRST = tuple(sorted(_KEEP_VERBS, key=lambda v: (-len(v), v)))  # ties by the words: same order every run
_KEEP_PREFIX = re.compile("|".join(_KEEP_LONGEST_FIRST))  # the first (longest) kept verb a phrase starts with
_KEEP_LENGTHS = tuple(sorted({len(v) for v in _KEEP_VERBS}, reverse=True))
# Kept verbs that start the counted phrase even in the middle of a clause (旗里组织党员干部走访边境牧户).
_MID_KEEP = re.compile(r"受理|解决|办结|化解|调处|收集|代办|议定|培训|轮训|走访|接待|调解|排查|发放|捐赠|采购|兑换|销售|硬化|托管|托养|"
                       r"种植(?!面积|基地|大户|户)")
_TIME_WORDS = (r"(?:(?:19|20)\d\d年|今年|去年|上年|前年|当年|本年|年初|年内|全年|上半年|下半年|前三季度|[一二三四]季度|目前|当前|"
               r"现在|如今|眼下|过去|以前|原来|此前|近年|近期|截至目前|截止目前|[0-9０-９]{1,2}月(?:份|底|末)?)(?:以来|来|底|末)?|以来|一年多来|一年来|年来")
_CLASSIFIERS = "个户名人家支处所项件条位次场座间辆栋套台"
_LEAD = re.compile(
    r"^(?:"
    r"(?:全|该|各|本|我|这个|这些|那个|这)(?:自治区|盟|市|旗|县|区|镇|乡|苏木|嘎查村|嘎查|村|社区|街道|旗县区|旗县市区|旗县市|小区)"
    r"|辖区内?|所辖|区内|境内|各类|各种|各项|各级|各|全部|一批|当地|周边|其中|同期|平均|总共|一共"
    r"|(?:比|较)(?:(?:19|20)\d\d年|去年|上年|前年|同期)?|为(?=每|全|各|该)"
    r"|" + _TIME_WORDS +
    r"|[0-9０-９][0-9０-９.．]*[万千百]?(?:余|多)?[" + _CLASSIFIERS + r"]"
    r"|[零一二两三四五六七八九十百千]+[万千百]?(?:余|多)?[" + _CLASSIFIERS + r"]"
    r"|(?<!公)共(?![享建同青产])"
    r"|" + _DROP_VERBS + r")"
)
_TRAIL = re.compile(
    r"(?:达到了|达到|已达到|已达|达|为|是|共有|降至|降到|已降到|降为|常在|稳定在|保持在|(?<=线)长约?|(?<=线)长度|约|约为|近|逾|"
    r"超过|已超过|突破|不足|不到|折合|总计|合计|共计|共|累计|分别为|分别是|分别|仅为|仅|高出|高于|低于|增长|增加|下降|提高|提高了|"
    r"提高到|减少|增至|增加到|较上年|比上年|较去年|比去年|同比|持续|数量|总数|总量|规模|的|等|了|已|都|(?<![人户年日每])均|"
    r"全部|一年|每年|年均|就|还|占|有|只花|能挣|正|忙着|正忙着|在|(?:由|从)(?:" + _TIME_WORDS + r")的?|由|从|预计|只有|(?<![羊牛头])只|首次|占到|仍|"
    r"平均|提升到|提升至|提高至|提到了|提到|缩短到|缩短至|缩短为|压缩到|压缩至|压减到|压减至|增加到|增长到|上升到|下降到|降低到|减少到|(?<![集高初其途空心])中)$"
)
_GENERIC = frozenset("数量 总数 人数 户数 个数 次数 数 总量 规模 情况 标准 水平 比例 占比 数据 指标 成员 人员 平均水平".split())
_SUFFIX_WORDS = frozenset("率 量 数 额 比 值".split())  # 覆盖率, 访问量: the verb before them stays
# The populations that precede 户均/人均 in the genre without changing what is measured.
_GENERIC_POPULATION = re.compile(r"^(?:农户|农牧户|农牧民|村民|牧民|牧户|居民|群众|社员|家庭)(?=户均|人均)")
_QUOTES = str.maketrans("", "", "“”\"‘’「」『』《》 \u3000")
_PAREN = re.compile(r"（[^（）]{0,20}）|\([^()]{0,20}\)")
_THRESHOLD = re.compile(r"以上|以下|以内|超过|不足|不到|[0-9０-９]")
_COUNT_LEAD = re.compile(r"[0-9０-９][0-9０-９.．]*[万千百]?(?:余|多)?[" + _CLASSIFIERS + r"]"
                         r"|[零一二两三四五六七八九十百千]+[万千百]?(?:余|多)?[" + _CLASSIFIERS + r"]")
_EVENT_UNITS = frozenset("人次 次 场 场次 件 起 期 批 批次 趟 轮 天次 户次 项 条".split())
_ONE_CHAR = frozenset("村镇乡")  # 10至15个村: a count of villages


# A one-character verb with 了 in the middle of a phrase: what follows is counted (在边境嘎查设了党员中心户,
# 全盟划了网格); not 了解, 了结
_VERB_LE = re.compile(r"(?<=[\u4e00-\u9fff])了(?![解结却])")
# A place or a going-to before a kept verb: 边境苏木宣讲, 下草场宣讲, 深入牧区走访
_WHERE_THEN_VERB = re.compile(
    r"^(?:在|到|下|深入|走进|赴|进)?[\u4e00-\u9fff]{0,6}?(?:苏木|嘎查|村|镇|乡|社区|草场|牧区|牧点|基层|一线|边境|田间|地头)"
    r"(?P<verb>" + "|".join(_KEEP_LONGEST_FIRST) + r")$")


def _edges(p: str) -> str:
    """Strip leading place words, counts and verbs and trailing 达到/降至/等 until nothing changes."""
    for _ in range(12):
        before = p
        m = _LEAD.match(p)
        rest = p[m.end():] if m else ""
        # 十户长, 联户长: a count followed by one character is a noun of its own, not a count of it
        if m and m.group(0) and rest and rest not in _SUFFIX_WORDS and \
                (len(rest) >= 2 or rest in _ONE_CHAR or not _COUNT_LEAD.fullmatch(m.group(0))):
            keep = _KEEP_PREFIX.match(p)
            if (keep.end() if keep else 0) < len(m.group(0)):
                p = p[m.end():]
        m = _TRAIL.search(p)
        if m and m.start() > 0:
            p = p[:m.start()]
        if p == before:
            break
    return p


def _last(pattern: re.Pattern, text: str) -> re.Match | None:
    last = None
    for m in pattern.finditer(text):
        last = m
    return last


_PER_PREFIX = re.compile(r"^(?:每(?:一)?(?:个|名|位|只|头|户|人|年|天|亩|期|座|处|间)?|人均|户均)")


# Adverbs and place modifiers inside a phrase that say where or how, not what: 周边/附近 before the
# households contacted, 一般/就近/通常 between the one who contacts and the verb.
_NEAR = re.compile(r"(?:周边|附近|周围)(?=[\u4e00-\u9fff]{2})|(?<=[\u4e00-\u9fff])(?:一般|就近|通常|大多)(?=[\u4e00-\u9fff]{2})")


def _strip_phrase(phrase: str, unit: str, per: str, places) -> str:  # noqa: ANN001  (places: text → spans)
    """Clean a counted phrase: quotes, brackets, places, leading 全盟/各类/counts/verbs, trailing 达到/长."""
    p = _PAREN.sub("", phrase.translate(_QUOTES))
    if not p:
        return ""
    if per and per not in ("人", "户", "年", "月", "天", "日") and per + "均" in p:  # 村均集体经济收入 → 集体经济收入 per 村
        p = p.replace(per + "均", "")
    p = _NEAR.sub("", p)  # 联系周边牧户, 中心户一般联系牧户: where and how often are not what is counted
    spans = places(p)
    if spans:
        p = "".join(p[a:b] for a, b in _gaps(spans, len(p)))
    if "的" in p:  # 项目的农户户均增收 → 农户户均增收; thresholds stay (10万元以上的村)
        pre, post = p.rsplit("的", 1)
        if len(post) >= 2 and not _THRESHOLD.search(pre):
            p = post
    for word in ("各类", "各种", "各项"):
        p = p.replace(word, "")
    p = _edges(p)
    if "的" in p:  # 居民对物业服务的满意度由去年的 → 满意度
        pre, post = p.rsplit("的", 1)
        if len(post) >= 2 and not _THRESHOLD.search(pre):
            p = _edges(post)
    for cut in (_MARKER, _MIDDLE_VERB, _VERB_LE):
        last = _last(cut, p)
        if last is not None and last.start() > 0 and len(p) - last.end() >= 2:
            q = _edges(p[last.end():])
            if len(q) >= 2:
                p = q
    last = _last(_MID_KEEP, p)  # 旗里组织党员干部走访边境牧户 → 走访边境牧户
    if last is not None and last.start() > 0 and len(p) - last.end() >= 2:
        p = p[last.start():]
    where = _WHERE_THEN_VERB.match(p)  # 边境苏木宣讲, 下草场宣讲: where it was done is not what is counted
    if where and unit in _EVENT_UNITS:
        p = where.group("verb")
    if per:  # the per part is the key's own column: 每亩增收 → 增收 per 亩; 每户/户均增收 → 户均增收
        m = _PER_PREFIX.match(p)
        if m:
            rest = p[m.end():]
            if rest.startswith(per):
                rest = rest[len(per):]
            p = (per + "均" + rest) if per in ("人", "户") and len(rest) >= 1 else rest
    pop = _GENERIC_POPULATION.match(p)
    if pop:  # 农户户均增收 is 户均增收; but 农牧民人均可支配收入 is a canonical name of its own
        hit = load_measures().head(p, unit)
        if hit is None or len(hit[0]) <= len(p) - pop.end():
            p = p[pop.end():]
    # 嘎查村数 / 嘎查村, 党员人数 / 党员: a count of X is X counted (not 指数, 分数, 系数, 倍数)
    if len(p) >= 4 and p.endswith(("人数", "户数", "个数", "次数", "件数", "家数")):
        p = p[:-2]
    elif len(p) >= 3 and p.endswith("数") and not p.endswith(("指数", "分数", "系数", "倍数", "岁数", "人数", "户数", "次数")):
        p = p[:-1]
    if len(p) == 1:
        return p if p in _ONE_CHAR else ""
    if not p or p in _GENERIC or _LEAD.fullmatch(p) and p not in _KEEP_VERBS or _TRAIL.fullmatch(p):
        return ""
    if p in _KEEP_VERBS and unit not in _EVENT_UNITS:
        return ""
    return p[-20:]


def _gaps(spans, n: int) -> list[tuple[int, int]]:  # noqa: ANN001
    out, pos = [], 0
    for a, b in spans:
        if a > pos:
            out.append((pos, a))
        pos = max(pos, b)
    if pos < n:
        out.append((pos, n))
    return out


def canonical(phrase: str, unit: str, lexicon: MeasureLexicon | None = None) -> tuple[str, MeasureEntry | None]:
    """Map the head of a cleaned phrase to its canonical name (嘎查党群服务站 → 嘎查党群服务中心).

    >>> canonical("嘎查党群服务站", "个")[0], canonical("受理诉求", "件")[0], canonical("服务面积", "平方米")[0]
    ('嘎查党群服务中心', '受理群众诉求', '服务面积')
    """
    lex = lexicon or load_measures()
    hit = lex.head(phrase, unit)
    if hit is None:
        return phrase, None
    name, entry = hit
    return phrase[: len(phrase) - len(name)] + entry.canonical, entry


@lru_cache(maxsize=1)
def _place_finder():
    from .gazetteer import load_gazetteer  # noqa: PLC0415

    gaz = load_gazetteer()

    @lru_cache(maxsize=65536)
    def places(text: str) -> tuple[tuple[int, int], ...]:
        return tuple((p.start, p.end) for p in gaz.find_places(text))

    return places


@lru_cache(maxsize=65536)
def normalise_measure(phrase: str, unit: str = "", per: str = "") -> str:
    """Return the measure key of a counted phrase (全盟嘎查党群服务中心 → 嘎查党群服务中心).

    >>> [normalise_measure(p, u) for p, u in (("全盟嘎查党群服务中心", "个"), ("全市共划分城乡网格", "个"),
    ...  ("边境线长", "公里"), ("街道累计受理群众诉求", "件"), ("锡盟已组建“草原红哨”党小组", "个"))]
    ['嘎查党群服务中心', '城乡网格', '边境线', '受理群众诉求', '草原红哨党小组']
    """
    cleaned = _strip_phrase(phrase, unit, per, _place_finder())
    if not cleaned:
        return ""
    return canonical(cleaned, unit)[0]


# ---------------------------------------------------------------------------------------------
# Indicator
# ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def indicator_of(measure: str, unit: str, per: str, category: str) -> str:
    """The indicator of a measure: its canonical entry's, else by the indicator keywords (pure).

    A function of (measure, unit, per, category) only, and category follows from unit and per, so
    facts with the same measure, unit and per always get the same indicator.
    """
    if category == "temperature" or unit == "户":  # a few units decide by themselves, as in the attribution
        return "environment" if category == "temperature" else "households"
    hit = load_measures().head(measure, unit)
    if hit is not None:
        return hit[1].indicator
    from .subjects import indicator_for  # noqa: PLC0415

    head = measure.rsplit("的", 1)[-1]  # 年经营性收入10万元以上的村 counts villages, not income
    probe = Mention(start=0, end=0, text="", value=0.0, unit=unit, per=per, category=category)
    return indicator_for(head, probe, "")


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimeRef:
    """What a time expression says: the date a figure is valid for and, for a period, where it starts."""

    as_of: dt.date | None
    period_start: dt.date | None = None
    period: bool = False  # a period (以来, 全年, 上半年, 3月份…): figures under it are flows
    explicit: bool = False  # 截至… / a full date: figures are levels at that date unless they flow


_Y = r"(?:(?P<y>(?:19|20)\d\d)年|(?P<rel>今年|去年|上年|前年|当年|本年))?"
_YR = r"(?:(?P<y>(?:19|20)\d\d)年|(?P<rel>今年|去年|上年|前年|当年|本年))"
_M = r"(?P<m>1[0-2]|0?[1-9]|[一二三四五六七八九十]|十[一二])"
_CUT = r"(?P<cut>截至|截止到?|截至到|到)"
_NOT_COMPARED = r"(?<![比较于与])"  # 比2021年增加了三十七个: a base of comparison, not the figure's time
_TIME_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple((name, re.compile(p)) for name, p in (
    ("date", _CUT + r"?(?P<y>(?:19|20)\d\d)年" + _M + r"月(?P<d>[12]\d|3[01]|0?[1-9])日"),
    ("md", _CUT + r"?(?<![0-9年])" + _M + r"月(?P<d>[12]\d|3[01]|0?[1-9])日"),
    ("since", _NOT_COMPARED + _YR + r"(?:" + _M + r"月份?)?以来"),
    ("since", r"(?<![0-9年])" + _M + r"月份?以来"),
    ("since", r"(?P<early>年初|开年)以来"),
    ("month_end", _CUT + _Y + _M + r"月(?:底|末|份)?(?!\d|日)"),
    ("year_end", _CUT + r"?" + _NOT_COMPARED + r"(?:(?P<y>(?:19|20)\d\d)年|(?P<rel>今年|去年|上年|前年|当年|本年)|年)(?:底|末)"),
    ("half", _NOT_COMPARED + _Y + r"(?P<h>上半年|下半年|前三季度|第?一季度|第?二季度|第?三季度|第?四季度)"),
    ("month", _NOT_COMPARED + _Y + r"(?<![0-9])" + _M + r"月份"),
    ("month_plain", _NOT_COMPARED + _Y + r"(?<![0-9])" + _M + r"月(?P<part>上旬|中旬|下旬|初|中|下旬)?(?![0-9日份以底末])"),
    ("whole", _NOT_COMPARED + _Y + r"全年"),
    ("now", _CUT + r"(?:目前|现在|当前|今年)"),
    ("year", _NOT_COMPARED + _YR + r"(?![底末以全上下前第一二三四0-9度]|[0-9]{0,2}月)"),
))


def _possible(text: str) -> tuple[bool, ...]:
    """For each of _TIME_PATTERNS, whether the text holds the words every match of it holds (月 and
    日 for a date, 以来 for since…): a pattern that cannot match is not run."""
    y, mo = "年" in text, "月" in text
    since = "以来" in text
    cut = "截" in text or "到" in text
    return (y and mo and "日" in text, mo and "日" in text, since, since, since, mo and cut,
            y and ("底" in text or "末" in text), "半年" in text or "季度" in text, "月份" in text, mo,
            "全年" in text, cut and ("目前" in text or "现在" in text or "当前" in text or "今年" in text), y)


_TIME_ORDERED: tuple[tuple[int, str, re.Pattern], ...] = tuple(
    (order, name, pattern) for order, (name, pattern) in enumerate(_TIME_PATTERNS))
assert [n for _o, n, _p in _TIME_ORDERED] == ["date", "md", "since", "since", "since", "month_end", "year_end", "half",
                                              "month", "month_plain", "whole", "now", "year"]
_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
              "十二": 12}


def _month(text: str) -> int:
    return _CN_MONTHS[text] if text in _CN_MONTHS else int(text)


_HALVES = {"上半年": (1, 6), "下半年": (7, 12), "前三季度": (1, 9), "一季度": (1, 3), "第一季度": (1, 3),
           "二季度": (4, 6), "第二季度": (4, 6), "三季度": (7, 9), "第三季度": (7, 9), "四季度": (10, 12),
           "第四季度": (10, 12)}
_REL_YEARS = {"今年": 0, "当年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2}


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _year_of(m: re.Match, pub: dt.date | None) -> tuple[int | None, bool]:
    """The year a match names (explicit, relative to the report, or the report's) and whether it was said."""
    gd = m.groupdict()
    if gd.get("y"):
        return int(gd["y"]), True
    if gd.get("rel"):
        return (pub.year + _REL_YEARS[gd["rel"]], True) if pub else (None, True)
    return (pub.year if pub else None), False


def _time_ref(name: str, m: re.Match, pub: dt.date | None) -> TimeRef | None:
    """Resolve one matched time expression against the report's date (None: not a date)."""
    gd = m.groupdict()
    year, said = _year_of(m, pub)
    if name == "now":
        return TimeRef(pub, explicit=True)
    if year is None:  # a relative date in a report without a date: the kind is still known
        return TimeRef(None, period=name in ("since", "half", "month", "whole", "year"),
                       explicit=bool(gd.get("cut")))

    def back(d: dt.date, make) -> dt.date:  # noqa: ANN001  a month or period without a year: the last one
        return make(year - 1) if pub and d > pub and not said else d

    try:
        if name in ("date", "md"):
            month, day = _month(gd["m"]), int(gd["d"])
            d = back(dt.date(year, month, day), lambda y: dt.date(y, month, day))
            return TimeRef(d, explicit=True)
        if name == "since":
            month = _month(gd["m"]) if gd.get("m") else 1
            start = back(dt.date(year, month, 1), lambda y: dt.date(y, month, 1))
            return TimeRef(pub, start, period=True)
        if name == "month_end":
            month = _month(gd["m"])
            return TimeRef(back(_month_end(year, month), lambda y: _month_end(y, month)), explicit=True)
        if name == "year_end":
            return TimeRef(dt.date(year, 12, 31), explicit=True)
        if name == "half":
            a, b = _HALVES[gd["h"]]
            start = back(dt.date(year, a, 1), lambda y: dt.date(y, a, 1))
            return TimeRef(_month_end(start.year, b), start, period=True)
        if name == "month":
            month = _month(gd["m"])
            start = back(dt.date(year, month, 1), lambda y: dt.date(y, month, 1))
            return TimeRef(_month_end(start.year, month), start, period=True)
        if name == "month_plain":  # 5月中旬，…组织60名书记赴…学习: a date within that month
            month = _month(gd["m"])
            end = back(_month_end(year, month), lambda y: _month_end(y, month))
            day = {"上旬": 10, "初": 10, "中旬": 20, "中": 20}.get(gd.get("part") or "", end.day)
            return TimeRef(end.replace(day=day))
        if name in ("whole", "year"):
            return TimeRef(dt.date(year, 12, 31), dt.date(year, 1, 1), period=True)
    except ValueError:  # 2月30日
        return None
    return None


def find_time(text: str, published: str = "") -> TimeRef | None:
    """The time expression nearest the end of ``text`` (the words before a number), resolved.

    >>> find_time("截至5月底，全盟已有", "2024-06-10")
    TimeRef(as_of=datetime.date(2024, 5, 31), period_start=None, period=False, explicit=True)
    >>> find_time("今年以来，全旗累计服务", "2024-10-08").period_start
    datetime.date(2024, 1, 1)
    >>> find_time("上半年，全市新建", "2024-08-01").as_of, find_time("截至12月底，全盟", "2024-01-15").as_of
    (datetime.date(2024, 6, 30), datetime.date(2023, 12, 31))
    """
    if "年" not in text and "月" not in text and "季度" not in text and "目前" not in text and \
            "现在" not in text and "当前" not in text:
        return None  # every pattern needs one of these words
    pub = _date(published)
    best: tuple[int, int, TimeRef] | None = None
    for (order, name, pattern), possible in zip(_TIME_ORDERED, _possible(text)):
        if not possible:
            continue
        for m in pattern.finditer(text):
            if not m.group(0):
                continue
            key = (m.end(), -order)  # nearest the number; at the same end, the more specific pattern
            if best is not None and key <= best[:2]:
                continue  # could not win, whatever it resolves to
            ref = _time_ref(name, m, pub)
            if ref is None:
                continue
            best = (key[0], key[1], ref)
    return best[2] if best else None


@lru_cache(maxsize=64)
def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Kind
# ---------------------------------------------------------------------------------------------

_FLOW_CUE = re.compile(r"新增|新建|改扩建|新发展|新培育|新吸纳|新招募|新选派|新创建|新引进|新注册|新成立|新组建|新设立|累计|共接待|"
                       r"全年|年内|当年|以来|一年来|年来|上半年|下半年|季度|月份|期间|同比|较上年|比上年|增长|增加了?|减少了?|提高了?|下降了?")
_STOCK_CUE = re.compile(r"现有|共有|已有|拥有|已建成|建成|达到|覆盖|存栏|总数|总面积|辖|常住|户籍|注册|在册|总量|保有")
_EVENT_INDICATORS = frozenset({"events", "requests", "training", "people_reached", "income", "funding"})
_PART_ITEM = re.compile(r"[0-9０-９零一二两三四五六七八九十百千万]")


def _is_part(text: str, sent_start: int, pos: int, earlier_in_sentence: bool) -> bool:
    """Tell whether the number at pos is an item of a 其中… or 分别… list."""
    seg = text[sent_start:pos]
    for cue in ("其中", "分别"):
        k = seg.rfind(cue)
        if k < 0:
            continue
        if cue == "其中" and not earlier_in_sentence and k > 0:
            continue  # 其中 with no total before it in the sentence (unless the sentence opens with it)
        chunks = re.split(r"[，、,和及]", seg[k + len(cue):].lstrip("，,：:"))  # 其中，东乌旗418户
        if all(_PART_ITEM.search(c) for c in chunks[:-1]) and len(chunks[-1]) <= 14:
            return True
    return False


def kind_of(unit: str, per: str, indicator: str, clause: str, part: bool, time: TimeRef | None) -> str:
    """stock | flow | part | rate | percent, from the unit, the clause's words and the time expression.

    >>> kind_of("个", "", "infrastructure", "全盟嘎查党群服务中心达到", False, None)
    'stock'
    >>> kind_of("人次", "", "people_reached", "全旗累计服务", False, None), kind_of("%", "", "other", "", True, None)
    ('flow', 'percent')
    """
    if unit in ("%", "个百分点"):
        return "percent"
    if per:
        return "rate"
    if part:
        return "part"
    if _FLOW_CUE.search(clause):
        return "flow"
    if time is not None and time.period and not _STOCK_CUE.search(clause):
        return "flow"  # 2023年，赛罕区共受理群众诉求8.6万件
    if unit in _EVENT_UNITS or indicator in _EVENT_INDICATORS:
        return "flow"  # things that happen: 人次, 场, 件; events, requests, training, people reached, money
    return "stock"


# ---------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------

_CLAUSE_END = re.compile(r"[，,。！？!?；;：:\n、]")
_CLAUSE_START = re.compile(r"[，,。！？!?；;：:\n]|其中")
_SENTENCE_PUNCT = "。！？!?；;\n"
_NUMBER_IN = re.compile(r"[0-9０-９][0-9０-９.．%％]*[万亿]?(?:余|多)?[" + _CLASSIFIERS + r"万亿元%％]?"
                        r"|[零一二两三四五六七八九十百千万]+(?:余|多)?[" + _CLASSIFIERS + r"]")
_AFTER_STOP = re.compile(r"[，,。；;、的：:“”\"]|完成|实现|达到|参与|开展|建成|建设|提供|进驻|入驻|覆盖|纳入|获得|推行|担任|全部|"
                         r"用于|从|到|为|被|把|将|与|和|了|等|正|在(?![职册岗校])|都|均|共|已|户均|人均|每|受益|利用")
_COMPARED = re.compile(r"(高出|高于|低于|多于|少于)(全[区市盟国旗县])平均水平?|(?:比|较)(全[区市盟国旗县])(?:平均水平|平均)"
                       r"[0-9０-９.．万元]*(高出|高|低|多|少)")
_AVERAGE_ITSELF = re.compile(r"(?:比|较)?全[区市盟国旗县](?:的)?平均水平(?:为|是)?$")
_TIER = re.compile(r"(?<!自治)(?:乡镇|嘎查村|苏木|嘎查|社区|乡|镇|村|旗|县|盟|市|区)级")
_VILLAGE_AFTER = re.compile(r"^([村镇乡])(?=的|[，,。；;、]|$|全部|都|共|均|联合|种植|设立|成立|召开|开展)")


@lru_cache(maxsize=1)
def _head_names() -> frozenset[str]:
    """Nouns that can end a counted phrase: canonical measures and their synonyms, indicator keywords,
    and the genre's place-level nouns (嘎查, 社区)."""
    names = set(load_measures().by_name)
    with (REFERENCE_DIR / "indicators.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names.update(k for k in row["keywords"].split("|") if len(k) >= 2)
    names.update("嘎查村 嘎查 社区 苏木 乡镇 街道 小区 村民 牧民 农牧民 牧户 老人 学员 民族 党员中心户 服务站 站点".split())
    return frozenset(names)


@lru_cache(maxsize=1)
def _head_pattern() -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(_head_names(), key=lambda n: (-len(n), n)))))


def _counted_in(name: str, unit: str) -> bool:
    """Whether a head noun can be counted in this unit (a canonical measure names its units)."""
    entry = load_measures().by_name.get(name)
    return entry is None or not entry.units or not unit or unit in entry.units


_UP_TO_LAST_PUNCT = re.compile(r".*[" + _SENTENCE_PUNCT + r"]", re.S)  # greedy: ends right after the last one


def _sentence_start(text: str, pos: int) -> int:
    lo = max(0, pos - 400)
    m = _UP_TO_LAST_PUNCT.match(text, lo, pos)
    return m.end() if m else lo


def _paragraph_time(text: str, pos: int, published: str) -> TimeRef | None:
    """A time adverbial opening the paragraph (今年以来，… / 2023年，… / 截至目前，…) scopes it."""
    p0 = text.rfind("\n", 0, pos) + 1
    head = text[p0:min(pos, p0 + 14)]
    comma = re.search(r"[，,]", head)
    return find_time(head[:comma.start()], published) if comma else None


def _heads_from(window: str, offset: int, unit: str = "") -> int:
    """End of the run of known head nouns starting at most four characters after offset (0: none).

    A canonical measure that is not counted in the number's unit ends the run before it: in
    37个嘎查村集体经济收入不足10万元 the 个 counts 嘎查村, whose income is said of them.
    """
    ends: list[tuple[int, str]] = []
    for m in _head_pattern().finditer(window, offset):
        end = ends[-1][0] if ends else 0
        lead = window[max(end, offset):m.start()]
        if _AFTER_STOP.search(lead) or _AFTER_STOP.fullmatch(m.group(0)) or \
                (len(lead) > 4 if end == 0 else lead not in ("", "+", "/", "·")):
            break
        ends.append((m.end(), m.group(0)))
    while ends and not _counted_in(ends[-1][1], unit):
        end, name = ends[-1]
        # 嘎查村集体经济收入 in 个: the longest known noun it starts with that is counted in 个 (嘎查村)
        inner = [n for n in _head_names() if len(n) < len(name) and name.startswith(n) and _counted_in(n, unit)]
        if inner:
            best = max(inner, key=len)
            ends[-1] = (end - len(name) + len(best), best)
            break
        if len(ends) == 1:
            break
        ends.pop()
    return ends[-1][0] if ends else 0


def _after_phrase(after: str, unit: str = "") -> str:
    """The counted noun right after the number (541个嘎查党群服务中心完成… → 嘎查党群服务中心), or "".

    A quoted name (15个“嘎查+社区联合体”); else the run of known head nouns (a canonical measure, an
    indicator keyword, 嘎查/社区…) that starts at most four characters after the number and
    continues without a gap, or after a short adjective with 的 (六种稳定的利益链接模式); else a
    short clause rest with no verb in it (48个护边责任区，).
    """
    if after.startswith(("“", "\"")):
        q = re.match(r"[“\"]([^”\"]{1,20})[”\"]", after)
        return q.group(1) if q else ""
    window = _PAREN.sub("", after)[:18]
    village = _VILLAGE_AFTER.match(window)
    if village:
        return village.group(1)
    end = _heads_from(window, 0, unit)
    if end:
        return window[:end]
    adj = re.match(r"^[^，,。；;、的]{1,4}的", window)
    if adj and not _AFTER_STOP.search(adj.group(0)[:-1]):
        end = _heads_from(window, adj.end(), unit)
        if end:
            return window[adj.end():end]
    if 2 <= len(window) <= 6 and len(after) <= 6 and not _AFTER_STOP.search(window):
        return window
    return ""


def _before_phrase(text: str, clause_start: int, pos: int, sent_start: int, cut: int = -1) -> str:
    """The counted phrase before the number in its clause (全盟嘎查党群服务中心达到560个).

    An earlier number in the clause ends the phrase before it (其中东乌旗57个、西乌旗49个); in a
    list the head after 等 is what is counted, led by a kept verb before the list
    (议定道路修缮、人居环境整治等事项 → 议定事项); comparisons with an average are named by it
    (比全区平均水平21221元高出1459元 → 高于全区平均水平).
    """
    clause = text[clause_start:pos]
    cmp_ = _COMPARED.search(clause)
    if cmp_ is None and re.search(r"(?:高出|高于|低于)$", clause.rstrip("了约近")):
        cmp_ = _COMPARED.search(text[sent_start:pos]) or re.search(r"(全[区市盟国旗县])平均水平", text[sent_start:pos])
        if cmp_ is not None:
            word = "低于" if "低于" in clause else "高于"
            return word + next(g for g in cmp_.groups() if g and g.startswith("全")) + "平均水平"
    if cmp_ is not None:
        groups = [g for g in cmp_.groups() if g]
        word = "低于" if any(g in ("低于", "低", "少", "少于") for g in groups) else "高于"
        return word + next(g for g in groups if g.startswith("全")) + "平均水平"
    if cut > clause_start:  # an earlier figure in the clause: the phrase starts after it
        clause = text[cut:pos]
    clause = clause.lstrip("、，,和及与")
    if "等" in clause:
        pre, head = clause.rsplit("等", 1)
        if not head.strip():
            return ""  # 汉族、蒙古族、回族等11个民族: what is counted follows the number
        first = pre.split("、", 1)[0]
        verb = ""
        for v in _KEEP_LONGEST_FIRST:
            k = first.rfind(v)
            if k >= 0 and (not verb or k > first.rfind(verb)):
                verb = v
        return verb + head
    if "、" in clause:
        pre, last = clause.rsplit("、", 1)
        first = pre.split("、", 1)[0]
        # the verb that governs the list is the first one written (培训家政服务员、育婴员: 培训, not 服务)
        found = [(first.find(v), -len(v), v) for v in _KEEP_LONGEST_FIRST if v in first]
        verb = min(found)[2] if found else ""
        return verb + last
    return clause


def _measure_of(text: str, f: Fact, clause_start: int, sent_start: int, part: bool, cut: int) -> tuple[str, bool]:
    """(the measure read from the text, whether it is the average an earlier figure is compared with).

    ``cut`` is where the previous figure of the clause ends (-1: none).
    """
    unit, per = f.unit, f.per
    after_end = _CLAUSE_END.search(text, f.span_end, f.span_end + 24)
    after = text[f.span_end: after_end.start() if after_end else f.span_end + 24]
    if after.startswith("的") and text[f.span_start:f.span_end].endswith(("以上", "以下", "左右", "多", "余")):
        after = after[1:]  # 每个嘎查都有1名以上的专职网格员: the noun after the qualified number
    clause = text[clause_start:f.span_start]
    if _AVERAGE_ITSELF.search(clause) and not _COMPARED.search(clause):
        return "", True
    if per == "平方公里" and unit == "人":
        return "人口密度", False
    if unit == "°C" or f.category == "temperature":
        return _temperature(clause), False
    if unit in _LENGTH_UNITS and not per:
        distance = _distance(clause)
        if distance:
            return distance, False
    subject = f.subject
    plain = _PAREN.sub("", after.translate(_QUOTES))
    if after.startswith(("关于", "有关", "涉及")) and subject:  # 110多条关于…的群众诉求: the attribution read it
        head = subject
    elif subject and len(subject) >= 2 and not plain.startswith(subject[:2]) and subject in clause \
            and normalise_measure(subject, unit, per):
        head = ""  # 带动脱贫人口两万余人就业增收: the subject finder read the words before, not a verb after
    else:
        head = _after_phrase(after, unit)
        if not head and subject and plain.startswith(subject[:2]) and not _AFTER_STOP.search(subject):
            head = subject  # 三河马, 庭院经济专业合作社: no known head noun, the subject finder's words
    if head:
        measure = normalise_measure(head, unit, per)
        if measure:
            verb = _keep_verb_before(clause)
            if verb and not measure.startswith(verb):
                measure = normalise_measure(verb + measure, unit, per)
            # 乡级党群服务中心设置2个综合窗口、村级设置1个: 乡级综合窗口, 村级综合窗口
            segment = text[max(clause_start, cut):f.span_start].rsplit("、", 1)[-1]
            tier = _last(_TIER, segment)
            if tier and tier.group(0) not in measure:
                measure = tier.group(0) + measure
            return measure, False
    before = _before_phrase(text, clause_start, f.span_start, sent_start, cut)
    measure = normalise_measure(before, unit, per) if before else ""
    if not measure and not before and after and clause.rstrip().endswith("等"):
        measure = normalise_measure(re.split(r"的|[，,。；;]", after, 1)[0], unit, per)
    if not measure and not part and cut < clause_start:
        # 全市嘎查村集体经济总收入持续增长，2023年达到3.5亿元: the clause before names it
        if clause_start > sent_start and not _NUMBER_IN.search(text[sent_start:clause_start]):
            prev_start = max(sent_start, max((m.end() for m in _CLAUSE_START.finditer(text, sent_start, clause_start - 1)),
                                             default=sent_start))
            measure = normalise_measure(text[prev_start:clause_start - 1], unit, per)
        if not measure and subject and subject != per and not re.match(r"^(?:比|较)", clause):
            measure = normalise_measure(subject, unit, per)
    return measure, False


_LENGTH_UNITS = frozenset({"公里", "千米", "米"})
_DISTANCE = re.compile(r"(?:(?<![平均的])距离|(?<![撤隔分脱远距])离(?![开婚])|(?<![差相])距(?!离)|位于)(?P<to>[^，,。；;：:]*)$")
_BETWEEN = re.compile(r"相距|相隔|之间")
_DISTANCE_CUT = re.compile(r"最|的|有|也|远|超过|不到|不足|约|将近|近|大概|大约|足足|(?:以|偏)?[东西南北]")
_HERE = re.compile(r"^(?:我|我们|你|他|她|他们)?(?:家|这儿|这里|那儿|那里)?")


def _distance(clause: str) -> str:
    """A distance from a place (牧户离苏木所在地40多公里, 嘎查位于…苏木政府所在地以西42公里) → 距苏木所在地距离.

    Who is far (牧户, 营地, 最远的一户) is not what is measured; where from is: the place after 离/距/位于, with
    names of places, 这儿/我这儿, 最远的有, directions (东南, 以西) and 约/超过 dropped; "距离" when it is here;
    "相隔距离" between things (相距, 之间).
    """
    m = _DISTANCE.search(clause)
    if m is None:
        return "相隔距离" if _BETWEEN.search(clause) else ""  # 牧点之间有80多公里, 冬营地和夏营地相距上百公里
    to = m.group("to").translate(_QUOTES)
    spans = _place_finder()(to)
    if spans:
        to = "".join(to[a:b] for a, b in _gaps(spans, len(to)))
    to = re.sub(r"^(?:最近|最远)的?", "", to)
    to = to[_HERE.match(to).end():]
    cut = _DISTANCE_CUT.search(to)
    if cut is not None:
        to = to[:cut.start()]
    return "距" + to + "距离" if to else "距离"


def _temperature(clause: str) -> str:
    """°C measures the temperature: 气温, or 最低/最高气温 when the clause says so. When and where (夜里, 冬季,
    这几天, 棚外) are not what is measured."""
    if re.search(r"最低|最冷", clause):
        return "最低气温"
    if re.search(r"最高|最热", clause):
        return "最高气温"
    return "气温"


def _keep_verb_before(clause: str) -> str:
    """A verb that changes what is counted, right before the number (解决了110多条…群众诉求 → 解决)."""
    before = _ADVERBS_AT_END.sub("", clause)
    n = len(before)
    for k in _KEEP_LENGTHS:  # the longest kept verb it ends with: one set lookup per length
        if k <= n and before[n - k:] in _KEEP_VERBS:
            return before[n - k:]
    return ""


_ADVERBS_AT_END = re.compile(r"(?:了|共|累计|共计|已|已经|还|先后|又)+$")


def annotate(article: Article, facts: list[Fact], published: str = "") -> list[Fact]:
    """Fill measure, kind, as_of and period_start of an article's facts; the indicator follows the measure."""
    if not facts:
        return facts
    text = article.text
    tables = []
    if "|" in text or "\t" in text or "｜" in text:
        from .tables import find_tables  # noqa: PLC0415

        tables = find_tables(text)
    order = sorted(range(len(facts)), key=lambda i: (facts[i].span_start, i))
    measures: dict[int, str] = {}
    out: dict[int, Fact] = {}
    prev: list[int] = []  # facts already seen, in text order
    for i in order:
        f = facts[i]
        pub = f.published or published
        table = next((t for t in tables if t.start <= f.span_start < t.end), None)
        sent_start = _sentence_start(text, f.span_start)
        clause_start = max(sent_start, max((m.end() for m in _CLAUSE_START.finditer(text, sent_start, f.span_start)),
                                           default=sent_start))
        earlier = any(facts[j].span_start >= sent_start for j in prev) or text.startswith("其中", sent_start)
        part = table is None and _is_part(text, sent_start, f.span_start, earlier)
        # what is counted
        average = False
        if table is not None:
            measure = normalise_measure(f.subject, f.unit, f.per)
        else:
            cut = max((facts[j].span_end for j in prev if clause_start <= facts[j].span_start < f.span_start),
                      default=-1)
            measure, average = _measure_of(text, f, clause_start, sent_start, part, cut)
        if table is None and f.unit in ("%", "个百分点"):
            change = _last(_CHANGE, text[:f.span_start]) if _CHANGE.search(text, clause_start, f.span_start) else None
            if change is not None and change.end() == len(text[:f.span_start].rstrip("约近逾超过了")):
                base = measure or _inherited(text, facts, measures, prev, f, sent_start, any_unit=True)
                if base and not base.endswith(("增幅", "降幅")):
                    measure = normalise_measure(base, "", "") + ("降幅" if change.group(1) in _FALLS else "增幅")
        if table is None and not measure and f.unit == "%" and \
                _SHARE.fullmatch(text[clause_start:f.span_start].strip()):
            # 嘎查村达到715个，占比超过八成: the share of what the figure before counts
            base = _inherited(text, facts, measures, prev, f, sent_start, any_unit=True)
            if base and not base.endswith(("占比", "增幅", "降幅")):
                measure = base + "占比"
        if not measure or measure in _KEEP_VERBS:
            # a part, a list line, 已办结2900余项 after 议定…事项3100多项: what the earlier figure counts
            inherited = _inherited(text, facts, measures, prev, f, sent_start, any_per=average or bool(f.per))
            if not measure:
                measure = inherited
            elif inherited:
                noun = inherited
                for v in _KEEP_LONGEST_FIRST:
                    if noun.startswith(v) and len(noun) > len(v) + 1:
                        noun = noun[len(v):]
                        break
                if noun != inherited or not any(noun.startswith(v) for v in _KEEP_VERBS):
                    measure = normalise_measure(measure + noun, f.unit, f.per) or measure
        measures[i] = measure
        indicator = indicator_of(measure, f.unit, f.per, f.category) if measure else f.indicator
        # when, and what kind of figure
        if table is not None:
            time = find_time(text[max(0, table.start - 200):table.start], pub)
            clause = (table.caption.text if table.caption else "") + f.subject
        else:
            time = find_time(text[sent_start:f.span_start], pub)
            if time is None and text.startswith("其中", sent_start):
                time = find_time(text[_sentence_start(text, max(0, sent_start - 1)):sent_start], pub)
            if time is None:
                time = _paragraph_time(text, f.span_start, pub)
            # a part's kind cues are its total's: 今年以来新建…，其中A旗5个
            clause = text[sent_start:f.span_start] if part else text[clause_start:f.span_start]
        kind = kind_of(f.unit, f.per, indicator, clause, part, time)
        as_of, period_start = _dates(kind, time, pub, clause)
        out[i] = _with(f, measure=measure, indicator=indicator, kind=kind, as_of=as_of, period_start=period_start)
        prev.append(i)
    return [out[i] for i in range(len(facts))]


def _with(f: Fact, **changes: str) -> Fact:
    """``dataclasses.replace`` for a Fact, without running its 35-field ``__init__`` again (a Fact
    has no ``__post_init__`` and no slots: the copy is the same object replace would build)."""
    g = object.__new__(Fact)
    d = g.__dict__
    d.update(f.__dict__)
    d.update(changes)
    return g


def _dates(kind: str, time: TimeRef | None, pub: str, clause: str) -> tuple[str, str]:
    """(as_of, period_start) for a figure of this kind under this time expression."""
    pub_date = _date(pub)
    if time is None or time.as_of is None:
        return (pub_date.isoformat() if pub_date else ""), ""
    as_of = time.as_of
    if pub_date and as_of > pub_date:  # 全年 in a June report: the figure so far
        as_of = pub_date
    flowing = kind == "flow" or (kind in ("part", "rate", "percent") and _FLOW_CUE.search(clause) is not None)
    start = time.period_start if flowing and time.period_start and time.period_start <= as_of else None
    return as_of.isoformat(), (start.isoformat() if start else "")


# 比上年增长7% is a change; 由41.2%提高到66.3% and 提升到94% are levels of the measure itself
_SHARE = re.compile(r"(?:其)?(?:占比|比例|比重|占)(?:超过|达到|达|为|约为|约|近|接近|不到|不足|仍|已|已达|在)*")
_CHANGE = re.compile(r"(增长|增加|提高|提升|上升|下降|减少|降低)了?")
_FALLS = frozenset({"下降", "减少", "降低"})


def _inherited(text: str, facts: list[Fact], measures: dict[int, str], prev: list[int], f: Fact,
               sent_start: int, any_per: bool = False, any_unit: bool = False) -> str:
    """The measure of the total or list head a part or list line belongs to ("" when none is close).

    The nearest earlier figure in the same unit (and ``per``) whose measure is known: in the same
    sentence, or at most two lines before with no sentence end between (a list under 情况如下：).
    The average a figure is compared with (全区平均水平为8648元) measures what that figure measures.
    """
    same = [j for j in reversed(prev[-8:]) if measures.get(j) and
            (any_unit or facts[j].unit == f.unit and (facts[j].per == f.per or any_per))]
    for j in same:
        g = facts[j]
        between = text[g.span_end:f.span_start]
        if g.span_start >= sent_start or (not re.search(r"[。！？!?；;]", between) and between.count("\n") <= 2
                                         and len(between) <= 80):
            return measures[j]
        break
    if text.startswith("其中", sent_start) and "\n" not in text[max(0, sent_start - 2):sent_start]:
        # 全盟共有党员中心户2136户，联系服务牧户4.1万余户。其中，东乌旗418户: the parts of the sentence
        # before break down its first figure that is large enough to hold them, not the nearest one
        prev_start = _sentence_start(text, max(0, sent_start - 1))
        for j in reversed(same):
            g = facts[j]
            if g.span_start >= prev_start and g.value is not None and f.value is not None and g.value >= f.value:
                return measures[j]
    return ""


def _example_fact(text: str, start: int, end: int) -> Fact:
    """A bare fact for the doctests (the attribution fills the other fields)."""
    return Fact(fact_id=f"f{start}", source_file="x.txt", article_id="a", article_title="", published="2024-06-10",
                league="", league_code="", banner="", banner_code="", township="", village="",
                region_level="league", initiative="", subject="嘎" if start else "", indicator="other",
                category="count", value=0.0, value_low=None, value_high=None, qualifier="exact", unit="个", per="",
                quote="", span_start=start, span_end=end, confidence=0.9)
