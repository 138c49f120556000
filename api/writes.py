"""Changes through the API: one writer at a time on SQLite, and where each change runs."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from models import session_scope

if TYPE_CHECKING:
    from api.deps import AppState

T = TypeVar("T")
# The longest a writer holding our locks waits for SQLite's own lock (another program
# writing: a sweep, an import) before it lets go and tries again.
INLINE_WAIT_MS = 20


class SqliteWriters:
    """SQLite has one writer at a time: our writers queue here rather than in SQLite's
    busy handler, which sleeps in growing steps (a p99 of 1.5 s). Threads queue on a
    lock; API worker processes (`followup api --workers N`) on flock(2) of a file beside
    the database, which the kernel hands to the next waiter as soon as it is released.
    """

    def __init__(self, database: str | None) -> None:
        self._threads = threading.Lock()
        self._fd: int | None = None
        if database and database != ":memory:" and not database.startswith("file:"):
            self._fd = os.open(f"{database}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            if self._fd is None:
                yield
                return
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close the lock file (once no thread of ours holds it); closing twice is harmless."""
        with self._threads:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def _begin(session: Session) -> bool:
    """BEGIN IMMEDIATE within INLINE_WAIT_MS (True), or False: another program holds
    SQLite's write lock. On the driver's connection: through SQLAlchemy these statements
    cost more than a PATCH's UPDATE. The connection's usual busy timeout is read once."""
    conn = session.connection()
    raw = conn.connection.dbapi_connection
    usual = conn.connection.info.get(_USUAL)
    if usual is None:
        usual = conn.connection.info[_USUAL] = int(raw.execute("PRAGMA busy_timeout").fetchone()[0])
    raw.execute(f"PRAGMA busy_timeout = {INLINE_WAIT_MS}")
    try:
        raw.execute("BEGIN IMMEDIATE")  # the BEGIN the driver would send, made immediate
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        raw.execute(f"PRAGMA busy_timeout = {usual}")


_USUAL = "followup_busy_timeout"


class Busy(Exception):
    """SQLite's write lock did not come in time (another program has been writing)."""


@contextmanager
def writing(st: AppState, patience: float | None = None) -> Iterator[Session]:
    """A session for a change, committed on success. On SQLite it holds the write lock
    (BEGIN IMMEDIATE) from the start, so concurrent writers queue instead of failing on
    a lock upgrade; Busy after `patience` seconds (default: the app's) of another
    program writing.

    Our locks are held only while SQLite's lock comes within INLINE_WAIT_MS: a writer
    that waits longer lets go and tries again, so no API writer, on the event loop
    or in a thread, ever waits behind one of ours for long.
    """
    if st.writers is None:
        with session_scope(st.engine) as session:
            yield session
        return
    deadline = time.monotonic() + (st.write_patience if patience is None else patience)
    while True:
        with st.writers.held(), session_scope(st.engine) as session:
            if _begin(session):
                yield session
                return
        if time.monotonic() >= deadline:
            raise Busy("database busy: another program has been writing; try again shortly")


def _in_thread(st: AppState, change: Callable[[Session], T]) -> T:
    with writing(st) as session:
        return change(session)


async def write(st: AppState, change: Callable[[Session], T]) -> T:
    """`change(session)`, committed, and its result.

    On SQLite the first try runs right here on the event loop: a change is about a
    millisecond of CPU, and the threadpool's two thread wake-ups cost a PATCH a fifth
    of its CPU while buying nothing, since writes queue on the lock anyway. If another
    program is writing, and on PostgreSQL, it waits in the threadpool instead.
    """
    if st.writers is not None:
        try:
            with writing(st, patience=0) as session:
                return change(session)
        except Busy:
            pass
    return await run_in_threadpool(_in_thread, st, change)
