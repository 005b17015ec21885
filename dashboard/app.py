"""Dash application factory; ``server`` is the WSGI app for gunicorn (``dashboard.app:server``)."""
from __future__ import annotations

import os
import threading

from dash import Dash, html

from flask import Response, abort
from flask_compress import Compress
from flask import request as flask_request

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


class StaticCompressCache:
    """Keeps the compressed bodies of static files (component bundles, assets, boundaries) per worker.

    Callback answers are never kept: their key says so and ``set`` ignores them. Static files
    change only with a release, and Dash fingerprints the bundles' URLs, so a kept body is never stale.
    """

    STATIC = ("/_dash-component-suites/", "/assets/", "/geo/")

    def __init__(self):
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()

    @classmethod
    def key(cls, request) -> str:
        path = request.full_path
        return ("static:" + path) if request.path.startswith(cls.STATIC) else "dynamic"

    def get(self, key: str):
        return self._data.get(key) if ";static:" in key else None

    def set(self, key: str, value: bytes) -> None:
        if ";static:" in key and len(self._data) < 200:
            with self._lock:
                self._data[key] = value


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
    # Static files: component bundles are fingerprinted by Dash (cached for a year); the assets and
    # the map boundaries carry a ?m=<mtime> or never change between releases, so browsers may keep them.
    app.server.config["SEND_FILE_MAX_AGE_DEFAULT"] = 86400
    app.server.config["COMPRESS_MIMETYPES"] = [
        "text/html", "text/css", "text/xml", "text/plain", "text/csv", "application/json",
        "application/javascript", "text/javascript", "application/geo+json", "image/svg+xml"]
    app.server.config["COMPRESS_MIN_SIZE"] = 1000
    # Responses are compressed (flask-compress: brotli or gzip, whichever the browser takes): the
    # first load shrinks from ~7.3 MB to under 2 MB. Static files are compressed once per worker
    # and kept (plotly.js: 4.8 → 1.27 MB at brotli 6 in 0.5 s). DASHBOARD_COMPRESS=0 turns it off.
    app.server.config["COMPRESS_ALGORITHM"] = ["br", "gzip"]
    app.server.config["COMPRESS_BR_LEVEL"] = 6
    app.server.config["COMPRESS_CACHE_BACKEND"] = StaticCompressCache
    app.server.config["COMPRESS_CACHE_KEY"] = StaticCompressCache.key
    if os.environ.get("DASHBOARD_COMPRESS", "1") != "0":
        Compress(app.server)
    app.index_string = INDEX_STRING
    app.layout = lambda: html.Div([nav.bar("main"), layout.build(source.get())])
    callbacks.register(app, source)
    app.server.config["FACT_SOURCE"] = source
    # Accounts, review, programme list and upload pages (issue 11): their own modules and Dash apps.
    auth.init_app(app.server, backend, public_read=public_read)
    pages.register(app, source, backend, upload_dir=upload_dir)

    @app.server.route("/geo/<name>")
    def geojson(name: str):
        # Boundaries for the map, served from data/reference/ so the map needs no internet; sent as
        # a plain body (not a file stream) so that it is compressed like the rest (0.19 → 0.05 MB).
        if name not in GEO_FILES:
            abort(404)
        try:
            data = (REFERENCE_DIR / name).read_bytes()
        except OSError:
            abort(404)
        response = Response(data, mimetype="application/geo+json")
        response.cache_control.public = True
        response.cache_control.max_age = 86400
        response.add_etag()
        return response.make_conditional(flask_request)

    @app.server.route("/healthz")
    def healthz():
        if not (app.server.config["PUBLIC_READ"] or auth.can("viewer")):
            return {"status": "ok"}  # figures only for those who may read
        snap = source.get()
        return {"status": "ok", "facts": int(len(snap.facts)), "reports": snap.n_reports}

    return app


# gunicorn dashboard.app:server — building the app reads no data; the first request does.
server = create_app().server
