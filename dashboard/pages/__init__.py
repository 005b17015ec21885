"""Pages beside the main dashboard (issue 11): /review, /initiatives, /upload.

Each page is its own small Dash app on the main app's Flask server (its own URL prefix, its
own callbacks), so the main page's modules stay untouched apart from a navigation bar.
"""
from __future__ import annotations

from dash import Dash

from etl.paths import ROOT

from ..backend import Backend
from ..data import FactSource

ASSETS_DIR = ROOT / "assets"
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


def subapp(main: Dash, name: str, prefix: str, title: str) -> Dash:
    """Return a Dash app served under ``prefix`` by the main app's Flask server."""
    app = Dash(name, server=main.server, url_base_pathname=prefix, title=title, assets_folder=str(ASSETS_DIR),
               update_title=None, suppress_callback_exceptions=True,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    app.index_string = INDEX_STRING
    return app


def register(main: Dash, source: FactSource, backend: Backend, *, upload_dir: str | None = None) -> dict[str, Dash]:
    """Create the pages on main's server; return them by name."""
    from . import initiatives, review, upload  # noqa: PLC0415

    return {
        "review": review.create(main, source, backend),
        "initiatives": initiatives.create(main, source, backend),
        "upload": upload.create(main, source, backend, upload_dir=upload_dir),
    }
