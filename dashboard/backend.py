"""The dashboard's writable connection to the database (accounts, corrections, uploads).  I/O

The fact frame the charts read is ``dashboard.data.FactSource``'s read-only copy; everything an
editor or an administrator writes goes through one :class:`Backend` per process, whose engine
is ``etl.store.make_engine``'s (SQLite in WAL mode with a busy timeout, or PostgreSQL).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from etl.errors import DatabaseBusy, DatabaseError


@dataclass
class Backend:
    """Lazily opened engine over the dashboard's database, schema brought to the newest revision once."""

    database_url: str
    _engine: sa.Engine | None = field(default=None, init=False, repr=False)
    _ready: bool = field(default=False, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def missing_file(self) -> bool:
        """True for a SQLite URL whose file does not exist (the dashboard never creates it)."""
        u = make_url(self.database_url)
        if u.get_backend_name() != "sqlite":
            return False
        db = u.database or ""
        from pathlib import Path  # noqa: PLC0415

        return bool(db) and db != ":memory:" and not Path(db).exists()

    @property
    def engine(self) -> sa.Engine:
        """Return the engine, upgrading an old schema the first time (raises DatabaseError)."""
        if self._engine is not None and self._ready:
            return self._engine
        with self._lock:
            if self._engine is None:
                from etl.store import make_engine  # noqa: PLC0415

                self._engine = make_engine(self.database_url)
            if not self._ready:
                from etl.store import open_store  # noqa: PLC0415

                if self.missing_file():
                    raise DatabaseError("数据库文件还不存在：请先运行 python -m etl run 载入报道，"
                                        "并用 python -m dashboard users add 创建账号。")
                try:
                    open_store(self.database_url, write=False).close()  # upgrades an old schema under the lock
                except DatabaseBusy:
                    pass  # an ETL run holds the lock: it upgrades the schema itself
                self._ready = True
        return self._engine
