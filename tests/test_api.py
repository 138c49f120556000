"""The HTTP API through httpx (Starlette's TestClient) on a real SQLite file."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models import ActionEvent, ActionItem, Notification
from tests.api_helpers import T0, AppClient, app, auth, client, clock, ids, tokens  # noqa: F401  (fixtures)


def events(engine, item_id: int, kind: str | None = None) -> list[ActionEvent]:
    with Session(engine) as s:
        rows = s.exec(select(ActionEvent).where(ActionEvent.item_id == item_id)).all()
    return [e for e in rows if kind is None or e.kind == kind]


def test_healthz_needs_no_token(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["database"] == "ok"


def test_no_token_401_wrong_role_403_revoked_401(client, ids, tokens, engine):
    assert client.get("/items").status_code == 401
    assert client.get("/items", headers=auth("fu_not-a-token")).status_code == 401
    r = client.patch(f"/items/{ids[0]}", json={"status": "done"}, headers=auth(tokens["viewer"]))
    assert r.status_code == 403 and "editor" in r.json()["detail"]
    assert client.get("/tokens", headers=auth(tokens["editor"])).status_code == 403
    assert client.delete("/tokens/viewer", headers=auth(tokens["admin"])).status_code == 200
    assert client.get("/items", headers=auth(tokens["viewer"])).status_code == 401


def test_failed_authentication_is_rate_limited_per_client(client, tokens, clock):
    for _ in range(10):
        assert client.get("/items", headers=auth("fu_guess")).status_code == 401
    r = client.get("/items", headers=auth(tokens["viewer"]))
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    clock.now += timedelta(minutes=1)
    assert client.get("/items", headers=auth(tokens["viewer"])).status_code == 200


def test_list_filters_sorting_and_pages(client, ids, tokens):
    h = auth(tokens["viewer"])
    page = client.get("/items", headers=h).json()
    assert page["total"] == 3 and [i["id"] for i in page["items"]] == [ids[1], ids[0], ids[2]]
    assert [i["id"] for i in client.get("/items?sort=-due", headers=h).json()["items"]][:2] == [ids[0], ids[1]]
    assert client.get("/items?owner=cbp", headers=h).json()["total"] == 2
    assert client.get("/items?counterpart=mfa", headers=h).json()["total"] == 1
    assert client.get("/items?q=february", headers=h).json()["items"][0]["id"] == ids[0]
    assert client.get("/items?kind=request", headers=h).json()["items"][0]["id"] == ids[2]
    assert client.get("/items?status=proposed", headers=h).json()["total"] == 1
    assert client.get("/items?due_before=2010-01-31", headers=h).json()["total"] == 1
    assert client.get("/items?due_after=2010-02-01", headers=h).json()["total"] == 1
    overdue = client.get("/items?overdue=true", headers=h).json()  # the clock says 2010-01-25
    assert [i["id"] for i in overdue["items"]] == [ids[1]]
    two = client.get("/items?limit=1&offset=1", headers=h).json()
    assert two["total"] == 3 and [i["id"] for i in two["items"]] == [ids[0]]
    bad = client.get("/items?sort=colour", headers=h)
    assert bad.status_code == 422 and bad.json()["message"].startswith("query.sort")


def test_get_item_has_history_mentions_and_etag(client, ids, tokens):
    r = client.get(f"/items/{ids[0]}", headers=auth(tokens["viewer"]))
    assert r.status_code == 200 and r.headers["ETag"] == '"1"'
    body = r.json()
    assert body["history"][0]["kind"] == "created"
    assert body["mentions"][0]["record_title"] == "Cable"
    assert client.get("/items/999", headers=auth(tokens["viewer"])).status_code == 404
    same = client.get(f"/items/{ids[0]}", headers=auth(tokens["viewer"]) | {"If-None-Match": '"1"'})
    assert same.status_code == 304 and same.headers["ETag"] == '"1"' and not same.content
    assert client.get(f"/items/{ids[0]}", headers=auth(tokens["viewer"]) | {"If-None-Match": '"7"'}).status_code == 200


def test_patch_with_if_match_then_stale_etag_is_412(client, ids, tokens, engine):
    h = auth(tokens["editor"])
    r = client.patch(f"/items/{ids[0]}", json={"status": "done", "note": "review held"},
                     headers=h | {"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"2"' and r.json()["status"] == "done"
    changed = events(engine, ids[0], "status-changed")
    assert [(e.from_status, e.to_status, e.actor, e.note) for e in changed] == [
        ("open", "done", "api:editor", "review held")]
    with Session(engine) as s:  # the same domain change as the CLI: a status-change notice
        assert s.exec(select(Notification).where(Notification.item_id == ids[0])).all()
    stale = client.patch(f"/items/{ids[0]}", json={"owner": "someone"}, headers=h | {"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"2"'
    assert client.get(f"/items/{ids[0]}", headers=h).json()["owner"] == "EXBS"
    weak = client.patch(f"/items/{ids[0]}", json={"owner": "x"}, headers=h | {"If-Match": 'W/"2"'})
    assert weak.status_code == 412


def test_patch_errors_name_what_to_fix(client, ids, tokens, engine):
    h = auth(tokens["editor"])
    illegal = client.patch(f"/items/{ids[2]}", json={"status": "done"}, headers=h)
    assert illegal.status_code == 409 and illegal.json()["allowed"] == ["open", "rejected"]
    unknown = client.patch(f"/items/{ids[0]}", json={"colour": "red"}, headers=h)
    assert unknown.status_code == 422 and unknown.json()["message"].startswith("body.colour")
    wrong = client.patch(f"/items/{ids[0]}", json={"due_end": "soon"}, headers=h)
    assert wrong.status_code == 422 and wrong.json()["message"].startswith("body.due_end")
    inverted = client.patch(f"/items/{ids[0]}", json={"due_start": "2010-03-01", "due_end": "2010-02-01"},
                            headers=h)
    assert inverted.status_code == 422 and "due window" in inverted.json()["message"]
    empty = client.patch(f"/items/{ids[0]}", json={}, headers=h)
    assert empty.status_code == 422 and "nothing to change" in empty.json()["message"]
    assert len(events(engine, ids[0])) == 1  # only "created": nothing was written


def test_patch_fields_and_due_window(client, ids, tokens):
    r = client.patch(f"/items/{ids[1]}", json={"owner": "Alice", "due_end": "2010-01-20", "title": "Send it"},
                     headers=auth(tokens["editor"]))
    body = r.json()
    assert (body["owner"], body["due_end"], body["title"], body["version"]) == ("Alice", "2010-01-20", "Send it", 2)
    history = client.get(f"/items/{ids[1]}", headers=auth(tokens["viewer"])).json()["history"]
    assert json.loads(history[-1]["changes"])["owner"] == ["CBP", "Alice"]


def test_comment_keeps_the_etag(client, ids, tokens, engine):
    r = client.post(f"/items/{ids[0]}/comments", json={"text": "called the MFA"}, headers=auth(tokens["editor"]))
    assert r.status_code == 201 and r.json()["note"] == "called the MFA"
    assert client.get(f"/items/{ids[0]}", headers=auth(tokens["viewer"])).headers["ETag"] == '"1"'
    assert client.post(f"/items/{ids[0]}/comments", json={"text": ""},
                       headers=auth(tokens["editor"])).status_code == 422


def test_tokens_are_never_shown_again(client, tokens, engine):
    h = auth(tokens["admin"])
    made = client.post("/tokens", json={"name": "bot", "role": "editor"}, headers=h)
    assert made.status_code == 201 and made.json()["token"].startswith("fu_")
    listed = client.get("/tokens", headers=h).text
    assert made.json()["token"] not in listed and "token_hash" not in listed
    assert all(t not in listed for t in tokens.values())
    dup = client.post("/tokens", json={"name": "bot", "role": "viewer"}, headers=h)
    assert dup.status_code == 422 and "exists" in dup.json()["message"]


def test_cors_is_closed_by_default(client, tokens):
    r = client.get("/items", headers=auth(tokens["viewer"]) | {"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    pre = client.options("/items", headers={"Origin": "https://evil.example",
                                            "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in pre.headers


def test_cors_opens_for_listed_origins(engine, clock, monkeypatch):
    from api.app import create_app
    from config import Settings

    monkeypatch.setenv("FOLLOWUP_API_CORS_ORIGINS", '["https://ops.example"]')
    c = AppClient(create_app(settings=Settings(), engine=engine, clock=clock))
    r = c.get("/healthz", headers={"Origin": "https://ops.example"})
    assert r.headers["access-control-allow-origin"] == "https://ops.example"


def test_openapi_and_docs_are_served(client):
    spec = client.get("/openapi.json").json()
    assert {"/items", "/items/{item_id}", "/records", "/calendar.ics", "/act/{token}"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


def test_title_cannot_be_cleared(client, ids, tokens):
    r = client.patch(f"/items/{ids[0]}", json={"title": None}, headers=auth(tokens["editor"]))
    assert r.status_code == 422 and r.json()["message"].startswith("body.title")


def test_rate_limiter_forgets_old_clients():
    from api.deps import FailedAuthLimiter

    lim = FailedAuthLimiter(limit=2, max_clients=3)
    for host in ("a", "b", "c"):
        lim.fail(host, T0)
        lim.fail(host, T0)
    assert lim.blocked_for("a", T0) > 0
    lim.fail("d", T0 + timedelta(minutes=2))
    assert set(lim._fails) == {"d"} and lim.blocked_for("a", T0 + timedelta(minutes=2)) == 0


def test_a_change_through_the_api_reaches_the_owner_s_own_channel(engine, clock, tokens, ids,
                                                                   tmp_path, monkeypatch):
    """Routing through the API uses the directory as the CLI and the flows do."""
    from api.app import create_app
    from config import Settings

    directory = tmp_path / "directory.yaml"
    directory.write_text("organisations:\n  - name: CBP\n    tag: cbp-desk\n", encoding="utf-8")
    monkeypatch.setenv("FOLLOWUP_DIRECTORY_FILE", str(directory))
    api = AppClient(create_app(settings=Settings(), engine=engine, clock=clock))
    r = api.patch(f"/items/{ids[1]}", json={"status": "in_progress"}, headers=auth(tokens["editor"]))
    assert r.status_code == 200, r.text
    with Session(engine) as s:
        [notice] = s.exec(select(Notification).where(Notification.kind == "status-change")).all()
    assert "cbp-desk" in notice.tags.split(",")
