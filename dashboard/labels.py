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
NO_LEAGUE = "（未定位）"
EMPTY_MESSAGE = "没有符合条件的数据"


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


def format_cn(value: float | None, decimals: int = 1) -> str:
    """Format a number the Chinese way with one decimal for 万 and 亿.

    >>> format_cn(40000)
    '4.0万'
    >>> format_cn(350000000)
    '3.5亿'
    >>> format_cn(2423)
    '2423'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    if v >= 1e8:
        return f"{sign}{v / 1e8:.{decimals}f}亿"
    if v >= 1e4:
        return f"{sign}{v / 1e4:.{decimals}f}万"
    return sign + _trim(v, 2)


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
