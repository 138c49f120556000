"""The plain PATCH route (api/fastpatch.py) answers exactly as FastAPI's route does."""

from __future__ import annotations

from sqlmodel import Session, select

import api.fastpatch
from api.fastpatch import FastPatch
from models import ActionEvent, ActionItem, Notification, init_db, make_engine
from tests.api_helpers import T0, AppClient, Clock, auth, make_token, seed_items


def world(path, plain: bool):
    """A seeded database, its app (with or without the plain route) and its tokens."""
    from api.app import create_app
    from config import Settings

    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    ids = seed_items(engine)
    tokens = {r: make_token(engine, r) for r in ("viewer", "editor")}
    app = create_app(settings=Settings(), engine=engine, clock=Clock(T0))
    if not plain:
        app.router.routes[:] = [r for r in app.router.routes if not isinstance(r, FastPatch)]
    return engine, AppClient(app), ids, tokens


def script(ids: list[int], tokens: dict[str, str]) -> list[tuple[str, dict]]:
    """(url, request keywords): plain requests and every kind the plain route passes on."""
    ed, a, b = auth(tokens["editor"]), f"/items/{ids[0]}", f"/items/{ids[1]}"
    tag = lambda v: ed | {"If-Match": v}  # noqa: E731
    raw = lambda body, kind="application/json": {  # noqa: E731
        "content": body, "headers": ed | {"Content-Type": kind}}
    return [
        (a, {"json": {"status": "in_progress"}, "headers": tag('"1"')}),  # token not yet cached
        (a, {"json": {"status": "waiting"}, "headers": tag('"2"')}),
        (a, {"json": {"status": "in_progress"}, "headers": tag('"2"')}),  # stale: 412
        (a, {"json": {"status": "proposed"}, "headers": ed}),  # forbidden move: 409
        (a, {"json": {"owner": "CBP", "status": "done", "note": "both"}, "headers": tag('"3"')}),
        (b, {"json": {"note": "just a note"}, "headers": tag('W/"1", "1"')}),
        (b, {"json": {"title": "Send the outline"}, "headers": tag('"9", "2"')}),
        (b, {"json": {"owner": "CBP"}, "headers": tag('"2", "7"')}),  # several, none current
        (b, {"json": {"owner": "CBP"}, "headers": tag('W/"3"')}),
        (b, {"json": {"due_start": "2010-03-01", "due_end": "2010-02-01"}, "headers": ed}),
        (b, {"json": {}, "headers": ed}),
        (b, {"json": {"colour": "red"}, "headers": ed}),
        (b, {"json": {"due_end": "soon"}, "headers": ed}),
        (b, {"json": ["status", "done"], "headers": ed}),
        (b, raw(b'{"status": "waiting"')),
        (b, raw(b'{"status": "waiting"}', "text/plain")),
        (b, raw(b'{"status": "waiting"}', "application/json; charset=utf-8")),
        ("/items/999", {"json": {"status": "done"}, "headers": ed}),
        ("/items/0", {"json": {"status": "done"}, "headers": ed}),
        (f"/items/{2**63}", {"json": {"status": "done"}, "headers": ed}),
        ("/items/x1", {"json": {"status": "done"}, "headers": ed}),
        (b, {"json": {"status": "done"}, "headers": auth(tokens["viewer"])}),
        (b, {"json": {"status": "done"}}),
        (b, {"json": {"status": "done"}, "headers": auth("fu_guess")}),
        (b, {"json": {"status": "done"}, "headers": {"Authorization": "Basic abc"}}),
    ]


def answers(client: AppClient, requests) -> list[tuple]:
    out = []
    for url, kw in requests:
        r = client.patch(url, **kw)
        body = r.json() if r.headers.get("content-type", "").startswith("application/json") else r.text
        out.append((url, r.status_code, r.headers.get("ETag"), body))
    return out


def stored(engine) -> list:
    with Session(engine) as s:
        items = [i.model_dump() for i in s.exec(select(ActionItem).order_by(ActionItem.id))]
        events = [e.model_dump(exclude={"id"}) for e in s.exec(select(ActionEvent).order_by(ActionEvent.id))]
        queued = [(n.key, n.title, n.tags, n.context) for n in s.exec(select(Notification).order_by(Notification.id))]
    return [items, events, queued]


def test_plain_route_answers_and_stores_as_fastapi_does(tmp_path, monkeypatch):
    served = []
    real = api.fastpatch.apply_patch

    async def counted(*args):
        served.append(args[2])
        return await real(*args)

    monkeypatch.setattr(api.fastpatch, "apply_patch", counted)
    fast_engine, fast, ids, fast_tokens = world(tmp_path / "plain.db", plain=True)
    slow_engine, slow, _, slow_tokens = world(tmp_path / "fastapi.db", plain=False)
    got = answers(fast, script(ids, fast_tokens))
    want = answers(slow, script(ids, slow_tokens))
    assert got == want
    assert [s for _, s, _, _ in got].count(200) >= 5 and {409, 412, 422, 404, 401, 403} <= {
        s for _, s, _, _ in got}
    # The plain route served the plain requests (valid JSON, cached editor token) itself.
    assert len(served) == 12
    assert stored(fast_engine) == stored(slow_engine)
    fast_engine.dispose()
    slow_engine.dispose()
