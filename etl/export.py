"""Database → tidy CSVs (UTF-8 with BOM) and Parquet: fixed columns, stable order, atomic files.  I/O

Rules, so that the same database always gives the same bytes and Excel/WPS open files safely:

* Every CSV starts with a UTF-8 BOM; rows end with ``\\r\\n`` (RFC 4180); column order is
  ``FACT_COLUMNS`` / ``ARTICLE_COLUMNS`` / ``MEASURE_COLUMNS`` / the reference tables' columns.
* Rows are sorted on a stable key: facts by (source_file, article_id, span_start, fact_id),
  articles by (source_file, seq, article_id), measures by (measure, unit, per, region, as_of, value),
  regions by code, initiatives by name.
* ``measures.csv`` is ``etl.measure_table.measure_table`` of the stored facts: one value per
  measure, region and date (see that module); ``value`` and ``n_reports`` are numbers.
* Numbers: integral values print without ``.0`` (``40000``), other floats print their shortest
  round-trip form (``0.85``), ``None``/NaN print as an empty cell.
* Formula neutralisation: a *text* cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading ``'`` so a spreadsheet shows it instead of running it. Numeric
  columns (``value``, ``value_low``, ``value_high``, ``confidence``, ``span_start``,
  ``span_end``, ``seq``) are written as plain numbers, so ``-30`` stays a number.
* Files are written to a temporary file in the same directory and moved into place with
  ``os.replace``, so a crash never leaves half a file.
"""
from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from sqlalchemy import Engine, select

from .schema import (
    ARTICLE_COLUMNS,
    FACT_COLUMNS,
    INTEGER_FACT_COLUMNS,
    NUMERIC_FACT_COLUMNS,
)

BOM = "\ufeff"
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
NUMERIC_COLUMNS: frozenset[str] = NUMERIC_FACT_COLUMNS | INTEGER_FACT_COLUMNS | {"seq"}
FACT_SORT_KEY: tuple[str, ...] = ("source_file", "article_id", "span_start", "fact_id")
EXPORT_FILES: tuple[str, ...] = ("facts.csv", "articles.csv", "regions.csv", "initiatives.csv", "audit.csv",
                                 "measures.csv",
                                 "facts.parquet")


def format_number(value: object) -> str:
    """Format a number deterministically: 40000.0 → "40000", 0.85 → "0.85", None/NaN → "".

    >>> [format_number(v) for v in (40000.0, -30.0, 0.85, 3, None, float("nan"), 1e21)]
    ['40000', '-30', '0.85', '3', '', '', '1000000000000000000000']
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(f) or math.isinf(f):
        return ""
    if f.is_integer():
        return str(int(f))
    return repr(f)


def neutralise(text: object) -> str:
    """Return a text cell safe for spreadsheets: prefix "'" to a formula-like start.

    >>> neutralise("=SUM(A1)"), neutralise("-某"), neutralise("科左中旗"), neutralise(None)
    ("'=SUM(A1)", "'-某", '科左中旗', '')
    """
    if text is None:
        return ""
    if isinstance(text, float) and math.isnan(text):
        return ""
    s = str(text)
    return "'" + s if s.startswith(FORMULA_PREFIXES) else s


def format_cell(column: str, value: object, numeric: bool | None = None) -> str:
    """Format one cell: numbers by format_number, text neutralised (numeric=None: by column name)."""
    if numeric is None:
        numeric = column in NUMERIC_COLUMNS
    return format_number(value) if numeric else neutralise(value)


def csv_rows_bytes(columns: Sequence[str], rows: Iterable[Sequence[object]],
                   numeric_columns: Iterable[str] = NUMERIC_COLUMNS) -> bytes:
    """Return a whole CSV (BOM, header, rows) as bytes, formatted by the rules above."""
    buf = io.StringIO()
    _write_csv(buf, columns, rows, frozenset(numeric_columns))
    return buf.getvalue().encode("utf-8")


def facts_csv_bytes(df) -> bytes:  # noqa: ANN001  (pandas.DataFrame; pandas imported lazily)
    """Return a DataFrame of facts as CSV bytes for a download: BOM, formulas neutralised.

    Same rules as facts.csv: the DataFrame's columns in their order, numeric dtypes (and the
    known numeric columns) as plain numbers, every other cell as neutralised text. Use it with
    ``dcc.send_bytes(lambda b: b.write(facts_csv_bytes(df)), "facts.csv")``.
    """
    from pandas.api.types import is_numeric_dtype  # noqa: PLC0415

    columns = [str(c) for c in df.columns]
    numeric = {c for c in columns if c in NUMERIC_COLUMNS or (is_numeric_dtype(df[c]) and df[c].dtype != bool)}
    rows = df.itertuples(index=False, name=None)
    return csv_rows_bytes(columns, rows, numeric)


def _write_csv(fh, columns: Sequence[str], rows: Iterable[Sequence[object]], numeric: frozenset[str]) -> int:
    fh.write(BOM)
    writer = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    formatters = [format_number if c in numeric else _text_cell for c in columns]
    n = 0
    for row in rows:
        writer.writerow([fmt(v) for fmt, v in zip(formatters, row)])
        n += 1
    return n


def _text_cell(value: object) -> str:
    """neutralise() with a fast path for the common case (a str that starts harmlessly)."""
    if type(value) is str:
        return "'" + value if value and value[0] in _FORMULA_START else value
    return neutralise(value)


_FORMULA_START = frozenset("".join(FORMULA_PREFIXES))


def write_atomic(path: Path, write) -> None:  # noqa: ANN001
    """Call write(binary_file) on a temp file beside path, fsync, then os.replace it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _write_csv_file(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]],
                    numeric: frozenset[str] = NUMERIC_COLUMNS) -> int:
    count = 0

    def write(fh) -> None:  # noqa: ANN001
        nonlocal count
        text_fh = io.TextIOWrapper(fh, encoding="utf-8", newline="", write_through=False)
        count = _write_csv(text_fh, columns, rows, numeric)
        text_fh.flush()
        text_fh.detach()

    write_atomic(path, write)
    return count


def _engine_of(store_or_engine) -> Engine:  # noqa: ANN001
    return getattr(store_or_engine, "engine", store_or_engine)


def _stream(engine: Engine, stmt) -> Iterator[tuple]:  # noqa: ANN001
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(stmt)
        for row in result:
            yield tuple(row)


def fact_rows(store_or_engine, include_rejected: bool = False) -> Iterator[tuple]:  # noqa: ANN001
    """Yield fact rows (FACT_COLUMNS order) in the stable export order.

    Facts that editors marked "not a fact" (review_status rejected) are left out unless asked for.
    """
    from .store import facts  # noqa: PLC0415

    stmt = select(*[facts.c[c] for c in FACT_COLUMNS]).order_by(*[facts.c[c] for c in FACT_SORT_KEY])
    if not include_rejected:
        stmt = stmt.where(facts.c.review_status != "rejected")
    return _stream(_engine_of(store_or_engine), stmt)


def measures_frame(store_or_engine):  # noqa: ANN001, ANN201  (pandas.DataFrame; pandas imported lazily)
    """Return the measures table of the stored facts (etl.measure_table.measure_table)."""
    import pandas as pd  # noqa: PLC0415

    from .measure_table import INPUT_COLUMNS, measure_table  # noqa: PLC0415
    from .store import facts  # noqa: PLC0415

    stmt = select(*[facts.c[c] for c in INPUT_COLUMNS]).where(facts.c.measure != "")
    with _engine_of(store_or_engine).connect() as conn:
        df = pd.DataFrame(conn.execute(stmt).fetchall(), columns=list(INPUT_COLUMNS))
    return measure_table(df)


def write_measures_csv(store_or_engine, path: Path) -> int:  # noqa: ANN001
    """Write measures.csv (MEASURE_COLUMNS, BOM, CRLF, formulas neutralised); return its row count."""
    from .measure_table import MEASURE_COLUMNS, NUMERIC_MEASURE_COLUMNS  # noqa: PLC0415

    table = measures_frame(store_or_engine)
    return _write_csv_file(Path(path), MEASURE_COLUMNS, table.itertuples(index=False, name=None),
                           NUMERIC_MEASURE_COLUMNS)


def export_all(store_or_engine, out_dir: Path, *, parquet: bool = True,  # noqa: ANN001
               include_rejected: bool = False) -> dict[str, int]:
    """Write facts.csv, articles.csv, regions.csv, initiatives.csv, audit.csv, measures.csv (and facts.parquet) to out_dir.

    Returns {file name: number of rows}. Same database content → byte-identical files.
    """
    from .review_store import AUDIT_COLUMNS, audit  # noqa: PLC0415
    from .store import INITIATIVE_COLUMNS, REGION_COLUMNS, articles, initiatives, regions  # noqa: PLC0415

    engine = _engine_of(store_or_engine)
    out_dir = Path(out_dir)
    counts: dict[str, int] = {}
    counts["facts.csv"] = _write_csv_file(out_dir / "facts.csv", FACT_COLUMNS, fact_rows(engine, include_rejected))
    a = articles.c
    counts["articles.csv"] = _write_csv_file(
        out_dir / "articles.csv", ARTICLE_COLUMNS,
        _stream(engine, select(*[a[c] for c in ARTICLE_COLUMNS]).order_by(a.source_file, a.seq, a.article_id)))
    counts["regions.csv"] = _write_csv_file(
        out_dir / "regions.csv", REGION_COLUMNS,
        _stream(engine, select(*[regions.c[c] for c in REGION_COLUMNS]).order_by(regions.c.code)))
    counts["initiatives.csv"] = _write_csv_file(
        out_dir / "initiatives.csv", INITIATIVE_COLUMNS,
        _stream(engine, select(*[initiatives.c[c] for c in INITIATIVE_COLUMNS]).order_by(initiatives.c.name)))
    # Every change editors made: who, when, which fact, field, old → new, reason (oldest first).
    counts["audit.csv"] = _write_csv_file(
        out_dir / "audit.csv", AUDIT_COLUMNS,
        _stream(engine, select(*[audit.c[c] for c in AUDIT_COLUMNS]).order_by(audit.c.id)))
    counts["measures.csv"] = write_measures_csv(engine, out_dir / "measures.csv")
    if parquet:
        counts["facts.parquet"] = write_facts_parquet(engine, out_dir / "facts.parquet", include_rejected=include_rejected)
    return counts


def facts_arrow_schema():
    """Return the pyarrow schema of facts.parquet (strings, float64, int64; FACT_COLUMNS order)."""
    import pyarrow as pa  # noqa: PLC0415

    def type_of(c: str):  # noqa: ANN202
        if c in INTEGER_FACT_COLUMNS:
            return pa.int64()
        if c in NUMERIC_FACT_COLUMNS:
            return pa.float64()
        return pa.string()

    return pa.schema([pa.field(c, type_of(c), nullable=True) for c in FACT_COLUMNS])


def write_facts_parquet(store_or_engine, path: Path, batch_rows: int = 100_000,  # noqa: ANN001
                        include_rejected: bool = False) -> int:
    """Write facts.parquet in the CSV's order; no timestamps or pandas metadata (reproducible)."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    schema = facts_arrow_schema()
    count = 0

    def batches() -> Iterator:
        nonlocal count
        cols: list[list] = [[] for _ in FACT_COLUMNS]
        for row in fact_rows(store_or_engine, include_rejected):
            for i, v in enumerate(row):
                cols[i].append(v)
            count += 1
            if len(cols[0]) >= batch_rows:
                yield pa.record_batch(cols, schema=schema)
                cols = [[] for _ in FACT_COLUMNS]
        if cols[0] or count == 0:
            yield pa.record_batch(cols, schema=schema)

    def write(fh) -> None:  # noqa: ANN001
        with pq.ParquetWriter(fh, schema, compression="zstd", use_dictionary=True,
                              write_statistics=True, store_schema=False) as writer:
            for batch in batches():
                writer.write_batch(batch, row_group_size=batch_rows)

    write_atomic(Path(path), write)
    return count
