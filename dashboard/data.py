"""Database → in-memory fact frame, cached per process and reloaded when new data lands.

The cache is read-only shared state of one worker process: every gunicorn worker keeps its own
copy and checks cheaply (at most every ``check_every`` seconds) whether the ETL loaded anything
new; callbacks never write to it.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from etl.schema import FACT_COLUMNS, NUMERIC_FACT_COLUMNS, INTEGER_FACT_COLUMNS

from .measure_queries import EMPTY_MEASURES, MeasureData, build_measure_data

# Facts from synthetic benchmark corpora are never shown unless asked for.
SYNTHETIC_PATTERN = re.compile(r"(?:^|/)synthetic")

CATEGORY_COLUMNS = (
    "source_file", "article_id", "article_title", "published", "league", "league_code", "banner",
    "banner_code", "township", "village", "region_level", "initiative", "indicator", "category",
    "qualifier", "unit", "per",
    # schema 0002 (appended columns; "" where an older database lacks them)
    "location", "measure", "kind", "as_of", "period_start", "review_status",
    # schema 0004
    "initiative_basis",
)
STRING_COLUMNS = ("fact_id", "subject", "quote")


def empty_facts() -> pd.DataFrame:
    """Return an empty fact frame with the contract's columns and dtypes."""
    return normalise_facts(pd.DataFrame({c: [] for c in FACT_COLUMNS}))


def normalise_facts(df: pd.DataFrame) -> pd.DataFrame:
    """Give a raw facts frame the column order and compact dtypes the queries expect."""
    df = df.reindex(columns=list(FACT_COLUMNS))
    for col in NUMERIC_FACT_COLUMNS:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in INTEGER_FACT_COLUMNS:
        df[col] = pd.to_numeric(df[col], errors="coerce").fillna(-1).astype("int64")
    for col in CATEGORY_COLUMNS:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):  # e.g. read back from the Parquet cache
            if s.isna().any():
                if "" not in s.cat.categories:
                    s = s.cat.add_categories([""])
                s = s.fillna("")
            df[col] = s
        else:
            df[col] = s.astype(object).fillna("").astype(str).astype("category")
    for col in STRING_COLUMNS:
        df[col] = df[col].fillna("").astype(str)
    return df.reset_index(drop=True)


def release_freed_memory() -> None:
    """Give the memory freed while building a snapshot back to the operating system.

    glibc keeps freed heap pages for reuse, so a worker's resident size stays at the build's peak
    (reading a million facts and building their measures peaks ~400 MB above what the snapshot
    holds). malloc_trim hands them back; elsewhere (no glibc) this does nothing.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def is_synthetic(source_files: pd.Series) -> pd.Series:
    """Return a boolean mask of rows whose source file is synthetic benchmark data."""
    return source_files.astype(str).str.contains(SYNTHETIC_PATTERN)


class FrameCache:
    """A Parquet copy of the normalised fact frame, keyed by the database and its change token.

    Reading a million facts through the database driver takes tens of seconds; the Parquet copy
    loads in about a second. So the first gunicorn worker to see new data builds the frame and
    writes the file (atomically, under a file lock), and the other workers and later restarts
    read it. The token changes whenever the ETL loads or replaces a document, so a stale copy is
    never read; older copies of the same database are deleted. Any error falls back to the
    database: the cache is an optimisation, never a source of truth. ``cache_dir=""`` disables it.
    """

    VERSION = "2"

    def __init__(self, cache_dir: str | None, database_url: str, include_synthetic: bool):
        self.dir = Path(cache_dir) if cache_dir else None
        self.db_key = hashlib.sha256(f"{database_url}|{include_synthetic}".encode()).hexdigest()[:16]

    def path(self, token: tuple) -> Path | None:
        if self.dir is None:
            return None
        key = hashlib.sha256(repr((self.VERSION, FACT_COLUMNS, token)).encode()).hexdigest()[:16]
        return self.dir / f"facts-{self.db_key}-{key}.parquet"

    def get_or_build(self, token: tuple, build) -> pd.DataFrame:
        path = self.path(token)
        if path is None or "unavailable" in token:
            return build()
        df = self._read(path)
        if df is not None:
            return df
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            lock = open(path.with_suffix(".lock"), "w")
        except OSError:
            return build()
        with lock:
            try:
                import fcntl
                fcntl.flock(lock, fcntl.LOCK_EX)  # one worker builds, the others wait and read
            except (ImportError, OSError):
                pass
            df = self._read(path)
            if df is not None:
                return df
            df = build()
            self._write(path, df)
        return df

    def _read(self, path: Path) -> pd.DataFrame | None:
        if not path.exists():
            return None
        try:
            df = pd.read_parquet(path)
        except Exception:  # noqa: BLE001 - a damaged cache file is rebuilt, whatever the error
            return None
        if tuple(df.columns) != FACT_COLUMNS:
            return None
        return normalise_facts(df)

    def _write(self, path: Path, df: pd.DataFrame) -> None:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            df.to_parquet(tmp, index=False)
            os.replace(tmp, path)
            for old in self.dir.glob(f"facts-{self.db_key}-*.parquet"):
                if old != path:
                    old.unlink(missing_ok=True)
                    old.with_suffix(".lock").unlink(missing_ok=True)
        except Exception:  # noqa: BLE001 - failing to cache must not fail the load
            tmp.unlink(missing_ok=True)


def _provenance(docs: pd.DataFrame | None, include_synthetic: bool) -> pd.DataFrame:
    """Return the documents' provenance columns (empty strings for what an older table lacks)."""
    cols = ["source_file", "source", "published_how", "title", "kind"]
    if docs is None or docs.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    if not include_synthetic:
        docs = docs[~is_synthetic(docs["source_file"])]
    return pd.DataFrame({c: (docs[c].fillna("").astype(str) if c in docs.columns else "") for c in cols}
                        ).reset_index(drop=True)


@dataclass(frozen=True)
class Snapshot:
    """One consistent view of the data: facts plus header figures."""

    facts: pd.DataFrame
    n_reports: int
    last_updated: str
    token: tuple = ()
    loaded_at: float = 0.0
    has_articles: bool = True
    # One row per report: source_file, source (newspaper or site), published_how (manifest | text
    # | none), title, kind — for provenance in the source panel and the downloads.
    documents: pd.DataFrame | None = None
    # The measures table, its index and the measure dropdown's rows (dashboard.measure_queries),
    # built once with the snapshot (issue 12); None only for snapshots made by hand in tests.
    measures: MeasureData | None = None


@dataclass
class FactSource:
    """Load facts from a database once per process and reload them when the data changes."""

    database_url: str
    include_synthetic: bool = False
    check_every: float = 3.0
    background_reload: bool = True
    cache_dir: str | None = field(default_factory=lambda: os.environ.get(
        "DASHBOARD_CACHE_DIR", str(Path(tempfile.gettempdir()) / "dashboard-cache")))
    _engine: sa.Engine | None = field(default=None, init=False, repr=False)
    _snapshot: Snapshot | None = field(default=None, init=False, repr=False)
    _checked: float = field(default=0.0, init=False, repr=False)
    _loading: bool = field(default=False, init=False, repr=False)
    _sync_next: bool = field(default=False, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            url = self.database_url
            kwargs = {}
            if url.startswith("sqlite"):
                kwargs["connect_args"] = {"check_same_thread": False}
            self._engine = sa.create_engine(url, **kwargs)
        return self._engine

    def missing_file(self) -> bool:
        """Return True for an SQLite URL whose file does not exist (never create it by reading)."""
        url = sa.engine.make_url(self.database_url)
        if url.get_backend_name() != "sqlite":
            return False
        db = url.database or ""
        return bool(db) and db != ":memory:" and not db.startswith("file:") and not Path(db).exists()

    def tables(self) -> set[str]:
        """Return the names of the tables present in the database."""
        if self.missing_file():
            return set()
        try:
            return set(sa.inspect(self.engine).get_table_names())
        except SQLAlchemyError:
            return set()

    def _token(self) -> tuple:
        """Return a cheap fingerprint that changes when the ETL loads new data."""
        if self.missing_file():
            return ("unavailable", "no database file")
        parts: list = []
        with self.engine.connect() as conn:
            for sql in (
                "SELECT max(loaded_at), count(*) FROM documents",
                "SELECT value FROM meta WHERE key = 'last_updated'",
                "SELECT value FROM meta WHERE key = 'review_updated'",  # editors' corrections (etl.review_store)
                # max(rowid) is an index lookup; count(*) over a million facts would be a scan.
                "SELECT max(rowid) FROM facts" if self.engine.dialect.name == "sqlite" else "SELECT 1",
            ):
                try:
                    parts.append(tuple(conn.execute(sa.text(sql)).fetchone() or ()))
                except SQLAlchemyError:
                    conn.rollback()
                    parts.append(None)
        return tuple(parts)

    def get(self) -> Snapshot:
        """Return the current snapshot; notice new data at most every ``check_every`` seconds.

        The first call loads synchronously. Later, when the data changed, a background thread
        loads the new snapshot while requests keep getting the previous one, so no request waits
        for a reload.
        """
        snap = self._snapshot
        if snap is not None and time.monotonic() - self._checked < self.check_every:
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is not None and time.monotonic() - self._checked < self.check_every:
                return snap
            self._checked = time.monotonic()
            try:
                token = self._token()
            except SQLAlchemyError:
                token = ("unavailable",)
            if snap is None:
                self._snapshot = snap = self._load(token)
                return snap
            if token == snap.token or self._loading:
                self._sync_next = False
                return snap
            if self.background_reload and not self._sync_next:
                self._loading = True
                threading.Thread(target=self._reload, args=(token,), name="facts-reload", daemon=True).start()
                return snap
            self._sync_next = False
            self._snapshot = snap = self._load(token)
            return snap

    def refresh_now(self) -> None:
        """Check for new data at the next get() and wait for it (this process just wrote to the database).

        Used after an editor's correction, so that the editor's next page shows it at once.
        """
        with self._lock:
            self._checked = 0.0
            self._sync_next = True

    def _reload(self, token: tuple) -> None:
        try:
            snap = self._load(token)
            with self._lock:
                self._snapshot = snap
        except SQLAlchemyError:
            pass  # keep serving the previous snapshot; the next check tries again
        finally:
            self._loading = False
            self._checked = time.monotonic()

    def _load(self, token: tuple) -> Snapshot:
        tables = self.tables()
        if "facts" not in tables:
            return Snapshot(empty_facts(), 0, "", token, time.time(), False, measures=EMPTY_MEASURES)
        docs = None
        if "documents" in tables:
            try:
                # provenance columns when the table has them (an older or hand-made one may not)
                have = {c["name"] for c in sa.inspect(self.engine).get_columns("documents")}
                cols = [c for c in ("source_file", "loaded_at", "source", "published_how", "title", "kind")
                        if c in have]
                with self.engine.connect() as conn:
                    docs = pd.read_sql_query(sa.text(f"SELECT {', '.join(cols)} FROM documents"), conn)
            except SQLAlchemyError:
                docs = None
        df = FrameCache(self.cache_dir, self.database_url, self.include_synthetic).get_or_build(
            token, self._read_facts)
        n_reports, last_updated = self._header_figures(tables, df, docs)
        # The measures (one value per measure, region and date) are built here, once per snapshot,
        # in the background thread on a reload: no request ever builds them.
        snap = Snapshot(df, n_reports, last_updated, token, time.time(), "articles" in tables,
                        _provenance(docs, self.include_synthetic), build_measure_data(df))
        release_freed_memory()
        return snap

    def _read_facts(self) -> pd.DataFrame:
        """Read and normalise the facts table (the slow part: ~40 µs a row through the driver)."""
        sql = f"SELECT {', '.join(FACT_COLUMNS)} FROM facts"
        with self.engine.connect() as conn:
            if self.engine.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            df = pd.read_sql_query(sa.text(sql), conn)
        if not self.include_synthetic and len(df):
            df = df[~is_synthetic(df["source_file"])]
        if len(df):  # facts editors marked "not a fact" leave the charts, the table and the CSV downloads
            df = df[(df["review_status"] != "rejected").to_numpy()]
        df = normalise_facts(df)
        # A stable default order: newest reports first, then document order.
        return df.sort_values(["published", "source_file", "article_id", "span_start", "fact_id"],
                              ascending=[False, True, True, True, True], kind="stable").reset_index(drop=True)

    def _header_figures(self, tables: set[str], df: pd.DataFrame, docs: pd.DataFrame | None) -> tuple[int, str]:
        n_reports = int(df["source_file"].nunique()) if len(df) else 0
        last_updated = ""
        if docs is not None:
            if not self.include_synthetic:
                docs = docs[~is_synthetic(docs["source_file"])]
            n_reports = int(len(docs)) or n_reports
            if len(docs) and docs["loaded_at"].notna().any():
                last_updated = str(docs["loaded_at"].dropna().astype(str).max())
        if not last_updated and "meta" in tables:
            try:
                with self.engine.connect() as conn:
                    row = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'last_updated'")).fetchone()
                if row:
                    last_updated = str(row[0])
            except SQLAlchemyError:
                pass
        return n_reports, last_updated

    def article(self, article_id: str) -> dict | None:
        """Return one article row as a dict, or None."""
        if not article_id:
            return None
        try:
            with self.engine.connect() as conn:
                row = conn.execute(
                    sa.text("SELECT article_id, source_file, title, byline, published, text "
                            "FROM articles WHERE article_id = :a"), {"a": article_id},
                ).mappings().fetchone()
        except SQLAlchemyError:
            return None
        return dict(row) if row else None
