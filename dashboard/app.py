"""Dash application factory; ``server`` is the WSGI app for gunicorn (``dashboard.app:server``)."""
from __future__ import annotations

import os

from dash import Dash, html

from flask import abort, send_from_directory

from etl.paths import REFERENCE_DIR, ROOT, database_url

from . import auth, callbacks, layout, nav, pages
from .backend import Backend
from .data import FactSource

ASSETS_DIR = ROOT / "assets"
GEO_FILES = frozenset({"im_leagues.geojson", "im_banners.geojson"})

INDEX_STRING = """<!DOCTYPE html>
<html lang="zh-CN">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def create_app(database: str | None = None, include_synthetic: bool | None = None, *,
               public_read: bool | None = None, upload_dir: str | None = None) -> Dash:
    """Build the Dash app over the database at ``database`` (default: $DATABASE_URL or SQLite).

    Synthetic benchmark facts are hidden unless ``include_synthetic`` (or
    $DASHBOARD_INCLUDE_SYNTHETIC=1) says otherwise. Reading needs a session unless
    ``public_read`` (or $DASHBOARD_PUBLIC_READ=1); writing always needs an editor.
    """
    if include_synthetic is None:
        include_synthetic = _env_flag("DASHBOARD_INCLUDE_SYNTHETIC")
    if public_read is None:
        public_read = _env_flag("DASHBOARD_PUBLIC_READ")
    source = FactSource(database_url(database), include_synthetic=include_synthetic)
    backend = Backend(database_url(database))
    app = Dash(
        __name__,
        title=layout.TITLE,
        assets_folder=str(ASSETS_DIR),
        update_title=None,
        suppress_callback_exceptions=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX_STRING
    app.layout = lambda: html.Div([nav.bar("main"), layout.build(source.get())])
    callbacks.register(app, source)
    app.server.config["FACT_SOURCE"] = source
    # Accounts, review, programme list and upload pages (issue 11): their own modules and Dash apps.
    auth.init_app(app.server, backend, public_read=public_read)
    pages.register(app, source, backend, upload_dir=upload_dir)

    @app.server.route("/geo/<name>")
    def geojson(name: str):
        # Boundaries for the map, served from data/reference/ so the map needs no internet.
        if name not in GEO_FILES:
            abort(404)
        response = send_from_directory(REFERENCE_DIR, name, mimetype="application/geo+json", max_age=3600)
        return response

    @app.server.route("/healthz")
    def healthz():
        if not (app.server.config["PUBLIC_READ"] or auth.can("viewer")):
            return {"status": "ok"}  # figures only for those who may read
        snap = source.get()
        return {"status": "ok", "facts": int(len(snap.facts)), "reports": snap.n_reports}

    return app


# gunicorn dashboard.app:server — building the app reads no data; the first request does.
server = create_app().server
