"""Dispatch throughput: 1,000 queued notifications to a loopback JSON webhook.

With a receiver that answers after 200 ms (as real chat and mail services do),
one-by-one blocking sends would take 200 s; with an instant receiver the figure
is our overhead per notification on top of apprise's own cost.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the loopback receivers the tests use

NOW = datetime(2010, 2, 1, 9, tzinfo=timezone.utc)


def _run(n: int, delay: float) -> tuple[float, int, int]:
    from receivers import WebhookReceiver, write_apprise_config

    from config import Policy
    from models import NotificationCreate, init_db, make_engine, session_scope
    from models.outbox import queue_notification
    from notify import dispatch_due, load_apprise

    tmp = Path(tempfile.mkdtemp(prefix="followup-bench-dispatch-"))
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    init_db(engine)
    with session_scope(engine) as s:
        for i in range(n):
            queue_notification(session=s, now=NOW, notification_in=NotificationCreate(
                key=f"bench:{i}", kind="reminder", title=f"Reminder {i}", body="due in 3 days"))
    hook = WebhookReceiver(delay=delay).start()
    try:
        channels = load_apprise(write_apprise_config(tmp, [(hook.url(), "default")]))
        start = time.perf_counter()
        report = dispatch_due(engine=engine, apprise_obj=channels, policy=Policy(), now=NOW, limit=n)
        secs = time.perf_counter() - start
        return secs, report.sent, len(hook.delivered)
    finally:
        hook.stop()
        engine.dispose()


def _apprise_alone(n: int) -> float:
    """Seconds per send of apprise by itself, one by one, to an instant receiver."""
    import apprise
    from receivers import WebhookReceiver

    hook = WebhookReceiver().start()
    try:
        target = apprise.Apprise.instantiate(hook.url())
        start = time.perf_counter()
        for i in range(n):
            target.notify(body="due in 3 days", title=f"Reminder {i}")
        return (time.perf_counter() - start) / n
    finally:
        hook.stop()


def bench_dispatch(n: int = 1000) -> list[tuple[str, str]]:
    import notify.channels  # noqa: F401  (loads apprise's plugins before timing)

    slow, sent, arrived = _run(n, 0.2)
    rows = [(f"dispatch {n:,} notifications, receiver answers after 200 ms "
             f"(one-by-one: {n * 0.2:.0f} s; {sent:,} sent, {arrived:,} arrived)", f"{slow:.2f} s")]
    fast, sent, arrived = _run(n, 0.0)
    alone = _apprise_alone(200)
    rows.append((f"dispatch {n:,} notifications, instant receiver ({sent:,} sent, {arrived:,} arrived)",
                 f"{fast:.2f} s ({fast / n * 1000:.1f} ms each)"))
    rows.append(("apprise alone, one send to the instant receiver", f"{alone * 1000:.1f} ms"))
    return rows


if __name__ == "__main__":
    for what, result in bench_dispatch():
        print(f"| {what} | {result} |")
