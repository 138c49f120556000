"""What the API app holds across requests: the SQLite writer lock file, the failed-auth limiter."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from datetime import datetime, timezone

from api.deps import FailedAuthLimiter
from tests.api_helpers import Clock


def _open_fds_on(path: str) -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}") == path
        except OSError:  # the fd listdir itself used, closed by now
            pass
    return count


def test_the_writer_lock_file_is_closed_when_the_app_stops(sqlite_engine):
    from api.app import create_app
    from config import Settings

    app = create_app(settings=Settings(), engine=sqlite_engine, clock=Clock())
    lock_file = f"{sqlite_engine.url.database}.writer-lock"
    assert _open_fds_on(lock_file) == 1

    async def run_and_stop() -> None:  # what uvicorn does around serving
        async with app.router.lifespan_context(app):
            assert _open_fds_on(lock_file) == 1

    asyncio.run(run_and_stop())
    assert _open_fds_on(lock_file) == 0
    app.state.followup.close()  # twice is harmless


def test_failures_from_many_threads_at_once_are_all_counted():
    """Without the limiter's lock, one thread dropping a client's emptied deque while
    another appends to it lost failures (dozens a run here), so attackers got more tries."""
    now = datetime(2010, 1, 1, tzinfo=timezone.utc)
    threads, clients = 4, 200
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show up
    try:
        for _ in range(100):
            limiter = FailedAuthLimiter(limit=threads + 1)
            start = threading.Barrier(threads)

            def fail_each() -> None:
                start.wait()
                for c in range(clients):
                    limiter.fail(f"10.0.0.{c}", now)

            workers = [threading.Thread(target=fail_each) for _ in range(threads)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            counted = [len(limiter._fails.get(f"10.0.0.{c}", ())) for c in range(clients)]
            assert counted == [threads] * clients
    finally:
        sys.setswitchinterval(old)
