"""Project paths and defaults; imports nothing from etl."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
REFERENCE_DIR = DATA_DIR / "reference"
EXPORT_DIR = DATA_DIR / "export"
DEFAULT_DB_PATH = DATA_DIR / "governance.db"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DB_PATH.relative_to(ROOT).as_posix()}"


def database_url(explicit: str | None = None) -> str:
    """Return the database URL: explicit argument, else $DATABASE_URL, else the SQLite default."""
    if explicit:
        return explicit
    env = os.environ.get("DATABASE_URL")
    if env:
        # Heroku-style URLs say postgres://; SQLAlchemy 2 wants a driver name.
        if env.startswith("postgres://"):
            env = "postgresql+psycopg://" + env[len("postgres://"):]
        elif env.startswith("postgresql://"):
            env = "postgresql+psycopg://" + env[len("postgresql://"):]
        return env
    return f"sqlite:///{DEFAULT_DB_PATH.as_posix()}"
