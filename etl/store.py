"""Documents, articles and facts → database: idempotent, one transaction per document.  I/O

SQLite (the default, embedded) and PostgreSQL (``postgresql+psycopg://…``) run the same code.
The schema is versioned with Alembic (``etl/migrations``); :func:`open_store` upgrades an old
database in place. A write lock (a lock file beside a SQLite database, an advisory lock on
PostgreSQL) keeps two runs from writing at once; the second gets :class:`DatabaseBusy`.

Consistency rule, kept by one transaction per document: a document row with status ``loaded``
has exactly ``n_articles`` articles and ``n_facts`` facts; a ``failed`` row has none.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import json
import operator
import os
import re
import typing
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path

from sqlalchemy import (
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from .errors import DatabaseBusy, DatabaseError
from .paths import REFERENCE_DIR
from .schema import (
    ARTICLE_COLUMNS,
    EXTRACTOR_VERSION,
    FACT_COLUMNS,
    Article,
    Document,
    Fact,
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Key of the PostgreSQL advisory lock held by a writing run (any fixed 64-bit integer).
PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"etl-governance-writer").digest()[:8], "big", signed=True)

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("source_file", Text, primary_key=True),  # posix path relative to the input directory
    Column("input_dir", Text, nullable=False, server_default=""),
    Column("content_hash", Text, nullable=False, server_default=""),
    Column("size_bytes", Integer, nullable=False, server_default="0"),
    Column("kind", Text, nullable=False, server_default=""),
    Column("encoding", Text, nullable=False, server_default=""),
    Column("published", Text, nullable=False, server_default=""),
    Column("published_how", Text, nullable=False, server_default=""),
    Column("source", Text, nullable=False, server_default=""),
    Column("title", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False, server_default="loaded"),  # loaded | failed | skipped
    Column("error", Text, nullable=False, server_default=""),
    Column("advice", Text, nullable=False, server_default=""),
    Column("extractor_version", Text, nullable=False, server_default=""),
    Column("manifest_sig", Text, nullable=False, server_default=""),
    Column("n_articles", Integer, nullable=False, server_default="0"),
    Column("n_facts", Integer, nullable=False, server_default="0"),
    Column("loaded_at", Text, nullable=False, server_default=""),
    Index("ix_documents_status", "status"),
)

_ARTICLE_TYPES = {"seq": Integer}
articles = Table(
    "articles", metadata,
    *[
        Column(name, _ARTICLE_TYPES.get(name, Text), primary_key=(name == "article_id"), nullable=False)
        if name != "source_file"
        else Column(name, Text, ForeignKey("documents.source_file", ondelete="CASCADE"), nullable=False)
        for name in ARTICLE_COLUMNS
    ],
    Index("ix_articles_source_file", "source_file"),
)


def _fact_column(name: str, annotation: object) -> Column:
    """Map one Fact field to a Column: str → Text, float → Double, int → Integer; Optional → NULL."""
    args = typing.get_args(annotation)
    nullable = type(None) in args
    base = next(a for a in args if a is not type(None)) if nullable else annotation
    sql_type = {str: Text, float: Double, int: Integer}[base]  # type: ignore[index]
    if name == "fact_id":
        return Column(name, Text, primary_key=True)
    if name == "source_file":
        return Column(name, Text, ForeignKey("documents.source_file", ondelete="CASCADE"), nullable=False)
    if name == "article_id":
        return Column(name, Text, ForeignKey("articles.article_id", ondelete="CASCADE"), nullable=False)
    if name in _APPENDED_DEFAULTS:  # columns added after 0001 need a default for existing rows
        return Column(name, sql_type, nullable=nullable, server_default=_APPENDED_DEFAULTS[name])
    return Column(name, sql_type, nullable=nullable)


# Fact columns appended by later revisions, with the value existing rows get.
_APPENDED_DEFAULTS: dict[str, str] = {
    "location": "", "measure": "", "kind": "", "as_of": "", "period_start": "", "review_status": "extracted",
    "initiative_basis": "",
}


_FACT_HINTS = typing.get_type_hints(Fact)
facts = Table(
    "facts", metadata,
    *[_fact_column(f.name, _FACT_HINTS[f.name]) for f in fields(Fact)],
    # The dashboard filters by league/banner/initiative/indicator/date; the loader by file.
    Index("ix_facts_league", "league"),
    Index("ix_facts_league_banner", "league", "banner"),
    Index("ix_facts_initiative", "initiative"),
    Index("ix_facts_indicator", "indicator"),
    Index("ix_facts_published", "published"),
    Index("ix_facts_source_file", "source_file"),
    Index("ix_facts_article_id", "article_id"),
    Index("ix_facts_measure", "measure"),
)
assert tuple(c.name for c in facts.columns) == FACT_COLUMNS

REGION_COLUMNS: tuple[str, ...] = (
    "code", "name", "level", "parent_code", "league_code", "banner_code", "township_code", "kind", "source",
)
regions = Table(
    "regions", metadata,
    *[Column(name, Text, primary_key=(name == "code"), nullable=False, server_default="" if name != "code" else None)
      for name in REGION_COLUMNS],
    Index("ix_regions_name", "name"),
    Index("ix_regions_parent_code", "parent_code"),
)

INITIATIVE_COLUMNS: tuple[str, ...] = ("name", "aliases", "kind", "source")
initiatives = Table(
    "initiatives", metadata,
    *[Column(name, Text, primary_key=(name == "name"), nullable=False, server_default="" if name != "name" else None)
      for name in INITIATIVE_COLUMNS],
)

meta = Table(
    "meta", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False, server_default=""),
)


@dataclass(frozen=True)
class DocState:
    """What the database knows about a loaded document, to decide whether to load it again."""

    content_hash: str
    extractor_version: str
    status: str
    manifest_sig: str
    input_dir: str


def manifest_signature(entry: dict | None) -> str:
    """Return a stable string of a manifest row, so that a changed row reloads the file."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True) if entry else ""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------------------------
# Engines and locks
# --------------------------------------------------------------------------------------------

def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and real BEGIN transactions."""
    try:
        u = make_url(url)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"数据库地址“{url}”无法识别（{exc}）。示例：sqlite:///data/governance.db 或 postgresql+psycopg://用户:密码@主机/库名") from None
    backend = u.get_backend_name()
    if backend == "sqlite":
        path = _sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})  # pooled: one connect per run, not per document

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN itself (see below)
            cur = dbapi_conn.cursor()
            if path is not None:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # with WAL: a kill never corrupts, commits stay atomic
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # noqa: ANN001
            conn.exec_driver_sql("BEGIN")

        return engine
    if backend == "postgresql":
        if u.drivername == "postgresql":
            u = u.set(drivername="postgresql+psycopg")
        return create_engine(u, pool_pre_ping=True)
    return create_engine(u)


class WriteLock:
    """Exclusive writer lock: a lock file beside a SQLite database, an advisory lock on PostgreSQL."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._fd: int | None = None
        self._conn: Connection | None = None
        self.path: Path | None = None

    def acquire(self) -> None:
        """Take the lock or raise DatabaseBusy at once (never wait)."""
        backend = self.engine.dialect.name
        if backend == "sqlite":
            db = _sqlite_path(self.url)
            if db is None:
                return
            import fcntl  # noqa: PLC0415  (POSIX only; the project runs on Linux)

            self.path = db.with_name(db.name + ".lock")
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise DatabaseBusy(
                    f"另一个 ETL 正在写入该数据库（锁文件 {self.path}）。请等它结束后再运行。"
                ) from None
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self._fd = fd
        elif backend == "postgresql":
            conn = self.engine.connect()
            got = conn.execute(select(func.pg_try_advisory_lock(PG_LOCK_KEY))).scalar()
            conn.commit()
            if not got:
                conn.close()
                raise DatabaseBusy(
                    f"另一个 ETL 正在写入该数据库（PostgreSQL advisory lock {PG_LOCK_KEY}）。请等它结束后再运行。"
                )
            self._conn = conn

    def release(self) -> None:
        """Release the lock (the OS and the server also release it if the process dies)."""
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock; the file stays (harmless, reused)
            self._fd = None
        if self._conn is not None:
            try:
                self._conn.execute(select(func.pg_advisory_unlock(PG_LOCK_KEY)))
                self._conn.commit()
            finally:
                self._conn.close()
                self._conn = None


def _alembic_config(connection: Connection):
    from alembic.config import Config  # noqa: PLC0415

    cfg = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def current_revision(engine: Engine) -> str | None:
    """Return the database's Alembic revision (None for an empty database).

    Read with one query when alembic_version holds one row (importing Alembic for it cost a fifth of
    a second at the end of every run); Alembic answers everything else (no table, several heads).
    """
    try:
        with engine.connect() as conn:
            found = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
        if len(found) == 1:
            return found[0]
    except SQLAlchemyError:
        pass
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """Return the newest revision this code knows."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    with make_engine("sqlite://").connect() as conn:
        return ScriptDirectory.from_config(_alembic_config(conn)).get_current_head()


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:['\"]([^'\"]*)['\"]|None)", re.M)


def _head_from_files() -> str | None:
    """The newest revision, read from the migration files without importing Alembic (None if unsure)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((k, v) for k, v in _REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if not found.get("revision"):
            return None
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _is_current(engine: Engine) -> bool:
    """Tell, with one query, whether the database is already at the newest revision."""
    head = _head_from_files()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head
    except SQLAlchemyError:
        return False  # no version table yet: a new database


def _alembic_schema(engine: Engine) -> dict:
    """What Alembic's upgrade to head leaves in a new SQLite database (built on ``engine``, empty).

    {"ddl": every CREATE statement of sqlite_master in the order Alembic ran them, "rows": {table:
    rows}} for the tables it filled (alembic_version).
    """
    from alembic import command  # noqa: PLC0415

    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.connect() as conn:
        ddl = [r[0] for r in conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        tables = [r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        rows = {t: [tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{t}"')] for t in tables}
    return {"ddl": ddl, "rows": {t: r for t, r in rows.items() if r}}


def _sqlite_schema() -> dict:
    """Alembic's schema for a new SQLite database, built once on an in-memory database and cached (etl.cache).

    The key hashes the migration scripts, Alembic's, SQLAlchemy's and SQLite's versions: any of them
    changing rebuilds it through Alembic.
    """
    import importlib.util  # noqa: PLC0415
    import marshal  # noqa: PLC0415
    import sqlite3  # noqa: PLC0415

    import sqlalchemy  # noqa: PLC0415

    from .cache import cache_key, load_or_build  # noqa: PLC0415

    spec = importlib.util.find_spec("alembic")
    alembic_init = Path(spec.origin).read_bytes() if spec is not None and spec.origin else b""
    scripts = sorted(p for p in MIGRATIONS_DIR.rglob("*") if p.suffix in (".py", ".ini") and p.is_file())
    key = cache_key(alembic_init, sqlalchemy.__version__, sqlite3.sqlite_version,
                    *((p.relative_to(MIGRATIONS_DIR).as_posix(), p.read_bytes()) for p in scripts))

    def build() -> dict:
        engine = make_engine("sqlite://")
        try:
            return _alembic_schema(engine)
        finally:
            engine.dispose()

    return load_or_build("sqlite-schema", key, build, dumps=marshal.dumps, loads=marshal.loads, temp_ok=True)


def _create_new_sqlite(engine: Engine) -> bool:
    """Give a SQLite database with no tables at all the schema Alembic would; False for any other database.

    Running the migrations costs a quarter of a second at every new database (Alembic's import, and a
    batch copy of the facts table on SQLite); replaying the statements they leave is the same schema,
    the same revision row, in a few milliseconds. Upgrades and PostgreSQL still go through Alembic.
    """
    if engine.dialect.name != "sqlite":
        return False
    with engine.begin() as conn:
        if conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar():
            return False
        schema = _sqlite_schema()
        for stmt in schema["ddl"]:
            conn.exec_driver_sql(stmt)
        for table, rows in schema["rows"].items():
            conn.exec_driver_sql(f'INSERT INTO "{table}" VALUES ({", ".join(["?"] * len(rows[0]))})', rows)
    return True


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest revision (no-op when current).

    A database already at the newest revision is recognised with one query, without loading
    Alembic (half a second of every re-run); a new SQLite database gets Alembic's schema replayed
    (:func:`_create_new_sqlite`); anything else goes through Alembic.
    """
    if _is_current(engine) or _create_new_sqlite(engine):
        return
    from alembic import command  # noqa: PLC0415
    from alembic.util.exc import CommandError  # noqa: PLC0415

    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
    except CommandError as exc:
        raise DatabaseError(
            f"数据库的结构版本无法升级（{exc}）。它可能由更新版本的 ETL 创建：请更新代码，或换一个新的数据库文件。"
        ) from None


def open_store(url: str, *, write: bool = True) -> Store:
    """Open (and if needed create or upgrade) the database at url.

    write=True takes the writer lock first (DatabaseBusy if another run holds it). A read-only
    store upgrades an old schema only if it can take the lock.
    """
    engine = make_engine(url)
    lock = WriteLock(engine, url)
    try:
        if write:
            lock.acquire()
            upgrade(engine)
        else:
            if not _is_current(engine) and current_revision(engine) != head_revision():
                lock.acquire()
                try:
                    upgrade(engine)
                finally:
                    lock.release()
    except OperationalError as exc:
        lock.release()
        engine.dispose()
        raise DatabaseError(
            f"无法连接或打开数据库 {make_url(url).render_as_string(hide_password=True)}（{str(exc.orig).strip()}）。"
            "请检查地址、数据库服务是否在运行以及访问权限。"
        ) from None
    except BaseException:
        lock.release()
        engine.dispose()
        raise
    return Store(engine, lock if write else None)


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------

_fact_tuple = operator.attrgetter(*FACT_COLUMNS)
_article_tuple = operator.attrgetter(*ARTICLE_COLUMNS)


def _insert_many(conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """INSERT rows (tuples in `columns` order) with the driver's executemany.

    SQLAlchemy's per-row parameter processing cost more than SQLite's own insert (5 ms per
    document of 18 facts); the rows here are plain str/float/int/None, which both drivers take as
    they are.
    """
    d = conn.dialect
    q = d.identifier_preparer.quote
    mark = "?" if d.paramstyle in ("qmark", "numeric") else "%s"
    sql = (f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    conn.exec_driver_sql(sql, rows)


class Store:
    """Writes and reads the fact database; get one from :func:`open_store`."""

    def __init__(self, engine: Engine, lock: WriteLock | None = None) -> None:
        self.engine = engine
        self._lock = lock
        self._upsert = _upsert_factory(engine.dialect.name)
        self._batch: _Batch | None = None

    def close(self) -> None:
        """Release the writer lock and the connections."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- deciding what to load -------------------------------------------------------------

    def document_states(self) -> dict[str, DocState]:
        """Return {source_file: DocState} for every document row (one query)."""
        d = documents.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(d.source_file, d.content_hash, d.extractor_version, d.status,
                                       d.manifest_sig, d.input_dir))
            return {r[0]: DocState(*r[1:]) for r in rows}

    def needs_loading(self, source_file: str, content_hash: str, extractor_version: str = EXTRACTOR_VERSION,
                      manifest_sig: str = "") -> bool:
        """Tell whether a file must be (re)loaded: new, changed, newer extractor, or failed before."""
        d = documents.c
        with self.engine.connect() as conn:
            row = conn.execute(select(d.content_hash, d.extractor_version, d.status, d.manifest_sig, d.input_dir)
                               .where(d.source_file == source_file)).first()
        return row is None or is_stale(DocState(*row), content_hash, extractor_version, manifest_sig)

    # ---- writing ---------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """Write the documents loaded inside this block in ONE transaction, each under a SAVEPOINT.

        A document whose rows are refused (DatabaseError from load_document) leaves nothing behind
        while the others go on; editors' corrections and programme rules are applied to the
        group's documents once, just before the commit. Any exception out of the block rolls
        the whole group back, so nothing is ever half-written. A commit costs as much as writing
        a few hundred facts (SQLite syncs its log): one per document was a fifth of a dense run.
        Keep the block short (write, don't extract, inside it): it holds the database's write lock.
        """
        if self._batch is not None:
            yield self
            return
        with self.engine.connect() as conn:
            self._batch = _Batch(conn)
            try:
                with conn.begin():
                    yield self
                    if self._batch.files:
                        review_store.recompute(conn, self._batch.files, fresh=True)
            finally:
                self._batch = None

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One document's write: a SAVEPOINT inside a batch, else its own transaction."""
        if self._batch is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._batch.conn.begin_nested():
            yield self._batch.conn

    def load_document(self, doc: Document, doc_articles: Sequence[Article], doc_facts: Sequence[Fact], *,
                      input_dir: str = "", manifest_sig: str = "", note: str = "", new: bool = False,
                      extractor_version: str = EXTRACTOR_VERSION) -> None:
        """Replace one document's articles and facts in ONE transaction.

        note (e.g. a manifest problem) is kept in the row's error column; status stays loaded.
        new=True (the caller knows the database has no row for this file) skips the deletes; if
        rows exist after all, the primary keys refuse them and nothing is written.

        Raises DatabaseError (nothing changed) if the rows cannot be written, e.g. two facts
        share a fact_id.
        """
        published, how = doc.published, doc.published_how or "none"
        if not published:
            dates = Counter(a.published for a in doc_articles if a.published)
            if dates:
                published, how = sorted(dates.items(), key=lambda kv: (-kv[1], kv[0]))[0][0], "text"
        row = {
            "source_file": doc.source_file, "input_dir": input_dir, "content_hash": doc.content_hash,
            "size_bytes": len(doc.text.encode("utf-8")), "kind": doc.kind, "encoding": doc.encoding,
            "published": published, "published_how": how, "source": doc.source, "title": doc.title,
            "status": "loaded", "error": note, "advice": "", "extractor_version": extractor_version,
            "manifest_sig": manifest_sig, "n_articles": len(doc_articles), "n_facts": len(doc_facts),
            "loaded_at": _now(),
        }
        try:
            with self._writing() as conn:
                conn.execute(*self._upsert(documents, row, "source_file"))
                if not new:
                    conn.execute(delete(facts).where(facts.c.source_file == doc.source_file))
                    conn.execute(delete(articles).where(articles.c.source_file == doc.source_file))
                if doc_articles:
                    _insert_many(conn, articles, ARTICLE_COLUMNS, [_article_tuple(a) for a in doc_articles])
                if doc_facts:
                    _insert_many(conn, facts, FACT_COLUMNS, [_fact_tuple(f) for f in doc_facts])
                # Editors' corrections and programme rules, in the same transaction (etl.review);
                # in a batch, once for the group's documents just before its commit.
                if self._batch is None:
                    review_store.recompute(conn, [doc.source_file], fresh=True)
        except IntegrityError as exc:
            raise DatabaseError(
                f"{doc.source_file}: 写入数据库时违反约束（{str(exc.orig).splitlines()[0]}），该文件未更新。"
                "这是提取程序的问题（如 fact_id 重复），请把该文件报告给维护者。"
            ) from None
        if self._batch is not None:
            self._batch.files.append(doc.source_file)

    def record_failure(self, source_file: str, content_hash: str, reason: str, advice: str = "", *,
                       input_dir: str = "", kind: str = "", manifest_sig: str = "",
                       extractor_version: str = EXTRACTOR_VERSION) -> None:
        """Mark a document failed (with reason and advice) and remove its old articles/facts."""
        row = {
            "source_file": source_file, "input_dir": input_dir, "content_hash": content_hash,
            "size_bytes": 0, "kind": kind, "encoding": "", "published": "", "published_how": "",
            "source": "", "title": "", "status": "failed", "error": reason, "advice": advice,
            "extractor_version": extractor_version, "manifest_sig": manifest_sig,
            "n_articles": 0, "n_facts": 0, "loaded_at": _now(),
        }
        with self._writing() as conn:
            conn.execute(*self._upsert(documents, row, "source_file"))
            conn.execute(delete(facts).where(facts.c.source_file == source_file))
            conn.execute(delete(articles).where(articles.c.source_file == source_file))

    def prune(self, input_dir: str, present: Iterable[str]) -> list[str]:
        """Delete documents of input_dir whose file is gone; return their names.

        Only rows recorded for the same input directory are touched, so loading two directories
        into one database keeps both.
        """
        keep = set(present)
        with self.engine.begin() as conn:
            names = [r[0] for r in conn.execute(
                select(documents.c.source_file).where(documents.c.input_dir == input_dir))]
            gone = sorted(n for n in names if n not in keep)
            for chunk in _chunks(gone, 500):
                conn.execute(delete(facts).where(facts.c.source_file.in_(chunk)))
                conn.execute(delete(articles).where(articles.c.source_file.in_(chunk)))
                conn.execute(delete(documents).where(documents.c.source_file.in_(chunk)))
        return gone

    def set_meta(self, key: str, value: str) -> None:
        """Store one key/value in the meta table."""
        with self.engine.begin() as conn:
            conn.execute(*self._upsert(meta, {"key": key, "value": value}, "key"))

    def get_meta(self, key: str) -> str | None:
        """Read one key from the meta table."""
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()

    def load_reference(self, reference_dir: Path = REFERENCE_DIR) -> dict[str, int | None]:
        """Replace regions and initiatives from reference_dir's CSVs; a missing file → None.

        Reloads only when a file's sha256 changed (kept in meta).
        """
        out: dict[str, int | None] = {}
        for table, filename, cols in ((regions, "regions.csv", REGION_COLUMNS),
                                      (initiatives, "initiatives.csv", INITIATIVE_COLUMNS)):
            path = Path(reference_dir) / filename
            if not path.exists():
                out[table.name] = None
                continue
            raw = path.read_bytes()
            digest = hashlib.sha256(raw).hexdigest()
            if self.get_meta(f"reference:{filename}") == digest:
                with self.engine.connect() as conn:
                    out[table.name] = conn.execute(select(func.count()).select_from(table)).scalar()
                continue
            reader = csv.reader(raw.decode("utf-8-sig").splitlines())
            header = [h.strip() for h in next(reader, [])]
            # a missing column reads the padding cell after the last one ("")
            pick = operator.itemgetter(*(header.index(c) if c in header else len(header) for c in cols))
            pad = [""] * (len(header) + 1)
            rows: dict[str, tuple] = {}
            for rec in reader:  # 16,000 regions: one C-level pick and strip per row, not a generator per cell
                row = tuple(map(str.strip, pick(rec + pad[len(rec):])))
                if row[0]:
                    rows[row[0]] = row
            with self.engine.begin() as conn:
                conn.execute(delete(table))
                if rows:
                    _insert_many(conn, table, cols, list(rows.values()))
                conn.execute(*self._upsert(meta, {"key": f"reference:{filename}", "value": digest}, "key"))
            out[table.name] = len(rows)
        return out

    # ---- reading ---------------------------------------------------------------------------

    def summary(self) -> dict:
        """Return counts for the status command: documents by status, articles, facts, by league."""
        with self.engine.connect() as conn:
            by_status = dict(conn.execute(select(documents.c.status, func.count()).group_by(documents.c.status)).all())
            n_articles = conn.execute(select(func.count()).select_from(articles)).scalar()
            n_facts = conn.execute(select(func.count()).select_from(facts)).scalar()
            by_league = conn.execute(
                select(facts.c.league, func.count()).group_by(facts.c.league).order_by(facts.c.league)).all()
            failures = conn.execute(
                select(documents.c.source_file, documents.c.error, documents.c.advice)
                .where(documents.c.status == "failed").order_by(documents.c.source_file)).all()
            n_regions = conn.execute(select(func.count()).select_from(regions)).scalar()
            n_initiatives = conn.execute(select(func.count()).select_from(initiatives)).scalar()
            last = conn.execute(select(meta.c.value).where(meta.c.key == "last_updated")).scalar()
        return {
            "documents": by_status, "articles": n_articles, "facts": n_facts,
            "by_league": [(league or "", n) for league, n in by_league],
            "failures": [tuple(f) for f in failures], "regions": n_regions, "initiatives": n_initiatives,
            "last_updated": last or "", "revision": current_revision(self.engine),
        }

    def integrity_problems(self) -> list[str]:
        """Return a list of consistency violations (empty when the database is whole)."""
        problems = []
        with self.engine.connect() as conn:
            fact_counts = dict(conn.execute(select(facts.c.source_file, func.count()).group_by(facts.c.source_file)).all())
            art_counts = dict(conn.execute(select(articles.c.source_file, func.count()).group_by(articles.c.source_file)).all())
            docs = conn.execute(select(documents.c.source_file, documents.c.status, documents.c.n_articles,
                                       documents.c.n_facts)).all()
            known = set()
            for name, status, n_art, n_fact in docs:
                known.add(name)
                want_a, want_f = (n_art, n_fact) if status == "loaded" else (0, 0)
                if fact_counts.get(name, 0) != want_f or art_counts.get(name, 0) != want_a:
                    problems.append(f"{name}: status={status} n_facts={n_fact} but {fact_counts.get(name, 0)} facts, "
                                    f"n_articles={n_art} but {art_counts.get(name, 0)} articles")
            for name in sorted(set(fact_counts) - known):
                problems.append(f"{name}: facts without a document row")
            orphans = conn.execute(
                select(func.count()).select_from(facts).where(
                    ~facts.c.article_id.in_(select(articles.c.article_id)))).scalar()
            if orphans:
                problems.append(f"{orphans} facts without an article")
        return problems


@dataclass
class _Batch:
    """The open group of a Store.batch: its connection and the documents written in it."""

    conn: Connection
    files: list[str] = field(default_factory=list)


def is_stale(state: DocState, content_hash: str, extractor_version: str, manifest_sig: str) -> bool:
    """Tell whether a known document must be loaded again."""
    return (state.status != "loaded" or state.content_hash != content_hash
            or state.extractor_version != extractor_version or state.manifest_sig != manifest_sig)


def _chunks(seq: Sequence, n: int):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _upsert_factory(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert  # noqa: PLC0415
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # noqa: PLC0415
    else:
        raise DatabaseError(f"不支持的数据库类型 {dialect}：请使用 SQLite 或 PostgreSQL。")

    cache: dict[tuple[str, str], object] = {}

    def upsert(table: Table, row: dict, key: str):
        """Return (statement, params): insert row, or update every other column on key conflict."""
        stmt = cache.get((table.name, key))
        if stmt is None:
            ins = dialect_insert(table)
            stmt = ins.on_conflict_do_update(
                index_elements=[key], set_={c.name: ins.excluded[c.name] for c in table.columns if c.name != key})
            cache[(table.name, key)] = stmt
        return stmt, row

    return upsert


def integrity_check_sql() -> str:
    """Return the SQL a maintainer can paste to see documents whose fact count is wrong."""
    return text(
        "SELECT d.source_file, d.status, d.n_facts, COUNT(f.fact_id) FROM documents d "
        "LEFT JOIN facts f ON f.source_file = d.source_file GROUP BY d.source_file, d.status, d.n_facts "
        "HAVING COUNT(f.fact_id) <> CASE WHEN d.status = 'loaded' THEN d.n_facts ELSE 0 END"
    ).text


# Review tables (accounts, corrections, audit, programme rules, uploads) live on the same metadata,
# so that Alembic and the model check see them; imported last because they use the tables above.
from . import review_store  # noqa: E402, F401
