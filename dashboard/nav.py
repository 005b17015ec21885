"""The bar above every page: where to go and who is signed in (built per request)."""
from __future__ import annotations

from dash import html
from flask import has_request_context
from flask_login import current_user

from .users import ROLE_LABELS

NAV = "site-nav"
PAGES: tuple[tuple[str, str, str, str], ...] = (
    # (key, href, label, role needed; "" for everyone who may read)
    ("main", "/", "数据看板", ""),
    ("review", "/review/", "审核", ""),
    ("initiatives", "/initiatives/", "举措名录", ""),
    ("upload", "/upload/", "上传报道", "editor"),
)


def bar(active: str) -> html.Nav:
    """Return the navigation bar; links an account may not use are left out."""
    signed_in = has_request_context() and bool(getattr(current_user, "is_authenticated", False))
    links = []
    for key, href, label, role in PAGES:
        if role and not (signed_in and current_user.can(role)):
            continue
        links.append(html.A(label, href=href, className="nav-link active" if key == active else "nav-link",
                            **({"aria-current": "page"} if key == active else {})))
    if signed_in:
        who = html.Span([html.Span(current_user.username, className="nav-user"),
                         f"（{ROLE_LABELS.get(current_user.role, current_user.role)}）"], className="nav-who")
        account = [who, html.A("退出", href="/logout", id="nav-logout", className="nav-link")]
    else:
        account = [html.A("登录", href="/login", id="nav-login", className="nav-link")]
    return html.Nav(id=NAV, className="site-nav", **{"aria-label": "页面"}, children=[
        html.Div(links, className="nav-links"), html.Div(account, className="nav-account")])
