"""The engine for a database URL, with SQLAlchemy alone (no SQLModel): reads use it as it is."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url


def make_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite the file's folder is created and WAL set."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # LIFO: the connection used last is used next, with its page cache still warm (a
    # connection that sees another's commit rereads the pages it needs).
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                           pool_use_lifo=True)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
        cur = dbapi_conn.cursor()
        # WAL lets readers (dashboard, list) run while a sweep writes.
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


@lru_cache(maxsize=8)
def ready_engine(url: str) -> Engine:
    """One engine per URL per process, its schema at HEAD (one query when it already is)."""
    from models.schema import ensure_schema

    engine = make_engine(url)
    ensure_schema(engine)
    return engine
