"""Pure helpers of the review pages: the queue, the correction form → field values, selections.

No Dash import; every function takes plain values or the fact frame, so tests call them directly.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from etl import review as R
from etl.errors import NumberFormatError
from etl.numbers import parse_number
from etl.quantities import find_quantities

from . import queries
from .labels import INDICATOR_LABELS, format_value, indicator_label, unit_text

QUEUE_LIMIT = 200
QUALIFIER_LABELS: dict[str, str] = {"exact": "准确数", "more": "以上（多、余）", "less": "不足", "approx": "约数",
                                    "range": "范围"}
FIELD_LABELS: dict[str, str] = {
    "value": "数值", "value_low": "下限", "value_high": "上限", "qualifier": "数值说明", "unit": "单位",
    "category": "数值类型", "league": "盟市", "league_code": "盟市代码", "banner": "旗县区", "banner_code": "旗县区代码",
    "township": "苏木乡镇", "village": "嘎查村", "region_level": "地区层级", "initiative": "举措", "indicator": "指标",
    "review_status": "审核状态", "fact": "事实", "subject": "对象",
}
STATUS_LABELS: dict[str, str] = {"extracted": "未审核", "confirmed": "已确认", "corrected": "已更正", "rejected": "不是事实"}
ACTION_LABELS: dict[str, str] = {
    "edit": "更正", "confirm": "确认", "reject": "标为不是事实", "restore": "恢复", "add": "添加事实",
    "programme_merge": "举措合并", "programme_rename": "举措改名", "programme_reject": "排除举措",
    "programme_rule_removed": "撤销举措处理",
}
QUEUE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("confidence", "置信度"), ("value_text", "数值"), ("unit_text", "单位"), ("subject", "对象"), ("region", "地区"),
    ("initiative", "举措"), ("quote", "原文"),
)


# ------------------------------------------------------------------ queue

def queue(df: pd.DataFrame, f: queries.Filters, reviewed: Iterable[str] = (), limit: int = QUEUE_LIMIT
          ) -> tuple[list[dict], int]:
    """Return (rows of unreviewed facts matching the filters, lowest confidence first; how many there are)."""
    mask = queries.filter_mask(df, f)
    if "review_status" in df.columns:
        mask &= (df["review_status"].astype(str) == "extracted").to_numpy()
    reviewed = set(reviewed)
    if reviewed:
        mask &= ~df["fact_id"].isin(reviewed).to_numpy()
    idx = np.flatnonzero(mask)
    n = len(idx)
    if not n:
        return [], 0
    sub = df.iloc[idx]
    order = np.lexsort((sub["span_start"].to_numpy(), sub["fact_id"].to_numpy().astype(str),
                        sub["confidence"].to_numpy(dtype=float)))
    rows = []
    for rec in sub.iloc[order[:limit]].to_dict("records"):
        quote = str(rec.get("quote") or "")
        rows.append({
            "id": rec["fact_id"],
            "confidence": f"{float(rec['confidence']):.2f}",
            "value_text": format_value(rec["value"], str(rec["qualifier"]), rec["value_low"], rec["value_high"]),
            "unit_text": unit_text(str(rec["unit"]), str(rec["per"])),
            "subject": str(rec["subject"]),
            "region": queries.region_text(rec),
            "initiative": str(rec["initiative"]),
            "quote": quote if len(quote) <= 60 else quote[:58] + "…",
        })
    return rows, n


# ------------------------------------------------------------------ regions

@dataclass(frozen=True)
class RegionIndex:
    """League and banner names with their codes (from the reference regions table)."""

    leagues: dict[str, str] = field(default_factory=dict)  # name → code
    banners: dict[str, tuple[str, str]] = field(default_factory=dict)  # name → (code, league code)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping]) -> RegionIndex:
        leagues, banners = {}, {}
        for r in rows:
            if r.get("level") == "league":
                leagues.setdefault(str(r["name"]), str(r["code"]))
            elif r.get("level") == "banner":
                banners.setdefault(str(r["name"]), (str(r["code"]), str(r.get("league_code") or "")))
        return cls(leagues, banners)

    def league_options(self) -> list[dict]:
        return [{"label": n, "value": n} for n in sorted(self.leagues, key=lambda n: self.leagues[n])]

    def banner_options(self, league: str | None) -> list[dict]:
        code = self.leagues.get(league or "")
        names = [n for n, (_c, lc) in self.banners.items() if code is None or lc == code]
        return [{"label": n, "value": n} for n in sorted(names, key=lambda n: self.banners[n][0])]


# ------------------------------------------------------------------ the form

def value_text(fact: Mapping) -> str:
    """The value as the form shows it: 2423, 50000-60000."""
    from etl.export import format_number  # noqa: PLC0415

    if fact.get("qualifier") == "range" and fact.get("value_low") is not None and fact.get("value_high") is not None:
        return f"{format_number(fact['value_low'])}-{format_number(fact['value_high'])}"
    return format_number(fact.get("value"))


def form_fields(current: Mapping, form: Mapping, regions: RegionIndex) -> tuple[dict, list[str]]:
    """Turn what the editor typed into field values (derived codes and level included), and problems.

    Only fields that differ from ``current`` are returned. An unknown league or banner, or a
    value that is not a number, is a problem (in Chinese) and nothing is saved.
    """
    out: dict = {}
    problems: list[str] = []
    text = str(form.get("value") or "").strip()
    qualifier = str(form.get("qualifier") or current.get("qualifier") or "exact")
    if text and text != value_text(current):
        try:
            parsed = parse_number(text)
        except (NumberFormatError, ValueError):
            problems.append(f"数值“{text}”无法识别：请填写数字，例如 2423、4万、4万多、5万-6万。")
        else:
            out.update(value=float(parsed.value), value_low=parsed.low, value_high=parsed.high)
            if parsed.qualifier != "exact" and qualifier == current.get("qualifier"):
                qualifier = parsed.qualifier
    elif not text:
        problems.append("数值不能为空。")
    if qualifier not in QUALIFIER_LABELS:
        problems.append("请从列表中选择数值说明。")
    elif qualifier != current.get("qualifier"):
        out["qualifier"] = qualifier
    unit = str(form.get("unit") if form.get("unit") is not None else current.get("unit") or "").strip()[:20]
    if unit != current.get("unit"):
        out["unit"] = unit
        out["category"] = R.category_for(unit, str(current.get("per") or ""), str(current.get("category") or ""))
    league = str(form.get("league") or "").strip()
    banner = str(form.get("banner") or "").strip()
    township = str(form.get("township") or "").strip()[:40]
    if league and league not in regions.leagues:
        problems.append(f"盟市“{league}”不在行政区划表中：请从列表中选择。")
    if banner and banner not in regions.banners:
        problems.append(f"旗县区“{banner}”不在行政区划表中：请从列表中选择。")
    if not problems and banner:
        _code, b_league = regions.banners[banner]
        if league and regions.leagues[league] != b_league:
            if league != str(current.get("league") or ""):
                banner = ""  # the league changed: the old league's banner no longer applies
            else:
                league = next((n for n, c in regions.leagues.items() if c == b_league), "")  # the banner changed
        elif not league:
            league = next((n for n, c in regions.leagues.items() if c == b_league), "")
    region = {"league": league, "banner": banner, "township": township}
    if any(region[k] != str(current.get(k) or "") for k in region) and not problems:
        out.update(region)
        out["league_code"] = regions.leagues.get(league, "")
        out["banner_code"] = regions.banners[banner][0] if banner else ""
        keep_village = township == current.get("township") and banner == current.get("banner")
        out["village"] = str(current.get("village") or "") if keep_village else ""
        out["region_level"] = R.region_level({**region, "village": out["village"]})
    initiative = str(form.get("initiative") or "").strip()[:60]
    if initiative != str(current.get("initiative") or ""):
        out["initiative"] = initiative
    indicator = str(form.get("indicator") or "")
    if indicator and indicator not in INDICATOR_LABELS:
        problems.append("请从列表中选择指标。")
    elif indicator and indicator != current.get("indicator"):
        out["indicator"] = indicator
    return out, problems


def read_selection(text: str) -> dict | None:
    """Read a number an editor selected ("60个", "4万多人", "2423"): value, unit, qualifier…; None if none."""
    text = (text or "").strip()
    if not text:
        return None
    found = find_quantities(text)
    if found:
        m = found[0]
        return {"value": m.value, "value_low": m.value_low, "value_high": m.value_high, "qualifier": m.qualifier,
                "unit": m.unit, "per": m.per, "category": m.category if not m.per else "rate"}
    m = _NUMERAL_HEAD.match(text)
    if not m:
        return None
    try:
        parsed = parse_number(m.group(1))
    except (NumberFormatError, ValueError):
        return None
    unit = m.group(2).strip()[:10]
    return {"value": parsed.value, "value_low": parsed.low, "value_high": parsed.high, "qualifier": parsed.qualifier,
            "unit": unit, "per": "", "category": R.category_for(unit, "", "count")}


# A numeral (Arabic or Chinese, with 多/余 and ranges) followed by whatever the editor selected as its unit.
_NUMERAL_HEAD = re.compile(r"^((?:约|近|超过|逾)?[0-9０-９.,]+(?:[万亿])?(?:[多余])?|[零〇一二两三四五六七八九十百千万亿]+[多余]?)(.*)$")


def display(field_name: str, value: object) -> str:
    """A field value as people read it (indicator and status labels in Chinese)."""
    if value is None or value == "":
        return "—"
    if field_name == "indicator":
        return indicator_label(str(value))
    if field_name == "review_status":
        return STATUS_LABELS.get(str(value), str(value))
    if field_name == "qualifier":
        return QUALIFIER_LABELS.get(str(value), str(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
