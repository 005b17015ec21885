"""Chinese labels for taxonomy codes and Chinese-style number formatting; pure, no Dash import."""
from __future__ import annotations

import math

INDICATOR_LABELS: dict[str, str] = {
    "organisations": "组织",
    "cadres": "干部",
    "party_members": "党员",
    "volunteers": "志愿者",
    "people_reached": "受众人数",
    "households": "户数",
    "services": "服务",
    "requests": "群众诉求",
    "income": "收入",
    "funding": "资金",
    "infrastructure": "基础设施",
    "projects": "项目",
    "events": "活动",
    "training": "培训",
    "environment": "自然条件",
    "other": "其他",
}

CATEGORY_LABELS: dict[str, str] = {
    "count": "数量",
    "money": "金额",
    "rate": "比率",
    "percent": "百分比",
    "area": "面积",
    "length": "长度",
    "temperature": "温度",
    "other": "其他",
}

LEVEL_LABELS: dict[str, str] = {
    "region": "自治区",
    "league": "盟市",
    "banner": "旗县区",
    "township": "苏木乡镇",
    "village": "嘎查村",
    "outside": "区外",
    "unknown": "未定位",
}

NO_BANNER = "（盟市本级）"
NO_INITIATIVE = "（未标明）"
EMPTY_MESSAGE = "没有符合条件的数据"

# Facts that belong to no league are their own named groups, never mixed and never added into
# Inner Mongolia's totals: region-wide figures (全区), partners outside the region (区外: 京蒙协作…),
# a place below league level whose league the text does not give, and the truly unknown (未定位).
REGION_WIDE = "全区"
OUTSIDE = "区外"
NO_LEAGUE_KNOWN = "盟市不详"
UNLOCATED = "未定位"
SPECIAL_GROUPS: tuple[str, ...] = (REGION_WIDE, OUTSIDE, NO_LEAGUE_KNOWN, UNLOCATED)
GROUP_LABELS: dict[str, str] = {
    REGION_WIDE: "全区",
    OUTSIDE: "区外（京蒙协作等）",
    NO_LEAGUE_KNOWN: "盟市不详",
    UNLOCATED: "未定位",
}
# region_level → the group of a fact without a league (other levels: NO_LEAGUE_KNOWN).
LEVEL_GROUPS: dict[str, str] = {"region": REGION_WIDE, "outside": OUTSIDE, "unknown": UNLOCATED}
NO_LEAGUE = GROUP_LABELS[UNLOCATED]  # kept for older callers

QUALIFIER_LABELS: dict[str, str] = {"exact": "确数", "more": "多于（下限）", "less": "不足（上限）", "approx": "约数",
                                    "range": "区间"}
DATE_HOW_LABELS: dict[str, str] = {"manifest": "清单登记", "text": "由正文推断", "none": "不详", "": ""}
REVIEW_LABELS: dict[str, str] = {"extracted": "自动抽取", "confirmed": "已核实", "corrected": "已更正",
                                 "rejected": "已驳回", "": ""}
# Where a fact's programme was named (etl.schema.INITIATIVE_BASES), as the table and the CSV say it.
BASIS_LABELS: dict[str, str] = {"counted": "计数对象", "clause": "同句点名", "sentence": "同句点名", "table": "表题点名",
                                "paragraph": "同段推断", "section": "小节推断", "previous": "上段推断",
                                "article": "全文推断", "editor": "编辑认定", "": ""}
# The basis filter's groups (etl.schema.BASIS_GROUPS): named with the number, inferred from the text around it, none.
BASIS_GROUP_LABELS: dict[str, str] = {"named": "与数字同句点名", "inferred": "由上下文推断", "none": "未标注举措"}


def group_label(group: str) -> str:
    """Return how a league or special group is shown: 区外 → 区外（京蒙协作等）."""
    return GROUP_LABELS.get(group, group)


def indicator_label(code: str | None) -> str:
    """Return the Chinese label of an indicator code (the code itself if unknown)."""
    if not code:
        return ""
    return INDICATOR_LABELS.get(code, code)


def category_label(code: str | None) -> str:
    """Return the Chinese label of a value category."""
    if not code:
        return ""
    return CATEGORY_LABELS.get(code, code)


def _trim(number: float, decimals: int) -> str:
    text = f"{number:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _decimals(x: float, significant: int = 3, most: int = 2) -> int:
    """Decimals that keep ``significant`` digits without ever cutting the integer part."""
    digits = len(str(int(x))) if x >= 1 else 1
    return max(0, min(most, significant - digits))


def format_cn(value: float | None, decimals: int | None = None) -> str:
    """Format a number the Chinese way: 万/亿, about three significant digits, no trailing .0.

    >>> format_cn(40000)
    '4万'
    >>> format_cn(3390000000)
    '33.9亿'
    >>> format_cn(14140000)
    '1414万'
    >>> format_cn(12345)
    '1.23万'
    >>> format_cn(2423)
    '2423'
    >>> format_cn(0.5)
    '0.5'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    for scale, suffix in ((1e8, "亿"), (1e4, "万")):
        if v >= scale:
            x = v / scale
            d = _decimals(x) if decimals is None else decimals
            text = _trim(x, d)
            if suffix == "万" and float(text) >= 10000:  # 9999.6万 rounds up to 1亿
                return sign + _trim(v / 1e8, 2) + "亿"
            return sign + text + suffix
    return sign + _trim(v, 2 if decimals is None else decimals)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Return round tick values covering [low, high] (0 included), about ``count`` of them.

    >>> nice_ticks(0, 3.5e9)
    [0.0, 1000000000.0, 2000000000.0, 3000000000.0, 4000000000.0]
    >>> nice_ticks(0, 7)
    [0.0, 2.0, 4.0, 6.0, 8.0]
    """
    low, high = min(0.0, float(low)), max(0.0, float(high))
    if high - low <= 0:
        return [0.0, 1.0]
    raw = (high - low) / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    if step < 1 and high >= 1:
        step = 1.0
    first = math.floor(low / step) * step
    ticks = []
    t = first
    while t < high + step * 0.999:
        ticks.append(round(t, 10) + 0.0)
        t += step
    return ticks


def format_tick(value: float) -> str:
    """Format an axis tick: 0, 5000, 2万, 2.5万, 1亿, 5000万 (exact, as ticks are round numbers)."""
    return format_exact(value)


def format_exact(value: float | None) -> str:
    """Format a number with 万/亿 without losing digits.

    >>> format_exact(40000)
    '4万'
    >>> format_exact(12345)
    '1.2345万'
    >>> format_exact(292)
    '292'
    >>> format_exact(0.5)
    '0.5'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    if v >= 1e8:
        return sign + _trim(v / 1e8, 6) + "亿"
    if v >= 1e4:
        return sign + _trim(v / 1e4, 4) + "万"
    return sign + _trim(v, 2)


def format_value(value: float | None, qualifier: str = "exact",
                 low: float | None = None, high: float | None = None) -> str:
    """Format a fact's value with its qualifier: 4万+, 约4万, 不足4万, 5万–6万.

    >>> format_value(40000, "more")
    '4万+'
    >>> format_value(55000, "range", 50000, 60000)
    '5万–6万'
    """
    def ok(x):
        return x is not None and not (isinstance(x, float) and math.isnan(x))

    q = qualifier or "exact"
    if q == "range" and ok(low) and ok(high):
        return f"{format_exact(low)}–{format_exact(high)}"
    text = format_exact(value)
    if q == "more":
        return text + "+"
    if q == "approx":
        return "约" + text
    if q == "less":
        return "不足" + text
    return text


def unit_text(unit: str | None, per: str | None) -> str:
    """Return the unit as shown: 元/只 for a rate per 只, else the unit."""
    unit = unit or ""
    if per:
        return f"{unit}/{per}"
    return unit
