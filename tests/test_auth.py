"""Accounts and the write check, through the real Flask/Dash server (test client) over a real database.

- reading needs a session unless public read; /login, /logout and /healthz stay open;
- cookies: HttpOnly, SameSite, Secure over HTTPS; the login form needs its CSRF token;
- repeated failures wait; a disabled account's session ends;
- every write callback: the editor's save request replayed with a viewer's session, with the
  editor's token but no session, or without the CSRF header, changes nothing and is recorded.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from dashboard import users as U
from dashboard.app import create_app
from dashboard.auth import FREE_FAILURES, MSG_NOT_ALLOWED, MSG_STALE
from etl import review_store as RS
from etl.cli import run_corpus
from etl.store import facts, open_store

from conftest import ROOT, SEED

EDITOR, VIEWER = ("alice", "editor-secret-1"), ("victor", "viewer-secret-1")


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("auth")
    (tmp / "in").mkdir()
    shutil.copy(SEED, tmp / "in" / SEED.name)
    url = f"sqlite:///{tmp / 'auth.db'}"
    with open_store(url) as store:
        run_corpus(store, tmp / "in", workers=1)
        U.add_user(store.engine, *EDITOR[:1], "editor", EDITOR[1])
        U.add_user(store.engine, VIEWER[0], "viewer", VIEWER[1])
        U.add_user(store.engine, "carol", "editor", "carol-secret-1")
    return url


@pytest.fixture(autouse=True)
def _secret(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SECRET_FILE", str(tmp_path / "secret"))


def _app(url, tmp_path, public_read=False):
    app = create_app(url, public_read=public_read, upload_dir=str(tmp_path / "uploads"))
    app.server.config["TESTING"] = True
    return app.server


def _csrf_from_form(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, name, password, base="http://localhost", next_="/"):
    page = client.get("/login", base_url=base)
    token = _csrf_from_form(page.get_data(as_text=True))
    return client.post("/login", base_url=base, data={"username": name, "password": password, "csrf_token": token,
                                                      "next": next_})


def _fact(url, value) -> dict:
    with open_store(url, write=False) as store, store.engine.connect() as conn:
        return dict(conn.execute(select(facts).where(facts.c.value == value)).one()._mapping)


def save_payload(client, fact: dict, initiative: str) -> dict:
    """The body Dash's renderer sends when an editor clicks 保存更正 on /review/?fact=…"""
    deps = client.get("/review/_dash-dependencies").get_json()
    dep = next(d for d in deps if d["output"].startswith("..review-status.children"))
    states = {"review-value.value": str(int(fact["value"])), "review-unit.value": fact["unit"],
              "review-qualifier.value": fact["qualifier"], "review-league.value": fact["league"] or None,
              "review-banner.value": fact["banner"] or None, "review-township.value": fact["township"],
              "review-initiative.value": initiative, "review-indicator.value": fact["indicator"],
              "review-scope.value": "fact", "review-reason.value": "原文如此",
              "review-expected.data": {"fact_id": fact["fact_id"], "article_id": fact["article_id"],
                                       "values": {k: fact[k] for k in RS.R.WATCHED_FIELDS}}}
    inputs = {"review-save.n_clicks": 1}
    parts = dep["output"].strip(".").split("...")
    return {"output": dep["output"], "outputs": [dict(zip(("id", "property"), p.split("@")[0].rsplit(".", 1)))
                                                 for p in parts],
            "inputs": [{**i, "value": inputs.get(f"{i['id']}.{i['property']}")} for i in dep["inputs"]],
            "state": [{**s, "value": states.get(f"{s['id']}.{s['property']}")} for s in dep["state"]],
            "changedPropIds": ["review-save.n_clicks"]}


def _refusals(url) -> list[tuple[str, str]]:
    with open_store(url, write=False) as store, store.engine.connect() as conn:
        return [(r.username, r.detail) for r in conn.execute(
            select(RS.auth_events).where(RS.auth_events.c.event == "refused_write").order_by(RS.auth_events.c.id))]


def test_reading_needs_a_session_unless_public(database, tmp_path):
    client = _app(database, tmp_path).test_client()
    for path in ("/", "/review/", "/initiatives/", "/upload/", "/review/?fact=x"):
        r = client.get(path)
        assert r.status_code == 302 and r.headers["Location"].startswith("/login?next="), path
    assert client.get("/_dash-layout").status_code == 401
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/healthz").get_json() == {"status": "ok"}  # no figures for strangers
    page = client.get("/login").get_data(as_text=True)
    for id_ in ("login-username", "login-password", "login-submit"):
        assert f'id="{id_}"' in page
    public = _app(database, tmp_path, public_read=True).test_client()
    assert public.get("/").status_code == 200
    assert public.get("/healthz").get_json()["facts"] == 18


def test_cookies_are_httponly_samesite_and_secure_over_https(database, tmp_path):
    client = _app(database, tmp_path).test_client()
    r = login(client, *EDITOR, base="https://localhost")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    cookie = next(c for c in r.headers.getlist("Set-Cookie") if c.startswith("dashboard_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    page = client.get("/", base_url="https://localhost")
    csrf = next(c for c in page.headers.getlist("Set-Cookie") if c.startswith("_csrf_token="))
    assert "SameSite=Strict" in csrf and "Secure" in csrf and "HttpOnly" not in csrf
    plain = _app(database, tmp_path).test_client()
    r = login(plain, *EDITOR)
    cookie = next(c for c in r.headers.getlist("Set-Cookie") if c.startswith("dashboard_session="))
    assert "HttpOnly" in cookie and "Secure" not in cookie  # plain http (127.0.0.1): a Secure cookie would be dropped


def test_login_form_needs_its_csrf_token(database, tmp_path):
    client = _app(database, tmp_path).test_client()
    r = client.post("/login", data={"username": EDITOR[0], "password": EDITOR[1]})
    assert r.status_code == 400 and "页面已过期" in r.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_wrong_passwords_are_slowed_down(database, tmp_path):
    client = _app(database, tmp_path).test_client()
    for _ in range(FREE_FAILURES):
        r = login(client, "carol", "wrong-password")
        assert r.status_code == 401 and "用户名或密码不正确" in r.get_data(as_text=True)
    r = login(client, "carol", "carol-secret-1")  # right password, but too soon
    assert r.status_code == 429 and re.search(r"请在 \d+ 秒后再试", r.get_data(as_text=True))
    time.sleep(1.2)
    assert login(client, "carol", "carol-secret-1").status_code == 302
    unknown = login(client, "nobody", "whatever-1")
    assert unknown.status_code == 401 and "用户名或密码不正确" in unknown.get_data(as_text=True)


def test_next_never_leaves_the_site(database, tmp_path):
    client = _app(database, tmp_path).test_client()
    assert login(client, *EDITOR, next_="//evil.example/x").headers["Location"] == "/"
    client = _app(database, tmp_path).test_client()
    assert login(client, *EDITOR, next_="/review/?fact=abc").headers["Location"] == "/review/?fact=abc"


def test_editor_save_through_the_callback_is_applied(database, tmp_path):
    """The control for the forged-request tests below: the same request from the editor works."""
    client = _app(database, tmp_path).test_client()
    login(client, *EDITOR)
    client.get("/review/")
    token = client.get_cookie("_csrf_token").value
    fact = _fact(database, 13.0)
    r = client.post("/review/_dash-update-component", json=save_payload(client, fact, "送学上门（更正）"),
                    headers={"X-CSRFToken": token})
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    assert "更正已保存" in r.get_data(as_text=True)
    assert _fact(database, 13.0)["initiative"] == "送学上门（更正）"


@pytest.mark.parametrize("who", ["viewer with own token", "viewer with the editor's token", "editor without token",
                                 "no session, public read", "no session, login required"])
def test_forged_or_replayed_save_changes_nothing_and_is_logged(database, tmp_path, who):
    public = who == "no session, public read"
    editor = _app(database, tmp_path, public_read=public).test_client()
    login(editor, *EDITOR)
    editor.get("/review/")
    editor_token = editor.get_cookie("_csrf_token").value
    fact = _fact(database, 2423.0)
    body = save_payload(editor, fact, "伪造的举措")
    attacker = _app(database, tmp_path, public_read=public).test_client()
    headers = {}
    if who.startswith("viewer"):
        login(attacker, *VIEWER)
        attacker.get("/review/")
        headers["X-CSRFToken"] = attacker.get_cookie("_csrf_token").value if "own" in who else editor_token
    elif who == "editor without token":
        attacker = editor
    else:
        attacker.get("/review/")  # an anonymous session with a CSRF cookie of its own, where reading is public
        headers["X-CSRFToken"] = editor_token
    before = len(_refusals(database))
    r = attacker.post("/review/_dash-update-component", json=body, headers=headers)
    text = r.get_data(as_text=True)
    if who == "no session, login required":
        assert r.status_code == 401
    else:
        assert r.status_code == 200 and (MSG_NOT_ALLOWED in text or MSG_STALE in text), text[:300]
    assert _fact(database, 2423.0) == fact  # nothing changed
    refusals = _refusals(database)[before:]
    assert len(refusals) == 1, refusals
    name, detail = refusals[0]
    assert name == {"viewer with own token": "victor", "viewer with the editor's token": "victor",
                    "editor without token": "alice"}.get(who, "")
    assert "review" in detail


def test_disabled_account_loses_its_session(database, tmp_path):
    client = _app(database, tmp_path).test_client()
    login(client, "carol", "carol-secret-1")
    assert client.get("/").status_code == 200
    with open_store(database, write=False) as store:
        U.set_disabled(store.engine, "carol", True)
    try:
        assert client.get("/").status_code == 302
        assert login(client, "carol", "carol-secret-1").status_code == 401
    finally:
        with open_store(database, write=False) as store:
            U.set_disabled(store.engine, "carol", False)


def _users(*args, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", "users", *args], cwd=ROOT, input=stdin, text=True,
                          capture_output=True, timeout=120)


def test_users_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'users.db'}"
    r = _users("add", "wang", "--role", "admin", "--password-stdin", "--database", url, stdin="a-long-secret\n")
    assert r.returncode == 0 and "已创建用户 wang（管理员）" in r.stdout
    r = _users("add", "wang", "--role", "viewer", "--password-stdin", "--database", url, stdin="another-secret\n")
    assert r.returncode == 2 and "已存在" in r.stderr
    r = _users("add", "li", "--role", "editor", "--password-stdin", "--database", url, stdin="short\n")
    assert r.returncode == 2 and "至少需要 8 个字符" in r.stderr
    r = _users("add", "li", "--role", "boss", "--password-stdin", "--database", url, stdin="a-long-secret\n")
    assert r.returncode == 2
    assert _users("add", "li", "--role", "editor", "--password-stdin", "--database", url,
                  stdin="li-secret-123\n").returncode == 0
    assert _users("set-role", "li", "viewer", "--database", url).returncode == 0
    assert _users("disable", "li", "--database", url).returncode == 0
    listed = _users("list", "--database", url).stdout.splitlines()
    assert listed[0].startswith("li\tviewer\t查看者\t已停用") and listed[1].startswith("wang\tadmin")
    r = _users("set-role", "nobody", "viewer", "--database", url)
    assert r.returncode == 2 and "没有名为“nobody”的用户" in r.stderr
    engine = open_store(url, write=False).engine
    account = U.verify(engine, "wang", "a-long-secret")
    assert account is not None and account.role == "admin"
    with engine.connect() as conn:
        stored = conn.execute(select(RS.users.c.password_hash).where(RS.users.c.username == "wang")).scalar()
    assert stored.startswith("$argon2id$") and "a-long-secret" not in stored
    assert U.verify(engine, "li", "li-secret-123") is None  # disabled
    assert "--password-stdin" in _users("add", "--help").stdout


def test_sign_in_without_a_database_says_what_to_do(tmp_path):
    client = _app(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path).test_client()
    r = login(client, *EDITOR)
    assert r.status_code == 503 and "python -m dashboard users add" in r.get_data(as_text=True)
    assert not (tmp_path / "missing.db").exists()  # reading never creates the database
