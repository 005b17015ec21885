"""Sign-in, roles and the one check every write goes through.

- Sessions: Flask-Login over Flask's signed session cookie: HttpOnly, SameSite=Lax, Secure
  whenever the request came over HTTPS (or always with DASHBOARD_COOKIE_SECURE=1); 12 hours.
- Passwords: argon2id (``dashboard.users``); repeated failed sign-ins for a name (or from one
  address) must wait longer and longer before the next try is even checked.
- Reading: allowed without signing in only when ``public_read`` (``python -m dashboard`` on
  127.0.0.1, or DASHBOARD_PUBLIC_READ=1); otherwise every page and callback needs a session.
- Writing: :func:`require` — signed in, role at least editor (admin for accounts), and the
  request carries the session's CSRF token (Dash's renderer sends the ``_csrf_token`` cookie
  back as the X-CSRFToken header; another site can neither read the cookie nor set the
  header). A refused write changes nothing and is recorded in ``auth_events`` and the log.
"""
from __future__ import annotations

import datetime as _dt
import logging
import math
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, render_template_string, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import AnonymousUserMixin, LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from sqlalchemy import select
from wtforms.validators import ValidationError

from etl.errors import EtlError
from etl.paths import DATA_DIR
from etl.review_store import auth_events, log_event

from . import users as U
from .backend import Backend

log = logging.getLogger("dashboard.auth")

CSRF_COOKIE = "_csrf_token"  # the cookie Dash's renderer copies into the X-CSRFToken header
SESSION_HOURS = 12
FREE_FAILURES = 3  # failed sign-ins for one name before waiting starts
FREE_FAILURES_PER_IP = 20  # from one address (an office behind one address shares it)
FAILURE_WINDOW = _dt.timedelta(minutes=15)
MAX_WAIT = 300  # seconds
# Paths anyone may open without a session, even when reading needs one.
OPEN_PATHS = frozenset({"/login", "/logout", "/healthz"})
OPEN_PREFIXES = ("/assets/",)

MSG_NOT_ALLOWED = "没有修改权限：请以编辑身份登录后再试。"
MSG_ADMIN_ONLY = "只有管理员可以管理账号。"
MSG_STALE = "页面已过期，请刷新页面后再试。"


class WriteRefused(Exception):
    """A write was refused (no session, role too low, or no valid CSRF token); nothing changed."""


class Anonymous(AnonymousUserMixin):
    role = ""
    username = ""

    def can(self, role: str) -> bool:  # noqa: ARG002
        return False


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def secret_key() -> bytes:
    """Return the key that signs sessions: $DASHBOARD_SECRET_KEY, else a file made once (0600).

    Every gunicorn worker on the machine reads the same file; several machines need the same
    $DASHBOARD_SECRET_KEY.
    """
    env = os.environ.get("DASHBOARD_SECRET_KEY")
    if env:
        return env.encode()
    path = Path(os.environ.get("DASHBOARD_SECRET_FILE") or DATA_DIR / ".dashboard_secret")
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()  # another worker made it first
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def backend() -> Backend:
    return current_app.config["REVIEW_BACKEND"]


def client_ip() -> str:
    return request.remote_addr or ""


def user_label() -> str:
    return getattr(current_user, "username", "") or "（未登录）"


# --------------------------------------------------------------------------------------------
# The write check
# --------------------------------------------------------------------------------------------

def require(action: str, role: str = "editor"):  # noqa: ANN201
    """Return the signed-in account if it may do ``action``; else record the refusal and raise WriteRefused."""
    user = current_user
    reason, message = "", MSG_NOT_ALLOWED if role != "admin" else MSG_ADMIN_ONLY
    if not getattr(user, "is_authenticated", False):
        reason = "no session"
    elif not user.can(role):
        reason = f"role {user.role} < {role}"
    else:
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except (ValidationError, CSRFError):
            reason, message = "missing or wrong CSRF token", MSG_STALE
    if reason:
        refuse(action, reason)
        raise WriteRefused(message)
    return user


def refuse(action: str, reason: str) -> None:
    """Record a refused write (auth_events and the log)."""
    name = getattr(current_user, "username", "") or ""
    log.warning("refused write %s by %s from %s: %s", action, name or "-", client_ip(), reason)
    try:
        log_event(backend().engine, "refused_write", name, client_ip(), f"{action}: {reason}")
    except Exception:  # noqa: BLE001 - the refusal stands even if it cannot be recorded
        log.exception("could not record a refused write")


def can(role: str) -> bool:
    """Tell whether the current person has at least ``role`` (False when signed out)."""
    return bool(getattr(current_user, "is_authenticated", False)) and current_user.can(role)


# --------------------------------------------------------------------------------------------
# Slowing repeated failures
# --------------------------------------------------------------------------------------------

def wait_seconds(engine, username: str, ip: str, at: _dt.datetime | None = None) -> int:  # noqa: ANN001
    """Return how long a sign-in for this name (or from this address) must still wait (0: may try now).

    After FREE_FAILURES failures within 15 minutes (FREE_FAILURES_PER_IP from one address), each
    further failure doubles the wait: 1, 2, 4 … up to 300 seconds. A success clears the name's count.
    """
    at = at or _dt.datetime.now(_dt.timezone.utc)
    since = (at - FAILURE_WINDOW).isoformat(timespec="seconds")
    e = auth_events.c
    with engine.connect() as conn:
        last_ok = conn.execute(select(e.at).where(e.event == "login_ok", e.username == username)
                               .order_by(e.at.desc()).limit(1)).scalar() or ""
        by_name = [r[0] for r in conn.execute(select(e.at).where(
            e.event == "login_failed", e.username == username, e.at >= max(since, last_ok)).order_by(e.at.desc()))]
        by_ip = [r[0] for r in conn.execute(select(e.at).where(
            e.event == "login_failed", e.ip == ip, e.at >= since).order_by(e.at.desc()))] if ip else []
    wait = 0.0
    for failures, free in ((by_name, FREE_FAILURES), (by_ip, FREE_FAILURES_PER_IP)):
        if len(failures) >= free:
            delay = min(2 ** (len(failures) - free), MAX_WAIT)
            last = _dt.datetime.fromisoformat(failures[0])
            wait = max(wait, (last + _dt.timedelta(seconds=delay) - at).total_seconds())
    return max(0, math.ceil(wait))


# --------------------------------------------------------------------------------------------
# Pages: /login, /logout
# --------------------------------------------------------------------------------------------

LOGIN_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 内蒙古基层党建数据看板</title>
<style>
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;background:#f6f3f2;margin:0;color:#222}
main{max-width:360px;margin:10vh auto;background:#fff;padding:28px 28px 20px;border-radius:10px;box-shadow:0 2px 10px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 18px;color:#a4281d} label{display:block;margin:12px 0 4px;font-size:14px}
input{width:100%;box-sizing:border-box;padding:9px 10px;font-size:16px;border:1px solid #ccc;border-radius:6px}
button{margin-top:18px;width:100%;padding:10px;font-size:16px;background:#c0392b;color:#fff;border:0;border-radius:6px;cursor:pointer}
.msg{margin:10px 0 0;padding:8px 10px;border-radius:6px;font-size:14px} .err{background:#fdecea;color:#8a1c12} .ok{background:#eaf6ec;color:#1e5b2a}
.hint{font-size:13px;color:#666;margin-top:14px} a{color:#a4281d}
</style></head><body><main>
<h1>登录数据看板</h1>
{% if message %}<p id="login-message" class="msg {{ kind }}" role="alert">{{ message }}</p>{% endif %}
<form method="post" action="/login" autocomplete="on">
<input type="hidden" name="csrf_token" value="{{ csrf }}">
<input type="hidden" name="next" value="{{ next }}">
<label for="login-username">用户名</label>
<input id="login-username" name="username" value="{{ username }}" autocomplete="username" required autofocus>
<label for="login-password">密码</label>
<input id="login-password" name="password" type="password" autocomplete="current-password" required>
<button id="login-submit" type="submit">登录</button>
</form>
<p class="hint">{% if public_read %}不登录也可以<a href="/">查看数据</a>；审核、更正和上传需要编辑账号。{% else %}账号由管理员开通。{% endif %}
忘记密码请联系管理员。</p>
</main></body></html>"""


def _safe_next(target: str | None) -> str:
    """Return a local path to go to after signing in (never another site)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(message: str = "", kind: str = "err", username: str = "", status: int = 200):
    html = render_template_string(LOGIN_PAGE, message=message, kind=kind, username=username, csrf=generate_csrf(),
                                  next=_safe_next(request.values.get("next")),
                                  public_read=current_app.config["PUBLIC_READ"])
    return html, status


def login():  # noqa: ANN201
    """GET: the form. POST: check the CSRF token, the waiting time, then the password."""
    if request.method == "GET":
        if request.args.get("out"):
            return _login_page("您已退出登录。", "ok")
        return _login_page()
    username = (request.form.get("username") or "").strip()[:64]
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return _login_page("页面已过期，请重新输入用户名和密码。", username=username, status=400)
    try:
        engine = backend().engine
    except EtlError as exc:
        return _login_page(str(exc), username=username, status=503)
    ip = client_ip()
    wait = wait_seconds(engine, username, ip)
    if wait:
        log_event(engine, "login_throttled", username, ip, f"wait {wait}s")
        return _login_page(f"登录失败次数过多，请在 {wait} 秒后再试。", username=username, status=429)
    account = U.verify(engine, username, request.form.get("password") or "")
    if account is None:
        log_event(engine, "login_failed", username, ip)
        log.warning("failed sign-in for %s from %s", username or "-", ip)
        return _login_page("用户名或密码不正确。", username=username, status=401)
    session.clear()  # a fresh session: nothing from before signing in carries over
    login_user(account)
    session.permanent = True
    log_event(engine, "login_ok", account.username, ip)
    return redirect(_safe_next(request.form.get("next")))


def logout():  # noqa: ANN201
    name = getattr(current_user, "username", "")
    logout_user()
    session.clear()
    if name:
        try:
            log_event(backend().engine, "logout", name, client_ip())
        except Exception:  # noqa: BLE001
            log.exception("could not record a sign-out")
    return redirect("/login?out=1")


# --------------------------------------------------------------------------------------------
# Wiring
# --------------------------------------------------------------------------------------------

def init_app(server: Flask, backend_: Backend, *, public_read: bool) -> None:
    """Attach sessions, sign-in pages, the login gate and the CSRF cookie to the Flask server."""
    server.secret_key = secret_key()
    server.session_interface = _Sessions()
    server.config.update(
        REVIEW_BACKEND=backend_, PUBLIC_READ=public_read,
        SESSION_COOKIE_NAME="dashboard_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_env_flag("DASHBOARD_COOKIE_SECURE"),
        PERMANENT_SESSION_LIFETIME=_dt.timedelta(hours=SESSION_HOURS),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax",
    )
    manager = LoginManager()
    manager.anonymous_user = Anonymous
    manager.init_app(server)

    @manager.user_loader
    def _load(user_id: str):  # noqa: ANN202
        try:
            return U.load(backend_.engine, user_id)
        except Exception:  # noqa: BLE001 - no database: nobody is signed in
            return None

    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["GET", "POST"])

    @server.before_request
    def _gate():  # noqa: ANN202
        if current_app.config["PUBLIC_READ"] or current_user.is_authenticated:
            return None
        path = request.path
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            return None
        if request.method == "GET" and not path.endswith(("_dash-layout", "_dash-dependencies")) \
                and "_dash-component-suites" not in path:
            return redirect("/login?next=" + _quote(request.full_path.rstrip("?")))
        if path.endswith("_dash-update-component"):
            body = request.get_json(silent=True) or {}
            output = str(body.get("output", ""))[:300] if isinstance(body, dict) else ""
            if any(w in output for w in WRITE_OUTPUTS):
                refuse(output, "no session")
        return {"error": "请先登录。"}, 401

    @server.after_request
    def _csrf_cookie(response):  # noqa: ANN001, ANN202
        # Pages (HTML) carry the CSRF token in a cookie that Dash's renderer sends back as a header.
        if response.mimetype == "text/html" and not getattr(g, "csrf_cookie_set", False):
            response.set_cookie(CSRF_COOKIE, generate_csrf(), max_age=SESSION_HOURS * 3600, httponly=False,
                                samesite="Strict", secure=bool(server.config["SESSION_COOKIE_SECURE"]) or request.is_secure)
            g.csrf_cookie_set = True
        return response


def _quote(path: str) -> str:
    from urllib.parse import quote  # noqa: PLC0415

    return quote(path, safe="/")


# Dash outputs of write callbacks (registered by the pages): a signed-out request to one of them is recorded.
WRITE_OUTPUTS: set[str] = set()
