"""Scale bench (issue 7): 100,000 items, 75,000 open, on SQLite and on PostgreSQL.

Measures, as a user would meet them: `followup import` of a Taskwarrior export
(process wall), `followup list --overdue --count` (process wall), one sweep
over all open items (in process, with the query plan of its candidate query),
and the sweep's peak resident memory at two sizes (a process each). PostgreSQL
runs where FOLLOWUP_BENCH_POSTGRES_URL (default: the local test server) answers.
Traffic stays on this machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOLLOWUP = str(Path(sys.executable).parent / "followup")
N = int(os.environ.get("BENCH_SCALE_ITEMS", "100000"))
NOW = "2010-03-01T09:00"
PG_URL = os.environ.get("FOLLOWUP_BENCH_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ENV = os.environ | {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}

# Run in a fresh process so its peak RSS is the sweep's alone.
SWEEP = """
import resource, sys, time
from datetime import datetime
from config import Settings
from flows.deps import get_engine
from models import session_scope
from notify import load_routing, run_sweep
s = Settings()
engine = get_engine(s)
t = time.perf_counter()
with session_scope(engine) as session:
    r = run_sweep(session=session, policy=s.policy, routing=load_routing(s.routing_file),
                  now=datetime.fromisoformat(sys.argv[1]).replace(tzinfo=s.policy.zone))
print(time.perf_counter() - t, r.queued_count, r.scanned,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def taskwarrior_export(path: Path, n: int) -> None:
    """n tasks: three in four pending, due dates spread over the first half of 2010."""
    start = datetime(2010, 1, 1, 12, tzinfo=timezone.utc)
    statuses = ("pending", "pending", "pending", "completed")
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for i in range(n):
            due = start + timedelta(days=i % 180)
            task = {"id": i + 1, "description": f"Follow-up {i}", "status": statuses[i % 4],
                    "entry": "20091001T080000Z", "modified": "20091001T080000Z",
                    "due": due.strftime("%Y%m%dT%H%M%SZ"), "project": f"office.p{i % 20}",
                    "tags": ["commitment"], "uuid": f"00000000-0000-0000-0000-{i:012d}",
                    "owner": f"owner{i % 50}"}
            out.write(json.dumps(task) + (",\n" if i < n - 1 else "\n"))
        out.write("]\n")


def wall(cmd: list[str], env: dict) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - t, proc.stdout


def reset(url: str) -> bool:
    """An empty database at `url`; False if it cannot be reached."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return True
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def plan(url: str) -> str:
    """The query plan of the sweep's candidate query: it must use an index."""
    from sqlalchemy import create_engine, text

    # The dated half of the sweep's candidate query (notify/sweep.py), as one streamed query.
    sql = ("SELECT id FROM action_item WHERE status IN ('open', 'in_progress', 'waiting') "
           "AND due_end IS NOT NULL AND due_end <= '2010-03-08' ORDER BY id")
    engine = create_engine(url)
    with engine.connect() as conn:
        if url.startswith("sqlite"):
            rows = conn.execute(text("EXPLAIN QUERY PLAN " + sql)).all()
            out = "; ".join(r[-1] for r in rows)
        else:
            lines = [r[0].strip().lstrip("-> ") for r in conn.execute(text("EXPLAIN " + sql)).all()]
            out = "; ".join(line.split("  (cost")[0] for line in lines if "Scan" in line)
    engine.dispose()
    return out


def bench(name: str, url: str, export: Path, small: Path) -> list[tuple[str, str]]:
    if not reset(url):
        return [(f"{name}: not reachable", "skipped")]
    env = ENV | {"FOLLOWUP_DATABASE_URL": url}
    rows = []
    secs, out = wall([FOLLOWUP, "import", str(export), "--from", "taskwarrior"], env)
    rows.append((f"{name}: `followup import --from taskwarrior` of {N:,} tasks", f"{secs:.1f} s"))
    wall([FOLLOWUP, "list", "--overdue", "--count", "--now", NOW], env)  # warm the file cache
    best = min(wall([FOLLOWUP, "list", "--overdue", "--count", "--now", NOW], env)[0]
               for _ in range(5))
    rows.append((f"{name}: `followup list --overdue --count` (process wall, best of 5)",
                 f"{best:.2f} s"))
    rows.append((f"{name}: sweep candidate query plan", plan(url)))
    secs, out = wall([sys.executable, "-c", SWEEP, NOW], env)
    took, queued, scanned, rss = out.split()
    rows.append((f"{name}: one sweep over {N * 3 // 4:,} open items ({int(scanned):,} candidates, "
                 f"{int(queued):,} notices queued)", f"{float(took):.1f} s, peak {rss} MiB"))
    # Memory with a tenth of the items: a flat figure means the sweep streams.
    reset(url)
    wall([FOLLOWUP, "import", str(small), "--from", "taskwarrior"], env)
    took, queued, scanned, rss = wall([sys.executable, "-c", SWEEP, NOW], env)[1].split()
    rows.append((f"{name}: same sweep at {N // 10:,} items ({int(queued):,} queued)",
                 f"{float(took):.1f} s, peak {rss} MiB"))
    return rows


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="followup-scale-"))
    export, small = tmp / "tasks.json", tmp / "tasks-small.json"
    taskwarrior_export(export, N)
    taskwarrior_export(small, N // 10)
    rows = bench("SQLite", f"sqlite:///{tmp / 'scale.db'}", export, small)
    rows += bench("PostgreSQL", PG_URL, export, small)
    print("| what | result |\n| --- | --- |")
    for what, result in rows:
        print(f"| {what} | {result} |")


if __name__ == "__main__":
    main()
