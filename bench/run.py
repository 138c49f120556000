"""`make bench`: extraction speed, sweep over many items, `followup list` wall time.

Prints a Markdown table; copy it into the README with the machine it ran on.
Everything runs on a temporary SQLite file; nothing is sent anywhere.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

N_ITEMS = int(os.environ.get("BENCH_ITEMS", "20000"))
FOLLOWUP = str(Path(sys.executable).parent / "followup")


def timed(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def bench_extract() -> list[tuple[str, str]]:
    from extraction import extract, load_text

    rows = []
    for path in sorted((REPO / "examples" / "records").glob("*.txt")):
        text = load_text(path)
        extract(text)  # warm caches (directory, regexes)
        secs = timed(lambda: [extract(text) for _ in range(20)]) / 20
        rows.append((f"extract {path.name} ({len(text) / 1024:.1f} KB)", f"{secs * 1000:.2f} ms"))
    return rows


def seed_items(url: str, n: int) -> float:
    from sqlalchemy import insert

    from models import ActionItem, MeetingRecord, init_db, make_engine

    engine = make_engine(url)
    init_db(engine)
    t0 = datetime(2010, 1, 1, tzinfo=timezone.utc)
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(MeetingRecord), [dict(title="bench", text="bench", content_hash="b",
                                                   ingested_at=t0)])
        batch = []
        for i in range(n):
            due = date(2010, 1, 1) + timedelta(days=i % 120) if i % 4 else None
            status = ("open", "in_progress", "waiting", "done")[i % 4]
            batch.append(dict(title=f"Follow-up {i}", kind="action", owner=f"owner{i % 50}",
                              due_start=due, due_end=due, confidence=0.9, status=status,
                              version=1, record_id=1, created_at=t0, updated_at=t0))
            if len(batch) == 5000:
                conn.execute(insert(ActionItem), batch)
                batch = []
        if batch:
            conn.execute(insert(ActionItem), batch)
    return time.perf_counter() - start


def bench_db(n: int) -> list[tuple[str, str]]:
    from config import Settings
    from models import make_engine, session_scope
    from notify import load_routing, run_sweep

    tmp = Path(tempfile.mkdtemp(prefix="followup-bench-"))
    url = f"sqlite:///{tmp / 'bench.db'}"
    rows = [(f"bulk insert {n:,} items (SQLAlchemy core)", f"{seed_items(url, n):.2f} s")]
    env = os.environ | {"FOLLOWUP_DATABASE_URL": url}
    cmd = [FOLLOWUP, "list", "--overdue", "--count",
           "--now", "2010-03-01T09:00"]
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    wall = timed(lambda: subprocess.run(cmd, env=env, check=True, capture_output=True), repeat=5)
    rows.append((f"`followup list --overdue --count` over {n:,} items (process wall)", f"{wall:.2f} s"))
    for args in (["--limit", "50"], []):
        cmd = [FOLLOWUP, "list", *args]
        wall = timed(lambda: subprocess.run(cmd, env=env, check=True, capture_output=True), repeat=3)
        rows.append((f"`followup list {' '.join(args)}` over {n:,} items (process wall)".replace(" `", "`"),
                     f"{wall:.2f} s"))
    rows.append((f"`action-items` artifact rows from {n:,} items", f"{bench_table(url):.2f} s"))
    settings = Settings()
    routing = load_routing(settings.routing_file)
    engine = make_engine(url)
    now = datetime(2010, 3, 1, 9, tzinfo=timezone.utc)
    start = time.perf_counter()
    with session_scope(engine) as session:
        report = run_sweep(session=session, policy=settings.policy, routing=routing, now=now)
    secs = time.perf_counter() - start
    rows.append((f"sweep over {n:,} items ({report.queued_count:,} notices queued)", f"{secs:.2f} s"))
    start = time.perf_counter()
    with session_scope(engine) as session:
        again = run_sweep(session=session, policy=settings.policy, routing=routing, now=now)
    rows.append((f"second sweep, same moment ({again.queued_count} queued)",
                 f"{time.perf_counter() - start:.2f} s"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak resident memory of this process", f"{peak:.0f} MiB"))
    return rows


def bench_table(url: str) -> float:
    """What the dashboard flow computes before it publishes: the open-items table."""
    from zoneinfo import ZoneInfo

    from flows.report import action_items_table
    from models import make_engine, session_scope

    with session_scope(make_engine(url)) as session:
        return timed(lambda: action_items_table(session=session, now=datetime(2010, 3, 1, tzinfo=timezone.utc),
                                                zone=ZoneInfo("UTC")))


def main() -> None:
    from dispatch import bench_dispatch  # bench/dispatch.py
    from extraction_bench import quality_rows, speed_rows  # issue 3: corpus scores, speed, adversarial text

    rows = (bench_extract() + quality_rows() + speed_rows() + bench_db(N_ITEMS)
            + bench_dispatch())
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}\n")
    print("| what | result |\n| --- | --- |")
    for what, result in rows:
        print(f"| {what} | {result} |")


if __name__ == "__main__":
    main()
