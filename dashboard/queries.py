"""Pure functions over the in-memory fact frame: filter state, filtering, aggregation, CSV.

Nothing here imports Dash; every function takes a DataFrame (see ``data.normalise_facts``) and
plain values, so the callbacks stay thin and everything is testable without a browser.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from datetime import date
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd

from etl.schema import CATEGORIES, FACT_COLUMNS, NUMERIC_FACT_COLUMNS, INTEGER_FACT_COLUMNS, SUMMABLE_CATEGORIES

from .labels import (
    INDICATOR_LABELS, NO_BANNER, NO_INITIATIVE, NO_LEAGUE, category_label, format_value,
    indicator_label, unit_text,
)

MAX_QUERY_LEN = 100
PAGE_SIZE = 20
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FILTER_KEYS = ("league", "banner", "initiative", "indicator", "category", "date_from", "date_to", "q")


@dataclass(frozen=True)
class Filters:
    """What the user selected; every field is optional (None = no restriction)."""

    league: str | None = None
    banner: str | None = None
    initiative: str | None = None
    indicator: str | None = None
    category: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict | None) -> "Filters":
        d = d if isinstance(d, dict) else {}
        return cls(**{k: (d.get(k) if isinstance(d.get(k), str) and d.get(k) else None) for k in FILTER_KEYS})

    def is_empty(self) -> bool:
        return all(getattr(self, k) is None for k in FILTER_KEYS)


def _clean_str(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:MAX_QUERY_LEN] if value else None


def _known(values: pd.Series, value: str | None) -> bool:
    if value is None:
        return False
    if isinstance(values.dtype, pd.CategoricalDtype):
        return value in set(values.cat.categories)
    return bool((values == value).any())


def normalise(df: pd.DataFrame, raw: Filters | dict) -> Filters:
    """Validate a filter state against the data: unknown values are dropped, banner follows league.

    A forged request (unknown league, injection string, bad date) gives an empty restriction
    rather than an error.
    """
    f = raw if isinstance(raw, Filters) else Filters.from_dict(raw)
    league = _clean_str(f.league)
    league = league if _known(df["league"], league) and league != "" else None
    banner = _clean_str(f.banner)
    if banner is not None:
        rows = df.loc[df["banner"] == banner, "league"] if _known(df["banner"], banner) else None
        if rows is None or rows.empty:
            banner = None
        elif league is None:
            league = str(rows.iloc[0])
        elif not (rows == league).any():
            banner = None
    initiative = _clean_str(f.initiative)
    initiative = initiative if _known(df["initiative"], initiative) else None
    indicator = f.indicator if f.indicator in INDICATOR_LABELS or _known(df["indicator"], _clean_str(f.indicator)) else None
    category = f.category if f.category in CATEGORIES else None
    date_from = f.date_from[:10] if isinstance(f.date_from, str) and _DATE.match(f.date_from[:10]) else None
    date_to = f.date_to[:10] if isinstance(f.date_to, str) and _DATE.match(f.date_to[:10]) else None
    return Filters(league, banner, initiative, indicator, category, date_from, date_to, _clean_str(f.q))


def to_query_string(f: Filters) -> str:
    """Return the URL query string (with leading '?', or '') for a filter state."""
    pairs = [(k, getattr(f, k)) for k in FILTER_KEYS if getattr(f, k)]
    return "?" + urlencode(pairs) if pairs else ""


def from_query_string(search: str | None) -> Filters:
    """Parse a URL query string into an (unvalidated) filter state."""
    if not isinstance(search, str):
        return Filters()
    parsed = parse_qs(search.lstrip("?"), keep_blank_values=False)
    return Filters.from_dict({k: v[0] for k, v in parsed.items() if k in FILTER_KEYS and v})


# Columns the charts need; filtering a narrow frame is much cheaper than copying every column.
CHART_COLUMNS = ("league", "league_code", "banner", "banner_code", "initiative", "category", "unit", "per",
                 "qualifier", "value")


def filter_mask(df: pd.DataFrame, f: Filters) -> np.ndarray:
    """Return a boolean array selecting the rows that match a (normalised) filter state."""
    mask = np.ones(len(df), dtype=bool)
    for col in ("league", "banner", "initiative", "indicator", "category"):
        value = getattr(f, col)
        if value is not None:
            mask &= (df[col] == value).to_numpy(dtype=bool, na_value=False)
    if f.date_from or f.date_to:
        pub = df["published"]
        cats = pd.Series(pub.cat.categories.astype(str)) if isinstance(pub.dtype, pd.CategoricalDtype) else None
        if cats is not None:
            ok = (cats != "") & (cats >= (f.date_from or "")) & (cats <= (f.date_to or "9999-99-99"))
            mask &= pub.isin(cats[ok.to_numpy()].tolist()).to_numpy()
        else:
            pub = pub.astype(str)
            mask &= ((pub != "") & (pub >= (f.date_from or "")) & (pub <= (f.date_to or "9999-99-99"))).to_numpy()
    if f.q:
        idx = np.flatnonzero(mask)
        sub = df.iloc[idx]
        hit = (sub["subject"].str.contains(f.q, regex=False, na=False)
               | sub["quote"].str.contains(f.q, regex=False, na=False)).to_numpy(dtype=bool, na_value=False)
        mask = np.zeros(len(df), dtype=bool)
        mask[idx[hit]] = True
    return mask


def apply_filters(df: pd.DataFrame, f: Filters, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Return the rows matching a (normalised) filter state, optionally only some columns."""
    mask = filter_mask(df, f)
    frame = df if columns is None else df[list(columns)]
    if mask.all():
        return frame
    return frame[mask]


# ---------------------------------------------------------------- options with counts

def value_counts(df: pd.DataFrame, col: str) -> list[tuple[str, int]]:
    """Return (value, count) pairs, largest first, empty values left out."""
    counts = df[col].value_counts(sort=True)
    return [(str(k), int(v)) for k, v in counts.items() if v > 0 and str(k) != ""]


def options(df: pd.DataFrame, col: str, labeller=None) -> list[dict]:
    """Return dropdown options labelled "name (count)" for a column."""
    labeller = labeller or (lambda x: x)
    return [{"label": f"{labeller(v)} ({n})", "value": v} for v, n in value_counts(df, col)]


def league_options(df: pd.DataFrame) -> list[dict]:
    return options(df, "league")


def banner_options(df: pd.DataFrame, league: str | None) -> list[dict]:
    col = df["banner"] if league is None else df["banner"][(df["league"] == league).to_numpy()]
    return options(col.to_frame(), "banner")


def initiative_options(df: pd.DataFrame, league: str | None = None, banner: str | None = None) -> list[dict]:
    mask = np.ones(len(df), dtype=bool)
    if league is not None:
        mask &= (df["league"] == league).to_numpy()
    if banner is not None:
        mask &= (df["banner"] == banner).to_numpy()
    col = df["initiative"] if mask.all() else df["initiative"][mask]
    return options(col.to_frame(), "initiative")


def indicator_options(df: pd.DataFrame) -> list[dict]:
    return options(df, "indicator", indicator_label)


def category_options(df: pd.DataFrame) -> list[dict]:
    return options(df, "category", category_label)


def date_bounds(df: pd.DataFrame) -> tuple[str | None, str | None]:
    """Return the first and last publication date present, or (None, None)."""
    pub = [str(p) for p in df["published"].unique() if _DATE.match(str(p))]
    if not pub:
        return None, None
    return min(pub), max(pub)


# ---------------------------------------------------------------- measure: count or sum

@dataclass(frozen=True)
class Measure:
    """How charts aggregate: count facts, or sum one unit of one indicator."""

    kind: str = "count"  # count | sum
    unit: str = ""
    note: str = ""
    axis_title: str = "事实条数"

    def label(self) -> str:
        return "条数" if self.kind == "count" else f"合计（{self.unit}）"


def choose_measure(df: pd.DataFrame, f: Filters) -> tuple[Measure, pd.DataFrame]:
    """Decide whether values may be summed and return the measure with the rows it covers.

    Values are summed only when an indicator is chosen and the rows share a summable category,
    no ``per`` and one unit; otherwise the charts count facts and the note says why.
    """
    if f.indicator is None or df.empty:
        return Measure(), df
    label = indicator_label(f.indicator)
    summable = df[(df["category"].isin(list(SUMMABLE_CATEGORIES))).to_numpy()
                  & (df["per"] == "").to_numpy()]
    if summable.empty:
        top = df.loc[df["value"].idxmax()] if df["value"].notna().any() else None
        extra = ""
        if top is not None:
            extra = f"；最大值 {format_value(top['value'], str(top['qualifier']))}{unit_text(str(top['unit']), str(top['per']))}"
        return Measure("count", "", f"「{label}」的数值是比率、百分比或温度，不能相加，图中显示条数{extra}。",
                       "事实条数"), df
    units = summable["unit"].value_counts()
    unit = str(units.index[0])
    rows = summable[(summable["unit"] == unit).to_numpy()]
    left_out = len(df) - len(rows)
    note = f"按「{label}」合计，单位：{unit or '—'}"
    if (rows["qualifier"] == "more").any():
        note += "；“多/余”按下限计"
    if left_out:
        note += f"；另有 {left_out} 条单位不同或为比率，未计入合计"
    return Measure("sum", unit, note + "。", f"合计（{unit}）"), rows


def aggregate(df: pd.DataFrame, by: str | list[str], measure: Measure,
              mask: np.ndarray | None = None) -> pd.DataFrame:
    """Group by one or more columns and return columns [*by, 'y', 'n'] sorted by y descending.

    ``mask`` restricts the rows without copying the frame. Categorical keys are counted with
    numpy.bincount over their codes (a few ms for a million rows); anything else falls back to
    DataFrame.groupby.
    """
    by = [by] if isinstance(by, str) else list(by)
    if df.empty or (mask is not None and not mask.any()):
        return pd.DataFrame({**{b: [] for b in by}, "y": [], "n": []})
    out = _aggregate_codes(df, by, measure, mask)
    if out is None:
        if mask is not None:
            df = df[mask]
        g = df.groupby(by, observed=True, sort=False)
        out = g.size().rename("n").to_frame()
        out["y"] = g["value"].sum() if measure.kind == "sum" else out["n"]
        out = out.reset_index()
        out = out[out["n"] > 0]
        for b in by:
            out[b] = out[b].astype(str)
    # Small result: sorting in Python is cheaper than DataFrame.sort_values here.
    keys = [out[b].tolist() for b in by]
    ys = out["y"].tolist()
    order = sorted(range(len(out)), key=lambda i: (-ys[i], *[k[i] for k in keys]))
    return out.iloc[order].reset_index(drop=True)


def _aggregate_codes(df: pd.DataFrame, by: list[str], measure: Measure,
                     mask: np.ndarray | None = None) -> pd.DataFrame | None:
    cols = [df[b] for b in by]
    if not all(isinstance(c.dtype, pd.CategoricalDtype) for c in cols):
        return None
    sizes = [len(c.cat.categories) for c in cols]
    total = int(np.prod(sizes, dtype=np.int64))
    if total == 0 or total > 4_000_000:
        return None
    idx = None if mask is None else np.flatnonzero(mask)
    key = None
    for c, size in zip(cols, sizes):
        codes = c.cat.codes.to_numpy()
        if idx is not None:
            codes = codes[idx]
        if (codes < 0).any():
            return None
        key = codes.astype(np.int64) if key is None else key * size + codes
    n = np.bincount(key, minlength=total)
    nz = np.flatnonzero(n)
    if measure.kind == "sum":
        values = df["value"].to_numpy(dtype=float, na_value=0.0)
        if idx is not None:
            values = values[idx]
        y = np.bincount(key, weights=np.nan_to_num(values), minlength=total)[nz]
    else:
        y = n[nz].astype(float)
    data = {}
    rest = nz.copy()
    for c, size, b in reversed(list(zip(cols, sizes, by))):
        data[b] = np.asarray(c.cat.categories.to_numpy(dtype=object), dtype=object)[rest % size]
        rest //= size
    out = pd.DataFrame({b: data[b] for b in by})
    out["y"] = y
    out["n"] = n[nz]
    return out


def _nonempty(df: pd.DataFrame, col: str) -> np.ndarray:
    """Return a mask of the rows where ``col`` is not empty."""
    return (df[col] != "").to_numpy(dtype=bool, na_value=False)


def by_league(df: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    out = aggregate(df, ["league", "league_code"], measure)
    out["league"] = out["league"].replace("", NO_LEAGUE)
    return out


def by_banner(df: pd.DataFrame, measure: Measure, top: int = 25) -> pd.DataFrame:
    by = ["banner", "banner_code", "league"]
    out = aggregate(df, by, measure, _nonempty(df, "banner"))
    return out.head(top)


def by_initiative(df: pd.DataFrame, measure: Measure, top: int = 20) -> pd.DataFrame:
    out = aggregate(df, "initiative", measure, _nonempty(df, "initiative"))
    return out.head(top)


def hierarchy(df: pd.DataFrame, measure: Measure, max_leaves: int = 400) -> pd.DataFrame:
    """Return league → banner → initiative rows for a sunburst (empty names labelled)."""
    out = aggregate(df, ["league", "banner", "initiative"], measure).head(max_leaves)
    out["league"] = out["league"].replace("", NO_LEAGUE)
    out["banner"] = out["banner"].replace("", NO_BANNER)
    out["initiative"] = out["initiative"].replace("", NO_INITIATIVE)
    return out


def by_code(df: pd.DataFrame, level: str, measure: Measure) -> pd.DataFrame:
    """Aggregate by league_code or banner_code for the map."""
    col = "league_code" if level == "league" else "banner_code"
    name = "league" if level == "league" else "banner"
    return aggregate(df, [col, name], measure, _nonempty(df, col)).rename(columns={col: "code", name: "name"})


# ---------------------------------------------------------------- table

TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("value_text", "数值"),
    ("unit_text", "单位"),
    ("subject", "对象"),
    ("indicator_text", "指标"),
    ("region", "地区"),
    ("initiative", "举措"),
    ("published", "日期"),
    ("source", "来源"),
    ("review", "审核"),  # 已更正 / 已确认 (issue 11: corrected rows are marked)
)
REVIEW_MARKS = {"corrected": "已更正", "confirmed": "已确认"}
# Table column → fact column used to sort and filter it.
SORT_COLUMNS = {
    "value_text": "value", "unit_text": "unit", "subject": "subject", "indicator_text": "indicator",
    "region": "league", "initiative": "initiative", "published": "published", "source": "source_file",
}


def region_text(row) -> str:
    parts = [str(row.get(k) or "") for k in ("league", "banner", "township", "village")]
    return "·".join(p for p in parts if p) or "—"


def table_rows(page: pd.DataFrame) -> list[dict]:
    """Turn fact rows into display rows (Chinese formatted), keeping fact_id as the row id."""
    rows = []
    for rec in page.to_dict("records"):
        title = str(rec.get("article_title") or "")
        rows.append({
            "id": rec["fact_id"],
            "value_text": format_value(rec["value"], str(rec["qualifier"]), rec["value_low"], rec["value_high"]),
            "unit_text": unit_text(str(rec["unit"]), str(rec["per"])),
            "subject": rec["subject"],
            "indicator_text": indicator_label(str(rec["indicator"])),
            "region": region_text(rec),
            "initiative": str(rec["initiative"]),
            "published": str(rec["published"]),
            "source": f"{title}（{rec['source_file']}）" if title else str(rec["source_file"]),
            "review": REVIEW_MARKS.get(str(rec.get("review_status") or ""), ""),
        })
    return rows


_FILTER_OPS = ("s>=", "s<=", "s<", "s>", "s!=", "s=", ">=", "<=", "<", ">", "!=", "=",
               "icontains", "contains", "scontains", "datestartswith")


def parse_table_filter(query: str | None) -> list[tuple[str, str, str]]:
    """Parse a DataTable filter_query ("{col} contains x && {col} > 3") into (col, op, value)."""
    out = []
    if not isinstance(query, str) or not query.strip():
        return out
    for part in query[:500].split(" && "):
        m = re.match(r"\s*\{([^}]+)\}\s+(\S+)\s+(.*)$", part)
        if not m:
            continue
        col, op, value = m.group(1), m.group(2), m.group(3).strip()
        if op not in _FILTER_OPS or col not in SORT_COLUMNS:
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
            value = value[1:-1]
        out.append((col, op.lstrip("s").replace("icontains", "contains").replace("scontains", "contains"), value))
    return out


def apply_table_filter(df: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """Apply the table's own column filters (text contains, numeric comparisons on value)."""
    for col, op, value in parse_table_filter(query):
        if col == "value_text":
            try:
                number = float(value.replace("万", "e4").replace("亿", "e8").rstrip("+"))
            except ValueError:
                continue
            v = df["value"]
            ops = {">=": v >= number, "<=": v <= number, "<": v < number, ">": v > number,
                   "!=": v != number, "=": v == number, "contains": v == number}
            if op in ops:
                df = df[ops[op].to_numpy()]
            continue
        if col == "region":
            text = (df["league"].astype(str) + df["banner"].astype(str) + df["township"].astype(str)
                    + df["village"].astype(str))
        elif col == "indicator_text":
            text = df["indicator"].astype(str).map(lambda c: indicator_label(c) + c)
        elif col == "source":
            text = df["source_file"].astype(str) + df["article_title"].astype(str)
        elif col == "unit_text":
            text = df["unit"].astype(str) + "/" + df["per"].astype(str)
        else:
            text = df[SORT_COLUMNS[col]].astype(str)
        if op == "=":
            df = df[(text == value).to_numpy()]
        elif op == "!=":
            df = df[(text != value).to_numpy()]
        else:
            df = df[text.str.contains(value, regex=False, na=False).to_numpy()]
    return df


def table_page(df: pd.DataFrame, page: int | None, sort_by: list | None = None,
               filter_query: str | None = None, page_size: int = PAGE_SIZE,
               mask: np.ndarray | None = None) -> tuple[list[dict], int, int]:
    """Return (display rows of one page, page count, matching row count); page is clamped.

    ``mask`` (from filter_mask) selects rows of ``df`` without copying them; only the page is
    materialised unless the table's own sort or column filters are used.
    """
    positions = np.arange(len(df)) if mask is None else np.flatnonzero(mask)
    keys, asc = [], []
    if sort_by and isinstance(sort_by, list):
        for s in sort_by[:3]:
            if isinstance(s, dict) and s.get("column_id") in SORT_COLUMNS:
                keys.append(SORT_COLUMNS[s["column_id"]])
                asc.append(s.get("direction") != "desc")
    if parse_table_filter(filter_query):
        sub = apply_table_filter(df.iloc[positions], filter_query)
        positions = df.index.get_indexer(sub.index) if len(sub) else positions[:0]
    n = len(positions)
    pages = max(1, -(-n // page_size))
    try:
        page = int(page or 0)
    except (TypeError, ValueError, OverflowError):
        page = 0
    page = min(max(page, 0), pages - 1)
    if keys and n:
        sort_frame = df[keys].iloc[positions].copy()
        for k in keys:
            if isinstance(sort_frame[k].dtype, pd.CategoricalDtype):
                sort_frame[k] = sort_frame[k].astype(str)
        sort_frame["_pos"] = positions
        positions = sort_frame.sort_values(keys, ascending=asc, kind="stable")["_pos"].to_numpy()
    start = page * page_size
    return table_rows(df.iloc[positions[start:start + page_size]]), pages, n


# ---------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a cell that a spreadsheet would read as a formula with an apostrophe."""
    return "'" + text if text and text.startswith(_FORMULA_START) else text


def _number_cells(values: pd.Series) -> list[str]:
    """Format numbers like etl.export: 40000.0 → "40000", 0.85 → "0.85", NaN → ""."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    out = np.full(len(v), "", dtype=object)
    finite = np.isfinite(v)
    integral = finite & (np.abs(v) < 1e15) & (np.floor(v) == v)
    out[integral] = v[integral].astype(np.int64).astype(str)
    other = np.flatnonzero(finite & ~integral)
    out[other] = [repr(float(x)) for x in v[other]]
    return out.tolist()


def _text_cells(values: pd.Series) -> list[str]:
    """Return text cells with spreadsheet formulas neutralised (categories formatted once)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = np.array([neutralise(str(c)) for c in values.cat.categories] + [""], dtype=object)
        return cats[values.cat.codes.to_numpy()].tolist()  # code -1 (missing) picks the ""
    return [neutralise(x) if isinstance(x, str) else ("" if x is None or x != x else neutralise(str(x)))
            for x in values.tolist()]


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Return facts as CSV bytes for a download (UTF-8 with BOM, \\r\\n, FACT_COLUMNS order).

    Text cells that a spreadsheet would run as a formula (= + - @) get a leading "'"; numeric
    columns stay numbers, integral ones without ".0" as in etl/export.py's facts.csv. Written by
    pyarrow's CSV writer (C++; it quotes every text cell), ~20× faster than csv.writer.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a runtime requirement
        return _to_csv_bytes_python(df)
    numeric = set(NUMERIC_FACT_COLUMNS)
    integer = set(INTEGER_FACT_COLUMNS)
    arrays = []
    for col in FACT_COLUMNS:
        values = df[col] if col in df.columns else pd.Series([None] * len(df), dtype=object)
        if col in numeric or col in integer:
            v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            arr = pa.array(v, from_pandas=True)
            if col in integer or (np.isfinite(v).all() and (np.floor(v) == v).all() and len(v)
                                  and np.abs(v).max() < 1e15):
                arr = arr.cast(pa.int64()) if not arr.null_count else arr
            arrays.append(arr)
        elif isinstance(values.dtype, pd.CategoricalDtype):
            values = values.cat.remove_unused_categories()  # neutralise only what is written
            cats = pa.array([neutralise(str(c)) for c in values.cat.categories], type=pa.string())
            codes = values.cat.codes.to_numpy()
            indices = pa.array(codes.astype(np.int32), mask=codes < 0)
            arrays.append(pa.DictionaryArray.from_arrays(indices, cats).cast(pa.string()))
        else:
            try:
                arr = pa.array(values, type=pa.string(), from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                arr = pa.array([None if x is None or x != x else str(x) for x in values.tolist()], type=pa.string())
            arr = pc.fill_null(arr, "")
            bad = pc.starts_with(arr, _FORMULA_START[0])
            for prefix in _FORMULA_START[1:]:
                bad = pc.or_(bad, pc.starts_with(arr, prefix))
            if pc.any(bad).as_py():
                arr = pc.if_else(bad, pc.binary_join_element_wise("'", arr, ""), arr)
            arrays.append(arr)
    table = pa.Table.from_arrays(arrays, names=list(FACT_COLUMNS))
    buf = pa.BufferOutputStream()
    pacsv.write_csv(table, buf, pacsv.WriteOptions(eol="\r\n", quoting_header="none"))
    return b"\xef\xbb\xbf" + buf.getvalue().to_pybytes()


def _to_csv_bytes_python(df: pd.DataFrame) -> bytes:
    """Fallback CSV writer (csv.writer, minimal quoting) with the same rules as to_csv_bytes."""
    numeric = set(NUMERIC_FACT_COLUMNS) | set(INTEGER_FACT_COLUMNS)
    columns = []
    for col in FACT_COLUMNS:
        values = df[col] if col in df.columns else pd.Series([""] * len(df), dtype=object)
        columns.append(_number_cells(values) if col in numeric else _text_cells(values))
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(FACT_COLUMNS)
    writer.writerows(zip(*columns))
    return buf.getvalue().encode("utf-8")


_UNSAFE_FILENAME = re.compile(r"[\\/:*?\"<>|\s]+")


def csv_filename(f: Filters | None, today: date | None = None) -> str:
    """Return a file name that says the filter and the date: 事实_赤峰市_阿鲁科尔沁旗_2026-11-28.csv."""
    today = today or date.today()
    parts = ["事实"]
    if f is None:
        parts.append("全部")
    else:
        for value in (f.league, f.banner, f.initiative, indicator_label(f.indicator) if f.indicator else None,
                      category_label(f.category) if f.category else None, f.q):
            if value:
                parts.append(_UNSAFE_FILENAME.sub("-", value)[:30])
        if f.date_from or f.date_to:
            parts.append(f"{f.date_from or ''}至{f.date_to or ''}")
        if len(parts) == 1:
            parts.append("全部")
    return "_".join(parts + [today.isoformat()]) + ".csv"
