"""Benchmark the measures table and the measure view over 1,000,000 synthetic facts.

Run:  .venv/bin/python tests/benchmarks/bench_measures.py [--facts 1000000] [--rounds 60] [--repeat 3]

Synthetic facts (bench_dashboard.synthetic_facts plus measure, kind, as_of, period_start and
review_status from ``with_measure_columns``: a Zipf-like vocabulary of measures, reports that repeat
earlier figures, parts, flows with periods, a few rejected facts) in the dashboard's in-memory frame
(dashboard.data.normalise_facts). Timed in one process, beside baselines measured in the same run:

* ``measure_table`` (once per data load) vs the naive aggregation it replaces: a group-by sum of the
  same facts by measure, region and date (the "sum of mentions");
* ``MeasureIndex.build`` (once per data load);
* ``measure_view`` for one measure (per request: league bars, banner bars, trend) vs the main page's
  current per-request chart query (filters → choose_measure → by_league + by_banner) on the same frame.

``measure_view_seconds(index, keys)`` is the function bench_dashboard.py can call to print the
measure view's time.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard import queries  # noqa: E402
from dashboard.data import normalise_facts  # noqa: E402
from dashboard.measures import MeasureIndex, MeasureKey, measure_view  # noqa: E402
from etl.measure_table import measure_table  # noqa: E402
from etl.measures import load_measures  # noqa: E402
from etl.schema import FACT_COLUMNS  # noqa: E402
from machine import machine  # noqa: E402

PREFIXES = ("", "", "", "嘎查", "社区", "边境", "标准化", "新时代", "农村牧区", "城镇", "专职", "兼职")


def with_measure_columns(df: pd.DataFrame, seed: int = 11) -> pd.DataFrame:
    """Add the schema-0002 columns to bench_dashboard.synthetic_facts' frame, with realistic measures.

    ~700 measures with Zipf-like frequencies; a report's facts share its date; 15 % of facts repeat an
    earlier figure (same measure, region, value) in a later report within two months; kinds 55 % stock,
    30 % flow (period from January 1), 8 % part, 4 % rate, 3 % percent; 1 % rejected in review.
    """
    rng = np.random.default_rng(seed)
    n = len(df)
    canon = sorted({e.canonical for e in load_measures().by_name.values()})
    words = ["网格", "党员", "志愿者", "服务站", "驿站", "合作社", "联合体", "议事会", "宣讲", "诉求", "项目", "资金",
             "书记", "护边员", "服务队", "示范村", "小区", "企业", "活动", "培训班"]
    vocab = np.array(sorted({p + w for p in PREFIXES for w in canon + words}), dtype=object)
    ranks = np.arange(1, len(vocab) + 1)
    weights = 1.0 / ranks ** 1.1
    measure = vocab[rng.choice(len(vocab), size=n, p=weights / weights.sum())]
    kind = rng.choice(["stock", "flow", "part", "rate", "percent"], size=n, p=[0.55, 0.30, 0.08, 0.04, 0.03])
    as_of = df["published"].to_numpy(dtype=object)
    year = np.array([d[:4] for d in as_of], dtype=object)
    period = np.where(kind == "flow", np.char.add(year.astype(str), "-01-01"), "")
    out = df.copy()
    out["location"] = ""
    out["measure"] = measure
    out["kind"] = kind
    out["as_of"] = as_of
    out["period_start"] = period
    out["review_status"] = np.where(rng.random(n) < 0.01, "rejected", "extracted")
    # repeated figures: copy measure/region/value of an earlier fact into a later report's fact
    rep = np.flatnonzero(rng.random(n) < 0.15)
    src = rng.integers(0, n, size=len(rep))
    for col in ("measure", "kind", "period_start", "league", "league_code", "banner", "banner_code", "region_level",
                "unit", "per", "value"):
        out.iloc[rep, out.columns.get_loc(col)] = out[col].to_numpy()[src]
    later = pd.to_datetime(out["as_of"].to_numpy()[src]) + pd.to_timedelta(rng.integers(1, 60, size=len(rep)), unit="D")
    out.iloc[rep, out.columns.get_loc("as_of")] = later.strftime("%Y-%m-%d").to_numpy()
    return out[list(FACT_COLUMNS)]


def dashboard_synthetic_facts(n: int) -> pd.DataFrame:
    """bench_dashboard.synthetic_facts(n), also while its frame lacks the schema-0002 columns."""
    import bench_dashboard  # noqa: PLC0415

    try:
        return bench_dashboard.synthetic_facts(n)
    except KeyError:  # it selects FACT_COLUMNS, which gained columns in 0002 that it does not make
        saved = bench_dashboard.FACT_COLUMNS
        bench_dashboard.FACT_COLUMNS = FACT_COLUMNS[: FACT_COLUMNS.index("confidence") + 1]
        try:
            return bench_dashboard.synthetic_facts(n)
        finally:
            bench_dashboard.FACT_COLUMNS = saved


def measure_view_seconds(index: MeasureIndex, keys: list[MeasureKey]) -> list[float]:
    """Time measure_view once per key (the per-request work of the measure view); seconds each."""
    out = []
    for key in keys:
        t0 = time.perf_counter()
        measure_view(index, key)
        out.append(time.perf_counter() - t0)
    return out


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def rss_mb() -> float:
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def best_of(fn, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facts", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print("machine:", machine())
    t0 = time.perf_counter()
    df = normalise_facts(with_measure_columns(dashboard_synthetic_facts(args.facts)))
    print(f"built {len(df):,} synthetic facts (dashboard frame) in {time.perf_counter() - t0:.1f} s; "
          f"{df['measure'].nunique()} measures; RSS {rss_mb():.0f} MB")

    key_cols = ["measure", "unit", "per", "region_level", "league_code", "banner_code", "township", "village", "as_of"]
    t_naive, _ = best_of(lambda: df.groupby(key_cols, observed=True, sort=False)["value"].sum(), args.repeat)
    t_table, table = best_of(lambda: measure_table(df), args.repeat)
    rss_after_table = rss_mb()
    t_index, index = best_of(lambda: MeasureIndex.build(table), args.repeat)

    counts = table.groupby(["measure", "unit", "per"], sort=False).size().sort_values(ascending=False)
    keys = [MeasureKey(*k) for k in counts.index[: max(1, args.rounds // 3)]]  # the biggest measures
    rng = np.random.default_rng(5)
    others = counts.index[rng.integers(0, len(counts), size=args.rounds - len(keys))]
    keys += [MeasureKey(*k) for k in others]
    view_t = measure_view_seconds(index, keys)

    leagues = [v for v, _n in queries.value_counts(df, "league") if v]
    base_t = []
    for i in range(args.rounds):
        t0 = time.perf_counter()
        f = queries.normalise(df, {"league": leagues[i % len(leagues)]})
        sub = queries.apply_filters(df, f)
        m, rows = queries.choose_measure(sub, f)
        queries.by_league(rows, m)
        queries.by_banner(rows, m)
        base_t.append(time.perf_counter() - t0)

    def ms(x: float) -> str:
        return f"{x * 1000:8.1f} ms"

    print()
    print(f"facts: {len(df):,}; measures table: {len(table):,} rows "
          f"({len(table) / len(df):.2f} per fact: repeated figures merged, rejected and unmeasured left out)")
    print(f"largest measure: {counts.iloc[0]:,} rows; the table holds {table.memory_usage(deep=True).sum() / 1e6:.0f} MB "
          f"(facts frame {df.memory_usage(deep=True).sum() / 1e6:.0f} MB); RSS after the table: {rss_after_table:.0f} MB")
    print(f"                                         best of {args.repeat}")
    print(f"naive group-by sum (the old 'sum of mentions'): {ms(t_naive)}")
    print(f"measure_table (once per data load):             {ms(t_table)}   ({t_table / t_naive:.1f}x the naive sum)")
    print(f"MeasureIndex.build (once per data load):        {ms(t_index)}")
    print("                                         median        p95")
    print(f"measure_view, one measure (per request): {ms(statistics.median(view_t))} {ms(pct(view_t, .95))}")
    print(f"main page's chart query (per request):   {ms(statistics.median(base_t))} {ms(pct(base_t, .95))}")
    print(f"measure view p95 / chart query p95: {pct(view_t, .95) / pct(base_t, .95):.2f}x; "
          f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
