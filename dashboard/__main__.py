"""Run the dashboard: python -m dashboard [--database URL] [--host H] [--port N]; accounts: python -m dashboard users …"""
from __future__ import annotations

import argparse
import ipaddress
import os
import sys


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> None:
    """Serve the dashboard with Flask's development server (for many users: gunicorn, see the Procfile).

On 127.0.0.1 anyone on this machine may read without signing in (DASHBOARD_PUBLIC_READ=1 allows
it on other addresses too); reviewing, correcting and uploading always need an editor account.

Example:
    python -m dashboard --database sqlite:///data/governance.db --port 8050
    DATABASE_URL=postgresql+psycopg://user@host/db PORT=8050 python -m dashboard
    python -m dashboard users add wang --role admin      # accounts: python -m dashboard users --help
"""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "users":
        from .users import cli  # noqa: PLC0415

        cli.main(args=argv[1:], prog_name="python -m dashboard users")
        return
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=main.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="SQLAlchemy URL (default: $DATABASE_URL or data/governance.db)")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="default: 127.0.0.1 or $HOST")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8050")), help="default: 8050 or $PORT")
    parser.add_argument("--include-synthetic", action="store_true",
                        help="also show synthetic benchmark facts (hidden by default)")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    from .app import create_app  # noqa: PLC0415

    public = _loopback(args.host) or os.environ.get("DASHBOARD_PUBLIC_READ", "").strip().lower() in {"1", "true", "yes"}
    app = create_app(args.database, include_synthetic=args.include_synthetic or None, public_read=public)
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
