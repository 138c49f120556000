"""How the API writes: another program holding SQLite's lock, and cached tokens."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from sqlmodel import Session, select

from models import ActionEvent, ActionItem
from models import session_scope
from models.tokens import revoke_token
from tests.api_helpers import Clock, auth, make_token, seed_items


def _app(engine, clock):
    from api.app import create_app
    from config import Settings

    return create_app(settings=Settings(), engine=engine, clock=clock)


def test_a_change_while_another_program_writes_is_503_and_writes_nothing(sqlite_engine):
    from tests.api_helpers import AppClient

    ids, token = seed_items(sqlite_engine), make_token(sqlite_engine, "editor")
    app = _app(sqlite_engine, Clock())
    app.state.followup.write_patience = 0.2  # seconds; the lock below is held throughout
    client = AppClient(app)
    other = sqlite3.connect(sqlite_engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a sweep or an import, say, in another process
    try:
        r = client.patch(f"/items/{ids[0]}", json={"status": "done"}, headers=auth(token))
        assert r.status_code == 503 and r.headers["Retry-After"] == "5"
        assert "database unavailable" in r.json()["detail"]
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Session(sqlite_engine) as s:
        assert s.get(ActionItem, ids[0]).version == 1
        assert s.exec(select(ActionEvent).where(ActionEvent.kind == "status-changed")).all() == []
    # The lock free again, the same change goes through (on the event loop this time).
    r = client.patch(f"/items/{ids[0]}", json={"status": "done"}, headers=auth(token))
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'


def test_a_token_revoked_by_another_process_stops_working_within_a_second(engine):
    from tests.api_helpers import AppClient

    seed_items(engine)
    token, clock = make_token(engine, "viewer"), Clock()
    client = AppClient(_app(engine, clock))
    assert client.get("/items", headers=auth(token)).status_code == 200
    with session_scope(engine) as s:  # as `followup token revoke` does, from its own process
        revoke_token(session=s, name_or_id="viewer", now=clock.now)
    assert client.get("/items", headers=auth(token)).status_code == 200  # still cached
    clock.now += timedelta(seconds=1)
    r = client.get("/items", headers=auth(token))
    assert r.status_code == 401 and r.json()["detail"] == "invalid or revoked token"
