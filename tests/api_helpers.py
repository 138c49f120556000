"""Fixtures for the API tests: a seeded SQLite file, a fixed clock, tokens, a live uvicorn."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, datetime, timezone

import httpx
import pytest
import uvicorn

from tests.receivers import free_port

T0 = datetime(2010, 1, 25, 9, 0, tzinfo=timezone.utc)


class Clock:
    """The app's clock: tests move it instead of sleeping."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def seed_items(engine) -> list[int]:
    """Two open items with due windows (different owners) and one proposed, undated."""
    from models import ActionItemCreate, RecordCreate, session_scope
    from models import records

    with session_scope(engine) as s:
        res = records.ingest_record(
            session=s, record_in=RecordCreate(title="Cable", text="cable text", record_date=date(2009, 10, 9)),
            items_in=[ActionItemCreate(title="Hold the Program Review", kind="planned_event", owner="EXBS",
                                       counterpart="Russian MFA", due_start=date(2010, 2, 1),
                                       due_end=date(2010, 2, 7), due_text="first week of February 2010",
                                       evidence="A Program Review is planned.", confidence=0.9),
                      ActionItemCreate(title="Send the course outline", kind="commitment", owner="CBP",
                                       due_start=date(2010, 1, 10), due_end=date(2010, 1, 15),
                                       confidence=0.9),
                      ActionItemCreate(title="Consider an MOU", kind="request", owner="US CBP",
                                       confidence=0.5)],
            now=datetime(2009, 10, 10, tzinfo=timezone.utc), auto_accept=0.75)
        return [i.id for i in res.created]


def make_token(engine, role: str, name: str | None = None) -> str:
    from models import session_scope
    from models.tokens import Role, create_token

    with session_scope(engine) as s:
        _, token = create_token(session=s, name=name or role, role=Role(role), now=T0)
    return token


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(engine, clock, tmp_path):
    from api.app import create_app
    from config import Settings

    return create_app(settings=Settings(), engine=engine, clock=clock)


@pytest.fixture
def ids(engine) -> list[int]:
    return seed_items(engine)


@pytest.fixture
def tokens(engine) -> dict[str, str]:
    return {r: make_token(engine, r) for r in ("viewer", "editor", "admin")}


class AppClient:
    """Synchronous calls into the ASGI app through httpx (Starlette's TestClient now
    wants httpx2, which we do not ship)."""

    def __init__(self, app, client: tuple[str, int] = ("127.0.0.1", 50000)) -> None:
        self.app, self.client = app, client

    def request(self, method: str, url: str, **kw) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=self.client)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
                return await c.request(method, url, **kw)

        return asyncio.run(go())

    def get(self, url: str, **kw) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw) -> httpx.Response:
        return self.request("POST", url, **kw)

    def patch(self, url: str, **kw) -> httpx.Response:
        return self.request("PATCH", url, **kw)

    def delete(self, url: str, **kw) -> httpx.Response:
        return self.request("DELETE", url, **kw)

    def options(self, url: str, **kw) -> httpx.Response:
        return self.request("OPTIONS", url, **kw)


@pytest.fixture
def client(app) -> AppClient:
    return AppClient(app)


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def live_api(app):
    """The same app under a real uvicorn on a free loopback port; its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = threading.Event()
    # uvicorn sets `started` once it listens; wait on it without sleeping blindly.
    for _ in range(2000):
        if server.started:
            started.set()
            break
        thread.join(0.005)
    assert started.is_set(), "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
