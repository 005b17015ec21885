"""Unit synonyms (data/reference/unit_synonyms.csv) → one canonical unit per measure; pure, shared by ETL and dashboard.

Writers count the same thing with different measure words (开展活动120场 / 120次 / 120场次;
诉求200条 / 110件). Summing only one of them drops the others silently, so sums use the canonical
unit: ``canonical_unit("次") == "场次"``. Some synonyms hold only for one indicator: 条 is a
request (件) in 群众诉求 but a road in 基础设施, so a row may name the indicator it applies to.

>>> canonical_unit("场")
'场次'
>>> canonical_unit("条", "requests")
'件'
>>> canonical_unit("条", "infrastructure")
'条'
>>> canonical_unit("平方米")
'平方米'
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from .paths import REFERENCE_DIR

SYNONYMS_PATH = REFERENCE_DIR / "unit_synonyms.csv"


@lru_cache(maxsize=4)
def load_synonyms(path: Path = SYNONYMS_PATH) -> dict[tuple[str, str], str]:
    """Return {(unit, indicator or ""): canonical unit} from the synonym table ({} if it is missing)."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError:
        return {}
    return {(r["unit"].strip(), (r.get("indicator") or "").strip()): r["canonical"].strip()
            for r in rows if r.get("unit") and r.get("canonical")}


def canonical_unit(unit: str, indicator: str = "", synonyms: dict[tuple[str, str], str] | None = None) -> str:
    """Return the canonical unit for ``unit`` (within ``indicator`` when a synonym holds only there)."""
    unit = (unit or "").strip()
    table = load_synonyms() if synonyms is None else synonyms
    if indicator and (unit, indicator) in table:
        return table[(unit, indicator)]
    return table.get((unit, ""), unit)


def synonyms_of(canonical: str, indicator: str = "", synonyms: dict[tuple[str, str], str] | None = None) -> set[str]:
    """Return every unit that counts as ``canonical`` (within ``indicator``), the canonical one included."""
    table = load_synonyms() if synonyms is None else synonyms
    units = {canonical}
    for (unit, scope), target in table.items():
        if target == canonical and scope in ("", indicator) and canonical_unit(unit, indicator, table) == canonical:
            units.add(unit)
    return units
