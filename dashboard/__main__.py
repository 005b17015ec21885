"""Run the dashboard: python -m dashboard [--database URL] [--host H] [--port N]."""
from __future__ import annotations

import argparse
import os

from .app import create_app


def main(argv: list[str] | None = None) -> None:
    """Serve the dashboard with Flask's development server (for many users: gunicorn, see the Procfile).

Example:
    python -m dashboard --database sqlite:///data/governance.db --port 8050
    DATABASE_URL=postgresql+psycopg://user@host/db PORT=8050 python -m dashboard
"""
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=main.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="SQLAlchemy URL (default: $DATABASE_URL or data/governance.db)")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="default: 127.0.0.1 or $HOST")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8050")), help="default: 8050 or $PORT")
    parser.add_argument("--include-synthetic", action="store_true",
                        help="also show synthetic benchmark facts (hidden by default)")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    app = create_app(args.database, include_synthetic=args.include_synthetic or None)
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
