"""Two editors save the same fact through several gunicorn workers over one real PostgreSQL: no lost update.

The dashboard runs under gunicorn (two workers, sign-in required); two editors sign in with
their own sessions and send exactly the request the browser sends when 保存更正 is clicked.
The second editor, whose form still shows the old values, is told the fact changed meanwhile
and gets the new values back; nothing of theirs is written. Then both save at the same moment,
several times: each time exactly one wins and the other is told.
"""
from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import httpx
from sqlalchemy import select

from dashboard import users as U
from etl import review_store as RS
from etl.store import facts, open_store

from conftest import SEED, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))

import load_scenario as L  # noqa: E402

EDITORS = {"alice": "alice-secret-1", "bob": "bob-secret-12"}


def sign_in(base: str, name: str) -> tuple[httpx.Client, str]:
    # No keep-alive: every request is a new connection, which either worker may accept.
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False,
                          limits=httpx.Limits(max_keepalive_connections=0))
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": name, "password": EDITORS[name], "csrf_token": token, "next": "/"})
    assert r.status_code == 302, r.text[:300]
    client.get("/review/")
    return client, client.cookies["_csrf_token"]


def save_body(client: httpx.Client, fact: dict, initiative: str) -> dict:
    deps = client.get("/review/_dash-dependencies").json()
    dep = next(d for d in deps if d["output"].startswith("..review-status.children"))
    values = {"review-save.n_clicks": 1, "review-value.value": str(int(fact["value"])), "review-unit.value": fact["unit"],
              "review-qualifier.value": fact["qualifier"], "review-league.value": fact["league"] or None,
              "review-banner.value": fact["banner"] or None, "review-township.value": fact["township"],
              "review-initiative.value": initiative, "review-indicator.value": fact["indicator"],
              "review-scope.value": "fact", "review-reason.value": "",
              "review-expected.data": {"fact_id": fact["fact_id"], "article_id": fact["article_id"],
                                       "values": {k: fact[k] for k in RS.R.WATCHED_FIELDS}}}
    parts = dep["output"].strip(".").split("...")
    return {"output": dep["output"],
            "outputs": [dict(zip(("id", "property"), p.split("@")[0].rsplit(".", 1))) for p in parts],
            "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in dep["inputs"]],
            "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in dep["state"]],
            "changedPropIds": ["review-save.n_clicks"]}


def save(client: httpx.Client, token: str, body: dict) -> dict:
    r = client.post("/review/_dash-update-component", json=body, headers={"X-CSRFToken": token})
    assert r.status_code == 200, r.text[:500]
    return r.json()["response"]


def fact_row(url: str, value: float) -> dict:
    with open_store(url, write=False) as store, store.engine.connect() as conn:
        return dict(conn.execute(select(facts).where(facts.c.value == value)).one()._mapping)


def test_two_editors_on_postgresql_with_two_gunicorn_workers(postgresql_url: str, tmp_path: Path) -> None:
    url = postgresql_url
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / SEED.name).write_bytes(SEED.read_bytes())
    run = run_cli("run", str(tmp_path / "in"), "--database", url, "--no-export")
    assert run.returncode == 0, run.stderr
    with open_store(url, write=False) as store:
        for name, password in EDITORS.items():
            U.add_user(store.engine, name, "editor", password)
    env = {"DASHBOARD_PUBLIC_READ": "0", "DASHBOARD_SECRET_KEY": "test-secret-" + "x" * 32,
           "DASHBOARD_UPLOAD_DIR": str(tmp_path / "uploads")}
    with L.gunicorn(url, tmp_path / "gunicorn", workers=2, threads=2, ready_timeout=120, env_extra=env) as server:
        assert len(server.worker_pids()) == 2
        alice, alice_token = sign_in(server.base, "alice")
        bob, bob_token = sign_in(server.base, "bob")
        try:
            # One after the other: bob's form still shows what both saw when they opened the fact.
            seen = fact_row(url, 2423.0)
            first = save(alice, alice_token, save_body(alice, seen, "甲举措"))
            assert "更正已保存" in str(first["review-status"]["children"])
            second = save(bob, bob_token, save_body(bob, seen, "乙举措"))
            assert "已被他人修改" in str(second["review-status"]["children"])
            assert "alice" in str(second["review-status"]["children"])
            assert second["review-initiative"]["value"] == "甲举措"  # bob now sees the new value
            assert fact_row(url, 2423.0)["initiative"] == "甲举措"
            # Bob saves again from the refreshed form: now it is his turn.
            refreshed = fact_row(url, 2423.0)
            third = save(bob, bob_token, save_body(bob, refreshed, "乙举措"))
            assert "更正已保存" in str(third["review-status"]["children"])
            assert fact_row(url, 2423.0)["initiative"] == "乙举措"

            # At the same moment, on several facts: exactly one of the two wins each time.
            outcomes = []
            for value in (13.0, 16.0, 110.0, 292.0, 6.0):
                seen = fact_row(url, value)
                bodies = {"alice": (alice, alice_token, save_body(alice, seen, "甲" + str(int(value)))),
                          "bob": (bob, bob_token, save_body(bob, seen, "乙" + str(int(value))))}
                answers: dict[str, str] = {}
                barrier = threading.Barrier(2)

                def go(name: str) -> None:
                    client, token, body = bodies[name]
                    barrier.wait()
                    answers[name] = str(save(client, token, body)["review-status"]["children"])

                threads = [threading.Thread(target=go, args=(n,)) for n in bodies]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(timeout=60)
                won = [n for n, text in answers.items() if "更正已保存" in text]
                told = [n for n, text in answers.items() if "已被他人修改" in text]
                assert len(won) == 1 and len(told) == 1, answers
                final = fact_row(url, value)["initiative"]
                assert final == ("甲" if won[0] == "alice" else "乙") + str(int(value))
                with open_store(url, write=False) as store:
                    edits = [r for r in RS.audit_rows(store.engine, fact_row(url, value)["fact_id"])
                             if r["field"] == "initiative"]
                assert [r["username"] for r in edits] == won  # the loser wrote nothing
                outcomes.append(won[0])
        finally:
            alice.close()
            bob.close()
        served = {int(line.split()[0].strip("<>")) for line in server.access_log.read_text().splitlines()
                  if "/review/_dash-update-component" in line}
        print(f"\nconcurrent saves won by {outcomes}; save requests served by workers {sorted(served)}")
        assert len(served) == 2, "every save went to one worker: the test did not exercise two workers"
        assert server.proc.poll() is None
