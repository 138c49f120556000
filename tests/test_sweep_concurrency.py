"""Two sweeps at the same moment (two schedules, a retry, a late run) queue each notice once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from sqlmodel import select

from config import Settings
from models import ActionEvent, ActionItemCreate, Notification, Status, make_engine, session_scope
from models import items as item_ops
from notify import load_routing, run_sweep

NOW = datetime(2010, 3, 1, 9, 0, tzinfo=timezone.utc)
N = 300


def test_concurrent_sweeps_never_queue_a_duplicate(engine, db_url):
    with session_scope(engine) as session:
        for i in range(N):
            item_ops.create_item(session=session, record_id=None, now=NOW - timedelta(days=60),
                                 actor="t", status=Status.open, item_in=ActionItemCreate(
                                     title=f"item {i}", owner="Alice",
                                     due_end=date(2010, 2, 1) + timedelta(days=i % 40)))
    settings = Settings()
    routing = load_routing(settings.routing_file)
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def sweep() -> None:
        eng = make_engine(db_url)  # its own engine and connections, as another process would have
        try:
            barrier.wait(30)
            with session_scope(eng) as session:
                r = run_sweep(session=session, policy=settings.policy, routing=routing, now=NOW,
                              batch_size=50)
                reports.append(len(r.queued))
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            eng.dispose()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with session_scope(engine) as session:
        keys = session.exec(select(Notification.key)).all()
        audits = session.exec(select(ActionEvent).where(ActionEvent.kind.in_(["reminded", "escalated"]))).all()
    assert keys and max(Counter(keys).values()) == 1
    assert sum(reports) == len(keys) == len(audits)  # what both report as queued is all there is
